//! Arbitrary valid clusters for property tests, shared by the integration
//! tests (`#[path]` module of tests/properties.rs) and the core's unit tests
//! (`#[cfg(test)]` module of src/lib.rs, where `rollplan_core` names the
//! crate itself).

#![allow(dead_code)] // Each user takes its own subset.

use proptest::prelude::*;
use rollplan_core::model::{
    Cluster, Component, Failback, Finalize, MixedFailover, Node, Policy, Quorum, ReleasePath, ServiceParts,
};

pub const RELEASES: [&str; 3] = ["R0", "R1", "R2"];

/// The plain component of the small-cluster tests: rolling, mixed
/// failover a warning, a reboot, 10 minutes, reversible, no finalize.
pub fn plain_component(name: &str, title: &str, releases: &[&str], target: &str, path: ReleasePath) -> Component {
    Component {
        name: name.into(),
        title: title.into(),
        releases: releases.iter().map(|r| (*r).to_owned()).collect(),
        target: target.into(),
        rolling: true,
        mixed_failover: MixedFailover::Warn,
        reboot: true,
        minutes: Some(10),
        reversible: true,
        finalize: None,
        path,
    }
}

/// A component with ordered releases, some not rolling, some forbidding
/// mixed failover, some irreversible or ending with a `finalize` step, some
/// with a path through the releases between (every one, or a stop).
pub fn component() -> impl Strategy<Value = Component> {
    (
        1usize..3,
        prop::bool::weighted(0.8),
        prop_oneof![Just(MixedFailover::Allow), Just(MixedFailover::Warn), Just(MixedFailover::Forbid)],
        prop::option::of(1u32..60),
        (prop::bool::weighted(0.8), prop::option::weighted(0.3, 0u32..120)),
        prop_oneof![
            3 => Just(ReleasePath::Direct),
            1 => Just(ReleasePath::Sequential),
            1 => Just(ReleasePath::Stops(vec![RELEASES[1].to_owned()])),
        ],
    )
        .prop_map(|(target, rolling, mixed_failover, minutes, (reversible, soak), path)| Component {
            name: String::new(),
            title: String::new(),
            releases: RELEASES.iter().map(|r| (*r).to_owned()).collect(),
            target: RELEASES[target].to_owned(),
            rolling,
            mixed_failover,
            reboot: true,
            minutes,
            reversible,
            finalize: soak.map(|soak_minutes| Finalize {
                title: "Finalize".to_owned(),
                minutes: Some(5),
                soak_minutes,
            }),
            path,
        })
}

/// Raw material for one service: its node, owners (as a bit set and a
/// rotation; a bit set of 0 leaves them out: every node), uses.
pub type ServiceSeed = (usize, u32, usize, u32);

/// The parts of a cluster before [`Cluster::new`] checks them, so that a
/// generator can still adjust them.
#[derive(Clone, Debug)]
pub struct Draft {
    pub components: Vec<Component>,
    pub nodes: Vec<Node>,
    pub services: Vec<ServiceParts>,
    pub policy: Policy,
}

impl Draft {
    /// Raises capacities so that no node starts over capacity (as in a valid
    /// description), then makes the cluster.
    pub fn build(mut self) -> Cluster {
        for (n, node) in self.nodes.iter_mut().enumerate() {
            let hosted = self.services.iter().filter(|s| s.on == n).count() as u32;
            if let Some(capacity) = node.capacity.as_mut() {
                *capacity = (*capacity).max(hosted);
            }
        }
        Cluster::new("P".into(), self.components, self.nodes, self.services, self.policy).expect("a consistent draft")
    }
}

/// A valid cluster of `nodes` nodes (2–12), up to 20 services, random
/// capacities, owners (some left out, meaning every node), versions and policy.
pub fn cluster(max_nodes: usize, max_services: usize) -> impl Strategy<Value = Cluster> {
    (
        prop::collection::vec(component(), 1..=3),
        2..=max_nodes,
        prop::collection::vec((prop::collection::vec(0usize..3, 3), prop::option::of(0u32..4)), max_nodes),
        prop::collection::vec((0usize..64, any::<u32>(), 0usize..64, any::<u32>()), 0..=max_services),
        (1u32..4, prop_oneof![Just(Quorum::Majority), Just(Quorum::Witness), Just(Quorum::Disk), Just(Quorum::None)]),
        (prop_oneof![Just(Failback::None), Just(Failback::Original), Just(Failback::Verify)], any::<bool>()),
    )
        .prop_map(
            |(mut components, node_count, node_seeds, service_seeds, (max_down, quorum), (failback, allow_outage))| {
                for (i, c) in components.iter_mut().enumerate() {
                    c.name = format!("c{i}");
                    c.title = format!("Component {i}");
                }
                let nodes: Vec<Node> = node_seeds
                    .iter()
                    .take(node_count)
                    .enumerate()
                    .map(|(i, (versions, capacity))| Node {
                        name: format!("N{i}"),
                        // Never above the target: validation forbids downgrades.
                        versions: components
                            .iter()
                            .enumerate()
                            .map(|(c, comp)| {
                                Some(
                                    RELEASES[versions[c].min(RELEASES.iter().position(|r| *r == comp.target).unwrap())]
                                        .to_owned(),
                                )
                            })
                            .collect(),
                        capacity: *capacity,
                        role: None,
                    })
                    .collect();
                let services = services_from(&service_seeds, node_count, components.len());
                Draft {
                    components,
                    nodes,
                    services,
                    policy: Policy { max_down, quorum, failback, allow_outage, ..Policy::default() },
                }
                .build()
            },
        )
}

/// Services from seeds. One seed in eight leaves `owners` out (every node,
/// in declaration order); the others list a subset, rotated, which for some
/// bit sets is every node in another order (a long list).
pub fn services_from(seeds: &[ServiceSeed], nodes: usize, components: usize) -> Vec<ServiceParts> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, &(on, owner_bits, rotation, use_bits))| {
            let on = on % nodes;
            let owners = (owner_bits % 8 != 0).then(|| {
                let mut owners: Vec<usize> = (0..nodes).filter(|&n| n == on || owner_bits & (1 << n) != 0).collect();
                let len = owners.len();
                owners.rotate_left(rotation % len);
                owners
            });
            let uses: Vec<usize> = (0..components).filter(|&c| use_bits & (1 << c) != 0).collect();
            ServiceParts { name: format!("S{i}"), on, owners, uses }
        })
        .collect()
}
