//! The planner against an exhaustive search for waves (`policy.max_down`
//! above 1) and replicated services, on clusters of up to 6 nodes. The
//! search has its own model of the rules (quorum with the whole wave down,
//! counting only the nodes of `policy.quorum_role` when it is set,
//! capacity, owners, a service never failed over from an upgraded node to
//! one that is not, replica minimums) and of a wave as the JSON contract
//! states it: the nodes of one wave are all paused before any of them is
//! resumed. It shares nothing with the planner or the checker, tries every
//! sequence of pause, upgrade, resume and move steps, and finds the fewest
//! waves, then the fewest moves among plans with that many waves.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use proptest::prelude::*;
use rollplan_core::check::check;
use rollplan_core::model::{Cluster, Failback, Node, NodeId, Policy, Quorum, ReleasePath, ReplicatedParts};
use rollplan_core::plan::{Action, Hop, Move, Outcome, RiskKind, plan, times_of};

#[path = "common/arbitrary.rs"]
mod arbitrary;
use arbitrary::{Draft, plain_component, services_from};

/// Minutes of one node's upgrade: long beside a move (5) or a pause (2), so
/// that the planner's first aim after nothing offline, the shortest wall
/// clock, is the fewest waves, as the search counts them.
const UPGRADE_MINUTES: u32 = 1_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// The planner finds a plan exactly when one exists, with the fewest
    /// waves; and no more moves than the fewest with that many waves,
    /// unless its plan is shorter on the wall clock than the search's
    /// (moves in a drain add to their node's time, so the planner's first
    /// aim may take an extra move that its wave's slowest node does not wait for).
    #[test]
    fn the_planner_needs_no_more_waves_and_moves_than_an_exhaustive_search(cluster in small_cluster_in_waves()) {
        match (plan(&cluster), search(&cluster)) {
            (Outcome::Planned(plan), Some(optimum)) => {
                let checked = check(&cluster, &plan);
                prop_assert!(checked.is_ok(), "{:?}", checked);
                let titles: Vec<_> = plan.steps.iter().map(|s| &s.title).collect();
                let searched = times_of(&cluster, &optimum.actions(&cluster)).wall_clock;
                prop_assert_eq!(plan.summary.waves, optimum.waves, "planner {:?}, search {:?}", titles, optimum.steps);
                prop_assert!(
                    plan.summary.moves <= optimum.moves || plan.summary.wall_clock_minutes < searched,
                    "planner {} moves in {} min, search {} moves in {} min: planner {:?}, search {:?}",
                    plan.summary.moves, plan.summary.wall_clock_minutes, optimum.moves, searched, titles, optimum.steps
                );
            }
            (Outcome::Blocked(reasons), None) => prop_assert!(!reasons.is_empty()),
            (Outcome::Planned(plan), None) => prop_assert!(false, "the planner found a plan the search says is impossible: {:?}", plan.steps.iter().map(|s| &s.title).collect::<Vec<_>>()),
            (Outcome::Blocked(reasons), Some(optimum)) => prop_assert!(false, "blocked ({:?}) although this plan exists: {:?}", reasons[0].message, optimum.steps),
        }
    }
}

