//! The version-skew rule family: how far apart releases may drift
//! ([`SkewRule`]). One evaluation, used by the validator (a starting state
//! that breaks a rule), the planner (whether a hop may be taken now, and the
//! `version-skew` risks) and the checker (every state of a plan), so the
//! three cannot read a rule differently. It knows nothing of plans: it is
//! given each node's releases and answers about them.
//!
//! Positions are counted on the rule's component's `releases` (validation
//! makes sure every release the rule may meet is there): a rule against
//! another component compares release *names*, so kubelet `1.28` is two
//! positions older than kube-apiserver `1.30` when kubelet lists both.

use std::fmt::Write as _;

use crate::model::{Cluster, ComponentId, NodeId, SkewLimit, SkewRule, SkewScope};

/// Where a release sits on a rule's scale; `None` for a name the scale lacks.
pub fn position(cluster: &Cluster, rule: &SkewRule, release: &str) -> Option<usize> {
    cluster.component(rule.component).position(release)
}

/// The other component a rule compares with, if any.
pub fn against(rule: &SkewRule) -> Option<ComponentId> {
    match rule.limit {
        SkewLimit::Against { against, .. } => Some(against),
        SkewLimit::Spread(_) => None,
    }
}

/// Whether the rule is about `component` (as its subject or its other side).
pub fn concerns(rule: &SkewRule, component: ComponentId) -> bool {
    rule.component == component || against(rule) == Some(component)
}

/// One release of one component on one node, as a breach names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub node: NodeId,
    pub release: String,
}

/// How far one rule is from its limit in a state: the widest pair it
/// compares. `by` is how many positions apart they are the way the limit
/// counts; `limit` what is allowed that way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The node and release of the rule's component.
    pub subject: Placed,
    /// The node and release compared with it (the other end of a spread).
    pub other: Placed,
    pub by: usize,
    pub limit: u32,
    /// For a rule against another component: whether `subject` is the newer.
    pub newer: bool,
}

impl Gap {
    /// Whether the pair is over the limit.
    pub fn breaks(&self) -> bool {
        self.by > self.limit as usize
    }

    /// Whether the pair is exactly at the limit (and apart at all).
    pub fn at_limit(&self) -> bool {
        self.by > 0 && self.by == self.limit as usize
    }

    /// One line for a person: "kubelet 1.30 on w1 is 1 release newer than
    /// kube-apiserver 1.29 on cp2 (limit 0)".
    pub fn describe(&self, cluster: &Cluster, rule: &SkewRule) -> String {
        let name = |id: ComponentId| cluster.component(id).name.as_str();
        let node = |id: NodeId| cluster.node(id).name.as_str();
        let plural = if self.by == 1 { "" } else { "s" };
        let mut text = String::new();
        match rule.limit {
            SkewLimit::Spread(_) => {
                let _ = write!(
                    text,
                    "{} runs {} on {} and {} on {}: {} release{plural} apart (limit {})",
                    name(rule.component),
                    self.subject.release,
                    node(self.subject.node),
                    self.other.release,
                    node(self.other.node),
                    self.by,
                    self.limit
                );
            }
            SkewLimit::Against { against, .. } => {
                let way = if self.newer { "newer" } else { "older" };
                let _ = write!(
                    text,
                    "{} {} on {} is {} release{plural} {way} than {} {} on {} (limit {})",
                    name(rule.component),
                    self.subject.release,
                    node(self.subject.node),
                    self.by,
                    name(against),
                    self.other.release,
                    node(self.other.node),
                    self.limit
                );
            }
        }
        text
    }
}

/// The widest gaps of `rule` in a state given by `release_of(node,
/// component)` (`None` where the node does not run it): the worst one for
/// each bound the rule sets (a spread has one, a rule against another
/// component up to two, newer and older). Linear in the nodes. A release
/// off the scale is skipped (validation rules that out for a cluster's own
/// releases).
pub fn gaps<'a>(
    cluster: &Cluster,
    rule: &SkewRule,
    release_of: impl Fn(NodeId, ComponentId) -> Option<&'a str>,
) -> Vec<Gap> {
    let placed = |node: NodeId, component: ComponentId| {
        let release = release_of(node, component)?;
        Some((position(cluster, rule, release)?, Placed { node, release: release.to_owned() }))
    };
    let extremes = |component: ComponentId| {
        let mut low: Option<(usize, Placed)> = None;
        let mut high: Option<(usize, Placed)> = None;
        for node in cluster.node_ids() {
            let Some((at, release)) = placed(node, component) else { continue };
            if low.as_ref().is_none_or(|(l, _)| at < *l) {
                low = Some((at, release.clone()));
            }
            if high.as_ref().is_none_or(|(h, _)| at > *h) {
                high = Some((at, release));
            }
        }
        low.zip(high)
    };
    match rule.limit {
        SkewLimit::Spread(limit) => {
            let Some((low, high)) = extremes(rule.component) else { return Vec::new() };
            vec![spread_gap(limit, low, high)]
        }
        SkewLimit::Against { against, max_newer, max_older, scope } => {
            // The pairs compared: every node's subject against every node's
            // other side, or each node's two against each other.
            let pairs: Vec<((usize, Placed), (usize, Placed))> = match scope {
                SkewScope::Cluster => {
                    let (Some(((a_low, a_old), (a_high, a_new))), Some(((b_low, b_old), (b_high, b_new)))) =
                        (extremes(rule.component), extremes(against))
                    else {
                        return Vec::new();
                    };
                    // Newest subject against oldest other side bounds "newer"; oldest against newest, "older".
                    vec![((a_high, a_new), (b_low, b_old)), ((a_low, a_old), (b_high, b_new))]
                }
                SkewScope::Node => cluster
                    .node_ids()
                    .filter_map(|node| Some((placed(node, rule.component)?, placed(node, against)?)))
                    .collect(),
            };
            widest(max_newer, max_older, pairs)
        }
    }
}

