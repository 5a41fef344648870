//! The timeline picture as data: one row per node, one column per step.
//!
//! The view (`components/timeline.rs`) only draws what is computed here, so
//! what the picture says (which release a node runs after each step, which
//! services it hosts, whether it is paused, where a failure would be unsafe) is
//! tested natively against the core's plans.
//!
//! Names stay in the cluster: cells hold indices, so a big plan's model is
//! small and cheap to build.

use rollplan_core::Cluster;
use rollplan_core::model::{NodeId, ReplicatedId, ServiceId};
use rollplan_core::plan::{Action, Plan, Risk, RiskKind, State, Step, risk_kinds};
use rollplan_core::replicas;
use rollplan_core::report::waves_of_several;

/// Above this many cells the timeline is not drawn: it would take longer to
/// render than it helps, and nobody reads a picture that size at a glance.
pub const MAX_CELLS: usize = 6_000;

/// Timelines of more columns than this render only the columns near the
/// view (`list_window.rs`), in columns of one width.
pub const WINDOW_COLUMNS_ABOVE: usize = 40;

/// In a windowed timeline, a column's width and the node names' (rem), and
/// the space between columns (px): `.timeline-grid.windowed` in style.css
/// sets the same.
pub const COLUMN_REM: f64 = 4.5;
pub const NAMES_REM: f64 = 7.0;
pub const SPACING_PX: f64 = 3.0;

/// Up to this many nodes, the timeline stays in view (sticky) above the
/// checklist as it scrolls, so a selected column and its step are seen
/// together; a taller timeline would leave no room for the checklist.
pub const MAX_STICKY_NODES: usize = 6;

/// The whole picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Each component's releases as the picture colours them.
    pub legend: Vec<ComponentReleases>,
    /// The starting state first, then one column per step.
    pub columns: Vec<Column>,
}

/// The releases of one component that occur in the plan, oldest first; the last is the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentReleases {
    pub title: String,
    pub releases: Vec<String>,
}

impl ComponentReleases {
    /// How many releases `release` is behind the target: 0 for the target,
    /// which the view colours as "done"; every other release gets its own colour.
    pub fn behind(&self, release: usize) -> usize {
        self.releases.len().saturating_sub(release + 1)
    }
}

/// The cluster before a step or after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The step this column shows the state after; `None` for the state before the plan.
    pub step: Option<usize>,
    /// The kinds of risk after the step, each once, in `RiskKind` order.
    pub risks: Vec<RiskKind>,
    /// One cell per node, in the cluster's node order.
    pub cells: Vec<Cell>,
    /// The step's wave, when that wave takes several nodes down at once
    /// (`report::waves_of_several`): its columns are drawn as one group.
    pub wave: Option<usize>,
    /// Whether this is the first column of its wave's group.
    pub wave_start: bool,
}

/// One node after one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// For each component, the index of the node's release in
    /// [`ComponentReleases::releases`]; `None` for one the node does not run.
    pub releases: Vec<Option<usize>>,
    /// False while the node is paused (out of service).
    pub up: bool,
    /// The services on the node, online or not, in the cluster's service order.
    pub services: Vec<Hosted>,
    /// Whether the step acts on this node (pauses, upgrades or resumes it, moves a service to or from it).
    pub acted_on: bool,
    /// The copies of replicated services on the node, in their order.
    pub copies: Vec<HeldCopy>,
}

/// A service on a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hosted {
    pub service: ServiceId,
    pub online: bool,
    /// What is unsafe for the service at this point, if anything: its risk
    /// after the step (a service has at most one).
    pub risk: Option<RiskKind>,
}

/// A copy of a replicated service on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldCopy {
    pub service: ReplicatedId,
    /// Up while its node is.
    pub up: bool,
    /// The service's risk after the step, if any (each copy of it shows it).
    pub risk: Option<RiskKind>,
}

