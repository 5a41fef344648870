//! Titles and checklists for each step, in the words of a cluster administrator.

use super::{Action, Details, Move, State};
use crate::model::{Cluster, NodeId, ReleasePath, ServiceId};

/// Minutes assumed for a planned failover of one service.
pub const MOVE_MINUTES: u32 = 5;
/// Minutes assumed for pausing or resuming a node.
pub const NODE_STATE_MINUTES: u32 = 2;
/// Minutes assumed for taking a service offline or bringing it online.
pub const SERVICE_STATE_MINUTES: u32 = 3;

/// Destinations named in a drain's title before the rest are counted.
const NAMED_DESTINATIONS: usize = 3;

/// The one-line title and the details of `action`, applied to `before`;
/// `copies_up`: each replicated service's copies up in `before`.
pub fn describe(cluster: &Cluster, before: &State, copies_up: &[u32], action: &Action) -> (String, Details) {
    let (title, mut details) = describe_step(cluster, before, copies_up, action);
    (details.rollback, details.reversible) = rollback(cluster, before, action);
    details.minutes = minutes(cluster, action);
    (title, details)
}

/// How long `action` is estimated to take; `None` when a component's
/// duration is not given. The search asks it of plans it compares by wall
/// clock ([`super::clock`]), without writing their text.
pub fn minutes(cluster: &Cluster, action: &Action) -> Option<u32> {
    match action {
        Action::Move { .. } | Action::Verify { .. } => Some(MOVE_MINUTES),
        Action::Drain { moves, .. } | Action::Failback { moves, .. } => {
            Some(MOVE_MINUTES.saturating_mul(u32::try_from(moves.len()).unwrap_or(u32::MAX)))
        }
        Action::Pause { .. } | Action::Resume { .. } => Some(NODE_STATE_MINUTES),
        Action::Offline { .. } | Action::Online { .. } => Some(SERVICE_STATE_MINUTES),
        Action::Upgrade { components, .. } => components
            .iter()
            .try_fold(0u32, |total, hop| cluster.component(hop.component).minutes.map(|m| total.saturating_add(m))),
        Action::Finalize { component } => {
            let finalize = cluster.component(*component).finalize.as_ref()?;
            finalize.minutes.map(|minutes| minutes.saturating_add(finalize.soak_minutes))
        }
    }
}

/// The title and the details of `action` but its rollback.
fn describe_step(cluster: &Cluster, before: &State, copies_up: &[u32], action: &Action) -> (String, Details) {
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
                },
            )
        }
        Action::Pause { node: n } => {
            let node = node(*n);
            (
                format!("Pause {node}"),
                Details {
                    before: format!("{node} hosts no running services{}", copies_up_elsewhere(cluster, copies_up, *n)),
                    after: format!(
                        "{node} is paused: the cluster fails nothing over to it{}",
                        copies_down(cluster, *n)
                    ),
                    interruption: "none".to_owned(),
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
                },
            )
        }
        Action::Upgrade { node: n, components } => {
            let (node, node_state) = (node(*n), before.node(*n));
            let mut changes = Vec::new();
            let mut titles = Vec::new();
            let mut reboot = false;
            // A hop on a path (or short of the target) is named from and to:
            // "Upgrade cp1 kube-apiserver 1.28 → 1.29".
            let hops = components.iter().any(|hop| {
                let component = cluster.component(hop.component);
                component.path != ReleasePath::Direct || hop.to != component.target
            });
            let mut arrows = Vec::new();
            for hop in components {
                let component = cluster.component(hop.component);
                let version = node_state.version(hop.component).unwrap_or(&hop.from);
                changes.push(format!("{} {version} to {}", component.title, hop.to));
                titles.push(format!("{} {}", component.title, hop.to));
                arrows.push(format!("{} {version} → {}", component.title, hop.to));
                reboot |= component.reboot;
            }
            let (applied, titles) = (changes.join(", "), titles.join(", "));
            (
                if hops {
                    format!("Upgrade {node} {}", arrows.join(", "))
                } else {
                    format!("Upgrade {node} to {titles}")
                },
                Details {
                    before: format!("{node} is paused and runs no services; the update media are at hand"),
                    after: format!(
                        "{node} runs {titles}{}",
                        if reboot { ", has restarted and rejoined the cluster" } else { "" }
                    ),
                    interruption: format!("none (the node is paused): {applied}"),
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
                },
            )
        }
        Action::Resume { node: n } => {
            let (node, versions) = (node(*n), versions_of(cluster, before, *n));
            // A node with hops left (held back by a skew rule) is paused again later.
            let done = before.node(*n).at_targets(cluster, cluster.component_ids());
            let finished = if done {
                "has finished its upgrade"
            } else {
                "has finished this part of its upgrade (the rest comes later)"
            };
            (
                format!("Resume {node}"),
                Details {
                    before: format!("{node} {finished}, is running again and {versions}"),
                    after: format!(
                        "{node} is back in service: the cluster may fail services over to it{}",
                        copies_back(cluster, *n)
                    ),
                    interruption: "none".to_owned(),
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
                },
            )
        }
        Action::Finalize { component } => {
            let component = cluster.component(*component);
            let (title, soak) = component
                .finalize
                .as_ref()
                .map_or((component.title.as_str(), 0), |f| (f.title.as_str(), f.soak_minutes));
            let soaked = if soak > 0 {
                format!(" and the cluster has run on it for {} (the soak) without problems", wait(soak))
            } else {
                String::new()
            };
            (
                format!("Finalize {}: {title}", component.title),
                Details {
                    before: format!(
                        "every node is up and runs {} {}{soaked}; a backup taken just now is at hand: after this step it is the only way back",
                        component.title, component.target
                    ),
                    after: format!(
                        "{title} is done: {} runs {} for good (the point of no return)",
                        component.title, component.target
                    ),
                    interruption: if soak > 0 {
                        format!("none: a wait of {} (the soak), then the step", wait(soak))
                    } else {
                        "none".to_owned()
                    },
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
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
                    minutes: None,
                    rollback: String::new(),
                    reversible: true,
                },
            )
        }
    }
}

