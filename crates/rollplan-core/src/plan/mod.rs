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

// The planner indexes per-node and per-service tables by the typed ids its
// cluster hands out (`IdVec`), which are in range by construction
// (`Cluster::new`): the crate-wide ban on indexing guards positions that can
// come from input, and these cannot.
#![allow(clippy::indexing_slicing)]

mod clock;
mod details;
mod drain;
mod failback;
mod hops;
mod maintenance;
mod order;
mod rolling;
mod sim;
mod skew_index;
mod unlisted;
mod wave;
mod whatif;
mod window;
mod world;

pub use clock::Times;
pub use maintenance::MaintenanceWindow;
pub use unlisted::spread_message;
pub use whatif::{risk_kinds, risk_message, service_names};

use serde::{Deserialize, Serialize};

use crate::model::{Cluster, ComponentId, IdVec, NodeId, ReplicatedId, ServiceId};

/// The most risk spans a plan records (what they cost is in
/// docs/performance.md). Past it, the risks of
/// the later steps are not worked out ([`Summary::risks_through_step`]), so
/// that a cluster whose what-if changes for every service at every step
/// (owners left out and room for one node's services only) still gets its
/// plan, and the page its answer, rather than running out of memory.
pub const MAX_RISK_SPANS: usize = 1_000_000;

/// Bumped whenever the planner may produce a different plan for the same description.
pub const PLANNER_VERSION: &str = "7";

/// One service's planned failover, inside a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub service: ServiceId,
    pub from: NodeId,
    pub to: NodeId,
}

/// One component's move on one node from the release it runs to the next
/// on its path ([`crate::model::ReleasePath`]); the target, without one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub component: ComponentId,
    pub from: String,
    pub to: String,
}

/// What one step does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A planned failover of one service to another node.
    Move { service: ServiceId, from: NodeId, to: NodeId },
    /// Empties a node before its pause: every move in order (as
    /// `Suspend-ClusterNode -Drain` or `kubectl drain` do it). Some moves may
    /// make room elsewhere first (a resident moving along); none goes to `node`.
    Drain { node: NodeId, moves: Vec<Move> },
    /// Take a node out of service; it hosts no running services.
    Pause { node: NodeId },
    /// Apply component updates to a paused node (with its reboot): one hop
    /// per component, each to the next release on its path.
    Upgrade { node: NodeId, components: Vec<Hop> },
    /// Bring a paused node back into service.
    Resume { node: NodeId },
    /// Take a service offline for a planned outage.
    Offline { service: ServiceId, node: NodeId },
    /// Bring a service back online after a planned outage.
    Online { service: ServiceId, node: NodeId },
    /// A planned failover back to an upgraded node that proves it works.
    Verify { service: ServiceId, from: NodeId, to: NodeId },
    /// Returns services to the node they started on, in order; with `verify`
    /// (`failback: verify`) the step proves the upgraded node works.
    Failback { node: NodeId, moves: Vec<Move>, verify: bool },
    /// The point of no return of a component ([`crate::model::Finalize`]),
    /// once every node runs its target and the soak time has passed.
    Finalize { component: ComponentId },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Move { .. } => "move",
            Action::Drain { .. } => "drain",
            Action::Pause { .. } => "pause",
            Action::Upgrade { .. } => "upgrade",
            Action::Resume { .. } => "resume",
            Action::Offline { .. } => "offline",
            Action::Online { .. } => "online",
            Action::Verify { .. } => "verify",
            Action::Failback { .. } => "failback",
            Action::Finalize { .. } => "finalize",
        }
    }

    /// Whether the step relocates services (moves, drains, failbacks and verifications).
    pub fn is_move(&self) -> bool {
        matches!(self, Action::Move { .. } | Action::Verify { .. } | Action::Drain { .. } | Action::Failback { .. })
    }

    /// The services the step relocates, in the order it moves them.
    pub fn moves(&self) -> Vec<Move> {
        match self {
            Action::Move { service, from, to } | Action::Verify { service, from, to } => {
                vec![Move { service: *service, from: *from, to: *to }]
            }
            Action::Drain { moves, .. } | Action::Failback { moves, .. } => moves.clone(),
            _ => Vec::new(),
        }
    }

    /// How many services the step relocates.
    pub fn move_count(&self) -> usize {
        match self {
            Action::Move { .. } | Action::Verify { .. } => 1,
            Action::Drain { moves, .. } | Action::Failback { moves, .. } => moves.len(),
            _ => 0,
        }
    }
}

/// What could go wrong if a node failed after this step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RiskKind {
    /// The service would fail over to a node running a different release of a component it uses.
    MixedVersionFailover,
    /// The service has nowhere to fail over to.
    NoFailoverTarget,
    /// The service is offline in a planned outage.
    Outage,
    /// A skew rule of level `warn` is broken: releases have drifted further apart than it allows.
    VersionSkew,
    /// A replicated service has exactly `min_available` copies up (two or
    /// more): a failure of a node holding one leaves it short.
    AtMinimum,
    /// A replicated service has one copy up: a failure of its node leaves it none.
    BelowMinimum,
}

impl RiskKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskKind::MixedVersionFailover => "mixed-version-failover",
            RiskKind::NoFailoverTarget => "no-failover-target",
            RiskKind::Outage => "outage",
            RiskKind::VersionSkew => "version-skew",
            RiskKind::AtMinimum => "at-minimum",
            RiskKind::BelowMinimum => "below-minimum",
        }
    }
}

