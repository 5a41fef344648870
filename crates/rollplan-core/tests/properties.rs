//! Property tests of the planner against two independent oracles: the checker
//! (every emitted plan keeps every rule) and, for small clusters, an
//! exhaustive search for the fewest moves.

use std::collections::VecDeque;

use proptest::prelude::*;
use rollplan_core::check::check;
use rollplan_core::model::{
    Cluster, Component, ComponentId, Failback, MixedFailover, Node, NodeId, Policy, Quorum, ReleasePath,
    ReplicatedParts, ServiceParts, SkewLevel, SkewLimit, SkewRule, SkewScope,
};
use rollplan_core::plan::{Action, BlockingRule, Move, Outcome, RiskKind, plan, plan_counting};
use rollplan_core::skew;

#[path = "common/arbitrary.rs"]
mod arbitrary;
use arbitrary::{Draft, RELEASES, cluster, plain_component, services_from};

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// The planner returns a plan the checker accepts, or an explanation; never a panic.
    #[test]
    fn every_plan_passes_the_checker_or_is_explained(cluster in cluster(12, 20)) {
        planned_and_checked_or_explained(&cluster)?;
    }

    /// With roles in `policy.order`, too: a plan the checker accepts (which
    /// includes the order), or an explanation.
    #[test]
    fn every_ordered_plan_passes_the_checker_or_is_explained(cluster in cluster(12, 20), roles in 1usize..4) {
        let (name, mut components, mut nodes, services, mut policy) = cluster.to_parts();
        // Rolling components only: a planned-outage window blocks any order (`blocked[order]`), which
        // would leave few clusters here that plan at all.
        for component in &mut components {
            component.rolling = true;
            if component.mixed_failover == MixedFailover::Forbid {
                component.mixed_failover = MixedFailover::Warn;
            }
        }
        for (i, node) in nodes.iter_mut().enumerate() {
            node.role = Some(format!("r{}", i % roles));
        }
        // The last role stays unlisted: its nodes come after the listed ones.
        policy.order = (0..roles.saturating_sub(1)).rev().map(|r| format!("r{r}")).collect();
        let cluster = Cluster::new(name, components, nodes, services, policy).unwrap();
        planned_and_checked_or_explained(&cluster)?;
    }

    /// The same input always gives the same plan.
    #[test]
    fn planning_is_deterministic(cluster in cluster(12, 20)) {
        prop_assert_eq!(plan(&cluster), plan(&cluster.clone()));
    }

    /// With skew rules (of both kinds, scopes and levels) over the
    /// generator's components, some of which have paths, and nodes that run
    /// only some components: a plan the checker accepts (every rule of level
    /// error at every step, the version-skew risks of the others, every
    /// hop), or an explanation. Rules that the starting state or the targets
    /// break are dropped, as validation refuses them.
    #[test]
    fn every_plan_under_skew_rules_passes_the_checker_or_is_explained(
        cluster in cluster(10, 12),
        seeds in prop::collection::vec((0usize..3, 0usize..3, any::<bool>(), 0u32..3, 0u32..3, any::<bool>(), any::<bool>()), 1..=3),
        partial in any::<bool>(),
    ) {
        let (name, components, mut nodes, services, mut policy) = cluster.to_parts();
        let count = components.len();
        // Roles, and with them nodes that run some components: the last
        // component only on even nodes, when no service uses it.
        if partial && count > 1 && services.iter().all(|s| !s.uses.contains(&(count - 1))) {
            for (i, node) in nodes.iter_mut().enumerate() {
                node.role = Some(if i % 2 == 0 { "even".to_owned() } else { "odd".to_owned() });
                if i % 2 == 1 {
                    node.versions[count - 1] = None;
                }
            }
        }
        let made = Cluster::new(name.clone(), components.clone(), nodes.clone(), services.clone(), policy.clone()).unwrap();
        let ids: Vec<ComponentId> = made.component_ids().collect();
        for (subject, other, spread, newer, older, node_scope, warn) in seeds {
            let component = ids[subject % count];
            let against = ids[other % count];
            let limit = if spread || against == component {
                SkewLimit::Spread(newer)
            } else {
                let scope = if node_scope { SkewScope::Node } else { SkewScope::Cluster };
                SkewLimit::Against { against, max_newer: Some(newer), max_older: Some(older), scope }
            };
            let rule = SkewRule { component, limit, level: if warn { SkewLevel::Warn } else { SkewLevel::Error } };
            let at_target = |n: NodeId, c: ComponentId| made.node(n).version(c).map(|_| made.component(c).target.as_str());
            let keeps = rule.level == SkewLevel::Warn
                || (skew::breach(&made, &rule, |n, c| made.node(n).version(c)).is_none()
                    && skew::breach(&made, &rule, at_target).is_none());
            if keeps {
                policy.skew.push(rule);
            }
        }
        let cluster = Cluster::new(name, components, nodes, services, policy).unwrap();
        planned_and_checked_or_explained(&cluster)?;
    }

    /// Any active/passive pair: the passive node first, then the move, the active node, the failback.
    #[test]
    fn active_passive_pairs_follow_the_seed_order(active in 0usize..2, failback in prop_oneof![Just(Failback::Original), Just(Failback::Verify)]) {
        let passive = 1 - active;
        let component = Component { minutes: Some(40), ..plain_component("exchange", "Exchange", &RELEASES, "R2", ReleasePath::Direct) };
        let nodes = (0..2).map(|i| Node { name: format!("NODE{}", i + 1), versions: vec![Some("R1".into())], capacity: Some(1), role: None }).collect();
        let cluster = Cluster::new("pair".into(), vec![component], nodes, vec![ServiceParts { name: "EVS1".into(), on: active, owners: Some(vec![0, 1]), uses: vec![0] }], Policy { quorum: Quorum::Disk, failback, ..Policy::default() }).unwrap();
        let Outcome::Planned(plan) = plan(&cluster) else { panic!("a pair always has a plan") };
        let outline: Vec<(&str, usize)> = plan.steps.iter().filter_map(|s| match s.action {
            Action::Upgrade { node, .. } => Some(("upgrade", node.index())),
            Action::Move { to, .. } => Some(("move", to.index())),
            Action::Verify { to, .. } => Some(("verify", to.index())),
            _ => None,
        }).collect();
        let back = if failback == Failback::Verify { "verify" } else { "move" };
        prop_assert_eq!(outline, vec![("upgrade", passive), ("move", passive), ("upgrade", active), (back, active)]);
    }

    /// For clusters of up to 6 nodes, the planner finds a plan exactly when one
    /// exists, with the fewest moves possible (one rolling component, no outages).
    #[test]
    fn the_planner_needs_no_more_moves_than_an_exhaustive_search(cluster in small_rolling_cluster()) {
        // The search below takes one node down at a time; waves are held to `max_down: 1` below.
        let cluster = with_max_down(&cluster, 1);
        let optimum = fewest_moves(&cluster);
        match (plan(&cluster), optimum) {
            (Outcome::Planned(plan), Some(optimum)) => {
                prop_assert!(check(&cluster, &plan).is_ok());
                prop_assert_eq!(plan.summary.moves, optimum, "planner {} moves, optimum {}", plan.summary.moves, optimum);
            }
            (Outcome::Blocked(reasons), None) => prop_assert!(!reasons.is_empty()),
            (Outcome::Planned(plan), None) => prop_assert!(false, "the planner found a plan the search says is impossible: {:?}", plan.steps.iter().map(|s| &s.title).collect::<Vec<_>>()),
            (Outcome::Blocked(reasons), Some(optimum)) => prop_assert!(false, "blocked ({:?}) although a plan with {optimum} moves exists", reasons[0].message),
        }
    }

    /// With replicated services (any replicas, any minimum, one node at a
    /// time or in waves): a plan the checker accepts (never a service below
    /// its minimum, the at-minimum and below-minimum risks exactly), or an
    /// explanation; blocked by `min-available` exactly when some service
    /// needs every copy up and a node holding one needs an upgrade.
    #[test]
    fn replicated_services_keep_their_minimum_or_the_plan_says_why(
        cluster in cluster(9, 8),
        seeds in prop::collection::vec((any::<u16>(), any::<u8>(), any::<bool>()), 1..4),
        max_down in 1u32..4,
    ) {
        let cluster = with_replicated(&cluster, &seeds, max_down);
        planned_and_checked_or_explained(&cluster)?;
        let never = cluster.replicated().iter().any(|service| {
            service.min_available as usize == service.replicas.len()
                && service.replicas.iter().any(|&node| !cluster.node_at_target(node))
        });
        match plan(&cluster) {
            Outcome::Planned(plan) => {
                prop_assert!(!never, "a service that needs every copy up was planned");
                // Every at-minimum risk is of a service with exactly its minimum up, two or more.
                let mut replay = plan.replay(&cluster);
                let mut index = 0;
                while replay.advance().is_some() {
                    for risk in plan.risks_after(index).filter(|risk| risk.replicated().is_some()) {
                        let service = cluster.replicated_service(risk.replicated().unwrap());
                        let up = service.replicas.iter().filter(|&&n| replay.state().node(n).up).count() as u32;
                        match risk.kind {
                            RiskKind::AtMinimum => prop_assert!(up == service.min_available && up >= 2),
                            RiskKind::BelowMinimum => prop_assert_eq!(up, 1),
                            _ => prop_assert!(up > service.min_available.max(1)),
                        }
                    }
                    index += 1;
                }
            }
            Outcome::Blocked(reasons) => {
                prop_assert_eq!(reasons.iter().any(|r| r.rule == BlockingRule::MinAvailable), never);
            }
        }
    }

    /// With maintenance windows of any length: a plan whose windows the
    /// checker accepts (every step in one, each ending at a safe point and
    /// no longer than the policy allows), or `blocked[window]` saying which
    /// stretch is too long.
    #[test]
    fn plans_in_windows_pass_the_checker_or_say_what_is_too_long(
        cluster in cluster(9, 8),
        window_minutes in 20u32..400,
        max_down in 1u32..3,
    ) {
        let (name, components, nodes, services, policy) = cluster.to_parts();
        let cluster = Cluster::new(name, components, nodes, services, Policy { max_down, window_minutes: Some(window_minutes), ..policy })
            .unwrap();
        planned_and_checked_or_explained(&cluster)?;
        if let Outcome::Planned(plan) = plan(&cluster) {
            prop_assert_eq!(plan.windows.is_empty(), plan.steps.is_empty());
            prop_assert!(plan.windows.iter().all(|window| window.minutes <= window_minutes));
            // Without the limit the same steps come out, in one stretch.
            let (name, components, nodes, services, policy) = cluster.to_parts();
            let unlimited = Cluster::new(name, components, nodes, services, Policy { window_minutes: None, ..policy }).unwrap();
            if let Outcome::Planned(whole) = rollplan_core::plan::plan(&unlimited) {
                prop_assert_eq!(&whole.steps, &plan.steps);
                prop_assert!(whole.windows.is_empty());
            }
        }
    }

    /// With waves (`max_down` above 1), the plan takes no longer on the wall
    /// clock than the one-node-at-a-time plan of the same cluster, and is
    /// found whenever that one is.
    #[test]
    fn waves_never_take_longer_than_one_node_at_a_time(cluster in small_rolling_cluster(), max_down in 2u32..4) {
        let single = with_max_down(&cluster, 1);
        let waves = with_max_down(&cluster, max_down);
        match (plan(&single), plan(&waves)) {
            (Outcome::Planned(one), Outcome::Planned(many)) => {
                prop_assert!(check(&waves, &many).is_ok());
                prop_assert!(
                    many.summary.wall_clock_minutes <= one.summary.wall_clock_minutes,
                    "waves take {} min, one at a time {} min",
                    many.summary.wall_clock_minutes,
                    one.summary.wall_clock_minutes
                );
                prop_assert!(many.summary.waves <= one.summary.waves);
            }
            (Outcome::Planned(_), Outcome::Blocked(reasons)) => {
                prop_assert!(false, "one at a time works, waves are blocked: {}", reasons[0].message);
            }
            _ => {}
        }
    }
}

