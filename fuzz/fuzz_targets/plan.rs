//! Arbitrary structured clusters (waves, replicated services, maintenance
//! windows among them): the planner returns a plan the independent
//! checker accepts, or a reason; the same cluster always gives the same plan.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use rollplan_core::check::check;
use rollplan_core::model::{
    Cluster, Component, ComponentId, Failback, Finalize, MixedFailover, Node, NodeId, Policy, Quorum, ReleasePath,
    ReplicatedParts, ServiceParts, SkewLevel, SkewLimit, SkewRule, SkewScope,
};
use rollplan_core::skew;
use rollplan_core::plan::{Outcome, plan};

const RELEASES: [&str; 3] = ["R0", "R1", "R2"];

#[derive(Debug, Arbitrary)]
struct Input {
    /// Target, rolling, mixed failover, minutes, `reversible` and a `finalize` soak, and the path.
    components: Vec<(u8, bool, u8, Option<u8>, (bool, Option<u8>), u8)>,
    nodes: Vec<([u8; 3], Option<u8>)>,
    services: Vec<(u8, u16, u8, u8)>,
    max_down: u8,
    quorum: u8,
    failback: u8,
    allow_outage: bool,
    /// Nodes in three alternating roles, the second upgraded first, then the first, then the unlisted third (`policy.order`).
    ranked: bool,
    /// Skew rules: subject, other side (the subject itself: a spread), limits, scope node, level warn.
    skew: Vec<(u8, u8, u8, u8, bool, bool)>,
    /// Replicated services: which nodes hold a copy (bits) and the minimum up.
    replicated: Vec<(u16, u8)>,
    /// `policy.window_minutes`.
    window_minutes: Option<u16>,
}

