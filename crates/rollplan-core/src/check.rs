//! The independent checker: replays a plan against the description and reports
//! the first rule it breaks.
//!
//! Written apart from the planner on purpose: it shares the data types but none
//! of the planner's reasoning or helpers, so a planner bug is not mirrored
//! here. Every plan the planner emits goes through it in the tests.

use crate::model::{Cluster, Failback, MixedFailover, NodeId, Quorum, ServiceId};
use crate::plan::{Action, Plan};

/// A rule a plan breaks, at a step (1-based; 0 for the end state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub step: usize,
    pub rule: &'static str,
    pub message: String,
}

struct Replay<'c> {
    cluster: &'c Cluster,
    versions: Vec<Vec<String>>,
    paused: Vec<bool>,
    location: Vec<NodeId>,
    online: Vec<bool>,
    /// Per service: whether it has been free of a forbidden mixed failover at
    /// some point. A description may start in that state (validation warns);
    /// the plan is only held to the rule once the service is out of it.
    accountable: Vec<bool>,
}

/// Replays `plan` step by step; `Ok` when every step and the end state keep every rule.
pub fn check(cluster: &Cluster, plan: &Plan) -> Result<(), Violation> {
    let mut replay = Replay {
        cluster,
        versions: cluster.nodes.iter().map(|n| n.versions.clone()).collect(),
        paused: vec![false; cluster.nodes.len()],
        location: cluster.services.iter().map(|s| s.on).collect(),
        online: vec![true; cluster.services.len()],
        accountable: vec![false; cluster.services.len()],
    };
    replay.update_accountable();
    for (index, step) in plan.steps.iter().enumerate() {
        let number = index + 1;
        let fail = |rule: &'static str, message: String| Violation { step: number, rule, message };
        replay.step(&step.action).map_err(|(rule, message)| fail(rule, message))?;
        replay.update_accountable();
        replay.invariants().map_err(|(rule, message)| fail(rule, message))?;
        // The state the plan shows must be the state the step leads to.
        let shown = &step.state_after;
        let matches = shown.nodes.len() == cluster.nodes.len()
            && shown.services.len() == cluster.services.len()
            && shown.nodes.iter().enumerate().all(|(n, s)| s.versions == replay.versions[n] && s.up != replay.paused[n])
            && shown.services.iter().enumerate().all(|(i, s)| s.node == replay.location[i] && s.online == replay.online[i]);
        if !matches {
            return Err(fail("state-after", "the state shown after this step is not the state the step leads to".to_owned()));
        }
    }
    replay.end().map_err(|(rule, message)| Violation { step: 0, rule, message })
}

