//! The replica rule family: a replicated service ([`Replicated`]: a copy on
//! each of its `replicas`, at least `min_available` of them up) and what a
//! state means for it. One evaluation, used by the planner (whether a node
//! may be paused now, the `at-minimum`, `below-minimum` and mixed-release
//! risks, and the `min-available` block) and the checker (every state of a
//! plan), so the two cannot count copies differently. Validation checks the
//! fields themselves (`min_available` within the replicas).
//!
//! Like the skew rules, it knows nothing of plans: it is told which nodes
//! are up and which release a node runs, and answers about them. A copy is
//! up exactly while its node is: nothing of a replicated service moves.

use crate::model::{Cluster, ComponentId, MixedFailover, NodeId, ReplicatedId};

/// What a failure would do to a replicated service in some state, when it is
/// not safe: the one that matters most, for it has at most one risk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Its one copy up is on this node: a failure there leaves it none.
    LastCopy(NodeId),
    /// Exactly `min_available` copies are up, at least two: a failure of a
    /// node holding one leaves it serving, but with fewer than it needs.
    AtMinimum,
    /// Its copies up run different releases of a component it uses whose
    /// `mixed_failover` is not `allow`: the description of the difference
    /// ("exchange SP2 on MBX1 while MBX2 runs SP1").
    MixedReleases(String),
}

/// How many copies of `service` are up, `up` telling which nodes are.
pub fn copies_up(cluster: &Cluster, service: ReplicatedId, up: impl Fn(NodeId) -> bool) -> u32 {
    let count = cluster.replicated_service(service).replicas.iter().filter(|&&node| up(node)).count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Whether pausing up `node` keeps every replicated service with a copy on
/// it at its minimum, `copies_up` telling how many of a service's copies are
/// up now; else the first that would drop below.
pub fn may_pause(cluster: &Cluster, node: NodeId, copies_up: impl Fn(ReplicatedId) -> u32) -> Result<(), ReplicatedId> {
    let short = |service: ReplicatedId| {
        copies_up(service).saturating_sub(1) < cluster.replicated_service(service).min_available
    };
    match cluster.copies_on(node).iter().copied().find(|&service| short(service)) {
        Some(service) => Err(service),
        None => Ok(()),
    }
}

/// The replicated service whose minimum can never be kept while its nodes
/// are upgraded one by one: every copy must stay up (`min_available` equal
/// to the replicas) yet a node holding one needs an upgrade. `needs_upgrade`
/// tells which nodes do.
pub fn never_kept(cluster: &Cluster, needs_upgrade: impl Fn(NodeId) -> bool) -> Option<(ReplicatedId, NodeId)> {
    cluster.replicated().iter_ids().find_map(|(id, service)| {
        let count = u32::try_from(service.replicas.len()).unwrap_or(u32::MAX);
        let node = service.replicas.iter().copied().find(|&node| needs_upgrade(node))?;
        (service.min_available >= count).then_some((id, node))
    })
}

/// What a failure would do to `service` now, if it is not safe: its last
/// copy up (`LastCopy`), exactly at its minimum (`AtMinimum`), or copies up
/// on different releases (`MixedReleases`), in that order. `release` gives
/// a node's release of a component.
pub fn exposure<'a>(
    cluster: &Cluster,
    service: ReplicatedId,
    up: impl Fn(NodeId) -> bool,
    release: impl Fn(NodeId, ComponentId) -> Option<&'a str>,
) -> Option<Exposure> {
    let definition = cluster.replicated_service(service);
    let live: Vec<NodeId> = definition.replicas.iter().copied().filter(|&node| up(node)).collect();
    match live.as_slice() {
        [] => return None,
        [only] => return Some(Exposure::LastCopy(*only)),
        _ if live.len() as u64 == u64::from(definition.min_available) => return Some(Exposure::AtMinimum),
        _ => {}
    }
    for &component in &definition.uses {
        if cluster.component(component).mixed_failover == MixedFailover::Allow {
            continue;
        }
        let Some(&first) = live.first() else { continue };
        let Some(mine) = release(first, component) else { continue };
        if let Some((other, theirs)) =
            live.iter().find_map(|&node| release(node, component).filter(|&r| r != mine).map(|r| (node, r)))
        {
            let name = &cluster.component(component).name;
            return Some(Exposure::MixedReleases(format!(
                "{name} {mine} on {} while {} runs {theirs}",
                cluster.node(first).name,
                cluster.node(other).name
            )));
        }
    }
    None
}

/// [`exposure`] with the copies up already counted (`up`): without a walk
/// over the copies when the count settles it, that is when the service is
/// at its minimum, or above it with no component whose releases matter
/// (`mixed_failover: allow`) to compare between copies.
pub fn exposure_counted<'a>(
    cluster: &Cluster,
    service: ReplicatedId,
    up: u32,
    is_up: impl Fn(NodeId) -> bool,
    release: impl Fn(NodeId, ComponentId) -> Option<&'a str>,
) -> Option<Exposure> {
    let definition = cluster.replicated_service(service);
    let compared = definition.uses.iter().any(|&c| cluster.component(c).mixed_failover != MixedFailover::Allow);
    match up {
        0 => None,
        1 => exposure(cluster, service, is_up, release),
        _ if up == definition.min_available => Some(Exposure::AtMinimum),
        _ if !compared => None,
        _ => exposure(cluster, service, is_up, release),
    }
}

/// One line for a person about `service`'s exposure: the `at-minimum`,
/// `below-minimum` or mixed-release risk's message.
pub fn message(cluster: &Cluster, service: ReplicatedId, exposure: &Exposure) -> String {
    let definition = cluster.replicated_service(service);
    let (name, needs) = (&definition.name, definition.min_available);
    let copies = |n: u32| if n == 1 { "1 copy".to_owned() } else { format!("{n} copies") };
    match exposure {
        Exposure::LastCopy(node) => format!(
            "If {} fails now, {name} has no copy up: that node holds its only copy up, and it needs {}",
            cluster.node(*node).name,
            copies(needs)
        ),
        Exposure::AtMinimum => format!(
            "If a node holding {name} fails now, {name} has {} of the {needs} it needs",
            copies(needs.saturating_sub(1))
        ),
        Exposure::MixedReleases(releases) => {
            format!("{name}'s copies run different releases ({releases}): a copy taking over runs another release")
        }
    }
}
