//! Hooks: where the app touches the browser beyond rendering.
//!
//! - [`storage`]: the description and the checklist progress live in
//!   `localStorage`, so a reload or a closed tab loses nothing;
//! - [`analysis`]: the debounce that analyses the text once typing pauses;
//! - [`files`]: reading a file the user opens or drops on the page;
//! - [`link`]: plan links in the address bar;
//! - [`export`]: the clipboard, downloads and printing;
//! - [`offline`]: registering the service worker of a `cargo xtask dist` bundle;
//! - [`style`]: data-dependent styles through the CSSOM (the CSP forbids `style` attributes).
//!
//! Everything else in the app is plain state (`state.rs`) and rendering.

pub mod analysis;
pub mod export;
pub mod files;
pub mod link;
pub mod offline;
pub mod storage;
pub mod style;

use yew::prelude::*;

use crate::state::{Action, State};

pub use storage::{PROGRESS_KEY_PREFIX, STORAGE_KEY};

/// The app's state: restored from storage on mount (with the plan link in the
/// address, if any, already open), saved after each change, analysed once
/// typing pauses, and followed by the address bar.
#[hook]
pub fn use_app_state() -> UseReducerHandle<State> {
    let state = use_reducer(|| {
        let mut state = State::restore(storage::load_text(), storage::load_progress());
        if let Some(link) = link::opened_with() {
            state.apply(Action::OpenLink(link));
        }
        state
    });
    // The user's own description: while a shared plan is shown, not the text shown.
    storage::use_saved_text(state.own_text());
    storage::use_saved_progress(state.analysis.fingerprint.clone(), state.done());
    analysis::use_debounced_analysis(&state);
    link::use_address_bar(&state);
    offline::use_service_worker();
    state
}