/// 2 to 6 nodes (some already upgraded, some with room for a service or
/// two), up to 3 services that fail over, up to 2 replicated services with
/// any replicas and minimum, `max_down` 2 or 3, any quorum, failback or not.
fn small_cluster_in_waves() -> impl Strategy<Value = Cluster> {
    (
        2usize..=6,
        prop::collection::vec((any::<bool>(), prop::option::of(0u32..3)), 6),
        prop::collection::vec((0usize..64, any::<u32>(), 0usize..64, Just(1u32)), 0..=3),
        prop::collection::vec((any::<u8>(), any::<u8>()), 0..=2),
        (1u32..4, prop_oneof![Just(Quorum::Majority), Just(Quorum::Disk), Just(Quorum::Witness), Just(Quorum::None)]),
        (prop_oneof![Just(Failback::None), Just(Failback::Verify)], any::<bool>()),
    )
        .prop_map(
            |(node_count, node_seeds, service_seeds, replica_seeds, (max_down, quorum), (failback, voting_role))| {
                let mut component = plain_component("c", "C", &["old", "new"], "new", ReleasePath::Direct);
                component.minutes = Some(UPGRADE_MINUTES);
                let nodes: Vec<Node> = node_seeds
                    .iter()
                    .take(node_count)
                    .enumerate()
                    .map(|(i, (upgraded, capacity))| Node {
                        name: format!("N{i}"),
                        versions: vec![Some(if *upgraded && i % 3 == 2 { "new".into() } else { "old".into() })],
                        capacity: *capacity,
                        // With a voting role, only the even nodes vote for quorum.
                        role: voting_role.then(|| format!("r{}", i % 2)),
                    })
                    .collect();
                let services = services_from(&service_seeds, node_count, 1);
                let quorum_role = voting_role.then(|| "r0".to_owned());
                let made = Draft {
                    components: vec![component],
                    nodes,
                    services,
                    policy: Policy { max_down, quorum, failback, quorum_role, ..Policy::default() },
                }
                .build();
                let replicated = replica_seeds
                    .iter()
                    .enumerate()
                    .map(|(index, &(bits, min))| {
                        // Two copies or more, and never a minimum of every copy: that
                        // blocks any plan, as the property tests show.
                        let mut replicas: Vec<usize> = (0..node_count).filter(|&n| bits & (1 << n) != 0).collect();
                        for extra in [usize::from(bits) % node_count, (usize::from(bits) + 1) % node_count] {
                            if replicas.len() < 2 && !replicas.contains(&extra) {
                                replicas.push(extra);
                            }
                        }
                        replicas.sort_unstable();
                        let most = u32::try_from(replicas.len() - 1).unwrap();
                        let min_available = 1 + u32::from(min) % most;
                        ReplicatedParts { name: format!("R{index}"), replicas, min_available, uses: vec![0] }
                    })
                    .collect();
                made.with_replicated(replicated).unwrap()
            },
        )
}

/// The search's state: per node whether it runs the target and whether it
/// is paused, each service's node, and whether a node of the wave under way
/// has been resumed (no more may join it then). Once a wave's first node is
/// paused, the only moves until its last resume are drains (the contract of
/// docs/plan-format.md): a node that joins the wave moves its services
/// right before its pause (one step of the search), onto nodes that may then
/// not join the wave (`received`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct State {
    upgraded: Vec<bool>,
    paused: Vec<bool>,
    located: Vec<usize>,
    closing: bool,
    received: u64,
}

/// One step of the search, by positions.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Step {
    Pause(usize),
    /// A node joining a wave: its services moved (service, to), then its pause.
    DrainAndPause(usize, Vec<(usize, usize)>),
    Upgrade(usize),
    Resume(usize),
    Move {
        service: usize,
        from: usize,
        to: usize,
    },
}

/// The best sequence the search found and what it costs.
struct Optimum {
    waves: usize,
    moves: usize,
    steps: Vec<Step>,
}

