//! Which checklist steps are done, per plan.
//!
//! Progress belongs to a plan, not to the text that produced it: the plan's
//! fingerprint (from the core) names it, so reformatting the description or
//! switching to another example and back keeps the ticks, while any change
//! that changes the plan starts a fresh checklist. Steps are 0-based indices
//! into the plan's steps; a fingerprint fixes the plan, so indices are stable.
//!
//! Plain data; how it is stored (versioned records, merged between tabs) and
//! exported is [`crate::record`]'s business.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Done steps for every plan the user has ticked something in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    by_plan: BTreeMap<Rc<str>, Rc<BTreeSet<usize>>>,
}

/// The done steps of a plan nothing was ticked in.
fn no_steps() -> Rc<BTreeSet<usize>> {
    thread_local! {
        static EMPTY: Rc<BTreeSet<usize>> = Rc::default();
    }
    EMPTY.with(Rc::clone)
}

impl Progress {
    /// The done steps of the plan with this fingerprint (shared: cheap to hand to a view).
    pub fn done(&self, fingerprint: &str) -> Rc<BTreeSet<usize>> {
        self.by_plan.get(fingerprint).cloned().unwrap_or_else(no_steps)
    }

    /// Marks `step` done or not done; returns whether that changed anything.
    pub fn set(&mut self, fingerprint: &str, step: usize, done: bool) -> bool {
        let mut steps = self.done(fingerprint);
        let changed = if done { Rc::make_mut(&mut steps).insert(step) } else { Rc::make_mut(&mut steps).remove(&step) };
        if changed {
            self.put(fingerprint, steps);
        }
        changed
    }

    /// Forgets every tick of one plan; returns whether there were any.
    pub fn clear(&mut self, fingerprint: &str) -> bool {
        self.by_plan.remove(fingerprint).is_some()
    }

    /// Sets the done steps of one plan wholesale (as loaded from storage).
    pub fn put(&mut self, fingerprint: &str, steps: Rc<BTreeSet<usize>>) {
        if steps.is_empty() {
            self.by_plan.remove(fingerprint);
        } else {
            self.by_plan.insert(fingerprint.into(), steps);
        }
    }

    /// Every plan with ticks, for tests and storage.
    pub fn plans(&self) -> impl Iterator<Item = (&str, &BTreeSet<usize>)> {
        self.by_plan.iter().map(|(key, steps)| (&**key, &**steps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_kept_per_plan() {
        let mut progress = Progress::default();
        assert!(progress.set("aaaa", 0, true));
        assert!(progress.set("aaaa", 3, true));
        assert!(progress.set("bbbb", 1, true));
        assert!(!progress.set("aaaa", 3, true), "ticking twice is no change");
        assert_eq!(*progress.done("aaaa"), BTreeSet::from([0, 3]));
        assert_eq!(*progress.done("bbbb"), BTreeSet::from([1]));
        assert!(progress.done("cccc").is_empty());
    }

    #[test]
    fn unticking_the_last_step_forgets_the_plan() {
        let mut progress = Progress::default();
        progress.set("aaaa", 2, true);
        assert!(progress.set("aaaa", 2, false));
        assert!(!progress.set("aaaa", 2, false));
        assert_eq!(progress.plans().count(), 0);
    }

    #[test]
    fn clearing_forgets_one_plan() {
        let mut progress = Progress::default();
        progress.set("aaaa", 2, true);
        progress.set("bbbb", 2, true);
        assert!(progress.clear("aaaa"));
        assert!(!progress.clear("aaaa"));
        assert_eq!(progress.plans().map(|(plan, _)| plan).collect::<Vec<_>>(), ["bbbb"]);
    }
}
