//! The plan's summary bar: its size, its cost, and how far the user has got.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::plan::Plan;
use rollplan_core::report::risks_cut_line;
use yew::prelude::*;

use crate::wording::{duration, estimate, parallel, plural, waves_line};

#[derive(Properties, PartialEq, Debug)]
pub struct PlanSummaryProps {
    pub plan: Rc<Plan>,
    pub fingerprint: AttrValue,
    pub done: Rc<BTreeSet<usize>>,
    /// How many of the pre-flight checks ("Before you start") are ticked: "Untick all" unticks them too.
    pub preflight_done: usize,
    /// Whether "Untick all" was just used (and can be undone).
    pub can_undo: bool,
    /// Unticks every step of this plan.
    pub on_clear: Callback<()>,
    /// Puts back the ticks "Untick all" removed.
    pub on_undo: Callback<()>,
}

#[component]
pub fn PlanSummary(props: &PlanSummaryProps) -> Html {
    let summary = &props.plan.summary;
    let steps = props.plan.steps.len();
    let done = props.done.iter().filter(|&&step| step < steps).count();
    let minutes_left: u32 = props
        .plan
        .steps
        .iter()
        .enumerate()
        .filter(|(index, _)| !props.done.contains(index))
        .filter_map(|(_, step)| step.details.minutes)
        .sum();
    // Steps' minutes add up to work; with parallel waves that is not the wall clock.
    let left = if parallel(summary) { "of work left" } else { "left" };
    let progress_text = if done == steps {
        "all steps done".to_owned()
    } else {
        format!("{done} of {steps} done, {} {left}", duration(minutes_left))
    };
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    let on_undo = props.on_undo.reform(|_: MouseEvent| ());
    html! {
        <div class="plan-summary">
            <dl class="figures">
                <div class="figure"><dt>{ "Steps" }</dt><dd>{ steps }</dd></div>
                <div class="figure" title="Planned failovers: each is a brief interruption of one service">
                    <dt>{ "Moves" }</dt><dd>{ summary.moves }</dd>
                </div>
                <div class={classes!("figure", (summary.outage_minutes > 0).then_some("bad"))} title="Minutes services are offline, summed over services">
                    <dt>{ "Outage" }</dt>
                    <dd>{ format!("{} min", summary.outage_minutes) }</dd>
                </div>
                <div class={classes!("figure", (summary.mixed_version_steps > 0).then_some("warn"))} title="Steps after which nodes run different releases">
                    <dt>{ "Mixed-version steps" }</dt><dd>{ summary.mixed_version_steps }</dd>
                </div>
                <div class="figure" title="On the wall clock: the nodes of one wave may be worked on at the same time">
                    <dt>{ "Estimated time" }</dt>
                    <dd>
                        { estimate(summary) }
                        if let Some(line) = waves_line(summary) {
                            <span class="figure-note">{ line }</span>
                        }
                    </dd>
                </div>
                if !props.plan.windows.is_empty() {
                    <div class="figure windows-figure" title="Maintenance windows (policy.window_minutes): the checklist heads each one">
                        <dt>{ "Windows" }</dt><dd>{ props.plan.windows.len() }</dd>
                    </div>
                }
                <div class="figure progress-figure">
                    <dt>{ "Progress" }</dt>
                    <dd>
                        <progress max={steps.to_string()} value={done.to_string()} aria-label="Steps done"></progress>
                        <span class="progress-text">{ progress_text }</span>
                    </dd>
                </div>
            </dl>
            <div class="plan-meta">
                <span class="fingerprint" title="The plan's fingerprint: ticks are kept per plan, in this browser">
                    { "plan " }<code>{ &props.fingerprint }</code>
                </span>
                if props.can_undo {
                    <button type="button" class="button small undo" onclick={on_undo}>{ "Undo untick all" }</button>
                } else {
                    <button type="button" class="button small" onclick={on_clear} disabled={done == 0 && props.preflight_done == 0}>{ "Untick all" }</button>
                }
            </div>
            if let Some(line) = risks_cut_line(&props.plan) {
                <p class="notice risks-cut" role="note">{ line }</p>
            }
            <p class="visually-hidden" aria-live="polite">{ plural(done, "step done", "steps done") }</p>
        </div>
    }
}
