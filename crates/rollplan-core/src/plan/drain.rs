//! Where the services of a node go while it is upgraded: one drain.
//!
//! A bipartite matching of the node's online services to room on their other
//! owners. A service whose owners are listed tries them in preference order
//! (home first, when its home is upgraded: a service sent home early needs
//! no failback), and a full owner may pass a service placed there on, or ask
//! one of its residents to move along (one extra move), so that a tight
//! cluster still finds a placement whenever shuffling makes one. A service
//! whose owners were left out (every node) takes the first node with room
//! from the sim's room index: shuffling can never help it, since a slot
//! another service could move to is a slot it could take itself. So a drain
//! costs about its services and the owners they list, times log n, whatever
//! the size of the cluster.

use std::collections::{BTreeMap, BTreeSet};

use super::sim::Sim;
use super::{Blocked, BlockingRule, Move};
use crate::model::{NodeId, ServiceId};

/// How a node's services leave it for its upgrade, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Mode {
    /// Every service moves to an already-upgraded node.
    OntoUpgraded,
    /// Some service moves to a node that is not upgraded yet (it moves again later).
    Sideways,
    /// Some service has nowhere to go and waits offline (only when outages are allowed).
    Outage,
}

/// Which upgraded node a drained service tries first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Preference {
    /// The service's `owners` order: what the administrator asked for.
    Owners,
    /// The roomiest node first (unlimited capacity first): keeps tight nodes
    /// free for services that can go nowhere else. Tried only by the search.
    Roomiest,
    /// For a service that may run anywhere, upgraded nodes that no service
    /// with listed owners names first, and the residents with the fewest
    /// owners asked to move along first: leaves the
    /// room of the named nodes to the services that can go nowhere else.
    /// Tried only by the search for the best order (its scan past named
    /// nodes is linear in them).
    Unclaimed,
}

/// Whether a full node's residents may be asked to move along (an extra
/// move each) to make room for a drained service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Residents {
    Stay,
    MoveAlong,
}

/// Where each service of a node goes while it is upgraded.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Drain {
    pub node: NodeId,
    pub mode: Mode,
    /// The moves, in an order that never overfills a node.
    pub moves: Vec<Move>,
    /// Services with nowhere to go.
    pub stranded: Vec<ServiceId>,
}

/// Plans where the online services of `node` go in a given mode.
pub(super) fn drain(sim: &Sim<'_>, node: NodeId, mode: Mode, preference: Preference) -> Drain {
    drain_with(sim, node, mode, preference, Residents::MoveAlong)
}

/// Like [`drain`], but only `node`'s own services move: no resident is asked
/// to move along. What a node joining a wave may do
/// ([`super::wave`]), and cheaper: no chain of residents to search.
pub(super) fn drain_own(sim: &Sim<'_>, node: NodeId, mode: Mode, preference: Preference) -> Drain {
    drain_with(sim, node, mode, preference, Residents::Stay)
}

fn drain_with(sim: &Sim<'_>, node: NodeId, mode: Mode, preference: Preference, residents: Residents) -> Drain {
    let services = sim.online_on(node);
    let mut matching = Matching {
        sim,
        drained: node,
        onto_upgraded_only: mode == Mode::OntoUpgraded,
        preference,
        spare: services.len() + 1,
        free: BTreeMap::new(),
        placed: BTreeMap::new(),
        evicted: BTreeSet::new(),
    };
    // Residents are asked to move along (an extra move each) only for services
    // that find no place otherwise.
    let mut stranded = Vec::new();
    for &service in &services {
        let listed = !sim.cluster.service(service).owners.is_any();
        let placed = matching.place(service, &mut Vec::new(), Residents::Stay)
            || (listed && residents == Residents::MoveAlong && matching.place(service, &mut Vec::new(), residents));
        if !placed {
            stranded.push(service);
        }
    }
    let (moves, stuck) = matching.ordered_moves();
    stranded.extend(stuck);
    stranded.sort_unstable();
    let mode =
        if mode == Mode::Sideways && moves.iter().all(|m| sim.is_done(m.to)) { Mode::OntoUpgraded } else { mode };
    let mode = if mode == Mode::Outage && stranded.is_empty() { Mode::Sideways } else { mode };
    Drain { node, mode, moves, stranded }
}

