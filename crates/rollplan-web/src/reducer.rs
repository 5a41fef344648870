//! The one place Yew meets the state: [`State`] as a Yew reducer.
//!
//! Kept apart from `state/` so the state stays plain Rust. Returning the
//! same `Rc` for an action that changes nothing tells Yew to skip re-rendering.

use std::rc::Rc;

use yew::Reducible;

use crate::state::{Action, State};

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Cloning the state copies a few `Rc`s, not the text or the diagnostics.
        let mut next = (*self).clone();
        if next.apply(action) { Rc::new(next) } else { self }
    }
}
