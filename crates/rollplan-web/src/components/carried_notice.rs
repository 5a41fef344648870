//! Ticks an earlier release of rollplan saved under its own plan of this
//! description, carried over to the plan shown: what was carried, and the
//! ticked steps this plan no longer has, named so that none is silently lost.

use std::rc::Rc;

use yew::prelude::*;

use crate::progress::CarriedOver;
use crate::wording::{carried_over, no_longer_planned};

#[derive(Properties, PartialEq, Debug)]
pub struct CarriedNoticeProps {
    pub carried: Rc<CarriedOver>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn CarriedNotice(props: &CarriedNoticeProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let carried = &props.carried;
    let found = carried.steps.len();
    let ticked = found + carried.missing.len();
    html! {
        <section class="link-error carried-notice" role="status">
            <p>{ carried_over(found, ticked) }</p>
            if !carried.missing.is_empty() {
                <p>{ no_longer_planned(carried.missing.len()) }</p>
                <ul class="carried-missing">
                    { for carried.missing.iter().map(|title| html! { <li>{ title.to_string() }</li> }) }
                </ul>
            }
            <button type="button" class="button small" onclick={dismiss}>{ "Dismiss" }</button>
        </section>
    }
}