/// How serious a risk is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskLevel {
    /// A rule the plan must not break (`mixed_failover: forbid`); never in an emitted plan.
    Error,
    Warning,
    /// Expected and accepted (a planned outage).
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub kind: RiskKind,
    pub level: RiskLevel,
    /// The services at risk.
    pub at: AtRisk,
    /// Where they would fail over to, if anywhere.
    pub target: Option<NodeId>,
    /// For a mixed-version failover, the releases that differ ("os A while
    /// N5 runs B"); empty otherwise. With the kind, level, node and target it
    /// tells which risks of one node read alike ([`crate::report::risk_lines`]).
    pub releases: String,
}

/// The services a risk is about.
///
/// A service with listed owners, or one offline, has a risk of its own. The
/// online services whose owners are left out (every node may run them) all
/// fail over to the first node with room, so whenever that room moves, all
/// their risks change at once: kept one per service, a cluster with room for
/// one node's services only would record nodes x services risks. Those that
/// would fare alike (the same kind, target and releases) on several nodes
/// are one risk that counts them, which costs what the groups change; on
/// one node, each keeps a risk of its own, so that services drained onto a
/// node one step after another begin a risk each rather than renaming the
/// whole group at every step ([`unlisted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AtRisk {
    /// One service, on its node.
    Service { service: ServiceId, node: NodeId },
    /// `services` online services whose owners are left out, on more than one node.
    Nodes { services: usize },
    /// No service: skew rule `rule` (its place in the description's `skew`) is broken.
    Rule { rule: usize },
    /// A replicated service; `node` holds its last copy up (`below-minimum`),
    /// else `None`: any node holding a copy ([`crate::replicas::Exposure`]).
    Replicated { service: ReplicatedId, node: Option<NodeId> },
}

impl Risk {
    /// One line for a person: "If NODE1 fails now, EVS1 fails over to NODE2,
    /// which ...". Written when it is shown, not when the risk is recorded:
    /// a plan records many more risks than a page or a report shows.
    pub fn message(&self, cluster: &Cluster) -> String {
        match self.at {
            AtRisk::Service { service, node } => {
                risk_message(cluster, self.kind, self.level, node, self.target, &self.releases, &[service])
            }
            AtRisk::Nodes { services } => {
                spread_message(cluster, self.kind, self.level, services, self.target, &self.releases)
            }
            AtRisk::Rule { rule } => match cluster.skew_rules().get(rule) {
                Some(definition) => {
                    format!(
                        "Skew rule {} is broken: {}",
                        crate::skew::describe_rule(cluster, definition),
                        self.releases
                    )
                }
                None => format!("A skew rule is broken: {}", self.releases),
            },
            AtRisk::Replicated { service, node } => crate::replicas::message(cluster, service, &self.exposure(node)),
        }
    }

    /// The risk of replicated `service` that the replica rules find:
    /// `below-minimum` on the node with its last copy up, `at-minimum`, or
    /// a `mixed-version-failover` between its copies (a warning whatever
    /// `mixed_failover` says: copies run mixed releases while their nodes
    /// are upgraded one by one, and no plan can avoid that).
    pub fn of_replicated(service: ReplicatedId, exposure: crate::replicas::Exposure) -> Risk {
        use crate::replicas::Exposure;
        let (kind, node, releases) = match exposure {
            Exposure::LastCopy(node) => (RiskKind::BelowMinimum, Some(node), String::new()),
            Exposure::AtMinimum => (RiskKind::AtMinimum, None, String::new()),
            Exposure::MixedReleases(releases) => (RiskKind::MixedVersionFailover, None, releases),
        };
        Risk { kind, level: RiskLevel::Warning, at: AtRisk::Replicated { service, node }, target: None, releases }
    }

    /// A replicated service's risk as the replica rules say it.
    fn exposure(&self, node: Option<NodeId>) -> crate::replicas::Exposure {
        use crate::replicas::Exposure;
        match (self.kind, node) {
            (RiskKind::BelowMinimum, Some(node)) => Exposure::LastCopy(node),
            (RiskKind::AtMinimum, _) => Exposure::AtMinimum,
            _ => Exposure::MixedReleases(self.releases.clone()),
        }
    }

    /// The replicated service at risk, for its risks.
    pub fn replicated(&self) -> Option<ReplicatedId> {
        match self.at {
            AtRisk::Replicated { service, .. } => Some(service),
            _ => None,
        }
    }

    /// The node of the service at risk; `None` for services on several nodes.
    pub fn node(&self) -> Option<NodeId> {
        match self.at {
            AtRisk::Service { node, .. } => Some(node),
            AtRisk::Replicated { node, .. } => node,
            AtRisk::Nodes { .. } | AtRisk::Rule { .. } => None,
        }
    }

    /// The skew rule broken, for a `version-skew` risk.
    pub fn rule(&self) -> Option<usize> {
        match self.at {
            AtRisk::Rule { rule } => Some(rule),
            _ => None,
        }
    }

    /// The service at risk, as a slice (empty for services on several nodes).
    pub fn services(&self) -> &[ServiceId] {
        match &self.at {
            AtRisk::Service { service, .. } => std::slice::from_ref(service),
            AtRisk::Nodes { .. } | AtRisk::Rule { .. } | AtRisk::Replicated { .. } => &[],
        }
    }

    /// How many services are at risk: none for a broken skew rule, which is about releases.
    pub fn count(&self) -> usize {
        match self.at {
            AtRisk::Service { .. } | AtRisk::Replicated { .. } => 1,
            AtRisk::Nodes { services } => services,
            AtRisk::Rule { .. } => 0,
        }
    }
}

/// One node's state after a step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeState {
    /// Release of each component; `None` for one the node does not run.
    pub versions: IdVec<ComponentId, Option<String>>,
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
    pub nodes: IdVec<NodeId, NodeState>,
    pub services: IdVec<ServiceId, ServiceState>,
}

