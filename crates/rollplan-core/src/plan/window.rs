//! Phase 3: the planned-outage window for components that cannot be upgraded
//! while their services run.
//!
//! `rolling: false` says so outright; `mixed_failover: forbid` says so in
//! effect, since a running service must never have a failover target on
//! another release. The window takes exactly the services that use such a
//! component offline, upgrades every node that needs it, and brings them back:
//! it comes after the rolling phase, so it holds only these short updates.

use super::Action;
use super::Blocked;
use super::world::World;
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

pub(super) fn run(world: &mut World<'_>) -> Result<(), Blocked> {
    let components = window_components(world.cluster);
    if components.is_empty() {
        return Ok(());
    }
    let affected: Vec<ServiceId> = (0..world.cluster.services.len()).filter(|&s| world.cluster.services[s].uses.iter().any(|c| components.contains(c))).collect();
    for &service in &affected {
        let node = world.state.services[service].node;
        world.apply(Action::Offline { service, node });
    }
    for node in 0..world.cluster.nodes.len() {
        let pending = world.pending(node, &components);
        if pending.is_empty() {
            continue;
        }
        // Other services running here move to any node with room; failing that, they wait offline.
        let mut waiting = Vec::new();
        for service in world.online_on(node) {
            let target = world.cluster.services[service].owners.iter().copied().find(|&t| world.can_host(service, t));
            match target {
                Some(to) => world.apply(Action::Move { service, from: node, to }),
                None => {
                    world.apply(Action::Offline { service, node });
                    waiting.push(service);
                }
            }
        }
        world.apply(Action::Pause { node });
        world.apply(Action::Upgrade { node, components: pending });
        world.apply(Action::Resume { node });
        for service in waiting {
            world.apply(Action::Online { service, node });
        }
    }
    for &service in &affected {
        let node = world.state.services[service].node;
        world.apply(Action::Online { service, node });
    }
    Ok(())
}
