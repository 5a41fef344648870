//! The planner: from a valid [`Cluster`] to the upgrade sequence a careful
//! administrator would write, with what would happen if a node failed at each
//! step.
//!
//! The plan is built in phases, each a module:
//! 1. [`rolling`]: upgrade the rolling components node by node, passive nodes
//!    first, draining each node onto already-upgraded nodes;
//! 2. [`failback`]: return services to their starting nodes (policy);
//! 3. [`window`]: one planned-outage window for the components that cannot be
//!    upgraded while their services run (`rolling: false`, or failover across
//!    releases forbidden).
//!
//! Every step goes through [`world::record`], which records the state
//! after it and its [`whatif`] risks. The planner trusts none of this: the
//! independent [`crate::check`] module replays plans in tests.

mod details;
mod failback;
mod rolling;
mod sim;
mod whatif;
mod window;
mod world;

use serde::Serialize;

use crate::model::{Cluster, ComponentId, NodeId, ServiceId};

/// Bumped whenever the planner may produce a different plan for the same description.
pub const PLANNER_VERSION: &str = "1";

/// What one step does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "action")]
pub enum Action {
    /// A planned failover of a service to another node.
    Move { service: ServiceId, from: NodeId, to: NodeId },
    /// Take a node out of service; it hosts no running services.
    Pause { node: NodeId },
    /// Apply component updates to a paused node (with its reboot).
    Upgrade { node: NodeId, components: Vec<ComponentId> },
    /// Bring a paused node back into service.
    Resume { node: NodeId },
    /// Take a service offline for a planned outage.
    Offline { service: ServiceId, node: NodeId },
    /// Bring a service back online after a planned outage.
    Online { service: ServiceId, node: NodeId },
    /// A planned failover back to an upgraded node that proves it works.
    Verify { service: ServiceId, from: NodeId, to: NodeId },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Move { .. } => "move",
            Action::Pause { .. } => "pause",
            Action::Upgrade { .. } => "upgrade",
            Action::Resume { .. } => "resume",
            Action::Offline { .. } => "offline",
            Action::Online { .. } => "online",
            Action::Verify { .. } => "verify",
        }
    }

    /// Whether the step relocates a service (moves and verifications).
    pub fn is_move(&self) -> bool {
        matches!(self, Action::Move { .. } | Action::Verify { .. })
    }
}

/// What could go wrong if a node failed after this step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskKind {
    /// The service would fail over to a node running a different release of a component it uses.
    MixedVersionFailover,
    /// The service has nowhere to fail over to.
    NoFailoverTarget,
    /// The service is offline in a planned outage.
    Outage,
}

impl RiskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::MixedVersionFailover => "mixed-version-failover",
            RiskKind::NoFailoverTarget => "no-failover-target",
            RiskKind::Outage => "outage",
        }
    }
}

/// How serious a risk is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// A rule the plan must not break (`mixed_failover: forbid`); never in an emitted plan.
    Error,
    Warning,
    /// Expected and accepted (a planned outage).
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub kind: RiskKind,
    pub level: RiskLevel,
    pub service: ServiceId,
    /// The node the service runs on (or sits on, offline).
    pub node: NodeId,
    /// Where it would fail over to, if anywhere.
    pub target: Option<NodeId>,
    /// One line for a person: "If NODE1 fails now, EVS1 fails over to NODE2, which ...".
    pub message: String,
}

/// One node's state after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeState {
    /// Release of each component, indexed like [`Cluster::components`].
    pub versions: Vec<String>,
    /// False while paused (or being upgraded).
    pub up: bool,
}

/// One service's state after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceState {
    pub node: NodeId,
    pub online: bool,
}

/// The whole cluster's state between steps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct State {
    pub nodes: Vec<NodeState>,
    pub services: Vec<ServiceState>,
}

impl State {
    /// The cluster as the description says it is now.
    pub fn initial(cluster: &Cluster) -> State {
        State {
            nodes: cluster.nodes.iter().map(|n| NodeState { versions: n.versions.clone(), up: true }).collect(),
            services: cluster.services.iter().map(|s| ServiceState { node: s.on, online: true }).collect(),
        }
    }

