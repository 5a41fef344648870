//! The independent checker: replays a plan against the description and reports
//! the first rule it breaks.
//!
//! Written apart from the planner on purpose: it shares the data types but none
//! of the planner's reasoning or helpers, so a planner bug is not mirrored
//! here. Every plan the planner emits goes through it in the tests.

use crate::model::{Cluster, Component, ComponentId, Failback, MixedFailover, Node, NodeId, Quorum, Service};
use crate::plan::{Action, Plan, RiskKind, RiskLevel};

/// A rule a plan breaks, at a step (1-based; 0 for the end state).
///
/// The rule `invariant` says that the cluster itself breaks an invariant a
/// valid cluster keeps (a node without a version of a component, a service
/// on a node that does not exist): no plan can be checked against it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub step: usize,
    pub rule: &'static str,
    pub message: String,
}

/// One node as the replay has it.
struct NodeReplay<'c> {
    definition: &'c Node,
    versions: Vec<String>,
    paused: bool,
}

/// One service as the replay has it.
struct ServiceReplay<'c> {
    definition: &'c Service,
    location: NodeId,
    online: bool,
    /// Whether it has been free of a forbidden mixed failover at some point.
    /// A description may start in that state (validation warns); the plan is
    /// only held to the rule once the service is out of it.
    accountable: bool,
}

struct Replay<'c> {
    cluster: &'c Cluster,
    nodes: Vec<NodeReplay<'c>>,
    services: Vec<ServiceReplay<'c>>,
}

/// Replays `plan` step by step; `Ok` when every step and the end state keep every rule.
pub fn check(cluster: &Cluster, plan: &Plan) -> Result<(), Violation> {
    let mut replay = Replay {
        cluster,
        nodes: cluster
            .nodes
            .iter()
            .map(|n| NodeReplay { definition: n, versions: n.versions.clone(), paused: false })
            .collect(),
        services: cluster
            .services
            .iter()
            .map(|s| ServiceReplay { definition: s, location: s.on, online: true, accountable: false })
            .collect(),
    };
    replay.update_accountable().map_err(|(rule, message)| Violation { step: 0, rule, message })?;
    for (index, step) in plan.steps.iter().enumerate() {
        let number = index + 1;
        let fail = |rule: &'static str, message: String| Violation { step: number, rule, message };
        replay.step(&step.action).map_err(|(rule, message)| fail(rule, message))?;
        replay.update_accountable().map_err(|(rule, message)| fail(rule, message))?;
        replay.invariants().map_err(|(rule, message)| fail(rule, message))?;
        // The risks the plan shows after the step must be the risks of the state it leads to.
        let mut shown: Vec<_> =
            plan.risks_after(index).map(|r| (r.service, r.kind, r.level, r.node, r.target)).collect();
        shown.sort_unstable();
        let expected = replay.risks().map_err(|(rule, message)| fail(rule, message))?;
        if shown != expected {
            return Err(fail(
                "risks",
                format!(
                    "the risks shown after this step are {shown:?}, but a node failure then would bring {expected:?}"
                ),
            ));
        }
        if step.risk_count != expected.len() {
            return Err(fail("risks", format!("the step counts {} risks, not {}", step.risk_count, expected.len())));
        }
    }
    replay.end().map_err(|(rule, message)| Violation { step: 0, rule, message })
}

type Broken = (&'static str, String);

/// A risk as the checker compares it: `(service, kind, level, node, target)`.
type RiskKey = (usize, RiskKind, RiskLevel, NodeId, Option<NodeId>);

/// The cluster breaks an invariant of a valid cluster (see [`Violation`]).
fn invariant(what: String) -> Broken {
    ("invariant", format!("the cluster is not a valid cluster: {what}"))
}

impl NodeReplay<'_> {
    fn version(&self, component: ComponentId) -> Result<&str, Broken> {
        self.versions
            .get(component)
            .map(String::as_str)
            .ok_or_else(|| invariant(format!("{} has no version of component #{component}", self.definition.name)))
    }
}

impl<'c> Replay<'c> {
    /// A node's name, for messages (a node that does not exist has a number instead).
    fn node_name(&self, node: NodeId) -> String {
        self.cluster.node(node).map_or_else(|| format!("node #{node}"), |n| n.name.clone())
    }

