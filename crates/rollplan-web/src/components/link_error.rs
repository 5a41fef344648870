//! Why a plan link could not be opened. Nothing else changed, and it says so.

use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct LinkErrorProps {
    /// The message, with the core's sentence about the link.
    pub message: AttrValue,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn LinkError(props: &LinkErrorProps) -> Html {
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <section class="link-error" role="alert">
            <p>{ &props.message }</p>
            <button type="button" class="button small" onclick={dismiss}>{ "Dismiss" }</button>
        </section>
    }
}
