//! Phase 1: upgrade the rolling components, one node at a time.
//!
//! The order follows practice: nodes that host nothing (passive nodes) first;
//! then nodes whose services can all move to already-upgraded nodes, fewest
//! services first. Draining only onto upgraded nodes means every service
//! moves out once and (with failback) home once, and no failback cycle can
//! form: a service only ever sits on a node upgraded before its own. Only
//! when that is impossible does a service move sideways onto a node not yet
//! upgraded (it moves again later), or go offline (when allowed).
//!
//! That order is a greedy choice, and a greedy choice can paint itself into a
//! corner (parking a service where another one will be needed). So the phase
//! is a depth-first branch-and-bound search over the order in which nodes are
//! upgraded, greedy choice first: the first plan found is the greedy plan, and
//! the search then looks for a cheaper one (fewer services offline, then fewer
//! moves, then fewer mixed-version steps, then fewer steps) until it has tried
//! every order or spent [`SEARCH_BUDGET`]. Above [`SEARCH_ABOVE`] nodes to
//! upgrade it makes the greedy pass only. Each leaf is completed by
//! the later phases, so plans are compared whole.

use std::collections::{BTreeMap, BTreeSet};

use super::sim::Sim;
use super::{Action, Blocked, BlockingRule, Broken, NoPlan};
use crate::model::{ComponentId, Failback, NodeId, ServiceId};

/// Drains the search may compute (its unit of work). Searching every order of
/// 6 nodes takes 1,956 drains, so a cluster of up to 6 nodes to upgrade is
/// searched completely; 7 or 8 keep the best plan found within the budget,
/// which bounds the worst case near 25 ms natively (an 8-node description is
/// analysed as the user types).
pub(super) const SEARCH_BUDGET: usize = 5_000;

/// Above this many nodes to upgrade there is no search: one greedy pass, in
/// which the first node (fewest services first) that drains onto upgraded
/// nodes is taken without evaluating the rest. Little work per step, so a
/// cluster of thousands of nodes plans quickly.
pub(super) const SEARCH_ABOVE: usize = 8;

/// How a node's services leave it for its upgrade, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    /// Every service moves to an already-upgraded node.
    OntoUpgraded,
    /// Some service moves to a node that is not upgraded yet (it moves again later).
    Sideways,
    /// Some service has nowhere to go and waits offline (only when outages are allowed).
    Outage,
}

/// Which upgraded node a drained service tries first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Preference {
    /// The service's `owners` order: what the administrator asked for.
    Owners,
    /// The roomiest node first (unlimited capacity first): keeps tight nodes
    /// free for services that can go nowhere else. Tried only by the search.
    Roomiest,
}

/// Where each service of a node goes while it is upgraded.
#[derive(PartialEq, Eq)]
struct Drain {
    node: NodeId,
    mode: Mode,
    /// (service, new node) for the services that can move.
    moves: Vec<(ServiceId, NodeId)>,
    /// Services with nowhere to go.
    stranded: Vec<ServiceId>,
}

/// The search's result: the best complete plan, or why none was found.
pub(super) fn search<'c>(
    start: Sim<'c>,
    components: &[ComponentId],
    complete: &dyn Fn(Sim<'c>) -> Result<Sim<'c>, NoPlan>,
) -> Result<Sim<'c>, NoPlan> {
    let pending: Vec<NodeId> =
        (0..start.cluster.nodes.len()).filter(|&n| !start.pending(n, components).is_empty()).collect();
    let mut search = Search { components, complete, budget: SEARCH_BUDGET, best: None, first_failure: None };
    if pending.len() > SEARCH_ABOVE {
        search.greedy(start, pending)?;
    } else {
        search.descend(start, pending)?;
    }
    match (search.best, search.first_failure) {
        (Some(best), _) => Ok(best),
        (None, Some(blocked)) if search.budget > 0 => Err(NoPlan::Blocked(blocked)),
        (None, first_failure) => {
            // Out of budget: say so, and pass on what stopped the first order tried.
            let mut message =
                "no plan found within the search budget: rollplan could not tell whether a safe plan exists".to_owned();
            let mut unblock = Vec::new();
            if let Some(first) = first_failure {
                message.push_str("; the first order tried failed because ");
                message.push_str(&first.message);
                unblock = first.unblock;
            }
            unblock.push(
                "give services more owners or nodes more capacity, so that fewer orders need to be tried".to_owned(),
            );
            Err(NoPlan::Blocked(Blocked {
                rule: BlockingRule::SearchBudget,
                service: None,
                node: None,
                message,
                unblock,
            }))
        }
    }
}

