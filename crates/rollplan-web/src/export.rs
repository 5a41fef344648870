//! What the export buttons download, as plain data: file names and contents.
//!
//! The contents are the command line's, byte for byte: the Markdown checklist
//! is core's `report::plan_markdown` (`rollplan plan --format markdown`), the
//! JSON is core's `report::Document` pretty-printed with a final newline
//! (`rollplan plan --format json`, docs/plan-format.md). Both are made from
//! the text in the editor: from what the page found in it when that is up
//! to date (a copy: a large plan is not planned again on the page's thread),
//! else analysed afresh, so a click during typing exports exactly what the
//! command line would say about that text.
//!
//! Putting the file on disk is `hooks/export.rs`.

use rollplan_core::json_text::json_text;
use rollplan_core::plan::Outcome;
use rollplan_core::{Analysis, Syntax, Validation, analyze, report};

use crate::state::Document;

/// A file to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub name: String,
    pub mime: &'static str,
    pub content: String,
}

/// The checklist as Markdown, when the document's text has a plan.
pub fn markdown(document: &Document) -> Option<Download> {
    let analysis = analysis_of(document);
    let cluster = analysis.validation.cluster.as_ref()?;
    let plan = analysis.plan()?;
    let fingerprint = analysis.fingerprint.as_deref()?;
    Some(Download {
        name: format!("{}-plan.md", file_stem(cluster.name())),
        mime: "text/markdown;charset=utf-8",
        content: report::plan_markdown(cluster, plan, fingerprint),
    })
}

/// The plan as a runbook for its platform's shell (as `rollplan plan
/// --format runbook`), when the document's text has a plan and names a
/// platform: `CLUSTER-runbook.sh` or `.ps1`.
pub fn runbook(document: &Document) -> Option<Download> {
    let analysis = analysis_of(document);
    let cluster = analysis.validation.cluster.as_ref()?;
    let plan = analysis.plan()?;
    let fingerprint = analysis.fingerprint.as_deref()?;
    let content = rollplan_core::runbook::runbook(cluster, plan, fingerprint)?;
    let extension = if content.starts_with("#!/bin/sh") { "sh" } else { "ps1" };
    Some(Download {
        name: format!("{}-runbook.{extension}", file_stem(cluster.name())),
        mime: "text/plain;charset=utf-8",
        content,
    })
}

/// The plan as JSON: also for a blocked or invalid description, which the document describes.
pub fn json(document: &Document) -> Download {
    let analysis = analysis_of(document);
    let document = report::Document::new(&analysis);
    let mut content = json_text(&document);
    content.push('\n');
    let stem =
        analysis.validation.cluster.as_ref().map_or_else(|| "rollplan".to_owned(), |cluster| file_stem(cluster.name()));
    Download { name: format!("{stem}-plan.json"), mime: "application/json", content }
}

/// The core's analysis of the document's text: a copy of what the page found
/// when it is up to date, else the text analysed afresh.
fn analysis_of(document: &Document) -> Analysis {
    let found = &document.analysis;
    if document.is_stale() || found.is_pending() {
        return analyze(&document.text, Syntax::detect(&document.text));
    }
    let outcome = match (&found.plan, &found.blocked) {
        (Some(plan), _) => Some(Outcome::Planned((**plan).clone())),
        (None, Some(reasons)) => Some(Outcome::Blocked(reasons.to_vec())),
        (None, None) => None,
    };
    Analysis {
        validation: Validation {
            syntax: found.syntax,
            cluster: found.cluster.as_deref().cloned(),
            diagnostics: found.diagnostics.to_vec(),
        },
        outcome,
        fingerprint: found.fingerprint.as_deref().map(str::to_owned),
    }
}