impl Timeline {
    /// The picture of `plan`, or `None` when it is too big to draw (see [`MAX_CELLS`]).
    pub fn new(cluster: &Cluster, plan: &Plan) -> Option<Timeline> {
        // Copies of replicated services are drawn in the cells too: each counts as a cell.
        let copies: usize = cluster.replicated().iter().map(|service| service.replicas.len()).sum();
        if (cluster.nodes().len() + copies).saturating_mul(plan.steps.len() + 1) > MAX_CELLS {
            return None;
        }
        let initial = State::initial(cluster);
        let legend = legend(cluster, &initial);
        let mut columns = Vec::with_capacity(plan.steps.len() + 1);
        columns.push(column(cluster, &legend, &initial, None, None));
        // The plan keeps no state per step: replay it.
        let mut replay = plan.replay(cluster);
        let waves = waves_of_several(plan);
        let mut index = 0;
        while let Some(step) = replay.advance() {
            let risks: Vec<&Risk> = plan.risks_after(index).collect();
            let mut column = column(cluster, &legend, replay.state(), Some(index), Some((step, &risks)));
            column.wave = waves.get(index).copied().flatten();
            column.wave_start = column.wave.is_some() && index.checked_sub(1).and_then(|i| waves[i]) != column.wave;
            columns.push(column);
            index += 1;
        }
        // A plan the planner made always replays to the end.
        (index == plan.steps.len()).then_some(Timeline { legend, columns })
    }
}

/// Each component's releases in the plan: the ones nodes run now, each hop
/// on the way (a path's releases between), and the target.
fn legend(cluster: &Cluster, initial: &State) -> Vec<ComponentReleases> {
    cluster
        .components()
        .iter_ids()
        .map(|(id, component)| {
            let mut releases: Vec<String> = initial
                .nodes
                .iter()
                .filter_map(|node| node.version(id))
                .flat_map(|version| std::iter::once(version).chain(component.hops_from(version)))
                .map(str::to_owned)
                .chain(std::iter::once(component.target.clone()))
                .collect();
            releases.sort_by(|a, b| component.compare(a, b).then_with(|| a.cmp(b)));
            releases.dedup();
            ComponentReleases { title: component.title.clone(), releases }
        })
        .collect()
}

fn column(
    cluster: &Cluster,
    legend: &[ComponentReleases],
    state: &State,
    index: Option<usize>,
    step: Option<(&Step, &[&Risk])>,
) -> Column {
    // Each service's risk, worked out for this state: a risk of services on
    // several nodes counts them rather than naming them. The checker holds
    // the plan's risks to the same state.
    let service_kinds = step.map(|_| risk_kinds(cluster, state));
    // Each replicated service's risk, by the replica rules the plan's risks come from.
    let replicated_kinds: Vec<Option<RiskKind>> = cluster
        .replicated()
        .ids()
        .map(|id| {
            let exposure = replicas::exposure(cluster, id, |n| state.node(n).up, |n, c| state.node(n).version(c))?;
            step?;
            // The kind the plan's risk of it has.
            Some(Risk::of_replicated(id, exposure).kind)
        })
        .collect();
    let cells = state
        .nodes
        .iter_ids()
        .map(|(node, node_state)| Cell {
            releases: node_state
                .versions
                .iter()
                .zip(legend)
                .map(|(version, releases)| {
                    let version = version.as_deref()?;
                    Some(releases.releases.iter().position(|release| release == version).unwrap_or(0))
                })
                .collect(),
            up: node_state.up,
            services: state
                .services
                .iter_ids()
                .filter(|(_, service)| service.node == node)
                .map(|(service, state)| Hosted {
                    service,
                    online: state.online,
                    risk: service_kinds.as_ref().and_then(|kinds| kinds[service]),
                })
                .collect(),
            acted_on: step.is_some_and(|(step, _)| acts_on(&step.action, node)),
            copies: cluster
                .copies_on(node)
                .iter()
                .map(|&service| HeldCopy {
                    service,
                    up: node_state.up,
                    risk: replicated_kinds.get(service.index()).copied().flatten(),
                })
                .collect(),
        })
        .collect();
    debug_assert_eq!(cluster.nodes().len(), state.nodes.len());
    Column {
        step: index,
        risks: step.map_or_else(Vec::new, |(_, risks)| kinds(risks.iter().map(|risk| risk.kind))),
        cells,
        wave: None,
        wave_start: false,
    }
}

/// Each kind once, in `RiskKind` order.
fn kinds(kinds: impl Iterator<Item = RiskKind>) -> Vec<RiskKind> {
    let mut kinds: Vec<RiskKind> = kinds.collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds
}