/// `cluster` with `policy.max_down` set to `max_down`.
fn with_max_down(cluster: &Cluster, max_down: u32) -> Cluster {
    let (name, components, nodes, services, policy) = cluster.to_parts();
    Cluster::new(name, components, nodes, services, Policy { max_down, ..policy })
        .and_then(|made| made.with_replicated(cluster.replicated_parts()))
        .unwrap()
}

/// `cluster` with replicated services added, one per seed: its replicas are
/// the nodes a seed's bits pick (at least one), its minimum from 1 to their
/// number, and it uses each component every one of its replicas runs when
/// the seed says so (none otherwise); `max_down` as given.
fn with_replicated(cluster: &Cluster, seeds: &[(u16, u8, bool)], max_down: u32) -> Cluster {
    let count = cluster.nodes().len();
    let replicated = seeds
        .iter()
        .enumerate()
        .map(|(index, &(bits, min, uses))| {
            let mut replicas: Vec<usize> = (0..count).filter(|&n| bits & (1 << (n % 16)) != 0).collect();
            if replicas.is_empty() {
                replicas.push(usize::from(bits) % count);
            }
            let uses = if uses {
                cluster
                    .component_ids()
                    .filter(|&c| replicas.iter().all(|&n| cluster.nodes().as_slice()[n].versions[c.index()].is_some()))
                    .map(ComponentId::index)
                    .filter(|&c| cluster.components().as_slice()[c].rolling)
                    .collect()
            } else {
                Vec::new()
            };
            let min_available = 1 + u32::from(min) % u32::try_from(replicas.len()).unwrap();
            ReplicatedParts { name: format!("R{index}"), replicas, min_available, uses }
        })
        .collect();
    let (name, components, nodes, services, policy) = cluster.to_parts();
    Cluster::new(name, components, nodes, services, Policy { max_down, ..policy })
        .and_then(|made| made.with_replicated(replicated))
        .unwrap()
}