type Broken = (&'static str, String);

impl Replay<'_> {
    fn node(&self, node: NodeId) -> &str {
        &self.cluster.nodes[node].name
    }

    fn service(&self, service: ServiceId) -> &str {
        &self.cluster.services[service].name
    }

    fn step(&mut self, action: &Action) -> Result<(), Broken> {
        let nodes = self.cluster.nodes.len();
        let services = self.cluster.services.len();
        match *action {
            Action::Move { service, from, to } | Action::Verify { service, from, to } => {
                if service >= services || from >= nodes || to >= nodes {
                    return Err(("reference", "the step names a service or node that does not exist".to_owned()));
                }
                if self.location[service] != from {
                    return Err(("move-from", format!("{} is not on {}", self.service(service), self.node(from))));
                }
                if !self.online[service] {
                    return Err(("move-offline", format!("{} is offline and cannot fail over", self.service(service))));
                }
                if from == to {
                    return Err(("move-nowhere", format!("{} is moved to the node it is on", self.service(service))));
                }
                if self.paused[to] {
                    return Err(("move-to-paused", format!("{} is paused", self.node(to))));
                }
                let definition = &self.cluster.services[service];
                for &c in &definition.uses {
                    let component = &self.cluster.components[c];
                    if component.compare(&self.versions[to][c], &self.versions[from][c]).is_lt() {
                        return Err((
                            "older-release",
                            format!(
                                "{} would move from {} {} {} to older {} {} on {}",
                                definition.name, self.node(from), component.name, self.versions[from][c], component.name, self.versions[to][c], self.node(to)
                            ),
                        ));
                    }
                }
                self.location[service] = to;
            }
            Action::Pause { node } => {
                if node >= nodes || self.paused[node] {
                    return Err(("pause", "the node does not exist or is already paused".to_owned()));
                }
                self.paused[node] = true;
            }
            Action::Upgrade { node, ref components } => {
                if node >= nodes || !self.paused[node] {
                    return Err(("upgrade-running-node", "only a paused node may be upgraded".to_owned()));
                }
                if components.is_empty() {
                    return Err(("upgrade-nothing", format!("the upgrade of {} changes nothing", self.node(node))));
                }
                for &c in components {
                    let Some(component) = self.cluster.components.get(c) else {
                        return Err(("reference", "the step names a component that does not exist".to_owned()));
                    };
                    if self.versions[node][c] == component.target {
                        return Err(("upgrade-nothing", format!("{} already runs {} {}", self.node(node), component.name, component.target)));
                    }
                    let needs_outage = !component.rolling || component.mixed_failover == MixedFailover::Forbid;
                    if needs_outage && let Some(s) = (0..services).find(|&s| self.online[s] && self.cluster.services[s].uses.contains(&c)) {
                        return Err(("non-rolling-online", format!("{} is updated while {} runs", component.name, self.service(s))));
                    }
                    self.versions[node][c].clone_from(&component.target);
                }
            }
            Action::Resume { node } => {
                if node >= nodes || !self.paused[node] {
                    return Err(("resume", "the node does not exist or is not paused".to_owned()));
                }
                self.paused[node] = false;
            }
            Action::Offline { service, node } => {
                if service >= services || self.location[service] != node || !self.online[service] {
                    return Err(("offline", "the service is not online on that node".to_owned()));
                }
                if !self.cluster.policy.allow_outage {
                    return Err(("outage-not-allowed", format!("{} is taken offline, but the policy allows no outage", self.service(service))));
                }
                self.online[service] = false;
            }
            Action::Online { service, node } => {
                if service >= services || self.location[service] != node || self.online[service] {
                    return Err(("online", "the service is not offline on that node".to_owned()));
                }
                for &c in &self.cluster.services[service].uses {
                    let component = &self.cluster.components[c];
                    let needs_outage = !component.rolling || component.mixed_failover == MixedFailover::Forbid;
                    if needs_outage && self.versions.iter().any(|v| v[c] != self.versions[0][c]) {
                        return Err(("non-rolling-online", format!("{} is brought online while nodes run different releases of {}", self.service(service), component.name)));
                    }
                }
                self.online[service] = true;
            }
        }
        Ok(())
    }

    fn invariants(&self) -> Result<(), Broken> {
        let cluster = self.cluster;
        let total = cluster.nodes.len();
        let down = self.paused.iter().filter(|&&p| p).count();
        if down > cluster.policy.max_down as usize {
            return Err(("max-down", format!("{down} nodes are paused, more than max_down {}", cluster.policy.max_down)));
        }
        let up = total - down;
        let quorum = match cluster.policy.quorum {
            Quorum::Majority => up * 2 > total,
            Quorum::Witness => (up + 1) * 2 > total + 1,
            Quorum::Disk => up > 0,
            Quorum::None => true,
        };
        if !quorum {
            return Err(("quorum", format!("{up} of {total} nodes up loses quorum")));
        }
        for (s, definition) in cluster.services.iter().enumerate() {
            let node = self.location[s];
            if !definition.owners.contains(&node) {
                return Err(("owners", format!("{} runs on {}, not one of its owners", definition.name, self.node(node))));
            }
            if self.online[s] && self.paused[node] {
                return Err(("service-on-paused-node", format!("{} runs on paused {}", definition.name, self.node(node))));
            }
        }
        for (n, node) in cluster.nodes.iter().enumerate() {
            let hosted = self.location.iter().filter(|&&l| l == n).count();
            if let Some(capacity) = node.capacity
                && hosted > capacity as usize
            {
                return Err(("capacity", format!("{} hosts {hosted} services, over its capacity {capacity}", node.name)));
            }
        }
        // A running service must never have a failover target on a forbidden other release.
        for s in 0..cluster.services.len() {
            if self.accountable[s]
                && let Some((target, c)) = self.forbidden_failover(s)
            {
                let here = self.location[s];
                return Err((
                    "forbidden-mixed-failover",
                    format!("{} could fail over from {} to {}, which runs another release of {}", self.service(s), self.node(here), self.node(target), cluster.components[c].name),
                ));
            }
        }
        Ok(())
    }

    /// Where an online service would fail over to, if that node runs another release of a component that forbids it.
    fn forbidden_failover(&self, s: ServiceId) -> Option<(NodeId, usize)> {
        if !self.online[s] {
            return None;
        }
        let cluster = self.cluster;
        let definition = &cluster.services[s];
        let here = self.location[s];
        let target = definition.owners.iter().copied().find(|&o| {
            o != here && !self.paused[o] && cluster.nodes[o].capacity.is_none_or(|c| self.location.iter().filter(|&&l| l == o).count() < c as usize)
        })?;
        let c = definition.uses.iter().copied().find(|&c| cluster.components[c].mixed_failover == MixedFailover::Forbid && self.versions[target][c] != self.versions[here][c])?;
        Some((target, c))
    }

    fn update_accountable(&mut self) {
        for s in 0..self.cluster.services.len() {
            if !self.accountable[s] && self.forbidden_failover(s).is_none() {
                self.accountable[s] = true;
            }
        }
    }

    fn end(&self) -> Result<(), Broken> {
        let cluster = self.cluster;
        for (n, node) in cluster.nodes.iter().enumerate() {
            if self.paused[n] {
                return Err(("end-paused", format!("{} is still paused at the end", node.name)));
            }
            for (c, component) in cluster.components.iter().enumerate() {
                if self.versions[n][c] != component.target {
                    return Err(("end-target", format!("{} still runs {} {}, not {}", node.name, component.name, self.versions[n][c], component.target)));
                }
            }
        }
        for (s, definition) in cluster.services.iter().enumerate() {
            if !self.online[s] {
                return Err(("end-offline", format!("{} is still offline at the end", definition.name)));
            }
            if cluster.policy.failback != Failback::None && self.location[s] != definition.on {
                return Err(("end-failback", format!("{} ends on {}, not back on {}", definition.name, self.node(self.location[s]), self.node(definition.on))));
            }
        }
        Ok(())
    }
}
