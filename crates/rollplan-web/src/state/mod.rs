//! The app's state and its transitions, as plain Rust.
//!
//! No Yew, no browser: every change the user can make is an [`Action`], and
//! [`State::apply`] hands it to the one sub-state it is about, so the
//! transitions are unit-tested natively (`cargo test -p rollplan-web`). The
//! Yew adapter (`reducer.rs`) and the components only forward actions and
//! render state. Nothing else changes state.
//!
//! The sub-states, one file each, never see the whole state: one that needs
//! the description takes the [`Document`] (`&mut` only to load a text).
//!
//! - [`document`]: the text, what the core found in it, the step picked;
//! - [`ticks`]: which steps are done, per plan, and ticks carried over from
//!   an earlier release's plan;
//! - [`sharing`]: plan links opened (a *shared plan* shown beside the user's
//!   own description, which stays saved and untouched until they choose)
//!   and made;
//! - [`review`]: the comparison with another plan;
//! - [`notices`]: what the user must know about browser storage.
//!
//! When the plan shown changes, the comparison is redone and the ticks look
//! for ticks of an earlier release's plan ([`State::apply`] asks the document
//! after every action).

pub mod document;
pub mod examples;
pub mod inventory;
pub mod notices;
pub mod review;
pub mod sharing;
pub mod ticks;

use std::collections::BTreeSet;
use std::rc::Rc;

pub use document::{Document, Findings, PreflightList, Reveal};
pub use examples::{EXAMPLES, Example, SEED};
pub use inventory::InventoryState;
use notices::Notices;
use review::Review;
use sharing::{ShareLink, Sharing};
use ticks::Ticks;

use crate::progress::Progress;

/// Everything the app shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub document: Document,
    pub ticks: Ticks,
    pub sharing: Sharing,
    /// The comparison of the plan shown with another one, once asked for.
    pub review: Option<Rc<Review>>,
    pub notices: Notices,
    /// Node inventory in the editor, offered for conversion, or converted.
    pub inventory: InventoryState,
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The user edited the text (analysed later, see the module docs).
    Edit(String),
    /// Typing paused at `revision`: analyse the text if it is still that revision.
    Analyze { revision: u64 },
    /// The analysis worker's findings for a revision: shown if it is still the current one.
    Analyzed(Findings),
    /// The analysis worker failed: analyse `revision` (if still current) and every later text on the page.
    AnalyzeEverythingHere { revision: u64 },
    /// The user picked an example by file name.
    LoadExample(String),
    /// The user opened or dropped a file.
    Open { name: String, text: String },
    /// A file could not be read.
    OpenFailed { name: String, reason: String },
    /// The user clicked the diagnostic at this index: put the cursor there.
    RevealDiagnostic(usize),
    /// The user ticked or unticked a step of the current plan.
    SetDone { step: usize, done: bool },
    /// The user ticked or unticked a pre-flight check of the current plan ("Before you start").
    SetPreflightDone { check: usize, done: bool },
    /// Untick every step and pre-flight check of the current plan.
    ClearProgress,
    /// Put back the ticks the last [`Action::ClearProgress`] removed.
    UndoClearProgress,
    /// The user picked a step of the current plan.
    Select(usize),
    /// The page was opened, or its address changed, with this plan link (or its fragment).
    OpenLink(String),
    /// Make the shared description the user's own; asks first when that would replace work of theirs.
    KeepShared,
    /// Keep looking at the shared plan without replacing the user's description.
    CancelKeepShared,
    /// Leave the shared plan for the user's own description.
    BackToOwn,
    /// Hide the message about a plan link that could not be opened.
    DismissLinkError,
    /// "Copy link" made `link`: on the clipboard when `copied`, else to be copied by hand.
    LinkMade { link: String, copied: bool },
    /// Hide the link "Copy link" made.
    CloseLink,
    /// Compare the plan shown with the plan of a pasted link (or pasted description text).
    CompareWith(String),
    /// Compare the plan shown with the plan of a description file.
    CompareWithFile { name: String, text: String },
    /// A file to compare with could not be read.
    CompareFileFailed { name: String, reason: String },
    /// Swap which of the two compared plans is the earlier one.
    SwapComparison,
    /// Stop comparing.
    CloseComparison,
    /// Browser storage is missing or refused a write: say that progress will not survive a reload.
    StorageFailed,
    /// Hide the notice about storage.
    DismissStorageNotice,
    /// The saved value under `key` could not be read; it was copied to `kept`.
    KeptAside { key: String, kept: String },
    /// Hide the notice about unreadable saved values.
    DismissKeptAside,
    /// Another tab (or a merge with its changes) set a plan's ticks.
    ProgressSynced { fingerprint: String, steps: BTreeSet<usize> },
    /// The user chose a progress file to import.
    ImportProgress { name: String, text: String },
    /// A progress file could not be read.
    ImportProgressFailed { name: String, reason: String },
    /// Convert the node inventory in the editor into a description.
    ConvertInventory,
    /// Put back the inventory JSON the last conversion replaced.
    RevertInventory,
    /// Hide what the last conversion read.
    DismissInventory,
    /// A node list too long to show in the editor was pasted into it: it replaces the text, which is kept.
    PasteInventory(String),
    /// Put back the text the last pasted node list replaced.
    PutBackReplaced,
    /// Show the node list the editor holds in it after all.
    ShowInventory,
    /// Hide the notice about ticks carried over from an earlier plan.
    DismissCarriedOver,
}

