//! Phase 2: services return to the nodes they started on (`failback: original`
//! or `verify`), a `failback` step per node when it has room for them.
//!
//! A node with room for all of its services that can come back takes them
//! in one step, the node upgraded last first: the rolling phase only parks
//! services on nodes upgraded before their own, so the last-upgraded node's
//! guests are the first whose home is free. Only when no node has that room
//! does the one that takes the most back at once go first. Should a cycle
//! remain (after sideways moves), one service steps aside to a node with room.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::sim::Sim;
use super::{Action, Blocked, BlockingRule, Move, NoPlan};
use crate::model::{Failback, IdVec, NodeId, ServiceId};

pub(super) fn run(sim: &mut Sim<'_>) -> Result<(), NoPlan> {
    let policy = sim.cluster.policy().failback;
    if policy == Failback::None {
        return Ok(());
    }
    let verify = policy == Failback::Verify;
    let mut away = Away::new(sim);
    // Bounded: each round moves a service home, or breaks one cycle.
    let services = sim.cluster.services().len();
    for _ in 0..(2 * services + 2) {
        let Some(first) = away.first() else { return Ok(()) };
        if let Some(service) = away.first_ready() {
            let home = sim.cluster.service(service).on;
            let mut moves = Vec::new();
            let mut next = Some(service);
            while let Some(service) = next {
                let step = Move { service, from: sim.location(service), to: home };
                sim.shift(step);
                away.moved(sim, step);
                moves.push(step);
                next = away.offered_by(home);
            }
            sim.record(failback_step(home, moves, verify));
            continue;
        }
        // A cycle: step one service aside to any node with room that is not its home.
        let aside = away.in_order().into_iter().find_map(|service| {
            sim.first_host(service, None).map(|to| Move { service, from: sim.location(service), to })
        });
        match aside {
            Some(step) => {
                sim.apply(Action::Move { service: step.service, from: step.from, to: step.to });
                away.moved(sim, step);
            }
            None => return Err(stuck(sim, first)),
        }
    }
    // Out of rounds: name a service that is still away.
    match away.first() {
        Some(still_away) => Err(stuck(sim, still_away)),
        None => Ok(()),
    }
}

/// The step that brings `moves` home to `home`: a move (a verifying one
/// with `failback: verify`) for one service, a `failback` for several.
fn failback_step(home: NodeId, moves: Vec<Move>, verify: bool) -> Action {
    match moves.as_slice() {
        [Move { service, from, to }] if verify => Action::Verify { service: *service, from: *from, to: *to },
        [Move { service, from, to }] => Action::Move { service: *service, from: *from, to: *to },
        _ => Action::Failback { node: home, moves, verify },
    }
}

/// `sim` with the services whose home is `node` brought back to it right
/// away, as many as it has room for, in the description's order: `None`
/// when failback is off, `node` has upgrades left (it is paused again
/// later) or none can come back. Each such move is one the plan makes
/// anyway, only sooner; the search tries it beside leaving them away,
/// because a service back home early frees room elsewhere (the drain of a
/// later node may need the node it sat on).
pub(super) fn home_early<'c>(sim: &Sim<'c>, node: NodeId) -> Option<Sim<'c>> {
    let homed = sim.cluster.service_ids().filter(|&service| sim.cluster.service(service).on == node);
    let coming = coming_home(sim, node, homed);
    if coming.is_empty() {
        return None;
    }
    let mut early = sim.clone();
    bring_home(&mut early, node, &coming);
    Some(early)
}

/// `sim` with each of a wave's `members` given back the services whose
/// home it is, as [`home_now`] does in the greedy pass after a wave of
/// several: `None` when none can come back. The search tries it before
/// leaving them away.
pub(super) fn home_after_wave<'c>(sim: &Sim<'c>, members: &[NodeId]) -> Option<Sim<'c>> {
    let mut homed = sim.clone();
    let mut any = false;
    for &node in members {
        let own: Vec<ServiceId> = sim.cluster.service_ids().filter(|&s| sim.cluster.service(s).on == node).collect();
        any |= !home_now(&mut homed, node, &own, &mut |_, _| {}).is_empty();
    }
    any.then_some(homed)
}

