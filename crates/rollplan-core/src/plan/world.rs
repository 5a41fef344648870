//! Turns the planner's actions into steps: each with its text, and the risks
//! a node failure would bring, kept as spans over the steps.
//!
//! Linear in the plan: a step recomputes the risks of the services it can
//! change (the owners of the nodes it touches) rather than of all services,
//! and the totals are kept as running counts. What a step can change: a
//! service's risk depends only on its own state and on the state of its
//! owners (`whatif::risk_of`), and a step changes one service or one node.

use super::sim::Sim;
use super::{Action, Broken, Plan, RiskSpan, State, Step, Summary, details, whatif};
use crate::model::{Cluster, NodeId, ServiceId};

/// Replays `actions` from the cluster's current state into a complete plan.
/// An error only for an action naming what the cluster does not have.
pub(super) fn record(cluster: &Cluster, actions: Vec<Action>) -> Result<Plan, Broken> {
    let owned_by = owned_by(cluster)?;
    // The planner's scratch model replays the actions: it keeps the state,
    // and counts moves and steps with mixed releases as the search does.
    let mut sim = Sim::new(cluster)?;
    let mut hosted = whatif::hosted(&sim.state)?;
    let mut totals = Totals::new(cluster, &sim.state);
    // The span holding each service's current risk, if it has one. A span's
    // `last` is provisional while it is open and set when it closes, so that
    // a step costs what it touches, not what stands.
    let mut open: Vec<Option<usize>> = vec![None; cluster.services.len()];
    let mut risks: Vec<RiskSpan> = Vec::new();
    let mut standing = 0usize;
    let mut steps = Vec::with_capacity(actions.len());
    let mut touched: Vec<ServiceId> = Vec::new();
    for (index, action) in actions.into_iter().enumerate() {
        let (title, details) = details::describe(cluster, &sim.state, &action)?;
        totals.count(&sim.state, &action, details.minutes)?;
        sim.apply(action.clone())?;
        touched.clear();
        touched_by(&action, &owned_by, &mut hosted, &mut touched)?;
        if index == 0 {
            // Nothing is recorded yet: every service's risk is new.
            touched.clear();
            touched.extend(0..cluster.services.len());
        }
        for &service in &touched {
            let now = whatif::risk_of(cluster, &sim.state, &hosted, service)?;
            let slot = open.get_mut(service).ok_or_else(|| Broken::index("service", service))?;
            let current = slot.and_then(|span| risks.get(span)).map(|span| &span.risk);
            if current == now.as_ref() {
                continue;
            }
            if let Some(span) = slot.take().and_then(|span| risks.get_mut(span)) {
                // It stood after the previous step, and no longer does.
                span.last = index.saturating_sub(1);
                standing -= 1;
            }
            if let Some(risk) = now {
                *slot = Some(risks.len());
                risks.push(RiskSpan { risk, first: index, last: index });
                standing += 1;
            }
        }
        steps.push(Step { action, title, details, risk_count: standing });
    }
    // What stands after the last step stands to the end.
    let end = steps.len().saturating_sub(1);
    for span in open.into_iter().flatten() {
        if let Some(span) = risks.get_mut(span) {
            span.last = end;
        }
    }
    let mut summary = totals.finish();
    summary.moves = sim.moves;
    summary.mixed_version_steps = sim.mixed_steps;
    Ok(Plan { steps, risks, summary })
}

/// For each node, the services that may run on it (whose risk its state feeds).
fn owned_by(cluster: &Cluster) -> Result<Vec<Vec<ServiceId>>, Broken> {
    let mut owned_by = vec![Vec::new(); cluster.nodes.len()];
    for (id, service) in cluster.services.iter().enumerate() {
        for &owner in &service.owners {
            owned_by.get_mut(owner).ok_or_else(|| Broken::index("node", owner))?.push(id);
        }
    }
    Ok(owned_by)
}

/// The services whose risk `action` may change, into `touched`; keeps `hosted` up to date.
fn touched_by(
    action: &Action,
    owned_by: &[Vec<ServiceId>],
    hosted: &mut [usize],
    touched: &mut Vec<ServiceId>,
) -> Result<(), Broken> {
    let owners_of = |node: NodeId| owned_by.get(node).ok_or_else(|| Broken::index("node", node));
    match action {
        Action::Move { service, from, to } | Action::Verify { service, from, to } => {
            for (node, change) in [(*from, -1isize), (*to, 1)] {
                let count = hosted.get_mut(node).ok_or_else(|| Broken::index("node", node))?;
                *count = count.checked_add_signed(change).ok_or_else(|| Broken::new("a node hosts fewer than none"))?;
            }
            touched.push(*service);
            touched.extend(owners_of(*from)?);
            touched.extend(owners_of(*to)?);
            touched.sort_unstable();
            touched.dedup();
        }
        Action::Pause { node } | Action::Upgrade { node, .. } | Action::Resume { node } => {
            touched.extend(owners_of(*node)?);
        }
        Action::Offline { service, .. } | Action::Online { service, .. } => touched.push(*service),
    }
    Ok(())
}

/// The plan's totals the sim does not keep, as running counts while the
/// steps are recorded (recounting the whole state after each step would be
/// steps × services).
struct Totals {
    summary: Summary,
    /// Which services some step takes offline.
    taken_offline: Vec<bool>,
    /// Services offline in the state before the step being counted.
    offline_now: usize,
}

impl Totals {
    fn new(cluster: &Cluster, state: &State) -> Totals {
        Totals {
            summary: Summary::default(),
            taken_offline: vec![false; cluster.services.len()],
            offline_now: state.services.iter().filter(|s| !s.online).count(),
        }
    }

    /// Counts one step; `before` is the state it starts from.
    fn count(&mut self, before: &State, action: &Action, minutes: Option<u32>) -> Result<(), Broken> {
        let summary = &mut self.summary;
        summary.steps += 1;
        let minutes = minutes.unwrap_or_else(|| {
            summary.estimate_incomplete = true;
            0
        });
        summary.estimated_minutes += minutes;
        // A service counts as offline for a step if it is offline before or after it.
        let mut offline = self.offline_now;
        match *action {
            Action::Offline { service, .. } => {
                let online = before.service(service).ok_or_else(|| Broken::index("service", service))?.online;
                if let Some(taken) = self.taken_offline.get_mut(service) {
                    *taken = true;
                }
                if online {
                    offline += 1;
                    self.offline_now += 1;
                }
            }
            Action::Online { service, .. }
                if !before.service(service).ok_or_else(|| Broken::index("service", service))?.online =>
            {
                self.offline_now = self.offline_now.saturating_sub(1);
            }
            _ => {}
        }
        summary.outage_minutes += minutes * offline as u32;
        Ok(())
    }

    fn finish(mut self) -> Summary {
        self.summary.services_offline = self.taken_offline.iter().filter(|&&taken| taken).count();
        self.summary
    }
}
