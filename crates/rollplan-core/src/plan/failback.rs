//! Phase 2: services return to the nodes they started on (`failback: original`
//! or `verify`).
//!
//! Services whose home node was upgraded last go first: the rolling phase only
//! parks services on nodes upgraded before their own, so the last-upgraded
//! node's guests are the first whose home is free. Should a cycle remain
//! (after sideways moves), one service steps aside to a node with room.

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::sim::Sim;
use super::{Action, Blocked, BlockingRule, Broken, NoPlan};
use crate::model::{Failback, NodeId, ServiceId};

pub(super) fn run(sim: &mut Sim<'_>) -> Result<(), NoPlan> {
    let policy = sim.cluster.policy.failback;
    if policy == Failback::None {
        return Ok(());
    }
    let mut away = Away::new(sim)?;
    // Bounded: each round moves a service home, or breaks one cycle.
    let services = sim.cluster.services.len();
    for _ in 0..(2 * services + 2) {
        let Some(first) = away.first() else { return Ok(()) };
        if let Some(service) = away.first_ready() {
            let (from, to) = (sim.location(service)?, home(sim, service)?);
            sim.apply(if policy == Failback::Verify {
                Action::Verify { service, from, to }
            } else {
                Action::Move { service, from, to }
            })?;
            away.moved(sim, service, from, to)?;
            continue;
        }
        // A cycle: step one service aside to any node with room that is not its home.
        let mut aside = None;
        for service in away.in_order() {
            let (here, definition) = (sim.location(service)?, sim.cluster.service(service));
            let owners = definition.map(|d| d.owners.as_slice()).unwrap_or_default();
            if let Some(to) = owners.iter().copied().find(|&t| t != here && sim.can_host(service, t)) {
                aside = Some((service, here, to));
                break;
            }
        }
        match aside {
            Some((service, from, to)) => {
                sim.apply(Action::Move { service, from, to })?;
                away.moved(sim, service, from, to)?;
            }
            None => return Err(stuck(sim, first)),
        }
    }
    // Out of rounds: name a service that is still away.
    match away.first() {
        Some(still_away) => Err(stuck(sim, still_away)),
        None => Ok(()),
    }
}

fn home(sim: &Sim<'_>, service: ServiceId) -> Result<NodeId, Broken> {
    sim.cluster.service(service).map(|s| s.on).ok_or_else(|| Broken::index("service", service))
}

/// The order services go home in: those whose home was upgraded last first, then by declaration.
type Turn = (Reverse<usize>, ServiceId);

/// The online services away from home, in the order they go home, and
/// which of them their home could take now. Kept up to date move by move:
/// a move changes the room of two nodes, so only the services homed there
/// (and the one that moved) can change; recomputing everything each round
/// would be services² log services.
struct Away {
    turn: Vec<Turn>,
    order: BTreeSet<Turn>,
    ready: BTreeSet<Turn>,
    /// For each node, the away services whose home it is.
    homed: Vec<Vec<ServiceId>>,
}

impl Away {
    fn new(sim: &Sim<'_>) -> Result<Away, Broken> {
        let cluster = sim.cluster;
        let mut upgraded = vec![usize::MAX; cluster.nodes.len()];
        for (position, &node) in sim.upgrade_order.iter().enumerate() {
            if let Some(slot) = upgraded.get_mut(node) {
                *slot = (*slot).min(position);
            }
        }
        let mut away = Away {
            turn: Vec::with_capacity(cluster.services.len()),
            order: BTreeSet::new(),
            ready: BTreeSet::new(),
            homed: vec![Vec::new(); cluster.nodes.len()],
        };
        for (service, definition) in cluster.services.iter().enumerate() {
            let position = upgraded.get(definition.on).copied().ok_or_else(|| Broken::index("node", definition.on))?;
            let turn = (Reverse(position), service);
            away.turn.push(turn);
            let state = sim.service_state(service).ok_or_else(|| Broken::index("service", service))?;
            if state.online && state.node != definition.on {
                away.order.insert(turn);
                away.homed.get_mut(definition.on).ok_or_else(|| Broken::index("node", definition.on))?.push(service);
                away.update(sim, service)?;
            }
        }
        Ok(away)
    }

    fn first(&self) -> Option<ServiceId> {
        self.order.first().map(|&(_, service)| service)
    }

    fn first_ready(&self) -> Option<ServiceId> {
        self.ready.first().map(|&(_, service)| service)
    }

    fn in_order(&self) -> Vec<ServiceId> {
        self.order.iter().map(|&(_, service)| service).collect()
    }

    /// Whether `service`'s home can take it now.
    fn update(&mut self, sim: &Sim<'_>, service: ServiceId) -> Result<(), Broken> {
        let turn = *self.turn.get(service).ok_or_else(|| Broken::index("service", service))?;
        if self.order.contains(&turn) && sim.can_host(service, home(sim, service)?) {
            self.ready.insert(turn);
        } else {
            self.ready.remove(&turn);
        }
        Ok(())
    }

    /// Takes note that `service` moved from `from` to `to`.
    fn moved(&mut self, sim: &Sim<'_>, service: ServiceId, from: NodeId, to: NodeId) -> Result<(), Broken> {
        if to == home(sim, service)? {
            let turn = *self.turn.get(service).ok_or_else(|| Broken::index("service", service))?;
            self.order.remove(&turn);
        }
        self.update(sim, service)?;
        for node in [from, to] {
            let homed = self.homed.get(node).ok_or_else(|| Broken::index("node", node))?.clone();
            for other in homed {
                self.update(sim, other)?;
            }
        }
        Ok(())
    }
}

/// Why `service` cannot return home, unless the sim met a broken invariant
/// on the way (then that is the reason).
fn stuck(sim: &Sim<'_>, service: ServiceId) -> NoPlan {
    let Some(service) = sim.cluster.service(service) else { return Broken::index("service", service).into() };
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