/// The search's working state. Its walks return `Err` only for a broken
/// invariant, which ends the whole search: no plan found after that is trusted.
struct Search<'c, 'f> {
    components: &'f [ComponentId],
    complete: &'f dyn Fn(Sim<'c>) -> Result<Sim<'c>, NoPlan>,
    budget: usize,
    best: Option<Sim<'c>>,
    /// Why the first (greedy) path failed: the reason shown when nothing works.
    first_failure: Option<Blocked>,
}

impl<'c> Search<'c, '_> {
    fn descend(&mut self, sim: Sim<'c>, pending: Vec<NodeId>) -> Result<(), Broken> {
        sim.intact()?;
        if pending.is_empty() {
            return self.finish_leaf(sim);
        }
        if self.budget == 0 || self.bound_exceeded(&sim) {
            return Ok(());
        }
        self.budget = self.budget.saturating_sub(pending.len());
        let candidates = candidates(&sim, &pending, self.components);
        sim.intact()?;
        if candidates.is_empty() {
            // Every pending node strands a service and outages are not allowed.
            self.record_no_room(&sim, &pending)?;
            return Ok(());
        }
        for drain in candidates {
            let mut next = sim.clone();
            upgrade_node(&mut next, &drain, self.components)?;
            let rest: Vec<NodeId> = pending.iter().copied().filter(|&n| n != drain.node).collect();
            self.descend(next, rest)?;
            if self.budget == 0 {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Completes a leaf with the later phases and keeps it if it is the best so far.
    fn finish_leaf(&mut self, sim: Sim<'c>) -> Result<(), Broken> {
        match (self.complete)(sim) {
            Ok(done) => {
                done.intact()?;
                if self.best.as_ref().is_none_or(|best| done.cost() < best.cost()) {
                    self.best = Some(done);
                }
            }
            Err(NoPlan::Blocked(blocked)) => {
                self.first_failure.get_or_insert(blocked);
            }
            Err(NoPlan::Broken(broken)) => return Err(broken),
        }
        Ok(())
    }

    /// Records why no pending node can be upgraded next (unless a reason is
    /// already known), or the broken invariant that made it look so.
    fn record_no_room(&mut self, sim: &Sim<'c>, pending: &[NodeId]) -> Result<(), Broken> {
        if self.first_failure.is_none() {
            let worst = pending
                .iter()
                .map(|&node| drain(sim, node, Mode::Outage, self.components, Preference::Owners))
                .min_by_key(|d| (d.stranded.len(), d.moves.len(), d.node));
            sim.intact()?;
            if let Some(drain) = worst {
                self.first_failure = Some(no_room(sim, &drain)?);
            }
        }
        sim.intact()
    }

    /// One pass, no backtracking: for large clusters. Each round upgrades
    /// the node with the fewest online services whose drain goes onto
    /// upgraded nodes (else the best candidate of all). See [`Order`] for
    /// what keeps a round from re-trying every pending node.
    fn greedy(&mut self, mut sim: Sim<'c>, pending: Vec<NodeId>) -> Result<(), Broken> {
        let mut order = Order::new(&sim, &pending, self.components)?;
        while !order.is_empty() {
            let quick = order.hopeful().find_map(|node| {
                let drain = drain(&sim, node, Mode::OntoUpgraded, self.components, Preference::Owners);
                drain.stranded.is_empty().then_some(drain)
            });
            let chosen = match quick {
                Some(drain) => drain,
                None => {
                    let pending = order.pending();
                    match candidates(&sim, &pending, self.components).into_iter().next() {
                        Some(drain) => drain,
                        None => return self.record_no_room(&sim, &pending),
                    }
                }
            };
            sim.intact()?;
            let moved: Vec<ServiceId> = chosen.moves.iter().map(|&(service, _)| service).collect();
            order.leaving(&sim, &moved)?;
            upgrade_node(&mut sim, &chosen, self.components)?;
            order.upgraded(&sim, chosen.node, &moved, self.components)?;
        }
        sim.intact()?;
        self.finish_leaf(sim)
    }

    /// Whether even the moves this partial plan must still make cannot beat the best plan.
    fn bound_exceeded(&self, sim: &Sim<'c>) -> bool {
        let Some(best) = &self.best else { return false };
        let away = if sim.cluster.policy.failback == Failback::None {
            0
        } else {
            sim.state
                .services
                .iter()
                .zip(&sim.cluster.services)
                .filter(|(state, service)| state.node != service.on)
                .count()
        };
        (sim.offline_count, sim.moves + away) > (best.offline_count, best.moves)
    }
}

/// The greedy pass's pending nodes, fewest online services first, and
/// which of them could drain onto upgraded nodes at all.
///
/// A drain onto upgraded nodes strands any service that has no upgraded,
/// running owner besides its own node, so a node hosting such a service is
/// not worth a drain. That changes only when a node is upgraded (for the
/// services it owns) or a service moves, so a round re-examines only those:
/// the pass costs about (nodes + services) × log nodes plus the drains it
/// tries, where trying every pending node each round was nodes².
struct Order {
    /// Each node's online services when last counted (its place in `queue`).
    key: Vec<usize>,
    queue: BTreeSet<(usize, NodeId)>,
    /// The part of `queue` whose every online service has an upgraded owner elsewhere.
    hopeful: BTreeSet<(usize, NodeId)>,
    /// For each node, the services it owns.
    owned: Vec<Vec<ServiceId>>,
    /// Per service: it has an upgraded, running owner other than its node.
    covered: Vec<bool>,
    /// Per node: its online services that are not covered.
    uncovered: Vec<usize>,
    /// The nodes the services of the current drain leave.
    left: Vec<NodeId>,
}

impl Order {
    fn new(sim: &Sim<'_>, pending: &[NodeId], components: &[ComponentId]) -> Result<Order, Broken> {
        let cluster = sim.cluster;
        let mut owned = vec![Vec::new(); cluster.nodes.len()];
        for (service, definition) in cluster.services.iter().enumerate() {
            for &owner in &definition.owners {
                owned.get_mut(owner).ok_or_else(|| Broken::index("node", owner))?.push(service);
            }
        }
        let mut order = Order {
            key: (0..cluster.nodes.len()).map(|n| sim.online_count(n)).collect(),
            queue: BTreeSet::new(),
            hopeful: BTreeSet::new(),
            owned,
            covered: vec![false; cluster.services.len()],
            uncovered: vec![0; cluster.nodes.len()],
            left: Vec::new(),
        };
        for service in 0..cluster.services.len() {
            let covered = Order::has_upgraded_owner(sim, service, components)?;
            if let Some(slot) = order.covered.get_mut(service) {
                *slot = covered;
            }
            order.count(sim, service, !covered, true)?;
        }
        for &node in pending {
            let key = (order.key.get(node).copied().ok_or_else(|| Broken::index("node", node))?, node);
            order.queue.insert(key);
            if order.uncovered.get(node) == Some(&0) {
                order.hopeful.insert(key);
            }
        }
        Ok(order)
    }

    fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    fn pending(&self) -> Vec<NodeId> {
        self.queue.iter().map(|&(_, node)| node).collect()
    }

    /// The pending nodes worth a drain onto upgraded nodes, fewest online services first.
    fn hopeful(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.hopeful.iter().map(|&(_, node)| node)
    }

    fn has_upgraded_owner(sim: &Sim<'_>, service: ServiceId, components: &[ComponentId]) -> Result<bool, Broken> {
        let here = sim.location(service)?;
        let definition = sim.cluster.service(service).ok_or_else(|| Broken::index("service", service))?;
        Ok(definition
            .owners
            .iter()
            .any(|&t| t != here && sim.node_state(t).is_some_and(|n| n.up) && sim.is_done(t, components)))
    }

    /// Adds (or with `add` false, takes away) an uncovered online `service` to its node's count.
    fn count(&mut self, sim: &Sim<'_>, service: ServiceId, uncovered: bool, add: bool) -> Result<(), Broken> {
        let online = sim.service_state(service).ok_or_else(|| Broken::index("service", service))?.online;
        if uncovered && online {
            let here = sim.location(service)?;
            let count = self.uncovered.get_mut(here).ok_or_else(|| Broken::index("node", here))?;
            *count = if add { *count + 1 } else { count.saturating_sub(1) };
        }
        Ok(())
    }

    /// Before the drain: the services about to move leave their nodes' counts.
    fn leaving(&mut self, sim: &Sim<'_>, moved: &[ServiceId]) -> Result<(), Broken> {
        for &service in moved {
            let covered = self.covered.get(service).copied().unwrap_or_default();
            self.count(sim, service, !covered, false)?;
            self.left.push(sim.location(service)?);
        }
        Ok(())
    }

    /// After `node` was upgraded and `moved` services went elsewhere: re-examines
    /// what that can change and re-keys the nodes services moved between.
    fn upgraded(
        &mut self,
        sim: &Sim<'_>,
        node: NodeId,
        moved: &[ServiceId],
        components: &[ComponentId],
    ) -> Result<(), Broken> {
        let key = self.key.get(node).copied().unwrap_or_default();
        self.queue.remove(&(key, node));
        self.hopeful.remove(&(key, node));
        let mut touched: Vec<NodeId> = vec![node];
        for &service in moved {
            let covered = Order::has_upgraded_owner(sim, service, components)?;
            if let Some(slot) = self.covered.get_mut(service) {
                *slot = covered;
            }
            self.count(sim, service, !covered, true)?;
            touched.push(sim.location(service)?);
        }
        let owned = self.owned.get(node).cloned().unwrap_or_default();
        for service in owned {
            if moved.contains(&service) {
                continue;
            }
            let was = self.covered.get(service).copied().unwrap_or_default();
            let now = Order::has_upgraded_owner(sim, service, components)?;
            if was != now {
                self.count(sim, service, !was, false)?;
                self.count(sim, service, !now, true)?;
                if let Some(slot) = self.covered.get_mut(service) {
                    *slot = now;
                }
                touched.push(sim.location(service)?);
            }
        }
        // The nodes the moves left: their counts and keys changed too.
        touched.append(&mut self.left);
        touched.sort_unstable();
        touched.dedup();
        for node in touched {
            self.rekey(sim, node)?;
        }
        Ok(())
    }

    fn rekey(&mut self, sim: &Sim<'_>, node: NodeId) -> Result<(), Broken> {
        let slot = self.key.get_mut(node).ok_or_else(|| Broken::index("node", node))?;
        let old = (*slot, node);
        *slot = sim.online_count(node);
        let new = (*slot, node);
        if self.queue.remove(&old) {
            self.hopeful.remove(&old);
            self.queue.insert(new);
            if self.uncovered.get(node) == Some(&0) {
                self.hopeful.insert(new);
            }
        }
        Ok(())
    }
}

/// Every node that can be upgraded next, with its drain, best first.
///
/// Each node is offered with its drain in both placement preferences when
/// they differ, owners' order first, so the search can find where a roomier
/// choice saves moves later while the greedy path stays the administrator's.
fn candidates(sim: &Sim<'_>, pending: &[NodeId], components: &[ComponentId]) -> Vec<Drain> {
    let mut candidates: Vec<(Drain, Preference)> = Vec::new();
    let modes: &[Mode] = if sim.cluster.policy.allow_outage {
        &[Mode::OntoUpgraded, Mode::Sideways, Mode::Outage]
    } else {
        &[Mode::OntoUpgraded, Mode::Sideways]
    };
    for &node in pending {
        // Drains of different nodes always differ: only this node's can repeat.
        let first = candidates.len();
        for preference in [Preference::Owners, Preference::Roomiest] {
            for &mode in modes {
                let drain = drain(sim, node, mode, components, preference);
                if drain.stranded.is_empty() || mode == Mode::Outage {
                    if !candidates.get(first..).unwrap_or_default().iter().any(|(known, _)| *known == drain) {
                        candidates.push((drain, preference));
                    }
                    break;
                }
            }
        }
    }
    candidates.sort_by_key(|(d, preference)| (d.mode, d.stranded.len(), d.moves.len(), d.node, *preference));
    candidates.into_iter().map(|(drain, _)| drain).collect()
}

/// Why `drain`, the least bad one, leaves no way forward. Its first stranded
/// service is the one to blame; a drain that strands none was never a dead end.
fn no_room(sim: &Sim<'_>, drain: &Drain) -> Result<Blocked, Broken> {
    let cluster = sim.cluster;
    let Some(&service) = drain.stranded.first() else {
        return Err(Broken::new(format!(
            "no node could be upgraded next, yet draining node #{} strands no service",
            drain.node
        )));
    };
    let definition = cluster.service(service).ok_or_else(|| Broken::index("service", service))?;
    let node = &cluster.node(drain.node).ok_or_else(|| Broken::index("node", drain.node))?.name;
    let others = definition
        .owners
        .iter()
        .filter(|&&o| o != drain.node)
        .map(|&o| cluster.node(o).map(|n| n.name.as_str()).ok_or_else(|| Broken::index("node", o)));
    let others: Vec<&str> = others.collect::<Result<_, _>>()?;
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
        format!(
            "while {node} is upgraded, {} has nowhere to go: its other owners ({}) have no room or run older software",
            definition.name,
            others.join(", ")
        )
    };
    Ok(Blocked {
        rule: BlockingRule::NoRoom,
        service: Some(definition.name.clone()),
        node: Some(node.clone()),
        message,
        unblock,
    })
}

/// Plans where the online services of `node` go in a given mode.
///
/// A bipartite matching by augmenting paths: each service tries its owners in
/// preference order; a full node can pass a service placed there on, or ask
/// one of its own residents to move along (one extra move), so that a tight
/// cluster still finds a placement whenever shuffling makes one.
fn drain(sim: &Sim<'_>, node: NodeId, mode: Mode, components: &[ComponentId], preference: Preference) -> Drain {
    let services = sim.online_on(node);
    let mut matching = Matching {
        sim,
        components,
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
        if !matching.place(service, &mut Vec::new(), false) && !matching.place(service, &mut Vec::new(), true) {
            stranded.push(service);
        }
    }
    let (moves, stuck) = matching.ordered_moves();
    stranded.extend(stuck);
    stranded.sort_unstable();
    let mode =
        if mode == Mode::Sideways && moves.iter().all(|&(_, t)| matching.done(t)) { Mode::OntoUpgraded } else { mode };
    let mode = if mode == Mode::Outage && stranded.is_empty() { Mode::Sideways } else { mode };
    Drain { node, mode, moves, stranded }
}

/// The matching's working state. It touches only the nodes it visits (maps,
/// not per-node vectors), so a drain costs in proportion to the services
/// and owners involved, not to the size of the cluster.
struct Matching<'s, 'c> {
    sim: &'s Sim<'c>,
    /// The rolling components (a node is done when it runs all their targets).
    components: &'s [ComponentId],
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
    /// Already upgraded: tried before the others, since a service parked on a
    /// node not yet upgraded must move again.
    fn done(&self, node: NodeId) -> bool {
        self.sim.is_done(node, self.components)
    }

    fn eligible(&self, node: NodeId) -> bool {
        node != self.drained
            && self.sim.node_state(node).is_some_and(|n| n.up)
            && (!self.onto_upgraded_only || self.done(node))
    }

    fn candidates(&self, service: ServiceId) -> Vec<NodeId> {
        // A service the sim cannot look up goes nowhere (and the sim notes why).
        let (Some(state), Some(definition)) = (self.sim.service_state(service), self.sim.service(service)) else {
            return Vec::new();
        };
        let here = state.node;
        let mut candidates: Vec<NodeId> = definition
            .owners
            .iter()
            .copied()
            .filter(|&t| t != here && self.eligible(t) && self.sim.not_older(service, t))
            .collect();
        // Upgraded nodes first; the sort is stable, so owners' order decides
        // within each group unless the roomiest node is preferred.
        match self.preference {
            Preference::Owners => candidates.sort_by_key(|&t| !self.done(t)),
            Preference::Roomiest => candidates.sort_by_key(|&t| (!self.done(t), std::cmp::Reverse(self.sim.room(t)))),
        }
        candidates
    }

    fn place(&mut self, service: ServiceId, visited: &mut Vec<NodeId>, evict: bool) -> bool {
        for target in self.candidates(service) {
            if visited.contains(&target) {
                continue;
            }
            visited.push(target);
            let (sim, spare) = (self.sim, self.spare);
            let free = self.free.entry(target).or_insert_with(|| sim.room(target).min(spare));
            if *free > 0 {
                *free -= 1;
                self.placed.entry(target).or_default().push(service);
                return true;
            }
            let here: Vec<ServiceId> = self.placed.get(&target).cloned().unwrap_or_default();
            for (slot, other) in here.into_iter().enumerate() {
                if self.place(other, visited, evict) {
                    if let Some(list) = self.placed.get_mut(&target)
                        && let Some(entry) = list.get_mut(slot)
                    {
                        *entry = service;
                    }
                    return true;
                }
            }
            if !evict {
                continue;
            }
            let residents: Vec<ServiceId> =
                self.sim.online_on(target).into_iter().filter(|r| !self.evicted.contains(r)).collect();
            for resident in residents {
                self.evicted.insert(resident);
                if self.place(resident, visited, evict) {
                    self.placed.entry(target).or_default().push(service);
                    return true;
                }
                self.evicted.remove(&resident);
            }
        }
        false
    }

    /// The moves in an order that never overfills a node: a move goes once
    /// its destination has room. Residents passing services around in a
    /// circle (A to B, B to A) cancel out first: they can simply stay. Moves
    /// that still cannot be ordered are left out, and their drained services
    /// returned as stranded (the plan never contains an impossible move).
    fn ordered_moves(&self) -> (Vec<(ServiceId, NodeId)>, Vec<ServiceId>) {
        let mut pending: Vec<(ServiceId, NodeId)> =
            self.placed.iter().flat_map(|(&t, list)| list.iter().map(move |&s| (s, t))).collect();
        pending.sort_unstable();
        let from = |s: ServiceId| self.sim.service_state(s).map(|state| state.node);
        let resident = |s: ServiceId| self.evicted.contains(&s);
        while let Some(cycle) = resident_cycle(&pending, resident, from) {
            let mut index = 0;
            pending.retain(|_| {
                index += 1;
                !cycle.contains(&(index - 1))
            });
        }
        let mut hosted: BTreeMap<NodeId, usize> = BTreeMap::new();
        let count =
            |hosted: &mut BTreeMap<NodeId, usize>, n: NodeId| *hosted.entry(n).or_insert_with(|| self.sim.hosted(n));
        // A node the sim cannot look up takes nothing (and the sim notes why).
        let capacity = |n: NodeId| self.sim.node(n).map_or(0, |node| node.capacity.map_or(usize::MAX, |c| c as usize));
        let mut ordered = Vec::with_capacity(pending.len());
        while let Some(ready) = pending.iter().position(|&(_, t)| count(&mut hosted, t) < capacity(t)) {
            let (service, to) = pending.remove(ready);
            if let Some(origin) = from(service) {
                let left = count(&mut hosted, origin);
                hosted.insert(origin, left.saturating_sub(1));
            }
            let destination = count(&mut hosted, to);
            hosted.insert(to, destination + 1);
            ordered.push((service, to));
        }
        let stuck = pending.iter().map(|&(s, _)| s).filter(|&s| !resident(s)).collect();
        (ordered, stuck)
    }
}

/// Indices into `moves` of residents that pass their places around in a circle, if any.
fn resident_cycle(
    moves: &[(ServiceId, NodeId)],
    resident: impl Fn(ServiceId) -> bool,
    from: impl Fn(ServiceId) -> Option<NodeId>,
) -> Option<Vec<usize>> {
    for (first, &(service, to)) in moves.iter().enumerate() {
        if !resident(service) {
            continue;
        }
        let Some(start) = from(service) else { continue };
        let mut path = vec![first];
        let mut at = to;
        while path.len() <= moves.len() {
            if at == start {
                return Some(path);
            }
            let Some((next, &(_, next_to))) =
                moves.iter().enumerate().find(|&(i, &(r, _))| resident(r) && from(r) == Some(at) && !path.contains(&i))
            else {
                break;
            };
            path.push(next);
            at = next_to;
        }
    }
    None
}

/// Drains, pauses, upgrades and resumes one node.
fn upgrade_node(sim: &mut Sim<'_>, drain: &Drain, components: &[ComponentId]) -> Result<(), Broken> {
    let node = drain.node;
    for &(service, to) in &drain.moves {
        let from = sim.location(service)?;
        sim.apply(Action::Move { service, from, to })?;
    }
    for &service in &drain.stranded {
        sim.apply(Action::Offline { service, node })?;
    }
    sim.apply(Action::Pause { node })?;
    let pending = sim.pending(node, components);
    sim.apply(Action::Upgrade { node, components: pending })?;
    sim.apply(Action::Resume { node })?;
    for &service in &drain.stranded {
        sim.apply(Action::Online { service, node })?;
    }
    Ok(())
}