/// The matching's working state. It touches only the nodes it visits (maps,
/// not per-node vectors), so a drain costs in proportion to the services
/// and owners involved, not to the size of the cluster.
struct Matching<'s, 'c> {
    sim: &'s Sim<'c>,
    /// The node being drained: never a destination.
    drained: NodeId,
    /// Only already-upgraded nodes may receive services.
    onto_upgraded_only: bool,
    preference: Preference,
    /// More free slots than this are never needed (unlimited capacity counts as this).
    spare: usize,
    /// Free slots left on the nodes visited so far.
    free: BTreeMap<NodeId, usize>,
    /// Services placed on each node by this drain (drained ones and moved residents).
    placed: BTreeMap<NodeId, Vec<ServiceId>>,
    /// Residents asked to move along.
    evicted: BTreeSet<ServiceId>,
}

impl Matching<'_, '_> {
    fn eligible(&self, node: NodeId) -> bool {
        node != self.drained && self.sim.is_available(node) && (!self.onto_upgraded_only || self.sim.is_done(node))
    }

    /// Whether `service`'s home may take it: sending it home now saves its failback.
    fn home_first(&self, service: ServiceId) -> Option<NodeId> {
        let home = self.sim.cluster.service(service).on;
        (home != self.sim.location(service) && self.sim.is_done(home) && self.eligible(home)).then_some(home)
    }

    /// Free slots left on `node` in this drain.
    fn free_slots(&mut self, node: NodeId) -> &mut usize {
        let (sim, spare) = (self.sim, self.spare);
        self.free.entry(node).or_insert_with(|| sim.room(node).min(spare))
    }

    fn place(&mut self, service: ServiceId, visited: &mut Vec<NodeId>, residents: Residents) -> bool {
        match self.sim.cluster.service(service).owners.as_listed() {
            Some(list) => self.place_listed(service, list, visited, residents),
            None => self.place_anywhere(service),
        }
    }

    /// A service whose owners are every node: home if it may, else the first
    /// node with a free slot in the preferred order.
    fn place_anywhere(&mut self, service: ServiceId) -> bool {
        let here = self.sim.location(service);
        let sim = self.sim;
        let in_order = |done: bool| -> Box<dyn Iterator<Item = NodeId>> {
            match self.preference {
                Preference::Owners => Box::new(sim.free_by_order(done)),
                Preference::Roomiest => Box::new(sim.free_by_room(done)),
                Preference::Unclaimed => Box::new(
                    sim.free_by_order(done)
                        .filter(|&n| !sim.is_claimed(n))
                        .chain(sim.free_by_order(done).filter(|&n| sim.is_claimed(n))),
                ),
            }
        };
        let upgraded = in_order(true);
        let others = if self.onto_upgraded_only { Box::new(std::iter::empty()) } else { in_order(false) };
        let candidates = self.home_first(service).into_iter().chain(upgraded).chain(others);
        for target in candidates {
            sim.work.add(1);
            if target == here || !self.eligible(target) || !sim.not_older(service, target) {
                continue;
            }
            let free = self.free_slots(target);
            if *free > 0 {
                *free -= 1;
                self.placed.entry(target).or_default().push(service);
                return true;
            }
        }
        false
    }

