//! Phase 3: the planned-outage window for components that cannot be upgraded
//! while their services run.
//!
//! `rolling: false` says so outright; `mixed_failover: forbid` says so in
//! effect, since a running service must never have a failover target on
//! another release. The window takes exactly the services that use such a
//! component offline, upgrades every node that needs it, and brings them back:
//! it comes after the rolling phase, so it holds only these short updates.

use super::sim::Sim;
use super::{Action, Move, NoPlan, hops, rolling};
use crate::model::{Cluster, ComponentId, NodeId, ServiceId};

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
            component.needs_outage()
                && used[id]
                && cluster.nodes().iter().any(|n| n.version(id).is_some_and(|v| v != component.target))
        })
        .map(|(id, _)| id)
        .collect()
}

/// Whether the nodes already run different releases of a window component.
pub(super) fn initially_mixed(cluster: &Cluster, components: &[ComponentId]) -> bool {
    components.iter().any(|&c| {
        let mut releases = cluster.nodes().iter().filter_map(|n| n.version(c));
        let first = releases.next();
        releases.any(|release| Some(release) != first)
    })
}

/// Takes the affected services offline, upgrades the window components node by
/// node, and brings the services back. A node that must wait for others
/// (a skew rule holds its next hop back) is taken again in another round;
/// a round in which no node can go on blocks the plan.
pub(super) fn run(sim: &mut Sim<'_>, components: &[ComponentId]) -> Result<(), NoPlan> {
    if components.is_empty() {
        return Ok(());
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
    loop {
        let waiting: Vec<NodeId> = cluster
            .node_ids()
            .filter(|&node| !sim.state.node(node).at_targets(cluster, components.iter().copied()))
            .collect();
        if waiting.is_empty() {
            break;
        }
        let mut progressed = false;
        for &node in &waiting {
            // Asked when its turn comes: the nodes before it may have let it through, or held it back.
            if !sim.next_hops(node, components).is_empty() {
                upgrade_offline(sim, node, components);
                progressed = true;
            }
        }
        if !progressed {
            return Err(NoPlan::Blocked(hops::skew_blocks(sim, &waiting, components)));
        }
    }
    for &service in &affected {
        let node = sim.location(service);
        sim.apply(Action::Online { service, node });
    }
    Ok(())
}

/// One node's turn in the window: its other services moved away (or
/// offline while it is down), paused, upgraded as far as the rules let it, resumed.
fn upgrade_offline(sim: &mut Sim<'_>, node: NodeId, components: &[ComponentId]) {
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
    rolling::take_hops(sim, node, components);
    sim.apply(Action::Resume { node });
    for service in waiting {
        sim.apply(Action::Online { service, node });
    }
}

/// One service moved is a `move` step, several a `drain`.
pub(super) fn drain_step(node: NodeId, moves: Vec<Move>) -> Action {
    match moves.as_slice() {
        [single] => Action::Move { service: single.service, from: single.from, to: single.to },
        _ => Action::Drain { node, moves },
    }
}