/// A valid cluster built from the fuzzer's bytes (the same invariants validation guarantees).
fn cluster(input: &Input) -> Option<Cluster> {
    let components: Vec<Component> = input
        .components
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, &(target, rolling, mixed, minutes, (reversible, soak), path))| Component {
            name: format!("c{i}"),
            title: format!("C{i}"),
            releases: RELEASES.iter().map(|r| (*r).to_owned()).collect(),
            target: RELEASES[1 + usize::from(target % 2)].to_owned(),
            rolling,
            mixed_failover: [MixedFailover::Allow, MixedFailover::Warn, MixedFailover::Forbid][usize::from(mixed % 3)],
            reboot: true,
            minutes: minutes.map(u32::from),
            reversible,
            finalize: soak.map(|soak| Finalize { title: "Finalize".to_owned(), minutes: Some(5), soak_minutes: u32::from(soak) }),
            path: match path % 3 {
                0 => ReleasePath::Direct,
                1 => ReleasePath::Sequential,
                _ => ReleasePath::Stops(vec![RELEASES[1].to_owned()]),
            },
        })
        .collect();
    if components.is_empty() || input.nodes.len() < 2 {
        return None;
    }
    let node_count = input.nodes.len().min(12);
    let mut nodes: Vec<Node> = input.nodes[..node_count]
        .iter()
        .enumerate()
        .map(|(i, (versions, capacity))| Node {
            name: format!("N{i}"),
            versions: components
                .iter()
                .enumerate()
                .map(|(c, comp)| {
                    let target = RELEASES.iter().position(|r| *r == comp.target).unwrap_or(0);
                    Some(RELEASES[usize::from(versions[c]) % (target + 1)].to_owned())
                })
                .collect(),
            capacity: capacity.map(|c| u32::from(c % 4)),
            role: input.ranked.then(|| format!("r{}", i % 3)),
        })
        .collect();
    let services: Vec<ServiceParts> = input
        .services
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, &(on, owner_bits, rotation, use_bits))| {
            let on = usize::from(on) % node_count;
            let mut owners: Vec<usize> = (0..node_count).filter(|&n| n == on || owner_bits & (1 << n) != 0).collect();
            let len = owners.len();
            owners.rotate_left(usize::from(rotation) % len);
            let uses = (0..components.len()).filter(|&c| use_bits & (1 << c) != 0).collect();
            ServiceParts { name: format!("S{i}"), on, owners: Some(owners), uses }
        })
        .collect();
    for (n, node) in nodes.iter_mut().enumerate() {
        let hosted = services.iter().filter(|s| s.on == n).count() as u32;
        if let Some(capacity) = node.capacity.as_mut() {
            *capacity = (*capacity).max(hosted);
        }
    }
    let policy = Policy {
        max_down: 1 + u32::from(input.max_down % 3),
        quorum: [Quorum::Majority, Quorum::Witness, Quorum::Disk, Quorum::None][usize::from(input.quorum % 4)],
        failback: [Failback::None, Failback::Original, Failback::Verify][usize::from(input.failback % 3)],
        allow_outage: input.allow_outage,
        order: if input.ranked { vec!["r1".to_owned(), "r0".to_owned()] } else { Vec::new() },
        skew: Vec::new(),
        window_minutes: input.window_minutes.map(|minutes| 1 + u32::from(minutes % 600)),
        // Every second cluster with ranks: only the nodes of role r0 vote.
        quorum_role: (input.ranked && input.allow_outage).then(|| "r0".to_owned()),
    };
    // The invariants validation guarantees, checked by the one constructor.
    let plain = Cluster::new("fuzz".into(), components.clone(), nodes.clone(), services.clone(), policy.clone()).ok()?;
    // Skew rules that the start and the targets keep, as validation requires of rules of level error.
    let mut rules = Vec::new();
    let ids: Vec<ComponentId> = plain.component_ids().collect();
    for &(subject, other, newer, older, node_scope, warn) in input.skew.iter().take(3) {
        let component = ids[usize::from(subject) % ids.len()];
        let against = ids[usize::from(other) % ids.len()];
        let limit = if against == component {
            SkewLimit::Spread(u32::from(newer % 3))
        } else {
            let scope = if node_scope { SkewScope::Node } else { SkewScope::Cluster };
            SkewLimit::Against { against, max_newer: Some(u32::from(newer % 3)), max_older: Some(u32::from(older % 3)), scope }
        };
        let rule = SkewRule { component, limit, level: if warn { SkewLevel::Warn } else { SkewLevel::Error } };
        let at_target = |n: NodeId, c: ComponentId| plain.node(n).version(c).map(|_| plain.component(c).target.as_str());
        if warn
            || (skew::breach(&plain, &rule, |n, c| plain.node(n).version(c)).is_none()
                && skew::breach(&plain, &rule, at_target).is_none())
        {
            rules.push(rule);
        }
    }
    // Replicated services with copies on the nodes the bits pick, using no component (any node may hold one).
    let replicated = input
        .replicated
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, &(bits, min))| {
            let mut replicas: Vec<usize> = (0..node_count).filter(|&n| bits & (1 << n) != 0).collect();
            if replicas.is_empty() {
                replicas.push(usize::from(bits) % node_count);
            }
            let min_available = 1 + u32::from(min) % replicas.len() as u32;
            ReplicatedParts { name: format!("R{i}"), replicas, min_available, uses: Vec::new() }
        })
        .collect();
    Cluster::new("fuzz".into(), components, nodes, services, Policy { skew: rules, ..policy })
        .and_then(|cluster| cluster.with_replicated(replicated))
        .ok()
}

fuzz_target!(|input: Input| {
    let Some(cluster) = cluster(&input) else { return };
    let outcome = plan(&cluster);
    match &outcome {
        Outcome::Planned(plan) => {
            if let Err(violation) = check(&cluster, plan) {
                panic!("the checker rejects the plan: {violation:?}");
            }
        }
        Outcome::Blocked(reasons) => assert!(!reasons.is_empty()),
    }
    assert_eq!(outcome, plan(&cluster), "planning is deterministic");
});