/// How to undo `action`, applied to `before`, and whether that can be done in
/// place: everything but the upgrade of a component that is not
/// `reversible`, and a `finalize`.
fn rollback(cluster: &Cluster, before: &State, action: &Action) -> (String, bool) {
    let node = |id: NodeId| cluster.node(id).name.as_str();
    let service = |id: ServiceId| cluster.service(id).name.as_str();
    match action {
        Action::Move { service: s, from, .. } | Action::Verify { service: s, from, .. } => {
            (format!("move {} back to {}", service(*s), node(*from)), true)
        }
        Action::Drain { moves, .. } | Action::Failback { moves, .. } => (moves_back(cluster, moves), true),
        Action::Pause { node: n } => (format!("resume {}", node(*n)), true),
        Action::Resume { node: n } => (format!("pause {} again", node(*n)), true),
        Action::Offline { service: s, node: n } => (format!("bring {} online on {}", service(*s), node(*n)), true),
        Action::Online { service: s, .. } => (format!("take {} offline again", service(*s)), true),
        Action::Finalize { component } => {
            let component = cluster.component(*component);
            let title =
                component.finalize.as_ref().map_or(component.title.as_str(), |finalize| finalize.title.as_str());
            (
                format!(
                    "none: after {title}, {} cannot go back to an older release; the way back is restoring the backup taken just before this step (what changed since is lost)",
                    component.title
                ),
                false,
            )
        }
        Action::Upgrade { node: n, components } => {
            let fixed: Vec<&str> = components
                .iter()
                .map(|hop| cluster.component(hop.component))
                .filter(|component| !component.reversible)
                .map(|component| component.title.as_str())
                .collect();
            if fixed.is_empty() {
                let state = before.node(*n);
                let back: Vec<String> = components
                    .iter()
                    .map(|hop| {
                        let version = state.version(hop.component).unwrap_or(&hop.from);
                        format!("{} back to {version}", cluster.component(hop.component).title)
                    })
                    .collect();
                (
                    format!(
                        "while {0} is still paused, take {1} (uninstall the update, where its vendor supports that; else restore {0} from its backup)",
                        node(*n),
                        and_list(&back)
                    ),
                    true,
                )
            } else {
                (
                    format!(
                        "none in place: {} cannot be downgraded; to go back, rebuild {} at the old release (reinstall it, resynchronise it or restore its backup)",
                        and_list(&fixed),
                        node(*n),
                    ),
                    false,
                )
            }
        }
    }
}

/// How a drain's or a failback's moves are undone: each service back where
/// it came from, the last move first, since only that order is sure to
/// find room where the moves made it ("move EVS3 back to NODE2, then EVS2
/// and EVS1 back to NODE1"). Every service is named: this is what an
/// operator carries out.
fn moves_back(cluster: &Cluster, moves: &[Move]) -> String {
    // Runs of consecutive moves (undone last first) from the same node.
    let mut runs: Vec<(NodeId, Vec<&str>)> = Vec::new();
    for m in moves.iter().rev() {
        let name = cluster.service(m.service).name.as_str();
        match runs.last_mut() {
            Some((from, names)) if *from == m.from => names.push(name),
            _ => runs.push((m.from, vec![name])),
        }
    }
    let parts: Vec<String> =
        runs.iter().map(|(from, names)| format!("{} back to {}", and_list(names), cluster.node(*from).name)).collect();
    format!("move {}", parts.join(", then "))
}

/// A wait in words: "45 minutes", "24 hours", "7 days", "36 hours".
fn wait(minutes: u32) -> String {
    const DAY: u32 = 24 * 60;
    match minutes {
        m if m >= 2 * DAY && m % DAY == 0 => format!("{} days", m / DAY),
        m if m >= 120 && m % 60 == 0 => format!("{} hours", m / 60),
        m if m >= 120 => format!("{} h {} min", m / 60, m % 60),
        1 => "1 minute".to_owned(),
        m => format!("{m} minutes"),
    }
}