/// Up to 6 nodes and 4 services, one rolling component, outages not allowed.
/// The planner's answer for `cluster` is a plan the checker accepts, or reasons that explain themselves.
fn planned_and_checked_or_explained(cluster: &Cluster) -> Result<(), TestCaseError> {
    match plan(cluster) {
        Outcome::Planned(plan) => {
            if let Err(violation) = check(cluster, &plan) {
                prop_assert!(
                    false,
                    "checker rejects step {}: {} ({})\n{}",
                    violation.step,
                    violation.message,
                    violation.rule,
                    rollplan_core::report::plan_text(cluster, &plan, "x"),
                );
            }
        }
        Outcome::Blocked(reasons) => {
            prop_assert!(!reasons.is_empty());
            prop_assert!(reasons.iter().all(|r| !r.message.is_empty() && !r.unblock.is_empty()));
        }
    }
    Ok(())
}

fn small_rolling_cluster() -> impl Strategy<Value = Cluster> {
    (
        2usize..=6,
        prop::collection::vec((any::<bool>(), prop::option::of(0u32..3)), 6),
        prop::collection::vec((0usize..64, any::<u32>(), 0usize..64, Just(1u32)), 0..=4),
        (1u32..3, prop_oneof![Just(Quorum::Majority), Just(Quorum::Disk), Just(Quorum::Witness)]),
        prop_oneof![Just(Failback::None), Just(Failback::Verify)],
    )
        .prop_map(|(node_count, node_seeds, service_seeds, (max_down, quorum), failback)| {
            let component = plain_component("c", "C", &["old", "new"], "new", ReleasePath::Direct);
            let nodes: Vec<Node> = node_seeds
                .iter()
                .take(node_count)
                .enumerate()
                .map(|(i, (upgraded, capacity))| Node {
                    name: format!("N{i}"),
                    versions: vec![Some(if *upgraded && i % 3 == 2 { "new".into() } else { "old".into() })],
                    capacity: *capacity,
                    role: None,
                })
                .collect();
            let services = services_from(&service_seeds, node_count, 1);
            Draft {
                components: vec![component],
                nodes,
                services,
                policy: Policy { max_down, quorum, failback, ..Policy::default() },
            }
            .build()
        })
}

