//! "If a node failed now": where each online service would go, and what is at risk.
//!
//! A service fails over to the first of its owners, other than its node,
//! that is up and has room for one more service. [`Targets`] keeps that
//! answer for every service as the plan goes, and says after each step which
//! services' answers may have changed, so that recording a plan costs what
//! its steps change rather than steps × services.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{Risk, RiskKind, RiskLevel, State};
use crate::model::{Cluster, IdVec, MixedFailover, NodeId, ServiceId};

/// Every service's failover target, kept up to date step by step.
pub(super) struct Targets {
    /// Services (online or not) on each node: they count against capacity.
    hosted: IdVec<NodeId, usize>,
    /// Nodes that are up and have room for one more service.
    available: BTreeSet<NodeId>,
    /// Per service with listed owners: its current target and that target's
    /// position in its list (the list's length when there is none).
    target: IdVec<ServiceId, Option<NodeId>>,
    position: IdVec<ServiceId, usize>,
    /// Per node: the services with listed owners whose target it is.
    targeted_by: IdVec<NodeId, BTreeSet<ServiceId>>,
    /// Per node: the services with listed owners that list it, with its position there.
    listed_by: IdVec<NodeId, Vec<(ServiceId, usize)>>,
    /// Services whose owners are every node: they fail over to the first
    /// available node, or the second when they are on the first.
    anywhere: Vec<ServiceId>,
}

impl Targets {
    pub fn new(cluster: &Cluster, state: &State) -> Targets {
        let mut hosted = cluster.per_node(0usize);
        for service in &state.services {
            hosted[service.node] += 1;
        }
        let mut listed_by = cluster.per_node(Vec::new());
        let mut anywhere = Vec::new();
        for (id, service) in cluster.services().iter_ids() {
            match service.owners.as_listed() {
                Some(list) => {
                    for (position, &owner) in list.iter().enumerate() {
                        listed_by[owner].push((id, position));
                    }
                }
                None => anywhere.push(id),
            }
        }
        let mut targets = Targets {
            hosted,
            available: BTreeSet::new(),
            target: cluster.per_service(None),
            position: cluster.per_service(usize::MAX),
            targeted_by: cluster.per_node(BTreeSet::new()),
            listed_by,
            anywhere,
        };
        for node in cluster.node_ids() {
            if targets.is_available(cluster, state, node) {
                targets.available.insert(node);
            }
        }
        for service in cluster.service_ids() {
            targets.retarget(cluster, state, service);
        }
        targets
    }

    fn is_available(&self, cluster: &Cluster, state: &State, node: NodeId) -> bool {
        state.node(node).up && cluster.node(node).capacity.is_none_or(|c| self.hosted[node] < c as usize)
    }

    /// The first two available nodes: the targets of services whose owners are every node.
    fn first_two(&self) -> (Option<NodeId>, Option<NodeId>) {
        let mut first = self.available.iter().copied();
        (first.next(), first.next())
    }

    /// Where `service` would fail over to now.
    pub fn target_of(&self, cluster: &Cluster, state: &State, service: ServiceId) -> Option<NodeId> {
        if cluster.service(service).owners.is_any() {
            let here = state.service(service).node;
            let (first, second) = self.first_two();
            if first == Some(here) { second } else { first }
        } else {
            self.target[service]
        }
    }

    /// Works out the target of a service with listed owners afresh; returns
    /// how many owners it looked at.
    pub fn retarget(&mut self, cluster: &Cluster, state: &State, service: ServiceId) -> usize {
        let Some(list) = cluster.service(service).owners.as_listed() else { return 1 };
        let here = state.service(service).node;
        let found = list.iter().enumerate().find(|&(_, &owner)| owner != here && self.available.contains(&owner));
        if let Some(old) = self.target[service] {
            self.targeted_by[old].remove(&service);
        }
        let (position, target) = match found {
            Some((position, &owner)) => (position, Some(owner)),
            None => (list.len(), None),
        };
        self.target[service] = target;
        self.position[service] = position;
        if let Some(target) = target {
            self.targeted_by[target].insert(service);
        }
        position + 1
    }

    /// After a step changed `state`: a service moved (`moved`, from and to),
    /// or a node went up or down (`nodes`). Notes where availability changed
    /// and adds to `dirty` every service whose target may have changed. The
    /// services that moved are the caller's to add.
    pub fn after_step(
        &mut self,
        cluster: &Cluster,
        state: &State,
        moved: &[(NodeId, NodeId)],
        nodes: &[NodeId],
        dirty: &mut Vec<ServiceId>,
    ) {
        let before = self.first_two();
        let mut touched: Vec<NodeId> = nodes.to_vec();
        for &(from, to) in moved {
            self.hosted[from] = self.hosted[from].saturating_sub(1);
            self.hosted[to] += 1;
            touched.push(from);
            touched.push(to);
        }
        touched.sort_unstable();
        touched.dedup();
        for node in touched {
            let now = self.is_available(cluster, state, node);
            if now == self.available.contains(&node) {
                continue;
            }
            if now {
                self.available.insert(node);
                // Services that list this node before their current target now prefer it.
                for &(service, position) in &self.listed_by[node] {
                    if position < self.position[service] {
                        dirty.push(service);
                    }
                }
            } else {
                self.available.remove(&node);
                dirty.extend(self.targeted_by[node].iter().copied());
            }
        }
        if self.first_two() != before {
            dirty.extend(self.anywhere.iter().copied());
        }
    }
}

