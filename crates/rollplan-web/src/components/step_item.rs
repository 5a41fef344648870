//! One step of the checklist: the heading of its wave when it begins one of
//! several nodes, its checkbox, title, what to check before and
//! after, the interruption and duration, the skew rules at their limit,
//! and its risks as badges.
//!
//! A component of its own so that ticking one step re-renders only that step.

use std::rc::Rc;

use rollplan_core::plan::{Plan, RiskLevel};
use rollplan_core::report::RiskLine;
use web_sys::{HtmlDetailsElement, HtmlElement, HtmlInputElement, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

use crate::components::command_lines::CommandLines;
use crate::list_window::RISKS_SHOWN;

/// A drain or failback of up to this many services shows its moves unfolded.
const MOVES_SHOWN: usize = 6;
use crate::wording::{risk_meaning, step_minutes};

#[derive(Properties, Debug)]
#[allow(clippy::struct_excessive_bools)] // independent marks of one step, each a prop
pub struct StepItemProps {
    pub plan: Rc<Plan>,
    /// A drain's or failback's moves, one line each ("EVS1 from NODE1 to NODE2").
    pub moves: Rc<[String]>,
    /// What a node failure would bring after this step, a line for the
    /// services of a node that would fare alike (`report::risk_lines`).
    pub risks: Rc<[RiskLine]>,
    /// The skew rules at their limit after this step, a sentence each.
    pub at_limit: Rc<[String]>,
    /// The commands that carry the step out on the description's platform, and the checks after them.
    pub commands: Rc<[String]>,
    pub verify: Rc<[String]>,
    pub index: usize,
    /// The step's wave when that wave takes several nodes down: its steps may be done in parallel.
    pub wave: Option<usize>,
    /// Before the first step of such a wave: "Wave 3: NODE5, NODE6 — these may be done in parallel".
    pub wave_heading: Option<AttrValue>,
    /// Before the first step of a maintenance window: "Window 1 of 2: steps 1 to 11, ...".
    pub window_heading: Option<AttrValue>,
    /// After the last step of a maintenance window: how it leaves the cluster.
    pub window_end: Option<AttrValue>,
    pub done: bool,
    /// The first step not done: what to do next.
    pub current: bool,
    pub selected: bool,
    /// The page is being printed: folded risks are printed too.
    pub printing: bool,
    pub on_done: Callback<(usize, bool)>,
    pub on_select: Callback<usize>,
    /// Copies a command to the clipboard.
    pub on_copy: Callback<String>,
}

/// Equal when this step looks the same: its own step, its risks and its
/// marks, not the whole plan. A new analysis gives a new plan; comparing
/// only what the step shows lets the steps it did not change skip
/// rendering (a keystroke in a 64-node description changes a few dozen of
/// 450 steps), where comparing the plans would re-render all of them.
impl PartialEq for StepItemProps {
    fn eq(&self, other: &Self) -> bool {
        let index = self.index;
        let same_step =
            Rc::ptr_eq(&self.plan, &other.plan) || self.plan.steps.get(index) == other.plan.steps.get(index);
        index == other.index
            && self.moves == other.moves
            && self.risks == other.risks
            && self.at_limit == other.at_limit
            && self.commands == other.commands
            && self.verify == other.verify
            && self.on_copy == other.on_copy
            && self.wave == other.wave
            && self.wave_heading == other.wave_heading
            && self.window_heading == other.window_heading
            && self.window_end == other.window_end
            && self.done == other.done
            && self.current == other.current
            && self.selected == other.selected
            && self.printing == other.printing
            && self.on_done == other.on_done
            && self.on_select == other.on_select
            && same_step
    }
}

#[component]
pub fn StepItem(props: &StepItemProps) -> Html {
    let item = use_node_ref();
    // The folded risks are only rendered once opened: a 64-node plan has
    // dozens of risks after most of its 450 steps, and rendering all of them
    // put 100,000 nodes in the page for every keystroke to restyle.
    let more_open = use_state(|| false);
    let on_toggle = {
        let more_open = more_open.clone();
        Callback::from(move |event: Event| {
            more_open.set(event.target_dyn_into::<HtmlDetailsElement>().is_some_and(|details| details.open()));
        })
    };
    let index = props.index;
    let step = &props.plan.steps[index];
    let risks = &props.risks;

    // A step picked elsewhere (the timeline) is brought into view. Not one
    // picked here, by focusing its checkbox: a click whose mousedown scrolled
    // the page would land beside the checkbox and not tick it.
    {
        let item = item.clone();
        use_effect_with(props.selected, move |&selected| {
            let picked_here = || {
                let focused = web_sys::window().and_then(|window| window.document()).and_then(|d| d.active_element());
                item.cast::<web_sys::Node>().is_some_and(|node| node.contains(focused.as_ref().map(AsRef::as_ref)))
            };
            if selected
                && !picked_here()
                && let Some(item) = item.cast::<HtmlElement>()
            {
                let options = ScrollIntoViewOptions::new();
                options.set_block(ScrollLogicalPosition::Nearest);
                item.scroll_into_view_with_scroll_into_view_options(&options);
            }
        });
    }

    let onchange = props.on_done.reform(move |event: Event| {
        let checked = event.target_dyn_into::<HtmlInputElement>().is_some_and(|input| input.checked());
        (index, checked)
    });
    let select = props.on_select.reform(move |_: MouseEvent| index);
    let onfocus = props.on_select.reform(move |_: FocusEvent| index);
    let details = &step.details;
    let class = classes!(
        "step",
        props.done.then_some("done"),
        props.current.then_some("current"),
        props.selected.then_some("selected"),
        (!risks.is_empty()).then_some("has-risks"),
        props.wave.is_some().then_some("in-wave"),
        props.wave_heading.is_some().then_some("wave-first"),
        props.window_heading.is_some().then_some("window-first"),
        props.window_end.is_some().then_some("window-last"),
    );

    html! {
        // Its place in the whole list, for assistive technology: a long checklist renders only some steps.
        <li
            {class}
            ref={item}
            aria-current={props.current.then_some("step")}
            aria-posinset={(index + 1).to_string()}
            aria-setsize={props.plan.steps.len().to_string()}
            data-step={index.to_string()}
            data-wave={props.wave.map(|wave| wave.to_string())}
        >
            if let Some(heading) = &props.window_heading {
                <h4 class="window-heading">{ heading }</h4>
            }
            if let Some(heading) = &props.wave_heading {
                <p class="wave-heading">{ heading }</p>
            }
            <div class="step-head">
                <label class="step-check">
                    <input
                        type="checkbox"
                        checked={props.done}
                        aria-label={format!("Step {} done: {}", index + 1, step.title)}
                        {onchange}
                        {onfocus}
                    />
                    <span class="step-number">{ index + 1 }</span>
                </label>
                <span class="step-title" onclick={select.clone()}>{ &step.title }</span>
                if props.current {
                    <span class="pill next">{ "next" }</span>
                }
                if !details.reversible {
                    <span class="pill irreversible" title="This step cannot be undone in place: see its rollback">{ "irreversible" }</span>
                }
                <span class="step-minutes">{ step_minutes(details.minutes) }</span>
            </div>
            <div class="step-body" onclick={select}>
                if !props.moves.is_empty() {
                    <details class="moves" open={props.moves.len() <= MOVES_SHOWN || props.printing}>
                        <summary>{ format!("{} services move", props.moves.len()) }</summary>
                        <ol class="moves">{ for props.moves.iter().map(|line| html! { <li>{ line }</li> }) }</ol>
                    </details>
                }
                <dl class="step-details">
                    <dt>{ "Before" }</dt><dd>{ &details.before }</dd>
                    <dt>{ "After" }</dt><dd>{ &details.after }</dd>
                    <dt>{ "Interruption" }</dt><dd>{ &details.interruption }</dd>
                    <dt>{ "Rollback" }</dt><dd class={classes!("rollback", (!details.reversible).then_some("irreversible"))}>{ &details.rollback }</dd>
                </dl>
                <CommandLines label="Run" lines={props.commands.clone()} on_copy={props.on_copy.clone()} />
                <CommandLines label="Check" lines={props.verify.clone()} on_copy={props.on_copy.clone()} />
                if !props.at_limit.is_empty() {
                    <ul class="at-limit" aria-label="Skew rules at their limit after this step">
                        { for props.at_limit.iter().map(|line| html! {
                            <li><span class="badge at-limit-badge" title="No upgrade may widen this skew further until it narrows">{ "at the limit" }</span>{ " " }{ line }</li>
                        }) }
                    </ul>
                }
                if !risks.is_empty() {
                    <ul class="risks" aria-label="Risks if a node fails after this step">
                        { for risks.iter().take(RISKS_SHOWN).map(risk) }
                    </ul>
                    if risks.len() > RISKS_SHOWN {
                        <details class="more-risks" ontoggle={on_toggle}>
                            <summary>{ format!("{} more risks", risks.len() - RISKS_SHOWN) }</summary>
                            if *more_open || props.printing {
                                <ul class="risks">{ for risks.iter().skip(RISKS_SHOWN).map(risk) }</ul>
                            }
                        </details>
                    }
                }
            </div>
            if let Some(end) = &props.window_end {
                <p class="window-end" role="note">{ end }</p>
            }
        </li>
    }
}

fn risk(risk: &RiskLine) -> Html {
    let level = match risk.level {
        RiskLevel::Error => "error",
        RiskLevel::Warning => "warning",
        RiskLevel::Info => "info",
    };
    let kind = risk.kind.as_str();
    html! {
        <li class={classes!("risk", level)}>
            <span class={classes!("badge", "risk-badge", kind)} title={risk_meaning(risk.kind)}>{ kind }</span>
            { " " }<span class="risk-message">{ &risk.message }</span>
        </li>
    }
}