/// Brings the services whose home is `node` (`homed`, in the description's
/// order) back to it in one step, as many as it has room for, when `node`
/// is done and up and failback is on; returns the services moved. The
/// greedy pass does this for each node of a wave once the wave is over, so
/// that the next waves find their neighbours' room free again and the
/// failbacks of a wave's nodes, each to its own node, go at the same time
/// ([`super::clock::parallel_runs`]) rather than all at the end, one home
/// after another. `leaving` hears of the services before they move.
pub(super) fn home_now(
    sim: &mut Sim<'_>,
    node: NodeId,
    homed: &[ServiceId],
    leaving: &mut dyn FnMut(&Sim<'_>, &[ServiceId]),
) -> Vec<ServiceId> {
    let coming = coming_home(sim, node, homed.iter().copied());
    if !coming.is_empty() {
        leaving(sim, &coming);
        bring_home(sim, node, &coming);
    }
    coming
}

/// Of `homed` (services whose home is `node`), those that may come back to
/// it now, as many as it has room for: none unless failback is on and
/// `node` is done and up; each online, away, and not onto an older release.
fn coming_home(sim: &Sim<'_>, node: NodeId, homed: impl Iterator<Item = ServiceId>) -> Vec<ServiceId> {
    if sim.cluster.policy().failback == Failback::None || !sim.is_done(node) || !sim.state.node(node).up {
        return Vec::new();
    }
    let room = sim.room(node);
    homed
        .filter(|&service| {
            sim.state.service(service).online && sim.location(service) != node && sim.not_older(service, node)
        })
        .take(room)
        .collect()
}

/// Moves `coming` home to `node` as one failback step.
fn bring_home(sim: &mut Sim<'_>, node: NodeId, coming: &[ServiceId]) {
    let moves: Vec<Move> =
        coming.iter().map(|&service| Move { service, from: sim.location(service), to: node }).collect();
    for &step in &moves {
        sim.shift(step);
    }
    let verify = sim.cluster.policy().failback == Failback::Verify;
    sim.record(failback_step(node, moves, verify));
}

/// The order services go home in: those whose home was upgraded last first, then by declaration.
type Turn = (Reverse<usize>, ServiceId);

/// Which home takes its services back next, first lowest: a home with room
/// for all of its services that could come back goes in one step, in
/// [`Turn`] order; only when none has, the home that takes the most back at
/// once. Taking a few back whenever a slot frees would make a cluster with
/// one node's room to spare fail back one service a step.
type Offer = (bool, Reverse<usize>, Turn);

/// The online services away from home, in the order they go home, and
/// which of them their home could take now. Kept up to date move by move,
/// in time logarithmic in the services: whether a service could go home,
/// room aside, changes only when it moves (nodes neither pause nor change
/// releases during failback), and a home's room changes only when a service
/// moves onto or off it. So each home keeps its eligible services, and a
/// home with room offers its first one; re-examining every service homed on
/// the two nodes a move touches would cost a node's services per move, and a
/// node of 500 services squared.
struct Away {
    turn: IdVec<ServiceId, Turn>,
    order: BTreeSet<Turn>,
    /// Per home node: its away services that could go home now, room aside.
    eligible: IdVec<NodeId, BTreeSet<ServiceId>>,
    /// The first eligible service of every home that is up and has room;
    /// the first of these is the first service that goes home.
    ready: BTreeSet<Offer>,
    /// Each home's entry in `ready`, if any.
    offered: IdVec<NodeId, Option<Offer>>,
}

impl Away {
    fn new(sim: &Sim<'_>) -> Away {
        let cluster = sim.cluster;
        let mut away = Away {
            turn: cluster.services().map_ids(|id, s| (Reverse(sim.upgrade_rank[s.on]), id)),
            order: BTreeSet::new(),
            eligible: cluster.per_node(BTreeSet::new()),
            ready: BTreeSet::new(),
            offered: cluster.per_node(None),
        };
        for (service, definition) in cluster.services().iter_ids() {
            let state = sim.state.service(service);
            if state.online && state.node != definition.on {
                away.order.insert(away.turn[service]);
                away.update(sim, service);
            }
        }
        for node in cluster.node_ids() {
            away.offer(sim, node);
        }
        sim.work.add(cluster.services().len() + cluster.nodes().len());
        away
    }

    fn first(&self) -> Option<ServiceId> {
        self.order.first().map(|&(_, service)| service)
    }

    fn first_ready(&self) -> Option<ServiceId> {
        self.ready.first().map(|&(_, _, (_, service))| service)
    }

    /// The service `home` would take back now, if any.
    fn offered_by(&self, home: NodeId) -> Option<ServiceId> {
        self.offered[home].map(|(_, _, (_, service))| service)
    }

    fn in_order(&self) -> Vec<ServiceId> {
        self.order.iter().map(|&(_, service)| service).collect()
    }

    /// Whether `service` is away and could go home now, its home's room aside.
    fn update(&mut self, sim: &Sim<'_>, service: ServiceId) {
        sim.work.add(1);
        let home = sim.cluster.service(service).on;
        if self.order.contains(&self.turn[service])
            && sim.location(service) != home
            && sim.cluster.service(service).owners.contains(home)
            && sim.not_older(service, home)
        {
            self.eligible[home].insert(service);
        } else {
            self.eligible[home].remove(&service);
        }
    }

    /// Puts `node`'s first eligible service in `ready` if the node is up and has room.
    fn offer(&mut self, sim: &Sim<'_>, node: NodeId) {
        sim.work.add(1);
        let (room, waiting) = (sim.room(node), self.eligible[node].len());
        let open = sim.state.node(node).up && room > 0;
        let first = self.eligible[node].first().filter(|_| open).map(|&service| {
            let partial = room < waiting;
            (partial, Reverse(if partial { room } else { 0 }), self.turn[service])
        });
        if first != self.offered[node] {
            if let Some(old) = self.offered[node] {
                self.ready.remove(&old);
            }
            if let Some(new) = first {
                self.ready.insert(new);
            }
            self.offered[node] = first;
        }
    }

    /// Takes note that a service moved.
    fn moved(&mut self, sim: &Sim<'_>, step: Move) {
        let Move { service, from, to } = step;
        let home = sim.cluster.service(service).on;
        if to == home {
            self.order.remove(&self.turn[service]);
        }
        self.update(sim, service);
        for node in [from, to, home] {
            self.offer(sim, node);
        }
    }
}

/// Why `service` cannot return home.
fn stuck(sim: &Sim<'_>, service: ServiceId) -> NoPlan {
    let service = sim.cluster.service(service);
    let home = &sim.cluster.node(service.on).name;
    let name = &service.name;
    NoPlan::Blocked(Blocked {
        rule: BlockingRule::Failback,
        service: Some(name.clone()),
        node: Some(home.clone()),
        message: format!("{name} cannot return to {home}: every node it could pass through is full"),
        unblock: vec![
            format!("raise the `capacity` of {home} or of another owner of {name}"),
            "keep services where the upgrade leaves them: `policy.failback: none`".to_owned(),
        ],
    })
}
