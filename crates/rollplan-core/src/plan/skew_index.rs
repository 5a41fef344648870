//! The nodes indexed by where their releases sit on each skew rule's
//! scale, so that recording a plan answers "how wide is each rule now"
//! ([`skew::gaps`]) in time logarithmic in the nodes rather than by walking
//! them after every upgrade: a Kubernetes cluster has an upgrade step per
//! node and hop, each touching the rules of the components it moves.
//!
//! It answers exactly as [`skew::gaps`] does, the same pair named when
//! several are equally wide (the node first in the description), since the
//! checker compares what the plan says with what `skew::gaps` finds.

use std::collections::{BTreeMap, BTreeSet};

use super::{Hop, State};
use crate::model::{Cluster, ComponentId, NodeId, SkewLimit, SkewRule, SkewScope};
use crate::skew::{self, Gap, Placed};

/// Nodes by a position on one rule's scale (or a difference of two).
type ByPosition<K> = BTreeMap<K, BTreeSet<NodeId>>;

pub(super) struct SkewIndex {
    rules: Vec<RuleIndex>,
}

#[derive(Default)]
struct RuleIndex {
    /// Nodes by the position of their release of the rule's component.
    subject: ByPosition<usize>,
    /// Nodes by the position of their release of the other component
    /// (a rule against another component, scope `cluster`).
    other: ByPosition<usize>,
    /// Nodes by their subject's position minus their other side's (scope `node`).
    pairs: ByPosition<isize>,
}

impl SkewIndex {
    pub fn new(cluster: &Cluster, state: &State) -> SkewIndex {
        let mut index = SkewIndex { rules: cluster.skew_rules().iter().map(|_| RuleIndex::default()).collect() };
        for node in cluster.node_ids() {
            index.enter(cluster, state, node, None);
        }
        index
    }

    /// Takes `node` out of the rules that `hops` concern (of every rule
    /// when `None`), before the hops change its releases in `state`.
    pub fn leave(&mut self, cluster: &Cluster, state: &State, node: NodeId, hops: Option<&[Hop]>) {
        self.update(cluster, state, node, hops, false);
    }

    /// Puts `node` back into the rules `hops` concern, once `state` has its new releases.
    pub fn enter(&mut self, cluster: &Cluster, state: &State, node: NodeId, hops: Option<&[Hop]>) {
        self.update(cluster, state, node, hops, true);
    }

    fn update(&mut self, cluster: &Cluster, state: &State, node: NodeId, hops: Option<&[Hop]>, insert: bool) {
        let at = |rule: &SkewRule, component: ComponentId| {
            skew::position(cluster, rule, state.node(node).version(component)?)
        };
        for (rule, index) in cluster.skew_rules().iter().zip(&mut self.rules) {
            if hops.is_some_and(|hops| !hops.iter().any(|hop| skew::concerns(rule, hop.component))) {
                continue;
            }
            let subject = at(rule, rule.component);
            match rule.limit {
                SkewLimit::Spread(_) => {
                    if let Some(a) = subject {
                        edit(&mut index.subject, a, node, insert);
                    }
                }
                SkewLimit::Against { against, scope: SkewScope::Cluster, .. } => {
                    if let Some(a) = subject {
                        edit(&mut index.subject, a, node, insert);
                    }
                    if let Some(b) = at(rule, against) {
                        edit(&mut index.other, b, node, insert);
                    }
                }
                SkewLimit::Against { against, scope: SkewScope::Node, .. } => {
                    if let (Some(a), Some(b)) = (subject, at(rule, against)) {
                        edit(&mut index.pairs, a.cast_signed() - b.cast_signed(), node, insert);
                    }
                }
            }
        }
    }

    /// Whether rule `rule` compares a component one of `hops` moves.
    pub fn concerns(cluster: &Cluster, rule: usize, hops: &[Hop]) -> bool {
        cluster.skew_rules().get(rule).is_some_and(|r| hops.iter().any(|hop| skew::concerns(r, hop.component)))
    }

    /// The widest gaps of rule `rule` in `state`, as [`skew::gaps`] gives them.
    pub fn gaps(&self, cluster: &Cluster, state: &State, rule: usize) -> Vec<Gap> {
        let (Some(definition), Some(index)) = (cluster.skew_rules().get(rule), self.rules.get(rule)) else {
            return Vec::new();
        };
        let placed = |node: NodeId, component: ComponentId| Placed {
            node,
            release: state.node(node).version(component).unwrap_or_default().to_owned(),
        };
        // The first node (in the description's order) at the lowest or highest position.
        let extreme = |map: &ByPosition<usize>, component, highest: bool| {
            let (&at, nodes) = if highest { map.last_key_value()? } else { map.first_key_value()? };
            Some((at, placed(*nodes.first()?, component)))
        };
        match definition.limit {
            SkewLimit::Spread(limit) => {
                let (Some(low), Some(high)) = (
                    extreme(&index.subject, definition.component, false),
                    extreme(&index.subject, definition.component, true),
                ) else {
                    return Vec::new();
                };
                vec![skew::spread_gap(limit, low, high)]
            }
            SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Cluster } => {
                let a = definition.component;
                let ends = (
                    extreme(&index.subject, a, false),
                    extreme(&index.subject, a, true),
                    extreme(&index.other, against, false),
                    extreme(&index.other, against, true),
                );
                let (Some(a_low), Some(a_high), Some(b_low), Some(b_high)) = ends else { return Vec::new() };
                skew::widest(max_newer, max_older, [(a_high, b_low), (a_low, b_high)])
            }
            SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Node } => {
                // The node whose subject is furthest ahead of its other side, and the one furthest behind.
                let pair = |(_, nodes): (&isize, &BTreeSet<NodeId>)| {
                    let node = *nodes.first()?;
                    let at = |component| skew::position(cluster, definition, state.node(node).version(component)?);
                    Some((
                        (at(definition.component)?, placed(node, definition.component)),
                        (at(against)?, placed(node, against)),
                    ))
                };
                let ahead = index.pairs.last_key_value().and_then(pair);
                let behind = index.pairs.first_key_value().and_then(pair);
                skew::widest(max_newer, max_older, ahead.into_iter().chain(behind))
            }
        }
    }
}

/// Adds `node` under `key`, or takes it out (and the key with its last node).
fn edit<K: Ord>(map: &mut ByPosition<K>, key: K, node: NodeId, insert: bool) {
    if insert {
        map.entry(key).or_default().insert(node);
    } else if let Some(nodes) = map.get_mut(&key) {
        nodes.remove(&node);
        if nodes.is_empty() {
            map.remove(&key);
        }
    }
}