/// The label of a release in a timeline cell, at most [`LABEL_CHARS`] characters:
/// short releases (`SP2`, `2019`) as they are, long dotted ones by their last
/// part (`5.2.3790.4455` as `…4455`), which is where releases of one product
/// differ; anything else by colour alone (the legend and the tooltip name it).
pub fn short_release(release: &str) -> String {
    if release.chars().count() <= LABEL_CHARS {
        return release.to_owned();
    }
    match release.rsplit_once(['.', '-', ' ']) {
        Some((_, last)) if !last.is_empty() && last.chars().count() < LABEL_CHARS => {
            format!("…{last}")
        }
        _ => String::new(),
    }
}

/// The most characters of a release shown in a cell (a cell is about that wide).
pub const LABEL_CHARS: usize = 6;

/// Whether `action` concerns `node`.
pub fn acts_on(action: &Action, node: NodeId) -> bool {
    match action {
        Action::Move { from, to, .. } | Action::Verify { from, to, .. } => *from == node || *to == node,
        Action::Drain { node: acted, moves } | Action::Failback { node: acted, moves, .. } => {
            *acted == node || moves.iter().any(|m| m.from == node || m.to == node)
        }
        Action::Pause { node: acted }
        | Action::Upgrade { node: acted, .. }
        | Action::Resume { node: acted }
        | Action::Offline { node: acted, .. }
        | Action::Online { node: acted, .. } => *acted == node,
        // A point of no return concerns the whole cluster.
        Action::Finalize { .. } => true,
    }
}

#[cfg(test)]
mod tests {
    use rollplan_core::Syntax;

    use super::*;
    use crate::state::EXAMPLES;

    fn example(name: &str) -> (Cluster, Plan) {
        let text = EXAMPLES.iter().find(|example| example.name == name).unwrap().text;
        let analysis = rollplan_core::analyze(text, Syntax::detect(text));
        let plan = analysis.plan().expect("a plan").clone();
        (analysis.validation.cluster.unwrap(), plan)
    }

    fn node(cluster: &Cluster, name: &str) -> usize {
        cluster.node_named(name).unwrap().index()
    }

    #[test]
    fn the_seed_from_sp1_to_sp2() {
        let (cluster, plan) = example("exchange-2003-two-node.yaml");
        let timeline = Timeline::new(&cluster, &plan).unwrap();
        assert_eq!(timeline.columns.len(), plan.steps.len() + 1);
        assert_eq!(timeline.legend.len(), 1);
        assert_eq!(timeline.legend[0].title, "Exchange Server 2003");
        assert_eq!(timeline.legend[0].releases, ["SP1", "SP2"]);
        assert_eq!(timeline.legend[0].behind(0), 1);
        assert_eq!(timeline.legend[0].behind(1), 0, "the target");

        let (node1, node2) = (node(&cluster, "NODE1"), node(&cluster, "NODE2"));
        let now = &timeline.columns[0];
        assert_eq!(now.step, None);
        assert!(now.risks.is_empty());
        assert_eq!(now.cells[node1].releases, [Some(0)]);
        let evs1 = cluster.service_named("EVS1").unwrap();
        assert_eq!(now.cells[node1].services, [Hosted { service: evs1, online: true, risk: None }]);
        assert!(now.cells[node2].services.is_empty());
        assert!(now.cells.iter().all(|cell| cell.up && !cell.acted_on));

        // Step 1 pauses NODE2: greyed, acted on; NODE1's failure has no target.
        let paused = &timeline.columns[1];
        assert_eq!(paused.step, Some(0));
        assert!(!paused.cells[node2].up);
        assert!(paused.cells[node2].acted_on);
        assert!(!paused.cells[node1].acted_on);
        assert_eq!(paused.risks, [RiskKind::NoFailoverTarget]);
        assert_eq!(paused.cells[node1].services[0].risk, Some(RiskKind::NoFailoverTarget));

        // Step 3 resumes NODE2 on SP2: a failure of NODE1 would fail EVS1 over across releases.
        let resumed = &timeline.columns[3];
        assert_eq!(resumed.cells[node1].services[0].risk, Some(RiskKind::MixedVersionFailover));

        // Step 2 upgrades NODE2 to the target release.
        assert_eq!(timeline.columns[2].cells[node2].releases, [Some(1)]);
        assert_eq!(timeline.columns[2].cells[node1].releases, [Some(0)]);

        // At the end: both on SP2, EVS1 back on NODE1, nothing at risk.
        let last = timeline.columns.last().unwrap();
        assert!(last.cells.iter().all(|cell| cell.releases == [Some(1)] && cell.up));
        assert_eq!(last.cells[node1].services.len(), 1);
        assert!(last.risks.is_empty());
    }

