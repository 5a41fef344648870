//! The planner's scratch model: the cluster's state and the actions so far,
//! with no text and no risks, cheap to clone for the search in [`super::rolling`].
//! [`super::world::record`] replays the chosen actions into full steps.
//!
//! Every index the planner uses comes from the cluster (checked by
//! [`Cluster::inconsistency`] before planning) or from this state, which is
//! built from the cluster and never changes shape. So no lookup here fails;
//! should one fail anyway, it is never papered over. Actions return the
//! [`Broken`] invariant as an error. The queries the search asks thousands of
//! times (`can_host`, `room`, `pending`, ...) answer conservatively (cannot
//! host, no room, not done) and note the broken invariant in the sim, and the
//! search calls [`Sim::intact`] before it trusts a result or draws a verdict
//! from one, so the note always turns into a [`super::Blocked`] reason that
//! says what broke.

use std::cell::OnceCell;
use std::collections::BTreeMap;

use super::{Action, Broken, NodeState, ServiceState, State};
use crate::model::{Cluster, Component, ComponentId, Node, NodeId, Service, ServiceId};

#[derive(Clone)]
pub(super) struct Sim<'c> {
    pub cluster: &'c Cluster,
    pub state: State,
    pub actions: Vec<Action>,
    /// Nodes in the order their (first) upgrade finished, for failback order.
    pub upgrade_order: Vec<NodeId>,
    /// Services taken offline so far, and moves so far: the search's running cost.
    pub offline_count: usize,
    pub moves: usize,
    /// Actions after which nodes ran different releases of some component.
    pub mixed_steps: usize,
    /// Per component: how many nodes run each release (to tell "mixed" in O(1)).
    release_counts: Vec<BTreeMap<String, usize>>,
    /// Per node: the services located there, online or not (kept in step with `state`).
    located: Vec<Vec<ServiceId>>,
    /// The first broken invariant a query met (see the module documentation).
    broken: OnceCell<Broken>,
}

impl<'c> Sim<'c> {
    /// The cluster as it is now. Fails only for a cluster that breaks its index invariants.
    pub fn new(cluster: &'c Cluster) -> Result<Self, Broken> {
        let mut release_counts = vec![BTreeMap::new(); cluster.components.len()];
        for node in &cluster.nodes {
            for (counts, version) in release_counts.iter_mut().zip(&node.versions) {
                *counts.entry(version.clone()).or_insert(0) += 1;
            }
        }
        let mut located = vec![Vec::new(); cluster.nodes.len()];
        for (id, service) in cluster.services.iter().enumerate() {
            located.get_mut(service.on).ok_or_else(|| Broken::index("node", service.on))?.push(id);
        }
        Ok(Sim {
            cluster,
            state: State::initial(cluster),
            actions: Vec::new(),
            upgrade_order: Vec::new(),
            offline_count: 0,
            moves: 0,
            mixed_steps: 0,
            release_counts,
            located,
            broken: OnceCell::new(),
        })
    }

    /// `Ok` unless a query met a broken invariant; then that invariant, which
    /// outweighs any plan or verdict drawn from this sim.
    pub fn intact(&self) -> Result<(), Broken> {
        match self.broken.get() {
            Some(broken) => Err(broken.clone()),
            None => Ok(()),
        }
    }

    /// Notes a broken invariant (the first one is kept) and returns `None`.
    fn lost<T>(&self, broken: Broken) -> Option<T> {
        let _ = self.broken.set(broken);
        None
    }

