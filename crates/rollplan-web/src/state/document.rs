//! The description being worked on: its text, what the core found in it, and
//! where the user is looking (the step picked, the diagnostic revealed).
//!
//! Typing must never wait for the planner, so an edit only records the text
//! and bumps [`Document::revision`]; the analysis (validation and plan) is a
//! separate request for a given revision ([`Document::analyze`]), which the
//! analysis hook makes right after the edit when analyses are quick, else
//! once typing pauses (`hooks/analysis.rs`). An analysis for a revision that
//! is no longer current is ignored, which is all the cancelling the debounce
//! needs. Where the page has its analysis worker, the same request is
//! answered there and the answer arrives as [`Document::receive`], subject to
//! the same rule. Loading an example or a file analyses at once: there is no
//! typing to wait for.
//!
//! A new plan is news for the other sub-states (the comparison, the ticks):
//! [`Document::take_new_plan`] tells the state once per new plan.

use std::collections::BTreeSet;
use std::rc::Rc;

use rollplan_core::import::Offer;
use rollplan_core::plan::{Blocked, Plan};
use rollplan_core::platform::Preflight;
use rollplan_core::{Cluster, Diagnostic, Severity, Syntax};

use super::examples::recognise;
use crate::handover::Handover;

/// What the core found in one revision of the text. (Not the core's
/// `Analysis`, which it is made from: this one is shared, behind `Rc`s.)
///
/// Behind `Rc`s so that handing the parts to components as props, and cloning
/// the state for a transition, copies pointers, not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Findings {
    /// The [`Document::revision`] of the text analysed.
    pub revision: u64,
    /// The syntax the text was read as (detected from the content).
    pub syntax: Syntax,
    /// Every problem in the text, errors first.
    pub diagnostics: Rc<[Diagnostic]>,
    /// The validated cluster, when the text has no errors.
    pub cluster: Option<Rc<Cluster>>,
    /// The plan, when the cluster is valid and a safe plan exists.
    pub plan: Option<Rc<Plan>>,
    /// Why no safe plan exists, when the cluster is valid but blocked.
    pub blocked: Option<Rc<[Blocked]>>,
    /// The plan's fingerprint (names its progress), when the cluster is valid.
    pub fingerprint: Option<Rc<str>>,
    /// When the text is node inventory: what it converts into.
    pub inventory: Option<Rc<Offer>>,
    /// The platform's checks before step 1 (none for `generic`), and the
    /// name their ticks are kept under (the core's `preflight_fingerprint`).
    pub preflight: Option<Rc<PreflightList>>,
}

/// "Before you start": the checks, and where their ticks are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreflightList {
    pub key: Rc<str>,
    pub checks: Rc<[Preflight]>,
}

impl PreflightList {
    /// The pre-flight list of `cluster`'s platform, if it has one.
    fn of(cluster: &Cluster) -> Option<Self> {
        let checks = rollplan_core::platform::preflight(cluster);
        (!checks.is_empty()).then(|| PreflightList {
            key: rollplan_core::preflight_fingerprint(cluster, &checks).into(),
            checks: checks.into(),
        })
    }
}

impl Findings {
    /// Runs the core on `text`: validation and, when valid, planning.
    pub fn of(text: &str, revision: u64) -> Self {
        Findings::from_handover(Handover::analyze(text), revision)
    }

    /// Nothing found yet in `text`: it is being analysed elsewhere (the analysis worker).
    pub fn pending(text: &str) -> Self {
        Findings {
            revision: 0,
            syntax: Syntax::detect(text),
            diagnostics: Rc::new([]),
            cluster: None,
            plan: None,
            blocked: None,
            fingerprint: None,
            inventory: None,
            preflight: None,
        }
    }

    /// Whether these are [`Findings::pending`]: a text always has a cluster or an error.
    pub fn is_pending(&self) -> bool {
        self.cluster.is_none() && self.diagnostics.is_empty()
    }

    /// The findings of revision `revision`, analysed elsewhere (the analysis worker).
    pub fn from_handover(handover: Handover, revision: u64) -> Self {
        let Handover { syntax, diagnostics, cluster, plan, blocked, fingerprint, inventory } = handover;
        Findings {
            revision,
            syntax,
            diagnostics: diagnostics.into(),
            preflight: cluster.as_ref().and_then(PreflightList::of).map(Rc::new),
            cluster: cluster.map(Rc::new),
            plan: plan.map(Rc::new),
            blocked: blocked.map(Into::into),
            fingerprint: fingerprint.map(Rc::from),
            inventory: inventory.map(Rc::new),
        }
    }
}

/// A request to put the editor's cursor on a diagnostic's location.
///
/// `serial` changes with every request, so asking twice for the same place
/// (the user scrolled away and clicks again) moves the cursor again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reveal {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub serial: u64,
}

/// The description shown and what the core found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The description as typed.
    pub text: Rc<str>,
    /// The example `text` is, while it is unchanged.
    pub example: Option<&'static str>,
    /// The name of the file the text was opened from (kept while it is edited).
    pub file: Option<Rc<str>>,
    /// Bumped by every change of `text`.
    pub revision: u64,
    /// What the core found in the text, as of `analysis.revision`.
    pub analysis: Findings,
    /// The step the user picked (in the timeline or the checklist).
    pub selected: Option<usize>,
    /// Where the editor's cursor was last asked to go.
    pub reveal: Option<Reveal>,
    /// A message about the last file that could not be opened.
    pub notice: Option<Rc<str>>,
    /// Whether the plan changed since the state last asked ([`Document::take_new_plan`]).
    new_plan: bool,
    /// Texts longer than this (bytes) are loaded without being analysed: the
    /// analysis worker answers for them. `None`: every text is analysed here.
    analyse_here_up_to: Option<usize>,
}

