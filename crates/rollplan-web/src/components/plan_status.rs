//! One line in the page header saying where the plan stands, linking to it.
//!
//! On a laptop the plan starts below the editor; this line is on the first
//! screen, so the page always says at once whether there is a plan, how big
//! it is and how far the user has got (or what stands in the way).

use yew::prelude::*;

use crate::wording::plural;

/// Where the plan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// The description is being analysed for the first time (a large one, in the analysis worker).
    Checking,
    /// The description has errors.
    Invalid { errors: usize },
    /// Valid, but no safe plan exists.
    Blocked,
    /// A plan of `steps` steps, `done` of them ticked, taking about `estimate`.
    Planned { steps: usize, done: usize, estimate: String },
}

#[derive(Properties, PartialEq, Debug)]
pub struct PlanStatusProps {
    pub standing: Standing,
    /// Takes the user to the plan (without putting `#plan` in the address).
    pub on_click: Callback<MouseEvent>,
}

#[component]
pub fn PlanStatus(props: &PlanStatusProps) -> Html {
    let (class, text) = match &props.standing {
        Standing::Checking => ("", "Checking the description…".to_owned()),
        Standing::Invalid { errors } => ("bad", format!("No plan yet: {} to fix", plural(*errors, "error", "errors"))),
        Standing::Blocked => ("bad", "No safe plan: see why".to_owned()),
        Standing::Planned { steps: 0, .. } => ("", "Nothing to upgrade".to_owned()),
        Standing::Planned { steps, done, .. } if done == steps => ("good", format!("Plan: all {steps} steps done")),
        Standing::Planned { steps, done, estimate } => {
            ("", format!("Plan: {}, {estimate}; {done} done", plural(*steps, "step", "steps")))
        }
    };
    html! {
        <a class={classes!("plan-status", class)} href="#plan" onclick={props.on_click.clone()}>{ text }{ " ↓" }</a>
    }
}
