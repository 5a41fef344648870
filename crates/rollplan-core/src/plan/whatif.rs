//! "If a node failed now": where each online service would go, and what is at risk.

use super::{Risk, RiskKind, RiskLevel, State};
use crate::model::{Cluster, MixedFailover, NodeId, ServiceId};

/// Where `service` would fail over if its node failed in `state`: the first
/// owner, in preference order, other than its own node, that is up and has
/// room for one more service (`hosted` counts services per node, offline
/// ones included: they count against capacity).
pub fn failover_target(cluster: &Cluster, state: &State, hosted: &[usize], service: ServiceId) -> Option<NodeId> {
    let here = state.services[service].node;
    cluster.services[service]
        .owners
        .iter()
        .copied()
        .find(|&owner| owner != here && state.nodes[owner].up && cluster.nodes[owner].capacity.is_none_or(|capacity| hosted[owner] < capacity as usize))
}

/// The risks of a state, service by service in declaration order.
pub fn risks(cluster: &Cluster, state: &State) -> Vec<Risk> {
    let mut risks = Vec::new();
    let mut hosted = vec![0usize; state.nodes.len()];
    for service in &state.services {
        hosted[service.node] += 1;
    }
    for (id, service) in cluster.services.iter().enumerate() {
        let here = state.services[id].node;
        let node_name = &cluster.nodes[here].name;
        if !state.services[id].online {
            risks.push(Risk {
                kind: RiskKind::Outage,
                level: RiskLevel::Info,
                service: id,
                node: here,
                target: None,
                message: format!("{} is offline (planned outage): clients cannot reach it", service.name),
            });
            continue;
        }
        let Some(target) = failover_target(cluster, state, &hosted, id) else {
            risks.push(Risk {
                kind: RiskKind::NoFailoverTarget,
                level: RiskLevel::Warning,
                service: id,
                node: here,
                target: None,
                message: format!("If {node_name} fails now, {} has no node to fail over to: it stays down until {node_name} is back", service.name),
            });
            continue;
        };
        // The worst policy among the used components whose releases differ.
        let mut worst: Option<(MixedFailover, String)> = None;
        for &c in &service.uses {
            let component = &cluster.components[c];
            let (mine, theirs) = (&state.nodes[here].versions[c], &state.nodes[target].versions[c]);
            if mine == theirs || component.mixed_failover == MixedFailover::Allow {
                continue;
            }
            let what = format!("{} {theirs} while {node_name} runs {mine}", component.title);
            match &mut worst {
                Some((policy, text)) => {
                    if component.mixed_failover == MixedFailover::Forbid {
                        *policy = MixedFailover::Forbid;
                    }
                    text.push_str(", and ");
                    text.push_str(&what);
                }
                None => worst = Some((component.mixed_failover, what)),
            }
        }
        if let Some((policy, what)) = worst {
            let target_name = &cluster.nodes[target].name;
            let (level, verdict) = if policy == MixedFailover::Forbid {
                (RiskLevel::Error, "failover across these releases is forbidden")
            } else {
                (RiskLevel::Warning, "failover across revisions may not work")
            };
            risks.push(Risk {
                kind: RiskKind::MixedVersionFailover,
                level,
                service: id,
                node: here,
                target: Some(target),
                message: format!("If {node_name} fails now, {} fails over to {target_name}, which runs {what}: {verdict}", service.name),
            });
        }
    }
    risks
}
