//! The planner's scratch model: the cluster's state and the actions so far,
//! with no text and no risks, cheap to clone for the search in [`super::rolling`].
//! [`super::world::record`] replays the chosen actions into full steps.
//!
//! Besides the state it keeps the indexes that make every question the
//! planner asks cost about log n, whatever the shape of the cluster: the
//! services on each node, and the nodes that are up and have room, ordered
//! by declaration and by room, apart for upgraded and other nodes. A service
//! whose owners were left out (every node) finds a node with room there
//! instead of looking at every node.

use std::cell::Cell;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{Action, Hop, Move, State};
use crate::model::{Cluster, ComponentId, IdVec, NodeId, ServiceId, SkewLevel, SkewLimit, SkewRule, SkewScope};
use crate::skew;

/// The planner's work so far, in looks at a node or a service (see [`super::plan_counting`]).
#[derive(Debug, Default)]
pub(super) struct Work(Cell<u64>);

impl Work {
    pub fn add(&self, amount: usize) {
        self.0.set(self.0.get().saturating_add(amount as u64));
    }

    pub fn total(&self) -> u64 {
        self.0.get()
    }
}

/// Where an upgraded (`done`) or other node sits in the room indexes.
const DONE: usize = 0;
const NOT_DONE: usize = 1;

/// Room of a node without a capacity.
pub(super) const UNLIMITED: usize = usize::MAX;

#[derive(Clone)]
pub(super) struct Sim<'c> {
    pub cluster: &'c Cluster,
    pub work: &'c Work,
    pub state: State,
    pub actions: Vec<Action>,
    /// Each node's place in the order first upgrades finished (`usize::MAX`
    /// while it has none), for failback order; and how many nodes have one.
    pub upgrade_rank: IdVec<NodeId, usize>,
    upgraded_nodes: usize,
    /// Services taken offline so far, and moves so far: the search's running cost.
    pub offline_count: usize,
    pub moves: usize,
    /// Actions after which nodes ran different releases of some component.
    pub mixed_steps: usize,
    /// The components of the rolling phase: a node is done when it runs all their targets.
    rolling: &'c [ComponentId],
    /// Per component: how many of the nodes that run it run each release
    /// (to tell "mixed" in O(1), and a spread of releases in O(releases)).
    release_counts: IdVec<ComponentId, BTreeMap<String, usize>>,
    /// Components whose nodes run more than one release.
    mixed_components: usize,
    /// Bumped whenever some component's set of releases run changes: what
    /// the skew rules allow a waiting node depends on nothing else, so a
    /// node held back stays held back until it moves ([`Sim::releases_epoch`]).
    releases_epoch: u64,
    /// Per node: the services located there, online or not, in id order.
    located: IdVec<NodeId, BTreeSet<ServiceId>>,
    /// Per node: how many of them are online.
    online: IdVec<NodeId, usize>,
    /// Per node: whether it runs every rolling component's target.
    done: IdVec<NodeId, bool>,
    /// Per node: whether it is about to be paused with the wave being
    /// built ([`super::wave`]): no drain may send a service there.
    leaving: IdVec<NodeId, bool>,
    /// Per node: its key in the room indexes, if it is up, not leaving, and has room.
    indexed: IdVec<NodeId, Option<(usize, usize)>>,
    /// Up nodes with room, by declaration order: `[DONE]` and `[NOT_DONE]`.
    free_by_order: [BTreeSet<NodeId>; 2],
    /// The same nodes, roomiest first (unlimited first of all).
    free_by_room: [BTreeSet<(Reverse<usize>, NodeId)>; 2],
    /// Per node: whether some service with listed owners names it (shared by clones).
    claimed: Rc<IdVec<NodeId, bool>>,
    any_claimed: bool,
    /// Per replicated service: its copies up, kept as nodes pause and
    /// resume, so that whether a node may join a wave costs what it holds,
    /// not every copy of it.
    pub copies_up: Vec<u32>,
}

