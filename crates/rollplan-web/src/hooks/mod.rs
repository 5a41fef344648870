//! Hooks: where the app touches the browser beyond rendering.
//!
//! - [`storage`]: the description and the checklist progress live in
//!   `localStorage`, so a reload or a closed tab loses nothing;
//! - [`analysis`]: the debounce that analyses the text once typing pauses;
//! - [`files`]: reading a file the user opens or drops on the page.
//!
//! Everything else in the app is plain state (`state.rs`) and rendering.

pub mod analysis;
pub mod files;
pub mod storage;

use yew::prelude::*;

use crate::state::State;

pub use storage::{PROGRESS_KEY_PREFIX, STORAGE_KEY};

/// The app's state: restored from storage on mount, saved after each change,
/// and analysed once typing pauses.
#[hook]
pub fn use_app_state() -> UseReducerHandle<State> {
    let state = use_reducer(|| State::restore(storage::load_text(), storage::load_progress()));
    storage::use_saved_text(state.text.clone());
    storage::use_saved_progress(state.analysis.fingerprint.clone(), state.done());
    analysis::use_debounced_analysis(&state);
    state
}
