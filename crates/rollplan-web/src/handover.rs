//! An analysis handed over from the page's analysis worker to the page.
//!
//! The worker (`hooks/analysis_worker.rs` starts it) runs the core on the
//! same wasm the page runs, so the page's thread never waits for a large
//! description's validation and plan. The two instances share no memory, so
//! the analysis crosses as JSON: the core's own serialisation of its types
//! (the one `rollplan plan --format json` is built from), read back with
//! serde. A cluster is read back through `Cluster::new`, which checks its
//! invariants again, and a plan only when its ids fit that cluster
//! (`Plan::fits`): what the page then indexes cannot be out of range, even if
//! the message were not what this build's worker wrote.
//!
//! Diagnostics cross without their byte spans (the core does not serialise
//! them); the page locates diagnostics by line and column.

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
        }
    }

    /// The JSON the worker posts.
    pub fn to_json(&self) -> String {
        // Serialising plain data (no maps with non-string keys, no floats) cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads what the worker posted (the page's side); `Err` says what was wrong with it.
    pub fn from_json(json: &str) -> Result<Handover, String> {
        let handover: Handover =
            serde_json::from_str(json).map_err(|error| format!("the analysis worker's answer is unreadable: {error}"))?;
        match (&handover.plan, &handover.cluster) {
            (Some(plan), Some(cluster)) if !plan.fits(cluster) => {
                Err("the analysis worker's plan names nodes or services its cluster does not have".to_owned())
            }
            (Some(_), None) => Err("the analysis worker sent a plan without its cluster".to_owned()),
            _ => Ok(handover),
        }
    }
}

/// The worker's entry point (web/analysis-worker.js calls it): analyses
/// `text` and returns the [`Handover`] as JSON.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = analyzeForPage)]
pub fn analyze_for_page(text: &str) -> String {
    Handover::analyze(text).to_json()
}