impl<'c> Sim<'c> {
    /// The cluster as it is now; `rolling` are the components the rolling phase upgrades.
    pub fn new(cluster: &'c Cluster, rolling: &'c [ComponentId], work: &'c Work) -> Self {
        let mut release_counts = cluster.per_component(BTreeMap::new());
        for node in cluster.nodes() {
            for c in cluster.component_ids() {
                if let Some(version) = node.version(c) {
                    *release_counts[c].entry(version.to_owned()).or_insert(0) += 1;
                }
            }
        }
        let mixed_components = release_counts.iter().filter(|counts| counts.len() > 1).count();
        let mut located = cluster.per_node(BTreeSet::new());
        let mut online = cluster.per_node(0usize);
        for (id, service) in cluster.services().iter_ids() {
            located[service.on].insert(id);
            online[service.on] += 1;
        }
        let state = State::initial(cluster);
        let done = state.nodes.map(|node| node.at_targets(cluster, rolling.iter().copied()));
        let mut claimed = cluster.per_node(false);
        for service in cluster.services() {
            for &owner in service.owners.as_listed().unwrap_or_default() {
                claimed[owner] = true;
            }
        }
        let mut sim = Sim {
            cluster,
            work,
            state,
            actions: Vec::new(),
            upgrade_rank: cluster.per_node(usize::MAX),
            upgraded_nodes: 0,
            offline_count: 0,
            moves: 0,
            mixed_steps: 0,
            rolling,
            release_counts,
            mixed_components,
            releases_epoch: 0,
            located,
            online,
            done,
            leaving: cluster.per_node(false),
            indexed: cluster.per_node(None),
            free_by_order: [BTreeSet::new(), BTreeSet::new()],
            free_by_room: [BTreeSet::new(), BTreeSet::new()],
            any_claimed: claimed.iter().any(|&c| c),
            claimed: Rc::new(claimed),
            copies_up: cluster
                .replicated()
                .iter()
                .map(|service| u32::try_from(service.replicas.len()).unwrap_or(u32::MAX))
                .collect(),
        };
        for node in cluster.node_ids() {
            sim.reindex(node);
        }
        work.add(cluster.nodes().len() + cluster.services().len());
        sim
    }

