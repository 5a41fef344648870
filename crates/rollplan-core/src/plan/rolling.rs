//! Phase 1: upgrade the rolling components, one node at a time.
//!
//! The order follows practice: nodes that host nothing (passive nodes) first;
//! then, each time, the node whose services can all move to already-upgraded
//! nodes, fewest services first. Draining only onto upgraded nodes means
//! every service moves out once and (with failback) home once, and no
//! failback cycle can form: a service sits on a node upgraded before its own.
//! Only when that is impossible does a service move sideways onto a node not
//! yet upgraded (it moves again later), or go offline (when allowed).

use super::world::World;
use super::{Action, Blocked, BlockingRule, window};
use crate::model::{ComponentId, NodeId, ServiceId};

/// Where each service of a node goes while it is upgraded.
struct Drain {
    node: NodeId,
    /// (service, new node) for the services that can move.
    moves: Vec<(ServiceId, NodeId)>,
    /// Services with nowhere to go.
    stranded: Vec<ServiceId>,
}

pub(super) fn run(world: &mut World<'_>) -> Result<(), Blocked> {
    let windowed = window::window_components(world.cluster);
    let rolling: Vec<ComponentId> = (0..world.cluster.components.len()).filter(|c| !windowed.contains(c)).collect();
    let mut pending: Vec<NodeId> = (0..world.cluster.nodes.len()).filter(|&n| !world.pending(n, &rolling).is_empty()).collect();
    while !pending.is_empty() {
        let done: Vec<bool> = (0..world.cluster.nodes.len()).map(|n| world.pending(n, &rolling).is_empty()).collect();
        let drain = choose(world, &pending, &done)?;
        pending.retain(|&n| n != drain.node);
        upgrade_node(world, &drain, &rolling);
    }
    Ok(())
}

/// The next node to upgrade, with its drain plan.
fn choose(world: &World<'_>, pending: &[NodeId], done: &[bool]) -> Result<Drain, Blocked> {
    // Best first: onto upgraded nodes only, fewest services; then sideways allowed.
    for sideways in [false, true] {
        let best = pending
            .iter()
            .map(|&node| drain(world, node, |target| sideways || done[target]))
            .filter(|d| d.stranded.is_empty())
            .min_by_key(|d| d.moves.len());
        if let Some(best) = best {
            return Ok(best);
        }
    }
    // Some service has nowhere to go: an outage, if the policy allows one.
    let best = pending.iter().map(|&node| drain(world, node, |_| true)).min_by_key(|d| (d.stranded.len(), d.moves.len()));
    let Some(best) = best else { unreachable_blocked() };
    if world.cluster.policy.allow_outage {
        return Ok(best);
    }
    Err(no_room(world, &best))
}

#[allow(clippy::panic)]
fn unreachable_blocked() -> ! {
    // `pending` is never empty when `choose` is called.
    unreachable!("choose called with no pending node")
}

fn no_room(world: &World<'_>, drain: &Drain) -> Blocked {
    let cluster = world.cluster;
    let service = drain.stranded[0];
    let definition = &cluster.services[service];
    let node = &cluster.nodes[drain.node].name;
    let others: Vec<&str> = definition.owners.iter().filter(|&&o| o != drain.node).map(|&o| cluster.nodes[o].name.as_str()).collect();
    let mut unblock = Vec::new();
    if others.is_empty() {
        unblock.push(format!("add another node to the `owners` of {}", definition.name));
    } else {
        let whom = if others.len() == 1 { "it has" } else { "one of them has" };
        unblock.push(format!("raise the `capacity` of {} so {whom} room for {}", others.join(" or "), definition.name));
        unblock.push(format!("add another node with room to the `owners` of {}", definition.name));
    }
    unblock.push("allow a planned outage: `policy.allow_outage: true`".to_owned());
    let message = if others.is_empty() {
        format!("{} can only run on {node}, so it has nowhere to go while {node} is upgraded", definition.name)
    } else {
        format!("while {node} is upgraded, {} has nowhere to go: its other owners ({}) have no room or run older software", definition.name, others.join(", "))
    };
    Blocked { rule: BlockingRule::NoRoom, service: Some(definition.name.clone()), node: Some(node.clone()), message, unblock }
}

/// Plans where the online services of `node` go, onto targets allowed by `eligible`.
///
/// A bipartite matching (augmenting paths) of services to free slots, trying
/// each service's owners in preference order, so that a tight cluster still
/// finds a placement when one exists.
fn drain(world: &World<'_>, node: NodeId, eligible: impl Fn(NodeId) -> bool) -> Drain {
    let services = world.online_on(node);
    let nodes = world.cluster.nodes.len();
    let slots: Vec<usize> = (0..nodes).map(|n| world.room(n).min(services.len())).collect();
    let mut assigned: Vec<Vec<ServiceId>> = vec![Vec::new(); nodes];
    let mut stranded = Vec::new();
    let candidates = |service: ServiceId| -> Vec<NodeId> {
        world.cluster.services[service].owners.iter().copied().filter(|&t| t != node && eligible(t) && world.can_host(service, t)).collect()
    };
    for &service in &services {
        let mut visited = vec![false; nodes];
        if !augment(service, &candidates, &slots, &mut assigned, &mut visited) {
            stranded.push(service);
        }
    }
    let mut moves: Vec<(ServiceId, NodeId)> = assigned.iter().enumerate().flat_map(|(target, list)| list.iter().map(move |&s| (s, target))).collect();
    moves.sort_unstable();
    Drain { node, moves, stranded }
}

fn augment(
    service: ServiceId,
    candidates: &impl Fn(ServiceId) -> Vec<NodeId>,
    slots: &[usize],
    assigned: &mut [Vec<ServiceId>],
    visited: &mut [bool],
) -> bool {
    for target in candidates(service) {
        if visited[target] {
            continue;
        }
        visited[target] = true;
        if assigned[target].len() < slots[target] {
            assigned[target].push(service);
            return true;
        }
        for slot in 0..assigned[target].len() {
            let other = assigned[target][slot];
            if augment(other, candidates, slots, assigned, visited) {
                assigned[target][slot] = service;
                return true;
            }
        }
    }
    false
}

/// Drains, pauses, upgrades and resumes one node.
fn upgrade_node(world: &mut World<'_>, drain: &Drain, components: &[ComponentId]) {
    let node = drain.node;
    for &(service, to) in &drain.moves {
        let from = world.state.services[service].node;
        world.apply(Action::Move { service, from, to });
    }
    for &service in &drain.stranded {
        world.apply(Action::Offline { service, node });
    }
    world.apply(Action::Pause { node });
    let pending = world.pending(node, components);
    world.apply(Action::Upgrade { node, components: pending });
    world.apply(Action::Resume { node });
    for &service in &drain.stranded {
        world.apply(Action::Online { service, node });
    }
}
