//! The plan as a numbered checklist, one [`StepItem`] per step.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::plan::Plan;
use yew::prelude::*;

use crate::components::step_item::StepItem;

#[derive(Properties, PartialEq, Debug)]
pub struct ChecklistProps {
    pub plan: Rc<Plan>,
    pub done: Rc<BTreeSet<usize>>,
    /// The first step not done.
    pub current: Option<usize>,
    pub selected: Option<usize>,
    /// Called with (step, done) when a step is ticked or unticked.
    pub on_done: Callback<(usize, bool)>,
    pub on_select: Callback<usize>,
}

#[component]
pub fn Checklist(props: &ChecklistProps) -> Html {
    html! {
        <ol class="checklist" aria-label="Upgrade steps">
            { for (0..props.plan.steps.len()).map(|index| html! {
                <StepItem
                    key={index}
                    plan={props.plan.clone()}
                    {index}
                    done={props.done.contains(&index)}
                    current={props.current == Some(index)}
                    selected={props.selected == Some(index)}
                    on_done={props.on_done.clone()}
                    on_select={props.on_select.clone()}
                />
            }) }
        </ol>
    }
}
