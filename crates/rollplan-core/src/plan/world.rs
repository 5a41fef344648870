//! Turns the planner's actions into steps: each with its text, the state
//! after it, and what a node failure would do then.

use super::sim::apply_to;
use super::{Action, Broken, Plan, State, Step, Summary, details, whatif};
use crate::model::Cluster;

/// Replays `actions` from the cluster's current state into a complete plan.
/// An error only for an action naming what the cluster does not have.
pub(super) fn record(cluster: &Cluster, actions: Vec<Action>) -> Result<Plan, Broken> {
    let mut state = State::initial(cluster);
    let mut steps = Vec::with_capacity(actions.len());
    for action in actions {
        let (title, details) = details::describe(cluster, &state, &action)?;
        apply_to(cluster, &mut state, &action)?;
        let risks = whatif::risks(cluster, &state)?;
        steps.push(Step { action, title, details, risks, state_after: state.clone() });
    }
    let summary = summarize(cluster, &steps);
    Ok(Plan { steps, summary })
}

/// The totals of a recorded plan. Every state in it was made from the
/// cluster, so each has one entry per node and service, and one version per
/// component.
fn summarize(cluster: &Cluster, steps: &[Step]) -> Summary {
    let mut summary = Summary { steps: steps.len(), ..Summary::default() };
    let mut offline_services = Vec::new();
    let mut before = State::initial(cluster);
    for step in steps {
        if step.action.is_move() {
            summary.moves += 1;
        }
        if let Action::Offline { service, .. } = step.action
            && !offline_services.contains(&service)
        {
            offline_services.push(service);
        }
        let minutes = step.details.minutes.unwrap_or_else(|| {
            summary.estimate_incomplete = true;
            0
        });
        summary.estimated_minutes += minutes;
        // A service counts as offline for a step if it is offline before or after it.
        let offline = before
            .services
            .iter()
            .zip(&step.state_after.services)
            .filter(|(before, after)| !before.online || !after.online)
            .count();
        summary.outage_minutes += minutes * offline as u32;
        // Mixed: some node runs another release than the first node of some component.
        if let Some((first, others)) = step.state_after.nodes.split_first()
            && others.iter().any(|n| n.versions != first.versions)
        {
            summary.mixed_version_steps += 1;
        }
        before.clone_from(&step.state_after);
    }
    summary.services_offline = offline_services.len();
    summary
}
