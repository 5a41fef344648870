//! Commands of a step (or a pre-flight check) as text, each with a copy
//! button: shown as text only, never run by the page.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct CommandLinesProps {
    /// "Run" or "Check".
    pub label: AttrValue,
    pub lines: Rc<[String]>,
    /// Copies a line to the clipboard.
    pub on_copy: Callback<String>,
}

#[component]
pub fn CommandLines(props: &CommandLinesProps) -> Html {
    if props.lines.is_empty() {
        return Html::default();
    }
    html! {
        <div class={classes!("commands", props.label.to_lowercase())}>
            <span class="commands-label">{ &props.label }</span>
            <ul>
                { for props.lines.iter().map(|line| {
                    let copy = {
                        let line = line.clone();
                        props.on_copy.reform(move |_: MouseEvent| line.clone())
                    };
                    html! {
                        <li>
                            <code class="command">{ line }</code>
                            <button type="button" class="button tiny copy-command" onclick={copy}
                                aria-label={format!("Copy: {line}")} title="Copy this command">{ "Copy" }</button>
                        </li>
                    }
                }) }
            </ul>
        </div>
    }
}
