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

use super::drain::{Drain, Mode, Preference, drain, no_room};
use super::failback;
use super::hops;
use super::order::{Key, Order};
use super::sim::Sim;
use super::wave;
use super::{Action, Blocked, BlockingRule, Broken, NoPlan};
use crate::model::{ComponentId, Failback, IdVec, NodeId, ServiceId};

/// Drains the search may compute (its unit of work). Searching every order of
/// 6 nodes fits, so a cluster of up to 6 nodes to upgrade is searched
/// completely; 7 or 8 keep the best plan found within the budget.
pub(super) const SEARCH_BUDGET: usize = 5_000;

/// Each drain the search tries clones the sim, which costs the nodes plus the
/// services: the budget shrinks so that drains × (nodes + services) stays
/// under this, and a few nodes to upgrade in a very large cluster cost what
/// a greedy pass would.
const SEARCH_WORK: usize = 20_000_000;

/// Above this many nodes to upgrade there is no search: one greedy pass, in
/// which the first node in [`Order`] that drains onto upgraded nodes is taken
/// without evaluating the rest. Little work per step, so a cluster of
/// thousands of nodes plans quickly.
pub(super) const SEARCH_ABOVE: usize = 8;

/// The search's result: the best complete plan, or why none was found.
pub(super) fn search<'c>(
    start: Sim<'c>,
    complete: &dyn Fn(Sim<'c>) -> Result<Sim<'c>, NoPlan>,
) -> Result<Sim<'c>, NoPlan> {
    let cluster = start.cluster;
    let pending: Vec<NodeId> = cluster.node_ids().filter(|&n| !start.is_done(n)).collect();
    let size = cluster.nodes().len() + cluster.services().len();
    let budget = SEARCH_BUDGET.min(SEARCH_WORK / size.max(1)).max(SEARCH_ABOVE + 1);
    let mut search = Search { complete, budget, best: None, best_cost: (0, 0, 0, 0, 0), first_failure: None };
    if pending.len() > SEARCH_ABOVE {
        search.greedy(start, &pending)?;
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
    complete: &'f dyn Fn(Sim<'c>) -> Result<Sim<'c>, NoPlan>,
    budget: usize,
    best: Option<Sim<'c>>,
    /// The best plan's [`Sim::cost`], kept (its wall clock costs the actions to work out).
    best_cost: (usize, u32, usize, usize, usize),
    /// Why the first (greedy) path failed: the reason shown when nothing works.
    first_failure: Option<Blocked>,
}

