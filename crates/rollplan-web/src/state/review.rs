//! Comparing the plan shown with another one, for a reviewer approving a revision.
//!
//! The other plan comes from a pasted plan link (or pasted description text)
//! or a file. The core decodes, analyses and compares
//! ([`rollplan_core::compare`]); this module only keeps the other plan and the
//! result, which is recomputed whenever the plan shown changes.
//!
//! By default the plan shown is the earlier one and the other is the revision
//! (a reviewer opens the plan from the ticket and pastes the revised link);
//! [`crate::state::Action::SwapComparison`] turns that round.

use std::rc::Rc;

use rollplan_core::compare::{Comparison, compare};
use rollplan_core::plan::Plan;
use rollplan_core::{Cluster, Syntax, link};

use super::document::Document;
use crate::wording::plural;

/// The plan compared with the one shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherPlan {
    pub cluster: Rc<Cluster>,
    pub plan: Rc<Plan>,
    pub fingerprint: Rc<str>,
}

/// A comparison the user asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Where the other plan came from ("the pasted link", a file name…), for the page.
    pub source: Rc<str>,
    /// The other plan, or why there is none to compare with.
    pub other: Result<OtherPlan, Rc<str>>,
    /// Whether the plan shown is the revision (else the other plan is).
    pub shown_is_revision: bool,
    /// The comparison, from the earlier plan to the revision, when both plans exist.
    pub result: Option<Rc<Comparison>>,
}

impl Review {
    /// The plan of a pasted plan link, or of pasted description text.
    pub fn pasted(input: &str) -> Self {
        let input = input.trim();
        if input.is_empty() {
            return Review::new("the pasted link", Err("Paste a plan link first.".into()));
        }
        if link::looks_like_link(input) {
            let other = match link::decode(input) {
                Ok(text) => other_plan(&text, "the pasted link's description"),
                Err(error) => Err(format!("The pasted link cannot be opened: {error}.").into()),
            };
            Review::new("the pasted link", other)
        } else {
            Review::new("the pasted description", other_plan(input, "the pasted description"))
        }
    }

    /// The plan of a description file (or of the plan link saved in it).
    pub fn file(name: &str, text: &str) -> Self {
        let other = if link::looks_like_link(text) {
            link::decode(text)
                .map_err(|error| format!("{name} holds a plan link that cannot be opened: {error}.").into())
                .and_then(|text| other_plan(&text, name))
        } else {
            other_plan(text, name)
        };
        Review::new(name, other)
    }

    /// A file that could not be read.
    pub fn unreadable(name: &str, reason: &str) -> Self {
        Review::new(name, Err(format!("Could not open {name}: {reason}.").into()))
    }

    fn new(source: &str, other: Result<OtherPlan, Rc<str>>) -> Self {
        Review { source: source.into(), other, shown_is_revision: false, result: None }
    }

    /// The comparison with `shown` (the plan shown, if there is one).
    fn refresh(&mut self, shown: Option<(&Rc<Cluster>, &Rc<Plan>)>) {
        self.result = match (shown, &self.other) {
            (Some((cluster, plan)), Ok(other)) => {
                let shown = (&**cluster, &**plan);
                let other = (&*other.cluster, &*other.plan);
                Some(Rc::new(if self.shown_is_revision { compare(other, shown) } else { compare(shown, other) }))
            }
            _ => None,
        };
    }
}