    /// A wave of several nodes is one group of columns: each of its steps
    /// carries the wave, the group's first column says where it starts, and
    /// every node the wave pauses is paused together in one column.
    #[test]
    fn a_wave_of_several_nodes_is_one_group_of_columns() {
        let (cluster, plan) = example("hyperv-16-node-waves.yaml");
        let timeline = Timeline::new(&cluster, &plan).unwrap();
        assert_eq!(timeline.columns[0].wave, None, "the starting state is in no wave");
        let starts: Vec<usize> =
            timeline.columns.iter().filter(|column| column.wave_start).filter_map(|column| column.wave).collect();
        assert!(starts.len() >= 2, "several waves of several nodes: {starts:?}");
        let mut sorted = starts.clone();
        sorted.dedup();
        assert_eq!(sorted, starts, "each group starts once");
        for wave in starts {
            let group: Vec<&Column> = timeline.columns.iter().filter(|column| column.wave == Some(wave)).collect();
            let steps: Vec<usize> = group.iter().filter_map(|column| column.step).collect();
            assert!(steps.windows(2).all(|pair| pair[1] == pair[0] + 1), "wave {wave}'s columns are contiguous");
            assert!(group[0].wave_start && group[1..].iter().all(|column| !column.wave_start));
            assert!(steps.iter().all(|&step| plan.steps[step].wave == wave));
            let most_paused = group.iter().map(|column| column.cells.iter().filter(|cell| !cell.up).count()).max();
            assert!(most_paused >= Some(2), "wave {wave} has several nodes down at once");
        }
        // One node at a time: no groups.
        let (cluster, plan) = example("exchange-2003-two-node.yaml");
        let timeline = Timeline::new(&cluster, &plan).unwrap();
        assert!(timeline.columns.iter().all(|column| column.wave.is_none() && !column.wave_start));
    }

    /// With owners left out, a risk of services on several nodes counts them
    /// rather than naming them; the cells still mark each service at risk:
    /// as many as the step counts, each with a kind the step has.
    #[test]
    fn services_in_a_risk_of_several_nodes_are_marked() {
        let text = include_str!("../../../tests/cases/owners-left-out-tight.yaml");
        let analysis = rollplan_core::analyze(text, Syntax::Yaml);
        let (Some(cluster), Some(plan)) = (&analysis.validation.cluster, analysis.plan()) else { panic!("a plan") };
        assert!(plan.risks.iter().any(|span| span.risk.node().is_none()), "a risk of services on several nodes");
        let timeline = Timeline::new(cluster, plan).unwrap();
        for (index, (column, step)) in timeline.columns[1..].iter().zip(&plan.steps).enumerate() {
            let marked: Vec<RiskKind> =
                column.cells.iter().flat_map(|cell| cell.services.iter().filter_map(|hosted| hosted.risk)).collect();
            assert_eq!(marked.len(), step.risk_count, "step {}", index + 1);
            assert!(marked.iter().all(|kind| column.risks.contains(kind)), "step {}", index + 1);
        }
    }

    /// Each column shows what its step did, and the risks the plan lists after it.
    #[test]
    fn every_column_shows_its_step() {
        for example_file in EXAMPLES {
            let analysis = rollplan_core::analyze(example_file.text, Syntax::detect(example_file.text));
            let (Some(cluster), Some(plan)) = (&analysis.validation.cluster, analysis.plan()) else {
                continue;
            };
            let timeline = Timeline::new(cluster, plan).unwrap();
            assert_eq!(timeline.columns.len(), plan.steps.len() + 1, "{}", example_file.name);
            for (index, (column, step)) in timeline.columns[1..].iter().zip(&plan.steps).enumerate() {
                let hosts = |service| {
                    column.cells.iter().position(|cell| cell.services.iter().any(|h| h.service == service)).unwrap()
                };
                match &step.action {
                    Action::Pause { node } => assert!(!column.cells[node.index()].up),
                    Action::Resume { node } => assert!(column.cells[node.index()].up),
                    Action::Upgrade { node, components } => {
                        for hop in components {
                            let component = hop.component;
                            let release = column.cells[node.index()].releases[component.index()].unwrap();
                            let legend = &timeline.legend[component.index()];
                            assert_eq!(legend.releases[release], hop.to);
                        }
                    }
                    Action::Move { .. } | Action::Verify { .. } | Action::Drain { .. } | Action::Failback { .. } => {
                        for step in step.action.moves() {
                            assert_eq!(hosts(step.service), step.to.index());
                        }
                    }
                    Action::Offline { service, node } | Action::Online { service, node } => {
                        assert_eq!(hosts(*service), node.index());
                        let online = matches!(step.action, Action::Online { .. });
                        let hosted =
                            column.cells[node.index()].services.iter().find(|h| h.service == *service).unwrap();
                        assert_eq!(hosted.online, online);
                    }
                    Action::Finalize { .. } => {}
                }
                let kinds = kinds(plan.risks_after(index).map(|risk| risk.kind));
                assert_eq!(column.risks, kinds, "{} step {}", example_file.name, index + 1);
                let services = column.cells.iter().map(|cell| cell.services.len()).sum::<usize>();
                assert_eq!(services, cluster.services().len());
            }
        }
    }