    /// The components of the rolling phase.
    pub fn rolling(&self) -> &'c [ComponentId] {
        self.rolling
    }

    /// Puts `node` where it now belongs in the room indexes.
    fn reindex(&mut self, node: NodeId) {
        let room = self.room(node);
        let key = (self.is_available(node) && room > 0).then(|| (usize::from(!self.done[node]), room));
        if self.indexed[node] == key {
            return;
        }
        if let Some((group, room)) = self.indexed[node]
            && let (Some(by_order), Some(by_room)) =
                (self.free_by_order.get_mut(group), self.free_by_room.get_mut(group))
        {
            by_order.remove(&node);
            by_room.remove(&(Reverse(room), node));
        }
        if let Some((group, room)) = key
            && let (Some(by_order), Some(by_room)) =
                (self.free_by_order.get_mut(group), self.free_by_room.get_mut(group))
        {
            by_order.insert(node);
            by_room.insert((Reverse(room), node));
        }
        self.indexed[node] = key;
        self.work.add(1);
    }

    /// Whether `node` is up and not about to be paused with the wave being built.
    pub fn is_available(&self, node: NodeId) -> bool {
        self.state.node(node).up && !self.leaving[node]
    }

    /// Marks `node` as about to be paused with the wave being built (or no
    /// longer): it takes no service meanwhile.
    pub fn set_leaving(&mut self, node: NodeId, leaving: bool) {
        self.leaving[node] = leaving;
        self.reindex(node);
    }

    /// The node service `service` is on now.
    pub fn location(&self, service: ServiceId) -> NodeId {
        self.state.service(service).node
    }

    /// The cost the search minimises, most important first: services
    /// offline, then (with waves, `policy.max_down` above 1) the wall-clock
    /// minutes, then moves, steps with mixed releases, and steps.
    pub fn cost(&self) -> (usize, u32, usize, usize, usize) {
        (self.offline_count, self.wall_clock(), self.moves, self.mixed_steps, self.actions.len())
    }

    /// The wall-clock minutes of the actions so far when nodes are upgraded
    /// in waves; 0 with `policy.max_down: 1`, which plans as it did before
    /// waves (each node a wave: the wall clock is the sum of the steps).
    pub fn wall_clock(&self) -> u32 {
        if self.cluster.policy().max_down > 1 {
            self.work.add(self.actions.len());
            super::clock::of_actions(self.cluster, &self.actions).wall_clock
        } else {
            0
        }
    }

    fn relocate(&mut self, step: Move) {
        let Move { service, from, to } = step;
        self.located[from].remove(&service);
        self.located[to].insert(service);
        if self.state.service(service).online {
            self.online[from] -= 1;
            self.online[to] += 1;
        }
        self.state.services[service].node = to;
        self.reindex(from);
        self.reindex(to);
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        self.effect(&action);
        self.record(action);
    }

    /// Moves one service now, as part of a step that [`Sim::record`] notes
    /// once all its moves are made (a drain places each service knowing
    /// where the ones before it went).
    pub fn shift(&mut self, step: Move) {
        self.relocate(step);
    }

    /// Notes a step whose effect is already made: its moves through [`Sim::shift`].
    pub fn record(&mut self, action: Action) {
        if self.mixed_components > 0 {
            self.mixed_steps += 1;
        }
        self.moves += action.move_count();
        self.actions.push(action);
    }

    fn effect(&mut self, action: &Action) {
        let cluster = self.cluster;
        match &action {
            Action::Move { service, from, to } | Action::Verify { service, from, to } => {
                self.relocate(Move { service: *service, from: *from, to: *to });
            }
            Action::Drain { moves, .. } | Action::Failback { moves, .. } => {
                for &step in moves {
                    self.relocate(step);
                }
            }
            Action::Pause { node } | Action::Resume { node } => {
                let (was_up, now_up) = (self.state.node(*node).up, matches!(action, Action::Resume { .. }));
                if was_up != now_up {
                    for service in cluster.copies_on(*node) {
                        if let Some(count) = self.copies_up.get_mut(service.index()) {
                            *count = if now_up { count.saturating_add(1) } else { count.saturating_sub(1) };
                        }
                    }
                }
                self.state.apply(action);
                self.leaving[*node] = false;
                self.reindex(*node);
            }
            Action::Upgrade { node, components } => {
                for hop in components {
                    let counts = &mut self.release_counts[hop.component];
                    let was_mixed = counts.len() > 1;
                    if let Some(count) = counts.get_mut(&hop.from) {
                        *count -= 1;
                        if *count == 0 {
                            counts.remove(&hop.from);
                            self.releases_epoch += 1;
                        }
                    }
                    let count = counts.entry(hop.to.clone()).or_insert(0);
                    if *count == 0 {
                        self.releases_epoch += 1;
                    }
                    *count += 1;
                    let is_mixed = counts.len() > 1;
                    self.mixed_components = self.mixed_components + usize::from(is_mixed) - usize::from(was_mixed);
                }
                self.state.apply(action);
                let node = *node;
                self.done[node] = self.state.node(node).at_targets(cluster, self.rolling.iter().copied());
                self.reindex(node);
                if self.upgrade_rank[node] == usize::MAX {
                    self.upgrade_rank[node] = self.upgraded_nodes;
                    self.upgraded_nodes += 1;
                }
            }
            Action::Offline { service, node } => {
                if self.state.service(*service).online {
                    self.online[*node] -= 1;
                }
                self.state.apply(action);
                self.offline_count += 1;
            }
            Action::Online { service, node } => {
                if !self.state.service(*service).online {
                    self.online[*node] += 1;
                }
                self.state.apply(action);
            }
            Action::Finalize { .. } => {}
        }
    }

    /// The services located on a node, online or offline, in id order.
    pub fn located_on(&self, node: NodeId) -> impl Iterator<Item = ServiceId> + '_ {
        self.located[node].iter().copied()
    }

    /// Services located on a node, online or offline (both count against capacity).
    pub fn hosted(&self, node: NodeId) -> usize {
        self.located[node].len()
    }

    /// Online services on a node, in declaration order.
    pub fn online_on(&self, node: NodeId) -> Vec<ServiceId> {
        self.work.add(self.located[node].len());
        self.located[node].iter().copied().filter(|&s| self.state.service(s).online).collect()
    }

    /// How many online services a node has.
    pub fn online_count(&self, node: NodeId) -> usize {
        self.online[node]
    }

    /// How many more services a node can take; [`UNLIMITED`] when it has no capacity.
    pub fn room(&self, node: NodeId) -> usize {
        match self.cluster.node(node).capacity {
            Some(capacity) => (capacity as usize).saturating_sub(self.hosted(node)),
            None => UNLIMITED,
        }
    }

    /// Whether moving `service` to `to` keeps the no-older-release rule (and
    /// `to` runs what it uses, as every owner does: [`Cluster::new`] checks it).
    pub fn not_older(&self, service: ServiceId, to: NodeId) -> bool {
        let from = self.location(service);
        let (to_state, from_state) = (self.state.node(to), self.state.node(from));
        self.cluster.service(service).uses.iter().all(|&c| match (to_state.version(c), from_state.version(c)) {
            (Some(new), Some(old)) => self.cluster.component(c).compare(new, old).is_ge(),
            (None, _) => false,
            (Some(_), None) => true,
        })
    }

    /// Whether `node` may take `service` now: an up owner, with room, not older, not where it is.
    pub fn can_host(&self, service: ServiceId, node: NodeId) -> bool {
        self.is_available(node)
            && self.location(service) != node
            && self.cluster.service(service).owners.contains(node)
            && self.room(node) > 0
            && self.not_older(service, node)
    }

    /// The first owner of `service`, in its preference order, that [`Sim::can_host`] it
    /// and is not `besides`. Owners left out (every node) are looked up in the room index.
    pub fn first_host(&self, service: ServiceId, besides: Option<NodeId>) -> Option<NodeId> {
        let owners = &self.cluster.service(service).owners;
        let fits = |t: NodeId| {
            self.work.add(1);
            Some(t) != besides && self.can_host(service, t)
        };
        match owners.as_listed() {
            Some(list) => list.iter().copied().find(|&t| fits(t)),
            None => self.free_in_order().find(|&t| fits(t)),
        }
    }

    /// Whether `node` runs every rolling component at its target.
    pub fn is_done(&self, node: NodeId) -> bool {
        self.done[node]
    }

    /// The hops `node` may take together now, one step's worth: the next
    /// hop of every component of `among` it runs short of the target, as
    /// many of them as keep every skew rule of level `error` (grown one at
    /// a time until none more fits, so that a hop another one makes
    /// possible, like kube-controller-manager after its own node's
    /// kube-apiserver, comes along; then the rest all together, for hops
    /// that keep a rule only as a pair). Empty when the node is done, or when
    /// every hop it has left must wait for other nodes.
    pub fn next_hops(&self, node: NodeId, among: &[ComponentId]) -> Vec<Hop> {
        let mut candidates = self.hops_ahead(node, among);
        if self.cluster.skew_rules().is_empty() {
            return candidates;
        }
        let mut chosen: Vec<Hop> = Vec::new();
        loop {
            let before = chosen.len();
            candidates.retain(|hop| {
                let mut trial = chosen.clone();
                trial.push(hop.clone());
                let keeps = self.keeps_skew(node, &trial);
                if keeps {
                    chosen.push(hop.clone());
                }
                !keeps
            });
            if chosen.len() == before {
                break;
            }
        }
        // Hops that keep a rule only together (two components that must
        // match on a node move in one step): all that are left, at once.
        if !candidates.is_empty() {
            let mut all = chosen.clone();
            all.extend(candidates.iter().cloned());
            if self.keeps_skew(node, &all) {
                chosen = all;
            }
        }
        chosen.sort_by_key(|hop| hop.component);
        chosen
    }

    /// Changes whenever the set of releases some component runs changes;
    /// while it stays, a node [`Sim::can_step`] refused is refused again.
    pub fn releases_epoch(&self) -> u64 {
        self.releases_epoch
    }

    /// The next hop of each component of `among` that `node` runs short of
    /// its target, whatever the skew rules say of it.
    pub fn hops_ahead(&self, node: NodeId, among: &[ComponentId]) -> Vec<Hop> {
        let state = self.state.node(node);
        among
            .iter()
            .filter_map(|&component| {
                let from = state.version(component)?;
                let to = self.cluster.component(component).next_hop(from)?;
                Some(Hop { component, from: from.to_owned(), to: to.to_owned() })
            })
            .collect()
    }

    /// How many hops `node` has left to its targets, over the components it runs.
    pub fn hops_left(&self, node: NodeId) -> usize {
        self.cluster
            .component_ids()
            .filter_map(|c| Some(self.cluster.component(c).hops_from(self.state.node(node).version(c)?).len()))
            .sum()
    }

    /// Whether `node` has a hop of a rolling component it may take now.
    pub fn can_step(&self, node: NodeId) -> bool {
        !self.done[node] && (self.cluster.skew_rules().is_empty() || !self.next_hops(node, self.rolling).is_empty())
    }

    /// Whether every skew rule of level `error` that `hops` (on `node`)
    /// concern still holds once they are taken. Counts, not nodes: a rule
    /// across the cluster looks at the releases run, a rule on the node at
    /// the node's own two.
    pub fn keeps_skew(&self, node: NodeId, hops: &[Hop]) -> bool {
        self.work.add(self.cluster.skew_rules().len());
        self.cluster.skew_rules().iter().filter(|rule| rule.level == SkewLevel::Error).all(|rule| {
            if !hops.iter().any(|hop| skew::concerns(rule, hop.component)) {
                return true;
            }
            match rule.limit {
                SkewLimit::Spread(limit) => {
                    self.range_after(rule, rule.component, hops).is_none_or(|(low, high)| high - low <= limit as usize)
                }
                SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Cluster } => {
                    let subject = self.range_after(rule, rule.component, hops);
                    let other = self.range_after(rule, against, hops);
                    let (Some((a_low, a_high)), Some((b_low, b_high))) = (subject, other) else { return true };
                    skew::pair_keeps(max_newer, None, a_high, b_low) && skew::pair_keeps(None, max_older, a_low, b_high)
                }
                SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Node } => {
                    let on_node = |component: ComponentId| {
                        let after = hops.iter().find(|hop| hop.component == component).map(|hop| hop.to.as_str());
                        let release = after.or_else(|| self.state.node(node).version(component))?;
                        skew::position(self.cluster, rule, release)
                    };
                    match (on_node(rule.component), on_node(against)) {
                        (Some(a), Some(b)) => skew::pair_keeps(max_newer, max_older, a, b),
                        _ => true,
                    }
                }
            }
        })
    }

    /// How many nodes run each release of each component now: a wave keeps
    /// them from its start to hold its hops to ([`Sim::keeps_skew_across`]).
    pub fn release_counts(&self) -> &IdVec<ComponentId, BTreeMap<String, usize>> {
        &self.release_counts
    }

    /// Whether every skew rule of level `error` across the cluster that
    /// `new` concerns holds in whatever order the hops of one wave are
    /// carried out, its nodes being upgraded at the same time. `start` is
    /// what ran when the wave began, `wave` every hop of the wave so far,
    /// `new` included. A rule is held to the widest range the wave can
    /// make: every release run at its start (a node of the wave may not
    /// have begun) and every release a hop reaches (another may have
    /// finished). Rules on one node need no more than [`Sim::next_hops`]
    /// asks: a node's own hops are taken in order.
    pub fn keeps_skew_across(
        &self,
        start: &IdVec<ComponentId, BTreeMap<String, usize>>,
        wave: &[Hop],
        new: &[Hop],
    ) -> bool {
        self.work.add(self.cluster.skew_rules().len() + wave.len());
        let range = |rule: &SkewRule, component: ComponentId| {
            let reached = wave.iter().filter(|hop| hop.component == component).map(|hop| hop.to.as_str());
            let run = start[component].iter().filter(|&(_, &count)| count > 0).map(|(release, _)| release.as_str());
            run.chain(reached).filter_map(|release| skew::position(self.cluster, rule, release)).fold(
                None,
                |range: Option<(usize, usize)>, at| {
                    Some(range.map_or((at, at), |(low, high)| (low.min(at), high.max(at))))
                },
            )
        };
        self.cluster.skew_rules().iter().filter(|rule| rule.level == SkewLevel::Error).all(|rule| {
            if !new.iter().any(|hop| skew::concerns(rule, hop.component)) {
                return true;
            }
            match rule.limit {
                SkewLimit::Spread(limit) => {
                    range(rule, rule.component).is_none_or(|(low, high)| high - low <= limit as usize)
                }
                SkewLimit::Against { against, max_newer, max_older, scope: SkewScope::Cluster } => {
                    let (Some((a_low, a_high)), Some((b_low, b_high))) =
                        (range(rule, rule.component), range(rule, against))
                    else {
                        return true;
                    };
                    skew::pair_keeps(max_newer, None, a_high, b_low) && skew::pair_keeps(None, max_older, a_low, b_high)
                }
                SkewLimit::Against { scope: SkewScope::Node, .. } => true,
            }
        })
    }

    /// The lowest and highest positions on `rule`'s scale of `component`'s
    /// releases once `hops` (on one node) are taken; `None` if no node runs it.
    fn range_after(&self, rule: &SkewRule, component: ComponentId, hops: &[Hop]) -> Option<(usize, usize)> {
        let hop = hops.iter().find(|hop| hop.component == component);
        let mut range: Option<(usize, usize)> = None;
        let mut widen = |release: &str| {
            if let Some(at) = skew::position(self.cluster, rule, release) {
                range = Some(range.map_or((at, at), |(low, high)| (low.min(at), high.max(at))));
            }
        };
        for (release, &count) in &self.release_counts[component] {
            // The hop's node leaves `from`: it still counts if others run it.
            let left = hop.is_some_and(|hop| hop.from == *release);
            if count > usize::from(left) {
                widen(release);
            }
        }
        if let Some(hop) = hop {
            widen(&hop.to);
        }
        range
    }

    /// Up nodes with room, upgraded (`done`) or not, in declaration order.
    pub fn free_by_order(&self, done: bool) -> impl Iterator<Item = NodeId> + '_ {
        self.free_by_order.get(if done { DONE } else { NOT_DONE }).into_iter().flatten().copied()
    }

    /// Up nodes with room, upgraded (`done`) or not, roomiest first.
    pub fn free_by_room(&self, done: bool) -> impl Iterator<Item = NodeId> + '_ {
        self.free_by_room.get(if done { DONE } else { NOT_DONE }).into_iter().flatten().map(|&(_, node)| node)
    }

    /// Whether some service with listed owners names `node`: a service that
    /// may run anywhere is better placed elsewhere, leaving it the room.
    pub fn is_claimed(&self, node: NodeId) -> bool {
        self.claimed[node]
    }

    /// Whether any service with listed owners names a node.
    pub fn any_claimed(&self) -> bool {
        self.any_claimed
    }

    /// Every up node with room, in declaration order.
    pub fn free_in_order(&self) -> impl Iterator<Item = NodeId> + '_ {
        merge(self.free_by_order(true), self.free_by_order(false))
    }
}

/// Two ascending iterators as one ascending iterator.
fn merge<I: Iterator<Item = NodeId>>(a: I, b: I) -> impl Iterator<Item = NodeId> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x > y => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}
