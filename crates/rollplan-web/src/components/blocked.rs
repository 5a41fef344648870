//! Why no safe plan exists, and what would unblock it.
//!
//! In the words of the command line (core's `report::blocked_text`): the same
//! heading, rule names, messages and unblocking changes, laid out for reading.

use std::rc::Rc;

use rollplan_core::plan::Blocked;
use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct BlockedReasonsProps {
    pub cluster: AttrValue,
    pub reasons: Rc<[Blocked]>,
}

#[component]
pub fn BlockedReasons(props: &BlockedReasonsProps) -> Html {
    let (before, after) = rollplan_core::report::blocked_heading(&props.reasons);
    html! {
        <section class="blocked" aria-labelledby="blocked-heading">
            <h3 id="blocked-heading">{ before }<span class="cluster-name">{ &props.cluster }</span>{ after }</h3>
            <ul class="blocked-reasons">
                { for props.reasons.iter().map(|reason| html! {
                    <li class="blocked-reason">
                        <p>
                            <code class="badge blocked-rule">{ format!("blocked[{}]", reason.rule.as_str()) }</code>
                            { " " }<span class="blocked-message">{ &reason.message }</span>
                        </p>
                        if !reason.unblock.is_empty() {
                            <p class="unblock-heading">{ "To unblock:" }</p>
                            <ul class="unblock">
                                { for reason.unblock.iter().map(|change| html! { <li>{ change }</li> }) }
                            </ul>
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}
