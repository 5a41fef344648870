//! "If a node failed now": where each online service would go, and what is at risk.

use super::{Broken, Risk, RiskKind, RiskLevel, State};
use crate::model::{Cluster, MixedFailover, NodeId, Service, ServiceId};

/// Where `service` would fail over from `here` if that node failed in
/// `state`: the first owner, in preference order, other than `here`, that is
/// up and has room for one more service (`hosted` counts services per node,
/// offline ones included: they count against capacity). An error only for an
/// owner the state does not have.
pub fn failover_target(
    cluster: &Cluster,
    state: &State,
    hosted: &[usize],
    service: &Service,
    here: NodeId,
) -> Result<Option<NodeId>, Broken> {
    for &owner in &service.owners {
        if owner == here {
            continue;
        }
        let (Some(owner_state), Some(node), Some(&count)) = (state.node(owner), cluster.node(owner), hosted.get(owner))
        else {
            return Err(Broken::index("node", owner));
        };
        if owner_state.up && node.capacity.is_none_or(|capacity| count < capacity as usize) {
            return Ok(Some(owner));
        }
    }
    Ok(None)
}

/// The risks of a state, service by service in declaration order. An error
/// only for a state that does not fit the cluster. The planner records risks
/// incrementally ([`super::world`]); this whole-state form is its reference.
#[cfg(test)]
pub fn risks(cluster: &Cluster, state: &State) -> Result<Vec<Risk>, Broken> {
    let hosted = hosted(state)?;
    let mut risks = Vec::new();
    for id in 0..cluster.services.len() {
        risks.extend(risk_of(cluster, state, &hosted, id)?);
    }
    Ok(risks)
}

/// How many services (online or not) each node hosts in `state`.
pub fn hosted(state: &State) -> Result<Vec<usize>, Broken> {
    let mut hosted = vec![0usize; state.nodes.len()];
    for service in &state.services {
        *hosted.get_mut(service.node).ok_or_else(|| Broken::index("node", service.node))? += 1;
    }
    Ok(hosted)
}

/// The risk of service `id` in `state`, if it has one. It depends only on
/// the service's own state and on the state of its owners (which include the
/// node it runs on): that is what lets [`super::world`] recompute only the
/// services a step touches. `hosted` is [`hosted`] of `state`.
pub fn risk_of(cluster: &Cluster, state: &State, hosted: &[usize], id: ServiceId) -> Result<Option<Risk>, Broken> {
    let (Some(service), Some(service_state)) = (cluster.service(id), state.service(id)) else {
        return Err(Broken::index("service", id));
    };
    let here = service_state.node;
    let (Some(here_node), Some(here_state)) = (cluster.node(here), state.node(here)) else {
        return Err(Broken::index("node", here));
    };
    let node_name = &here_node.name;
    if !service_state.online {
        return Ok(Some(Risk {
            kind: RiskKind::Outage,
            level: RiskLevel::Info,
            service: id,
            node: here,
            target: None,
            message: format!("{} is offline (planned outage): clients cannot reach it", service.name),
        }));
    }
    let Some(target) = failover_target(cluster, state, hosted, service, here)? else {
        return Ok(Some(Risk {
            kind: RiskKind::NoFailoverTarget,
            level: RiskLevel::Warning,
            service: id,
            node: here,
            target: None,
            message: format!(
                "If {node_name} fails now, {} has no node to fail over to: it stays down until {node_name} is back",
                service.name
            ),
        }));
    };
    let (Some(target_node), Some(target_state)) = (cluster.node(target), state.node(target)) else {
        return Err(Broken::index("node", target));
    };
    // The worst policy among the used components whose releases differ.
    let mut worst: Option<(MixedFailover, String)> = None;
    for &c in &service.uses {
        let (Some(component), Some(mine), Some(theirs)) =
            (cluster.component(c), here_state.version(c), target_state.version(c))
        else {
            return Err(Broken::new(format!(
                "component #{c} is missing from the cluster or from the state of node #{here} or #{target}"
            )));
        };
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
    let Some((policy, what)) = worst else { return Ok(None) };
    let target_name = &target_node.name;
    let (level, verdict) = if policy == MixedFailover::Forbid {
        (RiskLevel::Error, "failover across these releases is forbidden")
    } else {
        (RiskLevel::Warning, "failover across revisions may not work")
    };
    Ok(Some(Risk {
        kind: RiskKind::MixedVersionFailover,
        level,
        service: id,
        node: here,
        target: Some(target),
        message: format!(
            "If {node_name} fails now, {} fails over to {target_name}, which runs {what}: {verdict}",
            service.name
        ),
    }))
}