    /// A service with listed owners tries its home first when that saves a
    /// failback, then its upgraded owners, then the others, each in owners'
    /// order (or the roomiest first). Whether a node may take it is asked
    /// only of nodes this search has not visited yet: in a search that
    /// fails, most have been.
    fn place_listed(
        &mut self,
        service: ServiceId,
        list: &[NodeId],
        visited: &mut Vec<NodeId>,
        residents: Residents,
    ) -> bool {
        let (sim, here, home) = (self.sim, self.sim.location(service), self.home_first(service));
        sim.work.add(list.len());
        let in_pass = move |pass: u8, t: NodeId| match pass {
            0 => Some(t) == home,
            1 => Some(t) != home && sim.is_done(t),
            _ => !sim.is_done(t),
        };
        let last_pass = if self.onto_upgraded_only { 1 } else { 2 };
        let in_order = (0..=last_pass).flat_map(move |pass| list.iter().copied().filter(move |&t| in_pass(pass, t)));
        let (mut lazy, mut sorted);
        let candidates: &mut dyn Iterator<Item = NodeId> = if self.preference == Preference::Roomiest {
            let mut roomiest: Vec<NodeId> = in_order.collect();
            // Stable: home first, then upgraded nodes, as above; the roomiest
            // first within each, and of nodes not done, those with the fewest
            // hops left (on a release path, the node that is further along
            // is done sooner, and its guests move on sooner).
            roomiest
                .sort_by_key(|&t| (!sim.is_done(t), Some(t) != home, std::cmp::Reverse(sim.room(t)), sim.hops_left(t)));
            sorted = roomiest.into_iter();
            &mut sorted
        } else {
            lazy = in_order;
            &mut lazy
        };
        for target in candidates {
            if target == here || visited.contains(&target) || !self.eligible(target) || !sim.not_older(service, target)
            {
                continue;
            }
            visited.push(target);
            let free = self.free_slots(target);
            if *free > 0 {
                *free -= 1;
                self.placed.entry(target).or_default().push(service);
                return true;
            }
            // Pass a service placed here on. Nothing is placed on `target`
            // meanwhile (it is visited), so its list stands while it is read.
            let placed_here = self.placed.get(&target).map_or(0, Vec::len);
            for slot in 0..placed_here {
                let Some(&other) = self.placed.get(&target).and_then(|list| list.get(slot)) else { break };
                if self.place(other, visited, residents) {
                    if let Some(list) = self.placed.get_mut(&target)
                        && let Some(entry) = list.get_mut(slot)
                    {
                        *entry = service;
                    }
                    return true;
                }
            }
            if residents == Residents::Stay {
                continue;
            }
            let mut movable: Vec<ServiceId> =
                self.sim.online_on(target).into_iter().filter(|r| !self.evicted.contains(r)).collect();
            if self.preference == Preference::Unclaimed {
                // The residents with the fewest owners move along first: the
                // room they take is room they need anyway, where one with
                // more choice would take a slot they cannot do without.
                let choice =
                    |r: ServiceId| self.sim.cluster.service(r).owners.as_listed().map_or(usize::MAX, <[_]>::len);
                movable.sort_by_key(|&r| choice(r));
            }
            for resident in movable {
                self.evicted.insert(resident);
                if self.place(resident, visited, residents) {
                    self.placed.entry(target).or_default().push(service);
                    return true;
                }
                self.evicted.remove(&resident);
            }
        }
        false
    }

    /// The moves in an order that never overfills a node: a move goes once
    /// its destination has room (the lowest ready one first). Residents
    /// passing services around in a circle (A to B, B to A) cancel out first:
    /// they can simply stay. Moves that still cannot be ordered are left out,
    /// and their drained services returned as stranded (the plan never
    /// contains an impossible move).
    fn ordered_moves(&self) -> (Vec<Move>, Vec<ServiceId>) {
        let sim = self.sim;
        let mut pending: Vec<(ServiceId, NodeId)> =
            self.placed.iter().flat_map(|(&t, list)| list.iter().map(move |&s| (s, t))).collect();
        pending.sort_unstable();
        let resident = |s: ServiceId| self.evicted.contains(&s);
        while let Some(cycle) = resident_cycle(&pending, resident, |s| sim.location(s)) {
            let mut index = 0;
            pending.retain(|_| {
                index += 1;
                !cycle.contains(&(index - 1))
            });
        }
        let mut hosted: BTreeMap<NodeId, usize> = BTreeMap::new();
        let count = |hosted: &mut BTreeMap<NodeId, usize>, n: NodeId| *hosted.entry(n).or_insert_with(|| sim.hosted(n));
        let capacity = |n: NodeId| sim.cluster.node(n).capacity.map_or(usize::MAX, |c| c as usize);
        // Ready moves by position; moves waiting for room, by destination.
        let mut ready: BTreeSet<usize> = (0..pending.len()).collect();
        let mut waiting: BTreeMap<NodeId, Vec<usize>> = BTreeMap::new();
        let mut ordered = Vec::with_capacity(pending.len());
        let mut done = vec![false; pending.len()];
        while let Some(index) = ready.pop_first() {
            let Some(&(service, to)) = pending.get(index) else { continue };
            sim.work.add(1);
            if count(&mut hosted, to) >= capacity(to) {
                waiting.entry(to).or_default().push(index);
                continue;
            }
            let from = sim.location(service);
            let left = count(&mut hosted, from);
            hosted.insert(from, left.saturating_sub(1));
            let arrived = count(&mut hosted, to);
            hosted.insert(to, arrived + 1);
            ordered.push(Move { service, from, to });
            if let Some(slot) = done.get_mut(index) {
                *slot = true;
            }
            ready.extend(waiting.remove(&from).unwrap_or_default());
        }
        let stuck =
            pending.iter().zip(&done).filter(|&(&(s, _), &done)| !done && !resident(s)).map(|(&(s, _), _)| s).collect();
        (ordered, stuck)
    }
}