/// The risk of service `id` in `state`, if it has one, given where it would
/// fail over to. It depends only on the service's own state, its node's and
/// its target's: that is what lets [`super::world`] recompute only the
/// services whose target or node a step changed.
pub(super) fn risk_of(cluster: &Cluster, state: &State, id: ServiceId, target: Option<NodeId>) -> Option<Risk> {
    let service = cluster.service(id);
    let service_state = state.service(id);
    let here = service_state.node;
    let risk = |kind, level, target, releases: String| {
        let message = risk_message(cluster, kind, level, here, target, &releases, &[id]);
        Some(Risk { kind, level, service: id, node: here, target, releases, message })
    };
    if !service_state.online {
        return risk(RiskKind::Outage, RiskLevel::Info, None, String::new());
    }
    let Some(target) = target else {
        return risk(RiskKind::NoFailoverTarget, RiskLevel::Warning, None, String::new());
    };
    let node_name = &cluster.node(here).name;
    let (here_state, target_state) = (state.node(here), state.node(target));
    // The worst policy among the used components whose releases differ.
    let mut worst: Option<(MixedFailover, String)> = None;
    for &c in &service.uses {
        let component = cluster.component(c);
        let (mine, theirs) = (here_state.version(c), target_state.version(c));
        if mine == theirs || component.mixed_failover == MixedFailover::Allow {
            continue;
        }
        let what = format!("{} {theirs} while {node_name} runs {mine}", component.title);
        match &mut worst {
            Some((policy, text)) => {
                if component.mixed_failover == MixedFailover::Forbid {
                    *policy = MixedFailover::Forbid;
                }
                text.push_str(", and ");
                text.push_str(&what);
            }
            None => worst = Some((component.mixed_failover, what)),
        }
    }
    let (policy, releases) = worst?;
    let level = if policy == MixedFailover::Forbid { RiskLevel::Error } else { RiskLevel::Warning };
    risk(RiskKind::MixedVersionFailover, level, Some(target), releases)
}

/// The sentence for a risk that `services` (on `node`, not empty) share.
/// One service reads "If NODE1 fails now, EVS1 fails over to NODE2, which
/// runs ..."; several are named, the first three and how many more ("20
/// services (VM1, VM2, VM3 and 17 more) fail over to ..."), so that the
/// risks of a node's services read as one line in a checklist.
pub fn risk_message(
    cluster: &Cluster,
    kind: RiskKind,
    level: RiskLevel,
    node: NodeId,
    target: Option<NodeId>,
    releases: &str,
    services: &[ServiceId],
) -> String {
    let node_name = &cluster.node(node).name;
    let one = services.len() == 1;
    let names = service_names(cluster, services);
    match kind {
        RiskKind::Outage => {
            let (are, it) = if one { ("is", "it") } else { ("are", "them") };
            format!("{names} {are} offline (planned outage): clients cannot reach {it}")
        }
        RiskKind::NoFailoverTarget => {
            let (has, stays) = if one { ("has", "it stays") } else { ("have", "they stay") };
            format!(
                "If {node_name} fails now, {names} {has} no node to fail over to: {stays} down until {node_name} is back"
            )
        }
        RiskKind::MixedVersionFailover => {
            let target_name = target.map_or("", |t| cluster.node(t).name.as_str());
            let fails = if one { "fails" } else { "fail" };
            let verdict = if level == RiskLevel::Error {
                "failover across these releases is forbidden"
            } else {
                "failover across revisions may not work"
            };
            format!("If {node_name} fails now, {names} {fails} over to {target_name}, which runs {releases}: {verdict}")
        }
    }
}

/// "EVS1", "EVS1 and EVS2", "EVS1, EVS2 and EVS3", "20 services (EVS1, EVS2, EVS3 and 17 more)".
/// One name is borrowed: a risk of one service, the common case, costs no copy of it.
pub fn service_names<'c>(cluster: &'c Cluster, services: &[ServiceId]) -> Cow<'c, str> {
    let name = |id: &ServiceId| cluster.service(*id).name.as_str();
    match services {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(name(one)),
        [a, b] => Cow::Owned(format!("{} and {}", name(a), name(b))),
        [a, b, c] => Cow::Owned(format!("{}, {} and {}", name(a), name(b), name(c))),
        [a, b, c, ..] => {
            let (count, more) = (services.len(), services.len() - 3);
            Cow::Owned(format!("{count} services ({}, {}, {} and {more} more)", name(a), name(b), name(c)))
        }
    }
}

/// The risks of a state, service by service in declaration order, worked out
/// from scratch: the reference the incremental recording is tested against.
#[cfg(test)]
pub(super) fn risks(cluster: &Cluster, state: &State) -> Vec<Risk> {
    let mut hosted = cluster.per_node(0usize);
    for service in &state.services {
        hosted[service.node] += 1;
    }
    cluster
        .service_ids()
        .filter_map(|id| {
            let here = state.service(id).node;
            let target = cluster.owners_of(id).find(|&owner| {
                owner != here
                    && state.node(owner).up
                    && cluster.node(owner).capacity.is_none_or(|c| hosted[owner] < c as usize)
            });
            risk_of(cluster, state, id, target)
        })
        .collect()
}