impl State {
    /// A state showing `text`, analysed, with no progress.
    pub fn with_text(text: &str) -> Self {
        State::restore(Some(text.to_owned()), Progress::default())
    }

    /// The state of a first visit: the seed example.
    pub fn seed() -> Self {
        State::with_text(SEED.text)
    }

    /// The state of a returning visit: the saved text (the seed if none) and the saved progress.
    pub fn restore(text: Option<String>, progress: Progress) -> Self {
        State::restore_analysing_here_up_to(text, progress, None)
    }

    /// [`State::restore`] on a page with an analysis worker, which analyses
    /// every text longer than `limit` bytes ([`Document::analysing_here_up_to`]).
    pub fn restore_analysing_here_up_to(text: Option<String>, progress: Progress, limit: Option<usize>) -> Self {
        let mut state = State {
            document: Document::analysing_here_up_to(text.as_deref().unwrap_or(SEED.text), limit),
            ticks: Ticks::new(progress),
            sharing: Sharing::default(),
            review: None,
            notices: Notices::default(),
            inventory: InventoryState::default(),
        };
        state.follow_the_plan();
        state
    }

    /// Applies `action`; returns whether anything changed (so a view can skip re-rendering).
    pub fn apply(&mut self, action: Action) -> bool {
        let revision = self.document.revision;
        // Typing into a node list shown anyway keeps it shown; any other new text does not.
        let typed = matches!(action, Action::Edit(_));
        let changed = self.dispatch(action);
        if self.document.revision != revision {
            // A link made before carries the old text.
            self.sharing.share = None;
            if !typed {
                self.inventory.shown_anyway = false;
            }
        }
        self.follow_the_plan();
        changed
    }

    fn dispatch(&mut self, action: Action) -> bool {
        let document = &mut self.document;
        match action {
            // The shared description is read-only (the editor says so): keep it to edit it.
            Action::Edit(text) => self.sharing.shared.is_none() && document.edit(&text),
            Action::Analyze { revision } => document.analyze(revision),
            Action::Analyzed(findings) => document.receive(findings),
            Action::AnalyzeEverythingHere { revision } => document.analyse_everything_here(revision),
            Action::LoadExample(name) => match EXAMPLES.iter().find(|example| example.name == name) {
                Some(example) => {
                    // Picking an example leaves a shared plan: it replaces the user's own text.
                    let left_shared = self.sharing.shared.take().is_some();
                    let had_file = document.file.take().is_some();
                    document.load(example.text) || had_file || left_shared
                }
                // A name the menu never offers: keep what the user has.
                None => false,
            },
            Action::Open { name, text } => {
                let left_shared = self.sharing.shared.take().is_some();
                let name: Rc<str> = name.into();
                let new_file = document.file.as_ref() != Some(&name);
                document.file = Some(name);
                document.load(&text) || new_file || left_shared
            }
            Action::OpenFailed { name, reason } => {
                document.notice = Some(format!("Could not open {name}: {reason}").into());
                true
            }
            Action::RevealDiagnostic(index) => document.reveal_diagnostic(index),
            Action::SetDone { step, done } => {
                if !self.ticks.set_done(document, step, done) {
                    return false;
                }
                // Done with the step being looked at: let the highlight move on to the next one.
                if done && document.selected == Some(step) {
                    document.selected = None;
                }
                true
            }
            Action::SetPreflightDone { check, done } => self.ticks.set_preflight_done(document, check, done),
            Action::ClearProgress => self.ticks.clear(document),
            Action::UndoClearProgress => self.ticks.undo_clear(),
            Action::Select(step) => document.select(step),
            Action::OpenLink(link) => self.sharing.open_link(document, &link),
            Action::KeepShared => self.sharing.keep_shared(document),
            Action::CancelKeepShared => self.sharing.cancel_keep_shared(),
            Action::BackToOwn => self.sharing.back_to_own(document),
            Action::DismissLinkError => self.sharing.link_error.take().is_some(),
            Action::LinkMade { link, copied } => {
                self.sharing.share = Some(Rc::new(ShareLink { link: link.into(), copied }));
                true
            }
            Action::CloseLink => self.sharing.share.take().is_some(),
            Action::CompareWith(input) => review::compare_with(&mut self.review, document, Review::pasted(&input)),
            Action::CompareWithFile { name, text } => {
                review::compare_with(&mut self.review, document, Review::file(&name, &text))
            }
            Action::CompareFileFailed { name, reason } => {
                review::compare_with(&mut self.review, document, Review::unreadable(&name, &reason))
            }
            Action::SwapComparison => review::swap_comparison(&mut self.review, document),
            Action::CloseComparison => self.review.take().is_some(),
            Action::StorageFailed => self.notices.storage_failed(),
            Action::DismissStorageNotice => self.notices.dismiss_storage(),
            Action::KeptAside { key, kept } => self.notices.kept_aside(&key, &kept),
            Action::DismissKeptAside => self.notices.dismiss_kept_aside(),
            Action::ProgressSynced { fingerprint, steps } => self.ticks.synced(&fingerprint, steps),
            Action::ImportProgress { name, text } => self.ticks.import(document, &name, &text),
            Action::ImportProgressFailed { name, reason } => self.ticks.import_failed(&name, &reason),
            Action::DismissCarriedOver => self.ticks.dismiss_carried(),
            // The shared description is read-only: keep it to convert it, paste over it or put a text back.
            Action::ConvertInventory | Action::PasteInventory(_) | Action::PutBackReplaced
                if self.sharing.shared.is_some() =>
            {
                false
            }
            Action::ConvertInventory => match self.inventory.convert(document) {
                Ok(description) => {
                    document.file = None;
                    document.load(&description);
                    true
                }
                Err(message) => {
                    document.notice = Some(message.into());
                    true
                }
            },
            Action::RevertInventory => match self.inventory.revert() {
                Some(original) => {
                    document.load(&original);
                    true
                }
                None => false,
            },
            Action::DismissInventory => self.inventory.dismiss(),
            Action::PasteInventory(text) => self.inventory.paste(document, &text),
            Action::PutBackReplaced => match self.inventory.put_back(document) {
                Some(replaced) => {
                    document.load(&replaced);
                    true
                }
                None => false,
            },
            Action::ShowInventory => !std::mem::replace(&mut self.inventory.shown_anyway, true),
        }
    }