    /// Node `id` of the cluster.
    pub fn node(&self, id: NodeId) -> Option<&'c Node> {
        self.cluster.node(id).or_else(|| self.lost(Broken::index("node", id)))
    }

    /// Service `id` of the cluster.
    pub fn service(&self, id: ServiceId) -> Option<&'c Service> {
        self.cluster.service(id).or_else(|| self.lost(Broken::index("service", id)))
    }

    /// Component `id` of the cluster.
    pub fn component(&self, id: ComponentId) -> Option<&'c Component> {
        self.cluster.component(id).or_else(|| self.lost(Broken::index("component", id)))
    }

    /// The current state of node `id`.
    pub fn node_state(&self, id: NodeId) -> Option<&NodeState> {
        self.state.node(id).or_else(|| self.lost(Broken::index("node", id)))
    }

    /// The current state of service `id`.
    pub fn service_state(&self, id: ServiceId) -> Option<&ServiceState> {
        self.state.service(id).or_else(|| self.lost(Broken::index("service", id)))
    }

    /// The release of `component` that `node` runs now.
    fn version(&self, node: NodeId, component: ComponentId) -> Option<&str> {
        self.node_state(node)?
            .version(component)
            .or_else(|| self.lost(Broken::new(format!("node #{node} has no version of component #{component}"))))
    }

    /// The node service `service` is on now; an error only for a broken invariant.
    pub fn location(&self, service: ServiceId) -> Result<NodeId, Broken> {
        self.state.service(service).map(|s| s.node).ok_or_else(|| Broken::index("service", service))
    }

    /// The cost the search minimises, most important first.
    pub fn cost(&self) -> (usize, usize, usize, usize) {
        (self.offline_count, self.moves, self.mixed_steps, self.actions.len())
    }

    /// Applies one action; an error (and no plan) only for an action naming
    /// what the cluster does not have.
    pub fn apply(&mut self, action: Action) -> Result<(), Broken> {
        if let Action::Upgrade { node, components } = &action {
            for &c in components {
                let (Some(counts), Some(old), Some(component)) = (
                    self.release_counts.get_mut(c),
                    self.state.node(*node).and_then(|n| n.version(c)),
                    self.cluster.component(c),
                ) else {
                    return Err(Broken::new(format!(
                        "the upgrade of node #{node} names component #{c}, which it does not have"
                    )));
                };
                if let Some(count) = counts.get_mut(old) {
                    *count -= 1;
                    if *count == 0 {
                        counts.remove(old);
                    }
                }
                *counts.entry(component.target.clone()).or_insert(0) += 1;
            }
        }
        if let Action::Move { service, from, to } | Action::Verify { service, from, to } = action {
            self.located.get_mut(from).ok_or_else(|| Broken::index("node", from))?.retain(|&s| s != service);
            let list = self.located.get_mut(to).ok_or_else(|| Broken::index("node", to))?;
            let at = list.partition_point(|&s| s < service);
            list.insert(at, service);
        }
        apply_to(self.cluster, &mut self.state, &action)?;
        if self.release_counts.iter().any(|counts| counts.len() > 1) {
            self.mixed_steps += 1;
        }
        match &action {
            Action::Upgrade { node, .. } if !self.upgrade_order.contains(node) => self.upgrade_order.push(*node),
            Action::Offline { .. } => self.offline_count += 1,
            a if a.is_move() => self.moves += 1,
            _ => {}
        }
        self.actions.push(action);
        Ok(())
    }

    /// The services located on a node, online or offline.
    fn located(&self, node: NodeId) -> &[ServiceId] {
        match self.located.get(node) {
            Some(services) => services,
            None => self.lost(Broken::index("node", node)).unwrap_or_default(),
        }
    }

    /// Services located on a node, online or offline (both count against capacity).
    pub fn hosted(&self, node: NodeId) -> usize {
        self.located(node).len()
    }

    /// Online services on a node, in declaration order.
    pub fn online_on(&self, node: NodeId) -> Vec<ServiceId> {
        self.located(node)
            .iter()
            .copied()
            .filter(|&s| self.service_state(s).is_some_and(|state| state.online))
            .collect()
    }

    /// How many online services a node has.
    pub fn online_count(&self, node: NodeId) -> usize {
        self.located(node).iter().filter(|&&s| self.service_state(s).is_some_and(|state| state.online)).count()
    }

    /// How many more services a node can take; `usize::MAX` when unlimited.
    pub fn room(&self, node: NodeId) -> usize {
        match self.node(node).map(|n| n.capacity) {
            Some(Some(capacity)) => (capacity as usize).saturating_sub(self.hosted(node)),
            Some(None) => usize::MAX,
            None => 0,
        }
    }

    /// Whether moving `service` to `to` keeps the no-older-release rule.
    pub fn not_older(&self, service: ServiceId, to: NodeId) -> bool {
        let (Some(state), Some(definition)) = (self.service_state(service), self.service(service)) else {
            return false;
        };
        let from = state.node;
        definition.uses.iter().all(|&c| match (self.component(c), self.version(to, c), self.version(from, c)) {
            (Some(component), Some(new), Some(old)) => component.compare(new, old).is_ge(),
            _ => false,
        })
    }

    /// Whether `node` may take `service` now: an up owner, with room, not older, not where it is.
    pub fn can_host(&self, service: ServiceId, node: NodeId) -> bool {
        self.node_state(node).is_some_and(|n| n.up)
            && self.service_state(service).is_some_and(|s| s.node != node)
            && self.service(service).is_some_and(|s| s.owners.contains(&node))
            && self.room(node) > 0
            && self.not_older(service, node)
    }

    /// Whether `node` runs every component of `among` at its target: [`Sim::pending`] is empty.
    pub fn is_done(&self, node: NodeId, among: &[ComponentId]) -> bool {
        among.iter().all(|&c| {
            self.version(node, c).zip(self.component(c)).is_some_and(|(version, component)| version == component.target)
        })
    }

    /// Components of `among` that `node` does not yet run at their target
    /// (a component it cannot be asked about counts as pending).
    pub fn pending(&self, node: NodeId, among: &[ComponentId]) -> Vec<ComponentId> {
        among
            .iter()
            .copied()
            .filter(|&c| {
                self.version(node, c)
                    .zip(self.component(c))
                    .is_none_or(|(version, component)| version != component.target)
            })
            .collect()
    }
}

/// The state change of one action; an error only for an action naming a
/// node, service or component that `state` does not have.
pub(super) fn apply_to(cluster: &Cluster, state: &mut State, action: &Action) -> Result<(), Broken> {
    fn node(state: &mut State, id: NodeId) -> Result<&mut NodeState, Broken> {
        state.nodes.get_mut(id).ok_or_else(|| Broken::index("node", id))
    }
    fn service(state: &mut State, id: ServiceId) -> Result<&mut ServiceState, Broken> {
        state.services.get_mut(id).ok_or_else(|| Broken::index("service", id))
    }
    match action {
        Action::Move { service: s, to, .. } | Action::Verify { service: s, to, .. } => service(state, *s)?.node = *to,
        Action::Pause { node: n } => node(state, *n)?.up = false,
        Action::Upgrade { node: n, components } => {
            let versions = &mut node(state, *n)?.versions;
            for &c in components {
                let (Some(version), Some(component)) = (versions.get_mut(c), cluster.component(c)) else {
                    return Err(Broken::new(format!(
                        "the upgrade of node #{n} names component #{c}, which it does not have"
                    )));
                };
                version.clone_from(&component.target);
            }
        }
        Action::Resume { node: n } => node(state, *n)?.up = true,
        Action::Offline { service: s, .. } => service(state, *s)?.online = false,
        Action::Online { service: s, .. } => service(state, *s)?.online = true,
    }
    Ok(())
}