    /// The state of node `id`; `None` only for an index from another cluster.
    pub fn node(&self, id: NodeId) -> Option<&NodeState> {
        self.nodes.get(id)
    }

    /// The state of service `id`; `None` only for an index from another cluster.
    pub fn service(&self, id: ServiceId) -> Option<&ServiceState> {
        self.services.get(id)
    }
}

impl NodeState {
    /// The node's release of component `component`.
    pub fn version(&self, component: ComponentId) -> Option<&str> {
        self.versions.get(component).map(String::as_str)
    }
}

/// What a person reads for one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Details {
    /// What to check before starting the step.
    pub before: String,
    /// What to check once it is done.
    pub after: String,
    /// What users notice.
    pub interruption: String,
    /// Estimated minutes; `None` when a component's duration is not given.
    pub minutes: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub action: Action,
    pub title: String,
    pub details: Details,
    /// How many risks stand after this step (see [`Plan::risks_after`]).
    pub risk_count: usize,
}

/// A risk and the run of steps after which it stands.
///
/// Risks are kept as spans rather than as a list per step: in the middle of a
/// rolling upgrade most services keep the same risk for many steps, so a list
/// per step grows with steps × services (865,000 entries for 512 nodes),
/// while spans grow with the changes the steps make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RiskSpan {
    pub risk: Risk,
    /// Index of the first step after which the risk stands.
    pub first: usize,
    /// Index of the last step after which it still stands (inclusive).
    pub last: usize,
}

impl RiskSpan {
    /// Whether the risk stands after step `step` (an index into [`Plan::steps`]).
    pub fn stands_after(&self, step: usize) -> bool {
        self.first <= step && step <= self.last
    }
}

/// Totals for the summary bar and the change ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub steps: usize,
    /// Moves and verifications: planned failovers, each a brief interruption.
    pub moves: usize,
    /// Distinct services taken offline.
    pub services_offline: usize,
    /// Minutes services spend offline, summed over services.
    pub outage_minutes: u32,
    /// Steps after which nodes run different releases of some component.
    pub mixed_version_steps: usize,
    /// Estimated duration of the whole plan, in minutes.
    pub estimated_minutes: u32,
    /// Whether some step's duration is unknown (a component without `minutes`), so the estimate is a lower bound.
    pub estimate_incomplete: bool,
}

/// A complete, safe upgrade sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Every risk of the plan, ordered by the step it begins after, then by service.
    pub risks: Vec<RiskSpan>,
    pub summary: Summary,
}

impl Plan {
    /// What would go wrong if a node failed after step `step` (an index into
    /// [`Plan::steps`]), service by service. Linear in the plan's risks: fine
    /// for one step; to walk every step, use [`Plan::risk_changes`].
    pub fn risks_after(&self, step: usize) -> impl Iterator<Item = &Risk> {
        let begun = self.risks.partition_point(|span| span.first <= step);
        self.risks.get(..begun).unwrap_or_default().iter().filter(move |span| span.last >= step).map(|span| &span.risk)
    }

    /// For each step, the spans that begin after it and those that end with
    /// it (indices into [`Plan::risks`]): every step's risks in one pass.
    pub fn risk_changes(&self) -> Vec<RiskChanges> {
        let mut changes = vec![RiskChanges::default(); self.steps.len()];
        for (index, span) in self.risks.iter().enumerate() {
            if let Some(step) = changes.get_mut(span.first) {
                step.begin.push(index);
            }
            if let Some(step) = changes.get_mut(span.last) {
                step.end.push(index);
            }
        }
        changes
    }

    /// Replays the plan from the cluster's current state, one step at a time.
    pub fn replay<'p>(&'p self, cluster: &'p Cluster) -> Replay<'p> {
        Replay { cluster, steps: self.steps.iter(), state: State::initial(cluster), broken: None }
    }
}

/// The risk spans that begin after one step and those that end with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RiskChanges {
    pub begin: Vec<usize>,
    pub end: Vec<usize>,
}

/// The cluster's state step by step, computed on demand (a plan does not
/// store it: that would be steps × (nodes + services)).
#[derive(Debug)]
pub struct Replay<'p> {
    cluster: &'p Cluster,
    steps: std::slice::Iter<'p, Step>,
    state: State,
    broken: Option<String>,
}

