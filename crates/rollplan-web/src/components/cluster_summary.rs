//! A summary of a valid cluster: its nodes with their versions, its services with their node.

use std::rc::Rc;

use rollplan_core::Cluster;
use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct ClusterSummaryProps {
    pub cluster: Rc<Cluster>,
}

#[component]
pub fn ClusterSummary(props: &ClusterSummaryProps) -> Html {
    let cluster = &props.cluster;
    let node_name = |id| cluster.node(id).name.as_str();
    html! {
        <section class="cluster" aria-labelledby="cluster-heading">
            <h2 id="cluster-heading">{ "Cluster " }<span class="cluster-name">{ cluster.name() }</span></h2>
            <table class="nodes">
                <thead>
                    <tr>
                        <th scope="col">{ "Node" }</th>
                        { for cluster.components().iter().map(|component| html! { <th scope="col">{ &component.title }</th> }) }
                        <th scope="col">{ "Capacity" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for cluster.nodes().iter().map(|node| html! {
                        <tr>
                            <th scope="row">{ &node.name }</th>
                            { for node.versions.iter().zip(cluster.components()).map(|(version, component)| {
                                let done = *version == component.target;
                                html! { <td class={classes!(done.then_some("at-target"))}>{ version }</td> }
                            }) }
                            <td>{ node.capacity.map_or_else(|| "unlimited".to_owned(), |capacity| capacity.to_string()) }</td>
                        </tr>
                    }) }
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{ "Target" }</th>
                        { for cluster.components().iter().map(|component| html! { <td>{ &component.target }</td> }) }
                        <td></td>
                    </tr>
                </tfoot>
            </table>
            <h3>{ "Services" }</h3>
            if cluster.services().is_empty() {
                <p class="muted">{ "No services." }</p>
            } else {
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
        </section>
    }
}
