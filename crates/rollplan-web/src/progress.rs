//! Which checklist steps are done, per plan.
//!
//! Progress belongs to a plan, not to the text that produced it: the plan's
//! fingerprint (from the core) names it, so reformatting the description or
//! switching to another example and back keeps the ticks, while any change
//! that changes the plan starts a fresh checklist. Steps are 0-based indices
//! into the plan's steps; a fingerprint fixes the plan, so indices are stable.
//!
//! A new release of rollplan may plan the same cluster differently, and its
//! plan then has another fingerprint. So that an update in the middle of a
//! maintenance hides no tick, each ticked step's [`TickedStep`] (what it did,
//! by the core's `Step::key`, and its title) is kept beside the ticks, with
//! the description's own fingerprint: [`Progress::carry_over`] finds the
//! ticks of another plan of the same description and matches them step by
//! step, and names the ticked steps the new plan no longer has.
//!
//! Plain data; how it is stored (versioned records, merged between tabs) and
//! exported is [`crate::record`]'s business.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Done steps for every plan the user has ticked something in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    by_plan: BTreeMap<Rc<str>, Rc<BTreeSet<usize>>>,
    /// What the ticked steps of each plan did, by plan fingerprint.
    ticked: BTreeMap<Rc<str>, Rc<TickedSteps>>,
}

/// What a plan's ticked steps did: enough to find them in another plan of the same description.
///
/// A plan that has one has had its own ticks (or has taken over another's):
/// it never takes over ticks again, so what the user unticks stays unticked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickedSteps {
    /// The description's fingerprint (the core's `description_fingerprint`).
    pub description: Rc<str>,
    /// The plan whose ticks this one took over, if it did: that plan's ticks
    /// are older than these, so no later plan takes them over instead.
    pub carried_from: Option<Rc<str>>,
    /// Step index → what the step did. Only grows: a fingerprint fixes its plan, so an index never changes meaning.
    pub steps: BTreeMap<usize, TickedStep>,
}

impl TickedSteps {
    /// Takes in what `other` knows that this does not (a step index never
    /// changes meaning within a plan, so nothing known is replaced); returns
    /// whether anything was new.
    pub fn merge(&mut self, other: TickedSteps) -> bool {
        let mut changed = false;
        if self.description.is_empty() && !other.description.is_empty() {
            self.description = other.description;
            changed = true;
        }
        if self.carried_from.is_none() && other.carried_from.is_some() {
            self.carried_from = other.carried_from;
            changed = true;
        }
        for (index, step) in other.steps {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.steps.entry(index) {
                slot.insert(step);
                changed = true;
            }
        }
        changed
    }
}

/// One step of a plan, as [`TickedSteps`] remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TickedStep {
    /// The core's `Step::key`: what the step does, in names.
    pub key: Rc<str>,
    /// The step's title, to name it if a later plan no longer has it.
    pub title: Rc<str>,
}

