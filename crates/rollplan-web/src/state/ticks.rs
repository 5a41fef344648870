//! The checklist's ticks: which steps of which plan are done, "Untick all"
//! and its undo, progress files, and ticks carried over from the plan an
//! earlier release of rollplan made of the same description
//! ([`crate::progress`] has the data and why).

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use rollplan_core::plan::Plan;

use super::document::Document;
use crate::progress::{CarriedOver, Progress, TickedStep, TickedSteps};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ticks {
    /// Done steps, per plan fingerprint.
    pub progress: Progress,
    /// The ticks "Untick all" removed, until the next change of progress: for its undo.
    pub unticked: Option<Unticked>,
    /// What the last progress import did, or why it failed.
    pub import_message: Option<Rc<str>>,
    /// Ticks an earlier release of rollplan saved under its plan of this
    /// description, carried over to the plan shown (until dismissed or the plan changes).
    pub carried: Option<Rc<CarriedOver>>,
}

/// What "Untick all" removed from a plan: its steps' ticks, and those of its pre-flight list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unticked {
    /// The plan's fingerprint.
    pub plan: Rc<str>,
    steps: Rc<BTreeSet<usize>>,
    /// The pre-flight list's key and its ticks.
    preflight: Option<(Rc<str>, Rc<BTreeSet<usize>>)>,
}

impl Ticks {
    pub fn new(progress: Progress) -> Self {
        Ticks { progress, ..Ticks::default() }
    }

    /// The done steps of the plan shown in `document` (empty when there is none).
    pub fn done(&self, document: &Document) -> Rc<BTreeSet<usize>> {
        self.progress.done(document.analysis.fingerprint.as_deref().unwrap_or_default())
    }

    /// Ticks or unticks a step of the plan shown.
    pub fn set_done(&mut self, document: &Document, step: usize, done: bool) -> bool {
        let (Some(fingerprint), Some(plan)) = (&document.analysis.fingerprint, &document.analysis.plan) else {
            return false;
        };
        if step >= plan.steps.len() || !self.progress.set(fingerprint, step, done) {
            return false;
        }
        if done {
            self.remember_steps(document, &[step]);
        }
        self.unticked = None;
        true
    }

    /// The ticked pre-flight checks of the plan shown (kept under the
    /// list's own key: they belong to the cluster and the checks, not to a
    /// release's plan, so an update of rollplan keeps them).
    pub fn preflight_done(&self, document: &Document) -> Rc<BTreeSet<usize>> {
        self.progress.done(document.analysis.preflight.as_ref().map_or("", |list| &*list.key))
    }

    /// Ticks or unticks a pre-flight check of the plan shown.
    pub fn set_preflight_done(&mut self, document: &Document, check: usize, done: bool) -> bool {
        let Some(list) = &document.analysis.preflight else {
            return false;
        };
        if check >= list.checks.len() || !self.progress.set(&list.key, check, done) {
            return false;
        }
        self.unticked = None;
        true
    }

    /// Unticks every step and pre-flight check of the plan shown, keeping them for [`Ticks::undo_clear`].
    pub fn clear(&mut self, document: &Document) -> bool {
        let Some(fingerprint) = document.analysis.fingerprint.clone() else {
            return false;
        };
        let steps = self.progress.done(&fingerprint);
        let preflight = document.analysis.preflight.as_ref().map(|list| list.key.clone());
        let preflight = preflight.map(|key| {
            let ticked = self.progress.done(&key);
            (key, ticked)
        });
        let cleared_steps = self.progress.clear(&fingerprint);
        let cleared_preflight = preflight.as_ref().is_some_and(|(key, _)| self.progress.clear(key));
        if !cleared_steps && !cleared_preflight {
            return false;
        }
        self.unticked = Some(Unticked { plan: fingerprint, steps, preflight });
        // It said the carried steps are ticked here: no longer true.
        self.carried = None;
        true
    }

    /// Puts back the ticks the last [`Ticks::clear`] removed.
    pub fn undo_clear(&mut self) -> bool {
        match self.unticked.take() {
            Some(Unticked { plan, steps, preflight }) => {
                self.progress.put(&plan, steps);
                if let Some((key, ticked)) = preflight {
                    self.progress.put(&key, ticked);
                }
                true
            }
            None => false,
        }
    }

    /// Another tab (or a merge with its changes) set a plan's ticks.
    pub fn synced(&mut self, fingerprint: &str, steps: BTreeSet<usize>) -> bool {
        if *self.progress.done(fingerprint) == steps {
            return false;
        }
        self.progress.put(fingerprint, Rc::new(steps));
        true
    }