/// The fewest moves over every sequence of pause, upgrade, resume and move
/// steps that keeps the rules, by 0-1 breadth-first search (moves cost 1).
/// Its own model of the rules, sharing nothing with the planner or checker.
fn fewest_moves(cluster: &Cluster) -> Option<usize> {
    let n = cluster.nodes().len();
    let s = cluster.services().len();
    // State: per node 2 bits (upgraded, paused); per service 3 bits (its node).
    let encode = |upgraded: &[bool], paused: &[bool], at: &[usize]| -> usize {
        let mut key = 0usize;
        for i in 0..n {
            key = key << 2 | usize::from(upgraded[i]) << 1 | usize::from(paused[i]);
        }
        for &node in at {
            key = key << 3 | node;
        }
        key
    };
    let decode = |mut key: usize| -> (Vec<bool>, Vec<bool>, Vec<usize>) {
        let mut at = vec![0; s];
        for i in (0..s).rev() {
            at[i] = key & 7;
            key >>= 3;
        }
        let (mut upgraded, mut paused) = (vec![false; n], vec![false; n]);
        for i in (0..n).rev() {
            paused[i] = key & 1 == 1;
            upgraded[i] = key & 2 == 2;
            key >>= 2;
        }
        (upgraded, paused, at)
    };
    let quorum_holds = |up: usize| match cluster.policy().quorum {
        Quorum::Majority => 2 * up > n,
        Quorum::Witness => 2 * (up + 1) > n + 1,
        Quorum::Disk => up >= 1,
        Quorum::None => true,
    };
    let upgraded0: Vec<bool> = cluster.nodes().iter().map(|node| node.versions[0].as_deref() == Some("new")).collect();
    let start =
        encode(&upgraded0, &vec![false; n], &cluster.services().iter().map(|x| x.on.index()).collect::<Vec<_>>());
    let size = 1usize << (2 * n + 3 * s);
    let mut best = vec![u8::MAX; size];
    let mut queue = VecDeque::from([(start, 0u8)]);
    best[start] = 0;
    while let Some((key, cost)) = queue.pop_front() {
        if cost > best[key] {
            continue;
        }
        let (upgraded, paused, at) = decode(key);
        let home = cluster.policy().failback == Failback::None
            || at.iter().zip(cluster.services()).all(|(&node, x)| node == x.on.index());
        if upgraded.iter().all(|&u| u) && paused.iter().all(|&p| !p) && home {
            return Some(cost as usize);
        }
        let mut push = |next: usize, next_cost: u8, front: bool| {
            if next_cost < best[next] {
                best[next] = next_cost;
                if front { queue.push_front((next, next_cost)) } else { queue.push_back((next, next_cost)) }
            }
        };
        let down = paused.iter().filter(|&&p| p).count();
        for node in 0..n {
            if !paused[node]
                && !at.contains(&node)
                && down < cluster.policy().max_down as usize
                && quorum_holds(n - down - 1)
            {
                let mut p = paused.clone();
                p[node] = true;
                push(encode(&upgraded, &p, &at), cost, true);
            }
            if paused[node] && !upgraded[node] {
                let mut u = upgraded.clone();
                u[node] = true;
                push(encode(&u, &paused, &at), cost, true);
            }
            if paused[node] {
                let mut p = paused.clone();
                p[node] = false;
                push(encode(&upgraded, &p, &at), cost, true);
            }
        }
        for (service, id) in cluster.service_ids().enumerate() {
            let from = at[service];
            // Owners left out are every node: spelt out here, the oracle's own way.
            for to in cluster.owners_of(id).map(NodeId::index) {
                let room = cluster.nodes().as_slice()[to]
                    .capacity
                    .is_none_or(|c| at.iter().filter(|&&x| x == to).count() < c as usize);
                if to != from && !paused[to] && room && (!upgraded[from] || upgraded[to]) {
                    let mut moved = at.clone();
                    moved[service] = to;
                    push(encode(&upgraded, &paused, &moved), cost + 1, false);
                }
            }
        }
    }
    None
}