impl State {
    /// The cluster as the description says it is now.
    pub fn initial(cluster: &Cluster) -> State {
        State {
            nodes: cluster.nodes().map(|n| NodeState { versions: IdVec::from_vec(n.versions.clone()), up: true }),
            services: cluster.services().map(|s| ServiceState { node: s.on, online: true }),
        }
    }

    /// The state of node `id`.
    pub fn node(&self, id: NodeId) -> &NodeState {
        &self.nodes[id]
    }

    /// The state of service `id`.
    pub fn service(&self, id: ServiceId) -> &ServiceState {
        &self.services[id]
    }

    /// The change one action makes.
    pub fn apply(&mut self, action: &Action) {
        match action {
            Action::Move { service, to, .. } | Action::Verify { service, to, .. } => self.services[*service].node = *to,
            Action::Drain { moves, .. } | Action::Failback { moves, .. } => {
                for step in moves {
                    self.services[step.service].node = step.to;
                }
            }
            Action::Pause { node } => self.nodes[*node].up = false,
            Action::Upgrade { node, components } => {
                for hop in components {
                    self.nodes[*node].versions[hop.component] = Some(hop.to.clone());
                }
            }
            Action::Resume { node } => self.nodes[*node].up = true,
            Action::Offline { service, .. } => self.services[*service].online = false,
            Action::Online { service, .. } => self.services[*service].online = true,
            // Changes no version and no place: it ends the way back.
            Action::Finalize { .. } => {}
        }
    }
}

impl NodeState {
    /// The node's release of component `component`; `None` where it does not run it.
    pub fn version(&self, component: ComponentId) -> Option<&str> {
        self.versions[component].as_deref()
    }

    /// Whether the node runs the target of each of `among` that it runs at all.
    pub fn at_targets(&self, cluster: &Cluster, among: impl IntoIterator<Item = ComponentId>) -> bool {
        among.into_iter().all(|c| self.version(c).is_none_or(|v| v == cluster.component(c).target))
    }
}

/// What a person reads for one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    /// What to check before starting the step.
    pub before: String,
    /// What to check once it is done.
    pub after: String,
    /// What users notice.
    pub interruption: String,
    /// Estimated minutes; `None` when a component's duration is not given.
    pub minutes: Option<u32>,
    /// How to undo the step ("move EVS1 back to NODE1"), or, when it cannot
    /// be undone in place, what the way back is.
    pub rollback: String,
    /// Whether the step can be undone in place: not the upgrade of a
    /// component that is not `reversible`.
    pub reversible: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub action: Action,
    /// The wave the step belongs to, from 1 ([`clock::waves`]): the nodes
    /// a wave pauses may be worked on at the same time.
    pub wave: usize,
    pub title: String,
    pub details: Details,
    /// How many risks stand after this step (see [`Plan::risks_after`]).
    pub risk_count: usize,
}

impl Step {
    /// What the step does, as one line of names: `drain N5 S5_0:N5>N2
    /// S5_1:N5>N2`, `upgrade N5 os:A>B`. Two plans of one cluster (by two
    /// releases of rollplan) give a step the same key when it does the same
    /// thing in the same order, so a tick saved under one plan can be found
    /// in the other. Not wording: it stays when titles are reworded. A name's
    /// spaces, `:`, `>` and `\` are escaped with `\`, so two different steps
    /// never read alike.
    pub fn key(&self, cluster: &Cluster) -> String {
        let node = |id: NodeId| escaped(&cluster.node(id).name);
        let service = |id: ServiceId| escaped(&cluster.service(id).name);
        let mut key = String::from(self.action.name());
        let mut word = |text: &str| {
            key.push(' ');
            key.push_str(text);
        };
        match &self.action {
            Action::Move { service: moved, from, to } | Action::Verify { service: moved, from, to } => {
                word(&format!("{}:{}>{}", service(*moved), node(*from), node(*to)));
            }
            Action::Drain { node: id, moves } | Action::Failback { node: id, moves, .. } => {
                word(&node(*id));
                for step in moves {
                    word(&format!("{}:{}>{}", service(step.service), node(step.from), node(step.to)));
                }
            }
            Action::Pause { node: id } | Action::Resume { node: id } => word(&node(*id)),
            Action::Upgrade { node: id, components } => {
                word(&node(*id));
                for hop in components {
                    let name = escaped(&cluster.component(hop.component).name);
                    word(&format!("{name}:{}>{}", escaped(&hop.from), escaped(&hop.to)));
                }
            }
            Action::Offline { service: id, node: on } | Action::Online { service: id, node: on } => {
                word(&format!("{}:{}", service(*id), node(*on)));
            }
            Action::Finalize { component } => word(&escaped(&cluster.component(*component).name)),
        }
        key
    }
}

/// `name` with the characters [`Step::key`] separates names with escaped.
fn escaped(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains([' ', ':', '>', '\\']) {
        return name.into();
    }
    let mut out = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if matches!(c, ' ' | ':' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.into()
}

/// A risk and the run of steps after which it stands.
///
/// Risks are kept as spans rather than as a list per step: in the middle of a
/// rolling upgrade most services keep the same risk for many steps, so a list
/// per step grows with steps × services,
/// while spans grow with the changes the steps make.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskSpan {
    pub risk: Risk,
    /// Index of the first step after which the risk stands.
    pub first: usize,
    /// Index of the last step after which it still stands (inclusive).
    pub last: usize,
}

