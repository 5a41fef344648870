//! "If a node failed now": where each online service would go, and what is at risk.
//!
//! A service fails over to the first of its owners, other than its node,
//! that is up and has room for one more service. [`Targets`] keeps that
//! answer for every service as the plan goes, and says after each step which
//! services' answers may have changed, so that recording a plan costs what
//! its steps change rather than steps × services.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::{AtRisk, Risk, RiskKind, RiskLevel, State};
use crate::model::{Cluster, ComponentId, IdVec, MixedFailover, NodeId, ServiceId};

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
}

impl Targets {
    pub fn new(cluster: &Cluster, state: &State) -> Targets {
        let mut hosted = cluster.per_node(0usize);
        for service in &state.services {
            hosted[service.node] += 1;
        }
        let mut listed_by = cluster.per_node(Vec::new());
        for (id, service) in cluster.services().iter_ids() {
            for (position, &owner) in service.owners.as_listed().unwrap_or_default().iter().enumerate() {
                listed_by[owner].push((id, position));
            }
        }
        let mut targets = Targets {
            hosted,
            available: BTreeSet::new(),
            target: cluster.per_service(None),
            position: cluster.per_service(usize::MAX),
            targeted_by: cluster.per_node(BTreeSet::new()),
            listed_by,
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

    /// The first two available nodes: the targets of services whose owners
    /// are every node (the second for those on the first).
    pub fn first_two(&self) -> (Option<NodeId>, Option<NodeId>) {
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
    /// and adds to `dirty` every service with listed owners whose target may
    /// have changed. The services that moved are the caller's to add; those
    /// whose owners are left out are [`super::unlisted`]'s.
    pub fn after_step(
        &mut self,
        cluster: &Cluster,
        state: &State,
        moved: &[(NodeId, NodeId)],
        nodes: &[NodeId],
        dirty: &mut Vec<ServiceId>,
    ) {
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
    }
}

/// Whether the risk of service `id` is its own: it is, unless it is online
/// and its owners are left out ([`super::unlisted`] keeps those).
pub(super) fn has_own_risk(cluster: &Cluster, state: &State, id: ServiceId) -> bool {
    !state.service(id).online || !cluster.service(id).owners.is_any()
}

/// A service's risk worked out again after a step.
pub(super) enum Recomputed {
    /// It is the risk it had.
    Unchanged,
    /// It is this one now (`None`: it has none).
    Now(Option<Risk>),
}

impl Recomputed {
    /// The service has no risk now; `current` is the one it had, if any.
    pub(super) fn none(current: Option<&Risk>) -> Recomputed {
        if current.is_none() { Recomputed::Unchanged } else { Recomputed::Now(None) }
    }
}

/// The risk of service `id` failing over to `target` (or to nowhere), as
/// one service's: for a service with a risk of its own ([`has_own_risk`]),
/// or one whose owners are left out whose group is on its node alone
/// ([`super::unlisted`]). It depends only on the service's own state, its
/// node's and its target's: that is what lets [`super::world`] recompute
/// only the services whose target or node a step changed.
///
/// `Unchanged` when that risk is `current` still: most of the risks looked
/// at again after a step stand, and those are compared without writing
/// their text.
pub(super) fn recompute_risk(
    cluster: &Cluster,
    state: &State,
    id: ServiceId,
    target: Option<NodeId>,
    current: Option<&Risk>,
) -> Recomputed {
    let here = state.service(id).node;
    let at = AtRisk::Service { service: id, node: here };
    let (kind, level, target, differing) = if !state.service(id).online {
        (RiskKind::Outage, RiskLevel::Info, None, Vec::new())
    } else if let Some(target) = target {
        let differing = differing_releases(cluster, state, &cluster.service(id).uses, here, target);
        let Some(level) = mixed_level(cluster, differing.iter().map(|d| d.0)) else {
            return Recomputed::none(current);
        };
        (RiskKind::MixedVersionFailover, level, Some(target), differing)
    } else {
        (RiskKind::NoFailoverTarget, RiskLevel::Warning, None, Vec::new())
    };
    if let Some(current) = current
        && (current.kind, current.level, &current.at, current.target) == (kind, level, &at, target)
        && releases_pieces(cluster, &differing, Some(here))
            .try_fold(current.releases.as_str(), |rest, piece| rest.strip_prefix(piece))
            .is_some_and(str::is_empty)
    {
        return Recomputed::Unchanged;
    }
    let releases: String = releases_pieces(cluster, &differing, Some(here)).collect();
    Recomputed::Now(Some(Risk { kind, level, at, target, releases }))
}

/// A component whose release differs between a service's node and its
/// failover target, where that matters (`mixed_failover` is not `allow`):
/// `(component, the node's release, the target's release)`.
pub(super) type Differing<'s> = (ComponentId, &'s str, &'s str);

/// The releases that differ between `here` and `target` among `uses`, in `uses`' order.
pub(super) fn differing_releases<'s>(
    cluster: &Cluster,
    state: &'s State,
    uses: &[ComponentId],
    here: NodeId,
    target: NodeId,
) -> Vec<Differing<'s>> {
    let (here_state, target_state) = (state.node(here), state.node(target));
    uses.iter()
        .filter(|&&c| cluster.component(c).mixed_failover != MixedFailover::Allow)
        .filter_map(|&c| Some((c, here_state.version(c)?, target_state.version(c)?)))
        .filter(|(_, mine, theirs)| mine != theirs)
        .collect()
}

/// How serious failing over across releases that differ in `components`
/// is: an error when one of them forbids it; `None` when none differs.
pub(super) fn mixed_level(cluster: &Cluster, components: impl IntoIterator<Item = ComponentId>) -> Option<RiskLevel> {
    let mut level = None;
    for c in components {
        let forbidden = cluster.component(c).mixed_failover == MixedFailover::Forbid;
        level = Some(if forbidden || level == Some(RiskLevel::Error) { RiskLevel::Error } else { RiskLevel::Warning });
    }
    level
}

/// "os B while NODE1 runs A, and db 2 while NODE1 runs 1"; without a node
/// (services on several nodes), "os B while they run A".
pub(super) fn releases_text(cluster: &Cluster, differing: &[Differing<'_>], here: Option<NodeId>) -> String {
    releases_pieces(cluster, differing, here).collect()
}

/// The pieces [`releases_text`] joins, in order: a risk that stands is
/// compared with them piece by piece, without writing the text again.
fn releases_pieces<'a>(
    cluster: &'a Cluster,
    differing: &'a [Differing<'a>],
    here: Option<NodeId>,
) -> impl Iterator<Item = &'a str> + 'a {
    let runs: [&str; 2] = match here {
        Some(node) => [cluster.node(node).name.as_str(), " runs "],
        None => ["they run ", ""],
    };
    differing.iter().enumerate().flat_map(move |(index, &(c, mine, theirs))| {
        let and = if index == 0 { "" } else { ", and " };
        [and, cluster.component(c).title.as_str(), " ", theirs, " while ", runs[0], runs[1], mine]
    })
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
        // Not about services: its text is the gap it describes.
        RiskKind::VersionSkew => releases.to_owned(),
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
        // Risks of replicated services, which name no failover service: said by `replicas::message`.
        RiskKind::AtMinimum | RiskKind::BelowMinimum => format!("If {node_name} fails now, {names}: {releases}"),
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

/// The kind of risk each service has in `state`, worked out from scratch
/// (hosted services counted once, then each service's target found): for a
/// picture of one state, such as the page's timeline, where a risk of
/// services on several nodes ([`AtRisk::Nodes`]) does not name them.
pub fn risk_kinds(cluster: &Cluster, state: &State) -> IdVec<ServiceId, Option<RiskKind>> {
    let targets = targets_from_scratch(cluster, state);
    cluster.services().map_ids(|id, service| {
        if !state.service(id).online {
            return Some(RiskKind::Outage);
        }
        let Some(target) = targets[id] else { return Some(RiskKind::NoFailoverTarget) };
        let differing = differing_releases(cluster, state, &service.uses, state.service(id).node, target);
        mixed_level(cluster, differing.iter().map(|d| d.0)).map(|_| RiskKind::MixedVersionFailover)
    })
}

/// Where each service would fail over to in `state`, worked out from
/// scratch: the first of its owners (the first two up nodes with room, for
/// owners left out) other than its node.
fn targets_from_scratch(cluster: &Cluster, state: &State) -> IdVec<ServiceId, Option<NodeId>> {
    let mut hosted = cluster.per_node(0usize);
    for service in &state.services {
        hosted[service.node] += 1;
    }
    let available =
        |node: NodeId| state.node(node).up && cluster.node(node).capacity.is_none_or(|c| hosted[node] < c as usize);
    let mut first_two = cluster.node_ids().filter(|&node| available(node));
    let (first, second) = (first_two.next(), first_two.next());
    cluster.services().map_ids(|id, service| {
        let here = state.service(id).node;
        match service.owners.as_listed() {
            Some(list) => list.iter().copied().find(|&owner| owner != here && available(owner)),
            None if first == Some(here) => second,
            None => first,
        }
    })
}

/// The risks of a state worked out from scratch: the reference the
/// incremental recording is tested against. A service with listed owners,
/// or offline, has its own risk; the others are grouped by how they would
/// fare (kind, level, target, differing releases): a group on one node is
/// one risk per service, a group on several nodes one risk that counts them.
#[cfg(test)]
pub(super) fn risks(cluster: &Cluster, state: &State) -> Vec<Risk> {
    use std::collections::BTreeMap;
    type Fate<'s> = (RiskKind, RiskLevel, Option<NodeId>, Vec<Differing<'s>>);
    let service_risk = |cluster, state, id, target| match recompute_risk(cluster, state, id, target, None) {
        Recomputed::Now(risk) => risk,
        Recomputed::Unchanged => None,
    };
    let targets = targets_from_scratch(cluster, state);
    let mut all = Vec::new();
    let mut groups: BTreeMap<Fate<'_>, Vec<(ServiceId, Option<NodeId>)>> = BTreeMap::new();
    for id in cluster.service_ids() {
        let (here, target) = (state.service(id).node, targets[id]);
        if has_own_risk(cluster, state, id) {
            all.extend(service_risk(cluster, state, id, target));
            continue;
        }
        let fate = match target {
            None => (RiskKind::NoFailoverTarget, RiskLevel::Warning, None, Vec::new()),
            Some(target) => {
                let differing = differing_releases(cluster, state, &cluster.service(id).uses, here, target);
                let Some(level) = mixed_level(cluster, differing.iter().map(|d| d.0)) else { continue };
                (RiskKind::MixedVersionFailover, level, Some(target), differing)
            }
        };
        groups.entry(fate).or_default().push((id, target));
    }
    for ((kind, level, target, differing), members) in groups {
        let node = state.service(members[0].0).node;
        if members.iter().all(|&(s, _)| state.service(s).node == node) {
            all.extend(members.iter().filter_map(|&(s, target)| service_risk(cluster, state, s, target)));
        } else {
            let releases = releases_text(cluster, &differing, None);
            all.push(Risk { kind, level, at: AtRisk::Nodes { services: members.len() }, target, releases });
        }
    }
    all
}
