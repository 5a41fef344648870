//! The independent checker: replays a plan against the description and reports
//! the first rule it breaks.
//!
//! Written apart from the planner on purpose: it shares the data types but none
//! of the planner's reasoning or helpers, so a planner bug is not mirrored
//! here. Every plan the planner emits goes through it in the tests.

// Every id a step names is looked up with `get` first (a plan is checked,
// not trusted); the tables are then indexed by ids known to be in range.
#![allow(clippy::indexing_slicing)]

mod waves;

use crate::model::{
    Cluster, Component, ComponentId, Failback, IdVec, MixedFailover, Node, NodeId, Quorum, ReleasePath, ReplicatedId,
    Service, ServiceId, SkewLevel,
};
use crate::plan::{Action, Hop, Move, Plan, RiskKind, RiskLevel};
use crate::{replicas, skew};

/// A rule a plan breaks, at a step (1-based; 0 for the end state).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub step: usize,
    pub rule: &'static str,
    pub message: String,
}

/// One node as the replay has it.
struct NodeReplay<'c> {
    definition: &'c Node,
    /// `None` for a component the node does not run.
    versions: Vec<Option<String>>,
    paused: bool,
    /// Services on it, online or not.
    hosted: usize,
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

/// The cluster as the checker replays it (named apart from the planner's
/// `plan::Replay`, which it must not use).
struct CheckedCluster<'c> {
    cluster: &'c Cluster,
    nodes: IdVec<NodeId, NodeReplay<'c>>,
    services: IdVec<ServiceId, ServiceReplay<'c>>,
    /// Per component: whether the plan upgraded it on some node, and whether it was finalized.
    upgraded: Vec<bool>,
    finalized: Vec<bool>,
}

/// Replays `plan` step by step; `Ok` when every step and the end state keep every rule.
pub fn check(cluster: &Cluster, plan: &Plan) -> Result<(), Violation> {
    let mut replay = CheckedCluster {
        cluster,
        nodes: cluster.nodes().map(|n| NodeReplay {
            definition: n,
            versions: n.versions.clone(),
            paused: false,
            hosted: 0,
        }),
        services: cluster.services().map(|s| ServiceReplay {
            definition: s,
            location: s.on,
            online: true,
            accountable: false,
        }),
        upgraded: vec![false; cluster.components().len()],
        finalized: vec![false; cluster.components().len()],
    };
    for service in cluster.services() {
        replay.nodes[service.on].hosted += 1;
    }
    replay.update_accountable(replay.open_nodes());
    // Each skew rule's widest gaps, found again whenever releases change.
    let mut gaps: Vec<Vec<skew::Gap>> = Vec::new();
    let mut skew_steps = 0;
    // After each step: every node up and every service online (where a maintenance window may end).
    let mut safe_after: Vec<bool> = Vec::with_capacity(plan.steps.len());
    for (index, step) in plan.steps.iter().enumerate() {
        let number = index + 1;
        let fail = |rule: &'static str, message: String| Violation { step: number, rule, message };
        replay.step(&step.action).map_err(|(rule, message)| fail(rule, message))?;
        // Irreversible: the upgrade of a component that is not `reversible`, and a finalize.
        let irreversible = match &step.action {
            Action::Upgrade { components, .. } => {
                components.iter().any(|hop| cluster.components().get(hop.component).is_some_and(|c| !c.reversible))
            }
            Action::Finalize { .. } => true,
            _ => false,
        };
        if step.details.reversible == irreversible {
            return Err(fail(
                "reversible",
                format!("the step says it can{} be undone in place", if step.details.reversible { "" } else { "not" }),
            ));
        }
        // Where services would fail over to, found once for the state the step leads to.
        let open = replay.open_nodes();
        replay.update_accountable(open);
        // Only an upgrade changes releases: each rule's gaps are found again after one (and the first step).
        if index == 0 || matches!(step.action, Action::Upgrade { .. }) {
            gaps = replay.skew_gaps();
        }
        replay.invariants(open, &gaps).map_err(|(rule, message)| fail(rule, message))?;
        safe_after
            .push(replay.nodes.iter().all(|node| !node.paused) && replay.services.iter().all(|service| service.online));
        // The skew rules the plan says are at their limit after the step must be exactly those that are.
        let rules = cluster.skew_rules();
        let mut shown: Vec<(usize, &str)> =
            plan.at_limit_after(index).map(|span| (span.rule, span.message.as_str())).collect();
        shown.sort_unstable();
        let expected: Vec<(usize, String)> = rules
            .iter()
            .zip(&gaps)
            .enumerate()
            .filter_map(|(index, (rule, gaps))| Some((index, skew::at_limit(cluster, rule, gaps)?)))
            .collect();
        if !shown.iter().copied().eq(expected.iter().map(|(rule, text)| (*rule, text.as_str()))) {
            return Err(fail(
                "at-limit",
                format!("the plan says these skew rules are at their limit: {shown:?}, but they are {expected:?}"),
            ));
        }
        if rules
            .iter()
            .zip(&gaps)
            .any(|(rule, gaps)| rule.level == SkewLevel::Warn && gaps.iter().any(skew::Gap::breaks))
        {
            skew_steps += 1;
        }
        // Past the step the plan says its what-if analysis stopped at, it shows no risks.
        if plan.summary.risks_through_step.is_some_and(|through| index >= through) {
            if step.risk_count != 0 || plan.risks_after(index).next().is_some() {
                return Err(fail(
                    "risks",
                    "the plan shows risks after the step its summary says they stop at".to_owned(),
                ));
            }
            continue;
        }
        // The risks the plan shows after the step must be the risks of the state it leads to.
        let mut shown: Vec<RiskKey> = plan
            .risks_after(index)
            .map(|r| (r.kind, r.level, r.target, r.node(), r.services().to_vec(), r.count(), r.rule(), r.replicated()))
            .collect();
        shown.sort_unstable();
        let expected = replay.risks(open, &gaps);
        let expected_count: usize = expected.iter().map(|key| key.5).sum();
        if shown != expected {
            return Err(fail(
                "risks",
                format!(
                    "the risks shown after this step are {shown:?}, but a node failure then would bring {expected:?}"
                ),
            ));
        }
        if step.risk_count != expected_count {
            return Err(fail("risks", format!("the step counts {} risks, not {expected_count}", step.risk_count)));
        }
    }
    if plan.summary.skew_steps != skew_steps {
        return Err(Violation {
            step: 0,
            rule: "skew-steps",
            message: format!(
                "the summary counts {} steps with a broken `warn` skew rule, but there are {skew_steps}",
                plan.summary.skew_steps
            ),
        });
    }
    replay.end().map_err(|(rule, message)| Violation { step: 0, rule, message })?;
    // Last: a plan that breaks a rule of its states is told that first.
    waves::check(cluster, plan)?;
    waves::windows(cluster, plan, &safe_after)
}

