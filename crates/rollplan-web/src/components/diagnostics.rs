//! The diagnostics list: every problem the core found, where, and what to do.

use std::rc::Rc;

use rollplan_core::{Diagnostic, Severity};
use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct DiagnosticListProps {
    /// Errors first, then in source order, as the core sorts them.
    pub diagnostics: Rc<[Diagnostic]>,
}

#[component]
pub fn DiagnosticList(props: &DiagnosticListProps) -> Html {
    let count = |severity| {
        props
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let summary = format!(
        "{}, {}",
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings")
    );
    html! {
        <section class="diagnostics" aria-labelledby="diagnostics-heading">
            <h2 id="diagnostics-heading">{ "Diagnostics " }<span class="counts">{ summary }</span></h2>
            if props.diagnostics.is_empty() {
                <p class="no-problems">{ "No problems found." }</p>
            } else {
                <ul class="diagnostic-list">
                    { for props.diagnostics.iter().map(item) }
                </ul>
            }
        </section>
    }
}

fn item(diagnostic: &Diagnostic) -> Html {
    let severity = diagnostic.severity.as_str();
    html! {
        <li class={classes!("diagnostic", severity)}>
            <div class="diagnostic-head">
                <span class="severity">{ severity }</span>
                <code class="code">{ diagnostic.code.as_str() }</code>
                <span class="location" title="line:column">{ format!("{}:{}", diagnostic.line, diagnostic.column) }</span>
                if !diagnostic.path.is_empty() {
                    <code class="path">{ &diagnostic.path }</code>
                }
            </div>
            <p class="message">{ &diagnostic.message }</p>
            if let Some(hint) = &diagnostic.hint {
                <p class="hint">{ "Hint: " }{ hint }</p>
            }
        </li>
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}
