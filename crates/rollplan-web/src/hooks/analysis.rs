//! Analysing the description once typing pauses.
//!
//! Validation and planning take microseconds for a real cluster but can take
//! much longer for a description of hundreds of nodes, and they run on the
//! page's only thread. Running them on every keystroke would make typing
//! stutter, so an edit only records the text, and the analysis runs
//! [`ANALYSIS_DELAY`] after the last keystroke. Each keystroke starts a timer
//! for its own revision; timers of earlier revisions still fire, but the
//! reducer ignores an analysis for a revision that is no longer current (see
//! `state.rs`), so no timer needs cancelling.

use std::time::Duration;

use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::state::{Action, State};

/// Long enough to stay out of the way of typing, short enough to feel live.
pub const ANALYSIS_DELAY: Duration = Duration::from_millis(200);

/// Dispatches [`Action::Analyze`] once the text has not changed for [`ANALYSIS_DELAY`].
#[hook]
pub fn use_debounced_analysis(state: &UseReducerHandle<State>) {
    let stale = state.is_stale();
    let dispatcher = state.dispatcher();
    use_effect_with(state.revision, move |&revision| {
        if stale {
            spawn_local(async move {
                sleep(ANALYSIS_DELAY).await;
                dispatcher.dispatch(Action::Analyze { revision });
            });
        }
    });
}