type Broken = (&'static str, String);

/// A risk as the checker compares it: `(kind, level, target, node, services,
/// count, rule, replicated)`, the node and services for services on one node
/// (else `None` and none), the count always, the skew rule for a
/// `version-skew` risk, the replicated service for one of its risks.
type RiskKey =
    (RiskKind, RiskLevel, Option<NodeId>, Option<NodeId>, Vec<ServiceId>, usize, Option<usize>, Option<ReplicatedId>);

impl NodeReplay<'_> {
    /// `None` where the node does not run the component.
    fn version(&self, component: ComponentId) -> Option<&str> {
        self.versions.get(component.index()).and_then(Option::as_deref)
    }
}

fn reference() -> Broken {
    ("reference", "the step names a service, node or component that the cluster does not have".to_owned())
}

/// Whether `hop` may be the component's next step on a node, by the
/// component's path, worked out here from its releases (not from the
/// model's own list of hops): forward, not past the target, and skipping
/// no release the path stops at; `Err` says why not.
fn legal_hop(component: &Component, hop: &Hop) -> Result<(), &'static str> {
    // Different text is another release even where the two order alike
    // (`5.2.3790-4455` and `5.2.3790.4455`): only going back is refused.
    if hop.to == hop.from || component.compare(&hop.to, &hop.from).is_lt() {
        return Err("does not go forward");
    }
    if component.compare(&hop.to, &component.target).is_gt() {
        return Err("goes past the target");
    }
    let at = |release: &str| component.releases.iter().position(|r| r == release);
    match &component.path {
        ReleasePath::Direct if hop.to != component.target => {
            Err("stops short of the target, which its path does not ask for")
        }
        ReleasePath::Direct => Ok(()),
        ReleasePath::Sequential => match (at(&hop.from), at(&hop.to)) {
            (Some(from), Some(to)) if to == from + 1 => Ok(()),
            _ => Err("skips a release, and its path is sequential"),
        },
        ReleasePath::Stops(stops) => {
            let (Some(from), Some(to)) = (at(&hop.from), at(&hop.to)) else {
                return Err("is not between its releases");
            };
            let skipped = stops.iter().filter_map(|stop| at(stop)).any(|stop| from < stop && stop < to);
            let lands = hop.to == component.target || stops.contains(&hop.to);
            if skipped {
                Err("skips a stop of its path")
            } else if !lands {
                Err("stops at a release its path does not name")
            } else {
                Ok(())
            }
        }
    }
}

