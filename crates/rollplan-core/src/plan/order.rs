//! The greedy pass's order of nodes: fewest online services first, then the
//! nodes that are the usual failover target of fewest services, and which of
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

/// A pending node's place in the order: online services, then how many
/// services fail over to it in the steady state, then declaration order.
pub(super) type Key = (usize, usize, NodeId);

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
    /// Per service with listed owners: it has an upgraded, running owner other than its node.
    covered: IdVec<ServiceId, bool>,
    /// Per node: its online services with listed owners that are not covered.
    uncovered: IdVec<NodeId, usize>,
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
            key: cluster.nodes().map_ids(|node, _| (0, 0, node)),
            queue: BTreeSet::new(),
            hopeful: BTreeSet::new(),
            weight,
            owned,
            covered: cluster.per_service(false),
            uncovered: cluster.per_node(0),
            anywhere: cluster.per_node(0),
            upgraded_up,
            left: Vec::new(),
        };
        for service in cluster.service_ids() {
            order.covered[service] = Order::has_upgraded_owner(sim, service);
            order.count(sim, service, 1);
        }
        for &node in pending {
            order.key[node] = (sim.online_count(node), order.weight[node], node);
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
        self.queue.iter().map(|&(_, _, node)| node).collect()
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
        self.hopeful.iter().map(|&(_, _, node)| node).filter(move |&node| anything_upgraded || self.anywhere[node] == 0)
    }

    /// Whether a service with listed owners has an upgraded, running owner besides its node.
    fn has_upgraded_owner(sim: &Sim<'_>, service: ServiceId) -> bool {
        let Some(list) = sim.cluster.service(service).owners.as_listed() else { return false };
        let here = sim.location(service);
        sim.work.add(list.len());
        list.iter().any(|&t| t != here && sim.state.node(t).up && sim.is_done(t))
    }

    /// Adds (`sign` 1) or takes away (`sign` -1) an online `service` from its node's counts.
    fn count(&mut self, sim: &Sim<'_>, service: ServiceId, sign: isize) {
        if !sim.state.service(service).online {
            return;
        }
        let here = sim.location(service);
        let slot = if sim.cluster.service(service).owners.is_any() {
            &mut self.anywhere[here]
        } else if self.covered[service] {
            return;
        } else {
            &mut self.uncovered[here]
        };
        *slot = slot.saturating_add_signed(sign);
    }

    /// Before the drain: the services about to move leave their nodes' counts.
    pub fn leaving(&mut self, sim: &Sim<'_>, moved: &[ServiceId]) {
        for &service in moved {
            self.count(sim, service, -1);
            self.left.push(sim.location(service));
        }
    }

    /// After `node` was upgraded and `moved` services went elsewhere: re-examines
    /// what that can change and re-keys the nodes services moved between.
    pub fn upgraded(&mut self, sim: &Sim<'_>, node: NodeId, moved: &[ServiceId]) {
        let key = self.key[node];
        self.queue.remove(&key);
        self.hopeful.remove(&key);
        if sim.is_done(node) && sim.state.node(node).up {
            self.upgraded_up += 1;
        }
        let mut touched: Vec<NodeId> = vec![node];
        for &service in moved {
            self.covered[service] = Order::has_upgraded_owner(sim, service);
            self.count(sim, service, 1);
            touched.push(sim.location(service));
        }
        let owned = std::mem::take(&mut self.owned[node]);
        for &service in &owned {
            if moved.contains(&service) {
                continue;
            }
            let now = Order::has_upgraded_owner(sim, service);
            if self.covered[service] != now {
                self.count(sim, service, -1);
                self.covered[service] = now;
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

    fn rekey(&mut self, sim: &Sim<'_>, node: NodeId) {
        let old = self.key[node];
        let new = (sim.online_count(node), self.weight[node], node);
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