/// A file name made from a cluster name: letters, digits, `.`, `-` and `_`
/// kept, anything else (separators, spaces, markup) a single `-`, at most
/// 60 characters, never empty or hidden.
pub fn file_stem(name: &str) -> String {
    let mut stem = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
            stem.push(c);
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let stem: String = stem.trim_matches(|c| c == '-' || c == '.').chars().take(60).collect();
    let stem = stem.trim_end_matches(['-', '.']);
    if stem.is_empty() { "rollplan".to_owned() } else { stem.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::SEED;

    #[test]
    fn markdown_is_the_clis_checklist() {
        let download = markdown(&Document::new(SEED.text)).expect("the seed has a plan");
        assert_eq!(download.name, "EXCH-CL1-plan.md");
        let analysis = analyze(SEED.text, Syntax::Yaml);
        let expected = report::plan_markdown(
            analysis.validation.cluster.as_ref().unwrap(),
            analysis.plan().unwrap(),
            analysis.fingerprint.as_deref().unwrap(),
        );
        assert_eq!(download.content, expected);
        assert!(download.content.starts_with("# Upgrade plan: EXCH-CL1\n"));
        assert_eq!(markdown(&Document::new("format: 1\n")), None, "no plan, no checklist");
    }

    #[test]
    fn json_is_the_clis_document() {
        let download = json(&Document::new(SEED.text));
        assert_eq!(download.name, "EXCH-CL1-plan.json");
        assert!(download.content.ends_with("}\n"));
        let value: serde_json::Value = serde_json::from_str(&download.content).unwrap();
        assert_eq!(value["outcome"], "ok");
        assert_eq!(value["fingerprint"], "17ae2b3a8ad881b7");
        assert_eq!(value["steps"][0]["title"], "Pause NODE2");

        let invalid = json(&Document::new("format: 1\n"));
        assert_eq!(invalid.name, "rollplan-plan.json");
        let value: serde_json::Value = serde_json::from_str(&invalid.content).unwrap();
        assert_eq!(value["outcome"], "invalid");
    }

    #[test]
    fn what_the_page_found_exports_as_a_fresh_analysis_would() {
        let four = crate::state::EXAMPLES.iter().find(|example| example.name == "exchange-four-node.yaml").unwrap();
        for text in [SEED.text, four.text, "format: 1\n", &SEED.text.replace("quorum: disk", "quorum: majority")] {
            let found = Document::new(text);
            assert!(!found.is_stale());
            let mut typed = Document::new("# being typed\n");
            typed.edit(text);
            assert!(typed.is_stale(), "analysed afresh");
            assert_eq!(json(&found), json(&typed), "{text}");
            assert_eq!(markdown(&found), markdown(&typed), "{text}");
        }
    }

    #[test]
    fn a_runbook_is_the_clis_and_only_for_a_platform() {
        assert_eq!(runbook(&Document::new(SEED.text)), None);
        let text = include_str!("../../../tests/examples/kubernetes-1.28-to-1.30.yaml");
        let download = runbook(&Document::new(text)).unwrap();
        assert_eq!(download.name, "prod-k8s-runbook.sh");
        let analysis = analyze(text, Syntax::Yaml);
        let cli = rollplan_core::runbook::runbook(
            analysis.validation.cluster.as_ref().unwrap(),
            analysis.plan().unwrap(),
            analysis.fingerprint.as_deref().unwrap(),
        );
        assert_eq!(Some(download.content), cli);
        let wsfc = include_str!("../../../tests/examples/windows-2019-to-2022-cluster.yaml");
        assert_eq!(runbook(&Document::new(wsfc)).unwrap().name, "HV-CL1-runbook.ps1");
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_stem("EXCH-CL1"), "EXCH-CL1");
        assert_eq!(file_stem("mail cluster / site B"), "mail-cluster-site-B");
        assert_eq!(file_stem("<img src=x onerror=alert(1)>"), "img-src-x-onerror-alert-1");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("..."), "rollplan");
        assert_eq!(file_stem(""), "rollplan");
        assert_eq!(file_stem("Zürich"), "Zürich");
        assert_eq!(file_stem(&"x".repeat(100)).len(), 60);
    }
}
