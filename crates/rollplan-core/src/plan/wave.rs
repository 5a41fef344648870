//! Parallel waves (`policy.max_down` above 1): the node the search picked
//! leads a wave, and as many more nodes as the rules allow join it, to be
//! drained, paused, upgraded and resumed together.
//!
//! The steps of a wave keep one order (drain and pause each node, upgrade
//! it; then resume them all), and every state along it is a real state: so
//! the checker's replay covers it. What lets the nodes be worked on at the
//! same time is what a node may join with:
//! - its drain moves only its own services, to nodes outside the wave (they
//!   take no service: [`Sim::set_leaving`]), so however the drains
//!   interleave, a destination only fills up, to no more than its capacity;
//! - its hops keep every skew rule in whatever order the wave's hops are
//!   taken ([`Sim::keeps_skew_across`]);
//! - every replicated service keeps `min_available` copies up with the whole
//!   wave down ([`crate::replicas::may_pause`]);
//! - quorum holds with the whole wave down (counting the voting nodes
//!   only, with `policy.quorum_role`), and nothing is taken offline
//!   (a node that strands a service goes alone, as with `max_down: 1`).
//!
//! The lead's drain may ask residents of full nodes to move along: those
//! moves are made first, each a step of its own while every node is still
//! up (they belong to the wave, as the steps that prepare its pauses), so
//! that the drains worked on at the same time move only their own services.

use super::drain::{Drain, Mode, Preference, drain_own};
use super::sim::Sim;
use super::window::drain_step;
use std::collections::BTreeMap;

use super::{Action, Hop, Move};
use crate::model::{ComponentId, IdVec, NodeId, ServiceId};

/// The most nodes one wave may take down: `policy.max_down`, and, when
/// every node votes, no more than quorum allows with every other node up.
/// With `policy.quorum_role` only the voting nodes of a wave count against
/// quorum ([`upgrade`] holds them to [`Cluster::voters_down_at_most`]).
///
/// [`Cluster::voters_down_at_most`]: crate::model::Cluster::voters_down_at_most
pub(super) fn largest(sim: &Sim<'_>) -> usize {
    let cluster = sim.cluster;
    let nodes = cluster.nodes().len();
    let max_down = cluster.policy().max_down as usize;
    if cluster.policy().quorum_role.is_some() {
        return max_down.min(nodes).max(1);
    }
    cluster.voters_down_at_most().max(1)
}

