//! An analysis handed over from the page's analysis worker to the page.
//!
//! The worker (`hooks/analysis_worker.rs` starts it) runs the core on the
//! same wasm the page runs, so the page's thread never waits for a large
//! description's validation and plan. The two instances share no memory, so
//! the analysis crosses as bytes: the core's own serde serialisation of its
//! types, in postcard. Postcard rather than JSON for what it costs the page:
//! a format that is not self-describing reads structs as sequences, so serde
//! instantiates no field-name matching, and the wasm grew by about a third
//! of what `serde_json`'s reader cost (docs/performance.md has both). A
//! cluster is read back through `Cluster::new`, which checks its
//! invariants again, and a plan only when its ids fit that cluster
//! (`Plan::fits`): what the page then indexes cannot be out of range, even if
//! the message were not what this build's worker wrote.
//!
//! Diagnostics cross without their byte spans (the core does not serialise
//! them); the page locates diagnostics by line and column.

use rollplan_core::import::{self, Offer};
use rollplan_core::plan::{Blocked, Outcome, Plan};
use rollplan_core::{Cluster, Diagnostic, Syntax};
use serde::{Deserialize, Serialize};

/// What the worker sends for one text: the core's `Analysis`, flattened.
#[derive(Debug, Serialize, Deserialize)]
pub struct Handover {
    pub syntax: Syntax,
    pub diagnostics: Vec<Diagnostic>,
    pub cluster: Option<Cluster>,
    pub plan: Option<Plan>,
    pub blocked: Option<Vec<Blocked>>,
    pub fingerprint: Option<String>,
    /// When the text is node inventory, what it converts into: read here,
    /// so that a pasted node list of hundreds of nodes is never parsed on
    /// the page's thread.
    pub inventory: Option<Offer>,
}

impl Handover {
    /// Runs the core on `text` (the worker's side).
    pub fn analyze(text: &str) -> Handover {
        let rollplan_core::Analysis { validation, outcome, fingerprint } =
            rollplan_core::analyze(text, Syntax::detect(text));
        let (plan, blocked) = match outcome {
            Some(Outcome::Planned(plan)) => (Some(plan), None),
            Some(Outcome::Blocked(reasons)) => (None, Some(reasons)),
            None => (None, None),
        };
        Handover {
            syntax: validation.syntax,
            diagnostics: validation.diagnostics,
            cluster: validation.cluster,
            plan,
            blocked,
            fingerprint,
            inventory: import::offer(text),
        }
    }