    fn node(&self, node: NodeId) -> Result<&NodeReplay<'c>, Broken> {
        self.nodes.get(node).ok_or_else(|| invariant(format!("node #{node} does not exist")))
    }

    fn component(&self, component: ComponentId) -> Result<&'c Component, Broken> {
        self.cluster.component(component).ok_or_else(|| invariant(format!("component #{component} does not exist")))
    }

    /// Whether the nodes run different releases of `component`.
    fn runs_mixed(&self, component: ComponentId) -> Result<bool, Broken> {
        let Some((first, others)) = self.nodes.split_first() else { return Ok(false) };
        let release = first.version(component)?;
        for node in others {
            if node.version(component)? != release {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn step(&mut self, action: &Action) -> Result<(), Broken> {
        match *action {
            Action::Move { service, from, to } | Action::Verify { service, from, to } => {
                let (Some(replay), Some(from_node), Some(to_node)) =
                    (self.services.get(service), self.nodes.get(from), self.nodes.get(to))
                else {
                    return Err(("reference", "the step names a service or node that does not exist".to_owned()));
                };
                let definition = replay.definition;
                if replay.location != from {
                    return Err(("move-from", format!("{} is not on {}", definition.name, from_node.definition.name)));
                }
                if !replay.online {
                    return Err(("move-offline", format!("{} is offline and cannot fail over", definition.name)));
                }
                if from == to {
                    return Err(("move-nowhere", format!("{} is moved to the node it is on", definition.name)));
                }
                if to_node.paused {
                    return Err(("move-to-paused", format!("{} is paused", to_node.definition.name)));
                }
                for &c in &definition.uses {
                    let component = self.component(c)?;
                    let (old, new) = (from_node.version(c)?, to_node.version(c)?);
                    if component.compare(new, old).is_lt() {
                        let (from_name, to_name) = (&from_node.definition.name, &to_node.definition.name);
                        return Err((
                            "older-release",
                            format!(
                                "{} would move from {from_name} {} {old} to older {} {new} on {to_name}",
                                definition.name, component.name, component.name
                            ),
                        ));
                    }
                }
                if let Some(replay) = self.services.get_mut(service) {
                    replay.location = to;
                }
            }
            Action::Pause { node } => match self.nodes.get_mut(node) {
                Some(replay) if !replay.paused => replay.paused = true,
                _ => return Err(("pause", "the node does not exist or is already paused".to_owned())),
            },
            Action::Upgrade { node, ref components } => {
                let Some(definition) = self.nodes.get(node).filter(|n| n.paused).map(|n| n.definition) else {
                    return Err(("upgrade-running-node", "only a paused node may be upgraded".to_owned()));
                };
                if components.is_empty() {
                    return Err(("upgrade-nothing", format!("the upgrade of {} changes nothing", definition.name)));
                }
                for &c in components {
                    let Some(component) = self.cluster.component(c) else {
                        return Err(("reference", "the step names a component that does not exist".to_owned()));
                    };
                    if self.node(node)?.version(c)? == component.target {
                        return Err((
                            "upgrade-nothing",
                            format!("{} already runs {} {}", definition.name, component.name, component.target),
                        ));
                    }
                    let needs_outage = !component.rolling || component.mixed_failover == MixedFailover::Forbid;
                    if needs_outage
                        && let Some(s) = self.services.iter().find(|s| s.online && s.definition.uses.contains(&c))
                    {
                        return Err((
                            "non-rolling-online",
                            format!("{} is updated while {} runs", component.name, s.definition.name),
                        ));
                    }
                    if let Some(version) = self.nodes.get_mut(node).and_then(|n| n.versions.get_mut(c)) {
                        version.clone_from(&component.target);
                    }
                }
            }
            Action::Resume { node } => match self.nodes.get_mut(node) {
                Some(replay) if replay.paused => replay.paused = false,
                _ => return Err(("resume", "the node does not exist or is not paused".to_owned())),
            },
            Action::Offline { service, node } => {
                let Some(replay) = self.services.get(service).filter(|s| s.location == node && s.online) else {
                    return Err(("offline", "the service is not online on that node".to_owned()));
                };
                if !self.cluster.policy.allow_outage {
                    return Err((
                        "outage-not-allowed",
                        format!("{} is taken offline, but the policy allows no outage", replay.definition.name),
                    ));
                }
                if let Some(replay) = self.services.get_mut(service) {
                    replay.online = false;
                }
            }
            Action::Online { service, node } => {
                let Some(replay) = self.services.get(service).filter(|s| s.location == node && !s.online) else {
                    return Err(("online", "the service is not offline on that node".to_owned()));
                };
                for &c in &replay.definition.uses {
                    let component = self.component(c)?;
                    let needs_outage = !component.rolling || component.mixed_failover == MixedFailover::Forbid;
                    if needs_outage && self.runs_mixed(c)? {
                        return Err((
                            "non-rolling-online",
                            format!(
                                "{} is brought online while nodes run different releases of {}",
                                replay.definition.name, component.name
                            ),
                        ));
                    }
                }
                if let Some(replay) = self.services.get_mut(service) {
                    replay.online = true;
                }
            }
        }
        Ok(())
    }

    fn invariants(&self) -> Result<(), Broken> {
        let cluster = self.cluster;
        let total = self.nodes.len();
        let down = self.nodes.iter().filter(|n| n.paused).count();
        if down > cluster.policy.max_down as usize {
            return Err((
                "max-down",
                format!("{down} nodes are paused, more than max_down {}", cluster.policy.max_down),
            ));
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
        for service in &self.services {
            let (definition, node) = (service.definition, service.location);
            if !definition.owners.contains(&node) {
                return Err((
                    "owners",
                    format!("{} runs on {}, not one of its owners", definition.name, self.node_name(node)),
                ));
            }
            if service.online && self.node(node)?.paused {
                return Err((
                    "service-on-paused-node",
                    format!("{} runs on paused {}", definition.name, self.node_name(node)),
                ));
            }
        }
        for (n, node) in self.nodes.iter().enumerate() {
            let hosted = self.services.iter().filter(|s| s.location == n).count();
            if let Some(capacity) = node.definition.capacity
                && hosted > capacity as usize
            {
                return Err((
                    "capacity",
                    format!("{} hosts {hosted} services, over its capacity {capacity}", node.definition.name),
                ));
            }
        }
        // A running service must never have a failover target on a forbidden other release.
        for service in &self.services {
            if service.accountable
                && let Some((target, component)) = self.forbidden_failover(service)?
            {
                return Err((
                    "forbidden-mixed-failover",
                    format!(
                        "{} could fail over from {} to {}, which runs another release of {}",
                        service.definition.name,
                        self.node_name(service.location),
                        self.node_name(target),
                        component.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Where `service` would fail over to if its node failed now: the first
    /// other owner that is running and has room.
    fn failover_target(&self, service: &ServiceReplay<'c>) -> Result<Option<NodeId>, Broken> {
        let here = service.location;
        let hosted = |node: NodeId| self.services.iter().filter(|s| s.location == node).count();
        for &owner in &service.definition.owners {
            if owner == here {
                continue;
            }
            let node = self.node(owner)?;
            if !node.paused && node.definition.capacity.is_none_or(|c| hosted(owner) < c as usize) {
                return Ok(Some(owner));
            }
        }
        Ok(None)
    }

    /// Where an online service would fail over to, if that node runs another release of a component that forbids it.
    fn forbidden_failover(&self, service: &ServiceReplay<'c>) -> Result<Option<(NodeId, &'c Component)>, Broken> {
        if !service.online {
            return Ok(None);
        }
        let Some(target) = self.failover_target(service)? else { return Ok(None) };
        let (here_node, target_node) = (self.node(service.location)?, self.node(target)?);
        for &c in &service.definition.uses {
            let component = self.component(c)?;
            if component.mixed_failover == MixedFailover::Forbid && target_node.version(c)? != here_node.version(c)? {
                return Ok(Some((target, component)));
            }
        }
        Ok(None)
    }

    /// What a node failure would do now, service by service: `(service,
    /// kind, level, node, target)`, sorted.
    fn risks(&self) -> Result<Vec<RiskKey>, Broken> {
        let mut risks = Vec::new();
        for (id, service) in self.services.iter().enumerate() {
            let here = service.location;
            if !service.online {
                risks.push((id, RiskKind::Outage, RiskLevel::Info, here, None));
                continue;
            }
            let Some(target) = self.failover_target(service)? else {
                risks.push((id, RiskKind::NoFailoverTarget, RiskLevel::Warning, here, None));
                continue;
            };
            let (here_node, target_node) = (self.node(here)?, self.node(target)?);
            let mut level = None;
            for &c in &service.definition.uses {
                let component = self.component(c)?;
                if component.mixed_failover != MixedFailover::Allow
                    && target_node.version(c)? != here_node.version(c)?
                {
                    let forbidden = component.mixed_failover == MixedFailover::Forbid;
                    level = Some(if forbidden || level == Some(RiskLevel::Error) {
                        RiskLevel::Error
                    } else {
                        RiskLevel::Warning
                    });
                }
            }
            if let Some(level) = level {
                risks.push((id, RiskKind::MixedVersionFailover, level, here, Some(target)));
            }
        }
        Ok(risks)
    }

    /// Marks the services that are now free of a forbidden mixed failover as accountable.
    fn update_accountable(&mut self) -> Result<(), Broken> {
        let accountable = self
            .services
            .iter()
            .map(|s| Ok(s.accountable || self.forbidden_failover(s)?.is_none()))
            .collect::<Result<Vec<bool>, Broken>>()?;
        for (service, accountable) in self.services.iter_mut().zip(accountable) {
            service.accountable = accountable;
        }
        Ok(())
    }

    fn end(&self) -> Result<(), Broken> {
        let cluster = self.cluster;
        for node in &self.nodes {
            let name = &node.definition.name;
            if node.paused {
                return Err(("end-paused", format!("{name} is still paused at the end")));
            }
            for (c, component) in cluster.components.iter().enumerate() {
                let version = node.version(c)?;
                if version != component.target {
                    return Err((
                        "end-target",
                        format!("{name} still runs {} {version}, not {}", component.name, component.target),
                    ));
                }
            }
        }
        for service in &self.services {
            let definition = service.definition;
            if !service.online {
                return Err(("end-offline", format!("{} is still offline at the end", definition.name)));
            }
            if cluster.policy.failback != Failback::None && service.location != definition.on {
                return Err((
                    "end-failback",
                    format!(
                        "{} ends on {}, not back on {}",
                        definition.name,
                        self.node_name(service.location),
                        self.node_name(definition.on)
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MixedFailover, Policy};
    use crate::plan::{Plan, Summary};

    fn pair() -> Cluster {
        let component = Component {
            name: "app".into(),
            title: "App".into(),
            releases: Vec::new(),
            target: "1.0".into(),
            rolling: true,
            mixed_failover: MixedFailover::Forbid,
            reboot: false,
            minutes: None,
        };
        let node = |name: &str| Node { name: name.into(), versions: vec!["1.0".into()], capacity: None };
        Cluster {
            name: "pair".into(),
            components: vec![component],
            nodes: vec![node("A"), node("B")],
            services: vec![Service { name: "S".into(), on: 0, owners: vec![0, 1], uses: vec![0] }],
            policy: Policy { quorum: Quorum::Disk, ..Policy::default() },
        }
    }

    #[test]
    fn a_cluster_breaking_its_invariants_is_a_violation_not_a_panic() {
        let empty = Plan { steps: Vec::new(), risks: Vec::new(), summary: Summary::default() };
        assert_eq!(check(&pair(), &empty), Ok(()));
        let breakages: [fn(&mut Cluster); 3] =
            [|c| c.services[0].on = 7, |c| c.services[0].uses.push(3), |c| c.nodes[1].versions.clear()];
        for breakage in breakages {
            let mut cluster = pair();
            breakage(&mut cluster);
            let violation = check(&cluster, &empty).unwrap_err();
            assert_eq!((violation.step, violation.rule), (0, "invariant"), "{violation:?}");
        }
    }
}
