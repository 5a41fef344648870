//! Titles and checklists for each step, in the words of a cluster administrator.

use super::{Action, Broken, Details, State};
use crate::model::{Cluster, NodeId, ServiceId};

/// Minutes assumed for a planned failover of one service.
pub const MOVE_MINUTES: u32 = 5;
/// Minutes assumed for pausing or resuming a node.
pub const NODE_STATE_MINUTES: u32 = 2;
/// Minutes assumed for taking a service offline or bringing it online.
pub const SERVICE_STATE_MINUTES: u32 = 3;

/// The one-line title and the details of `action`, applied to `before`. An
/// error only for an action naming what the cluster or the state does not have.
pub fn describe(cluster: &Cluster, before: &State, action: &Action) -> Result<(String, Details), Broken> {
    let node = |id: NodeId| cluster.node(id).map(|n| n.name.as_str()).ok_or_else(|| Broken::index("node", id));
    let service =
        |id: ServiceId| cluster.service(id).map(|s| s.name.as_str()).ok_or_else(|| Broken::index("service", id));
    Ok(match action {
        Action::Move { service: s, from, to } => {
            let (service, from, to, versions) =
                (service(*s)?, node(*from)?, node(*to)?, versions_of(cluster, before, *to)?);
            (
                format!("Move {service} from {from} to {to}"),
                Details {
                    before: format!("{service} is online on {from}; {to} is up and {versions}"),
                    after: format!("{service} is online on {to}, its resources healthy and clients reconnected"),
                    interruption: format!("brief: {service} is unavailable while it fails over"),
                    minutes: Some(MOVE_MINUTES),
                },
            )
        }
        Action::Verify { service: s, from, to } => {
            let (service, from, to, versions) =
                (service(*s)?, node(*from)?, node(*to)?, versions_of(cluster, before, *to)?);
            (
                format!("Move {service} back from {from} to {to} to verify {to}"),
                Details {
                    before: format!("{service} is online on {from}; {to} is up and {versions}"),
                    after: format!(
                        "{service} is online on {to}: the upgraded node works (check that clients connect and, for mail, that it flows)"
                    ),
                    interruption: format!("brief: {service} is unavailable while it fails over"),
                    minutes: Some(MOVE_MINUTES),
                },
            )
        }
        Action::Pause { node: n } => {
            let node = node(*n)?;
            (
                format!("Pause {node}"),
                Details {
                    before: format!("{node} hosts no running services"),
                    after: format!("{node} is paused: the cluster fails nothing over to it"),
                    interruption: "none".to_owned(),
                    minutes: Some(NODE_STATE_MINUTES),
                },
            )
        }
        Action::Upgrade { node: n, components } => {
            let (node, node_state) = (node(*n)?, before.node(*n).ok_or_else(|| Broken::index("node", *n))?);
            let mut changes = Vec::new();
            let mut titles = Vec::new();
            let mut minutes = Some(0u32);
            let mut reboot = false;
            for &c in components {
                let (Some(component), Some(version)) = (cluster.component(c), node_state.version(c)) else {
                    return Err(Broken::new(format!(
                        "the upgrade of node #{n} names component #{c}, which it does not have"
                    )));
                };
                changes.push(format!("{} {version} to {}", component.title, component.target));
                titles.push(format!("{} {}", component.title, component.target));
                minutes = minutes.zip(component.minutes).map(|(a, b)| a + b);
                reboot |= component.reboot;
            }
            let (applied, titles) = (changes.join(", "), titles.join(", "));
            (
                format!("Upgrade {node} to {titles}"),
                Details {
                    before: format!("{node} is paused and runs no services; the update media are at hand"),
                    after: format!(
                        "{node} runs {titles}{}",
                        if reboot { ", has restarted and rejoined the cluster" } else { "" }
                    ),
                    interruption: format!("none (the node is paused): {applied}"),
                    minutes,
                },
            )
        }
        Action::Resume { node: n } => {
            let (node, versions) = (node(*n)?, versions_of(cluster, before, *n)?);
            (
                format!("Resume {node}"),
                Details {
                    before: format!("{node} has finished its upgrade, is running again and {versions}"),
                    after: format!("{node} is back in service: the cluster may fail services over to it"),
                    interruption: "none".to_owned(),
                    minutes: Some(NODE_STATE_MINUTES),
                },
            )
        }
        Action::Offline { service: s, node: n } => {
            let (service, node) = (service(*s)?, node(*n)?);
            (
                format!("Take {service} offline on {node}"),
                Details {
                    before: format!("users of {service} have been told of the planned outage"),
                    after: format!("{service} is offline; its resources stay on {node}"),
                    interruption: format!("outage: {service} is unavailable until it is brought online"),
                    minutes: Some(SERVICE_STATE_MINUTES),
                },
            )
        }
        Action::Online { service: s, node: n } => {
            let (service, node, versions) = (service(*s)?, node(*n)?, versions_of(cluster, before, *n)?);
            (
                format!("Bring {service} online on {node}"),
                Details {
                    before: format!("{node} is up and {versions}"),
                    after: format!("{service} is online and clients connect: the planned outage is over"),
                    interruption: format!("ends the outage of {service}"),
                    minutes: Some(SERVICE_STATE_MINUTES),
                },
            )
        }
    })
}

/// "runs Exchange Server 2003 SP2, ..." for a node in a state (which has one
/// version per component: it was made from the cluster).
fn versions_of(cluster: &Cluster, state: &State, node: NodeId) -> Result<String, Broken> {
    let versions = &state.node(node).ok_or_else(|| Broken::index("node", node))?.versions;
    let list: Vec<String> = cluster
        .components
        .iter()
        .zip(versions)
        .map(|(component, version)| format!("{} {version}", component.title))
        .collect();
    Ok(format!("runs {}", list.join(", ")))
}
