//! The examples menu: loads a shipped description into the editor.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::state::EXAMPLES;

#[derive(Properties, PartialEq, Debug)]
pub struct ExamplesProps {
    /// The example the editor shows unchanged, if any.
    pub selected: Option<&'static str>,
    /// Called with an example's file name when the user picks it.
    pub on_load: Callback<String>,
}

#[component]
pub fn Examples(props: &ExamplesProps) -> Html {
    let onchange = {
        let on_load = props.on_load.clone();
        Callback::from(move |event: Event| {
            if let Some(select) = event.target_dyn_into::<HtmlSelectElement>() {
                on_load.emit(select.value());
            }
        })
    };
    html! {
        <label class="examples">
            <span>{ "Example" }</span>
            <select id="examples" {onchange}>
                // Shown while the text is not an unchanged example.
                <option value="" disabled=true selected={props.selected.is_none()}>{ "(your description)" }</option>
                { for EXAMPLES.iter().map(|example| html! {
                    <option key={example.name} value={example.name} selected={props.selected == Some(example.name)}>
                        { example.name }
                    </option>
                }) }
            </select>
        </label>
    }
}