/// A skew rule exactly at its limit for a run of steps: no hop may widen
/// it further. Not a risk (nothing fails), but what a reviewer wants to see
/// beside each step: "kube-apiserver runs 1.29 on cp1 and 1.28 on cp2: 1
/// release apart (limit 1)". A new span begins when the pair that is at the
/// limit changes, as the risks' spans do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitSpan {
    /// The rule's place in [`Cluster::skew_rules`].
    pub rule: usize,
    /// The pairs at the limit, as [`crate::skew::at_limit`] says them.
    pub message: String,
    /// Index of the first step after which the rule is at its limit.
    pub first: usize,
    /// Index of the last step after which it still is (inclusive).
    pub last: usize,
}

impl RiskSpan {
    /// Whether the risk stands after step `step` (an index into [`Plan::steps`]).
    pub fn stands_after(&self, step: usize) -> bool {
        self.first <= step && step <= self.last
    }
}

/// Totals for the summary bar and the change ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Summary {
    pub steps: usize,
    /// Waves: stretches in which some node is down, its nodes worked on at
    /// the same time (each node a wave of its own with `policy.max_down: 1`).
    pub waves: usize,
    /// Moves and verifications: planned failovers, each a brief interruption.
    pub moves: usize,
    /// Distinct services taken offline.
    pub services_offline: usize,
    /// Minutes services spend offline, summed over services.
    pub outage_minutes: u32,
    /// Steps after which nodes run different releases of some component.
    pub mixed_version_steps: usize,
    /// Steps after which a skew rule of level `warn` is broken (each with a `version-skew` risk).
    pub skew_steps: usize,
    /// Estimated duration of the whole plan, in minutes: the wall clock.
    pub estimated_minutes: u32,
    /// The wall-clock estimate: each wave as long as its slowest node, plus
    /// its other steps one after another ([`clock`]); equal to `estimated_minutes`.
    pub wall_clock_minutes: u32,
    /// Every step's minutes added up, whoever does them.
    pub work_minutes: u32,
    /// Whether some step's duration is unknown (a component without `minutes`), so the estimate is a lower bound.
    pub estimate_incomplete: bool,
    /// Set only when the what-if analysis outgrew [`MAX_RISK_SPANS`]: the
    /// risks are worked out for the first this-many steps, and the later
    /// steps list none, which does not mean that they have none.
    pub risks_through_step: Option<usize>,
}

/// By hand for one reason: the JSON of docs/plan-format.md leaves
/// `risks_through_step` out when it is unset, while a compact format (the
/// page's analysis worker hands plans over in postcard) needs every field in
/// order; `is_human_readable` tells the two apart.
impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let omit = serializer.is_human_readable() && self.risks_through_step.is_none();
        let mut out = serializer.serialize_struct("Summary", if omit { 11 } else { 12 })?;
        out.serialize_field("steps", &self.steps)?;
        out.serialize_field("waves", &self.waves)?;
        out.serialize_field("moves", &self.moves)?;
        out.serialize_field("services_offline", &self.services_offline)?;
        out.serialize_field("outage_minutes", &self.outage_minutes)?;
        out.serialize_field("mixed_version_steps", &self.mixed_version_steps)?;
        out.serialize_field("skew_steps", &self.skew_steps)?;
        out.serialize_field("estimated_minutes", &self.estimated_minutes)?;
        out.serialize_field("wall_clock_minutes", &self.wall_clock_minutes)?;
        out.serialize_field("work_minutes", &self.work_minutes)?;
        out.serialize_field("estimate_incomplete", &self.estimate_incomplete)?;
        if omit {
            out.skip_field("risks_through_step")?;
        } else {
            out.serialize_field("risks_through_step", &self.risks_through_step)?;
        }
        out.end()
    }
}

/// A complete, safe upgrade sequence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// Every risk of the plan, ordered by the step it begins after, then by service.
    pub risks: Vec<RiskSpan>,
    /// The skew rules at their limit, ordered by the step they begin after,
    /// then by rule. Worked out for every step, also past
    /// [`Summary::risks_through_step`]: they cost a few per upgrade.
    pub at_limit: Vec<LimitSpan>,
    pub summary: Summary,
    /// The maintenance windows, in order, when `policy.window_minutes` is
    /// set (empty otherwise): together they hold every step once.
    pub windows: Vec<MaintenanceWindow>,
}

impl Plan {
    /// What would go wrong if a node failed after step `step` (an index into
    /// [`Plan::steps`]), service by service. Linear in the plan's risks: fine
    /// for one step; to walk every step, use [`Plan::risk_changes`].
    pub fn risks_after(&self, step: usize) -> impl Iterator<Item = &Risk> {
        let begun = self.risks.partition_point(|span| span.first <= step);
        self.risks.get(..begun).unwrap_or_default().iter().filter(move |span| span.last >= step).map(|span| &span.risk)
    }

