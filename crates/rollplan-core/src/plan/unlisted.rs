//! The risks of the online services whose owners are left out, kept by group.
//!
//! Such a service fails over to the first node that is up and has room, or
//! the second when it is on the first ([`Targets::first_two`]). When the room
//! moves, every one of them gets another target at once; with room for one
//! node's services only, that is at every step. One risk per service would
//! then cost nodes x services per plan; here the risk is one per group of
//! services that would fare alike (the same kind, level, target and
//! differing releases), and a step costs what it changes in the groups.
//!
//! The services are counted per (release class of their node, the
//! components they use): every service in one such count that is not on the
//! first node with room fares alike, and so does every one on it. So the
//! groups come from those counts, whatever the number of nodes.
//!
//! A group on one node is not one risk but one per service, like the risks
//! of services with listed owners: a node that services are drained onto
//! one at a time would otherwise have its whole group, renamed, as a new
//! risk at every step. [`super::world`] looks at a service again when it
//! moves, or when its group comes to or leaves a single node.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::sim::Sim;
use super::whatif::{Recomputed, Targets, mixed_level, recompute_risk, releases_text};
use super::{Action, AtRisk, Risk, RiskKind, RiskLevel, State};
use crate::model::{Cluster, ComponentId, IdVec, NodeId, ServiceId};

/// What tells a group of services apart: how they would fare.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct GroupKey {
    kind: RiskKind,
    level: RiskLevel,
    target: Option<NodeId>,
    /// `(component, their release, the target's)` for each release that differs.
    differing: Vec<(ComponentId, String, String)>,
}

/// A group as counted: how many services, and their node while they are on one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Counted {
    pub count: usize,
    pub node: Option<NodeId>,
}

/// The groups at risk after a step, by how they would fare.
pub(super) type Groups = BTreeMap<GroupKey, Counted>;

/// The online services whose owners are left out, counted per node, per
/// release class and per set of components used.
pub(super) struct Unlisted {
    /// Each node's release class: nodes that run the same releases share one.
    class: IdVec<NodeId, usize>,
    /// Each class's releases joined into one string, to its class. Keys of
    /// one map type the page already has (`BTreeMap<String, usize>`): each
    /// other key type is another copy of the B-tree's code in the wasm.
    class_ids: BTreeMap<String, usize>,
    /// The releases of each class, by component.
    class_releases: Vec<Vec<Option<String>>>,
    /// Each service's set of components used (`usize::MAX` for a service with listed owners).
    uses: IdVec<ServiceId, usize>,
    uses_lists: Vec<Vec<ComponentId>>,
    /// Per release class, per uses: how many such services, in all and on each node.
    counts: Vec<Vec<OnNodes>>,
}

#[derive(Clone, Default)]
struct OnNodes {
    total: usize,
    on: BTreeMap<NodeId, usize>,
}

impl Unlisted {
    pub fn new(cluster: &Cluster, state: &State) -> Unlisted {
        let mut uses_ids: BTreeMap<String, usize> = BTreeMap::new();
        let mut uses_lists = Vec::new();
        let uses = cluster.services().map(|service| {
            if !service.owners.is_any() {
                return usize::MAX;
            }
            let next = uses_ids.len();
            let key = service.uses.iter().fold(String::new(), |mut key, c| {
                let _ = write!(key, "{},", c.index());
                key
            });
            let id = *uses_ids.entry(key).or_insert(next);
            if id == next {
                uses_lists.push(service.uses.clone());
            }
            id
        });
        let mut unlisted = Unlisted {
            class: cluster.per_node(0),
            class_ids: BTreeMap::new(),
            class_releases: Vec::new(),
            uses,
            uses_lists,
            counts: Vec::new(),
        };
        for node in cluster.node_ids() {
            unlisted.class[node] = unlisted.class_of(state, node);
        }
        for (service, service_state) in state.services.iter_ids() {
            if service_state.online {
                unlisted.add(service, service_state.node, 1);
            }
        }
        unlisted
    }

