//! Phase 2: services return to the nodes they started on (`failback: original`
//! or `verify`).
//!
//! Services whose home node was upgraded last go first: the rolling phase only
//! parks services on nodes upgraded before their own, so the last-upgraded
//! node's guests are the first whose home is free. Should a cycle remain
//! (after sideways moves), one service steps aside to a node with room.

use std::cmp::Reverse;

use super::sim::Sim;
use super::{Action, Blocked, BlockingRule, Broken, NoPlan};
use crate::model::{Failback, NodeId, Service, ServiceId};

/// An online service away from home.
#[derive(Clone, Copy)]
struct Away<'c> {
    service: ServiceId,
    definition: &'c Service,
    /// Where it is now.
    here: NodeId,
}

pub(super) fn run(sim: &mut Sim<'_>) -> Result<(), NoPlan> {
    let policy = sim.cluster.policy.failback;
    if policy == Failback::None {
        return Ok(());
    }
    // Bounded: each round moves a service home, or breaks one cycle.
    let services = sim.cluster.services.len();
    for _ in 0..(2 * services + 2) {
        let away = away(sim);
        let Some(&first) = away.first() else { return Ok(()) };
        if let Some(&Away { service, definition, here }) =
            away.iter().find(|a| sim.can_host(a.service, a.definition.on))
        {
            let (from, to) = (here, definition.on);
            sim.apply(if policy == Failback::Verify {
                Action::Verify { service, from, to }
            } else {
                Action::Move { service, from, to }
            })?;
            continue;
        }
        // A cycle: step one service aside to any node with room that is not its home.
        let aside = away.iter().find_map(|a| {
            a.definition.owners.iter().copied().find(|&t| t != a.here && sim.can_host(a.service, t)).map(|t| (a, t))
        });
        match aside {
            Some((&Away { service, here, .. }, to)) => sim.apply(Action::Move { service, from: here, to })?,
            None => return Err(stuck(sim, first.definition)),
        }
    }
    // Out of rounds: name a service that is still away.
    match away(sim).first() {
        Some(still_away) => Err(stuck(sim, still_away.definition)),
        None => Ok(()),
    }
}

/// Online services away from home, those whose home was upgraded last first.
fn away<'c>(sim: &Sim<'c>) -> Vec<Away<'c>> {
    let cluster = sim.cluster;
    let position = |home: NodeId| sim.upgrade_order.iter().position(|&n| n == home).unwrap_or(usize::MAX);
    // The state has one entry per service of the cluster: it was made from it.
    let mut away: Vec<Away<'c>> = cluster
        .services
        .iter()
        .zip(&sim.state.services)
        .enumerate()
        .filter(|(_, (definition, state))| state.online && state.node != definition.on)
        .map(|(service, (definition, state))| Away { service, definition, here: state.node })
        .collect();
    away.sort_by_key(|a| (Reverse(position(a.definition.on)), a.service));
    away
}

/// Why `service` cannot return home, unless the sim met a broken invariant
/// on the way (then that is the reason).
fn stuck(sim: &Sim<'_>, service: &Service) -> NoPlan {
    if let Err(broken) = sim.intact() {
        return broken.into();
    }
    let Some(home) = sim.cluster.node(service.on) else { return Broken::index("node", service.on).into() };
    let (name, home) = (&service.name, &home.name);
    NoPlan::Blocked(Blocked {
        rule: BlockingRule::Failback,
        service: Some(name.clone()),
        node: Some(home.clone()),
        message: format!("{name} cannot return to {home}: every node it could pass through is full"),
        unblock: vec![
            format!("raise the `capacity` of {home} or of another owner of {name}"),
            "keep services where the upgrade leaves them: `policy.failback: none`".to_owned(),
        ],
    })
}