    /// After a new plan: the comparison is redone, and the ticks look for an earlier release's.
    fn follow_the_plan(&mut self) {
        if self.document.take_new_plan() {
            review::refresh_comparison(&mut self.review, &self.document);
            self.ticks.on_new_plan(&self.document);
        }
    }

    /// The user's own description: the one saved in the browser. While a shared
    /// plan is shown that is not the text shown, which is the link's.
    pub fn own_text(&self) -> Rc<str> {
        self.sharing.own_text(&self.document)
    }

    /// The text to save as the user's description: [`State::own_text`], but
    /// none while the editor holds a node list too long to show (not a
    /// description; megabytes of it could exceed the browser's storage quota
    /// and end saving altogether): the description saved before stays.
    pub fn text_to_save(&self) -> Option<Rc<str>> {
        let shown_is_own = self.sharing.shared.is_none();
        (!(shown_is_own && inventory::long_inventory(&self.document))).then(|| self.own_text())
    }

    /// The done steps of the plan shown (empty when there is none).
    pub fn done(&self) -> Rc<BTreeSet<usize>> {
        self.ticks.done(&self.document)
    }

    /// The ticked pre-flight checks of the plan shown.
    pub fn preflight_done(&self) -> Rc<BTreeSet<usize>> {
        self.ticks.preflight_done(&self.document)
    }

    /// The step to do next: the first one not ticked. `None` without a plan or when all are done.
    pub fn current_step(&self) -> Option<usize> {
        self.document.next_step(&self.done())
    }
}

impl Default for State {
    fn default() -> Self {
        State::seed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rollplan_core::Syntax;

    use crate::progress::{TickedStep, TickedSteps};

    fn four() -> &'static Example {
        EXAMPLES.iter().find(|example| example.name == "exchange-four-node.yaml").unwrap()
    }

    /// Edits and lets the debounce fire, as the page does once typing pauses.
    fn type_and_pause(state: &mut State, text: &str) {
        state.apply(Action::Edit(text.to_owned()));
        let revision = state.document.revision;
        state.apply(Action::Analyze { revision });
    }

    /// Progress as an earlier release saved it: ticks under that release's
    /// plan of the four-node example (another fingerprint), beside what each
    /// ticked step did. Its step 0 is this plan's step 1 and its step 1 is
    /// this plan's step 0 (that release ordered them the other way); its step
    /// 5 is a drain this plan does not have.
    fn progress_of_an_earlier_release() -> Progress {
        let state = State::with_text(four().text);
        let (cluster, plan) = (state.document.analysis.cluster.unwrap(), state.document.analysis.plan.unwrap());
        let key = |index: usize| plan.steps[index].key(&cluster);
        let mut progress = Progress::default();
        for step in [0, 1, 5] {
            progress.set("0123456789abcdef", step, true);
        }
        let step = |key: String, title: &str| TickedStep { key: key.into(), title: title.into() };
        progress.remember(
            "0123456789abcdef",
            TickedSteps {
                description: rollplan_core::description_fingerprint(&cluster).into(),
                carried_from: None,
                steps: [
                    (0, step(key(1), "Second")),
                    (1, step(key(0), "First")),
                    (5, step("drain NODE9 EVS9:NODE9>NODE1".to_owned(), "Drain NODE9: move EVS9 to NODE1")),
                ]
                .into(),
            },
        );
        progress
    }