    #[test]
    fn four_nodes_two_components() {
        let (cluster, plan) = example("exchange-four-node.yaml");
        let timeline = Timeline::new(&cluster, &plan).unwrap();
        assert_eq!(timeline.legend.len(), 2);
        // Dotted versions are ordered as numbers, the target last.
        assert_eq!(timeline.legend[0].releases, ["5.2.3790.3959", "5.2.3790.4455"]);
        assert_eq!(timeline.legend[1].releases, ["SP1", "SP2"]);
        // The passive node goes first.
        let node4 = node(&cluster, "NODE4");
        assert!(timeline.columns[1].cells[node4].acted_on);
        assert!(!timeline.columns[1].cells[node4].up);
    }

    #[test]
    fn a_planned_outage_shows_the_service_offline() {
        let (cluster, plan) = example("exchange-2003-scanmail.yaml");
        let timeline = Timeline::new(&cluster, &plan).unwrap();
        let offline = timeline
            .columns
            .iter()
            .find(|column| column.risks.contains(&RiskKind::Outage))
            .expect("a column with the outage");
        let hosting = offline.cells.iter().find(|cell| !cell.services.is_empty()).unwrap();
        assert!(!hosting.services[0].online);
        assert_eq!(hosting.services[0].risk, Some(RiskKind::Outage));
    }

    #[test]
    fn moves_act_on_both_nodes() {
        let (cluster, _) = example("exchange-four-node.yaml");
        let [n0, n1, n2, n3] = [0, 1, 2, 3].map(|i| cluster.node_ids().nth(i).unwrap());
        let service = cluster.service_ids().next().unwrap();
        let action = Action::Move { service, from: n1, to: n2 };
        assert!(acts_on(&action, n1));
        assert!(acts_on(&action, n2));
        assert!(!acts_on(&action, n0));
        let component = cluster.component_ids().next().unwrap();
        let hop = rollplan_core::plan::Hop { component, from: "A".into(), to: "B".into() };
        assert!(acts_on(&Action::Upgrade { node: n3, components: vec![hop] }, n3));
        let drain = Action::Drain { node: n0, moves: vec![rollplan_core::plan::Move { service, from: n0, to: n3 }] };
        assert!(acts_on(&drain, n0) && acts_on(&drain, n3) && !acts_on(&drain, n1));
    }

    #[test]
    fn release_labels_fit_a_cell() {
        assert_eq!(short_release("SP2"), "SP2");
        assert_eq!(short_release("RTM"), "RTM");
        assert_eq!(short_release("2019CU"), "2019CU");
        assert_eq!(short_release("5.2.3790.4455"), "…4455");
        assert_eq!(short_release("15.1-2507"), "…2507");
        assert_eq!(short_release("Service Pack 2"), "…2");
        assert_eq!(short_release("averylongname"), "", "colour only");
        assert_eq!(short_release("1.0.20240101"), "", "last part too long");
    }

    #[test]
    fn huge_plans_are_not_drawn() {
        let (cluster, mut plan) = example("exchange-2003-two-node.yaml");
        let step = plan.steps[0].clone();
        plan.steps = vec![step; MAX_CELLS / 2];
        assert_eq!(Timeline::new(&cluster, &plan), None);
    }
}