    fn class_of(&mut self, state: &State, node: NodeId) -> usize {
        let versions = &state.node(node).versions;
        // Each release with its length before it: no two classes read alike.
        let key = versions.iter().fold(String::new(), |mut key, release| {
            // `-` for a component the node does not run: no release is written with a negative length.
            match release {
                Some(release) => write!(key, "{}:{release}", release.len()),
                None => write!(key, "-"),
            }
            .ok();
            key
        });
        let next = self.class_ids.len();
        let id = *self.class_ids.entry(key).or_insert(next);
        if id == next {
            self.class_releases.push(versions.iter().cloned().collect());
        }
        id
    }

    /// Counts `service` on `node` once more (`delta` 1) or once less (-1);
    /// services with listed owners are not counted.
    fn add(&mut self, service: ServiceId, node: NodeId, delta: isize) {
        let uses = self.uses[service];
        if uses == usize::MAX {
            return;
        }
        let class = self.class[node];
        if self.counts.len() <= class {
            self.counts.resize(class + 1, Vec::new());
        }
        let per_uses = &mut self.counts[class];
        if per_uses.len() <= uses {
            per_uses.resize(uses + 1, OnNodes::default());
        }
        let counted = &mut per_uses[uses];
        counted.total = counted.total.saturating_add_signed(delta);
        let count = counted.on.entry(node).or_insert(0);
        *count = count.saturating_add_signed(delta);
        if *count == 0 {
            counted.on.remove(&node);
        }
    }

    /// Follows `action`, already applied to `sim` (a service moved while
    /// offline is not counted before or after).
    pub fn after_step(&mut self, sim: &Sim<'_>, action: &Action) {
        let state = &sim.state;
        for m in action.moves() {
            if state.service(m.service).online {
                self.add(m.service, m.from, -1);
                self.add(m.service, m.to, 1);
            }
        }
        match *action {
            Action::Offline { service, .. } => self.add(service, state.service(service).node, -1),
            Action::Online { service, .. } => self.add(service, state.service(service).node, 1),
            Action::Upgrade { node, .. } => {
                let online: Vec<ServiceId> = sim.located_on(node).filter(|&s| state.service(s).online).collect();
                for &service in &online {
                    self.add(service, node, -1);
                }
                self.class[node] = self.class_of(state, node);
                for &service in &online {
                    self.add(service, node, 1);
                }
            }
            _ => {}
        }
    }

    /// The groups at risk now, by key: a few per release class, whatever
    /// the number of nodes or services.
    pub fn groups(&self, cluster: &Cluster, targets: &Targets) -> Groups {
        let (first, second) = targets.first_two();
        let mut groups = Groups::new();
        let mut join = |key: Option<GroupKey>, count: usize, node: Option<NodeId>| {
            let Some(key) = key else { return };
            groups
                .entry(key)
                .and_modify(|group| {
                    group.count += count;
                    if group.node != node {
                        group.node = None;
                    }
                })
                .or_insert(Counted { count, node });
        };
        let counts = self.counts.iter().enumerate().flat_map(|(class, per_uses)| {
            per_uses.iter().enumerate().map(move |(uses, counted)| (class, uses, counted))
        });
        for (class, uses, counted) in counts.filter(|(_, _, counted)| counted.total > 0) {
            let (total, on_nodes) = (counted.total, &counted.on);
            let on_first = first.and_then(|f| on_nodes.get(&f)).copied().unwrap_or(0);
            // Those not on the first node with room fail over to it; those on it, to the second.
            if total > on_first {
                let mut elsewhere = on_nodes.keys().filter(|&&n| Some(n) != first);
                let one_node = match (elsewhere.next(), elsewhere.next()) {
                    (Some(&node), None) => Some(node),
                    _ => None,
                };
                join(self.key(cluster, class, uses, first), total - on_first, one_node);
            }
            if on_first > 0 {
                join(self.key(cluster, class, uses, second), on_first, first);
            }
        }
        groups
    }

