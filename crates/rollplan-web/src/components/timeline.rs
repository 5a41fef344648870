//! The timeline: the whole upgrade at a glance.
//!
//! A table with one row per node and one column per step (after the starting
//! state): each cell shows the node's release of each component (one colour
//! per release, green for the target), the services it hosts, greyed when the
//! node is paused, and a warning sign when a failure of that node at that
//! point would not fail over safely. The columns of a wave that takes
//! several nodes down are shaded as one group, named at its start. Column headers are buttons that select
//! the step in the checklist; the arrow keys move between them.
//!
//! The picture is computed by [`crate::timeline`]; this file only draws it.
//! A long plan's timeline renders only the columns near the view (and the
//! current and selected steps'), with a gap column standing for the others,
//! in columns of one width (see `list_window.rs`).
//! Names are rendered as text nodes.

use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use rollplan_core::Cluster;
use rollplan_core::model::{NodeId, ServiceId};
use rollplan_core::plan::{Plan, Risk, RiskKind};
use web_sys::{FocusOptions, HtmlElement};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::components::timeline_legend::TimelineLegend;
use crate::hooks::style::{use_data_sizes, use_style_property};
use crate::hooks::viewport::{Viewport, use_sideways_viewport};
use crate::list_window::{self, Piece, Sizes, whole_pixels};
use crate::timeline::{
    COLUMN_REM, Cell, Column, ComponentReleases, MAX_STICKY_NODES, NAMES_REM, SPACING_PX, Timeline as Picture,
    WINDOW_COLUMNS_ABOVE, short_release,
};
use crate::wording::risk_glyph;

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
    let scroller = use_node_ref();
    // As wide as the panel, up to this: a short plan's cells stay cell-sized.
    let columns = picture.as_ref().as_ref().map_or(0, |picture| picture.columns.len());
    use_style_property(&grid, "--max-width", format!("{}rem", 6 + 6 * columns));
    // A long plan's timeline renders the columns near the view, the current and selected ones.
    let windowed = columns > WINDOW_COLUMNS_ABOVE;
    let viewport = use_sideways_viewport(&scroller, windowed);
    use_data_sizes(&scroller);
    let layout = Layout::of(columns, windowed, viewport, [props.current, props.selected]);
    let Some(picture) = picture.as_ref() else {
        return html! {
            <section class="timeline too-big" aria-labelledby="timeline-heading">
                <h3 id="timeline-heading">{ "Timeline" }</h3>
                <p class="muted">
                    { format!("Not drawn: {} nodes over {} steps is too big to read at a glance; the checklist below has every step.",
                        props.cluster.nodes().len(), props.plan.steps.len()) }
                </p>
            </section>
        };
    };
    let steps = props.plan.steps.len();
    // The one column header reachable with Tab; the arrow keys move from it.
    let focus_step = props.selected.or(props.current).unwrap_or(0).min(steps.saturating_sub(1));
    let view = View { props, picture, header: &header, focus_step };

    html! {
        <section class={classes!("timeline", (props.cluster.nodes().len() <= MAX_STICKY_NODES).then_some("sticky"))} aria-labelledby="timeline-heading">
            <h3 id="timeline-heading">{ "Timeline" }</h3>
            <p class="timeline-help muted">
                { "One row per node, one column per step: each cell is the node after that step. Select a column to see its step." }
            </p>
            <div class="timeline-scroll" ref={scroller}>
                <table
                    class={classes!("timeline-grid", windowed.then_some("windowed"))}
                    ref={grid}
                    data-width={layout.width.map(|width| width.to_string())}
                >
                    if windowed {
                        <colgroup>
                            <col class="names-col" />
                            { for layout.pieces.iter().map(|piece| match *piece {
                                Piece::Step(column) => html! { <col key={column} class="column-col" /> },
                                Piece::Gap { first, size, .. } => html! {
                                    <col key={format!("gap-{first}")} class="gap-col" data-width={layout.gap_width(size).to_string()} />
                                },
                            }) }
                        </colgroup>
                    }
                    <thead>
                        <tr ref={header.clone()}>
                            <th scope="col" class="corner">{ "Node" }</th>
                            { for layout.pieces.iter().map(|piece| match *piece {
                                Piece::Step(column) => view.column_header(&picture.columns[column]),
                                Piece::Gap { .. } => html! { <th class="column-gap" aria-hidden="true"></th> },
                            }) }
                        </tr>
                    </thead>
                    <tbody>
                        { for props.cluster.nodes().iter_ids().map(|(node, definition)| html! {
                            <tr>
                                <th scope="row" class="node-name">{ &definition.name }</th>
                                { for layout.pieces.iter().map(|piece| match *piece {
                                    Piece::Step(column) => view.cell(node, &picture.columns[column]),
                                    Piece::Gap { .. } => html! { <td class="column-gap"></td> },
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <TimelineLegend legend={picture.legend.clone()} replicated={!props.cluster.replicated().is_empty()} />
        </section>
    }
}

/// Which columns are rendered, and how wide the table and its gaps are (px) when windowed.
struct Layout {
    pieces: Vec<Piece>,
    /// The table's width when windowed (its layout is fixed then).
    width: Option<u64>,
    spacing: f64,
}

impl Layout {
    /// `columns` columns (the start and one per step); when `windowed`, those
    /// near `viewport` and the columns of the `pinned` steps.
    fn of(columns: usize, windowed: bool, viewport: Option<Viewport>, pinned: [Option<usize>; 2]) -> Layout {
        if !windowed {
            return Layout { pieces: (0..columns).map(Piece::Step).collect(), width: None, spacing: 0.0 };
        }
        let rem = viewport.map_or(16.0, |viewport| viewport.rem);
        let names = NAMES_REM * rem + SPACING_PX;
        let sizes = Sizes::uniform(columns, COLUMN_REM * rem + SPACING_PX);
        // The columns start after the node names; before the first reading, a screen's worth.
        let (start, end) = viewport.map_or((0.0, 1_280.0), |viewport| (viewport.start - names, viewport.end - names));
        // A step's column comes after the starting state's.
        let pinned: Vec<usize> = pinned.into_iter().flatten().map(|step| step + 1).collect();
        let pieces = list_window::pieces(&sizes, list_window::window(&sizes, start, end), &pinned);
        let width = whole_pixels(names + sizes.sum(0..columns) + SPACING_PX);
        Layout { pieces, width: Some(width), spacing: SPACING_PX }
    }

    /// A gap's column standing for columns that take `size` px with their spacing: the spacing after the last stays.
    fn gap_width(&self, size: f64) -> u64 {
        whole_pixels(size - self.spacing)
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
            // Cannot be undone in place: an irreversible upgrade, or the point of no return.
            (!self.props.plan.steps[step].details.reversible).then_some("irreversible"),
            // A wave of several nodes: its columns shaded as one group, a rule where it starts.
            column.wave.map(|wave| if wave % 2 == 0 { "wave-even" } else { "wave-odd" }),
            column.wave_start.then_some("wave-start"),
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
        let details = &self.props.plan.steps[step].details;
        let title = format!(
            "Step {}: {}{}{}{}",
            step + 1,
            self.props.plan.steps[step].title,
            if details.reversible { "" } else { " (irreversible)" },
            if done { " (done)" } else { "" },
            column.wave.map(|wave| format!(" (wave {wave}: may be done in parallel)")).unwrap_or_default(),
        );
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
                    if let Some(wave) = column.wave.filter(|_| column.wave_start) {
                        <span class="column-wave">{ format!("wave {wave}") }</span>
                    }
                    <span class="column-action">{ action }</span>
                    <span class="column-risks" aria-hidden="true">{ for column.risks.iter().map(|&kind| risk_mark(kind)) }</span>
                </button>
            </th>
        }
    }

    fn cell(&self, node: NodeId, column: &Column) -> Html {
        let cell = &column.cells[node.index()];
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
                    { for cell.releases.iter().zip(&self.picture.legend).filter_map(|(&release, legend)| Some(release_band(legend, release?))) }
                </span>
                if !cell.up {
                    <span class="paused-label">{ "paused" }</span>
                }
                { for cell.services.iter().map(|hosted| html! {
                    <span class={classes!("service-chip", (!hosted.online).then_some("offline"), hosted.risk.map(RiskKind::as_str))}>
                        if let Some(kind) = hosted.risk { { risk_glyph(kind) } }
                        { &self.props.cluster.service(hosted.service).name }
                    </span>
                }) }
                { for cell.copies.iter().map(|copy| html! {
                    <span class={classes!("service-chip", "copy", (!copy.up).then_some("down"), copy.risk.map(RiskKind::as_str))}>
                        if let Some(kind) = copy.risk { { risk_glyph(kind) } }
                        { &self.props.cluster.replicated_service(copy.service).name }
                    </span>
                }) }
            </td>
        }
    }

    /// The cell in words, for the tooltip: who, when, what runs, and what a failure would do.
    fn cell_title(&self, node: NodeId, column: &Column, cell: &Cell) -> String {
        let cluster = &self.props.cluster;
        let when = column.step.map_or_else(|| "now".to_owned(), |step| format!("after step {}", step + 1));
        let releases: Vec<String> = cell
            .releases
            .iter()
            .zip(&self.picture.legend)
            .filter_map(|(&release, legend)| Some(format!("{} {}", legend.title, legend.releases[release?])))
            .collect();
        let mut title = format!("{} {when}: {}", cluster.node(node).name, releases.join(", "));
        if !cell.up {
            title.push_str("; paused");
        }
        if !cell.services.is_empty() {
            let services: Vec<&str> =
                cell.services.iter().map(|hosted| cluster.service(hosted.service).name.as_str()).collect();
            title.push_str("; hosts ");
            title.push_str(&services.join(", "));
        }
        if !cell.copies.is_empty() {
            let copies: Vec<&str> =
                cell.copies.iter().map(|copy| cluster.replicated_service(copy.service).name.as_str()).collect();
            title.push_str(if cell.up { "; holds a copy of " } else { "; holds a copy (down) of " });
            title.push_str(&copies.join(", "));
        }
        if let Some(step) = column.step {
            let risks: Vec<&Risk> = self.props.plan.risks_after(step).collect();
            let mut named: Vec<ServiceId> = Vec::new();
            for risk in risks.iter().filter(|risk| risk.node() == Some(node)) {
                title.push('\n');
                title.push_str(&risk.message(cluster));
                named.extend_from_slice(risk.services());
            }
            // Services at risk that no risk of this node names are in a risk
            // of services on several nodes: say those of their kinds.
            let unnamed: Vec<RiskKind> = cell
                .services
                .iter()
                .filter(|hosted| !named.contains(&hosted.service))
                .filter_map(|hosted| hosted.risk)
                .collect();
            // A replicated service's risk is said on every node holding a copy.
            for risk in risks.iter().filter(|risk| {
                risk.node() != Some(node)
                    // A cell's copies are in the services' order: found by halving.
                    && risk.replicated().is_some_and(|r| cell.copies.binary_search_by_key(&r, |c| c.service).is_ok())
            }) {
                title.push('\n');
                title.push_str(&risk.message(cluster));
            }
            for risk in risks
                .iter()
                .filter(|risk| risk.node().is_none() && risk.replicated().is_none() && unnamed.contains(&risk.kind))
            {
                title.push('\n');
                title.push_str(&risk.message(cluster));
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

/// Moves keyboard focus to the header button of `step`: at once when its
/// column is rendered, else once it is (a long timeline renders the columns
/// near the view and the selected one, which Home and End select far away).
fn focus_column(header: &NodeRef, step: usize) {
    if let Some(button) = column_button(header, step) {
        let _ = button.focus();
        return;
    }
    let header = header.clone();
    spawn_local(async move {
        sleep(Duration::ZERO).await;
        let Some(button) = column_button(&header, step) else {
            return;
        };
        // Scrolled into view sideways only: the page itself already shows
        // the selected step in the checklist, as after any other selection.
        let scroller = button.closest(".timeline-scroll").ok().flatten();
        if let Some(scroller) = scroller {
            let offset = button.get_bounding_client_rect().left() - scroller.get_bounding_client_rect().left();
            #[allow(clippy::cast_possible_truncation)] // pixels, well within i32
            let centred = (offset - f64::from(scroller.client_width()) / 2.0) as i32;
            scroller.set_scroll_left(scroller.scroll_left() + centred);
        }
        let options = FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = button.focus_with_options(&options);
    });
}

/// The header button of `step`, if its column is rendered.
fn column_button(header: &NodeRef, step: usize) -> Option<HtmlElement> {
    let row = header.cast::<HtmlElement>()?;
    let button = row.query_selector(&format!("button[data-step=\"{step}\"]")).ok().flatten()?;
    wasm_bindgen::JsCast::dyn_into::<HtmlElement>(button).ok()
}
