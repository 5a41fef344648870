//! The greedy pass's order of nodes: fewest online services first, then
//! those whose services would go to owners they list earliest, then the
//! nodes that are the usual failover target of fewest services; and which of
//! them could drain onto upgraded nodes at all.
//!
//! Upgrading the common failover targets last keeps every service's failover
//! target the same for most of the plan (owners left out make the first node
//! everyone's target), so the what-if risks change once per service rather
//! than at every pause, and the plan's risk spans stay near-linear.
//!
//! A drain onto upgraded nodes strands any service that has no upgraded,
//! running owner besides its own node, so a node hosting such a service is
//! not worth a drain. That changes only when a node is upgraded (for the
//! services it owns) or a service moves, so a round re-examines only those.
//! A service whose owners were left out is covered as soon as any node is
//! upgraded and running, which one count tells; only listed owners are
//! looked at one by one, so the pass costs about (nodes + services + owners
//! listed) × log nodes plus the drains it tries.

use std::collections::BTreeSet;

use super::sim::Sim;
use crate::model::{IdVec, NodeId, ServiceId};

/// A pending node's place in the order: online services, then how far
/// down their owners lists its services would go (the sum of the positions
/// of their first upgraded owners), then how many services fail over to it
/// in the steady state, then declaration order.
///
/// The second part grows the upgraded part of a cluster along its owners
/// lists: in a full cluster with one spare node, whose services list the
/// next nodes, the node beside the last one upgraded drains into it whole,
/// where declaration order would skip ahead, and the nodes skipped later
/// find their upgraded owners full and ask residents to move along (extra
/// moves, and failbacks of one service a step). Services whose owners are
/// left out add nothing to it, so for them the steady-state rule decides.
pub(super) type Key = (usize, usize, usize, NodeId);

pub(super) struct Order {
    /// Each node's key when last counted (its place in `queue`).
    key: IdVec<NodeId, Key>,
    queue: BTreeSet<Key>,
    /// The part of `queue` whose every online service with listed owners has an upgraded owner elsewhere.
    hopeful: BTreeSet<Key>,
    /// How many services fail over to each node when every node runs.
    weight: IdVec<NodeId, usize>,
    /// For each node, the services with listed owners that list it.
    owned: IdVec<NodeId, Vec<ServiceId>>,
    /// Per service with listed owners: where in its list its first
    /// upgraded, running owner other than its node is (the list's length
    /// when there is none: it is not covered).
    covered_at: IdVec<ServiceId, usize>,
    /// Per node: its online services with listed owners that are not covered.
    uncovered: IdVec<NodeId, usize>,
    /// Per node: the sum of `covered_at` over its online services with listed owners.
    reach: IdVec<NodeId, usize>,
    /// Per node: its online services whose owners are every node.
    anywhere: IdVec<NodeId, usize>,
    /// Upgraded nodes that are up: a service whose owners are every node is
    /// covered when one of them is not its own node.
    upgraded_up: usize,
    /// The nodes the services of the current drain leave.
    left: Vec<NodeId>,
}

impl Order {
    pub fn new(sim: &Sim<'_>, pending: &[NodeId]) -> Order {
        let cluster = sim.cluster;
        let mut owned = cluster.per_node(Vec::new());
        let mut weight = cluster.per_node(0usize);
        let first_two: Vec<NodeId> = cluster.node_ids().take(2).collect();
        for (service, definition) in cluster.services().iter_ids() {
            let steady_target = match definition.owners.as_listed() {
                Some(list) => {
                    for &owner in list {
                        owned[owner].push(service);
                    }
                    list.iter().copied().find(|&o| o != definition.on)
                }
                None => first_two.iter().copied().find(|&o| o != definition.on),
            };
            if let Some(target) = steady_target {
                weight[target] += 1;
            }
            sim.work.add(definition.owners.as_listed().map_or(1, <[NodeId]>::len));
        }
        let upgraded_up = cluster.node_ids().filter(|&n| sim.is_done(n) && sim.state.node(n).up).count();
        let mut order = Order {
            key: cluster.nodes().map_ids(|node, _| (0, 0, 0, node)),
            queue: BTreeSet::new(),
            hopeful: BTreeSet::new(),
            weight,
            owned,
            covered_at: cluster.per_service(0),
            uncovered: cluster.per_node(0),
            reach: cluster.per_node(0),
            anywhere: cluster.per_node(0),
            upgraded_up,
            left: Vec::new(),
        };
        for service in cluster.service_ids() {
            order.covered_at[service] = Order::first_upgraded_owner(sim, service);
            order.count(sim, service, 1);
        }
        for &node in pending {
            order.key[node] = order.current_key(sim, node);
            let key = order.key[node];
            order.queue.insert(key);
            if order.uncovered[node] == 0 {
                order.hopeful.insert(key);
            }
        }
        order
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn pending(&self) -> Vec<NodeId> {
        self.queue.iter().map(|&(_, _, _, node)| node).collect()
    }

    /// A node's place in the order.
    pub fn key(&self, node: NodeId) -> Key {
        self.key[node]
    }

    /// Whether some upgraded node is up (a service may be drained onto it).
    pub fn anything_upgraded(&self) -> bool {
        self.upgraded_up > 0
    }

    /// The pending nodes worth a drain onto upgraded nodes, in order.
    pub fn hopeful(&self) -> impl Iterator<Item = NodeId> + '_ {
        let anything_upgraded = self.anything_upgraded();
        self.hopeful
            .iter()
            .map(|&(_, _, _, node)| node)
            .filter(move |&node| anything_upgraded || self.anywhere[node] == 0)
    }