impl<'p> Replay<'p> {
    /// The state after the steps taken so far (the initial state before any).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Takes the next step; `None` after the last one, or once a step names
    /// what the cluster does not have (then [`Replay::broken`] says what).
    pub fn advance(&mut self) -> Option<&'p Step> {
        if self.broken.is_some() {
            return None;
        }
        let step = self.steps.next()?;
        match sim::apply_to(self.cluster, &mut self.state, &step.action) {
            Ok(()) => Some(step),
            Err(broken) => {
                self.broken = Some(broken.0);
                None
            }
        }
    }

    /// Why the replay stopped early, if it did: a plan that does not fit its
    /// cluster (never one the planner made for it).
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }
}

/// Which rule makes a plan impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockingRule {
    /// Even one node down loses quorum.
    Quorum,
    /// A service would have to go offline, and the policy forbids outages.
    OutageNotAllowed,
    /// A service has nowhere to run while its node is upgraded, and no outage is allowed.
    NoRoom,
    /// Services cannot be returned to their starting nodes.
    Failback,
    /// The search ran out of budget before finding any plan (which is not proof that none exists).
    SearchBudget,
    /// rollplan broke one of its own invariants: a bug, which says nothing about the cluster.
    Internal,
}

impl BlockingRule {
    /// The rule's name in every output (`blocked[no-room]`, JSON `rule`).
    pub fn as_str(self) -> &'static str {
        match self {
            BlockingRule::Quorum => "quorum",
            BlockingRule::OutageNotAllowed => "outage-not-allowed",
            BlockingRule::NoRoom => "no-room",
            BlockingRule::Failback => "failback",
            BlockingRule::SearchBudget => "search-budget",
            BlockingRule::Internal => "internal-error",
        }
    }
}

/// Why no safe plan exists, and what would change that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocked {
    pub rule: BlockingRule,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub message: String,
    /// Changes to the description that would unblock the plan.
    pub unblock: Vec<String>,
}

/// The planner's answer for a valid description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Planned(Plan),
    Blocked(Vec<Blocked>),
}

/// A broken invariant of the planner: an index that is in range for every
/// valid cluster is not. It cannot happen for a cluster from validation; if
/// it happens anyway (a planner bug, or a cluster built in code), planning
/// stops with a [`Blocked`] reason that says so: never a panic, and never a
/// plan or a verdict about the cluster drawn from the broken state.
#[derive(Clone, Debug)]
struct Broken(String);

impl Broken {
    fn new(what: impl Into<String>) -> Self {
        Broken(what.into())
    }

    /// An index that should name something and does not (`what` is "node", "service", ...).
    fn index(what: &str, id: usize) -> Self {
        Broken(format!("{what} #{id} does not exist"))
    }
}

impl From<Broken> for Blocked {
    /// A rule of its own: like `search-budget` it says that no plan was
    /// found, not that none exists, and it asks for a bug report.
    fn from(broken: Broken) -> Blocked {
        Blocked {
            rule: BlockingRule::Internal,
            service: None,
            node: None,
            message: format!(
                "rollplan stopped planning because one of its internal invariants does not hold ({}): no plan was made, but none is ruled out",
                broken.0
            ),
            unblock: vec![
                "this is a bug in rollplan, not in the description: please report it with the description".to_owned(),
            ],
        }
    }
}

/// Why a phase of the planner ended without a plan.
#[derive(Debug)]
enum NoPlan {
    /// The cluster and its policy leave no way forward (shown to the user).
    Blocked(Blocked),
    /// The planner broke an invariant: planning stops (see [`Broken`]).
    Broken(Broken),
}

impl From<Broken> for NoPlan {
    fn from(broken: Broken) -> Self {
        NoPlan::Broken(broken)
    }
}

impl From<NoPlan> for Blocked {
    fn from(no_plan: NoPlan) -> Self {
        match no_plan {
            NoPlan::Blocked(blocked) => blocked,
            NoPlan::Broken(broken) => broken.into(),
        }
    }
}

