//! Phase 3: the planned-outage window for components that cannot be upgraded
//! while their services run.
//!
//! `rolling: false` says so outright; `mixed_failover: forbid` says so in
//! effect, since a running service must never have a failover target on
//! another release. The window takes exactly the services that use such a
//! component offline, upgrades every node that needs it, and brings them back:
//! it comes after the rolling phase, so it holds only these short updates.

use super::sim::Sim;
use super::{Action, Move};
use crate::model::{Cluster, ComponentId, ServiceId};

/// Components that need the window: they need an outage
/// ([`crate::model::Component::needs_outage`]), a service uses them, and not
/// every node runs their target yet.
pub(super) fn window_components(cluster: &Cluster) -> Vec<ComponentId> {
    let mut used = cluster.per_component(false);
    for service in cluster.services() {
        for &c in &service.uses {
            used[c] = true;
        }
    }
    cluster
        .components()
        .iter_ids()
        .filter(|&(id, component)| {
            component.needs_outage() && used[id] && cluster.nodes().iter().any(|n| n.version(id) != component.target)
        })
        .map(|(id, _)| id)
        .collect()
}

/// Whether the nodes already run different releases of a window component.
pub(super) fn initially_mixed(cluster: &Cluster, components: &[ComponentId]) -> bool {
    let Some(first) = cluster.node_ids().next() else { return false };
    let first = cluster.node(first);
    components.iter().any(|&c| cluster.nodes().iter().any(|n| n.version(c) != first.version(c)))
}

/// Takes the affected services offline, upgrades the window components node by
/// node, and brings the services back.
pub(super) fn run(sim: &mut Sim<'_>, components: &[ComponentId]) {
    if components.is_empty() {
        return;
    }
    let cluster = sim.cluster;
    let affected: Vec<ServiceId> = cluster
        .services()
        .iter_ids()
        .filter(|(_, s)| s.uses.iter().any(|c| components.contains(c)))
        .map(|(id, _)| id)
        .collect();
    for &service in &affected {
        let node = sim.location(service);
        sim.apply(Action::Offline { service, node });
    }
    for node in cluster.node_ids() {
        let pending = sim.pending(node, components);
        if pending.is_empty() {
            continue;
        }
        // Other services running here move to any node with room; failing that, they wait offline.
        let mut moves = Vec::new();
        let mut waiting = Vec::new();
        for service in sim.online_on(node) {
            match sim.first_host(service, None) {
                Some(to) => {
                    let step = Move { service, from: node, to };
                    sim.shift(step);
                    moves.push(step);
                }
                None => waiting.push(service),
            }
        }
        if !moves.is_empty() {
            sim.record(drain_step(node, moves));
        }
        for &service in &waiting {
            sim.apply(Action::Offline { service, node });
        }
        sim.apply(Action::Pause { node });
        sim.apply(Action::Upgrade { node, components: pending });
        sim.apply(Action::Resume { node });
        for service in waiting {
            sim.apply(Action::Online { service, node });
        }
    }
    for &service in &affected {
        let node = sim.location(service);
        sim.apply(Action::Online { service, node });
    }
}

/// One service moved is a `move` step, several a `drain`.
pub(super) fn drain_step(node: crate::model::NodeId, moves: Vec<Move>) -> Action {
    match moves.as_slice() {
        [single] => Action::Move { service: single.service, from: single.from, to: single.to },
        _ => Action::Drain { node, moves },
    }
}
