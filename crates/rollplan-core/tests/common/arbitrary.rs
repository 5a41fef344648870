//! Arbitrary valid clusters for property tests, shared by the integration
//! tests (`#[path]` module of tests/properties.rs) and the core's unit tests
//! (`#[cfg(test)]` module of src/lib.rs, where `rollplan_core` names the
//! crate itself).

#![allow(dead_code)] // Each user takes its own subset.

use proptest::prelude::*;
use rollplan_core::model::{Cluster, Component, Failback, MixedFailover, Node, Policy, Quorum, Service};

pub const RELEASES: [&str; 3] = ["R0", "R1", "R2"];

/// A component with ordered releases, some not rolling, some forbidding mixed failover.
pub fn component() -> impl Strategy<Value = Component> {
    (
        1usize..3,
        prop::bool::weighted(0.8),
        prop_oneof![Just(MixedFailover::Allow), Just(MixedFailover::Warn), Just(MixedFailover::Forbid)],
        prop::option::of(1u32..60),
    )
        .prop_map(|(target, rolling, mixed_failover, minutes)| Component {
            name: String::new(),
            title: String::new(),
            releases: RELEASES.iter().map(|r| (*r).to_owned()).collect(),
            target: RELEASES[target].to_owned(),
            rolling,
            mixed_failover,
            reboot: true,
            minutes,
        })
}

/// Raw material for one service: its node, owners (as a bit set and a rotation), uses.
pub type ServiceSeed = (usize, u32, usize, u32);

/// A valid cluster of `nodes` nodes (2–12), up to 20 services, random capacities, owners, versions and policy.
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
                                RELEASES[versions[c].min(RELEASES.iter().position(|r| *r == comp.target).unwrap())]
                                    .to_owned()
                            })
                            .collect(),
                        capacity: *capacity,
                    })
                    .collect();
                let services = services_from(&service_seeds, node_count, components.len());
                let mut cluster = Cluster {
                    name: "P".into(),
                    components,
                    nodes,
                    services,
                    policy: Policy { max_down, quorum, failback, allow_outage },
                };
                // Valid descriptions never start over capacity.
                for n in 0..node_count {
                    let hosted = cluster.services.iter().filter(|s| s.on == n).count() as u32;
                    if let Some(capacity) = cluster.nodes[n].capacity.as_mut() {
                        *capacity = (*capacity).max(hosted);
                    }
                }
                cluster
            },
        )
}

pub fn services_from(seeds: &[ServiceSeed], nodes: usize, components: usize) -> Vec<Service> {
    seeds
        .iter()
        .enumerate()
        .map(|(i, &(on, owner_bits, rotation, use_bits))| {
            let on = on % nodes;
            let mut owners: Vec<usize> = (0..nodes).filter(|&n| n == on || owner_bits & (1 << n) != 0).collect();
            let len = owners.len();
            owners.rotate_left(rotation % len);
            let uses: Vec<usize> = (0..components).filter(|&c| use_bits & (1 << c) != 0).collect();
            Service { name: format!("S{i}"), on, owners, uses }
        })
        .collect()
}