    #[test]
    fn ticks_saved_under_an_earlier_release_s_plan_are_carried_over_and_a_lost_step_is_named() {
        let mut state = State::restore(Some(four().text.to_owned()), progress_of_an_earlier_release());
        assert_eq!(*state.done(), BTreeSet::from([0, 1]), "matched by what the steps do, not by number");
        let carried = state.ticks.carried.clone().expect("a notice says what happened");
        assert_eq!(&*carried.from, "0123456789abcdef");
        let fingerprint = state.document.analysis.fingerprint.clone().unwrap();
        let record = state.ticks.progress.ticked_steps_of(&fingerprint).unwrap();
        assert_eq!(record.carried_from.as_deref(), Some("0123456789abcdef"), "no later plan takes the older ticks");
        assert_eq!(carried.missing, [Rc::from("Drain NODE9: move EVS9 to NODE1")]);
        // The earlier plan's ticks are kept: nothing is lost, whichever release opens the page next.
        assert_eq!(*state.ticks.progress.done("0123456789abcdef"), BTreeSet::from([0, 1, 5]));
        // The carried ticks are known by what they did, for the release after this one.
        let fingerprint = state.document.analysis.fingerprint.clone().unwrap();
        let known = state.ticks.progress.ticked_steps_of(&fingerprint).unwrap();
        assert_eq!(known.steps.keys().copied().collect::<Vec<_>>(), [0, 1]);
        assert!(state.apply(Action::DismissCarriedOver));
        assert!(!state.apply(Action::DismissCarriedOver));
    }

