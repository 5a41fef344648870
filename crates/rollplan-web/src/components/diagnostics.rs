//! The diagnostics list: every problem the core found, where, and what to do.
//!
//! Each diagnostic is a button: activating it (click, Enter or Space) puts the
//! editor's cursor on the offending text.

use std::rc::Rc;

use rollplan_core::{Diagnostic, Severity};
use yew::prelude::*;

use crate::wording::plural;

#[derive(Properties, PartialEq, Debug)]
pub struct DiagnosticListProps {
    /// Errors first, then in source order, as the core sorts them.
    pub diagnostics: Rc<[Diagnostic]>,
    /// Whether the text changed since these diagnostics (they are about to be replaced).
    pub stale: bool,
    /// Nothing found yet: the description is being analysed for the first time.
    #[prop_or_default]
    pub pending: bool,
    /// Called with a diagnostic's index when the user asks to see it in the editor.
    pub on_reveal: Callback<usize>,
}

#[component]
pub fn DiagnosticList(props: &DiagnosticListProps) -> Html {
    let count = |severity| props.diagnostics.iter().filter(|d| d.severity == severity).count();
    let summary = format!(
        "{}, {}",
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings")
    );
    html! {
        <section class={classes!("diagnostics", props.stale.then_some("stale"))} aria-labelledby="diagnostics-heading">
            <h2 id="diagnostics-heading">
                { "Diagnostics " }<span class="counts">{ summary }</span>
                <span class="checking" aria-hidden="true">{ "checking…" }</span>
            </h2>
            if props.pending {
                <p class="no-problems">{ "Checking the description…" }</p>
            } else if props.diagnostics.is_empty() {
                <p class="no-problems">{ "No problems found." }</p>
            } else {
                <ul class="diagnostic-list">
                    { for props.diagnostics.iter().enumerate().map(|(index, diagnostic)| item(index, diagnostic, &props.on_reveal)) }
                </ul>
            }
        </section>
    }
}

fn item(index: usize, diagnostic: &Diagnostic, on_reveal: &Callback<usize>) -> Html {
    let severity = diagnostic.severity.as_str();
    let onclick = on_reveal.reform(move |_: MouseEvent| index);
    html! {
        <li class={classes!("diagnostic", severity)}>
            <button type="button" class="diagnostic-jump" {onclick} title="Show in the editor">
                <span class="diagnostic-head">
                    <span class="severity">{ severity }</span>
                    <code class="code">{ diagnostic.code.as_str() }</code>
                    <span class="location">{ format!("line {}, column {}", diagnostic.line, diagnostic.column) }</span>
                    if !diagnostic.path.is_empty() {
                        <code class="path">{ &diagnostic.path }</code>
                    }
                </span>
                <span class="message">{ &diagnostic.message }</span>
                if let Some(hint) = &diagnostic.hint {
                    <span class="hint">{ "Hint: " }{ hint }</span>
                }
            </button>
        </li>
    }
}
