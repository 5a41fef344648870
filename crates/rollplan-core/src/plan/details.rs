//! Titles and checklists for each step, in the words of a cluster administrator.

use super::{Action, Details, State};
use crate::model::Cluster;

/// Minutes assumed for a planned failover of one service.
pub const MOVE_MINUTES: u32 = 5;
/// Minutes assumed for pausing or resuming a node.
pub const NODE_STATE_MINUTES: u32 = 2;
/// Minutes assumed for taking a service offline or bringing it online.
pub const SERVICE_STATE_MINUTES: u32 = 3;

/// The one-line title and the details of `action`, applied to `before`.
pub fn describe(cluster: &Cluster, before: &State, action: &Action) -> (String, Details) {
    let node = |id: usize| cluster.nodes[id].name.as_str();
    let service = |id: usize| cluster.services[id].name.as_str();
    match action {
        Action::Move { service: s, from, to } => (
            format!("Move {} from {} to {}", service(*s), node(*from), node(*to)),
            Details {
                before: format!("{} is online on {}; {} is up and {}", service(*s), node(*from), node(*to), versions_of(cluster, before, *to)),
                after: format!("{} is online on {}, its resources healthy and clients reconnected", service(*s), node(*to)),
                interruption: format!("brief: {} is unavailable while it fails over", service(*s)),
                minutes: Some(MOVE_MINUTES),
            },
        ),
        Action::Verify { service: s, from, to } => (
            format!("Move {} back from {} to {} to verify {}", service(*s), node(*from), node(*to), node(*to)),
            Details {
                before: format!("{} is online on {}; {} is up and {}", service(*s), node(*from), node(*to), versions_of(cluster, before, *to)),
                after: format!(
                    "{} is online on {}: the upgraded node works (check that clients connect and, for mail, that it flows)",
                    service(*s),
                    node(*to)
                ),
                interruption: format!("brief: {} is unavailable while it fails over", service(*s)),
                minutes: Some(MOVE_MINUTES),
            },
        ),
        Action::Pause { node: n } => (
            format!("Pause {}", node(*n)),
            Details {
                before: format!("{} hosts no running services", node(*n)),
                after: format!("{} is paused: the cluster fails nothing over to it", node(*n)),
                interruption: "none".to_owned(),
                minutes: Some(NODE_STATE_MINUTES),
            },
        ),
        Action::Upgrade { node: n, components } => {
            let mut changes = Vec::new();
            let mut minutes = Some(0u32);
            let mut reboot = false;
            for &c in components {
                let component = &cluster.components[c];
                changes.push(format!("{} {} to {}", component.title, before.nodes[*n].versions[c], component.target));
                minutes = minutes.zip(component.minutes).map(|(a, b)| a + b);
                reboot |= component.reboot;
            }
            let applied = changes.join(", ");
            let titles: Vec<String> = components.iter().map(|&c| format!("{} {}", cluster.components[c].title, cluster.components[c].target)).collect();
            (
                format!("Upgrade {} to {}", node(*n), titles.join(", ")),
                Details {
                    before: format!("{} is paused and runs no services; the update media are at hand", node(*n)),
                    after: format!(
                        "{} runs {}{}",
                        node(*n),
                        titles.join(", "),
                        if reboot { ", has restarted and rejoined the cluster" } else { "" }
                    ),
                    interruption: format!("none (the node is paused): {applied}"),
                    minutes,
                },
            )
        }
        Action::Resume { node: n } => (
            format!("Resume {}", node(*n)),
            Details {
                before: format!("{} has finished its upgrade, is running again and {}", node(*n), versions_of(cluster, before, *n)),
                after: format!("{} is back in service: the cluster may fail services over to it", node(*n)),
                interruption: "none".to_owned(),
                minutes: Some(NODE_STATE_MINUTES),
            },
        ),
        Action::Offline { service: s, node: n } => (
            format!("Take {} offline on {}", service(*s), node(*n)),
            Details {
                before: format!("users of {} have been told of the planned outage", service(*s)),
                after: format!("{} is offline; its resources stay on {}", service(*s), node(*n)),
                interruption: format!("outage: {} is unavailable until it is brought online", service(*s)),
                minutes: Some(SERVICE_STATE_MINUTES),
            },
        ),
        Action::Online { service: s, node: n } => (
            format!("Bring {} online on {}", service(*s), node(*n)),
            Details {
                before: format!("{} is up and {}", node(*n), versions_of(cluster, before, *n)),
                after: format!("{} is online and clients connect: the planned outage is over", service(*s)),
                interruption: format!("ends the outage of {}", service(*s)),
                minutes: Some(SERVICE_STATE_MINUTES),
            },
        ),
    }
}

/// "runs Exchange Server 2003 SP2, ..." for a node in a state.
fn versions_of(cluster: &Cluster, state: &State, node: usize) -> String {
    let list: Vec<String> = cluster.components.iter().enumerate().map(|(c, component)| format!("{} {}", component.title, state.nodes[node].versions[c])).collect();
    format!("runs {}", list.join(", "))
}
