//! The plan as a numbered checklist, one [`StepItem`] per step.
//!
//! A long plan renders only the steps near the screen, with a gap for the
//! others (`list_window.rs` says why and how): a 64-node cluster's 450 steps,
//! or a 4,096-node one's 28,000, cost a keystroke or a scroll what a screenful
//! costs. Short plans, and any plan being printed, are rendered whole.
//! The steps of a wave that takes several nodes down are indented under the
//! wave's heading, carried by its first step (so the window still counts steps);
//! a maintenance window's heading and the state it leaves the cluster in are
//! carried by its first and last steps likewise.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::plan::Plan;
use yew::prelude::*;

use crate::components::step_item::StepItem;
use crate::hooks::style::use_data_sizes;
use crate::hooks::viewport::{use_printing, use_step_heights, use_viewport};
use crate::list_window::{self, Piece, Sizes, WINDOW_ABOVE, whole_pixels};
use rollplan_core::Cluster;
use rollplan_core::report::{
    RiskLine, move_lines, risk_lines, step_commands, wave_headings, waves_of_several, window_marks,
};

#[derive(Properties, PartialEq, Debug)]
pub struct ChecklistProps {
    pub cluster: Rc<Cluster>,
    pub plan: Rc<Plan>,
    pub done: Rc<BTreeSet<usize>>,
    /// The first step not done.
    pub current: Option<usize>,
    pub selected: Option<usize>,
    /// Called with (step, done) when a step is ticked or unticked.
    pub on_done: Callback<(usize, bool)>,
    pub on_select: Callback<usize>,
    /// Copies a step's command to the clipboard.
    pub on_copy: Callback<String>,
}

/// What is taken to be on screen (px from the list's top) before the first reading.
const FIRST_SCREEN: f64 = 1_000.0;

#[component]
pub fn Checklist(props: &ChecklistProps) -> Html {
    let total = props.plan.steps.len();
    let printing = use_printing();
    let windowed = total > WINDOW_ABOVE && !printing;
    let list = use_node_ref();
    let viewport = use_viewport(&list, windowed);
    let heights = use_mut_ref(Sizes::default);
    heights.borrow_mut().fit(props.plan.steps.iter().map(|step| step.risk_count));
    let rerender = use_force_update();
    let on_measured = {
        let heights = heights.clone();
        Callback::from(move |measured: Vec<(usize, f64)>| {
            let mut table = heights.borrow_mut();
            // Every measurement is recorded (no short-circuit); one that changed the layout re-renders.
            let changed =
                measured.into_iter().fold(false, |changed, (step, height)| table.measure(step, height) | changed);
            if changed {
                rerender.force_update();
            }
        })
    };
    use_step_heights(&list, windowed, on_measured);
    use_data_sizes(&list);

    // Worked out once per plan, not per rendered step.
    let waves = use_memo(props.plan.clone(), |plan| {
        let headings: Vec<Option<AttrValue>> =
            wave_headings(&props.cluster, plan).into_iter().map(|heading| heading.map(AttrValue::from)).collect();
        let windows: Vec<(Option<AttrValue>, Option<AttrValue>)> = window_marks(&props.cluster, plan)
            .into_iter()
            .map(|(heading, end)| (heading.map(AttrValue::from), end.map(AttrValue::from)))
            .collect();
        (waves_of_several(plan), headings, windows)
    });
    // Each step's commands on the description's platform (none on `generic`), once per plan.
    let commands = use_memo(props.plan.clone(), |plan| {
        step_commands(&props.cluster, plan)
            .into_iter()
            .map(|(run, verify)| (Rc::<[String]>::from(run), Rc::<[String]>::from(verify)))
            .collect::<Vec<_>>()
    });
    let no_commands: Rc<[String]> = Rc::from(Vec::new());
    let pieces = if windowed {
        let table = heights.borrow();
        let (top, bottom) = viewport.map_or((0.0, FIRST_SCREEN), |viewport| (viewport.start, viewport.end));
        let pinned: Vec<usize> = props.current.into_iter().chain(props.selected).collect();
        list_window::pieces(&table, list_window::window(&table, top, bottom), &pinned)
    } else {
        (0..total).map(Piece::Step).collect()
    };
    html! {
        <ol class="checklist" ref={list} aria-label="Upgrade steps">
            { for pieces.into_iter().map(|piece| match piece {
                Piece::Step(index) => html! {
                    <StepItem
                        key={index}
                        plan={props.plan.clone()}
                        moves={Rc::<[String]>::from(props.plan.steps.get(index).map(|step| move_lines(&props.cluster, &step.action)).unwrap_or_default())}
                        risks={Rc::<[RiskLine]>::from(risk_lines(&props.cluster, props.plan.risks_after(index)))}
                        at_limit={props.plan.at_limit_after(index).map(|span| span.message.clone()).collect::<Rc<[String]>>()}
                        commands={commands.get(index).map_or_else(|| no_commands.clone(), |c| c.0.clone())}
                        verify={commands.get(index).map_or_else(|| no_commands.clone(), |c| c.1.clone())}
                        on_copy={props.on_copy.clone()}
                        {index}
                        wave={waves.0.get(index).copied().flatten()}
                        wave_heading={waves.1.get(index).cloned().flatten()}
                        window_heading={waves.2.get(index).and_then(|mark| mark.0.clone())}
                        window_end={waves.2.get(index).and_then(|mark| mark.1.clone())}
                        done={props.done.contains(&index)}
                        current={props.current == Some(index)}
                        selected={props.selected == Some(index)}
                        {printing}
                        on_done={props.on_done.clone()}
                        on_select={props.on_select.clone()}
                    />
                },
                // Room for steps not rendered, as tall as they are (sized by `use_data_sizes`).
                Piece::Gap { first, count, size } => html! {
                    <li
                        key={format!("gap-{first}")}
                        class="step-gap"
                        aria-hidden="true"
                        data-steps={count.to_string()}
                        data-height={whole_pixels(size).to_string()}
                    ></li>
                },
            }) }
        </ol>
    }
}