impl Optimum {
    /// The steps as the planner's actions (so that the planner's clock can
    /// time them), moves off a node right before its pause made its drain.
    fn actions(&self, cluster: &Cluster) -> Vec<Action> {
        let node = |i: usize| cluster.node_ids().nth(i).expect("a node");
        let service = |i: usize| cluster.service_ids().nth(i).expect("a service");
        let component = cluster.component_ids().next().expect("a component");
        let mut actions: Vec<Action> = Vec::new();
        let mut drain: Vec<Move> = Vec::new();
        let flush = |drain: &mut Vec<Move>, actions: &mut Vec<Action>| match drain.as_slice() {
            [] => {}
            [one] => actions.push(Action::Move { service: one.service, from: one.from, to: one.to }),
            [first, ..] => actions.push(Action::Drain { node: first.from, moves: std::mem::take(drain) }),
        };
        for step in &self.steps {
            if let Step::DrainAndPause(n, moves) = step {
                flush(&mut drain, &mut actions);
                drain.clear();
                let moves: Vec<Move> =
                    moves.iter().map(|&(s, to)| Move { service: service(s), from: node(*n), to: node(to) }).collect();
                drain = moves;
                flush(&mut drain, &mut actions);
                drain.clear();
                actions.push(Action::Pause { node: node(*n) });
                continue;
            }
            if let Step::Move { service: s, from, to } = *step {
                if drain.first().is_some_and(|m| m.from != node(from)) {
                    flush(&mut drain, &mut actions);
                    drain.clear();
                }
                drain.push(Move { service: service(s), from: node(from), to: node(to) });
                continue;
            }
            flush(&mut drain, &mut actions);
            drain.clear();
            actions.push(match *step {
                Step::Pause(n) => Action::Pause { node: node(n) },
                Step::Resume(n) => Action::Resume { node: node(n) },
                Step::Upgrade(n) => Action::Upgrade {
                    node: node(n),
                    components: vec![Hop { component, from: "old".to_owned(), to: "new".to_owned() }],
                },
                Step::Move { .. } | Step::DrainAndPause(..) => unreachable!("handled above"),
            });
        }
        flush(&mut drain, &mut actions);
        actions
    }
}