    /// The skew rules at their limit after step `step`, as [`Plan::risks_after`] finds risks.
    pub fn at_limit_after(&self, step: usize) -> impl Iterator<Item = &LimitSpan> {
        let begun = self.at_limit.partition_point(|span| span.first <= step);
        self.at_limit.get(..begun).unwrap_or_default().iter().filter(move |span| span.last >= step)
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

    /// Whether every id the plan names is one of `cluster`'s. Always so for a
    /// plan the planner made for it; a plan read back with serde (the page's
    /// analysis worker hands plans over in postcard) is checked with this before
    /// anything indexes the cluster with its ids.
    pub fn fits(&self, cluster: &Cluster) -> bool {
        let node = |id: NodeId| cluster.nodes().get(id).is_some();
        let service = |id: ServiceId| cluster.services().get(id).is_some();
        let moves = |moves: &[Move]| moves.iter().all(|m| service(m.service) && node(m.from) && node(m.to));
        let action = |action: &Action| match action {
            Action::Move { service: s, from, to } | Action::Verify { service: s, from, to } => {
                service(*s) && node(*from) && node(*to)
            }
            Action::Drain { node: n, moves: m } | Action::Failback { node: n, moves: m, .. } => node(*n) && moves(m),
            Action::Pause { node: n } | Action::Resume { node: n } => node(*n),
            Action::Upgrade { node: n, components } => {
                node(*n) && components.iter().all(|hop| cluster.components().get(hop.component).is_some())
            }
            Action::Offline { service: s, node: n } | Action::Online { service: s, node: n } => service(*s) && node(*n),
            Action::Finalize { component } => cluster.components().get(*component).is_some(),
        };
        let risk = |risk: &Risk| {
            risk.target.is_none_or(node)
                && match risk.at {
                    AtRisk::Service { service: s, node: n } => service(s) && node(n),
                    AtRisk::Nodes { .. } => true,
                    AtRisk::Rule { rule } => rule < cluster.skew_rules().len(),
                    AtRisk::Replicated { service, node: n } => {
                        cluster.replicated().get(service).is_some() && n.is_none_or(node)
                    }
                }
        };
        self.steps.iter().all(|step| action(&step.action))
            && self.risks.iter().all(|span| risk(&span.risk) && span.first <= span.last && span.last < self.steps.len())
            && self.at_limit.iter().all(|span| {
                span.rule < cluster.skew_rules().len() && span.first <= span.last && span.last < self.steps.len()
            })
            && self.windows.iter().all(|window| window.first <= window.last && window.last < self.steps.len())
    }

    /// Replays the plan from the cluster's current state, one step at a time.
    pub fn replay<'p>(&'p self, cluster: &'p Cluster) -> Replay<'p> {
        Replay { steps: self.steps.iter(), state: State::initial(cluster) }
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
    steps: std::slice::Iter<'p, Step>,
    state: State,
}

impl<'p> Replay<'p> {
    /// The state after the steps taken so far (the initial state before any).
    pub fn state(&self) -> &State {
        &self.state
    }

    /// Takes the next step; `None` after the last one.
    pub fn advance(&mut self) -> Option<&'p Step> {
        let step = self.steps.next()?;
        self.state.apply(&step.action);
        Some(step)
    }
}

/// Which rule makes a plan impossible.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// `policy.order` cannot be kept.
    Order,
    /// Every next upgrade would break a skew rule of level `error`.
    Skew,
    /// A release a component's path stops at breaks a skew rule that going straight on would not.
    Path,
    /// A replicated service needs every copy up, yet a node holding one must be upgraded.
    MinAvailable,
    /// Some stretch of the plan without a safe point is longer than `policy.window_minutes`.
    Window,
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
            BlockingRule::Order => "order",
            BlockingRule::Skew => "skew",
            BlockingRule::Path => "path",
            BlockingRule::MinAvailable => "min-available",
            BlockingRule::Window => "window",
        }
    }
}

/// Why no safe plan exists, and what would change that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    pub rule: BlockingRule,
    pub service: Option<String>,
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

/// A broken invariant of the planner's own reasoning (not of the cluster,
/// which [`Cluster::new`] checks once): planning stops with a [`Blocked`]
/// reason that says so, never a panic, and never a plan or a verdict about
/// the cluster drawn from the broken state.
#[derive(Clone, Debug)]
struct Broken(String);

impl Broken {
    fn new(what: impl Into<String>) -> Self {
        Broken(what.into())
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
    plan_counting(cluster).0
}

/// [`plan`], and how much work it took: the unit is one look at a node or a
/// service (a drain's placement tried, a risk recomputed, an order re-keyed).
/// Tests hold the planner to a bound on it, so that work that grows faster
/// than the cluster fails them deterministically, whatever the machine.
pub fn plan_counting(cluster: &Cluster) -> (Outcome, u64) {
    plan_with_risk_limit(cluster, MAX_RISK_SPANS)
}

/// [`plan_counting`] with another limit on the risk spans than
/// [`MAX_RISK_SPANS`], so that tests can reach it with small clusters.
#[doc(hidden)]
pub fn plan_with_risk_limit(cluster: &Cluster, risk_limit: usize) -> (Outcome, u64) {
    let blocked = preconditions(cluster);
    if !blocked.is_empty() {
        return (Outcome::Blocked(blocked), 0);
    }
    let work = sim::Work::default();
    let windowed = window::window_components(cluster);
    let rolling: Vec<ComponentId> = cluster.component_ids().filter(|c| !windowed.contains(c)).collect();
    let outcome = match search(cluster, &rolling, &windowed, &work) {
        Ok(best) => {
            let mut actions = best.actions;
            let finalized = finalize_steps(cluster, &actions);
            actions.extend(finalized);
            let plan = world::record(cluster, actions, &work, risk_limit);
            match cluster.policy().window_minutes {
                Some(limit) => in_windows(cluster, plan, limit),
                None => Outcome::Planned(plan),
            }
        }
        Err(no_plan) => Outcome::Blocked(vec![no_plan.into()]),
    };
    (outcome, work.total())
}

/// `plan` cut into maintenance windows of at most `limit` minutes, or
/// why it cannot be.
fn in_windows(cluster: &Cluster, mut plan: Plan, limit: u32) -> Outcome {
    let actions: Vec<&Action> = plan.steps.iter().map(|step| &step.action).collect();
    let safe = maintenance::safe_points(&actions);
    let runs = clock::parallel_runs(cluster, &actions);
    match maintenance::cut(cluster, &plan.steps, &safe, limit, &runs) {
        Ok(windows) => {
            plan.windows = windows;
            Outcome::Planned(plan)
        }
        Err(blocked) => Outcome::Blocked(vec![blocked]),
    }
}

/// The points of no return, last: one `finalize` step for each component
/// with `finalize` that the plan upgrades, in the order of the components.
/// A plan's end has every node up and on every target, which is when a
/// component may be finalized; nothing after it can go back anyway. A
/// component the plan does not upgrade (every node already runs its target)
/// gets none: whether it was finalized, the description does not say.
fn finalize_steps(cluster: &Cluster, actions: &[Action]) -> Vec<Action> {
    let mut upgraded = vec![false; cluster.components().len()];
    for action in actions {
        if let Action::Upgrade { components, .. } = action {
            for hop in components {
                if let Some(flag) = upgraded.get_mut(hop.component.index()) {
                    *flag = true;
                }
            }
        }
    }
    cluster
        .components()
        .iter_ids()
        .filter(|(c, component)| component.finalize.is_some() && upgraded.get(c.index()).copied().unwrap_or(false))
        .map(|(component, _)| Action::Finalize { component })
        .collect()
}

/// How long the plan made of `actions` takes, counted as the summary's
/// `wall_clock_minutes` and `work_minutes` are: public so that a search
/// outside the planner (the exhaustive tests) can weigh its own sequences
/// by the planner's objective.
pub fn times_of(cluster: &Cluster, actions: &[Action]) -> Times {
    clock::of_actions(cluster, actions)
}

/// Runs the phases: the rolling search, whose every complete candidate goes
/// through failback and the outage window so that plans are compared whole.
fn search<'c>(
    cluster: &'c Cluster,
    rolling: &'c [ComponentId],
    windowed: &'c [ComponentId],
    work: &'c sim::Work,
) -> Result<sim::Sim<'c>, NoPlan> {
    // A cluster already running mixed releases of a window component has its
    // window first: that ends the unsafe mixture before anything else moves.
    let window_first = window::initially_mixed(cluster, windowed);
    let mut start = sim::Sim::new(cluster, rolling, work);
    if window_first {
        window::run(&mut start, windowed)?;
        failback::run(&mut start)?;
    }
    let complete = move |mut sim: sim::Sim<'c>| -> Result<sim::Sim<'c>, NoPlan> {
        failback::run(&mut sim)?;
        if !window_first {
            window::run(&mut sim, windowed)?;
            failback::run(&mut sim)?;
        }
        Ok(sim)
    };
    rolling::search(start, &complete)
}

