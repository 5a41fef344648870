//! The app's state and its transitions, as plain Rust.
//!
//! No Yew, no browser: every change the user can make is an [`Action`], and
//! [`State::apply`] is the only place state changes, so the transitions are
//! unit-tested natively (`cargo test -p rollplan-web`). The Yew adapter
//! (`reducer.rs`) and the components only forward actions and render state.
//!
//! Typing must never wait for the planner, so an edit only records the text
//! and bumps [`State::revision`]; the analysis (validation and plan) is a
//! separate [`Action::Analyze`] for a given revision, which the analysis hook
//! dispatches right after the edit when analyses are quick, else once typing
//! pauses (`hooks/analysis.rs`). An analysis for a revision that is no longer
//! current is ignored, which is all the cancelling the debounce needs. Loading
//! an example or a file analyses at once: there is no typing to wait for.
//!
//! A plan link shows the description it carries as a *shared plan* beside the
//! user's own, which stays saved and untouched until they choose (see
//! [`crate::sharing`]); comparing with another plan is [`crate::review`].

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use rollplan_core::plan::{Blocked, Outcome, Plan};
use rollplan_core::{Cluster, Diagnostic, Severity, Syntax};

use crate::progress::{CarriedOver, Progress, TickedStep, TickedSteps};
use crate::review::Review;
use crate::sharing::{ShareLink, Shared};

/// A description shipped with the app, to start from or compare with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// File name in `tests/examples/`, shown in the examples menu.
    pub name: &'static str,
    pub text: &'static str,
}

/// The examples, the seed first. The files are the ones the core's tests use,
/// so the app never ships an example the core rejects.
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "exchange-2003-two-node.yaml",
        text: include_str!("../../../tests/examples/exchange-2003-two-node.yaml"),
    },
    Example {
        name: "exchange-2003-scanmail.yaml",
        text: include_str!("../../../tests/examples/exchange-2003-scanmail.yaml"),
    },
    Example {
        name: "active-active-two-node.yaml",
        text: include_str!("../../../tests/examples/active-active-two-node.yaml"),
    },
    Example { name: "exchange-four-node.yaml", text: include_str!("../../../tests/examples/exchange-four-node.yaml") },
];

/// The description a first visit starts with.
pub const SEED: Example = EXAMPLES[0];

/// What the core said about one revision of the text.
///
/// Behind `Rc`s so that handing the parts to components as props, and cloning
/// the state for a transition, copies pointers, not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The [`State::revision`] of the text analysed.
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
}

