//! Turns the planner's actions into steps: each with its text, the state
//! after it, and what a node failure would do then.

use super::sim::apply_to;
use super::{Action, Plan, State, Step, Summary, details, whatif};
use crate::model::Cluster;

/// Replays `actions` from the cluster's current state into a complete plan.
pub(super) fn record(cluster: &Cluster, actions: Vec<Action>) -> Plan {
    let mut state = State::initial(cluster);
    let mut steps = Vec::with_capacity(actions.len());
    for action in actions {
        let (title, details) = details::describe(cluster, &state, &action);
        apply_to(cluster, &mut state, &action);
        let risks = whatif::risks(cluster, &state);
        steps.push(Step { action, title, details, risks, state_after: state.clone() });
    }
    let summary = summarize(cluster, &steps);
    Plan { steps, summary }
}

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
        let offline = (0..before.services.len()).filter(|&s| !before.services[s].online || !step.state_after.services[s].online).count();
        summary.outage_minutes += minutes * offline as u32;
        let nodes = &step.state_after.nodes;
        if (0..cluster.components.len()).any(|c| nodes.iter().any(|n| n.versions[c] != nodes[0].versions[c])) {
            summary.mixed_version_steps += 1;
        }
        before.clone_from(&step.state_after);
    }
    summary.services_offline = offline_services.len();
    summary
}