/// Plans the upgrade of a valid cluster. Deterministic: the same cluster always gives the same outcome.
pub fn plan(cluster: &Cluster) -> Outcome {
    if let Some(why) = cluster.inconsistency() {
        return Outcome::Blocked(vec![Broken::new(format!("the cluster is inconsistent: {why}")).into()]);
    }
    let blocked = preconditions(cluster);
    if !blocked.is_empty() {
        return Outcome::Blocked(blocked);
    }
    match search(cluster).and_then(|best| Ok(world::record(cluster, best.actions)?)) {
        Ok(plan) => Outcome::Planned(plan),
        Err(no_plan) => Outcome::Blocked(vec![no_plan.into()]),
    }
}

/// Runs the phases: the rolling search, whose every complete candidate goes
/// through failback and the outage window so that plans are compared whole.
fn search<'c>(cluster: &'c Cluster) -> Result<sim::Sim<'c>, NoPlan> {
    let windowed = window::window_components(cluster);
    let rolling: Vec<ComponentId> = (0..cluster.components.len()).filter(|c| !windowed.contains(c)).collect();
    // A cluster already running mixed releases of a window component has its
    // window first: that ends the unsafe mixture before anything else moves.
    let window_first = window::initially_mixed(cluster, &windowed);
    let mut start = sim::Sim::new(cluster)?;
    if window_first {
        window::run(&mut start)?;
        failback::run(&mut start)?;
    }
    let complete = move |mut sim: sim::Sim<'c>| -> Result<sim::Sim<'c>, NoPlan> {
        failback::run(&mut sim)?;
        if !window_first {
            window::run(&mut sim)?;
            failback::run(&mut sim)?;
        }
        Ok(sim)
    };
    rolling::search(start, &rolling, &complete)
}