/// The plan of `text`, or why there is none to compare with (`what` names the text).
fn other_plan(text: &str, what: &str) -> Result<OtherPlan, Rc<str>> {
    let analysis = rollplan_core::analyze(text, Syntax::detect(text));
    let errors = analysis
        .validation
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.severity == rollplan_core::Severity::Error)
        .count();
    let (Some(cluster), Some(fingerprint)) = (&analysis.validation.cluster, &analysis.fingerprint) else {
        return Err(format!(
            "{} has {}, so it has no plan to compare with.",
            capitalised(what),
            plural(errors, "error", "errors")
        )
        .into());
    };
    let Some(plan) = analysis.plan() else {
        return Err(format!(
            "{} describes {}, for which there is no safe plan to compare with.",
            capitalised(what),
            cluster.name()
        )
        .into());
    };
    Ok(OtherPlan {
        cluster: Rc::new(cluster.clone()),
        plan: Rc::new(plan.clone()),
        fingerprint: fingerprint.as_str().into(),
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
}

/// [`crate::state::Action::CompareWith`] and the other ways to ask for a comparison.
pub fn compare_with(slot: &mut Option<Rc<Review>>, document: &Document, mut review: Review) -> bool {
    review.refresh(shown_plan(document));
    let review = Some(Rc::new(review));
    if *slot == review {
        return false;
    }
    *slot = review;
    true
}

/// [`crate::state::Action::SwapComparison`].
pub fn swap_comparison(slot: &mut Option<Rc<Review>>, document: &Document) -> bool {
    let Some(review) = slot else {
        return false;
    };
    let mut review = (**review).clone();
    review.shown_is_revision = !review.shown_is_revision;
    review.refresh(shown_plan(document));
    *slot = Some(Rc::new(review));
    true
}

/// Recomputes the comparison for a new plan shown.
pub fn refresh_comparison(slot: &mut Option<Rc<Review>>, document: &Document) {
    if let Some(review) = slot {
        let mut review = (**review).clone();
        review.refresh(shown_plan(document));
        *slot = Some(Rc::new(review));
    }
}

fn shown_plan(document: &Document) -> Option<(&Rc<Cluster>, &Rc<Plan>)> {
    Some((document.analysis.cluster.as_ref()?, document.analysis.plan.as_ref()?))
}

#[cfg(test)]
mod tests {
    use rollplan_core::compare::Change;
    use rollplan_core::link::{encode, link};

    use super::*;
    use crate::state::{Action, EXAMPLES, SEED, State};

    fn four() -> &'static str {
        EXAMPLES.iter().find(|example| example.name == "exchange-four-node.yaml").unwrap().text
    }

    /// The four-node example with NODE1 declared after NODE3: the same
    /// upgrades in another order (as in the core's tests/compare.rs).
    fn reordered() -> String {
        let node1 = "  - {name: NODE1, versions: {windows: \"5.2.3790.3959\", exchange: SP1}, capacity: 1}\n";
        assert!(four().contains(node1));
        four().replace(node1, "").replace("  - {name: NODE4,", &format!("{node1}  - {{name: NODE4,"))
    }

    fn moved(comparison: &Comparison) -> Vec<(usize, usize)> {
        comparison
            .changes
            .iter()
            .filter_map(|change| match change {
                Change::Moved { from, to, .. } => Some((*from, *to)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_pasted_link_to_a_reordered_plan_shows_moved_steps() {
        let mut state = State::with_text(four());
        let revised = link("https://intranet.example/tools/rollplan/", &reordered());
        assert!(state.apply(Action::CompareWith(revised)));
        let review = state.review.clone().unwrap();
        assert_eq!(&*review.source, "the pasted link");
        let other = review.other.as_ref().expect("the revised plan");
        assert_ne!(Some(&other.fingerprint), state.document.analysis.fingerprint.as_ref());
        let result = review.result.clone().expect("compared");
        let forwards = moved(&result);
        assert!(!forwards.is_empty(), "{:#?}", result.changes);
        assert_eq!(result.before, state.document.analysis.plan.as_ref().unwrap().summary);

        // Swapped: the shown plan is the revision, so every move goes the other way.
        assert!(state.apply(Action::SwapComparison));
        let swapped = state.review.clone().unwrap();
        assert!(swapped.shown_is_revision);
        let backwards = moved(swapped.result.as_ref().unwrap());
        assert_eq!(backwards.len(), forwards.len());
        assert_eq!(swapped.result.as_ref().unwrap().after, result.before);

        assert!(state.apply(Action::CloseComparison));
        assert_eq!(state.review, None);
        assert!(!state.apply(Action::SwapComparison));
    }

    #[test]
    fn the_same_plan_is_the_same() {
        let mut state = State::with_text(four());
        state.apply(Action::CompareWith(format!("#{}", encode(four()))));
        assert!(state.review.unwrap().result.clone().unwrap().is_same());
    }

    #[test]
    fn pasted_text_and_files_are_descriptions_too() {
        let mut state = State::with_text(four());
        state.apply(Action::CompareWith(reordered()));
        let review = state.review.clone().unwrap();
        assert_eq!(&*review.source, "the pasted description");
        assert!(!moved(review.result.as_ref().unwrap()).is_empty());

        state.apply(Action::CompareWithFile { name: "revised.yaml".to_owned(), text: reordered() });
        assert_eq!(&*state.review.clone().unwrap().source, "revised.yaml");
        assert!(state.review.clone().unwrap().result.is_some());

        // A file holding a plan link (saved from a mail) is read as the link.
        state.apply(Action::CompareWithFile {
            name: "link.txt".to_owned(),
            text: format!("{}\n", link("https://x.test/", SEED.text)),
        });
        let review = state.review.clone().unwrap();
        assert_eq!(
            review.other.as_ref().unwrap().plan.steps.len(),
            State::seed().document.analysis.plan.unwrap().steps.len()
        );
    }

    #[test]
    fn nothing_to_compare_says_why() {
        let mut state = State::with_text(four());
        for (input, says) in [
            (String::new(), "Paste a plan link first."),
            ("#r1.AAAA".to_owned(), "The pasted link cannot be opened: this link is damaged"),
            ("format: 1\n".to_owned(), "The pasted description has "),
        ] {
            state.apply(Action::CompareWith(input));
            let review = state.review.clone().unwrap();
            let error = review.other.as_ref().unwrap_err();
            assert!(error.starts_with(says), "{error}");
            assert_eq!(review.result, None);
        }
        state.apply(Action::CompareFileFailed { name: "big.yaml".to_owned(), reason: "it is too big".to_owned() });
        assert_eq!(
            state.review.unwrap().other.clone().unwrap_err().as_ref(),
            "Could not open big.yaml: it is too big."
        );
    }

    #[test]
    fn a_blocked_description_has_no_plan_to_compare() {
        let blocked = SEED.text.replace("mixed_failover: warn", "mixed_failover: forbid");
        let analysis = rollplan_core::analyze(&blocked, Syntax::Yaml);
        assert!(analysis.blocked().is_some(), "{:?}", analysis.validation.diagnostics);
        let mut state = State::seed();
        state.apply(Action::CompareWith(blocked));
        let error = state.review.unwrap().other.clone().unwrap_err();
        assert!(error.contains("no safe plan"), "{error}");
    }

    #[test]
    fn the_comparison_follows_the_plan_shown() {
        let mut state = State::with_text(four());
        state.apply(Action::CompareWith(reordered()));
        assert!(!state.review.as_ref().unwrap().result.as_ref().unwrap().is_same());

        // Shown: the revision itself, so now the two are the same.
        state.apply(Action::Edit(reordered()));
        let revision = state.document.revision;
        state.apply(Action::Analyze { revision });
        assert!(state.review.as_ref().unwrap().result.as_ref().unwrap().is_same());

        // An invalid description shown: nothing to compare until it is fixed.
        state.apply(Action::Edit("format: 1\n".to_owned()));
        let revision = state.document.revision;
        state.apply(Action::Analyze { revision });
        assert!(state.review.as_ref().unwrap().result.is_none());
        assert!(state.review.as_ref().unwrap().other.is_ok(), "the other plan is kept");
    }
}
