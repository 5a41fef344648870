//! Phase 2: services return to the nodes they started on (`failback: original`
//! or `verify`).
//!
//! Services whose home node was upgraded last go first: the rolling phase only
//! parks services on nodes upgraded before their own, so the last-upgraded
//! node's guests are the first whose home is free. Should a cycle remain
//! (after sideways moves), one service steps aside to a node with room.

use super::sim::Sim;
use super::{Action, Blocked, BlockingRule};
use crate::model::{Failback, ServiceId};

pub(super) fn run(sim: &mut Sim<'_>) -> Result<(), Blocked> {
    let policy = sim.cluster.policy.failback;
    if policy == Failback::None {
        return Ok(());
    }
    // Bounded: each round moves a service home, or breaks one cycle.
    let services = sim.cluster.services.len();
    for _ in 0..(2 * services + 2) {
        let away: Vec<ServiceId> = order(sim).into_iter().filter(|&s| sim.state.services[s].node != sim.cluster.services[s].on && sim.state.services[s].online).collect();
        let Some(&first) = away.first() else { return Ok(()) };
        if let Some(&service) = away.iter().find(|&&s| sim.can_host(s, sim.cluster.services[s].on)) {
            let (from, to) = (sim.state.services[service].node, sim.cluster.services[service].on);
            sim.apply(if policy == Failback::Verify { Action::Verify { service, from, to } } else { Action::Move { service, from, to } });
            continue;
        }
        // A cycle: step one service aside to any node with room that is not its home.
        let aside = away.iter().find_map(|&s| {
            let here = sim.state.services[s].node;
            sim.cluster.services[s].owners.iter().copied().find(|&t| t != here && sim.can_host(s, t)).map(|t| (s, t))
        });
        match aside {
            Some((service, to)) => {
                let from = sim.state.services[service].node;
                sim.apply(Action::Move { service, from, to });
            }
            None => return Err(stuck(sim, first)),
        }
    }
    Err(stuck(sim, 0))
}

/// Services by the position of their home node in the upgrade order, last upgraded first.
fn order(sim: &Sim<'_>) -> Vec<ServiceId> {
    let position = |s: ServiceId| sim.upgrade_order.iter().position(|&n| n == sim.cluster.services[s].on).unwrap_or(usize::MAX);
    let mut services: Vec<ServiceId> = (0..sim.cluster.services.len()).collect();
    services.sort_by_key(|&s| (std::cmp::Reverse(position(s)), s));
    services
}

fn stuck(sim: &Sim<'_>, service: ServiceId) -> Blocked {
    let cluster = sim.cluster;
    let name = cluster.services.get(service).map_or_else(String::new, |s| s.name.clone());
    let home = cluster.services.get(service).map_or_else(String::new, |s| cluster.nodes[s.on].name.clone());
    Blocked {
        rule: BlockingRule::Failback,
        service: Some(name.clone()),
        node: Some(home.clone()),
        message: format!("{name} cannot return to {home}: every node it could pass through is full"),
        unblock: vec![format!("raise the `capacity` of {home} or of another owner of {name}"), "keep services where the upgrade leaves them: `policy.failback: none`".to_owned()],
    }
}