/// Rules that block any plan, checked before planning so that all of them are reported at once.
fn preconditions(cluster: &Cluster) -> Vec<Blocked> {
    let mut blocked = Vec::new();
    let nodes = cluster.nodes.len();
    let any_upgrade = (0..nodes).any(|n| !cluster.node_at_target(n));
    if any_upgrade && !cluster.policy.quorum.holds(nodes, nodes.saturating_sub(1)) {
        blocked.push(Blocked {
            rule: BlockingRule::Quorum,
            service: None,
            node: None,
            message: format!(
                "every upgrade takes a node down, but this {nodes}-node cluster loses quorum as soon as one node is down ({} quorum)",
                cluster.policy.quorum.describe()
            ),
            unblock: vec![
                "use a witness (`policy.quorum: witness`) or a quorum disk (`policy.quorum: disk`) if the cluster has one".to_owned(),
                "add a node to the cluster".to_owned(),
            ],
        });
    }
    if !cluster.policy.allow_outage {
        let windowed = cluster
            .components
            .iter()
            .enumerate()
            .filter(|&(id, component)| window::needs_window(cluster, id, component));
        for (component, definition) in windowed {
            let services: Vec<&str> =
                cluster.services.iter().filter(|s| s.uses.contains(&component)).map(|s| s.name.as_str()).collect();
            let why = if definition.rolling {
                "failover between its releases is forbidden (`mixed_failover: forbid`)"
            } else {
                "it does not support rolling upgrades (`rolling: false`)"
            };
            blocked.push(Blocked {
                rule: BlockingRule::OutageNotAllowed,
                service: services.first().map(|s| (*s).to_owned()),
                node: None,
                message: format!(
                    "`{}` can only be upgraded with {} offline, because {why}; the policy allows no outage",
                    definition.name,
                    services.join(", ")
                ),
                unblock: vec![
                    format!("allow the planned outage: `policy.allow_outage: true`"),
                    format!("leave `{}` out of this upgrade", definition.name),
                ],
            });
        }
    }
    blocked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, MixedFailover, Node, Policy, Quorum, Service};

    /// Two nodes, one service that can run on either: always plannable.
    fn pair() -> Cluster {
        let component = Component {
            name: "app".into(),
            title: "App".into(),
            releases: Vec::new(),
            target: "2.0".into(),
            rolling: true,
            mixed_failover: MixedFailover::Warn,
            reboot: false,
            minutes: Some(10),
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
    fn a_valid_cluster_is_planned() {
        assert!(matches!(plan(&pair()), Outcome::Planned(_)));
    }

    #[test]
    fn an_inconsistent_cluster_is_blocked_with_the_reason_not_a_panic() {
        let breakages: [fn(&mut Cluster); 4] = [
            |c| c.services[0].on = 7,
            |c| c.services[0].owners.push(9),
            |c| c.services[0].uses.push(3),
            |c| c.nodes[1].versions.clear(),
        ];
        for breakage in breakages {
            let mut cluster = pair();
            breakage(&mut cluster);
            let Outcome::Blocked(reasons) = plan(&cluster) else { panic!("{cluster:?} was planned") };
            assert_eq!(reasons.len(), 1);
            assert_eq!(reasons[0].rule, BlockingRule::Internal);
            assert!(
                reasons[0].message.contains("internal invariants") && reasons[0].message.contains("inconsistent"),
                "{}",
                reasons[0].message
            );
        }
    }

    #[test]
    fn a_broken_invariant_met_during_the_search_stops_it() {
        let cluster = pair();
        let mut start = sim::Sim::new(&cluster).unwrap();
        // The state no longer has the service the cluster places on node A.
        start.state.services.clear();
        let result = rolling::search(start, &[0], &|sim| Ok(sim));
        let Err(NoPlan::Broken(broken)) = result else {
            panic!("the search did not stop: {:?}", result.map(|sim| sim.actions))
        };
        assert_eq!(broken.0, "service #0 does not exist");
    }

    #[test]
    fn queries_answer_conservatively_and_remember_what_broke() {
        let cluster = pair();
        let sim = sim::Sim::new(&cluster).unwrap();
        assert!(sim.intact().is_ok());
        assert!(!sim.can_host(0, 5));
        assert_eq!(sim.room(5), 0);
        assert_eq!(sim.intact().unwrap_err().0, "node #5 does not exist");
    }

    /// The risks recorded step by step (only the services a step touches are
    /// looked at again) are those of the whole state after every step.
    #[test]
    fn incremental_risks_equal_the_risks_of_every_state() {
        use std::fmt::Write;
        let mut texts: Vec<String> = [
            include_str!("../../../../tests/examples/exchange-2003-two-node.yaml"),
            include_str!("../../../../tests/examples/exchange-2003-scanmail.yaml"),
            include_str!("../../../../tests/examples/exchange-four-node.yaml"),
            include_str!("../../../../tests/examples/active-active-two-node.yaml"),
        ]
        .map(str::to_owned)
        .to_vec();
        // A ring of 12 nodes, capacity 3, two services each owned by the next two nodes (the benchmark's shape).
        let mut ring = String::from("format: 1\ncomponents:\n  os: {releases: [A, B], target: B}\nnodes:\n");
        for i in 0..12 {
            writeln!(ring, "  - {{name: N{i}, versions: {{os: A}}, capacity: 3}}").unwrap();
        }
        ring.push_str("services:\n");
        for i in 0..12 {
            for k in 0..2 {
                writeln!(
                    ring,
                    "  - {{name: S{i}_{k}, on: N{i}, owners: [N{i}, N{}, N{}]}}",
                    (i + 1) % 12,
                    (i + 2) % 12
                )
                .unwrap();
            }
        }
        ring.push_str("policy: {quorum: majority, failback: verify}\n");
        texts.push(ring);
        for text in &texts {
            let cluster = crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap();
            let Outcome::Planned(plan) = plan(&cluster) else { panic!("no plan for {text}") };
            assert!(!plan.risks.is_empty());
            let mut replay = plan.replay(&cluster);
            let mut index = 0;
            while replay.advance().is_some() {
                let mut recorded: Vec<&Risk> = plan.risks_after(index).collect();
                recorded.sort_by_key(|risk| risk.service);
                let whole = whatif::risks(&cluster, replay.state()).unwrap();
                assert_eq!(recorded, whole.iter().collect::<Vec<_>>(), "step {} of {text}", index + 1);
                assert_eq!(plan.steps[index].risk_count, whole.len());
                index += 1;
            }
            assert_eq!(index, plan.steps.len());
            assert!(replay.broken().is_none());
        }
    }

    #[test]
    fn recording_an_action_on_nothing_is_an_error() {
        let cluster = pair();
        let Err(broken) = world::record(&cluster, vec![Action::Pause { node: 3 }]) else { panic!("recorded") };
        assert_eq!(broken.0, "node #3 does not exist");
    }
}
