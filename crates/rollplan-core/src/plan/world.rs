//! The planner's working state: the cluster as it is between steps, and the
//! steps recorded so far.

use super::{Action, Plan, RiskKind, State, Step, Summary, details, whatif};
use crate::model::{Cluster, ComponentId, NodeId, ServiceId};

pub(super) struct World<'c> {
    pub cluster: &'c Cluster,
    pub state: State,
    steps: Vec<Step>,
    /// Nodes in the order their upgrade finished, for failback order.
    pub upgrade_order: Vec<NodeId>,
}

impl<'c> World<'c> {
    pub fn new(cluster: &'c Cluster) -> Self {
        World { cluster, state: State::initial(cluster), steps: Vec::new(), upgrade_order: Vec::new() }
    }

    /// Records a step: its text, the state after it, and what a node failure would do then.
    pub fn apply(&mut self, action: Action) {
        let (title, details) = details::describe(self.cluster, &self.state, &action);
        match &action {
            Action::Move { service, to, .. } | Action::Verify { service, to, .. } => self.state.services[*service].node = *to,
            Action::Pause { node } => self.state.nodes[*node].up = false,
            Action::Upgrade { node, components } => {
                for &component in components {
                    self.state.nodes[*node].versions[component].clone_from(&self.cluster.components[component].target);
                }
                if !self.upgrade_order.contains(node) {
                    self.upgrade_order.push(*node);
                }
            }
            Action::Resume { node } => self.state.nodes[*node].up = true,
            Action::Offline { service, .. } => self.state.services[*service].online = false,
            Action::Online { service, .. } => self.state.services[*service].online = true,
        }
        let risks = whatif::risks(self.cluster, &self.state);
        self.steps.push(Step { action, title, details, risks, state_after: self.state.clone() });
    }

    /// Services located on a node, online or offline (both count against capacity).
    pub fn hosted(&self, node: NodeId) -> usize {
        self.state.services.iter().filter(|s| s.node == node).count()
    }

    /// Online services on a node, in declaration order.
    pub fn online_on(&self, node: NodeId) -> Vec<ServiceId> {
        (0..self.state.services.len()).filter(|&s| self.state.services[s].node == node && self.state.services[s].online).collect()
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

    /// Whether `node` may host `service` now: an up owner, with room, not older.
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

    pub fn finish(self) -> Plan {
        let summary = summarize(self.cluster, &self.steps);
        Plan { steps: self.steps, summary }
    }
}

fn summarize(cluster: &Cluster, steps: &[Step]) -> Summary {
    let mut summary = Summary { steps: steps.len(), ..Summary::default() };
    let mut offline_services = Vec::new();
    let mut before = State::initial(cluster);
    for step in steps {
        if step.action.is_move() {
            summary.moves += 1;
        }
        if let Action::Offline { service, .. } = step.action
            && !offline_services.contains(&service)
        {
            offline_services.push(service);
        }
        let minutes = step.details.minutes.unwrap_or_else(|| {
            summary.estimate_incomplete = true;
            0
        });
        summary.estimated_minutes += minutes;
        let offline = (0..before.services.len()).filter(|&s| !before.services[s].online || !step.state_after.services[s].online).count();
        summary.outage_minutes += minutes * offline as u32;
        if (0..cluster.components.len()).any(|c| step.state_after.nodes.iter().any(|n| n.versions[c] != step.state_after.nodes[0].versions[c])) {
            summary.mixed_version_steps += 1;
        }
        debug_assert!(step.risks.iter().all(|r| r.kind != RiskKind::Outage || !step.state_after.services[r.service].online));
        before.clone_from(&step.state_after);
    }
    summary.services_offline = offline_services.len();
    summary
}
