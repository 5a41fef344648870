//! Phase 3: the planned-outage window for components that cannot be upgraded
//! while their services run.
//!
//! `rolling: false` says so outright; `mixed_failover: forbid` says so in
//! effect, since a running service must never have a failover target on
//! another release. The window takes exactly the services that use such a
//! component offline, upgrades every node that needs it, and brings them back:
//! it comes after the rolling phase, so it holds only these short updates.

use super::sim::Sim;
use super::{Action, Broken};
use crate::model::{Cluster, Component, ComponentId, MixedFailover, ServiceId};

/// Components that need the window (see [`needs_window`]).
pub(super) fn window_components(cluster: &Cluster) -> Vec<ComponentId> {
    cluster
        .components
        .iter()
        .enumerate()
        .filter(|&(id, component)| needs_window(cluster, id, component))
        .map(|(id, _)| id)
        .collect()
}

/// Whether component `id` needs the window: non-rolling or failover-forbidden,
/// used by a service, not yet everywhere at target (a node without a version
/// of it counts as not at target, so the window would try to upgrade it, and
/// say what is missing).
pub(super) fn needs_window(cluster: &Cluster, id: ComponentId, component: &Component) -> bool {
    (!component.rolling || component.mixed_failover == MixedFailover::Forbid)
        && cluster.services.iter().any(|s| s.uses.contains(&id))
        && cluster.nodes.iter().any(|n| n.version(id) != Some(component.target.as_str()))
}

/// Whether the nodes already run different releases of a window component.
pub(super) fn initially_mixed(cluster: &Cluster, components: &[ComponentId]) -> bool {
    let Some((first, others)) = cluster.nodes.split_first() else { return false };
    components.iter().any(|&c| others.iter().any(|n| n.version(c) != first.version(c)))
}

/// Takes the affected services offline, upgrades the window components node by
/// node, and brings the services back. An error only for a broken invariant.
pub(super) fn run(sim: &mut Sim<'_>) -> Result<(), Broken> {
    let components = window_components(sim.cluster);
    if components.is_empty() {
        return Ok(());
    }
    let affected: Vec<ServiceId> = sim
        .cluster
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.uses.iter().any(|c| components.contains(c)))
        .map(|(id, _)| id)
        .collect();
    for &service in &affected {
        let node = sim.location(service)?;
        sim.apply(Action::Offline { service, node })?;
    }
    for node in 0..sim.cluster.nodes.len() {
        let pending = sim.pending(node, &components);
        if pending.is_empty() {
            continue;
        }
        // Other services running here move to any node with room; failing that, they wait offline.
        let mut waiting = Vec::new();
        for service in sim.online_on(node) {
            let owners = sim.service(service).map_or(&[][..], |s| s.owners.as_slice());
            match owners.iter().copied().find(|&t| sim.can_host(service, t)) {
                Some(to) => sim.apply(Action::Move { service, from: node, to })?,
                None => {
                    sim.apply(Action::Offline { service, node })?;
                    waiting.push(service);
                }
            }
        }
        sim.apply(Action::Pause { node })?;
        sim.apply(Action::Upgrade { node, components: pending })?;
        sim.apply(Action::Resume { node })?;
        for service in waiting {
            sim.apply(Action::Online { service, node })?;
        }
    }
    for &service in &affected {
        let node = sim.location(service)?;
        sim.apply(Action::Online { service, node })?;
    }
    Ok(())
}
