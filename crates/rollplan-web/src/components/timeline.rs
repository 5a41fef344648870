//! The timeline: the whole upgrade at a glance.
//!
//! A table with one row per node and one column per step (after the starting
//! state): each cell shows the node's release of each component (one colour
//! per release, green for the target), the services it hosts, greyed when the
//! node is paused, and a warning sign when a failure of that node at that
//! point would not fail over safely. Column headers are buttons that select
//! the step in the checklist; the arrow keys move between them.
//!
//! The picture is computed by [`crate::timeline`]; this file only draws it.
//! Names are rendered as text nodes.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::Cluster;
use rollplan_core::plan::{Plan, RiskKind};
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::components::timeline_legend::TimelineLegend;
use crate::hooks::style::use_style_property;
use crate::timeline::{Cell, Column, ComponentReleases, MAX_STICKY_NODES, Timeline as Picture, short_release};

#[derive(Properties, PartialEq, Debug)]
pub struct TimelineProps {
    pub cluster: Rc<Cluster>,
    pub plan: Rc<Plan>,
    pub done: Rc<BTreeSet<usize>>,
    pub current: Option<usize>,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let picture = use_memo((props.cluster.clone(), props.plan.clone()), |(cluster, plan)| Picture::new(cluster, plan));
    let header = use_node_ref();
    let grid = use_node_ref();
    // As wide as the panel, up to this: a short plan's cells stay cell-sized.
    let columns = picture.as_ref().as_ref().map_or(0, |picture| picture.columns.len());
    use_style_property(&grid, "--max-width", format!("{}rem", 6 + 6 * columns));
    let Some(picture) = picture.as_ref() else {
        return html! {
            <section class="timeline too-big" aria-labelledby="timeline-heading">
                <h3 id="timeline-heading">{ "Timeline" }</h3>
                <p class="muted">
                    { format!("Not drawn: {} nodes over {} steps is too big to read at a glance; the checklist below has every step.",
                        props.cluster.nodes.len(), props.plan.steps.len()) }
                </p>
            </section>
        };
    };
    let steps = props.plan.steps.len();
    // The one column header reachable with Tab; the arrow keys move from it.
    let focus_step = props.selected.or(props.current).unwrap_or(0).min(steps.saturating_sub(1));
    let view = View { props, picture, header: &header, focus_step };