/// A gap the exhaustive comparison found (proptest seed `cc c053d600`), now
/// closed: N2 already runs the target and is full (S0 and S2 would both
/// need it), N1 takes no services. The fewest moves is 4: drain N3 onto N2,
/// upgrade N3, send S1 home (which also frees N2), drain N0 onto N2, upgrade
/// N0, fail S2 back. A planner that never sends a service home early moves
/// S0 off N2 and back instead (6 moves).
#[test]
fn sending_a_service_home_early_makes_room_for_a_later_drain() {
    let description = "\
format: 1
cluster: S
components:
  c: {title: C, releases: [old, new], target: new, mixed_failover: warn, minutes: 10}
nodes:
  - {name: N0, versions: {c: old}}
  - {name: N1, versions: {c: old}, capacity: 0}
  - {name: N2, versions: {c: new}, capacity: 2}
  - {name: N3, versions: {c: old}}
services:
  - {name: S0, on: N2, owners: [N0, N2, N3], uses: [c]}
  - {name: S1, on: N3, owners: [N1, N2, N3], uses: [c]}
  - {name: S2, on: N0, owners: [N0, N2], uses: [c]}
policy: {max_down: 1, quorum: majority, failback: verify}
";
    let cluster = rollplan_core::validate_as(description, rollplan_core::Syntax::Yaml).cluster.expect("valid");
    assert_eq!(fewest_moves(&cluster), Some(4));
    let Outcome::Planned(plan) = plan(&cluster) else { panic!("a plan exists") };
    assert!(check(&cluster, &plan).is_ok());
    assert_eq!(plan.summary.moves, 4);
}

