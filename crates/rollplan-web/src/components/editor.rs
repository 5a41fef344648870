//! The description editor: a plain `<textarea>` for now.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct EditorProps {
    pub text: AttrValue,
    /// The syntax the text is read as (`YAML`, ...), shown under the editor.
    pub syntax: &'static str,
    /// Called with the whole new text on every edit.
    pub on_edit: Callback<String>,
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(textarea) = event.target_dyn_into::<HtmlTextAreaElement>() {
                on_edit.emit(textarea.value());
            }
        })
    };
    html! {
        <div class="editor">
            <textarea
                id="description"
                class="editor-text"
                aria-label="Cluster description"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                value={props.text.clone()}
                {oninput}
            />
            <p class="editor-status muted">{ "Read as " }{ props.syntax }{ "; checked as you type." }</p>
        </div>
    }
}