    html! {
        <section class={classes!("timeline", (props.cluster.nodes.len() <= MAX_STICKY_NODES).then_some("sticky"))} aria-labelledby="timeline-heading">
            <h3 id="timeline-heading">{ "Timeline" }</h3>
            <p class="timeline-help muted">
                { "One row per node, one column per step: each cell is the node after that step. Select a column to see its step." }
            </p>
            <div class="timeline-scroll">
                <table class="timeline-grid" ref={grid}>
                    <thead>
                        <tr ref={header.clone()}>
                            <th scope="col" class="corner">{ "Node" }</th>
                            { for picture.columns.iter().map(|column| view.column_header(column)) }
                        </tr>
                    </thead>
                    <tbody>
                        { for props.cluster.nodes.iter().enumerate().map(|(node, definition)| html! {
                            <tr>
                                <th scope="row" class="node-name">{ &definition.name }</th>
                                { for picture.columns.iter().map(|column| view.cell(node, column)) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <TimelineLegend legend={picture.legend.clone()} />
        </section>
    }
}

/// What drawing one timeline needs, so the per-column and per-cell functions stay small.
struct View<'a> {
    props: &'a TimelineProps,
    picture: &'a Picture,
    header: &'a NodeRef,
    focus_step: usize,
}

impl View<'_> {
    fn column_classes(&self, column: &Column) -> Classes {
        let Some(step) = column.step else {
            return classes!("start");
        };
        classes!(
            self.props.done.contains(&step).then_some("done"),
            (self.props.current == Some(step)).then_some("current"),
            (self.props.selected == Some(step)).then_some("selected"),
            (!column.risks.is_empty()).then_some("risky"),
        )
    }

    fn column_header(&self, column: &Column) -> Html {
        let class = classes!("step-column", self.column_classes(column));
        let Some(step) = column.step else {
            return html! { <th scope="col" {class} title="The cluster as the description says it is now">{ "now" }</th> };
        };
        let action = self.props.plan.steps[step].action.name();
        let onclick = self.props.on_select.reform(move |_: MouseEvent| step);
        let onkeydown = {
            let on_select = self.props.on_select.clone();
            let header = self.header.clone();
            let last = self.props.plan.steps.len() - 1;
            Callback::from(move |event: KeyboardEvent| {
                let next = match event.key().as_str() {
                    "ArrowRight" => (step + 1).min(last),
                    "ArrowLeft" => step.saturating_sub(1),
                    "Home" => 0,
                    "End" => last,
                    _ => return,
                };
                event.prevent_default();
                on_select.emit(next);
                focus_column(&header, next);
            })
        };
        let done = self.props.done.contains(&step);
        let title =
            format!("Step {}: {}{}", step + 1, self.props.plan.steps[step].title, if done { " (done)" } else { "" });
        html! {
            <th scope="col" {class}>
                <button
                    type="button"
                    class="column-button"
                    data-step={step.to_string()}
                    tabindex={if step == self.focus_step { "0" } else { "-1" }}
                    aria-pressed={(self.props.selected == Some(step)).to_string()}
                    {title}
                    {onclick}
                    {onkeydown}
                >
                    <span class="column-marker">
                        { if self.props.current == Some(step) { "next" } else if done { "done ✓" } else { "" } }
                    </span>
                    <span class="column-number">{ step + 1 }</span>
                    <span class="column-action">{ action }</span>
                    <span class="column-risks" aria-hidden="true">{ for column.risks.iter().map(|&kind| risk_mark(kind)) }</span>
                </button>
            </th>
        }
    }

    fn cell(&self, node: usize, column: &Column) -> Html {
        let cell = &column.cells[node];
        let class = classes!(
            "cell",
            self.column_classes(column),
            (!cell.up).then_some("paused"),
            cell.acted_on.then_some("acted"),
        );
        let onclick = column.step.map(|step| self.props.on_select.reform(move |_: MouseEvent| step));
        html! {
            <td {class} {onclick} title={self.cell_title(node, column, cell)}>
                <span class="releases">
                    { for cell.releases.iter().zip(&self.picture.legend).map(|(&release, legend)| release_band(legend, release)) }
                </span>
                if !cell.up {
                    <span class="paused-label">{ "paused" }</span>
                }
                { for cell.services.iter().map(|hosted| html! {
                    <span class={classes!("service-chip", (!hosted.online).then_some("offline"), hosted.risk.map(RiskKind::as_str))}>
                        if let Some(kind) = hosted.risk { { risk_glyph(kind) } }
                        { &self.props.cluster.services[hosted.service].name }
                    </span>
                }) }
            </td>
        }
    }

    /// The cell in words, for the tooltip: who, when, what runs, and what a failure would do.
    fn cell_title(&self, node: usize, column: &Column, cell: &Cell) -> String {
        let cluster = &self.props.cluster;
        let when = column.step.map_or_else(|| "now".to_owned(), |step| format!("after step {}", step + 1));
        let releases: Vec<String> = cell
            .releases
            .iter()
            .zip(&self.picture.legend)
            .map(|(&release, legend)| format!("{} {}", legend.title, legend.releases[release]))
            .collect();
        let mut title = format!("{} {when}: {}", cluster.nodes[node].name, releases.join(", "));
        if !cell.up {
            title.push_str("; paused");
        }
        if !cell.services.is_empty() {
            let services: Vec<&str> =
                cell.services.iter().map(|hosted| cluster.services[hosted.service].name.as_str()).collect();
            title.push_str("; hosts ");
            title.push_str(&services.join(", "));
        }
        if let Some(step) = column.step {
            for risk in self.props.plan.risks_after(step).filter(|risk| risk.node == node) {
                title.push('\n');
                title.push_str(&risk.message);
            }
        }
        title
    }
}

fn release_band(legend: &ComponentReleases, release: usize) -> Html {
    let label = short_release(&legend.releases[release]);
    html! {
        <span class={classes!("release", format!("behind-{}", legend.behind(release).min(4)))}>{ label }</span>
    }
}

/// A risk kind as a mark in a cell or column header; the legend explains them,
/// the tooltips and the checklist say them in words.
pub fn risk_mark(kind: RiskKind) -> Html {
    html! { <span class={classes!("risk-mark", kind.as_str())} title={kind.as_str()}>{ risk_glyph(kind) }</span> }
}

pub fn risk_glyph(kind: RiskKind) -> &'static str {
    match kind {
        RiskKind::MixedVersionFailover => "⚠",
        RiskKind::NoFailoverTarget => "⊘",
        RiskKind::Outage => "✖",
    }
}

/// Moves keyboard focus to the header button of `step`.
fn focus_column(header: &NodeRef, step: usize) {
    let Some(row) = header.cast::<HtmlElement>() else {
        return;
    };
    if let Ok(Some(button)) = row.query_selector(&format!("button[data-step=\"{step}\"]"))
        && let Some(button) = wasm_bindgen::JsCast::dyn_ref::<HtmlElement>(&button)
    {
        let _ = button.focus();
    }
}