#[test]
fn the_checker_catches_a_broken_plan() {
    // The seed, planned, then broken in ways the checker must notice.
    let component = Component {
        name: "exchange".into(),
        title: "Exchange".into(),
        releases: RELEASES.iter().map(|r| (*r).to_owned()).collect(),
        target: "R2".into(),
        rolling: true,
        mixed_failover: MixedFailover::Warn,
        reboot: true,
        minutes: Some(40),
        reversible: true,
        finalize: None,
        path: ReleasePath::Direct,
    };
    let nodes = (0..2)
        .map(|i| Node {
            name: format!("NODE{}", i + 1),
            versions: vec![Some("R1".into())],
            capacity: Some(1),
            role: None,
        })
        .collect();
    let cluster = Cluster::new(
        "seed".into(),
        vec![component],
        nodes,
        vec![ServiceParts { name: "EVS1".into(), on: 0, owners: Some(vec![0, 1]), uses: vec![0] }],
        Policy { quorum: Quorum::Disk, ..Policy::default() },
    )
    .unwrap();
    let (first, second) = (cluster.node_named("NODE1").unwrap(), cluster.node_named("NODE2").unwrap());
    let evs1 = cluster.service_named("EVS1").unwrap();
    let Outcome::Planned(good) = plan(&cluster) else { panic!("the seed has a plan") };
    assert_eq!(check(&cluster, &good), Ok(()));

    let rule_of = |broken: &rollplan_core::plan::Plan| check(&cluster, broken).unwrap_err().rule;
    // Leaving out the failback.
    let mut broken = good.clone();
    broken.steps.pop();
    assert_eq!(rule_of(&broken), "end-failback");
    // Moving the service before NODE2 is upgraded, then upgrading NODE2 under it.
    let mut broken = good.clone();
    broken.steps.swap(0, 3);
    assert!(check(&cluster, &broken).is_err());
    // Skipping the pause: upgrading a running node.
    let mut broken = good.clone();
    broken.steps.remove(0);
    assert_eq!(rule_of(&broken), "upgrade-running-node");
    // A plan that hides a risk: EVS1 has no failover target while NODE2 is paused.
    let mut broken = good.clone();
    assert_eq!(broken.risks[0].risk.kind, RiskKind::NoFailoverTarget);
    broken.risks.remove(0);
    assert_eq!(rule_of(&broken), "risks");
    // A plan that says a risk ends before it does.
    let mut broken = good.clone();
    broken.risks[0].last = broken.risks[0].first;
    assert_eq!(rule_of(&broken), "risks");
    // A plan that miscounts its risks.
    let mut broken = good.clone();
    broken.steps[0].risk_count += 1;
    assert_eq!(rule_of(&broken), "risks");
    // Failing back to old software: right after EVS1 moved to the upgraded NODE2, move it back to NODE1 (still SP1).
    let mut broken = good.clone();
    let moved = broken.steps.iter().position(|s| matches!(s.action, Action::Move { .. })).unwrap();
    broken.steps.truncate(moved + 1);
    let mut back = broken.steps[moved].clone();
    back.action = Action::Move { service: evs1, from: second, to: first };
    broken.steps.push(back);
    assert_eq!(rule_of(&broken), "older-release");
    // Exceeding max_down: pause both nodes.
    let mut broken = good.clone();
    let mut second_pause = broken.steps[0].clone();
    second_pause.action = Action::Pause { node: first };
    broken.steps.insert(1, second_pause);
    assert!(matches!(rule_of(&broken), "max-down" | "service-on-paused-node"));
    // A drain that moves nothing, and one that moves a service onto the node it drains.
    let mut broken = good.clone();
    broken.steps[0].action = Action::Drain { node: first, moves: Vec::new() };
    assert_eq!(rule_of(&broken), "drain-nothing");
    let mut broken = good.clone();
    let moved = broken.steps.iter().position(|s| matches!(s.action, Action::Move { .. })).unwrap();
    broken.steps[moved].action =
        Action::Drain { node: second, moves: vec![Move { service: evs1, from: first, to: second }] };
    assert_eq!(rule_of(&broken), "drain-onto-node");
    // A failback to a node that is not the service's home.
    let mut broken = good;
    let last = broken.steps.len() - 1;
    broken.steps[last].action =
        Action::Failback { node: second, moves: vec![Move { service: evs1, from: second, to: second }], verify: true };
    assert_eq!(rule_of(&broken), "failback");
}