/// Ticks found under another plan of the same description, matched to the plan shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedOver {
    /// The plan the ticks were saved under.
    pub from: Rc<str>,
    /// The steps of the plan shown that were ticked there.
    pub steps: BTreeSet<usize>,
    /// The titles of the steps ticked there that the plan shown does not have, in their order there.
    pub missing: Vec<Rc<str>>,
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

    /// What the ticked steps of every plan did, for storage.
    pub fn ticked_steps(&self) -> impl Iterator<Item = (&str, &TickedSteps)> {
        self.ticked.iter().map(|(key, steps)| (&**key, &**steps))
    }

    /// What the ticked steps of one plan did.
    pub fn ticked_steps_of(&self, fingerprint: &str) -> Option<&TickedSteps> {
        self.ticked.get(fingerprint).map(|steps| &**steps)
    }

    /// Remembers what the steps of one plan did (merged with what is known: it only grows);
    /// returns whether anything was new.
    pub fn remember(&mut self, fingerprint: &str, known: TickedSteps) -> bool {
        let new = !self.ticked.contains_key(fingerprint);
        Rc::make_mut(self.ticked.entry(fingerprint.into()).or_default()).merge(known) || new
    }

    /// Whether some other plan of `description` has ticks and knows what they did.
    pub fn has_other_plans_of(&self, fingerprint: &str, description: &str) -> bool {
        self.candidates(fingerprint, description).next().is_some()
    }

    /// The plans of `description` other than `fingerprint` whose ticks may be taken over:
    /// with ticks, knowing what they did, and not taken over by another such plan already.
    fn candidates<'p>(
        &'p self,
        fingerprint: &'p str,
        description: &'p str,
    ) -> impl Iterator<Item = (&'p Rc<str>, &'p Rc<BTreeSet<usize>>, &'p TickedSteps)> {
        let of_description = move |other: &str| {
            self.ticked.get(other).filter(|known| &*known.description == description && other != fingerprint)
        };
        let superseded = move |other: &Rc<str>| {
            self.ticked
                .iter()
                .any(|(plan, known)| known.carried_from.as_ref() == Some(other) && of_description(plan).is_some())
        };
        self.by_plan.iter().filter_map(move |(other, ticked)| {
            let known = of_description(other)?;
            (!superseded(other)).then_some((other, ticked, &**known))
        })
    }

    /// The ticks of another plan of `description`, matched to `keys` (what
    /// each step of the plan `fingerprint` does), when that plan has never had
    /// ticks of its own. The plan taken over from is the newest (one no other
    /// took over from), and among several such the one with the most ticks.
    pub fn carry_over(&self, fingerprint: &str, description: &str, keys: &[String]) -> Option<CarriedOver> {
        if !self.done(fingerprint).is_empty() || self.ticked.contains_key(fingerprint) {
            return None;
        }
        let (from, ticked, known) = self
            .candidates(fingerprint, description)
            .max_by_key(|(other, ticked, _)| (ticked.len(), std::cmp::Reverse(*other)))?;
        // Each step of the plan shown, by what it does; a key that appears twice is matched in order.
        let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, key) in keys.iter().enumerate().rev() {
            by_key.entry(key.as_str()).or_default().push(index);
        }
        let mut steps = BTreeSet::new();
        let mut missing = Vec::new();
        for index in ticked.iter() {
            let Some(step) = known.steps.get(index) else {
                missing.push(Rc::from(format!("step {} of the earlier plan", index + 1)));
                continue;
            };
            match by_key.get_mut(&*step.key).and_then(Vec::pop) {
                Some(found) => {
                    steps.insert(found);
                }
                None => missing.push(step.title.clone()),
            }
        }
        Some(CarriedOver { from: from.clone(), steps, missing })
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

    fn step(key: &str, title: &str) -> TickedStep {
        TickedStep { key: key.into(), title: title.into() }
    }

    fn known(description: &str, steps: &[(usize, &str)]) -> TickedSteps {
        TickedSteps {
            description: description.into(),
            carried_from: None,
            steps: steps.iter().map(|&(index, key)| (index, step(key, &format!("Title of {key}")))).collect(),
        }
    }

    #[test]
    fn ticks_of_an_earlier_plan_of_the_description_are_matched_step_by_step() {
        let mut progress = Progress::default();
        for index in [0, 1, 2] {
            progress.set("old", index, true);
        }
        progress.remember("old", known("desc", &[(0, "move a"), (1, "pause n1"), (2, "drain n1 x")]));
        // The new plan moves a first too, pauses n1 later, and drains n1 differently.
        let keys = ["move a", "upgrade n2", "pause n1", "drain n1 y"].map(String::from);
        let carried = progress.carry_over("new", "desc", &keys).expect("the earlier plan's ticks");
        assert_eq!(&*carried.from, "old");
        assert_eq!(carried.steps, BTreeSet::from([0, 2]));
        assert_eq!(carried.missing, [Rc::from("Title of drain n1 x")]);
        // Nothing is offered for another description, or to a plan with ticks of its own.
        assert_eq!(progress.carry_over("new", "other", &keys), None);
        let mut own = progress.clone();
        own.set("new", 3, true);
        assert_eq!(own.carry_over("new", "desc", &keys), None);
        // Nor to a plan that took ticks over once (and whose user unticked them since).
        let mut once = progress.clone();
        once.remember("new", TickedSteps { carried_from: Some("old".into()), ..known("desc", &[]) });
        assert_eq!(once.carry_over("new", "desc", &keys), None);
    }

    /// Release N's plan "a" had 5 ticks; release N+1's plan "b" took them over,
    /// and its user unticked all but 2; release N+2 takes over b's 2, not a's 5.
    #[test]
    fn the_newest_plan_is_taken_over_not_the_one_with_most_ticks() {
        let mut progress = Progress::default();
        for index in 0..5 {
            progress.set("a", index, true);
        }
        progress.remember("a", known("desc", &[(0, "k0"), (1, "k1"), (2, "k2"), (3, "k3"), (4, "k4")]));
        progress.set("b", 0, true);
        progress.set("b", 1, true);
        progress
            .remember("b", TickedSteps { carried_from: Some("a".into()), ..known("desc", &[(0, "k0"), (1, "k1")]) });
        let keys = ["k0", "k1", "k2", "k3", "k4"].map(String::from);
        let carried = progress.carry_over("c", "desc", &keys).unwrap();
        assert_eq!(&*carried.from, "b");
        assert_eq!(carried.steps, BTreeSet::from([0, 1]));
    }

    #[test]
    fn what_ticked_steps_did_only_grows() {
        let mut progress = Progress::default();
        assert!(progress.remember("p", known("desc", &[(0, "move a")])));
        assert!(!progress.remember("p", known("desc", &[(0, "move b")])), "an index keeps its meaning");
        assert!(progress.remember("q", known("desc", &[])), "a plan's first record, even without steps");
        assert!(progress.remember("p", known("desc", &[(4, "pause n1")])));
        let steps = progress.ticked_steps_of("p").unwrap();
        assert_eq!(steps.steps.keys().copied().collect::<Vec<_>>(), [0, 4]);
        assert_eq!(&*steps.steps[&0].key, "move a");
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
