//! Titles and checklists for each step, in the words of a cluster administrator.

use super::{Action, Details, Move, State};
use crate::model::{Cluster, NodeId};

/// Minutes assumed for a planned failover of one service.
pub const MOVE_MINUTES: u32 = 5;
/// Minutes assumed for pausing or resuming a node.
pub const NODE_STATE_MINUTES: u32 = 2;
/// Minutes assumed for taking a service offline or bringing it online.
pub const SERVICE_STATE_MINUTES: u32 = 3;

/// Destinations named in a drain's title before the rest are counted.
const NAMED_DESTINATIONS: usize = 3;

/// The one-line title and the details of `action`, applied to `before`.
pub fn describe(cluster: &Cluster, before: &State, action: &Action) -> (String, Details) {
    let node = |id: NodeId| cluster.node(id).name.as_str();
    let service = |id| cluster.service(id).name.as_str();
    match action {
        Action::Move { service: s, from, to } => {
            let (service, from, to, versions) =
                (service(*s), node(*from), node(*to), versions_of(cluster, before, *to));
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
                (service(*s), node(*from), node(*to), versions_of(cluster, before, *to));
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
            let node = node(*n);
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
            let (node, node_state) = (node(*n), before.node(*n));
            let mut changes = Vec::new();
            let mut titles = Vec::new();
            let mut minutes = Some(0u32);
            let mut reboot = false;
            for &c in components {
                let (component, version) = (cluster.component(c), node_state.version(c));
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
            let (node, versions) = (node(*n), versions_of(cluster, before, *n));
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
            let (service, node) = (service(*s), node(*n));
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
            let (service, node, versions) = (service(*s), node(*n), versions_of(cluster, before, *n));
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
        Action::Drain { node: n, moves } => {
            let (name, count) = (node(*n), moves.len());
            let destinations = destinations(cluster, moves);
            (
                format!("Drain {name}: move {count} services to {destinations}"),
                Details {
                    before: match single_destination(moves) {
                        Some(to) => format!(
                            "the {count} services below are online; {destinations} is up and {}",
                            versions_of(cluster, before, to)
                        ),
                        None => format!("the {count} services below are online; {destinations} are up"),
                    },
                    after: format!(
                        "{name} hosts no running services; each service is online on the node it moved to, its resources healthy and clients reconnected"
                    ),
                    interruption: "brief, one service at a time: each is unavailable while it fails over".to_owned(),
                    minutes: Some(MOVE_MINUTES * count as u32),
                },
            )
        }
        Action::Failback { node: n, moves, verify } => {
            let (name, count, versions) = (node(*n), moves.len(), versions_of(cluster, before, *n));
            let (title, after) = if *verify {
                (
                    format!("Move {count} services back to {name} to verify {name}"),
                    format!(
                        "the {count} services are online on {name}: the upgraded node works (check that clients connect and, for mail, that it flows)"
                    ),
                )
            } else {
                (
                    format!("Fail back {count} services to {name}"),
                    format!(
                        "the {count} services are online on {name}, their resources healthy and clients reconnected"
                    ),
                )
            };
            (
                title,
                Details {
                    before: format!("the {count} services below are online; {name} is up and {versions}"),
                    after,
                    interruption: "brief, one service at a time: each is unavailable while it fails over".to_owned(),
                    minutes: Some(MOVE_MINUTES * count as u32),
                },
            )
        }
    }
}

/// The node every move of a drain goes to, if there is one.
fn single_destination(moves: &[Move]) -> Option<NodeId> {
    let first = moves.first()?.to;
    moves.iter().all(|m| m.to == first).then_some(first)
}

/// "NODE1", "NODE1 and NODE2", "NODE1, NODE2, NODE3 and 4 other nodes": where a drain's services go.
fn destinations(cluster: &Cluster, moves: &[Move]) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let names: Vec<&str> =
        moves.iter().filter(|m| seen.insert(m.to)).map(|m| cluster.node(m.to).name.as_str()).collect();
    match names.as_slice() {
        [] => "no node".to_owned(),
        [one] => (*one).to_owned(),
        [first @ .., last] if names.len() <= NAMED_DESTINATIONS => format!("{} and {last}", first.join(", ")),
        _ => {
            let shown = names.iter().take(NAMED_DESTINATIONS).copied().collect::<Vec<_>>().join(", ");
            let rest = names.len() - NAMED_DESTINATIONS;
            format!("{shown} and {rest} other node{}", if rest == 1 { "" } else { "s" })
        }
    }
}

/// "runs Exchange Server 2003 SP2, ..." for a node in a state (which has one
/// version per component: it was made from the cluster).
fn versions_of(cluster: &Cluster, state: &State, node: NodeId) -> String {
    let versions = &state.node(node).versions;
    let list: Vec<String> = cluster
        .components()
        .iter()
        .zip(versions)
        .map(|(component, version)| format!("{} {version}", component.title))
        .collect();
    format!("runs {}", list.join(", "))
}