/// Services grouped into drains and failbacks, one step per node: the
/// checker replays a drain move by move, so a drain whose order would
/// overfill a node on the way is caught even though its end state fits.
#[test]
fn the_checker_replays_a_drain_move_by_move() {
    let description = "\
format: 1
components:
  app: {releases: [A, B], target: B}
nodes:
  - {name: N0, versions: {app: A}, capacity: 2}
  - {name: N1, versions: {app: A}, capacity: 2}
  - {name: N2, versions: {app: A}, capacity: 2}
services:
  - {name: S0, on: N0}
  - {name: S1, on: N0}
  - {name: S2, on: N1}
policy: {quorum: majority, failback: verify}
";
    let cluster = rollplan_core::validate_as(description, rollplan_core::Syntax::Yaml).cluster.expect("valid");
    let Outcome::Planned(plan) = plan(&cluster) else { panic!("a plan exists") };
    assert_eq!(check(&cluster, &plan), Ok(()));
    let drain = plan.steps.iter().position(|s| matches!(s.action, Action::Drain { .. })).expect("a drain step");
    let Action::Drain { node, moves } = plan.steps[drain].action.clone() else { unreachable!() };
    assert_eq!(moves.len(), 2);
    assert!(plan.steps[drain].title.starts_with("Drain "), "{}", plan.steps[drain].title);
    // Both services of the drain sent to one node that has room for only one more.
    // N2 hosts S2 by then (it went there to make way for N1's upgrade): room for one.
    let full = cluster.node_named("N2").unwrap();
    assert!(moves.iter().all(|m| m.to != full && m.from != full));
    let mut broken = plan.clone();
    let crowded: Vec<Move> = moves.iter().map(|m| Move { to: full, ..*m }).collect();
    broken.steps[drain].action = Action::Drain { node, moves: crowded };
    let violation = check(&cluster, &broken).unwrap_err();
    assert_eq!((violation.step, violation.rule), (drain + 1, "capacity"), "{violation:?}");
}

