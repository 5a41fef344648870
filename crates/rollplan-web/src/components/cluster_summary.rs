//! A summary of a valid cluster: its nodes with their roles and versions
//! (a dash where a node does not run a component), its services with their
//! node, and the rules beyond them: the order roles go in, the release paths
//! and the skew rules.
//!
//! A large cluster is summed up first (how many nodes run each release, how
//! many services), and its full tables are rendered only when asked for: a
//! thousand-node description pasted into the editor must not cost the page
//! thousands of rows it did not ask to see (they were most of the time the
//! page took to show such a plan; docs/performance.md).

use std::rc::Rc;

use rollplan_core::Cluster;
use rollplan_core::model::{ReleasePath, SkewLevel};
use rollplan_core::skew;
use yew::prelude::*;

use crate::wording::plural;

/// Up to this many nodes (and eight times as many services) are listed at once.
pub const LISTED_AT_ONCE: usize = 64;

#[derive(Properties, PartialEq, Debug)]
pub struct ClusterSummaryProps {
    pub cluster: Rc<Cluster>,
}

#[component]
pub fn ClusterSummary(props: &ClusterSummaryProps) -> Html {
    let cluster = &props.cluster;
    let show_nodes = use_state_eq(|| false);
    let show_services = use_state_eq(|| false);
    let nodes_listed = *show_nodes || cluster.nodes().len() <= LISTED_AT_ONCE;
    let services_listed = *show_services || cluster.services().len() <= 8 * LISTED_AT_ONCE;
    let reveal = |flag: &UseStateHandle<bool>| {
        let flag = flag.clone();
        Callback::from(move |_: MouseEvent| flag.set(true))
    };
    html! {
        <section class="cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">{ "Cluster " }<span class="cluster-name">{ cluster.name() }</span></h2>
            if nodes_listed {
                { node_table(cluster) }
            } else {
                { release_counts(cluster) }
                <button type="button" class="button small show-all-nodes" onclick={reveal(&show_nodes)}>
                    { format!("Show all {}", plural(cluster.nodes().len(), "node", "nodes")) }
                </button>
            }
            { rules(cluster) }
            <h3>{ "Services" }</h3>
            if cluster.services().is_empty() && cluster.replicated().is_empty() {
                <p class="muted">{ "No services." }</p>
            } else if services_listed {
                { service_list(cluster) }
            } else {
                <p class="service-count">{ format!("{} on {}.", plural(cluster.services().len(), "service", "services"), plural(cluster.nodes().len(), "node", "nodes")) }</p>
                <button type="button" class="button small show-all-services" onclick={reveal(&show_services)}>
                    { format!("Show all {}", plural(cluster.services().len(), "service", "services")) }
                </button>
            }
            if cluster.replicated().len() > 8 * LISTED_AT_ONCE && !*show_services {
                <p class="service-count">{ plural(cluster.replicated().len(), "replicated service", "replicated services") }{ "." }</p>
                <button type="button" class="button small show-all-services" onclick={reveal(&show_services)}>
                    { format!("Show all {}", plural(cluster.replicated().len(), "replicated service", "replicated services")) }
                </button>
            } else if !cluster.replicated().is_empty() {
                { replicated_list(cluster) }
            }
        </section>
    }
}

/// Every node with its role (when nodes have roles) and its release of each component.
fn node_table(cluster: &Cluster) -> Html {
    let with_roles = cluster.nodes().iter().any(|node| node.role.is_some());
    html! {
        <table class="nodes">
            <thead>
                <tr>
                    <th scope="col">{ "Node" }</th>
                    if with_roles {
                        <th scope="col">{ "Role" }</th>
                    }
                    { for cluster.components().iter().map(|component| html! { <th scope="col">{ &component.title }</th> }) }
                    <th scope="col">{ "Capacity" }</th>
                </tr>
            </thead>
            <tbody>
                { for cluster.nodes().iter().map(|node| html! {
                    <tr>
                        <th scope="row">{ &node.name }</th>
                        if with_roles {
                            <td class="role">{ node.role.as_deref().unwrap_or("—") }</td>
                        }
                        { for node.versions.iter().zip(cluster.components()).map(|(version, component)| match version {
                            Some(version) => {
                                let done = *version == component.target;
                                html! { <td class={classes!(done.then_some("at-target"))}>{ version }</td> }
                            }
                            None => html! { <td class="not-run" title="does not run it">{ "—" }</td> },
                        }) }
                        <td>{ node.capacity.map_or_else(|| "unlimited".to_owned(), |capacity| capacity.to_string()) }</td>
                    </tr>
                }) }
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row">{ "Target" }</th>
                    if with_roles {
                        <td></td>
                    }
                    { for cluster.components().iter().map(|component| html! { <td>{ &component.target }</td> }) }
                    <td></td>
                </tr>
            </tfoot>
        </table>
    }
}