/// The pair a spread compares: its newest release against its oldest.
pub fn spread_gap(limit: u32, (low, oldest): (usize, Placed), (high, newest): (usize, Placed)) -> Gap {
    Gap { subject: newest, other: oldest, by: high - low, limit, newer: true }
}

/// Of the pairs a rule against another component compares (subject at the
/// first position, other side at the second), the widest each way it
/// bounds, the first of equals kept: what [`gaps`] answers once it knows
/// the pairs, and what the planner's index of releases answers from the
/// few pairs that can be widest.
pub fn widest(
    max_newer: Option<u32>,
    max_older: Option<u32>,
    pairs: impl IntoIterator<Item = ((usize, Placed), (usize, Placed))>,
) -> Vec<Gap> {
    let mut newer: Option<Gap> = None;
    let mut older: Option<Gap> = None;
    for ((a, subject), (b, other)) in pairs {
        if let Some(limit) = max_newer
            && a > b
            && newer.as_ref().is_none_or(|gap| a - b > gap.by)
        {
            newer = Some(Gap { subject: subject.clone(), other: other.clone(), by: a - b, limit, newer: true });
        }
        if let Some(limit) = max_older
            && b > a
            && older.as_ref().is_none_or(|gap| b - a > gap.by)
        {
            older = Some(Gap { subject, other, by: b - a, limit, newer: false });
        }
    }
    newer.into_iter().chain(older).collect()
}

/// What a checklist says of a rule in a state, given its [`gaps`]: the
/// gaps exactly at the limit, one sentence each, when none is over it
/// (a broken rule is an error or a risk, said elsewhere).
pub fn at_limit(cluster: &Cluster, rule: &SkewRule, gaps: &[Gap]) -> Option<String> {
    if gaps.iter().any(Gap::breaks) {
        return None;
    }
    let lines: Vec<String> = gaps.iter().filter(|gap| gap.at_limit()).map(|gap| gap.describe(cluster, rule)).collect();
    (!lines.is_empty()).then(|| lines.join("; "))
}

/// The first gap of `rule` over its limit in the state, if any.
pub fn breach<'a>(
    cluster: &Cluster,
    rule: &SkewRule,
    release_of: impl Fn(NodeId, ComponentId) -> Option<&'a str>,
) -> Option<Gap> {
    gaps(cluster, rule, release_of).into_iter().find(Gap::breaks)
}

/// Whether a pair of positions keeps a rule against another component
/// (subject at `a`, other side at `b`), as [`Gap::breaks`] reads a limit:
/// the planner's counting check asks it of the extremes it keeps.
pub fn pair_keeps(max_newer: Option<u32>, max_older: Option<u32>, a: usize, b: usize) -> bool {
    max_newer.is_none_or(|limit| a <= b + limit as usize) && max_older.is_none_or(|limit| b <= a + limit as usize)
}

/// The rule as the description writes it, for messages: its component, the
/// other one, and its bounds by their field names.
pub fn describe_rule(cluster: &Cluster, rule: &SkewRule) -> String {
    let name = |id: ComponentId| cluster.component(id).name.as_str();
    match rule.limit {
        SkewLimit::Spread(limit) => format!("`{}` max_spread {limit}", name(rule.component)),
        SkewLimit::Against { against, max_newer, max_older, scope } => {
            let mut bounds = Vec::new();
            if let Some(limit) = max_newer {
                bounds.push(format!("max_newer {limit}"));
            }
            if let Some(limit) = max_older {
                bounds.push(format!("max_older {limit}"));
            }
            if scope == SkewScope::Node {
                bounds.push("scope node".to_owned());
            }
            format!("`{}` against `{}` ({})", name(rule.component), name(against), bounds.join(", "))
        }
    }
}