/// For a pause: "; the other copies of DB1 (2 up, 2 needed) and DB2 (...)
/// stay up elsewhere", what to check before a node holding copies goes down.
fn copies_up_elsewhere(cluster: &Cluster, copies_up: &[u32], node: NodeId) -> String {
    let held = cluster.copies_on(node);
    if held.is_empty() {
        return String::new();
    }
    let each: Vec<String> = held
        .iter()
        .map(|&service| {
            let definition = cluster.replicated_service(service);
            // The node is up before its pause: the others are all but its own.
            let up = copies_up.get(service.index()).copied().unwrap_or(0).saturating_sub(1);
            format!("{} ({up} up elsewhere, {} needed)", definition.name, definition.min_available)
        })
        .collect();
    format!("; the other copies of {} are healthy", and_list(&each))
}

/// For a pause: "; its copies of DB1 and DB2 are down with it".
fn copies_down(cluster: &Cluster, node: NodeId) -> String {
    copies_of(cluster, node).map(|names| format!("; its copies of {names} are down with it")).unwrap_or_default()
}

/// For a resume: "; its copies of DB1 and DB2 are up again and resynchronised".
fn copies_back(cluster: &Cluster, node: NodeId) -> String {
    copies_of(cluster, node)
        .map(|names| format!("; its copies of {names} are up again and caught up"))
        .unwrap_or_default()
}

/// The replicated services with a copy on `node`, as a list for a sentence.
fn copies_of(cluster: &Cluster, node: NodeId) -> Option<String> {
    let names: Vec<&str> =
        cluster.copies_on(node).iter().map(|&service| cluster.replicated_service(service).name.as_str()).collect();
    (!names.is_empty()).then(|| and_list(&names))
}

/// "a", "a and b", "a, b and c".
fn and_list<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [first @ .., last] => {
            let first: Vec<&str> = first.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", first.join(", "), last.as_ref())
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
        list if list.len() <= NAMED_DESTINATIONS => and_list(list),
        _ => {
            let shown = names.iter().take(NAMED_DESTINATIONS).copied().collect::<Vec<_>>().join(", ");
            let rest = names.len() - NAMED_DESTINATIONS;
            format!("{shown} and {rest} other node{}", if rest == 1 { "" } else { "s" })
        }
    }
}

/// "runs Exchange Server 2003 SP2, ..." for a node in a state (which has one
/// slot per component: it was made from the cluster), the components it
/// does not run left out.
fn versions_of(cluster: &Cluster, state: &State, node: NodeId) -> String {
    let versions = &state.node(node).versions;
    let list: Vec<String> = cluster
        .components()
        .iter()
        .zip(versions)
        .filter_map(|(component, version)| Some(format!("{} {}", component.title, version.as_deref()?)))
        .collect();
    format!("runs {}", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, MixedFailover, Node, Policy, ReleasePath, ServiceId, ServiceParts};

    /// Six nodes, one component, seven services all on the first node.
    fn cluster() -> Cluster {
        let component = Component {
            name: "app".into(),
            title: "App".into(),
            releases: Vec::new(),
            target: "2.0".into(),
            rolling: true,
            mixed_failover: MixedFailover::Warn,
            reboot: false,
            minutes: None,
            reversible: true,
            finalize: None,
            path: ReleasePath::Direct,
        };
        let nodes = (1..=6)
            .map(|i| Node { name: format!("N{i}"), versions: vec![Some("1.0".into())], capacity: None, role: None })
            .collect();
        let services =
            (1..=7).map(|i| ServiceParts { name: format!("S{i}"), on: 0, owners: None, uses: vec![0] }).collect();
        Cluster::new("C".into(), vec![component], nodes, services, Policy::default()).unwrap()
    }

    fn moved(cluster: &Cluster, moves: &[(usize, usize)]) -> Vec<Move> {
        let (services, nodes): (Vec<ServiceId>, Vec<NodeId>) =
            (cluster.service_ids().collect(), cluster.node_ids().collect());
        moves
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| Move { service: services[i], from: nodes[from], to: nodes[to] })
            .collect()
    }

    #[test]
    fn moves_are_undone_last_first_back_where_they_came_from() {
        let cluster = cluster();
        assert_eq!(moves_back(&cluster, &moved(&cluster, &[(0, 1)])), "move S1 back to N1");
        assert_eq!(moves_back(&cluster, &moved(&cluster, &[(0, 1), (0, 2)])), "move S2 and S1 back to N1");
        assert_eq!(
            moves_back(&cluster, &moved(&cluster, &[(0, 5), (1, 5), (0, 5), (0, 5), (0, 5)])),
            "move S5, S4 and S3 back to N1, then S2 back to N2, then S1 back to N1"
        );
    }

    #[test]
    fn waits_read_in_the_unit_people_use() {
        assert_eq!(wait(1), "1 minute");
        assert_eq!(wait(45), "45 minutes");
        assert_eq!(wait(119), "119 minutes");
        assert_eq!(wait(1440), "24 hours");
        assert_eq!(wait(150), "2 h 30 min");
        assert_eq!(wait(10_080), "7 days");
    }

    #[test]
    fn lists_read_as_sentences() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b"]), "a and b");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
