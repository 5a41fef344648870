//! The planner's scratch model: the cluster's state and the actions so far,
//! with no text and no risks, cheap to clone for the search in [`super::rolling`].
//! [`super::world::World`] replays the chosen actions into full steps.

use std::collections::BTreeMap;

use super::{Action, State};
use crate::model::{Cluster, ComponentId, NodeId, ServiceId};

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
}

impl<'c> Sim<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        let mut release_counts = vec![BTreeMap::new(); cluster.components.len()];
        for node in &cluster.nodes {
            for (c, version) in node.versions.iter().enumerate() {
                *release_counts[c].entry(version.clone()).or_insert(0) += 1;
            }
        }
        let mut located = vec![Vec::new(); cluster.nodes.len()];
        for (id, service) in cluster.services.iter().enumerate() {
            located[service.on].push(id);
        }
        let mut sim = Sim { cluster, state: State::initial(cluster), actions: Vec::new(), upgrade_order: Vec::new(), offline_count: 0, moves: 0, mixed_steps: 0, release_counts, located };
        sim.mixed_steps = 0;
        sim
    }

    /// The cost the search minimises, most important first.
    pub fn cost(&self) -> (usize, usize, usize, usize) {
        (self.offline_count, self.moves, self.mixed_steps, self.actions.len())
    }

    pub fn apply(&mut self, action: Action) {
        if let Action::Upgrade { node, components } = &action {
            for &c in components {
                let counts = &mut self.release_counts[c];
                let old = &self.state.nodes[*node].versions[c];
                if let Some(count) = counts.get_mut(old) {
                    *count -= 1;
                    if *count == 0 {
                        counts.remove(old);
                    }
                }
                *counts.entry(self.cluster.components[c].target.clone()).or_insert(0) += 1;
            }
        }
        if let Action::Move { service, from, to } | Action::Verify { service, from, to } = action {
            self.located[from].retain(|&s| s != service);
            let list = &mut self.located[to];
            let at = list.partition_point(|&s| s < service);
            list.insert(at, service);
        }
        apply_to(self.cluster, &mut self.state, &action);
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
    }

    /// Services located on a node, online or offline (both count against capacity).
    pub fn hosted(&self, node: NodeId) -> usize {
        self.located[node].len()
    }

    /// Online services on a node, in declaration order.
    pub fn online_on(&self, node: NodeId) -> Vec<ServiceId> {
        self.located[node].iter().copied().filter(|&s| self.state.services[s].online).collect()
    }

    /// How many more services a node can take; `usize::MAX` when unlimited.
    pub fn room(&self, node: NodeId) -> usize {
        match self.cluster.nodes[node].capacity {
            Some(capacity) => (capacity as usize).saturating_sub(self.hosted(node)),
            None => usize::MAX,
        }
    }

    /// Whether moving `service` to `to` keeps the no-older-release rule.
    pub fn not_older(&self, service: ServiceId, to: NodeId) -> bool {
        let from = self.state.services[service].node;
        self.cluster.services[service].uses.iter().all(|&c| {
            let component = &self.cluster.components[c];
            component.compare(&self.state.nodes[to].versions[c], &self.state.nodes[from].versions[c]).is_ge()
        })
    }

    /// Whether `node` may take `service` now: an up owner, with room, not older, not where it is.
    pub fn can_host(&self, service: ServiceId, node: NodeId) -> bool {
        self.state.nodes[node].up
            && self.state.services[service].node != node
            && self.cluster.services[service].owners.contains(&node)
            && self.room(node) > 0
            && self.not_older(service, node)
    }

    /// Components of `among` that `node` does not yet run at their target.
    pub fn pending(&self, node: NodeId, among: &[ComponentId]) -> Vec<ComponentId> {
        among.iter().copied().filter(|&c| self.state.nodes[node].versions[c] != self.cluster.components[c].target).collect()
    }
}

/// The state change of one action.
pub(super) fn apply_to(cluster: &Cluster, state: &mut State, action: &Action) {
    match action {
        Action::Move { service, to, .. } | Action::Verify { service, to, .. } => state.services[*service].node = *to,
        Action::Pause { node } => state.nodes[*node].up = false,
        Action::Upgrade { node, components } => {
            for &component in components {
                state.nodes[*node].versions[component].clone_from(&cluster.components[component].target);
            }
        }
        Action::Resume { node } => state.nodes[*node].up = true,
        Action::Offline { service, .. } => state.services[*service].online = false,
        Action::Online { service, .. } => state.services[*service].online = true,
    }
}
