//! "Before you start": the platform's pre-flight checks above step 1 of the
//! checklist, each with a tick of its own and, where one shows it, its
//! command with a copy button. Only on a `platform` other than `generic`.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::platform::Preflight as Check;
use yew::prelude::*;

use crate::components::command_lines::CommandLines;

#[derive(Properties, PartialEq, Debug)]
pub struct PreflightProps {
    pub checks: Rc<[Check]>,
    /// Copies a command to the clipboard.
    pub on_copy: Callback<String>,
}

#[component]
pub fn Preflight(props: &PreflightProps) -> Html {
    // Ticked here, for this visit: they are about the cluster today, not about the plan.
    let ticked = use_state(BTreeSet::<usize>::new);
    if props.checks.is_empty() {
        return Html::default();
    }
    let tick = |index: usize| {
        let ticked = ticked.clone();
        Callback::from(move |event: Event| {
            let on = event.target_dyn_into::<web_sys::HtmlInputElement>().is_some_and(|input| input.checked());
            let mut next = (*ticked).clone();
            if on {
                next.insert(index);
            } else {
                next.remove(&index);
            }
            ticked.set(next);
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
