//! "Compare with another plan": paste a plan link (say, the revised plan) or
//! choose a file, and see what changed between the plan shown and that one.
//!
//! The field's text is this component's own state, so typing or pasting in it
//! re-renders nothing else.

use std::rc::Rc;

use web_sys::{File, HtmlTextAreaElement};
use yew::prelude::*;

use crate::components::comparison::ComparisonView;
use crate::hooks::files::on_file_chosen;
use crate::state::review::Review;

#[derive(Properties, PartialEq, Debug)]
pub struct ComparePlansProps {
    /// The comparison asked for, if any.
    pub review: Option<Rc<Review>>,
    /// The fingerprint of the plan shown.
    pub fingerprint: AttrValue,
    /// Compare with the plan of a pasted link (or description text).
    pub on_compare: Callback<String>,
    /// Compare with the plan of a file.
    pub on_file: Callback<File>,
    pub on_swap: Callback<()>,
    pub on_close: Callback<()>,
}

#[component]
pub fn ComparePlans(props: &ComparePlansProps) -> Html {
    let input = use_state(String::new);
    let oninput = {
        let input = input.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(field) = event.target_dyn_into::<HtmlTextAreaElement>() {
                input.set(field.value());
            }
        })
    };
    let onclick = {
        let (input, on_compare) = (input.clone(), props.on_compare.clone());
        Callback::from(move |_: MouseEvent| on_compare.emit((*input).clone()))
    };
    // Enter compares (a link is one line); Shift+Enter is a new line of pasted text.
    let onkeydown = {
        let (input, on_compare) = (input.clone(), props.on_compare.clone());
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && !event.shift_key() {
                event.prevent_default();
                on_compare.emit((*input).clone());
            }
        })
    };
    let onchange = on_file_chosen(&props.on_file);
    html! {
        <section class="compare" aria-labelledby="compare-heading">
            <h3 id="compare-heading">{ "Compare with another plan" }</h3>
            <div class="compare-form">
                <textarea
                    id="compare-input"
                    class="compare-input"
                    rows="1"
                    spellcheck="false"
                    autocomplete="off"
                    placeholder="Paste a plan link, for example the revised plan, and press Enter"
                    aria-label="Plan link to compare with"
                    value={(*input).clone()}
                    {oninput}
                    {onkeydown}
                />
                <button type="button" class="button small" {onclick}>{ "Compare" }</button>
                <label class="button small open-file" title="Compare with a description file">
                    <input type="file" class="visually-hidden"
                        accept=".yaml,.yml,.toml,.json,.txt,text/plain,application/json,application/yaml,application/toml"
                        {onchange} />
                    { "File…" }
                </label>
            </div>
            if let Some(review) = &props.review {
                <ComparisonView
                    review={review.clone()}
                    fingerprint={props.fingerprint.clone()}
                    on_swap={props.on_swap.clone()}
                    on_close={props.on_close.clone()}
                />
            }
        </section>
    }
}