    /// Where in its owners list a service with listed owners has its first
    /// upgraded, running owner besides its node; the list's length if nowhere.
    fn first_upgraded_owner(sim: &Sim<'_>, service: ServiceId) -> usize {
        let Some(list) = sim.cluster.service(service).owners.as_listed() else { return 0 };
        let here = sim.location(service);
        sim.work.add(list.len());
        list.iter().position(|&t| t != here && sim.state.node(t).up && sim.is_done(t)).unwrap_or(list.len())
    }

    /// Whether a service with listed owners has an upgraded, running owner besides its node.
    fn is_covered(&self, sim: &Sim<'_>, service: ServiceId) -> bool {
        let listed = sim.cluster.service(service).owners.as_listed().map_or(0, <[NodeId]>::len);
        self.covered_at[service] < listed
    }

    fn current_key(&self, sim: &Sim<'_>, node: NodeId) -> Key {
        (sim.online_count(node), self.reach[node], self.weight[node], node)
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) an online `service` from its node's counts.
    fn count(&mut self, sim: &Sim<'_>, service: ServiceId, sign: isize) {
        if !sim.state.service(service).online {
            return;
        }
        let here = sim.location(service);
        if sim.cluster.service(service).owners.is_any() {
            self.anywhere[here] = self.anywhere[here].saturating_add_signed(sign);
            return;
        }
        let at = self.covered_at[service].cast_signed();
        self.reach[here] = self.reach[here].saturating_add_signed(sign * at);
        if !self.is_covered(sim, service) {
            self.uncovered[here] = self.uncovered[here].saturating_add_signed(sign);
        }
    }

    /// Before the drain: the services about to move leave their nodes' counts.
    pub fn leaving(&mut self, sim: &Sim<'_>, moved: &[ServiceId]) {
        for &service in moved {
            self.count(sim, service, -1);
            self.left.push(sim.location(service));
        }
    }

    /// After `node` was upgraded and `moved` services went elsewhere: re-examines
    /// what that can change and re-keys the nodes services moved between. A
    /// node with hops left for later (skew rules, paths) stays in the order.
    pub fn upgraded(&mut self, sim: &Sim<'_>, node: NodeId, moved: &[ServiceId]) {
        if sim.is_done(node) {
            let key = self.key[node];
            self.queue.remove(&key);
            self.hopeful.remove(&key);
            if sim.state.node(node).up {
                self.upgraded_up += 1;
            }
        }
        let mut touched: Vec<NodeId> = vec![node];
        for &service in moved {
            self.covered_at[service] = Order::first_upgraded_owner(sim, service);
            self.count(sim, service, 1);
            touched.push(sim.location(service));
        }
        let owned = std::mem::take(&mut self.owned[node]);
        for &service in &owned {
            if moved.contains(&service) {
                continue;
            }
            let now = Order::first_upgraded_owner(sim, service);
            if self.covered_at[service] != now {
                self.count(sim, service, -1);
                self.covered_at[service] = now;
                self.count(sim, service, 1);
                touched.push(sim.location(service));
            }
        }
        self.owned[node] = owned;
        // The nodes the moves left: their counts and keys changed too.
        touched.append(&mut self.left);
        touched.sort_unstable();
        touched.dedup();
        for node in touched {
            self.rekey(sim, node);
        }
    }

    /// After `moved` services went home (a failback between waves; `leaving`
    /// heard of them before): counts them where they are now and re-keys the
    /// nodes they moved between.
    pub fn returned(&mut self, sim: &Sim<'_>, moved: &[ServiceId]) {
        let mut touched: Vec<NodeId> = Vec::new();
        for &service in moved {
            self.count(sim, service, 1);
            touched.push(sim.location(service));
        }
        touched.append(&mut self.left);
        touched.sort_unstable();
        touched.dedup();
        for node in touched {
            self.rekey(sim, node);
        }
    }

    fn rekey(&mut self, sim: &Sim<'_>, node: NodeId) {
        let old = self.key[node];
        let new = self.current_key(sim, node);
        self.key[node] = new;
        if self.queue.remove(&old) {
            self.hopeful.remove(&old);
            self.queue.insert(new);
            if self.uncovered[node] == 0 {
                self.hopeful.insert(new);
            }
        }
    }
}
