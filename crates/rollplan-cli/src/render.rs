//! Printing diagnostics: rustc-style text (via annotate-snippets) and JSON.

use std::io::IsTerminal;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rollplan_core::{Diagnostic, Severity, Validation};

use crate::input::Input;

/// Colour only on a terminal, and never when `NO_COLOR` is set.
pub fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Every diagnostic of one file, each with its source excerpt, caret and hint.
pub fn diagnostics_text(input: &Input, diagnostics: &[Diagnostic], color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info => Level::INFO,
        };
        let title = level.primary_title(diagnostic.message.as_str()).id(diagnostic.code.as_str());
        let mut start = diagnostic.span.start.min(input.text.len());
        let mut end = diagnostic.span.end.clamp(start, input.text.len());
        // A zero-width span at the very end of the text has no line to underline.
        if start == input.text.len() && start > 0 && input.text.ends_with('\n') {
            start -= 1;
            end = start;
        }
        let label = if diagnostic.path.is_empty() { String::new() } else { diagnostic.path.clone() };
        let snippet = Snippet::source(input.text.as_str())
            .path(input.name.as_str())
            .fold(true)
            .annotation(AnnotationKind::Primary.span(start..end).label(label));
        let mut group = title.element(snippet);
        if let Some(hint) = &diagnostic.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let report: &[Group<'_>] = &[group];
        out.push_str(&renderer.render(report));
        out.push_str("\n\n");
    }
    out
}

/// The closing line: how many files, errors and warnings.
pub fn summary(files: usize, errors: usize, warnings: usize, notes: usize) -> String {
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let notes = if notes == 0 { String::new() } else { format!(" ({})", plural(notes, "note")) };
    if errors == 0 && warnings == 0 {
        format!("{} checked: no problems found{notes}", plural(files, "file"))
    } else {
        format!(
            "{} checked: {}, {}{notes}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    }
}

/// One file's validation as a JSON value.
pub fn file_json(input: &Input, validation: &Validation) -> serde_json::Value {
    serde_json::json!({
        "file": input.name,
        "syntax": validation.syntax,
        "valid": !validation.has_errors(),
        "diagnostics": validation.diagnostics,
    })
}