impl Analysis {
    /// Runs the core on `text`: validation and, when valid, planning.
    pub fn of(text: &str, revision: u64) -> Self {
        let rollplan_core::Analysis { validation, outcome, fingerprint } =
            rollplan_core::analyze(text, Syntax::detect(text));
        let (plan, blocked) = match outcome {
            Some(Outcome::Planned(plan)) => (Some(Rc::new(plan)), None),
            Some(Outcome::Blocked(reasons)) => (None, Some(reasons.into())),
            None => (None, None),
        };
        Analysis {
            revision,
            syntax: validation.syntax,
            diagnostics: validation.diagnostics.into(),
            cluster: validation.cluster.map(Rc::new),
            plan,
            blocked,
            fingerprint: fingerprint.map(Rc::from),
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

/// Everything the app shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The description as typed.
    pub text: Rc<str>,
    /// The example `text` is, while it is unchanged.
    pub example: Option<&'static str>,
    /// The name of the file the text was opened from (kept while it is edited).
    pub file: Option<Rc<str>>,
    /// Bumped by every change of `text`.
    pub revision: u64,
    /// What the core said about the text, as of `analysis.revision`.
    pub analysis: Analysis,
    /// Done steps, per plan fingerprint.
    pub progress: Progress,
    /// The ticks "Untick all" removed, until the next change of progress: for its undo.
    pub unticked: Option<(Rc<str>, Rc<BTreeSet<usize>>)>,
    /// The step the user picked (in the timeline or the checklist).
    pub selected: Option<usize>,
    /// Where the editor's cursor was last asked to go.
    pub reveal: Option<Reveal>,
    /// A message about the last file that could not be opened.
    pub notice: Option<Rc<str>>,
    /// The shared plan shown, when the page was opened from a plan link: `text`
    /// is the link's description, and the user's own is kept in here.
    pub shared: Option<Rc<Shared>>,
    /// Why the last plan link could not be opened (nothing else changed).
    pub link_error: Option<Rc<str>>,
    /// How many plan links were opened, good or bad: the address bar is tidied after each.
    pub links_opened: u64,
    /// The link "Copy link" made, while the text it carries is unchanged.
    pub share: Option<Rc<ShareLink>>,
    /// The comparison of the plan shown with another one, once asked for.
    pub review: Option<Rc<Review>>,
    /// Browser storage refused a write (or is missing): progress lives in memory only.
    pub memory_only: bool,
    /// The user dismissed the notice that says so.
    pub memory_notice_dismissed: bool,
    /// Saved values that could not be read, and the keys they were kept aside under.
    pub kept_aside: Rc<[(Rc<str>, Rc<str>)]>,
    /// What the last progress import did, or why it failed.
    pub import_message: Option<Rc<str>>,
    /// Ticks an earlier release of rollplan saved under its plan of this
    /// description, carried over to the plan shown (until dismissed or the plan changes).
    pub carried: Option<Rc<CarriedOver>>,
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The user edited the text (analysed later, see the module docs).
    Edit(String),
    /// Typing paused at `revision`: analyse the text if it is still that revision.
    Analyze { revision: u64 },
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
    /// Untick every step of the current plan.
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
        let text = text.as_deref().unwrap_or(SEED.text);
        let mut state = State {
            text: text.into(),
            example: recognise(text),
            file: None,
            revision: 0,
            analysis: Analysis::of(text, 0),
            progress,
            unticked: None,
            selected: None,
            reveal: None,
            notice: None,
            shared: None,
            link_error: None,
            links_opened: 0,
            share: None,
            review: None,
            memory_only: false,
            memory_notice_dismissed: false,
            kept_aside: Rc::new([]),
            import_message: None,
            carried: None,
        };
        state.pick_up_progress();
        state
    }

    /// Applies `action`; returns whether anything changed (so a view can skip re-rendering).
    pub fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::Edit(text) => {
                // The shared description is read-only (the editor says so): keep it to edit it.
                if *text == *self.text || self.shared.is_some() {
                    return false;
                }
                self.set_text(&text);
                true
            }
            Action::Analyze { revision } => {
                if revision != self.revision || !self.is_stale() {
                    return false;
                }
                self.set_analysis(Analysis::of(&self.text, revision));
                true
            }
            Action::LoadExample(name) => {
                match EXAMPLES.iter().find(|example| example.name == name) {
                    Some(example) => {
                        // Picking an example leaves a shared plan: it replaces the user's own text.
                        let left_shared = self.shared.take().is_some();
                        let had_file = self.file.take().is_some();
                        self.load(example.text) || had_file || left_shared
                    }
                    // A name the menu never offers: keep what the user has.
                    None => false,
                }
            }
            Action::Open { name, text } => {
                let left_shared = self.shared.take().is_some();
                let name: Rc<str> = name.into();
                let new_file = self.file.as_ref() != Some(&name);
                self.file = Some(name);
                self.load(&text) || new_file || left_shared
            }
            Action::OpenFailed { name, reason } => {
                self.notice = Some(format!("Could not open {name}: {reason}").into());
                true
            }
            Action::RevealDiagnostic(index) => {
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
            Action::SetDone { step, done } => {
                let (Some(fingerprint), Some(plan)) = (&self.analysis.fingerprint, &self.analysis.plan) else {
                    return false;
                };
                if step >= plan.steps.len() || !self.progress.set(fingerprint, step, done) {
                    return false;
                }
                if done {
                    self.remember_steps(&[step]);
                }
                self.unticked = None;
                // Done with the step being looked at: let the highlight move on to the next one.
                if done && self.selected == Some(step) {
                    self.selected = None;
                }
                true
            }
            Action::ClearProgress => {
                let Some(fingerprint) = self.analysis.fingerprint.clone() else {
                    return false;
                };
                let ticked = self.progress.done(&fingerprint);
                if !self.progress.clear(&fingerprint) {
                    return false;
                }
                self.unticked = Some((fingerprint, ticked));
                true
            }
            Action::UndoClearProgress => match self.unticked.take() {
                Some((fingerprint, ticked)) => {
                    self.progress.put(&fingerprint, ticked);
                    true
                }
                None => false,
            },
            Action::Select(step) => {
                let exists = self.analysis.plan.as_ref().is_some_and(|plan| step < plan.steps.len());
                if !exists || self.selected == Some(step) {
                    return false;
                }
                self.selected = Some(step);
                true
            }
            Action::OpenLink(link) => self.open_link(&link),
            Action::KeepShared => self.keep_shared(),
            Action::CancelKeepShared => self.cancel_keep_shared(),
            Action::BackToOwn => self.back_to_own(),
            Action::DismissLinkError => self.link_error.take().is_some(),
            Action::LinkMade { link, copied } => {
                self.share = Some(Rc::new(ShareLink { link: link.into(), copied }));
                true
            }
            Action::CloseLink => self.share.take().is_some(),
            Action::CompareWith(input) => self.compare_with(Review::pasted(&input)),
            Action::CompareWithFile { name, text } => self.compare_with(Review::file(&name, &text)),
            Action::CompareFileFailed { name, reason } => self.compare_with(Review::unreadable(&name, &reason)),
            Action::SwapComparison => self.swap_comparison(),
            Action::CloseComparison => self.review.take().is_some(),
            Action::StorageFailed => !std::mem::replace(&mut self.memory_only, true),
            Action::DismissStorageNotice => !std::mem::replace(&mut self.memory_notice_dismissed, true),
            Action::KeptAside { key, kept } => {
                let mut kept_aside = self.kept_aside.to_vec();
                kept_aside.push((key.into(), kept.into()));
                self.kept_aside = kept_aside.into();
                true
            }
            Action::DismissKeptAside => {
                let had = !self.kept_aside.is_empty();
                self.kept_aside = Rc::new([]);
                had
            }
            Action::ProgressSynced { fingerprint, steps } => {
                if *self.progress.done(&fingerprint) == steps {
                    return false;
                }
                self.progress.put(&fingerprint, Rc::new(steps));
                true
            }
            Action::ImportProgress { name, text } => {
                let message = match crate::record::import_progress(&text) {
                    Ok(plans) => {
                        let count = plans.len();
                        for (fingerprint, steps) in plans {
                            self.progress.put(&fingerprint, Rc::new(steps));
                        }
                        self.unticked = None;
                        format!(
                            "Imported the progress of {} from {name}.",
                            crate::wording::plural(count, "plan", "plans")
                        )
                    }
                    Err(error) => format!("Could not import {name}: {error}"),
                };
                self.import_message = Some(message.into());
                true
            }
            Action::ImportProgressFailed { name, reason } => {
                self.import_message = Some(format!("Could not import {name}: {reason}").into());
                true
            }
            Action::DismissCarriedOver => self.carried.take().is_some(),
        }
    }

