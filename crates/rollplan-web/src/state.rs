//! The app's state and its transitions, as plain Rust.
//!
//! No Yew, no browser: every change the user can make is an [`Action`], and
//! [`State::apply`] is the only place state changes, so the transitions are
//! unit-tested natively (`cargo test -p rollplan-web`). The Yew adapter
//! (`reducer.rs`) and the components only forward actions and render state.

use std::rc::Rc;

use rollplan_core::{Cluster, Diagnostic, Severity, Syntax, Validation};

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
    Example {
        name: "exchange-four-node.yaml",
        text: include_str!("../../../tests/examples/exchange-four-node.yaml"),
    },
];

/// The description a first visit starts with.
pub const SEED: Example = EXAMPLES[0];

/// Everything the app shows: the text being edited and what the core says about it.
///
/// The core's results are behind `Rc` so that handing them to components as
/// props, and cloning the state for a transition, copies pointers, not data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    /// The description as typed.
    pub text: Rc<str>,
    /// The example `text` is, while it is unchanged.
    pub example: Option<&'static str>,
    /// The syntax `text` was read as.
    pub syntax: Syntax,
    /// Every problem in `text`, errors first; always up to date with it.
    pub diagnostics: Rc<[Diagnostic]>,
    /// The validated cluster, when `text` has no errors.
    pub cluster: Option<Rc<Cluster>>,
}

/// What can happen to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The user edited the text.
    Edit(String),
    /// The user picked an example by file name.
    LoadExample(String),
}

impl State {
    /// A state showing `text`, validated. Validation runs here, once per
    /// change of text, so rendering never validates.
    pub fn with_text(text: &str) -> Self {
        let example = EXAMPLES
            .iter()
            .find(|example| example.text == text)
            .map(|example| example.name);
        let Validation {
            syntax,
            cluster,
            diagnostics,
        } = rollplan_core::validate(text);
        State {
            text: text.into(),
            example,
            syntax,
            diagnostics: diagnostics.into(),
            cluster: cluster.map(Rc::new),
        }
    }

    /// The state of a first visit: the seed example.
    pub fn seed() -> Self {
        State::with_text(SEED.text)
    }

    /// Applies `action`; returns whether anything changed (so a view can skip re-rendering).
    pub fn apply(&mut self, action: Action) -> bool {
        let text = match &action {
            Action::Edit(text) => text.as_str(),
            Action::LoadExample(name) => match EXAMPLES.iter().find(|example| example.name == name)
            {
                Some(example) => example.text,
                // A name the menu never offers: keep what the user has.
                None => return false,
            },
        };
        if *text == *self.text {
            return false;
        }
        *self = State::with_text(text);
        true
    }

    /// Counts of (errors, warnings, infos) in the diagnostics.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |severity| {
            self.diagnostics
                .iter()
                .filter(|d| d.severity == severity)
                .count()
        };
        (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        )
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
        assert_eq!(
            files, offered,
            "add new files in tests/examples/ to EXAMPLES"
        );
    }

    #[test]
    fn every_example_is_valid() {
        for example in EXAMPLES {
            let state = State::with_text(example.text);
            assert!(
                state.cluster.is_some(),
                "{}: {:?}",
                example.name,
                state.diagnostics
            );
            assert_eq!(state.example, Some(example.name));
        }
    }

    #[test]
    fn starts_with_the_seed() {
        let state = State::default();
        assert_eq!(&*state.text, SEED.text);
        assert_eq!(state.example, Some("exchange-2003-two-node.yaml"));
        assert_eq!(state.syntax, Syntax::Yaml);
        assert_eq!(state.counts().0, 0);
        assert_eq!(state.cluster.expect("the seed is valid").nodes.len(), 2);
    }

    #[test]
    fn editing_revalidates_and_locates_errors() {
        let broken = SEED.text.replace("on: NODE1", "on: NODE3");
        let mut state = State::seed();
        assert!(state.apply(Action::Edit(broken.clone())));
        assert_eq!(&*state.text, broken);
        assert_eq!(state.example, None, "edited text no longer is the example");
        assert!(state.cluster.is_none());
        let error = state
            .diagnostics
            .iter()
            .find(|d| d.code.as_str() == "unknown-node")
            .expect("unknown-node reported");
        let line = broken
            .lines()
            .position(|line| line.contains("on: NODE3"))
            .unwrap()
            + 1;
        assert_eq!(error.line as usize, line);
        assert_eq!(state.counts().0, 1);
    }

    #[test]
    fn the_same_text_is_no_change() {
        let mut state = State::seed();
        assert!(!state.apply(Action::Edit(SEED.text.to_owned())));
        assert!(!state.apply(Action::LoadExample(SEED.name.to_owned())));
        assert_eq!(state, State::seed());
    }

    #[test]
    fn editing_back_to_an_example_recognises_it() {
        let mut state = State::seed();
        state.apply(Action::Edit(String::new()));
        state.apply(Action::Edit(SEED.text.to_owned()));
        assert_eq!(state.example, Some(SEED.name));
        assert!(state.cluster.is_some());
    }

    #[test]
    fn empty_text_is_an_error_not_a_panic() {
        let mut state = State::seed();
        state.apply(Action::Edit(String::new()));
        assert!(state.cluster.is_none());
        assert!(state.counts().0 > 0);
    }

    #[test]
    fn loads_examples_by_name_and_ignores_unknown_names() {
        let four = EXAMPLES
            .iter()
            .find(|example| example.name == "exchange-four-node.yaml")
            .unwrap();
        let mut state = State::seed();
        assert!(state.apply(Action::LoadExample(four.name.to_owned())));
        assert_eq!(&*state.text, four.text);
        assert_eq!(
            state.cluster.as_ref().map(|cluster| cluster.nodes.len()),
            Some(4)
        );
        let before = state.clone();
        assert!(!state.apply(Action::LoadExample("no-such.yaml".to_owned())));
        assert_eq!(state, before);
    }
}