/// Indices into `moves` of residents that pass their places around in a circle, if any.
fn resident_cycle(
    moves: &[(ServiceId, NodeId)],
    resident: impl Fn(ServiceId) -> bool,
    from: impl Fn(ServiceId) -> NodeId,
) -> Option<Vec<usize>> {
    let residents: Vec<usize> = (0..moves.len()).filter(|&i| moves.get(i).is_some_and(|&(s, _)| resident(s))).collect();
    for &first in &residents {
        let Some(&(service, to)) = moves.get(first) else { continue };
        let start = from(service);
        let mut path = vec![first];
        let mut at = to;
        while path.len() <= residents.len() {
            if at == start {
                return Some(path);
            }
            let Some((next, next_to)) = residents
                .iter()
                .filter_map(|&i| moves.get(i).map(|&(r, t)| (i, r, t)))
                .find(|&(i, r, _)| from(r) == at && !path.contains(&i))
                .map(|(i, _, t)| (i, t))
            else {
                break;
            };
            path.push(next);
            at = next_to;
        }
    }
    None
}

/// A service that may run on every node has them named in a message while there are at most this many.
const NAMED_OWNERS: usize = 8;

/// Why `drain`, the least bad one, leaves no way forward. Its first stranded
/// service is the one to blame; `None` for a drain that strands none (which
/// was never a dead end).
pub(super) fn no_room(sim: &Sim<'_>, drain: &Drain) -> Option<Blocked> {
    let cluster = sim.cluster;
    let &service = drain.stranded.first()?;
    let definition = cluster.service(service);
    let node = &cluster.node(drain.node).name;
    let name = &definition.name;
    // Every node may run it: the others are named while they are few.
    let named = definition.owners.as_listed().is_some() || cluster.nodes().len() <= NAMED_OWNERS;
    let others: Option<Vec<&str>> = named.then(|| {
        cluster.owners_of(service).filter(|&o| o != drain.node).map(|o| cluster.node(o).name.as_str()).collect()
    });
    let mut unblock = Vec::new();
    let message = match &others {
        Some(others) if others.is_empty() => {
            unblock.push(format!("add another node to the `owners` of {name}"));
            format!("{name} can only run on {node}, so it has nowhere to go while {node} is upgraded")
        }
        Some(others) => {
            let whom = if others.len() == 1 { "it has" } else { "one of them has" };
            unblock.push(format!("raise the `capacity` of {} so {whom} room for {name}", others.join(" or ")));
            unblock.push(format!("add another node with room to the `owners` of {name}"));
            format!(
                "while {node} is upgraded, {name} has nowhere to go: its other owners ({}) have no room or run older software",
                others.join(", ")
            )
        }
        None if cluster.nodes().len() < 2 => {
            unblock.push("add a node to the cluster".to_owned());
            format!("{name} can only run on {node}, so it has nowhere to go while {node} is upgraded")
        }
        None => {
            unblock.push(format!("raise the `capacity` of another node so that it has room for {name}"));
            unblock.push("add a node to the cluster".to_owned());
            format!(
                "while {node} is upgraded, {name} has nowhere to go: every other node has no room or runs older software"
            )
        }
    };
    unblock.push("allow a planned outage: `policy.allow_outage: true`".to_owned());
    Some(Blocked {
        rule: BlockingRule::NoRoom,
        service: Some(name.clone()),
        node: Some(node.clone()),
        message,
        unblock,
    })
}