    /// Keeps what the plan shown's ticked steps did (so that a later release
    /// can find them), and, when the plan has no ticks, takes over those an
    /// earlier release saved under its own plan of this description.
    fn pick_up_progress(&mut self) {
        let (Some(fingerprint), Some(plan), Some(cluster)) =
            (self.analysis.fingerprint.clone(), self.analysis.plan.clone(), self.analysis.cluster.clone())
        else {
            return;
        };
        let done = self.progress.done(&fingerprint);
        if !done.is_empty() {
            // Ticked before what steps did was kept beside them: keep it now.
            let known = self.progress.ticked_steps_of(&fingerprint);
            let unknown: Vec<usize> =
                done.iter().copied().filter(|step| known.is_none_or(|known| !known.steps.contains_key(step))).collect();
            self.remember_steps(&unknown);
            return;
        }
        let others_known = self.progress.plans().any(|(other, _)| self.progress.ticked_steps_of(other).is_some());
        if !others_known {
            return;
        }
        let description = rollplan_core::description_fingerprint(&cluster);
        let keys: Vec<String> = plan.steps.iter().map(|step| step.key(&cluster)).collect();
        if let Some(carried) = self.progress.carry_over(&fingerprint, &description, &keys) {
            self.progress.put(&fingerprint, Rc::new(carried.steps.clone()));
            self.remember_steps(&carried.steps.iter().copied().collect::<Vec<_>>());
            self.carried = Some(Rc::new(carried));
        }
    }