impl Document {
    /// `text`, analysed at once.
    pub fn new(text: &str) -> Self {
        Document::analysing_here_up_to(text, None)
    }

    /// `text`, analysed at once unless it is longer than `limit` bytes: then
    /// it is stale, its analysis [`Findings::pending`], and the analysis
    /// worker is to answer for it, as for every text longer than `limit`
    /// [`Document::load`] loads later. (Small texts are analysed at once even
    /// where there is a worker: their plan shows without a frame of "checking".)
    pub fn analysing_here_up_to(text: &str, limit: Option<usize>) -> Self {
        let elsewhere = limit.is_some_and(|limit| text.len() > limit);
        Document {
            text: text.into(),
            example: recognise(text),
            file: None,
            revision: u64::from(elsewhere),
            analysis: if elsewhere { Findings::pending(text) } else { Findings::of(text, 0) },
            selected: None,
            reveal: None,
            notice: None,
            new_plan: true,
            analyse_here_up_to: limit,
        }
    }

    /// The user edited the text; returns whether it changed. Analysed later ([`Document::analyze`]).
    pub fn edit(&mut self, text: &str) -> bool {
        if *text == *self.text {
            return false;
        }
        self.set_text(text);
        true
    }

    /// Analyses the text if it is still at `revision` and not analysed yet.
    pub fn analyze(&mut self, revision: u64) -> bool {
        if revision != self.revision || !self.is_stale() {
            return false;
        }
        self.set_analysis(Findings::of(&self.text, revision));
        true
    }

    /// Shows findings made elsewhere (the analysis worker) if they are of the
    /// current revision and it is not analysed yet: an answer about a text
    /// typed over since is dropped.
    pub fn receive(&mut self, findings: Findings) -> bool {
        if findings.revision != self.revision || !self.is_stale() {
            return false;
        }
        self.set_analysis(findings);
        true
    }

    /// The analysis worker failed: analyse `revision` here, and every text from now on.
    pub fn analyse_everything_here(&mut self, revision: u64) -> bool {
        self.analyse_here_up_to = None;
        self.analyze(revision)
    }

    /// Replaces the text and analyses it at once (unless it is left to the
    /// analysis worker, see [`Document::analysing_here_up_to`]); returns whether anything changed.
    pub fn load(&mut self, text: &str) -> bool {
        let had_notice = self.notice.take().is_some();
        if *text == *self.text && !self.is_stale() {
            return had_notice;
        }
        if *text != *self.text {
            self.set_text(text);
        }
        if self.analyse_here_up_to.is_some_and(|limit| text.len() > limit) {
            // Stale: the analysis worker answers for this revision ([`Document::receive`]).
            return true;
        }
        self.set_analysis(Findings::of(text, self.revision));
        true
    }

    /// Puts the cursor on the diagnostic at `index`.
    pub fn reveal_diagnostic(&mut self, index: usize) -> bool {
        let Some(diagnostic) = self.analysis.diagnostics.get(index) else {
            return false;
        };
        self.reveal = Some(Reveal {
            line: diagnostic.line,
            column: diagnostic.column,
            end_line: diagnostic.end_line,
            end_column: diagnostic.end_column,
            serial: self.reveal.map_or(1, |reveal| reveal.serial + 1),
        });
        true
    }

    /// Picks a step of the plan shown.
    pub fn select(&mut self, step: usize) -> bool {
        let exists = self.analysis.plan.as_ref().is_some_and(|plan| step < plan.steps.len());
        if !exists || self.selected == Some(step) {
            return false;
        }
        self.selected = Some(step);
        true
    }

    /// Whether the plan changed since the last call (once per new plan).
    pub fn take_new_plan(&mut self) -> bool {
        std::mem::take(&mut self.new_plan)
    }

    /// Whether the text changed since it was last analysed (the analysis shown is older).
    pub fn is_stale(&self) -> bool {
        self.analysis.revision != self.revision
    }

    /// The step to do next among `done`: the first one not ticked. `None` without a plan or when all are done.
    pub fn next_step(&self, done: &BTreeSet<usize>) -> Option<usize> {
        let plan = self.analysis.plan.as_ref()?;
        (0..plan.steps.len()).find(|step| !done.contains(step))
    }

    /// Counts of (errors, warnings, infos) in the diagnostics.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |severity| self.analysis.diagnostics.iter().filter(|d| d.severity == severity).count();
        (count(Severity::Error), count(Severity::Warning), count(Severity::Info))
    }

    fn set_text(&mut self, text: &str) {
        self.text = text.into();
        self.example = recognise(text);
        self.revision += 1;
        self.notice = None;
    }

    /// Shows a new analysis; a different plan drops the selection, which was a step of the old one.
    fn set_analysis(&mut self, analysis: Findings) {
        // The same fingerprint is the same cluster, hence the same plan.
        if analysis.fingerprint != self.analysis.fingerprint {
            self.selected = None;
            self.new_plan = true;
        }
        self.analysis = analysis;
    }
}