impl<'c> CheckedCluster<'c> {
    fn node_name(&self, node: NodeId) -> &'c str {
        &self.cluster.node(node).name
    }

    /// Whether the nodes that run `component` run different releases of it.
    fn runs_mixed(&self, component: ComponentId) -> bool {
        let mut releases = self.nodes.iter().filter_map(|n| n.version(component));
        let first = releases.next();
        releases.any(|release| Some(release) != first)
    }

    /// One service's planned failover: the rules of a move.
    fn relocate(&mut self, step: Move) -> Result<(), Broken> {
        let Move { service, from, to } = step;
        let (Some(replay), Some(from_node), Some(to_node)) =
            (self.services.get(service), self.nodes.get(from), self.nodes.get(to))
        else {
            return Err(reference());
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
        if !definition.owners.contains(to) {
            return Err((
                "owners",
                format!("{} is moved to {}, not one of its owners", definition.name, to_node.definition.name),
            ));
        }
        for &c in &definition.uses {
            let component = self.cluster.component(c);
            let (Some(old), Some(new)) = (from_node.version(c), to_node.version(c)) else {
                return Err((
                    "component-not-run",
                    format!(
                        "{} uses {}, which {} or {} does not run",
                        definition.name, component.name, from_node.definition.name, to_node.definition.name
                    ),
                ));
            };
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
        if let Some(capacity) = to_node.definition.capacity
            && to_node.hosted >= capacity as usize
        {
            return Err((
                "capacity",
                format!(
                    "{} moves to {}, which already hosts {capacity} services, its capacity",
                    definition.name, to_node.definition.name
                ),
            ));
        }
        self.services[service].location = to;
        self.nodes[from].hosted -= 1;
        self.nodes[to].hosted += 1;
        Ok(())
    }

    fn step(&mut self, action: &Action) -> Result<(), Broken> {
        if self.finalized.iter().any(|&finalized| finalized) && !matches!(action, Action::Finalize { .. }) {
            return Err(("after-finalize", "a step follows a point of no return, which comes last".to_owned()));
        }
        // `policy.order`: a node starts (is paused for its upgrade) only once
        // every node of an earlier role runs every target. Ranks worked out
        // here, from the roles, rather than taken from the cluster's own.
        let order = &self.cluster.policy().order;
        if !order.is_empty()
            && let Action::Pause { node } = action
            && let Some(starting) = self.nodes.get(*node)
        {
            let rank = |node: &Node| {
                order.iter().position(|role| Some(role.as_str()) == node.role.as_deref()).unwrap_or(order.len())
            };
            let starts = rank(starting.definition);
            let components = self.cluster.components();
            if let Some(early) = self.nodes.iter().find(|n| {
                rank(n.definition) < starts
                    && components.iter_ids().any(|(c, component)| n.version(c).is_some_and(|v| v != component.target))
            }) {
                return Err((
                    "order",
                    format!(
                        "{} starts before {}, of an earlier role in `policy.order`, is upgraded",
                        starting.definition.name, early.definition.name
                    ),
                ));
            }
        }
        match action {
            Action::Move { service, from, to } | Action::Verify { service, from, to } => {
                self.relocate(Move { service: *service, from: *from, to: *to })?;
            }
            Action::Drain { node, moves } => {
                if moves.is_empty() {
                    return Err(("drain-nothing", "the drain moves no service".to_owned()));
                }
                for &step in moves {
                    if step.to == *node {
                        return Err(("drain-onto-node", "a drain moves a service onto the node it drains".to_owned()));
                    }
                    self.relocate(step)?;
                }
            }
            Action::Failback { node, moves, verify } => {
                if *verify != (self.cluster.policy().failback == Failback::Verify) || moves.is_empty() {
                    return Err(("failback", "the failback step does not match the policy".to_owned()));
                }
                for &step in moves {
                    let home = self.services.get(step.service).map(|s| s.definition.on);
                    if step.to != *node || home != Some(*node) {
                        return Err((
                            "failback",
                            "a failback moves a service somewhere other than its home".to_owned(),
                        ));
                    }
                    self.relocate(step)?;
                }
            }
            Action::Pause { node } => match self.nodes.get_mut(*node) {
                Some(replay) if !replay.paused => replay.paused = true,
                _ => return Err(("pause", "the node does not exist or is already paused".to_owned())),
            },
            Action::Upgrade { node, components } => {
                let Some(definition) = self.nodes.get(*node).filter(|n| n.paused).map(|n| n.definition) else {
                    return Err(("upgrade-running-node", "only a paused node may be upgraded".to_owned()));
                };
                if components.is_empty() {
                    return Err(("upgrade-nothing", format!("the upgrade of {} changes nothing", definition.name)));
                }
                let mut seen: Vec<ComponentId> = Vec::new();
                for hop in components {
                    let c = hop.component;
                    let Some(component) = self.cluster.components().get(c) else { return Err(reference()) };
                    if seen.contains(&c) {
                        return Err((
                            "hop",
                            format!(
                                "one step upgrades {} on {} twice: each hop is a step of its own",
                                component.name, definition.name
                            ),
                        ));
                    }
                    seen.push(c);
                    if self.finalized[c.index()] {
                        return Err((
                            "after-finalize",
                            format!("{} is upgraded on {} after it was finalized", component.name, definition.name),
                        ));
                    }
                    self.upgraded[c.index()] = true;
                    let Some(current) = self.nodes[*node].version(c) else {
                        return Err((
                            "component-not-run",
                            format!("{} does not run {}", definition.name, component.name),
                        ));
                    };
                    if current == component.target {
                        return Err((
                            "upgrade-nothing",
                            format!("{} already runs {} {}", definition.name, component.name, component.target),
                        ));
                    }
                    if hop.from != current {
                        return Err((
                            "hop",
                            format!(
                                "the step upgrades {} on {} from {}, but it runs {current}",
                                component.name, definition.name, hop.from
                            ),
                        ));
                    }
                    legal_hop(component, hop).map_err(|why| {
                        ("path", format!("{} on {}: {} → {} {why}", component.name, definition.name, hop.from, hop.to))
                    })?;
                    if component.needs_outage()
                        && let Some(s) = self.services.iter().find(|s| s.online && s.definition.uses.contains(&c))
                    {
                        return Err((
                            "non-rolling-online",
                            format!("{} is updated while {} runs", component.name, s.definition.name),
                        ));
                    }
                    if let Some(version) = self.nodes[*node].versions.get_mut(c.index()) {
                        *version = Some(hop.to.clone());
                    }
                }
            }
            Action::Resume { node } => match self.nodes.get_mut(*node) {
                Some(replay) if replay.paused => replay.paused = false,
                _ => return Err(("resume", "the node does not exist or is not paused".to_owned())),
            },
            Action::Offline { service, node } => {
                let Some(replay) = self.services.get(*service).filter(|s| s.location == *node && s.online) else {
                    return Err(("offline", "the service is not online on that node".to_owned()));
                };
                if !self.cluster.policy().allow_outage {
                    return Err((
                        "outage-not-allowed",
                        format!("{} is taken offline, but the policy allows no outage", replay.definition.name),
                    ));
                }
                self.services[*service].online = false;
            }
            Action::Online { service, node } => {
                let Some(replay) = self.services.get(*service).filter(|s| s.location == *node && !s.online) else {
                    return Err(("online", "the service is not offline on that node".to_owned()));
                };
                for &c in &replay.definition.uses {
                    let component = self.cluster.component(c);
                    if component.needs_outage() && self.runs_mixed(c) {
                        return Err((
                            "non-rolling-online",
                            format!(
                                "{} is brought online while nodes run different releases of {}",
                                replay.definition.name, component.name
                            ),
                        ));
                    }
                }
                self.services[*service].online = true;
            }
            Action::Finalize { component: c } => {
                let Some(component) = self.cluster.components().get(*c) else { return Err(reference()) };
                if component.finalize.is_none() {
                    return Err(("finalize", format!("{} has no finalize step to take", component.name)));
                }
                if self.finalized[c.index()] {
                    return Err(("finalize", format!("the finalize step of {} is taken twice", component.name)));
                }
                if !self.upgraded[c.index()] {
                    return Err((
                        "finalize",
                        format!("{} is finalized, but the plan upgrades it nowhere", component.name),
                    ));
                }
                if let Some((node, version)) =
                    self.nodes.iter().find_map(|n| n.version(*c).filter(|v| *v != component.target).map(|v| (n, v)))
                {
                    return Err((
                        "finalize-mixed",
                        format!(
                            "{} is finalized while {} runs {version}, not {}",
                            component.name, node.definition.name, component.target
                        ),
                    ));
                }
                if let Some(node) = self.nodes.iter().find(|n| n.paused) {
                    return Err((
                        "finalize-node-down",
                        format!("{} is finalized while {} is paused", component.name, node.definition.name),
                    ));
                }
                self.finalized[c.index()] = true;
            }
        }
        Ok(())
    }

    /// `gaps`: each skew rule's widest gaps in the current state ([`CheckedCluster::skew_gaps`]).
    fn invariants(&self, open: [Option<NodeId>; 2], gaps: &[Vec<skew::Gap>]) -> Result<(), Broken> {
        let cluster = self.cluster;
        let down = self.nodes.iter().filter(|n| n.paused).count();
        let policy = cluster.policy();
        if down > policy.max_down as usize {
            return Err(("max-down", format!("{down} nodes are paused, more than max_down {}", policy.max_down)));
        }
        // Quorum counts the voting nodes only (`policy.quorum_role`): the checker's own count.
        let voting = |node: &&NodeReplay| {
            policy.quorum_role.as_ref().is_none_or(|role| node.definition.role.as_ref() == Some(role))
        };
        let total = self.nodes.iter().filter(voting).count();
        let up = total - self.nodes.iter().filter(voting).filter(|n| n.paused).count();
        let quorum = match policy.quorum {
            Quorum::Majority => up * 2 > total,
            Quorum::Witness => (up + 1) * 2 > total + 1,
            Quorum::Disk => up > 0,
            Quorum::None => true,
        };
        if !quorum {
            return Err(("quorum", format!("{up} of {total} voting nodes up loses quorum")));
        }
        // Skew rules of level `error` hold in every state (validation refuses a start that breaks one).
        for (index, (rule, gaps)) in cluster.skew_rules().iter().zip(gaps).enumerate() {
            if rule.level == SkewLevel::Error
                && let Some(gap) = gaps.iter().find(|gap| gap.breaks())
            {
                return Err((
                    "skew",
                    format!(
                        "skew rule {} (skew[{index}]) is broken: {}",
                        skew::describe_rule(cluster, rule),
                        gap.describe(cluster, rule)
                    ),
                ));
            }
        }
        // Every replicated service keeps its minimum of copies up.
        for (id, definition) in cluster.replicated().iter_ids() {
            let up = replicas::copies_up(cluster, id, |node| !self.nodes[node].paused);
            if up < definition.min_available {
                return Err((
                    "min-available",
                    format!(
                        "{} has {up} copies up, fewer than its min_available {}",
                        definition.name, definition.min_available
                    ),
                ));
            }
        }
        for service in &self.services {
            let (definition, node) = (service.definition, service.location);
            if service.online && self.nodes[node].paused {
                return Err((
                    "service-on-paused-node",
                    format!("{} runs on paused {}", definition.name, self.node_name(node)),
                ));
            }
        }
        // A running service must never have a failover target on a forbidden other release.
        for service in &self.services {
            if service.accountable
                && let Some((target, component)) = self.forbidden_failover(service, open)
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

    /// Whether `node` could take a failed-over service now: running, with room.
    fn is_open(&self, node: NodeId) -> bool {
        let replay = &self.nodes[node];
        !replay.paused && replay.definition.capacity.is_none_or(|c| replay.hosted < c as usize)
    }

    /// The first two open nodes in declaration order: where a service whose
    /// owners are left out (every node) fails over to is the first of them
    /// that is not its own node. Found once per state rather than per
    /// service, so that a state's risks cost nodes + services, not their product.
    fn open_nodes(&self) -> [Option<NodeId>; 2] {
        let mut open = self.cluster.node_ids().filter(|&node| self.is_open(node));
        [open.next(), open.next()]
    }

    /// Where `service` would fail over to if its node failed now: the first
    /// other owner that is running and has room (`open`: [`Self::open_nodes`]).
    fn failover_target(&self, service: &ServiceReplay<'c>, open: [Option<NodeId>; 2]) -> Option<NodeId> {
        let here = service.location;
        match service.definition.owners.as_listed() {
            Some(list) => list.iter().copied().find(|&owner| owner != here && self.is_open(owner)),
            None => open.into_iter().flatten().find(|&node| node != here),
        }
    }

    /// Where an online service would fail over to, if that node runs another release of a component that forbids it.
    fn forbidden_failover(
        &self,
        service: &ServiceReplay<'c>,
        open: [Option<NodeId>; 2],
    ) -> Option<(NodeId, &'c Component)> {
        if !service.online {
            return None;
        }
        let target = self.failover_target(service, open)?;
        let (here_node, target_node) = (&self.nodes[service.location], &self.nodes[target]);
        service.definition.uses.iter().find_map(|&c| {
            let component = self.cluster.component(c);
            (component.mixed_failover == MixedFailover::Forbid && target_node.version(c) != here_node.version(c))
                .then_some((target, component))
        })
    }

    /// What a node failure would do now, sorted. A service with listed
    /// owners, or one offline, has its own risk. The online services whose
    /// owners are left out are grouped by how they would fare (kind, level,
    /// target and the releases that differ): a group on one node is a risk
    /// per service, a group on several nodes one risk that counts them.
    fn risks(&self, open: [Option<NodeId>; 2], gaps: &[Vec<skew::Gap>]) -> Vec<RiskKey> {
        type Fate<'r> = (RiskKind, RiskLevel, Option<NodeId>, Vec<(ComponentId, Option<&'r str>, Option<&'r str>)>);
        let mut risks = Vec::new();
        let mut groups: std::collections::BTreeMap<Fate, Vec<(NodeId, ServiceId)>> = std::collections::BTreeMap::new();
        for (id, service) in self.services.iter_ids() {
            let here = service.location;
            let fate = if !service.online {
                (RiskKind::Outage, RiskLevel::Info, None, Vec::new())
            } else if let Some(target) = self.failover_target(service, open) {
                let (here_node, target_node) = (&self.nodes[here], &self.nodes[target]);
                let mut level = None;
                let mut differing = Vec::new();
                for &c in &service.definition.uses {
                    let component = self.cluster.component(c);
                    if component.mixed_failover != MixedFailover::Allow
                        && target_node.version(c) != here_node.version(c)
                    {
                        let forbidden = component.mixed_failover == MixedFailover::Forbid;
                        level = Some(if forbidden || level == Some(RiskLevel::Error) {
                            RiskLevel::Error
                        } else {
                            RiskLevel::Warning
                        });
                        differing.push((c, here_node.version(c), target_node.version(c)));
                    }
                }
                let Some(level) = level else { continue };
                (RiskKind::MixedVersionFailover, level, Some(target), differing)
            } else {
                (RiskKind::NoFailoverTarget, RiskLevel::Warning, None, Vec::new())
            };
            if service.online && service.definition.owners.is_any() {
                groups.entry(fate).or_default().push((here, id));
            } else {
                risks.push((fate.0, fate.1, fate.2, Some(here), vec![id], 1, None, None));
            }
        }
        for ((kind, level, target, _), members) in groups {
            let node = members.first().map(|&(node, _)| node).filter(|&n| members.iter().all(|&(m, _)| m == n));
            match node {
                Some(node) => {
                    risks.extend(
                        members.iter().map(|&(_, s)| (kind, level, target, Some(node), vec![s], 1, None, None)),
                    );
                }
                None => risks.push((kind, level, target, None, Vec::new(), members.len(), None, None)),
            }
        }
        // A skew rule of level `warn` that the state breaks is a risk of its own.
        let cluster = self.cluster;
        for (index, (rule, gaps)) in cluster.skew_rules().iter().zip(gaps).enumerate() {
            if rule.level == SkewLevel::Warn && gaps.iter().any(skew::Gap::breaks) {
                risks.push((RiskKind::VersionSkew, RiskLevel::Warning, None, None, Vec::new(), 0, Some(index), None));
            }
        }
        // A replicated service at its minimum, on its last copy, or with
        // copies on different releases, by the replica rules.
        for id in cluster.replicated().ids() {
            let exposure =
                replicas::exposure(cluster, id, |node| !self.nodes[node].paused, |node, c| self.nodes[node].version(c));
            let (kind, node) = match exposure {
                None => continue,
                Some(replicas::Exposure::LastCopy(node)) => (RiskKind::BelowMinimum, Some(node)),
                Some(replicas::Exposure::AtMinimum) => (RiskKind::AtMinimum, None),
                Some(replicas::Exposure::MixedReleases(_)) => (RiskKind::MixedVersionFailover, None),
            };
            risks.push((kind, RiskLevel::Warning, None, node, Vec::new(), 1, None, Some(id)));
        }
        risks.sort_unstable();
        risks
    }

    /// Each skew rule's widest gaps in the current state.
    fn skew_gaps(&self) -> Vec<Vec<skew::Gap>> {
        let cluster = self.cluster;
        cluster
            .skew_rules()
            .iter()
            .map(|rule| skew::gaps(cluster, rule, |node, c| self.nodes[node].version(c)))
            .collect()
    }

    /// Marks the services that are now free of a forbidden mixed failover as accountable.
    fn update_accountable(&mut self, open: [Option<NodeId>; 2]) {
        let accountable: Vec<bool> =
            self.services.iter().map(|s| s.accountable || self.forbidden_failover(s, open).is_none()).collect();
        for (id, accountable) in self.services.ids().zip(accountable) {
            self.services[id].accountable = accountable;
        }
    }

    fn end(&self) -> Result<(), Broken> {
        let cluster = self.cluster;
        for (c, component) in cluster.components().iter_ids() {
            if component.finalize.is_some() && self.upgraded[c.index()] && !self.finalized[c.index()] {
                return Err((
                    "finalize-missing",
                    format!("{} was upgraded, but the plan never takes its finalize step", component.name),
                ));
            }
        }
        for node in &self.nodes {
            let name = &node.definition.name;
            if node.paused {
                return Err(("end-paused", format!("{name} is still paused at the end")));
            }
            for (c, component) in cluster.components().iter_ids() {
                let Some(version) = node.version(c) else { continue };
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
            if cluster.policy().failback != Failback::None && service.location != definition.on {
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
    use crate::model::{Policy, ReleasePath, ServiceParts};
    use crate::plan::{Plan, Step, Summary};

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
            reversible: true,
            finalize: None,
            path: ReleasePath::Direct,
        };
        let node =
            |name: &str| Node { name: name.into(), versions: vec![Some("1.0".into())], capacity: Some(1), role: None };
        Cluster::new(
            "pair".into(),
            vec![component],
            vec![node("A"), node("B")],
            vec![ServiceParts { name: "S".into(), on: 0, owners: None, uses: vec![0] }],
            Policy { quorum: Quorum::Disk, ..Policy::default() },
        )
        .unwrap()
    }

    #[test]
    fn a_step_naming_what_the_cluster_lacks_is_a_violation_not_a_panic() {
        let empty = Plan {
            steps: Vec::new(),
            risks: Vec::new(),
            at_limit: Vec::new(),
            summary: Summary::default(),
            windows: Vec::new(),
        };
        assert_eq!(check(&pair(), &empty), Ok(()));
        // Ids of a larger cluster, in a plan checked against a smaller one.
        let (name, components, mut nodes, services, policy) = pair().to_parts();
        nodes.push(nodes[0].clone());
        let larger = Cluster::new(name, components, nodes, services, policy).unwrap();
        let foreign = larger.node_ids().last().unwrap();
        let service = larger.service_ids().next().unwrap();
        let step = |action| Step {
            action,
            wave: 1,
            title: String::new(),
            details: crate::plan::Details {
                before: String::new(),
                after: String::new(),
                interruption: String::new(),
                minutes: None,
                rollback: String::new(),
                reversible: true,
            },
            risk_count: 0,
        };
        let from = larger.node_ids().next().unwrap();
        let plan = Plan {
            steps: vec![step(Action::Move { service, from, to: foreign })],
            risks: Vec::new(),
            at_limit: Vec::new(),
            summary: Summary::default(),
            windows: Vec::new(),
        };
        assert_eq!(check(&pair(), &plan).unwrap_err().rule, "reference");
        let plan = Plan { steps: vec![step(Action::Pause { node: foreign })], ..plan };
        assert_eq!(check(&pair(), &plan).unwrap_err().rule, "pause");
    }
}