    /// Remembers what these steps of the plan shown do, beside its ticks.
    fn remember_steps(&mut self, steps: &[usize]) {
        let (Some(fingerprint), Some(plan), Some(cluster)) =
            (&self.analysis.fingerprint, &self.analysis.plan, &self.analysis.cluster)
        else {
            return;
        };
        if steps.is_empty() {
            return;
        }
        let mut known =
            TickedSteps { description: rollplan_core::description_fingerprint(cluster).into(), steps: BTreeMap::new() };
        // Inserted one by one: `collect()` would add a sort for this element type to the bundle.
        for &index in steps {
            if let Some(step) = plan.steps.get(index) {
                known
                    .steps
                    .insert(index, TickedStep { key: step.key(cluster).into(), title: step.title.as_str().into() });
            }
        }
        self.progress.remember(fingerprint, known);
    }

    /// The user's own description: the one saved in the browser. While a shared
    /// plan is shown that is not the text shown, which is the link's.
    pub fn own_text(&self) -> Rc<str> {
        self.shared.as_ref().map_or_else(|| self.text.clone(), |shared| shared.own.clone())
    }

    /// Whether the text changed since it was last analysed (the analysis shown is older).
    pub fn is_stale(&self) -> bool {
        self.analysis.revision != self.revision
    }

    /// The done steps of the plan shown (empty when there is none).
    pub fn done(&self) -> Rc<BTreeSet<usize>> {
        self.progress.done(self.analysis.fingerprint.as_deref().unwrap_or_default())
    }

    /// The step to do next: the first one not ticked. `None` without a plan or when all are done.
    pub fn current_step(&self) -> Option<usize> {
        let plan = self.analysis.plan.as_ref()?;
        let done = self.done();
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
        // A link made before carries the old text.
        self.share = None;
    }

    /// Replaces the text and analyses it at once; returns whether anything changed.
    pub(crate) fn load(&mut self, text: &str) -> bool {
        let had_notice = self.notice.take().is_some();
        if *text == *self.text && !self.is_stale() {
            return had_notice;
        }
        if *text != *self.text {
            self.set_text(text);
        }
        self.set_analysis(Analysis::of(text, self.revision));
        true
    }

    /// Shows a new analysis; a different plan drops the selection, which was a step of the old one.
    fn set_analysis(&mut self, analysis: Analysis) {
        // The same fingerprint is the same cluster, hence the same plan.
        let new_plan = analysis.fingerprint != self.analysis.fingerprint;
        if new_plan {
            self.selected = None;
            self.carried = None;
        }
        self.analysis = analysis;
        if new_plan {
            self.refresh_comparison();
            self.pick_up_progress();
        }
    }
}

/// The example `text` is, if it is one unchanged.
pub(crate) fn recognise(text: &str) -> Option<&'static str> {
    EXAMPLES.iter().find(|example| example.text == text).map(|example| example.name)
}

impl Default for State {
    fn default() -> Self {
        State::seed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn four() -> &'static Example {
        EXAMPLES.iter().find(|example| example.name == "exchange-four-node.yaml").unwrap()
    }

    /// Edits and lets the debounce fire, as the page does once typing pauses.
    fn type_and_pause(state: &mut State, text: &str) {
        state.apply(Action::Edit(text.to_owned()));
        let revision = state.revision;
        state.apply(Action::Analyze { revision });
    }

    /// Progress as an earlier release saved it: ticks under that release's
    /// plan of the four-node example (another fingerprint), beside what each
    /// ticked step did. Its step 0 is this plan's step 1 and its step 1 is
    /// this plan's step 0 (that release ordered them the other way); its step
    /// 5 is a drain this plan does not have.
    fn progress_of_an_earlier_release() -> Progress {
        let state = State::with_text(four().text);
        let (cluster, plan) = (state.analysis.cluster.unwrap(), state.analysis.plan.unwrap());
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
        let carried = state.carried.clone().expect("a notice says what happened");
        assert_eq!(&*carried.from, "0123456789abcdef");
        assert_eq!(carried.missing, [Rc::from("Drain NODE9: move EVS9 to NODE1")]);
        // The earlier plan's ticks are kept: nothing is lost, whichever release opens the page next.
        assert_eq!(*state.progress.done("0123456789abcdef"), BTreeSet::from([0, 1, 5]));
        // The carried ticks are known by what they did, for the release after this one.
        let fingerprint = state.analysis.fingerprint.clone().unwrap();
        let known = state.progress.ticked_steps_of(&fingerprint).unwrap();
        assert_eq!(known.steps.keys().copied().collect::<Vec<_>>(), [0, 1]);
        assert!(state.apply(Action::DismissCarriedOver));
        assert!(!state.apply(Action::DismissCarriedOver));
    }