/// For each component, how many nodes run each of its releases (in the order first met), and its target.
fn release_counts(cluster: &Cluster) -> Html {
    html! {
        <ul class="release-counts">
            { for cluster.components().iter_ids().map(|(id, component)| {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for node in cluster.nodes() {
                    let Some(version) = node.version(id) else { continue };
                    match counts.iter_mut().find(|(seen, _)| *seen == version) {
                        Some((_, count)) => *count += 1,
                        None => counts.push((version, 1)),
                    }
                }
                let runs = counts
                    .iter()
                    .map(|(version, count)| format!("{} on {version}", plural(*count, "node", "nodes")))
                    .collect::<Vec<_>>()
                    .join(", ");
                html! {
                    <li>
                        <strong>{ &component.title }</strong>{ format!(": {runs}; target {}", component.target) }
                    </li>
                }
            }) }
        </ul>
    }
}

/// The rules a plan keeps beyond owners and capacity, in words: the order
/// roles are upgraded in, the releases components pass through, the skew
/// rules. Nothing when the description has none.
fn rules(cluster: &Cluster) -> Html {
    let order = &cluster.policy().order;
    let paths: Vec<String> = cluster
        .components()
        .iter()
        .filter_map(|component| match &component.path {
            ReleasePath::Direct => None,
            ReleasePath::Sequential => {
                Some(format!("{} passes through every release to {}", component.title, component.target))
            }
            ReleasePath::Stops(stops) => {
                Some(format!("{} stops at {} on its way to {}", component.title, stops.join(", "), component.target))
            }
        })
        .collect();
    if order.is_empty() && paths.is_empty() && cluster.skew_rules().is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h3>{ "Rules" }</h3>
            <ul class="rules">
                if !order.is_empty() {
                    <li class="order">{ format!("Upgrade order: {}, then nodes of no listed role", order.join(", then ")) }</li>
                }
                { for paths.into_iter().map(|path| html! { <li class="path">{ path }</li> }) }
                { for cluster.skew_rules().iter().map(|rule| {
                    let level = match rule.level {
                        SkewLevel::Error => "never broken",
                        SkewLevel::Warn => "may be broken on the way, as a warning",
                    };
                    html! { <li class="skew">{ format!("Skew rule {}: {level}", skew::describe_rule(cluster, rule)) }</li> }
                }) }
            </ul>
        </>
    }
}

/// Every service with its node and owners.
/// The replicated services: where their copies are and how many must stay up
/// (listed when there are few, or once "Show all" is asked for).
fn replicated_list(cluster: &Cluster) -> Html {
    let node_name = |id| cluster.node(id).name.as_str();
    html! {
        <ul class="services replicated">
            { for cluster.replicated().iter().map(|service| html! {
                <li>
                    <strong class="service-name">{ &service.name }</strong>
                    { format!(" with copies on {}", service.replicas.iter().map(|&node| node_name(node)).collect::<Vec<_>>().join(", ")) }
                    <span class="muted">
                        { format!(" (at least {} of {} up)", service.min_available, service.replicas.len()) }
                    </span>
                </li>
            }) }
        </ul>
    }
}

fn service_list(cluster: &Cluster) -> Html {
    let node_name = |id| cluster.node(id).name.as_str();
    html! {
        <ul class="services">
            { for cluster.services().iter().map(|service| html! {
                <li>
                    <strong class="service-name">{ &service.name }</strong>
                    { " on " }<span class="service-node">{ node_name(service.on) }</span>
                    <span class="muted">
                        { " (owners: " }
                        { service.owners.as_listed().map_or_else(|| "every node".to_owned(), |list| list.iter().map(|&owner| node_name(owner)).collect::<Vec<_>>().join(", ")) }
                        { ")" }
                    </span>
                </li>
            }) }
        </ul>
    }
}