/// Rules that block any plan, checked before planning so that all of them are reported at once.
fn preconditions(cluster: &Cluster) -> Vec<Blocked> {
    let mut blocked = Vec::new();
    // Only the voting nodes count (`policy.quorum_role`).
    let nodes = cluster.voters();
    let any_upgrade = cluster.node_ids().any(|n| cluster.votes(n) && !cluster.node_at_target(n));
    let quorum = cluster.policy().quorum;
    if any_upgrade && !cluster.quorum_survives(1) {
        blocked.push(Blocked {
            rule: BlockingRule::Quorum,
            service: None,
            node: None,
            message: format!(
                "every upgrade takes a node down, but this {nodes}-node cluster loses quorum as soon as one node is down ({} quorum)",
                quorum.describe()
            ),
            unblock: vec![
                "use a witness (`policy.quorum: witness`) or a quorum disk (`policy.quorum: disk`) if the cluster has one".to_owned(),
                "add a node to the cluster".to_owned(),
            ],
        });
    }
    if let Some((service, node)) = crate::replicas::never_kept(cluster, |n| !cluster.node_at_target(n)) {
        let definition = cluster.replicated_service(service);
        let (name, copies) = (&definition.name, definition.replicas.len());
        blocked.push(Blocked {
            rule: BlockingRule::MinAvailable,
            service: Some(name.clone()),
            node: Some(cluster.node(node).name.clone()),
            message: format!(
                "{name} needs all {copies} of its copies up (`min_available: {}`), but upgrading {} takes one down",
                definition.min_available,
                cluster.node(node).name
            ),
            unblock: (copies > 1)
                .then(|| format!("lower {name}'s min_available to {}", copies - 1))
                .into_iter()
                .chain([format!("add a copy of {name} on another node to its `replicas`")])
                .collect(),
        });
    }
    if let Some(limit) = cluster.policy().window_minutes
        && let Some((node, component, minutes)) = maintenance::hop_longer_than(cluster, limit)
    {
        let (node, component) = (&cluster.node(node).name, &cluster.component(component).title);
        blocked.push(Blocked {
            rule: BlockingRule::Window,
            service: None,
            node: Some(node.clone()),
            message: format!(
                "upgrading {component} on {node} takes about {minutes} min with its pause and resume, longer than `policy.window_minutes: {limit}`: one node's update cannot be split between windows"
            ),
            unblock: vec![format!("raise `policy.window_minutes` to at least {minutes}")],
        });
    }
    if !cluster.policy().allow_outage {
        for component in window::window_components(cluster) {
            let definition = cluster.component(component);
            let services: Vec<&str> =
                cluster.services().iter().filter(|s| s.uses.contains(&component)).map(|s| s.name.as_str()).collect();
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
                    "allow the planned outage: `policy.allow_outage: true`".to_owned(),
                    format!("leave `{}` out of this upgrade", definition.name),
                ],
            });
        }
    }
    // The outage window upgrades its components on every node after the
    // rolling phase: a node of an earlier role would finish after nodes of
    // later roles had started.
    let pending_ranks: std::collections::BTreeSet<usize> =
        cluster.node_ids().filter(|&n| !cluster.node_at_target(n)).map(|n| cluster.rank(n)).collect();
    if pending_ranks.len() > 1
        && let Some(&component) = window::window_components(cluster).first()
    {
        let name = &cluster.component(component).name;
        blocked.push(Blocked {
            rule: BlockingRule::Order,
            service: None,
            node: None,
            message: format!(
                "`policy.order` cannot be kept: `{name}` is upgraded in a planned-outage window, which comes before or after every node's rolling upgrade, so nodes of one role would have upgrades left while nodes of another started"
            ),
            unblock: vec![
                "remove `policy.order`".to_owned(),
                format!("make `{name}` rolling (`rolling: true`, and `mixed_failover` other than `forbid`) if it can be"),
            ],
        });
    }
    blocked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, MixedFailover, Node, Policy, Quorum, ReleasePath, ServiceParts};

    /// Names that hold a key's separators cannot make two steps read alike.
    #[test]
    fn step_keys_escape_their_separators() {
        assert_eq!(escaped("NODE1"), "NODE1");
        assert_eq!(escaped("a b:c>d\\e"), "a\\ b\\:c\\>d\\\\e");
        assert_ne!(escaped("a:b"), escaped("a\\:b"));
    }

    /// A step's key names what it does, in the description's names: the seed's eight steps.
    #[test]
    fn step_keys_name_what_each_step_does() {
        let seed = include_str!("../../../../tests/examples/exchange-2003-two-node.yaml");
        let cluster = crate::validate_as(seed, crate::Syntax::Yaml).cluster.unwrap();
        let Outcome::Planned(plan) = plan(&cluster) else { panic!("the seed is planned") };
        let keys: Vec<String> = plan.steps.iter().map(|step| step.key(&cluster)).collect();
        assert_eq!(
            keys,
            [
                "pause NODE2",
                "upgrade NODE2 exchange:SP1>SP2",
                "resume NODE2",
                "move EVS1:NODE1>NODE2",
                "pause NODE1",
                "upgrade NODE1 exchange:SP1>SP2",
                "resume NODE1",
                "verify EVS1:NODE2>NODE1",
            ]
        );
    }

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
            reversible: true,
            finalize: None,
            path: ReleasePath::Direct,
        };
        let node =
            |name: &str| Node { name: name.into(), versions: vec![Some("1.0".into())], capacity: None, role: None };
        Cluster::new(
            "pair".into(),
            vec![component],
            vec![node("A"), node("B")],
            vec![ServiceParts { name: "S".into(), on: 0, owners: Some(vec![0, 1]), uses: vec![0] }],
            Policy { quorum: Quorum::Disk, ..Policy::default() },
        )
        .unwrap()
    }

    #[test]
    fn a_valid_cluster_is_planned() {
        assert!(matches!(plan(&pair()), Outcome::Planned(_)));
    }

    #[test]
    fn an_inconsistent_cluster_is_refused_where_it_is_made() {
        type Breakage = fn(&mut Vec<Node>, &mut Vec<ServiceParts>);
        let (name, components, nodes, services, policy) = pair().to_parts();
        let breakages: [Breakage; 4] = [
            |_, s| s[0].on = 7,
            |_, s| s[0].owners = Some(vec![1]),
            |_, s| s[0].uses.push(3),
            |n, _| n[1].versions.clear(),
        ];
        for breakage in breakages {
            let (mut nodes, mut services) = (nodes.clone(), services.clone());
            breakage(&mut nodes, &mut services);
            let made = Cluster::new(name.clone(), components.clone(), nodes, services, policy.clone());
            assert!(made.is_err(), "{made:?}");
        }
    }

    /// A cluster of `nodes` nodes whose first `hosting` nodes run `per_node`
    /// services each, with owners left out; `capacity` is appended to every
    /// node (`""` for none, `", capacity: 3"`).
    fn owners_left_out(nodes: usize, hosting: usize, per_node: usize, capacity: &str) -> String {
        use std::fmt::Write;
        let mut text = String::from("format: 1\ncomponents:\n  os: {releases: [A, B], target: B}\nnodes:\n");
        for i in 0..nodes {
            writeln!(text, "  - {{name: N{i}, versions: {{os: A}}{capacity}}}").unwrap();
        }
        text.push_str("services:\n");
        for i in 0..hosting {
            for k in 0..per_node {
                writeln!(text, "  - {{name: S{i}_{k}, on: N{i}}}").unwrap();
            }
        }
        text.push_str("policy: {quorum: majority, failback: verify}\n");
        text
    }

    /// A resident that may run anywhere, asked to move along onto the one
    /// upgraded node another resident can use, makes that one move twice: the
    /// search also tries the residents with the fewest owners first (a case
    /// the property test found: 6 moves where 5 do).
    #[test]
    fn residents_with_the_fewest_owners_move_along_first() {
        let text = "format: 1\ncomponents:\n  c: {releases: [old, new], target: new, minutes: 10}\nnodes:\n  - {name: N0, versions: {c: old}}\n  - {name: N1, versions: {c: old}, capacity: 3}\n  - {name: N2, versions: {c: old}, capacity: 1}\n  - {name: N3, versions: {c: old}, capacity: 0}\nservices:\n  - {name: S0, on: N0, owners: [N0, N1, N3]}\n  - {name: S1, on: N1}\n  - {name: S2, on: N1}\n  - {name: S3, on: N1, owners: [N1, N2]}\npolicy: {quorum: majority, failback: none}\n";
        let cluster = crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap();
        let Outcome::Planned(plan) = plan(&cluster) else { panic!("no plan") };
        assert_eq!(plan.summary.moves, 5);
        assert!(crate::check::check(&cluster, &plan).is_ok());
    }

    /// A full cluster with one spare node, each service owned by its node
    /// and the next three (Hyper-V preferred owners, N+1): the greedy pass
    /// (more than [`rolling::SEARCH_ABOVE`] nodes) drains each node whole
    /// into the node upgraded just before it, and every node takes its
    /// services back in one step. Taken in declaration order, it skipped two
    /// nodes at a time and later asked residents to move along: 59 moves
    /// rather than 44 here, and 10 of its 11 failback steps moved one service.
    #[test]
    fn a_full_cluster_with_one_spare_node_drains_each_node_into_the_one_before() {
        use std::fmt::Write;
        let nodes = 12;
        let mut text = String::from("format: 1\ncomponents:\n  os: {releases: [A, B], target: B}\nnodes:\n");
        for i in 0..nodes {
            writeln!(text, "  - {{name: N{i}, versions: {{os: A}}, capacity: 2}}").unwrap();
        }
        text.push_str("services:\n");
        for i in 0..nodes - 1 {
            let owners: Vec<String> = (0..4).map(|next| format!("N{}", (i + next) % nodes)).collect();
            for k in 0..2 {
                writeln!(text, "  - {{name: S{i}_{k}, on: N{i}, owners: [{}]}}", owners.join(", ")).unwrap();
            }
        }
        text.push_str("policy: {quorum: majority, failback: verify}\n");
        let cluster = crate::validate_as(&text, crate::Syntax::Yaml).cluster.unwrap();
        let Outcome::Planned(plan) = plan(&cluster) else { panic!("no plan") };
        assert!(crate::check::check(&cluster, &plan).is_ok());
        // Each service out once and home once; a drain and a failback per node (but the spare).
        assert_eq!(plan.summary.moves, 2 * 2 * (nodes - 1));
        let count = |kind: &str| plan.steps.iter().filter(|step| step.action.name() == kind).count();
        assert_eq!((count("drain"), count("failback"), count("verify")), (nodes - 1, nodes - 1, 0));
        for step in &plan.steps {
            if let Action::Drain { moves, .. } = &step.action {
                assert!(moves.windows(2).all(|pair| pair[0].to == pair[1].to), "{}", step.title);
            }
        }
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
        // Owners left out, tight and unlimited: every service's target is the first node with room.
        for capacity in ["", ", capacity: 3"] {
            texts.push(owners_left_out(10, 9, 3, capacity));
        }
        texts.push(ring);
        for text in &texts {
            let cluster = crate::validate_as(text, crate::Syntax::Yaml).cluster.unwrap();
            let Outcome::Planned(plan) = plan(&cluster) else { panic!("no plan for {text}") };
            assert!(!plan.risks.is_empty());
            let mut replay = plan.replay(&cluster);
            let mut index = 0;
            while replay.advance().is_some() {
                let mut recorded: Vec<String> = plan.risks_after(index).map(|risk| format!("{risk:?}")).collect();
                let whole = whatif::risks(&cluster, replay.state());
                let mut expected: Vec<String> = whole.iter().map(|risk| format!("{risk:?}")).collect();
                recorded.sort_unstable();
                expected.sort_unstable();
                assert_eq!(recorded, expected, "step {} of {text}", index + 1);
                let count: usize = whole.iter().map(Risk::count).sum();
                assert_eq!(plan.steps[index].risk_count, count);
                index += 1;
            }
            assert_eq!(index, plan.steps.len());
            assert!(crate::check::check(&cluster, &plan).is_ok(), "{text}");
        }
    }

    /// Past its limit on risk spans a plan still has every step: the risks
    /// of the steps up to the one that passed it are those of the plan
    /// without a limit, the later steps show none, the summary, the
    /// checklists and the checker say so.
    #[test]
    fn a_plan_past_its_risk_limit_keeps_its_steps_and_says_where_the_risks_stop() {
        // Owners left out and room for one node's services: every step moves
        // the only room, so every service's target changes at every step.
        let text = owners_left_out(12, 11, 2, ", capacity: 2");
        let cluster = crate::validate_as(&text, crate::Syntax::Yaml).cluster.unwrap();
        let Outcome::Planned(whole) = plan(&cluster) else { panic!("no plan") };
        assert_eq!(whole.summary.risks_through_step, None);
        let limit = whole.risks.len() / 3;
        let Outcome::Planned(cut) = plan_with_risk_limit(&cluster, limit).0 else { panic!("no plan") };
        let through = cut.summary.risks_through_step.expect("the limit is passed");
        assert!(through > 0 && through < cut.steps.len(), "{through}");
        assert!(cut.risks.len() > limit && cut.risks.len() < whole.risks.len());
        assert_eq!(cut.steps.len(), whole.steps.len());
        for (index, (a, b)) in cut.steps.iter().zip(&whole.steps).enumerate() {
            assert_eq!((&a.action, &a.title), (&b.action, &b.title));
            if index < through {
                assert_eq!(a.risk_count, b.risk_count);
                assert_eq!(cut.risks_after(index).collect::<Vec<_>>(), whole.risks_after(index).collect::<Vec<_>>());
            } else {
                assert_eq!(a.risk_count, 0);
                assert_eq!(cut.risks_after(index).count(), 0);
            }
        }
        assert!(crate::check::check(&cluster, &cut).is_ok());
        let text = crate::report::plan_text(&cluster, &cut, "f");
        assert!(text.contains(&format!("what-if risks worked out for steps 1 to {through} only")), "{text}");
        let note = text.lines().position(|line| line.contains("note: What-if risks are not worked out")).unwrap();
        assert!(text.lines().nth(note - 1).unwrap().starts_with(&format!("{:>3}. ", through + 1)));
        // The risks end there because they stop being worked out, not because they clear.
        assert!(text.lines().skip(note).all(|line| !line.contains("cleared[")), "{text}");
        // The checker refuses risks shown past the point the summary names.
        let mut lying = cut.clone();
        lying.summary.risks_through_step = Some(through - 1);
        assert_eq!(crate::check::check(&cluster, &lying).unwrap_err().rule, "risks");
    }
}