/// The fewest waves, then the fewest moves, over every sequence of steps
/// that keeps the rules (Dijkstra's search on (waves, moves)), with one
/// sequence that costs that; `None` when no sequence upgrades every node
/// (and, with failback, brings every service home).
fn search(cluster: &Cluster) -> Option<Optimum> {
    let nodes = cluster.nodes().as_slice();
    let n = nodes.len();
    let max_down = cluster.policy().max_down as usize;
    let homes: Vec<usize> = cluster.services().iter().map(|s| s.on.index()).collect();
    // Owners left out are every node: spelt out here, the search's own way.
    let owners: Vec<Vec<usize>> =
        cluster.service_ids().map(|s| cluster.owners_of(s).map(NodeId::index).collect()).collect();
    let replicas: Vec<(Vec<usize>, usize)> = cluster
        .replicated()
        .iter()
        .map(|r| (r.replicas.iter().map(|n| n.index()).collect(), r.min_available as usize))
        .collect();
    // Only the voting nodes count: those of `quorum_role`, else every node.
    let voting: Vec<bool> = nodes
        .iter()
        .map(|node| cluster.policy().quorum_role.as_ref().is_none_or(|role| node.role.as_ref() == Some(role)))
        .collect();
    let voters = voting.iter().filter(|&&v| v).count();
    let quorum = |up: usize| match cluster.policy().quorum {
        Quorum::Majority => 2 * up > voters,
        Quorum::Witness => 2 * (up + 1) > voters + 1,
        Quorum::Disk => up >= 1,
        Quorum::None => true,
    };
    let start = State {
        upgraded: nodes.iter().map(|node| node.versions[0].as_deref() == Some("new")).collect(),
        paused: vec![false; n],
        located: homes.clone(),
        closing: false,
        received: 0,
    };
    let mut best: HashMap<State, (usize, usize)> = HashMap::from([(start.clone(), (0, 0))]);
    let mut came_from: HashMap<State, (State, Step)> = HashMap::new();
    let mut queue = BinaryHeap::from([Reverse(((0usize, 0usize), start))]);
    while let Some(Reverse((cost, state))) = queue.pop() {
        if best.get(&state).is_some_and(|&known| cost > known) {
            continue;
        }
        let down = state.paused.iter().filter(|&&p| p).count();
        let voters_down = (0..n).filter(|&i| state.paused[i] && voting[i]).count();
        let home = cluster.policy().failback == Failback::None || state.located == homes;
        if state.upgraded.iter().all(|&u| u) && down == 0 && home {
            let mut steps = Vec::new();
            let mut at = &state;
            while let Some((before, step)) = came_from.get(at) {
                steps.push(step.clone());
                at = before;
            }
            steps.reverse();
            // A plan that pauses no node is one wave, as the planner counts.
            return Some(Optimum { waves: cost.0.max(1), moves: cost.1, steps });
        }
        let mut next: Vec<(State, (usize, usize), Step)> = Vec::new();
        for (node, &votes) in voting.iter().enumerate() {
            let copies_kept = replicas.iter().all(|(on, min)| {
                !on.contains(&node) || on.iter().filter(|&&r| !state.paused[r] && r != node).count() >= *min
            });
            let may_join = down == 0 || (!state.closing && state.received & (1 << node) == 0);
            if !state.paused[node]
                && down < max_down
                && may_join
                && (!votes || quorum(voters - voters_down - 1))
                && copies_kept
            {
                // Empty already, or (joining a wave) drained onto nodes outside it, every way there is.
                let hosted: Vec<usize> = (0..state.located.len()).filter(|&s| state.located[s] == node).collect();
                let drains = if hosted.is_empty() {
                    vec![(state.clone(), Vec::new())]
                } else if down > 0 {
                    drains_of(&state, node, &hosted, &owners, nodes)
                } else {
                    Vec::new()
                };
                for (mut pause, moves) in drains {
                    pause.paused[node] = true;
                    let step = Step::Pause(node);
                    let cost = (cost.0 + usize::from(down == 0), cost.1 + moves.len());
                    // The drain's moves come first in the sequence, each a step of its own.
                    next.push((pause, cost, if moves.is_empty() { step } else { Step::DrainAndPause(node, moves) }));
                }
            }
            if state.paused[node] && !state.upgraded[node] {
                let mut upgrade = state.clone();
                upgrade.upgraded[node] = true;
                next.push((upgrade, cost, Step::Upgrade(node)));
            }
            if state.paused[node] {
                let mut resume = state.clone();
                resume.paused[node] = false;
                resume.closing = down > 1;
                if down == 1 {
                    resume.received = 0;
                }
                next.push((resume, cost, Step::Resume(node)));
            }
        }
        for (service, &from) in state.located.iter().enumerate() {
            for &to in &owners[service] {
                let room =
                    nodes[to].capacity.is_none_or(|c| state.located.iter().filter(|&&x| x == to).count() < c as usize);
                // Never from an upgraded node onto one that is not.
                let plain = to != from && !state.paused[to] && room && (!state.upgraded[from] || state.upgraded[to]);
                // Inside a wave services move only in the drains of the nodes that join it (above).
                if plain && down == 0 {
                    let mut moved = state.clone();
                    moved.located[service] = to;
                    next.push((moved, (cost.0, cost.1 + 1), Step::Move { service, from, to }));
                }
            }
        }
        for (next_state, next_cost, step) in next {
            if best.get(&next_state).is_none_or(|&known| next_cost < known) {
                best.insert(next_state.clone(), next_cost);
                came_from.insert(next_state.clone(), (state.clone(), step));
                queue.push(Reverse((next_cost, next_state)));
            }
        }
    }
    None
}

/// Every way to move `hosted` (the services on `node`) onto other nodes
/// that are up, own the service, have room and are not older, each marked
/// as having received a service in the wave: the states after the drain,
/// with its moves.
fn drains_of(
    state: &State,
    node: usize,
    hosted: &[usize],
    owners: &[Vec<usize>],
    nodes: &[Node],
) -> Vec<(State, Vec<(usize, usize)>)> {
    let Some((&service, rest)) = hosted.split_first() else {
        return vec![(state.clone(), Vec::new())];
    };
    let mut out = Vec::new();
    for &to in &owners[service] {
        let room = nodes[to].capacity.is_none_or(|c| state.located.iter().filter(|&&x| x == to).count() < c as usize);
        if to != node && !state.paused[to] && room && (!state.upgraded[node] || state.upgraded[to]) {
            let mut moved = state.clone();
            moved.located[service] = to;
            moved.received |= 1 << to;
            for (after, mut moves) in drains_of(&moved, node, rest, owners, nodes) {
                moves.insert(0, (service, to));
                out.push((after, moves));
            }
        }
    }
    out
}