    #[test]
    fn ticking_a_step_remembers_what_it_did() {
        let mut state = State::with_text(four().text);
        assert!(state.apply(Action::SetDone { step: 2, done: true }));
        let (fingerprint, cluster, plan) = (
            state.analysis.fingerprint.clone().unwrap(),
            state.analysis.cluster.clone().unwrap(),
            state.analysis.plan.clone().unwrap(),
        );
        let known = state.progress.ticked_steps_of(&fingerprint).unwrap();
        assert_eq!(&*known.steps[&2].key, plan.steps[2].key(&cluster));
        assert_eq!(&*known.steps[&2].title, plan.steps[2].title);
        assert_eq!(&*known.description, rollplan_core::description_fingerprint(&cluster));
        // Ticks saved before this was kept are given it when their plan is shown.
        let mut progress = Progress::default();
        progress.set(&fingerprint, 3, true);
        let state = State::restore(Some(four().text.to_owned()), progress);
        assert!(state.progress.ticked_steps_of(&fingerprint).unwrap().steps.contains_key(&3));
        assert_eq!(state.carried, None, "its own ticks: nothing to carry over");
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
            let analysis = &state.analysis;
            assert!(analysis.cluster.is_some(), "{}: {:?}", example.name, analysis.diagnostics);
            assert!(analysis.fingerprint.is_some());
            assert!(analysis.plan.is_some() != analysis.blocked.is_some());
            assert_eq!(state.example, Some(example.name));
        }
    }

    #[test]
    fn starts_with_the_seed_and_its_plan() {
        let state = State::default();
        assert_eq!(&*state.text, SEED.text);
        assert_eq!(state.example, Some("exchange-2003-two-node.yaml"));
        assert_eq!(state.analysis.syntax, Syntax::Yaml);
        assert_eq!(state.counts().0, 0);
        assert!(!state.is_stale());
        let cluster = state.analysis.cluster.as_ref().expect("the seed is valid");
        assert_eq!(cluster.nodes().len(), 2);
        let plan = state.analysis.plan.as_ref().expect("the seed has a plan");
        assert_eq!(plan.steps[0].title, "Pause NODE2");
        assert_eq!(state.current_step(), Some(0));
        assert_eq!(state.selected, None);
    }

    #[test]
    fn restores_saved_text_and_progress() {
        let four = four();
        let fingerprint = State::with_text(four.text).analysis.fingerprint.unwrap();
        let mut progress = Progress::default();
        progress.set(&fingerprint, 0, true);
        progress.set(&fingerprint, 1, true);
        let state = State::restore(Some(four.text.to_owned()), progress);
        assert_eq!(state.example, Some(four.name));
        assert_eq!(*state.done(), BTreeSet::from([0, 1]));
        assert_eq!(state.current_step(), Some(2));

        let fresh = State::restore(None, Progress::default());
        assert_eq!(&*fresh.text, SEED.text);
    }

    #[test]
    fn editing_records_the_text_and_waits_to_analyse() {
        let broken = SEED.text.replace("on: NODE1", "on: NODE3");
        let mut state = State::seed();
        let before = state.analysis.clone();
        assert!(state.apply(Action::Edit(broken.clone())));
        assert_eq!(&*state.text, broken);
        assert_eq!(state.example, None, "edited text no longer is the example");
        assert!(state.is_stale());
        assert_eq!(state.analysis, before, "the old analysis stays until typing pauses");
    }

    #[test]
    fn analysing_the_current_revision_locates_errors() {
        let broken = SEED.text.replace("on: NODE1", "on: NODE3");
        let mut state = State::seed();
        state.apply(Action::Edit(broken.clone()));
        let revision = state.revision;
        assert!(state.apply(Action::Analyze { revision }));
        assert!(!state.is_stale());
        assert!(state.analysis.cluster.is_none());
        assert!(state.analysis.plan.is_none());
        assert!(state.analysis.fingerprint.is_none());
        let error = state
            .analysis
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "unknown-node")
            .expect("unknown-node reported");
        let line = broken.lines().position(|line| line.contains("on: NODE3")).unwrap() + 1;
        assert_eq!(error.line as usize, line);
        assert_eq!(state.counts().0, 1);
        assert!(!state.apply(Action::Analyze { revision }), "analysing twice is no change");
    }

    #[test]
    fn an_analysis_for_an_older_revision_is_ignored() {
        let mut state = State::seed();
        state.apply(Action::Edit("format: 1\n".to_owned()));
        let first = state.revision;
        state.apply(Action::Edit("format: 1\ncluster: X\n".to_owned()));
        assert!(!state.apply(Action::Analyze { revision: first }), "typing continued: this debounce was cancelled");
        assert!(state.is_stale());
        assert!(state.apply(Action::Analyze { revision: state.revision }));
        assert_eq!(state.analysis.revision, state.revision);
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
        assert_eq!(state.example, Some(SEED.name));
        assert!(state.analysis.plan.is_some());
    }

    #[test]
    fn empty_text_is_an_error_not_a_panic() {
        let mut state = State::seed();
        type_and_pause(&mut state, "");
        assert!(state.analysis.cluster.is_none());
        assert!(state.counts().0 > 0);
        assert_eq!(state.current_step(), None);
    }

    #[test]
    fn loads_examples_at_once_and_ignores_unknown_names() {
        let four = four();
        let mut state = State::seed();
        assert!(state.apply(Action::LoadExample(four.name.to_owned())));
        assert_eq!(&*state.text, four.text);
        assert!(!state.is_stale(), "no debounce for a picked example");
        assert_eq!(state.analysis.cluster.as_ref().map(|cluster| cluster.nodes().len()), Some(4));
        let before = state.clone();
        assert!(!state.apply(Action::LoadExample("no-such.yaml".to_owned())));
        assert_eq!(state, before);
    }

    #[test]
    fn picking_the_shown_example_while_typing_analyses_it() {
        let mut state = State::seed();
        state.apply(Action::Edit(format!("{}# note\n", SEED.text)));
        state.apply(Action::Edit(SEED.text.to_owned()));
        assert!(state.is_stale());
        assert!(state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert!(!state.is_stale());
    }

    #[test]
    fn opening_a_file_analyses_it_at_once_with_detected_syntax() {
        let toml = include_str!("../../../tests/cases/seed.toml");
        let mut state = State::seed();
        assert!(state.apply(Action::Open { name: "seed.toml".to_owned(), text: toml.to_owned() }));
        assert_eq!(&*state.text, toml);
        assert_eq!(state.example, None);
        assert_eq!(state.file.as_deref(), Some("seed.toml"));
        assert!(!state.is_stale());
        assert_eq!(state.analysis.syntax, Syntax::Toml);
        assert!(state.analysis.plan.is_some(), "{:?}", state.analysis.diagnostics);

        // Edited, it is still that file's text; an example replaces it.
        type_and_pause(&mut state, &format!("{toml}# edited\n"));
        assert_eq!(state.file.as_deref(), Some("seed.toml"));
        state.apply(Action::LoadExample(SEED.name.to_owned()));
        assert_eq!(state.file, None);
    }

    #[test]
    fn opening_the_same_text_from_another_file_names_that_file() {
        let mut state = State::seed();
        assert!(state.apply(Action::Open { name: "copy.yaml".to_owned(), text: SEED.text.to_owned() }));
        assert_eq!(state.file.as_deref(), Some("copy.yaml"));
        assert_eq!(state.example, Some(SEED.name), "still recognised as the example");
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
        assert_eq!(state.notice.as_deref(), Some("Could not open big.yaml: it is larger than 1 MiB"));
        assert_eq!(&*state.text, SEED.text, "the text is kept");
        state.apply(Action::Edit(String::new()));
        assert_eq!(state.notice, None);
    }

    #[test]
    fn revealing_a_diagnostic_asks_for_its_location_every_time() {
        let mut state = State::seed();
        type_and_pause(&mut state, &SEED.text.replace("on: NODE1", "on: NODE3"));
        let diagnostic = state.analysis.diagnostics[0].clone();
        assert!(state.apply(Action::RevealDiagnostic(0)));
        let first = state.reveal.expect("a reveal request");
        assert_eq!(
            (first.line, first.column, first.end_line, first.end_column),
            (diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
        );
        assert!(state.apply(Action::RevealDiagnostic(0)));
        assert_ne!(state.reveal.unwrap().serial, first.serial, "a second click moves the cursor again");
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
        let steps = state.analysis.plan.as_ref().unwrap().steps.len();
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
        assert_eq!(state.progress.plans().count(), 2);
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
        assert_eq!(state.selected, Some(3));
        assert!(!state.apply(Action::Select(3)), "already selected");
        assert!(!state.apply(Action::Select(99)), "no such step");
        assert_eq!(state.selected, Some(3));

        // The same plan (a comment added) keeps the selection...
        type_and_pause(&mut state, &format!("# note\n{}", SEED.text));
        assert_eq!(state.selected, Some(3));
        // ... another plan drops it.
        state.apply(Action::LoadExample(four().name.to_owned()));
        assert_eq!(state.selected, None);
    }

    #[test]
    fn ticking_the_selected_step_lets_the_highlight_move_on() {
        let mut state = State::seed();
        state.apply(Action::Select(0));
        state.apply(Action::SetDone { step: 1, done: true });
        assert_eq!(state.selected, Some(0), "ticking another step keeps the selection");
        state.apply(Action::SetDone { step: 0, done: true });
        assert_eq!(state.selected, None);
        assert_eq!(state.current_step(), Some(2));
        state.apply(Action::Select(1));
        state.apply(Action::SetDone { step: 1, done: false });
        assert_eq!(state.selected, Some(1), "unticking keeps it");
    }

    #[test]
    fn selection_survives_typing_until_the_analysis_changes_the_plan() {
        let mut state = State::seed();
        state.apply(Action::Select(2));
        state.apply(Action::Edit("format: 1\n".to_owned()));
        assert_eq!(state.selected, Some(2), "the shown plan is still the old one");
        let revision = state.revision;
        state.apply(Action::Analyze { revision });
        assert_eq!(state.selected, None);
    }

    #[test]
    fn importing_progress_puts_each_plans_ticks_or_says_why_not() {
        let mut state = State::seed();
        let fingerprint = state.analysis.fingerprint.clone().unwrap();
        let file = format!(r#"{{"kind":"rollplan-progress","version":1,"plans":{{"{fingerprint}":[1,2]}}}}"#);
        assert!(state.apply(Action::ImportProgress { name: "p.json".to_owned(), text: file }));
        assert_eq!(*state.done(), BTreeSet::from([1, 2]));
        assert_eq!(state.import_message.as_deref(), Some("Imported the progress of 1 plan from p.json."));
        assert!(state.apply(Action::ImportProgress { name: "bad.json".to_owned(), text: "{".to_owned() }));
        assert!(state.import_message.as_deref().unwrap().starts_with("Could not import bad.json: It is not JSON"));
        assert_eq!(*state.done(), BTreeSet::from([1, 2]), "a bad file changes nothing");
    }

    #[test]
    fn storage_problems_are_said_once_and_dismissed() {
        let mut state = State::seed();
        assert!(state.apply(Action::StorageFailed));
        assert!(!state.apply(Action::StorageFailed));
        assert!(state.apply(Action::DismissStorageNotice));
        assert!(state.memory_only && state.memory_notice_dismissed);
        let kept = Action::KeptAside { key: "k".to_owned(), kept: "k-unreadable-1".to_owned() };
        assert!(state.apply(kept));
        assert_eq!(state.kept_aside.len(), 1);
        assert!(state.apply(Action::DismissKeptAside));
        assert!(!state.apply(Action::DismissKeptAside));
    }

    #[test]
    fn another_tabs_ticks_are_shown() {
        let mut state = State::seed();
        let fingerprint = state.analysis.fingerprint.as_deref().unwrap().to_owned();
        let steps = BTreeSet::from([0, 1]);
        assert!(state.apply(Action::ProgressSynced { fingerprint: fingerprint.clone(), steps: steps.clone() }));
        assert!(!state.apply(Action::ProgressSynced { fingerprint, steps }));
        assert_eq!(state.current_step(), Some(2));
    }
}