    /// Imports a progress file; ticks it brings for an earlier release's plan
    /// of the description shown are carried over as after an update.
    pub fn import(&mut self, document: &Document, name: &str, text: &str) -> bool {
        let message = match crate::record::import_progress(text) {
            Ok(file) => {
                let count = file.plans.len();
                for (fingerprint, steps) in file.plans {
                    self.progress.put(&fingerprint, Rc::new(steps));
                }
                for (fingerprint, known) in file.ticked {
                    self.progress.remember(&fingerprint, known);
                }
                self.unticked = None;
                self.on_new_plan(document);
                format!("Imported the progress of {} from {name}.", crate::wording::plural(count, "plan", "plans"))
            }
            Err(error) => format!("Could not import {name}: {error}"),
        };
        self.import_message = Some(message.into());
        true
    }

    /// A progress file could not be read.
    pub fn import_failed(&mut self, name: &str, reason: &str) -> bool {
        self.import_message = Some(format!("Could not import {name}: {reason}").into());
        true
    }

    /// Keeps what the plan shown's ticked steps did (so that a later release
    /// can find them), and, when the plan has never had ticks, takes over
    /// those an earlier release saved under its own plan of this description.
    pub fn on_new_plan(&mut self, document: &Document) {
        self.carried = None;
        let analysis = &document.analysis;
        let (Some(fingerprint), Some(plan), Some(cluster)) = (&analysis.fingerprint, &analysis.plan, &analysis.cluster)
        else {
            return;
        };
        let done = self.progress.done(fingerprint);
        if !done.is_empty() {
            // Ticked before what steps did was kept beside them: keep it now.
            let known = self.progress.ticked_steps_of(fingerprint);
            let unknown: Vec<usize> =
                done.iter().copied().filter(|step| known.is_none_or(|known| !known.steps.contains_key(step))).collect();
            if !unknown.is_empty() {
                self.remember_steps(document, &unknown);
            }
            return;
        }
        // The cheap checks first: most new plans (every edit that changes the
        // plan makes one) have no earlier plan to take ticks from.
        if self.progress.ticked_steps_of(fingerprint).is_some() || self.progress.plans().next().is_none() {
            return;
        }
        let description = rollplan_core::description_fingerprint(cluster);
        if !self.progress.has_other_plans_of(fingerprint, &description) {
            return;
        }
        let keys: Vec<String> = plan.steps.iter().map(|step| step.key(cluster)).collect();
        if let Some(carried) = self.progress.carry_over(fingerprint, &description, &keys) {
            self.progress.put(fingerprint, Rc::new(carried.steps.clone()));
            // Recorded even when nothing matched: this plan has now had its turn.
            let known = ticked_steps(plan, &carried.steps, description.into(), Some(carried.from.clone()), |index| {
                keys.get(index).cloned().unwrap_or_default()
            });
            self.progress.remember(fingerprint, known);
            self.carried = Some(Rc::new(carried));
        }
    }

    /// Hides the notice about carried-over ticks.
    pub fn dismiss_carried(&mut self) -> bool {
        self.carried.take().is_some()
    }

    /// Remembers what these steps of the plan shown do, beside its ticks.
    fn remember_steps(&mut self, document: &Document, steps: &[usize]) {
        let analysis = &document.analysis;
        let (Some(fingerprint), Some(plan), Some(cluster)) = (&analysis.fingerprint, &analysis.plan, &analysis.cluster)
        else {
            return;
        };
        // The description's fingerprint is known once the plan has a record (a hash saved per tick).
        let description = match self.progress.ticked_steps_of(fingerprint) {
            Some(known) if !known.description.is_empty() => known.description.clone(),
            _ => rollplan_core::description_fingerprint(cluster).into(),
        };
        let known = ticked_steps(plan, steps, description, None, |index| {
            plan.steps.get(index).map(|step| step.key(cluster)).unwrap_or_default()
        });
        self.progress.remember(fingerprint, known);
    }
}

/// The record of what `steps` of `plan` do (`key` names the step at an index),
/// to keep beside their ticks; `carried_from`, the plan they were taken over from.
fn ticked_steps<'s>(
    plan: &Plan,
    steps: impl IntoIterator<Item = &'s usize>,
    description: Rc<str>,
    carried_from: Option<Rc<str>>,
    key: impl Fn(usize) -> String,
) -> TickedSteps {
    let mut known = TickedSteps { description, carried_from, steps: BTreeMap::new() };
    // Inserted one by one: `collect()` would add a sort for this element type to the bundle.
    for &index in steps {
        if let Some(step) = plan.steps.get(index) {
            known.steps.insert(index, TickedStep { key: key(index).into(), title: step.title.as_str().into() });
        }
    }
    known
}