    /// The risk of `service` as its own, when its owners are left out, it is
    /// online, and its group is on its node alone; `None` otherwise (its
    /// group's risk, if any, covers it).
    pub fn member_risk(
        &self,
        cluster: &Cluster,
        state: &State,
        targets: &Targets,
        groups: &Groups,
        service: ServiceId,
        current: Option<&Risk>,
    ) -> Recomputed {
        let none = || Recomputed::none(current);
        let Some(&uses) = self.uses.get(service) else { return none() };
        let here = state.service(service).node;
        if uses == usize::MAX || !state.service(service).online {
            return none();
        }
        let (first, second) = targets.first_two();
        let target = if first == Some(here) { second } else { first };
        let alone = self
            .key(cluster, self.class[here], uses, target)
            .and_then(|key| groups.get(&key))
            .is_some_and(|group| group.node == Some(here));
        if alone { recompute_risk(cluster, state, service, target, current) } else { none() }
    }

    /// How services of (`class`, `uses`) failing over to `target` fare: `None` when safely.
    fn key(&self, cluster: &Cluster, class: usize, uses: usize, target: Option<NodeId>) -> Option<GroupKey> {
        let Some(target) = target else {
            return Some(GroupKey {
                kind: RiskKind::NoFailoverTarget,
                level: RiskLevel::Warning,
                target: None,
                differing: Vec::new(),
            });
        };
        let (mine, theirs) = (self.class_releases.get(class)?, self.class_releases.get(self.class[target])?);
        let differing: Vec<(ComponentId, String, String)> = self
            .uses_lists
            .get(uses)?
            .iter()
            .filter(|&&c| cluster.component(c).mixed_failover != crate::model::MixedFailover::Allow)
            .filter_map(|&c| {
                // Both run it: a service runs only where every component it uses does.
                let (m, t) = (mine.get(c.index())?.as_ref()?, theirs.get(c.index())?.as_ref()?);
                (m != t).then(|| (c, m.clone(), t.clone()))
            })
            .collect();
        let level = mixed_level(cluster, differing.iter().map(|d| d.0))?;
        Some(GroupKey { kind: RiskKind::MixedVersionFailover, level, target: Some(target), differing })
    }
}

/// The risk of a group on several nodes, with its sentence.
pub(super) fn group_risk(cluster: &Cluster, key: &GroupKey, count: usize) -> Risk {
    let differing: Vec<(ComponentId, &str, &str)> =
        key.differing.iter().map(|(c, m, t)| (*c, m.as_str(), t.as_str())).collect();
    Risk {
        kind: key.kind,
        level: key.level,
        at: AtRisk::Nodes { services: count },
        target: key.target,
        releases: releases_text(cluster, &differing, None),
    }
}

/// The sentence for `count` services whose owners are left out, on several nodes.
pub fn spread_message(
    cluster: &Cluster,
    kind: RiskKind,
    level: RiskLevel,
    count: usize,
    target: Option<NodeId>,
    releases: &str,
) -> String {
    let who = format!("{} services that any node may run, on several nodes", crate::report::thousands(count));
    match kind {
        // Not about services: its text is the gap it describes.
        RiskKind::VersionSkew => releases.to_owned(),
        RiskKind::NoFailoverTarget => format!(
            "If a node fails now, its services have no node to fail over to (no other node is up with room): they stay down until it is back ({who})"
        ),
        RiskKind::MixedVersionFailover => {
            let target_name = target.map_or("", |t| cluster.node(t).name.as_str());
            let verdict = if level == RiskLevel::Error {
                "failover across these releases is forbidden"
            } else {
                "failover across revisions may not work"
            };
            format!(
                "If a node fails now, its services fail over to {target_name}, which runs {releases}: {verdict} ({who})"
            )
        }
        RiskKind::Outage => format!("{who} are offline (planned outage)"),
        // Risks of replicated services, which are never grouped: their own words.
        RiskKind::AtMinimum | RiskKind::BelowMinimum => format!("{who}: {releases}"),
    }
}