/// Upgrades a wave led by `lead` (its drain chosen by the search), joined
/// by the first of `followers` (nodes whose turn it is, best first) that may
/// join it. `leaving` hears of each member's moved services before its drain
/// is made (the greedy pass's order keeps count of them). Returns the members
/// and the services each drain moved, for the order's books.
pub(super) fn upgrade(
    sim: &mut Sim<'_>,
    lead: &Drain,
    followers: &[NodeId],
    leaving: &mut dyn FnMut(&Sim<'_>, &[ServiceId]),
) -> Vec<(NodeId, Vec<ServiceId>)> {
    let size = largest(sim);
    let alone = size < 2 || !lead.stranded.is_empty();
    let moved = |moves: &[Move]| moves.iter().map(|m| m.service).collect::<Vec<_>>();
    // Nodes that took a service in this wave: one that joined would move it again.
    let mut targets: Vec<NodeId> = lead.moves.iter().map(|m| m.to).collect();
    // Residents the lead's drain asks to move along go first, each a step
    // of its own while every node is still up, so that the wave's drains,
    // worked on at the same time, move only their own services.
    let (residents, own): (Vec<Move>, Vec<Move>) =
        if alone { (Vec::new(), lead.moves.clone()) } else { lead.moves.iter().partition(|m| m.from != lead.node) };
    let lead_moved = moved(&lead.moves);
    let lead = Drain { node: lead.node, mode: lead.mode, moves: own, stranded: lead.stranded.clone() };
    let candidates: Vec<NodeId> =
        if alone { Vec::new() } else { followers.iter().copied().filter(|&n| n != lead.node).collect() };
    // The first that may fill the wave take no service from the drains
    // before theirs; the rest are tried as those drains leave them.
    for &node in candidates.iter().filter(|n| !targets.contains(n)).take(size - 1) {
        sim.set_leaving(node, true);
    }
    let start = sim.release_counts().clone();
    let mut wave_hops: Vec<Hop> = Vec::new();
    // Voting nodes the wave may still take down.
    let mut voters_left = sim.cluster.voters_down_at_most().saturating_sub(usize::from(sim.cluster.votes(lead.node)));
    leaving(sim, &lead_moved);
    for step in residents {
        sim.apply(Action::Move { service: step.service, from: step.from, to: step.to });
    }
    drain_and_pause(sim, &lead);
    let mut members = vec![(lead.node, lead_moved)];
    // The lead's hops are taken as alone: the nodes that join are held to them.
    take_hops_across(sim, lead.node, &start, &mut wave_hops, Check::Alone);
    for node in candidates {
        if members.len() == size {
            break;
        }
        if targets.contains(&node) || (sim.cluster.votes(node) && voters_left == 0) {
            sim.set_leaving(node, false);
            continue;
        }
        // Every replicated service keeps its minimum with this node down too.
        let replicas_kept = crate::replicas::may_pause(sim.cluster, node, |service| {
            sim.copies_up.get(service.index()).copied().unwrap_or(0)
        })
        .is_ok();
        let first = if replicas_kept { sim.next_hops(node, sim.rolling()) } else { Vec::new() };
        let mut trial = wave_hops.clone();
        trial.extend(first.iter().cloned());
        let joins = !first.is_empty() && sim.keeps_skew_across(&start, &trial, &first);
        let drained = joins.then(|| own_drain(sim, node)).flatten();
        let Some(drained) = drained else {
            sim.set_leaving(node, false);
            continue;
        };
        targets.extend(drained.moves.iter().map(|m| m.to));
        leaving(sim, &moved(&drained.moves));
        drain_and_pause(sim, &drained);
        take_hops_across(sim, node, &start, &mut wave_hops, Check::Across);
        voters_left -= usize::from(sim.cluster.votes(node));
        members.push((node, moved(&drained.moves)));
    }
    for &node in followers {
        if sim.state.node(node).up {
            sim.set_leaving(node, false);
        }
    }
    for &(node, _) in &members {
        sim.apply(Action::Resume { node });
    }
    for &service in &lead.stranded {
        sim.apply(Action::Online { service, node: lead.node });
    }
    members
}

/// A drain of `node` that moves only its own services, and strands none.
pub(super) fn own_drain(sim: &Sim<'_>, node: NodeId) -> Option<Drain> {
    [Mode::OntoUpgraded, Mode::Sideways].into_iter().find_map(|mode| {
        let drained = drain_own(sim, node, mode, Preference::Owners);
        (drained.stranded.is_empty() && drained.moves.iter().all(|m| m.from == node)).then_some(drained)
    })
}

/// Makes `drained`'s moves as one step, takes its stranded services offline
/// and pauses its node: how every node's upgrade begins, in a wave or alone.
pub(super) fn drain_and_pause(sim: &mut Sim<'_>, drained: &Drain) {
    let node = drained.node;
    if !drained.moves.is_empty() {
        for &step in &drained.moves {
            sim.shift(step);
        }
        sim.record(drain_step(node, drained.moves.clone()));
    }
    for &service in &drained.stranded {
        sim.apply(Action::Offline { service, node });
    }
    sim.apply(Action::Pause { node });
}

/// How a node's hops in a wave are held to the skew rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    /// As if it were upgraded alone ([`Sim::next_hops`]): the lead, whose
    /// hops the nodes that join are then held to.
    Alone,
    /// Also in whatever order the wave's hops are taken.
    Across,
}

/// Upgrades paused `node` as far as it may go in its wave, adding its hops
/// to `wave_hops`.
fn take_hops_across(
    sim: &mut Sim<'_>,
    node: NodeId,
    start: &IdVec<ComponentId, BTreeMap<String, usize>>,
    wave_hops: &mut Vec<Hop>,
    check: Check,
) {
    loop {
        let hops = sim.next_hops(node, sim.rolling());
        if hops.is_empty() {
            return;
        }
        let mut trial = wave_hops.clone();
        trial.extend(hops.iter().cloned());
        if check == Check::Across && !sim.keeps_skew_across(start, &trial, &hops) {
            return;
        }
        *wave_hops = trial;
        sim.apply(Action::Upgrade { node, components: hops });
    }
}
