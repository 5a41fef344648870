//! The plan as a numbered checklist, one [`StepItem`] per step.
//!
//! Long plans are shown a page at a time: a 4,096-node cluster has about
//! 28,000 steps, and rendering all of them at once would freeze the page for
//! seconds. The steps up to the current and the selected one are always shown.

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

/// Steps rendered at first, and added by each "Show more".
pub const STEPS_AT_ONCE: usize = 500;

/// How many steps to render: at least `limit`, enough to include `needed`
/// (the current and selected steps), never more than the plan has.
pub fn steps_shown(total: usize, limit: usize, needed: Option<usize>) -> usize {
    limit.max(needed.map_or(0, |index| index + 1)).min(total)
}

#[component]
pub fn Checklist(props: &ChecklistProps) -> Html {
    let limit = use_state(|| STEPS_AT_ONCE);
    let total = props.plan.steps.len();
    let shown = steps_shown(total, *limit, props.current.max(props.selected));
    let more = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(shown + STEPS_AT_ONCE))
    };
    let all = {
        let limit = limit.clone();
        Callback::from(move |_: MouseEvent| limit.set(total))
    };
    html! {
        <>
        <ol class="checklist" aria-label="Upgrade steps">
            { for (0..shown).map(|index| html! {
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
        if shown < total {
            <p class="more-steps">
                { format!("Steps 1 to {shown} of {total} are shown. ") }
                <button type="button" onclick={more}>{ format!("Show {} more", STEPS_AT_ONCE.min(total - shown)) }</button>
                { " " }
                <button type="button" onclick={all}>{ "Show all" }</button>
            </p>
        }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_plans_are_shown_a_page_at_a_time_but_always_up_to_the_current_step() {
        assert_eq!(steps_shown(30, STEPS_AT_ONCE, None), 30);
        assert_eq!(steps_shown(28_000, STEPS_AT_ONCE, None), STEPS_AT_ONCE);
        assert_eq!(steps_shown(28_000, STEPS_AT_ONCE, Some(2_000)), 2_001);
        assert_eq!(steps_shown(28_000, 1_000, Some(10)), 1_000);
        assert_eq!(steps_shown(28_000, usize::MAX, None), 28_000);
    }
}