/// The comparison above is only as good as the clusters it sees: of 300
/// generated, enough have replicated services, waves of several nodes, a
/// replicated service held at its minimum, moves, failback, a voting role
/// (`policy.quorum_role`), and no plan.
#[test]
fn the_generator_reaches_waves_replicas_and_every_outcome() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for _ in 0..300 {
        let cluster = small_cluster_in_waves().new_tree(&mut runner).expect("a cluster").current();
        let mut see = |what, when: bool| *seen.entry(what).or_default() += usize::from(when);
        see("replicated services", !cluster.replicated().is_empty());
        see("failback", cluster.policy().failback != Failback::None);
        see("a voting role", cluster.policy().quorum_role.is_some());
        match plan(&cluster) {
            Outcome::Planned(plan) => {
                let largest = (1..=plan.summary.waves)
                    .map(|wave| {
                        plan.steps.iter().filter(|s| s.wave == wave && matches!(s.action, Action::Pause { .. })).count()
                    })
                    .max()
                    .unwrap_or(0);
                see("a wave of several nodes", largest > 1);
                see("moves", plan.summary.moves > 0);
                see(
                    "a service at its minimum",
                    plan.risks
                        .iter()
                        .any(|span| span.risk.kind == RiskKind::AtMinimum || span.risk.kind == RiskKind::BelowMinimum),
                );
            }
            Outcome::Blocked(_) => see("no plan", true),
        }
    }
    for (what, count) in &seen {
        assert!(*count >= 30, "only {count} of 300 clusters have {what}: {seen:?}");
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
}

/// A gap the property test above finds with a seed other than CI's, not
/// yet closed: the planner's first wave takes N0 and N5 (their drains move
/// nothing), after which N1 (capacity 1) and N4 each go alone; three waves
/// exist if N1 goes first beside N0 (its S0 moved to N4 before the wave),
/// then N3 with N2 (S1 parked on N1), then N5 with N4. Run with
/// `cargo test -p rollplan-core --test exhaustive_waves -- --ignored`.
#[test]
#[ignore = "known planner gap: a first wave chosen for free drains costs a wave later (3 waves exist; 4 planned)"]
fn known_gap_a_first_wave_of_free_drains_costs_a_wave_later() {
    let description = "\
format: 1
cluster: P
components:
  c: {title: C, releases: [old, new], target: new, mixed_failover: warn, reboot: true, minutes: 1000}
nodes:
  - {name: N0, versions: {c: old}, capacity: 0}
  - {name: N1, versions: {c: old}, capacity: 1}
  - {name: N2, versions: {c: old}}
  - {name: N3, versions: {c: old}}
  - {name: N4, versions: {c: old}}
  - {name: N5, versions: {c: old}}
services:
  - {name: S0, on: N1}
  - {name: S1, on: N3, owners: [N1, N3]}
  - {name: S2, on: N4, owners: [N1, N4]}
  - {name: R0, replicas: [N0, N2, N4], min_available: 2}
policy: {max_down: 2, quorum: majority, failback: verify}
";
    let cluster = rollplan_core::validate_as(description, rollplan_core::Syntax::Yaml).cluster.expect("valid");
    let optimum = search(&cluster).expect("a plan exists");
    assert_eq!(optimum.waves, 3);
    match plan(&cluster) {
        Outcome::Planned(plan) => assert_eq!(plan.summary.waves, optimum.waves),
        Outcome::Blocked(reasons) => panic!("blocked: {reasons:?}"),
    }
}