    /// The bytes the worker posts.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain data into a growing vector cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Reads what the worker posted (the page's side); `Err` says what was wrong with it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Handover, String> {
        let handover: Handover = postcard::from_bytes(bytes)
            .map_err(|error| format!("the analysis worker's answer is unreadable: {error}"))?;
        match (&handover.plan, &handover.cluster) {
            (Some(plan), Some(cluster)) if !plan.fits(cluster) => {
                Err("the analysis worker's plan names nodes or services its cluster does not have".to_owned())
            }
            (Some(_), None) => Err("the analysis worker sent a plan without its cluster".to_owned()),
            _ => Ok(handover),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{EXAMPLES, Findings};

    /// Every example of the repository (planned, blocked and invalid ones) and of the page.
    fn descriptions() -> Vec<(String, String)> {
        let mut texts: Vec<(String, String)> =
            EXAMPLES.iter().map(|example| (example.name.to_owned(), example.text.to_owned())).collect();
        for folder in ["../../tests/examples", "../../tests/cases"] {
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path
                    .extension()
                    .is_some_and(|extension| extension == "yaml" || extension == "json" || extension == "toml")
                {
                    texts.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        texts
    }

    /// The findings of `text` with the diagnostics' spans dropped (they do not cross).
    fn without_spans(mut findings: Findings) -> Findings {
        let mut diagnostics = findings.diagnostics.to_vec();
        for diagnostic in &mut diagnostics {
            diagnostic.span = rollplan_core::Span::default();
        }
        findings.diagnostics = diagnostics.into();
        findings
    }

    #[test]
    fn the_page_reads_back_what_the_worker_found() {
        let (mut planned, mut blocked, mut invalid) = (0, 0, 0);
        for (name, text) in descriptions() {
            let bytes = Handover::analyze(&text).to_bytes();
            let handover = Handover::from_bytes(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"));
            let read_back = Findings::from_handover(handover, 7);
            assert_eq!(read_back, without_spans(Findings::of(&text, 7)), "{name}");
            planned += usize::from(read_back.plan.is_some());
            blocked += usize::from(read_back.blocked.is_some());
            invalid += usize::from(read_back.cluster.is_none());
        }
        assert!(planned > 5 && blocked > 0 && invalid > 5, "{planned} planned, {blocked} blocked, {invalid} invalid");
    }

    #[test]
    fn what_the_page_indexes_with_is_checked() {
        use rollplan_core::model::{Id, NodeId};
        use rollplan_core::plan::Action;
        let seed = || Handover::analyze(crate::state::SEED.text);
        assert!(Handover::from_bytes(&seed().to_bytes()).is_ok());
        // A node the cluster does not have (it has two): the plan would index out of range.
        let mut bad_plan = seed();
        let step =
            bad_plan.plan.as_mut().unwrap().steps.iter_mut().find(|step| matches!(step.action, Action::Pause { .. }));
        step.unwrap().action = Action::Pause { node: NodeId::from_index(9) };
        assert!(Handover::from_bytes(&bad_plan.to_bytes()).unwrap_err().contains("does not have"));
        // A plan without its cluster.
        let mut no_cluster = seed();
        no_cluster.cluster = None;
        assert!(Handover::from_bytes(&no_cluster.to_bytes()).unwrap_err().contains("without its cluster"));
        // Cut short, or not postcard at all.
        let bytes = seed().to_bytes();
        assert!(Handover::from_bytes(&bytes[..bytes.len() / 2]).unwrap_err().contains("unreadable"));
        assert!(Handover::from_bytes(b"{}").is_err());
    }

    #[test]
    fn a_summary_cut_short_crosses_whole_and_keeps_its_json() {
        let mut handover = Handover::analyze(crate::state::SEED.text);
        let plan = handover.plan.as_mut().unwrap();
        plan.summary.risks_through_step = Some(3);
        let summary = plan.summary.clone();
        let read_back = Handover::from_bytes(&handover.to_bytes()).unwrap();
        assert_eq!(read_back.plan.unwrap().summary, summary);
        // The JSON of docs/plan-format.md: the field only when set.
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["risks_through_step"], 3);
        let unset = serde_json::to_value(rollplan_core::plan::Summary::default()).unwrap();
        assert!(unset.get("risks_through_step").is_none(), "{unset}");
        // A diagnostic with and without a hint, both ways.
        let invalid = Handover::analyze("format: 1\nnodes: 3\n");
        assert!(
            invalid.diagnostics.iter().any(|d| d.hint.is_some())
                && invalid.diagnostics.iter().any(|d| d.hint.is_none())
        );
        let diagnostics = Handover::from_bytes(&invalid.to_bytes()).unwrap().diagnostics;
        assert_eq!(
            diagnostics,
            invalid
                .diagnostics
                .iter()
                .map(|d| Diagnostic { span: rollplan_core::Span::default(), ..d.clone() })
                .collect::<Vec<_>>()
        );
        let without_hint = invalid.diagnostics.iter().find(|d| d.hint.is_none()).unwrap();
        assert!(serde_json::to_value(without_hint).unwrap().get("hint").is_none());
    }

    #[test]
    fn a_cluster_is_read_back_through_its_invariants() {
        let seed = Handover::analyze(crate::state::SEED.text);
        let cluster = seed.cluster.unwrap();
        let bytes = postcard::to_allocvec(&cluster).unwrap();
        assert_eq!(postcard::from_bytes::<Cluster>(&bytes).unwrap(), cluster);
        // The seed's first service runs on node 0 of 2: put it on node 5.
        let json = serde_json::to_string(&cluster).unwrap();
        let moved = json.replacen("\"on\":0", "\"on\":5", 1);
        assert_ne!(moved, json);
        let error = serde_json::from_str::<Cluster>(&moved).unwrap_err().to_string();
        assert!(error.contains("names node #5, but there are 2 nodes"), "{error}");
    }
}
