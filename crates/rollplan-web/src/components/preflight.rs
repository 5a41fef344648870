//! "Before you start": the platform's pre-flight checks above step 1 of the
//! checklist, each with a tick of its own and, where one shows it, its
//! command with a copy button. Only on a `platform` other than `generic`.
//! The ticks are kept as the steps' are (`state/ticks.rs`): a reload at 2 a.m.
//! keeps them.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::platform::Preflight as Check;
use yew::prelude::*;

use crate::components::command_lines::CommandLines;

#[derive(Properties, PartialEq, Debug)]
pub struct PreflightProps {
    pub checks: Rc<[Check]>,
    /// The ticked checks (indices into `checks`).
    pub done: Rc<BTreeSet<usize>>,
    /// Called with (check, done) when a check is ticked or unticked.
    pub on_done: Callback<(usize, bool)>,
    /// Copies a command to the clipboard.
    pub on_copy: Callback<String>,
}

#[component]
pub fn Preflight(props: &PreflightProps) -> Html {
    if props.checks.is_empty() {
        return Html::default();
    }
    let ticked = &props.done;
    let tick = |index: usize| {
        props.on_done.reform(move |event: Event| {
            (index, event.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|input| input.checked()))
        })
    };
    html! {
        <section class="preflight" aria-labelledby="preflight-heading">
            <h3 id="preflight-heading" class="checklist-heading">{ "Before you start" }</h3>
            <ul class="preflight-checks">
                { for props.checks.iter().enumerate().map(|(index, check)| html! {
                    <li class={classes!("preflight-check", ticked.contains(&index).then_some("done"))}>
                        <label>
                            <input type="checkbox" checked={ticked.contains(&index)} onchange={tick(index)} />
                            { " " }{ &check.check }
                        </label>
                        if let Some(command) = &check.command {
                            <CommandLines label="Run" lines={Rc::<[String]>::from(vec![command.clone()])} on_copy={props.on_copy.clone()} />
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}
