//! Phase 3: the planned-outage window for components that cannot be upgraded
//! while their services run.
//!
//! `rolling: false` says so outright; `mixed_failover: forbid` says so in
//! effect, since a running service must never have a failover target on
//! another release. The window takes exactly the services that use such a
//! component offline, upgrades every node that needs it, and brings them back:
//! it comes after the rolling phase, so it holds only these short updates.

use super::Action;
use super::sim::Sim;
use crate::model::{Cluster, ComponentId, MixedFailover, ServiceId};

/// Components that need the window: non-rolling or failover-forbidden, used by a service, not yet everywhere at target.
pub(super) fn window_components(cluster: &Cluster) -> Vec<ComponentId> {
    (0..cluster.components.len())
        .filter(|&c| {
            let component = &cluster.components[c];
            (!component.rolling || component.mixed_failover == MixedFailover::Forbid)
                && cluster.services.iter().any(|s| s.uses.contains(&c))
                && cluster.nodes.iter().any(|n| n.versions[c] != component.target)
        })
        .collect()
}

/// Whether the nodes already run different releases of a window component.
pub(super) fn initially_mixed(cluster: &Cluster, components: &[ComponentId]) -> bool {
    components.iter().any(|&c| cluster.nodes.iter().any(|n| n.versions[c] != cluster.nodes[0].versions[c]))
}

pub(super) fn run(sim: &mut Sim<'_>) {
    let components = window_components(sim.cluster);
    if components.is_empty() {
        return;
    }
    let affected: Vec<ServiceId> = (0..sim.cluster.services.len()).filter(|&s| sim.cluster.services[s].uses.iter().any(|c| components.contains(c))).collect();
    for &service in &affected {
        let node = sim.state.services[service].node;
        sim.apply(Action::Offline { service, node });
    }
    for node in 0..sim.cluster.nodes.len() {
        let pending = sim.pending(node, &components);
        if pending.is_empty() {
            continue;
        }
        // Other services running here move to any node with room; failing that, they wait offline.
        let mut waiting = Vec::new();
        for service in sim.online_on(node) {
            let target = sim.cluster.services[service].owners.iter().copied().find(|&t| sim.can_host(service, t));
            match target {
                Some(to) => sim.apply(Action::Move { service, from: node, to }),
                None => {
                    sim.apply(Action::Offline { service, node });
                    waiting.push(service);
                }
            }
        }
        sim.apply(Action::Pause { node });
        sim.apply(Action::Upgrade { node, components: pending });
        sim.apply(Action::Resume { node });
        for service in waiting {
            sim.apply(Action::Online { service, node });
        }
    }
    for &service in &affected {
        let node = sim.state.services[service].node;
        sim.apply(Action::Online { service, node });
    }
}
