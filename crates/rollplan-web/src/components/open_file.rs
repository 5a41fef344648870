//! "Open file…": picks a description from disk (dropping one on the page works too).
//!
//! The input is visually hidden but focusable, inside a label styled as a
//! button, so the keyboard reaches it like any control. Reading the file is
//! the caller's hook's job (`hooks::files`).

use web_sys::File;
use yew::prelude::*;

use crate::hooks::files::on_file_chosen;

#[derive(Properties, PartialEq, Debug)]
pub struct OpenFileProps {
    /// Called with the file the user chose.
    pub on_file: Callback<File>,
}

#[component]
pub fn OpenFile(props: &OpenFileProps) -> Html {
    let onchange = on_file_chosen(&props.on_file);
    html! {
        <label class="button open-file" title="Open a description from disk, or drop a file on the page">
            <input
                type="file"
                class="visually-hidden"
                accept=".yaml,.yml,.toml,.json,.txt,text/plain,application/json,application/yaml,application/toml"
                {onchange}
            />
            { "Open file…" }
        </label>
    }
}