    /// Ticks taken over once and then unticked stay unticked: after a reload,
    /// or after leaving the plan and coming back, nothing is taken over again.
    #[test]
    fn ticks_taken_over_and_unticked_stay_unticked() {
        let mut state = State::restore(Some(four().text.to_owned()), progress_of_an_earlier_release());
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));
        assert!(state.apply(Action::ClearProgress));
        assert_eq!(state.ticks.carried, None, "the notice said they were ticked here");
        let reloaded = State::restore(Some(four().text.to_owned()), state.ticks.progress.clone());
        assert!(reloaded.done().is_empty());
        assert_eq!(reloaded.ticks.carried, None);
        assert!(state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert!(state.apply(Action::LoadExample(four().name.to_owned())));
        assert!(state.done().is_empty());
        assert_eq!(state.ticks.carried, None);
    }

    /// A progress file exported under an earlier release, imported into this one.
    #[test]
    fn a_progress_file_from_an_earlier_release_is_carried_over_on_import() {
        let earlier = progress_of_an_earlier_release();
        let file = crate::record::export_progress(earlier.plans(), earlier.ticked_steps());
        let mut state = State::with_text(four().text);
        assert!(state.apply(Action::ImportProgress { name: "p.json".to_owned(), text: file }));
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));
        let carried = state.ticks.carried.clone().expect("a notice says what happened");
        assert_eq!(carried.missing, [Rc::from("Drain NODE9: move EVS9 to NODE1")]);
    }

    #[test]
    fn ticking_a_step_remembers_what_it_did() {
        let mut state = State::with_text(four().text);
        assert!(state.apply(Action::SetDone { step: 2, done: true }));
        let (fingerprint, cluster, plan) = (
            state.document.analysis.fingerprint.clone().unwrap(),
            state.document.analysis.cluster.clone().unwrap(),
            state.document.analysis.plan.clone().unwrap(),
        );
        let known = state.ticks.progress.ticked_steps_of(&fingerprint).unwrap();
        assert_eq!(&*known.steps[&2].key, plan.steps[2].key(&cluster));
        assert_eq!(&*known.steps[&2].title, plan.steps[2].title);
        assert_eq!(&*known.description, rollplan_core::description_fingerprint(&cluster));
        // Ticks saved before this was kept are given it when their plan is shown.
        let mut progress = Progress::default();
        progress.set(&fingerprint, 3, true);
        let state = State::restore(Some(four().text.to_owned()), progress);
        assert!(state.ticks.progress.ticked_steps_of(&fingerprint).unwrap().steps.contains_key(&3));
        assert_eq!(state.ticks.carried, None, "its own ticks: nothing to carry over");
    }

    #[test]
    fn offers_every_file_in_tests_examples() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/examples");
        // Descriptions only: the directory also holds each example's expected output.
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| Syntax::from_path(name).is_some())
            .collect();
        files.sort();
        let mut offered: Vec<&str> = EXAMPLES.iter().map(|example| example.name).collect();
        offered.sort_unstable();
        assert_eq!(files, offered, "add new files in tests/examples/ to EXAMPLES");
    }

    #[test]
    fn every_example_is_valid_and_planned_or_blocked() {
        for example in EXAMPLES {
            let state = State::with_text(example.text);
            let analysis = &state.document.analysis;
            assert!(analysis.cluster.is_some(), "{}: {:?}", example.name, analysis.diagnostics);
            assert!(analysis.fingerprint.is_some());
            assert!(analysis.plan.is_some() != analysis.blocked.is_some());
            assert_eq!(state.document.example, Some(example.name));
        }
    }

    #[test]
    fn starts_with_the_seed_and_its_plan() {
        let state = State::default();
        assert_eq!(&*state.document.text, SEED.text);
        assert_eq!(state.document.example, Some("exchange-2003-two-node.yaml"));
        assert_eq!(state.document.analysis.syntax, Syntax::Yaml);
        assert_eq!(state.document.counts().0, 0);
        assert!(!state.document.is_stale());
        let cluster = state.document.analysis.cluster.as_ref().expect("the seed is valid");
        assert_eq!(cluster.nodes().len(), 2);
        let plan = state.document.analysis.plan.as_ref().expect("the seed has a plan");
        assert_eq!(plan.steps[0].title, "Pause NODE2");
        assert_eq!(state.current_step(), Some(0));
        assert_eq!(state.document.selected, None);
    }

    #[test]
    fn restores_saved_text_and_progress() {
        let four = four();
        let fingerprint = State::with_text(four.text).document.analysis.fingerprint.unwrap();
        let mut progress = Progress::default();
        progress.set(&fingerprint, 0, true);
        progress.set(&fingerprint, 1, true);
        let state = State::restore(Some(four.text.to_owned()), progress);
        assert_eq!(state.document.example, Some(four.name));
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));
        assert_eq!(state.current_step(), Some(2));

        let fresh = State::restore(None, Progress::default());
        assert_eq!(&*fresh.document.text, SEED.text);
    }

    #[test]
    fn editing_records_the_text_and_waits_to_analyse() {
        let broken = SEED.text.replace("on: NODE1", "on: NODE3");
        let mut state = State::seed();
        let before = state.document.analysis.clone();
        assert!(state.apply(Action::Edit(broken.clone())));
        assert_eq!(&*state.document.text, broken);
        assert_eq!(state.document.example, None, "edited text no longer is the example");
        assert!(state.document.is_stale());
        assert_eq!(state.document.analysis, before, "the old analysis stays until typing pauses");
    }

    #[test]
    fn analysing_the_current_revision_locates_errors() {
        let broken = SEED.text.replace("on: NODE1", "on: NODE3");
        let mut state = State::seed();
        state.apply(Action::Edit(broken.clone()));
        let revision = state.document.revision;
        assert!(state.apply(Action::Analyze { revision }));
        assert!(!state.document.is_stale());
        assert!(state.document.analysis.cluster.is_none());
        assert!(state.document.analysis.plan.is_none());
        assert!(state.document.analysis.fingerprint.is_none());
        let error = state
            .document
            .analysis
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "unknown-node")
            .expect("unknown-node reported");
        let line = broken.lines().position(|line| line.contains("on: NODE3")).unwrap() + 1;
        assert_eq!(error.line as usize, line);
        assert_eq!(state.document.counts().0, 1);
        assert!(!state.apply(Action::Analyze { revision }), "analysing twice is no change");
    }

    #[test]
    fn an_analysis_for_an_older_revision_is_ignored() {
        let mut state = State::seed();
        state.apply(Action::Edit("format: 1\n".to_owned()));
        let first = state.document.revision;
        state.apply(Action::Edit("format: 1\ncluster: X\n".to_owned()));
        assert!(!state.apply(Action::Analyze { revision: first }), "typing continued: this debounce was cancelled");
        assert!(state.document.is_stale());
        assert!(state.apply(Action::Analyze { revision: state.document.revision }));
        assert_eq!(state.document.analysis.revision, state.document.revision);
    }

    #[test]
    fn the_workers_findings_show_only_for_the_current_revision() {
        let mut state = State::seed();
        let old_text = SEED.text.replace("NODE1", "ALPHA");
        state.apply(Action::Edit(old_text.clone()));
        let old = state.document.revision;
        let typed = SEED.text.replace("NODE1", "BRAVO");
        state.apply(Action::Edit(typed.clone()));
        let current = state.document.revision;
        let plan_before = state.document.analysis.plan.clone();
        assert!(!state.apply(Action::Analyzed(Findings::of(&old_text, old))), "typed over since: dropped");
        assert!(state.document.is_stale());
        assert_eq!(state.document.analysis.plan, plan_before);
        assert!(state.apply(Action::Analyzed(Findings::of(&typed, current))));
        assert!(!state.document.is_stale());
        let plan = state.document.analysis.plan.clone().expect("the seed with a node renamed plans");
        assert!(plan.steps.iter().any(|step| step.title.contains("BRAVO")));
        assert!(!state.apply(Action::Analyzed(Findings::of(&typed, current))), "answered twice: no change");
    }

    #[test]
    fn a_page_with_a_worker_leaves_large_texts_to_it_and_analyses_small_ones_at_once() {
        let four = four().text;
        let limit = Some(SEED.text.len() + 1);
        // A large saved text: pending until the worker answers.
        let mut state = State::restore_analysing_here_up_to(Some(four.to_owned()), Progress::default(), limit);
        assert!(state.document.is_stale() && state.document.analysis.is_pending());
        let revision = state.document.revision;
        assert!(state.apply(Action::Analyzed(Findings::of(four, revision))));
        assert_eq!(state.document.analysis.plan.as_ref().map(|plan| plan.steps.len()), Some(18));
        assert!(!state.document.analysis.is_pending());
        // The seed, small, is analysed at once when picked ...
        assert!(state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert!(!state.document.is_stale());
        assert_eq!(state.document.analysis.plan.as_ref().map(|plan| plan.steps.len()), Some(8));
        // ... a large file is left to the worker, and if the worker fails, analysed here.
        assert!(state.apply(Action::Open { name: "four.yaml".to_owned(), text: four.to_owned() }));
        assert!(state.document.is_stale());
        assert_eq!(state.document.analysis.plan.as_ref().map(|plan| plan.steps.len()), Some(8), "the seed's, dimmed");
        assert!(state.apply(Action::AnalyzeEverythingHere { revision: state.document.revision }));
        assert_eq!(state.document.analysis.plan.as_ref().map(|plan| plan.steps.len()), Some(18));
        // From then on, large texts are analysed at once.
        assert!(state.apply(Action::Open { name: "four-again.yaml".to_owned(), text: format!("{four}# again\n") }));
        assert!(!state.document.is_stale());
        // Without a worker, everything is analysed at once, as before.
        let here = State::restore_analysing_here_up_to(Some(four.to_owned()), Progress::default(), None);
        assert_eq!(here, State::restore(Some(four.to_owned()), Progress::default()));
        assert!(!here.document.is_stale());
    }

    #[test]
    fn the_same_text_is_no_change() {
        let mut state = State::seed();
        assert!(!state.apply(Action::Edit(SEED.text.to_owned())));
        assert!(!state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert!(!state.apply(Action::Analyze { revision: 0 }));
        assert_eq!(state, State::seed());
    }

    #[test]
    fn editing_back_to_an_example_recognises_it() {
        let mut state = State::seed();
        type_and_pause(&mut state, "");
        type_and_pause(&mut state, SEED.text);
        assert_eq!(state.document.example, Some(SEED.name));
        assert!(state.document.analysis.plan.is_some());
    }

    #[test]
    fn empty_text_is_an_error_not_a_panic() {
        let mut state = State::seed();
        type_and_pause(&mut state, "");
        assert!(state.document.analysis.cluster.is_none());
        assert!(state.document.counts().0 > 0);
        assert_eq!(state.current_step(), None);
    }

    #[test]
    fn loads_examples_at_once_and_ignores_unknown_names() {
        let four = four();
        let mut state = State::seed();
        assert!(state.apply(Action::LoadExample(four.name.to_owned())));
        assert_eq!(&*state.document.text, four.text);
        assert!(!state.document.is_stale(), "no debounce for a picked example");
        assert_eq!(state.document.analysis.cluster.as_ref().map(|cluster| cluster.nodes().len()), Some(4));
        let before = state.clone();
        assert!(!state.apply(Action::LoadExample("no-such.yaml".to_owned())));
        assert_eq!(state, before);
    }

    #[test]
    fn picking_the_shown_example_while_typing_analyses_it() {
        let mut state = State::seed();
        state.apply(Action::Edit(format!("{}# note\n", SEED.text)));
        state.apply(Action::Edit(SEED.text.to_owned()));
        assert!(state.document.is_stale());
        assert!(state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert!(!state.document.is_stale());
    }

    #[test]
    fn opening_a_file_analyses_it_at_once_with_detected_syntax() {
        let toml = include_str!("../../../../tests/cases/seed.toml");
        let mut state = State::seed();
        assert!(state.apply(Action::Open { name: "seed.toml".to_owned(), text: toml.to_owned() }));
        assert_eq!(&*state.document.text, toml);
        assert_eq!(state.document.example, None);
        assert_eq!(state.document.file.as_deref(), Some("seed.toml"));
        assert!(!state.document.is_stale());
        assert_eq!(state.document.analysis.syntax, Syntax::Toml);
        assert!(state.document.analysis.plan.is_some(), "{:?}", state.document.analysis.diagnostics);

        // Edited, it is still that file's text; an example replaces it.
        type_and_pause(&mut state, &format!("{toml}# edited\n"));
        assert_eq!(state.document.file.as_deref(), Some("seed.toml"));
        state.apply(Action::LoadExample(SEED.name.to_owned()));
        assert_eq!(state.document.file, None);
    }

    #[test]
    fn opening_the_same_text_from_another_file_names_that_file() {
        let mut state = State::seed();
        assert!(state.apply(Action::Open { name: "copy.yaml".to_owned(), text: SEED.text.to_owned() }));
        assert_eq!(state.document.file.as_deref(), Some("copy.yaml"));
        assert_eq!(state.document.example, Some(SEED.name), "still recognised as the example");
    }

    #[test]
    fn a_failed_open_says_so_until_the_next_change() {
        let mut state = State::seed();
        assert!(
            state.apply(Action::OpenFailed {
                name: "big.yaml".to_owned(),
                reason: "it is larger than 1 MiB".to_owned(),
            })
        );
        assert_eq!(state.document.notice.as_deref(), Some("Could not open big.yaml: it is larger than 1 MiB"));
        assert_eq!(&*state.document.text, SEED.text, "the text is kept");
        state.apply(Action::Edit(String::new()));
        assert_eq!(state.document.notice, None);
    }

    #[test]
    fn revealing_a_diagnostic_asks_for_its_location_every_time() {
        let mut state = State::seed();
        type_and_pause(&mut state, &SEED.text.replace("on: NODE1", "on: NODE3"));
        let diagnostic = state.document.analysis.diagnostics[0].clone();
        assert!(state.apply(Action::RevealDiagnostic(0)));
        let first = state.document.reveal.expect("a reveal request");
        assert_eq!(
            (first.line, first.column, first.end_line, first.end_column),
            (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
        );
        assert!(state.apply(Action::RevealDiagnostic(0)));
        assert_ne!(state.document.reveal.unwrap().serial, first.serial, "a second click moves the cursor again");
        assert!(!state.apply(Action::RevealDiagnostic(99)));
    }

    #[test]
    fn ticking_steps_moves_the_current_step() {
        let mut state = State::seed();
        assert!(state.apply(Action::SetDone { step: 0, done: true }));
        assert_eq!(state.current_step(), Some(1));
        assert!(state.apply(Action::SetDone { step: 1, done: true }));
        assert!(state.apply(Action::SetDone { step: 3, done: true }));
        assert_eq!(state.current_step(), Some(2), "the first unticked step, not the last ticked");
        assert!(!state.apply(Action::SetDone { step: 3, done: true }), "ticked already");
        assert!(state.apply(Action::SetDone { step: 0, done: false }));
        assert_eq!(state.current_step(), Some(0));
        assert!(!state.apply(Action::SetDone { step: 99, done: true }), "no such step");
        assert_eq!(*state.done(), BTreeSet::from([1, 3]));
    }

    #[test]
    fn all_steps_done_means_no_current_step() {
        let mut state = State::seed();
        let steps = state.document.analysis.plan.as_ref().unwrap().steps.len();
        for step in 0..steps {
            state.apply(Action::SetDone { step, done: true });
        }
        assert_eq!(state.current_step(), None);
        assert!(state.apply(Action::ClearProgress));
        assert_eq!(state.current_step(), Some(0));
        assert!(!state.apply(Action::ClearProgress), "nothing left to clear");
    }

    #[test]
    fn unticking_all_can_be_undone_until_progress_changes() {
        let mut state = State::seed();
        state.apply(Action::SetDone { step: 0, done: true });
        state.apply(Action::SetDone { step: 2, done: true });
        assert!(state.apply(Action::ClearProgress));
        assert!(state.done().is_empty());
        assert!(state.apply(Action::UndoClearProgress));
        assert_eq!(*state.done(), BTreeSet::from([0, 2]));
        assert!(!state.apply(Action::UndoClearProgress), "undone already");

        // The undo is for the plan it was cleared in, even after switching plans.
        state.apply(Action::ClearProgress);
        state.apply(Action::LoadExample(four().name.to_owned()));
        assert!(state.apply(Action::UndoClearProgress));
        assert!(state.done().is_empty(), "the four-node plan is untouched");
        state.apply(Action::LoadExample(SEED.name.to_owned()));
        assert_eq!(*state.done(), BTreeSet::from([0, 2]));

        // Ticking after clearing starts afresh: no undo over it.
        state.apply(Action::ClearProgress);
        state.apply(Action::SetDone { step: 5, done: true });
        assert!(!state.apply(Action::UndoClearProgress));
        assert_eq!(*state.done(), BTreeSet::from([5]));
    }

    /// "Before you start" keeps its ticks as the steps do, under the list's
    /// own key (so a new planner keeps them), and "Untick all" takes both.
    #[test]
    fn preflight_ticks_are_kept_and_unticked_with_the_steps() {
        let kubernetes = EXAMPLES.iter().find(|example| example.text.contains("platform: kubernetes")).unwrap();
        let mut state = State::with_text(kubernetes.text);
        let list = state.document.analysis.preflight.clone().expect("a kubernetes pre-flight list");
        assert!(state.apply(Action::SetPreflightDone { check: 1, done: true }));
        assert!(!state.apply(Action::SetPreflightDone { check: 1, done: true }), "no change");
        assert!(!state.apply(Action::SetPreflightDone { check: list.checks.len(), done: true }), "no such check");
        assert_eq!(*state.preflight_done(), BTreeSet::from([1]));
        assert!(state.done().is_empty(), "the steps are untouched");
        // Named by the description and the checks alone: a state restored from the same progress finds it.
        let reloaded = State::restore(Some(kubernetes.text.to_owned()), state.ticks.progress.clone());
        assert_eq!(*reloaded.preflight_done(), BTreeSet::from([1]));
        // Untick all, with only pre-flight ticks, takes them; its undo puts them back.
        assert!(state.apply(Action::ClearProgress));
        assert!(state.preflight_done().is_empty());
        assert!(state.apply(Action::UndoClearProgress));
        assert_eq!(*state.preflight_done(), BTreeSet::from([1]));
        // A description without a platform has no list to tick.
        let mut seed = State::seed();
        assert!(seed.document.analysis.preflight.is_none());
        assert!(!seed.apply(Action::SetPreflightDone { check: 0, done: true }));
        assert!(!seed.apply(Action::ClearProgress), "nothing to untick");
    }

    #[test]
    fn progress_is_kept_per_plan_fingerprint() {
        let mut state = State::seed();
        state.apply(Action::SetDone { step: 0, done: true });
        state.apply(Action::SetDone { step: 1, done: true });

        // Another plan starts with nothing ticked.
        state.apply(Action::LoadExample(four().name.to_owned()));
        assert!(state.done().is_empty());
        state.apply(Action::SetDone { step: 4, done: true });

        // Back to the seed: its ticks are still there.
        state.apply(Action::LoadExample(SEED.name.to_owned()));
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));

        // A comment does not change the plan, so it keeps the ticks...
        type_and_pause(&mut state, &format!("# our change ticket CHG-1234\n{}", SEED.text));
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));
        // ... while a change to the cluster is a different plan.
        type_and_pause(&mut state, &SEED.text.replace("minutes: 40", "minutes: 45"));
        assert!(state.done().is_empty());
        assert_eq!(state.ticks.progress.plans().count(), 2);
    }

    #[test]
    fn no_ticks_without_a_plan() {
        let mut state = State::seed();
        type_and_pause(&mut state, "format: 1\n");
        assert!(!state.apply(Action::SetDone { step: 0, done: true }));
        assert!(!state.apply(Action::ClearProgress));
        assert!(!state.apply(Action::Select(0)));
    }

    #[test]
    fn selecting_a_step_and_losing_it_with_the_plan() {
        let mut state = State::seed();
        assert!(state.apply(Action::Select(3)));
        assert_eq!(state.document.selected, Some(3));
        assert!(!state.apply(Action::Select(3)), "already selected");
        assert!(!state.apply(Action::Select(99)), "no such step");
        assert_eq!(state.document.selected, Some(3));

        // The same plan (a comment added) keeps the selection...
        type_and_pause(&mut state, &format!("# note\n{}", SEED.text));
        assert_eq!(state.document.selected, Some(3));
        // ... another plan drops it.
        state.apply(Action::LoadExample(four().name.to_owned()));
        assert_eq!(state.document.selected, None);
    }

    #[test]
    fn ticking_the_selected_step_lets_the_highlight_move_on() {
        let mut state = State::seed();
        state.apply(Action::Select(0));
        state.apply(Action::SetDone { step: 1, done: true });
        assert_eq!(state.document.selected, Some(0), "ticking another step keeps the selection");
        state.apply(Action::SetDone { step: 0, done: true });
        assert_eq!(state.document.selected, None);
        assert_eq!(state.current_step(), Some(2));
        state.apply(Action::Select(1));
        state.apply(Action::SetDone { step: 1, done: false });
        assert_eq!(state.document.selected, Some(1), "unticking keeps it");
    }

    #[test]
    fn selection_survives_typing_until_the_analysis_changes_the_plan() {
        let mut state = State::seed();
        state.apply(Action::Select(2));
        state.apply(Action::Edit("format: 1\n".to_owned()));
        assert_eq!(state.document.selected, Some(2), "the shown plan is still the old one");
        let revision = state.document.revision;
        state.apply(Action::Analyze { revision });
        assert_eq!(state.document.selected, None);
    }

    #[test]
    fn importing_progress_puts_each_plans_ticks_or_says_why_not() {
        let mut state = State::seed();
        let fingerprint = state.document.analysis.fingerprint.clone().unwrap();
        let file = format!(r#"{{"kind":"rollplan-progress","version":1,"plans":{{"{fingerprint}":[1,2]}}}}"#);
        assert!(state.apply(Action::ImportProgress { name: "p.json".to_owned(), text: file }));
        assert_eq!(*state.done(), BTreeSet::from([1, 2]));
        assert_eq!(state.ticks.import_message.as_deref(), Some("Imported the progress of 1 plan from p.json."));
        assert!(state.apply(Action::ImportProgress { name: "bad.json".to_owned(), text: "{".to_owned() }));
        assert!(
            state.ticks.import_message.as_deref().unwrap().starts_with("Could not import bad.json: It is not JSON")
        );
        assert_eq!(*state.done(), BTreeSet::from([1, 2]), "a bad file changes nothing");
    }

    #[test]
    fn storage_problems_are_said_once_and_dismissed() {
        let mut state = State::seed();
        assert!(state.apply(Action::StorageFailed));
        assert!(!state.apply(Action::StorageFailed));
        assert!(state.apply(Action::DismissStorageNotice));
        assert!(state.notices.memory_only && state.notices.memory_notice_dismissed);
        let kept = Action::KeptAside { key: "k".to_owned(), kept: "k-unreadable-1".to_owned() };
        assert!(state.apply(kept));
        assert_eq!(state.notices.kept_aside.len(), 1);
        assert!(state.apply(Action::DismissKeptAside));
        assert!(!state.apply(Action::DismissKeptAside));
    }

    #[test]
    fn another_tabs_ticks_are_shown() {
        let mut state = State::seed();
        let fingerprint = state.document.analysis.fingerprint.as_deref().unwrap().to_owned();
        let steps = BTreeSet::from([0, 1]);
        assert!(state.apply(Action::ProgressSynced { fingerprint: fingerprint.clone(), steps: steps.clone() }));
        assert!(!state.apply(Action::ProgressSynced { fingerprint, steps }));
        assert_eq!(state.current_step(), Some(2));
    }
}
