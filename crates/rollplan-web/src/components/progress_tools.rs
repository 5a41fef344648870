//! "Export progress" and "Import progress…": every plan's ticks as a small
//! JSON file, for a browser that cannot keep them or to move to another one.

use web_sys::File;
use yew::prelude::*;

use crate::hooks::files::on_file_chosen;

#[derive(Properties, PartialEq, Debug)]
pub struct ProgressToolsProps {
    /// What the last import did, or why it failed.
    pub message: Option<AttrValue>,
    pub on_export: Callback<()>,
    /// Called with the progress file the user chose.
    pub on_import: Callback<File>,
}

#[component]
pub fn ProgressTools(props: &ProgressToolsProps) -> Html {
    let on_export = props.on_export.reform(|_: MouseEvent| ());
    let onchange = on_file_chosen(&props.on_import);
    html! {
        <div class="plan-meta progress-tools">
            <button type="button" class="button small export-progress" onclick={on_export}>{ "Export progress" }</button>
            <label class="button small import-progress" title="Import ticks from a file made by Export progress">
                <input type="file" class="visually-hidden" accept=".json,application/json" {onchange} />
                { "Import progress…" }
            </label>
            if let Some(message) = &props.message {
                <p class="import-message" role="status">{ message }</p>
            }
        </div>
    }
}