impl<'c> Search<'c, '_> {
    fn descend(&mut self, sim: Sim<'c>, pending: Vec<NodeId>) -> Result<(), Broken> {
        if pending.is_empty() {
            return self.finish_leaf(sim);
        }
        if self.budget == 0 || self.bound_exceeded(&sim) {
            return Ok(());
        }
        self.budget = self.budget.saturating_sub(pending.len());
        let turn = next_in_order(&sim, &pending);
        let eligible: Vec<NodeId> = turn.iter().copied().filter(|&node| sim.can_step(node)).collect();
        if eligible.is_empty() {
            // Every node whose turn it is waits for a hop the skew rules hold back.
            self.first_failure.get_or_insert_with(|| hops::skew_blocks(&sim, &turn, sim.rolling()));
            return Ok(());
        }
        let candidates = candidates(&sim, &eligible, |node| (0, 0, 0, node), SEARCHED);
        if candidates.is_empty() {
            // Every pending node strands a service and outages are not allowed.
            return self.record_no_room(&sim, &pending, &eligible);
        }
        if wave::largest(&sim) > 1 {
            return self.descend_in_waves(&sim, &pending, candidates);
        }
        for drain in candidates {
            let mut next = sim.clone();
            upgrade_node(&mut next, &drain);
            let rest: Vec<NodeId> = pending.iter().copied().filter(|&n| n != drain.node || !next.is_done(n)).collect();
            // Second, and kept only when strictly better: the node's own services brought home at once.
            let early = failback::home_early(&next, drain.node);
            self.descend(next, rest.clone())?;
            if self.budget == 0 {
                return Ok(());
            }
            if let Some(early) = early {
                // Charged as a drain would be: the branch doubles what follows, and the budget bounds the time.
                self.budget = self.budget.saturating_sub(rest.len().max(1));
                self.descend(early, rest)?;
                if self.budget == 0 {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// [`Search::descend`] with waves: each candidate leads a wave, joined
    /// by the other nodes whose turn it is. Every choice of the nodes that
    /// join is tried, the fullest wave first (best first, as the greedy pass
    /// fills it) and the lead alone last (so that every plan `max_down: 1`
    /// could make is in reach as well); after a wave of several, the
    /// members' own services are brought home at once first (as the greedy
    /// pass does), then left where they are.
    fn descend_in_waves(&mut self, sim: &Sim<'c>, pending: &[NodeId], candidates: Vec<Drain>) -> Result<(), Broken> {
        let mut followers: Vec<NodeId> = Vec::new();
        for drain in &candidates {
            if !followers.contains(&drain.node) {
                followers.push(drain.node);
            }
        }
        let size = wave::largest(sim);
        for drain in candidates {
            let others: Vec<NodeId> = followers.iter().copied().filter(|&n| n != drain.node).collect();
            // The wave's members of each choice tried: choices that come to the same members are tried once.
            let mut tried: Vec<Vec<NodeId>> = Vec::new();
            for joining in joining_choices(&others, size) {
                if self.budget == 0 {
                    return Ok(());
                }
                // Each node that may join costs a drain.
                self.budget = self.budget.saturating_sub(joining.len().max(1));
                let mut next = sim.clone();
                let members: Vec<NodeId> =
                    wave::upgrade(&mut next, &drain, &joining, &mut |_, _| {}).into_iter().map(|(n, _)| n).collect();
                let mut key = members.clone();
                key.sort_unstable();
                if tried.contains(&key) {
                    continue;
                }
                tried.push(key);
                let early = if members.len() > 1 {
                    failback::home_after_wave(&next, &members)
                } else {
                    failback::home_early(&next, drain.node)
                };
                let branches = if members.len() > 1 { [early, Some(next)] } else { [Some(next), early] };
                for next in branches.into_iter().flatten() {
                    let rest: Vec<NodeId> = pending.iter().copied().filter(|&n| !next.is_done(n)).collect();
                    self.descend(next, rest)?;
                    if self.budget == 0 {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    /// Completes a leaf with the later phases and keeps it if it is the best so far.
    fn finish_leaf(&mut self, sim: Sim<'c>) -> Result<(), Broken> {
        match (self.complete)(sim) {
            Ok(done) => {
                let cost = done.cost();
                if self.best.is_none() || cost < self.best_cost {
                    self.best_cost = cost;
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

    /// Records why no node whose turn it is (`eligible`, of `pending`) can be
    /// upgraded next, unless a reason is already known. `policy.order` is
    /// blamed only where lifting it could help: a node it holds back could go
    /// now, and is an owner of a service the turn's nodes strand, so that
    /// upgrading it first could give that service room. Otherwise it is no
    /// room, as without an order.
    fn record_no_room(&mut self, sim: &Sim<'c>, pending: &[NodeId], eligible: &[NodeId]) -> Result<(), Broken> {
        // Only the first dead end is reported: the search meets many, and each drain below costs.
        if self.first_failure.is_some() {
            return Ok(());
        }
        let Some(worst) = eligible
            .iter()
            .map(|&node| drain(sim, node, Mode::Outage, Preference::Owners))
            .min_by_key(|d| (d.stranded.len(), d.moves.len(), d.node))
        else {
            return Ok(());
        };
        if eligible.len() < pending.len() {
            let cluster = sim.cluster;
            let low = eligible.first().map_or(0, |&node| cluster.rank(node));
            let held: Vec<NodeId> = pending.iter().copied().filter(|&node| cluster.rank(node) != low).collect();
            let could_help = worst
                .stranded
                .iter()
                .any(|&service| held.iter().any(|&node| cluster.service(service).owners.contains(node)));
            if could_help && !candidates(sim, &held, |node| (0, 0, 0, node), GREEDY).is_empty() {
                self.first_failure = Some(order_blocks(sim, eligible));
                return Ok(());
            }
        }
        let blocked = no_room(sim, &worst).ok_or_else(|| {
            Broken::new(format!(
                "no node could be upgraded next, yet draining node `{}` strands no service",
                sim.cluster.node(worst.node).name
            ))
        })?;
        self.first_failure = Some(blocked);
        Ok(())
    }

    /// One pass, no backtracking: for large clusters. Each round upgrades
    /// the first node in [`Order`] whose drain goes onto upgraded nodes (else
    /// the best candidate of all).
    fn greedy(&mut self, mut sim: Sim<'c>, pending: &[NodeId]) -> Result<(), Broken> {
        let mut order = Order::new(&sim, pending);
        // `policy.order`: how many pending nodes each rank has; only the lowest rank pending may go.
        let cluster = sim.cluster;
        let mut left: Vec<usize> = vec![0; cluster.policy().order.len() + 1];
        for &node in pending {
            left[cluster.rank(node)] += 1;
        }
        // Whether each node may take a hop, with the releases epoch it was
        // worked out in: the answer stands until the releases run change
        // or the node itself is upgraded, so that a pass with many nodes
        // does not ask each of them every round.
        let mut steppable: IdVec<NodeId, Option<(u64, bool)>> = cluster.per_node(None);
        let size = wave::largest(&sim);
        // Each node's own services (`on`), for the failbacks after a wave.
        let mut homes: Vec<Vec<ServiceId>> = vec![Vec::new(); if size > 1 { cluster.nodes().len() } else { 0 }];
        if size > 1 {
            for (service, definition) in cluster.services().iter_ids() {
                if let Some(list) = homes.get_mut(definition.on.index()) {
                    list.push(service);
                }
            }
        }
        while !order.is_empty() {
            let low = left.iter().position(|&count| count > 0).unwrap_or(0);
            let epoch = sim.releases_epoch();
            let mut steps = |node: NodeId| steppable_now(&sim, &mut steppable, epoch, node);
            let quick = order.hopeful().filter(|&node| cluster.rank(node) == low && steps(node)).find_map(|node| {
                let drain = drain(&sim, node, Mode::OntoUpgraded, Preference::Owners);
                drain.stranded.is_empty().then_some(drain)
            });
            let chosen = match quick {
                Some(drain) => drain,
                None => {
                    let pending = order.pending();
                    let turn = next_in_order(&sim, &pending);
                    let eligible: Vec<NodeId> = turn.iter().copied().filter(|&node| steps(node)).collect();
                    if eligible.is_empty() {
                        self.first_failure.get_or_insert_with(|| hops::skew_blocks(&sim, &turn, sim.rolling()));
                        return Ok(());
                    }
                    // With no upgraded node up, no drain that moves a service is onto upgraded nodes.
                    let floor = if order.anything_upgraded() { Mode::OntoUpgraded } else { Mode::Sideways };
                    match best_candidate(&sim, &eligible, |node| order.key(node), floor) {
                        Some(drain) => drain,
                        None => return self.record_no_room(&sim, &pending, &eligible),
                    }
                }
            };
            if size > 1 {
                // A lead whose drain asks residents to move along moves them
                // before the wave, one step each (an extra step to carry out):
                // a drain that moves only its own services, if there is one, is taken instead.
                let chosen = if chosen.moves.iter().any(|m| m.from != chosen.node) {
                    wave::own_drain(&sim, chosen.node).unwrap_or(chosen)
                } else {
                    chosen
                };
                // The wave's other nodes: those of the turn's rank that may
                // step, nodes worth a drain onto upgraded nodes first.
                let mut followers: Vec<NodeId> = Vec::new();
                let mut join = |node: NodeId, followers: &mut Vec<NodeId>| {
                    if node != chosen.node
                        && cluster.rank(node) == low
                        && !followers.contains(&node)
                        && steppable_now(&sim, &mut steppable, epoch, node)
                    {
                        followers.push(node);
                    }
                };
                for node in order.hopeful() {
                    if followers.len() >= 4 * size {
                        break;
                    }
                    join(node, &mut followers);
                }
                if followers.len() < 4 * size {
                    for node in order.pending() {
                        if followers.len() >= 4 * size {
                            break;
                        }
                        join(node, &mut followers);
                    }
                }
                let members = wave::upgrade(&mut sim, &chosen, &followers, &mut |sim, moved| order.leaving(sim, moved));
                for (node, moved) in &members {
                    steppable[*node] = None;
                    if sim.is_done(*node) {
                        left[cluster.rank(*node)] -= 1;
                    }
                    order.upgraded(&sim, *node, moved);
                }
                // A wave of several nodes takes its services home at once, before the next wave.
                if members.len() > 1 {
                    for (node, _) in &members {
                        let own = homes.get(node.index()).map_or(&[][..], Vec::as_slice);
                        let moved = failback::home_now(&mut sim, *node, own, &mut |sim, moved| {
                            order.leaving(sim, moved);
                        });
                        if !moved.is_empty() {
                            order.returned(&sim, &moved);
                        }
                    }
                }
                continue;
            }
            let moved: Vec<ServiceId> = chosen.moves.iter().map(|m| m.service).collect();
            order.leaving(&sim, &moved);
            upgrade_node(&mut sim, &chosen);
            steppable[chosen.node] = None;
            if sim.is_done(chosen.node) {
                left[cluster.rank(chosen.node)] -= 1;
            }
            order.upgraded(&sim, chosen.node, &moved);
        }
        self.finish_leaf(sim)
    }

    /// Whether even the moves this partial plan must still make cannot beat the best plan.
    fn bound_exceeded(&self, sim: &Sim<'c>) -> bool {
        let Some(best) = &self.best else { return false };
        let away = if sim.cluster.policy().failback == Failback::None {
            0
        } else {
            sim.state
                .services
                .iter()
                .zip(sim.cluster.services())
                .filter(|(state, service)| state.node != service.on)
                .count()
        };
        // Waves add to the wall clock as they come: it only grows. (Worked
        // out only when the offline counts tie: it costs the actions so far.)
        match sim.offline_count.cmp(&best.offline_count) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => (sim.wall_clock(), sim.moves + away) > (self.best_cost.1, best.moves),
        }
    }
}

/// Whether `node` may take a hop now, asked of the sim only once per
/// releases `epoch` (the answer stands until the releases run change).
fn steppable_now(sim: &Sim<'_>, known: &mut IdVec<NodeId, Option<(u64, bool)>>, epoch: u64, node: NodeId) -> bool {
    match known[node] {
        Some((at, can)) if at == epoch => can,
        _ => {
            let can = sim.can_step(node);
            known[node] = Some((epoch, can));
            can
        }
    }
}

/// The pending nodes that may be upgraded next under `policy.order`: those
/// of the lowest rank still pending (all of them without an order).
fn next_in_order(sim: &Sim<'_>, pending: &[NodeId]) -> Vec<NodeId> {
    let cluster = sim.cluster;
    let Some(low) = pending.iter().map(|&node| cluster.rank(node)).min() else { return Vec::new() };
    pending.iter().copied().filter(|&node| cluster.rank(node) == low).collect()
}

/// Why `policy.order` blocks the plan: no node of the role whose turn it is
/// (`eligible`) can be upgraded now, though a node of a later role could.
fn order_blocks(sim: &Sim<'_>, eligible: &[NodeId]) -> Blocked {
    let cluster = sim.cluster;
    let order = &cluster.policy().order;
    let role = eligible
        .first()
        .and_then(|&node| order.get(cluster.rank(node)))
        .map_or_else(|| "the nodes of no listed role".to_owned(), |role| format!("`{role}`"));
    let names: Vec<&str> = eligible.iter().map(|&node| cluster.node(node).name.as_str()).collect();
    Blocked {
        rule: BlockingRule::Order,
        service: None,
        node: eligible.first().map(|&node| cluster.node(node).name.clone()),
        message: format!(
            "`policy.order` says {role} comes next, but none of its nodes ({}) can be upgraded now: their services have nowhere to go, while a node of a later role, an owner of one of them, could be upgraded first",
            names.join(", ")
        ),
        unblock: {
            let mut unblock = vec![
                "change `policy.order` so that this role comes later".to_owned(),
                format!("give the services of {} more owners or their owners more capacity", names.join(", ")),
            ];
            if !cluster.policy().allow_outage {
                unblock.push("allow a planned outage: `policy.allow_outage: true`".to_owned());
            }
            unblock
        },
    }
}

/// The placement preferences the search for the best order tries, and
/// those the greedy pass for large clusters falls back on.
const SEARCHED: &[Preference] = &[Preference::Owners, Preference::Roomiest, Preference::Unclaimed];
const GREEDY: &[Preference] = &[Preference::Owners, Preference::Roomiest];

/// Every node that can be upgraded next, with its drain, best first (ties
/// broken by `key`, the order the nodes are preferred in).
///
/// Each node is offered with its drain in each placement preference when
/// they differ, owners' order first, so the search can find where a roomier
/// choice, or one that leaves named nodes free, saves moves later while the
/// greedy path stays the administrator's.
fn candidates(
    sim: &Sim<'_>,
    pending: &[NodeId],
    key: impl Fn(NodeId) -> Key,
    preferences: &[Preference],
) -> Vec<Drain> {
    let mut candidates: Vec<(Drain, Preference)> =
        pending.iter().flat_map(|&node| node_drains(sim, node, preferences)).collect();
    candidates.sort_by_key(|(d, preference)| rank(d, key(d.node), *preference));
    candidates.into_iter().map(|(drain, _)| drain).collect()
}

/// The greedy pass's fallback: the first of [`candidates`] with the
/// [`GREEDY`] preferences, without draining every pending node. A node whose
/// drains cannot beat the best one found is skipped: a drain that strands
/// nothing moves each of the node's online services at least once and is
/// not in a better mode than `floor`, so the node's online count bounds its
/// rank from below. In the first round of a large cluster (nothing upgraded
/// yet, every node drained sideways) that skips all but the first nodes.
fn best_candidate(sim: &Sim<'_>, pending: &[NodeId], key: impl Fn(NodeId) -> Key, floor: Mode) -> Option<Drain> {
    let mut best: Option<(Rank, Drain)> = None;
    for &node in pending {
        let online = sim.online_count(node);
        let floor = if online == 0 { Mode::OntoUpgraded } else { floor };
        let bound = (floor, 0, online, key(node), Preference::Owners);
        if best.as_ref().is_some_and(|(rank, _)| *rank <= bound) {
            continue;
        }
        for (drain, preference) in node_drains(sim, node, GREEDY) {
            let rank = rank(&drain, key(node), preference);
            if best.as_ref().is_none_or(|(best, _)| rank < *best) {
                best = Some((rank, drain));
            }
        }
    }
    best.map(|(_, drain)| drain)
}

/// How good a candidate drain is, best lowest: its mode, services stranded,
/// moves, then the node's place in the order and the preference it was found with.
type Rank = (Mode, usize, usize, Key, Preference);

fn rank(drain: &Drain, key: Key, preference: Preference) -> Rank {
    (drain.mode, drain.stranded.len(), drain.moves.len(), key, preference)
}

/// `node`'s drain in each of `preferences` (in the first mode that strands
/// nothing, else as an outage where outages are allowed), those that repeat
/// an earlier one left out.
fn node_drains(sim: &Sim<'_>, node: NodeId, preferences: &[Preference]) -> Vec<(Drain, Preference)> {
    let modes: &[Mode] = if sim.cluster.policy().allow_outage {
        &[Mode::OntoUpgraded, Mode::Sideways, Mode::Outage]
    } else {
        &[Mode::OntoUpgraded, Mode::Sideways]
    };
    let mut drains: Vec<(Drain, Preference)> = Vec::new();
    for &preference in preferences {
        if preference == Preference::Unclaimed && !sim.any_claimed() {
            continue;
        }
        for &mode in modes {
            let drain = drain(sim, node, mode, preference);
            if drain.stranded.is_empty() || mode == Mode::Outage {
                if !drains.iter().any(|(known, _)| *known == drain) {
                    drains.push((drain, preference));
                }
                break;
            }
        }
    }
    drains
}

/// Upgrades paused `node`, one step per round of hops, for as long as
/// it has hops of `among` that it may take: all of them without skew rules
/// and paths (one step, as before either existed).
pub(super) fn take_hops(sim: &mut Sim<'_>, node: NodeId, among: &[ComponentId]) {
    loop {
        let hops = sim.next_hops(node, among);
        if hops.is_empty() {
            return;
        }
        sim.apply(Action::Upgrade { node, components: hops });
    }
}

/// Drains, pauses, upgrades (as far as the skew rules let it, for now) and resumes one node.
fn upgrade_node(sim: &mut Sim<'_>, drain: &Drain) {
    let node = drain.node;
    wave::drain_and_pause(sim, drain);
    take_hops(sim, node, sim.rolling());
    sim.apply(Action::Resume { node });
    for &service in &drain.stranded {
        sim.apply(Action::Online { service, node });
    }
}

/// The choices of nodes to join a wave of at most `size` nodes, of
/// `others` (best first): all of them first (the wave fills up best
/// first, as far as the rules let it), then every subset of fewer than
/// `size` nodes, the largest first, and none last. Only the search asks,
/// on a cluster of at most [`SEARCH_ABOVE`] nodes to upgrade, so there are
/// at most 2^8 of them.
fn joining_choices(others: &[NodeId], size: usize) -> Vec<Vec<NodeId>> {
    let mut choices = vec![others.to_vec()];
    let count = others.len().min(SEARCH_ABOVE);
    let mut subsets: Vec<u32> = (0..1u32 << count)
        .filter(|mask| (mask.count_ones() as usize) < size && mask.count_ones() as usize != others.len())
        .collect();
    subsets.sort_by_key(|mask| (std::cmp::Reverse(mask.count_ones()), *mask));
    choices.extend(
        subsets
            .into_iter()
            .map(|mask| (0..count).filter(|i| mask & (1 << i) != 0).filter_map(|i| others.get(i).copied()).collect()),
    );
    choices
}