/// Planning is near-linear: on 1,000 nodes whose services may run anywhere
/// (owners left out, the shape that made the planner cubic), the planner's
/// own count of its work stays within a small multiple of nodes + services,
/// and so do the risk spans. A quadratic step would count hundreds of times
/// more, so this fails deterministically, on any machine.
///
/// With capacity so tight that one node's room is all there is, every step
/// moves that room, and with it every service's failover target. Their risks
/// are kept by group (how they would fare), not per service, so this shape
/// is held to the same bounds, and its risks are worked out to the end.
#[test]
fn planning_work_grows_linearly_with_the_cluster() {
    use std::fmt::Write;
    for (shape, capacity) in [("unlimited", None), ("one spare node", Some(2))] {
        let nodes = 1000;
        let mut text =
            String::from("format: 1\ncomponents:\n  os: {releases: [A, B], target: B, minutes: 20}\nnodes:\n");
        for i in 0..nodes {
            match capacity {
                Some(c) => writeln!(text, "  - {{name: N{i}, versions: {{os: A}}, capacity: {c}}}").unwrap(),
                None => writeln!(text, "  - {{name: N{i}, versions: {{os: A}}}}").unwrap(),
            }
        }
        text.push_str("services:\n");
        // With a capacity, the last node is the spare: it hosts nothing.
        let hosting = if capacity.is_some() { nodes - 1 } else { nodes };
        for i in 0..hosting {
            for k in 0..2 {
                writeln!(text, "  - {{name: S{i}_{k}, on: N{i}}}").unwrap();
            }
        }
        text.push_str("policy: {quorum: majority, failback: verify}\n");
        let cluster = rollplan_core::validate_as(&text, rollplan_core::Syntax::Yaml).cluster.expect("valid");
        let (outcome, work) = plan_counting(&cluster);
        let Outcome::Planned(plan) = outcome else { panic!("{shape}: no plan") };
        let size = (cluster.nodes().len() + cluster.services().len()) as u64;
        println!(
            "{shape}: {work} units of work for {size} nodes + services, {} steps, {} risk spans",
            plan.steps.len(),
            plan.risks.len()
        );
        let spans = plan.risks.len() as u64;
        assert!(work < 60 * size, "{shape}: {work} units of work for {size} nodes + services");
        assert!(spans < 2 * size, "{shape}: {spans} risk spans for {size} nodes + services");
        assert_eq!(plan.summary.risks_through_step, None, "{shape}: risks worked out to the end");
        assert_eq!(plan.summary.moves, 2 * 2 * hosting, "{shape}: every service out once and home once");
    }
}
