//! Hooks: where the app touches the browser beyond rendering.
//!
//! - [`storage`]: the description and the checklist progress live in
//!   `localStorage`, so a reload or a closed tab loses nothing;
//! - [`analysis`]: analyses the text after each edit: in the [`analysis_worker`] where the page has
//!   one, else on the page's thread, at once when that is quick, else once typing pauses;
//! - [`files`]: reading a file the user opens or drops on the page;
//! - [`link`]: plan links in the address bar;
//! - [`export`]: the clipboard, downloads and printing;
//! - [`offline`]: registering the service worker of a `cargo xtask dist` bundle;
//! - [`style`]: data-dependent styles through the CSSOM (the CSP forbids `style` attributes);
//! - [`viewport`]: what part of a long checklist is on screen, its steps' heights, printing.
//!
//! Everything else in the app is plain state (`state/`) and rendering.

pub mod analysis;
pub mod analysis_worker;
pub mod export;
pub mod files;
pub mod link;
pub mod offline;
pub mod storage;
pub mod style;
pub mod viewport;

use yew::prelude::*;

use crate::state::{Action, State};

pub use storage::{PROGRESS_KEY_PREFIX, STORAGE_KEY};

/// The app's state: restored from storage on mount (with the plan link in the
/// address, if any, already open), saved after each change, analysed once
/// typing pauses, and followed by the address bar.
#[hook]
pub fn use_app_state() -> UseReducerHandle<State> {
    let synced = use_memo((), |()| storage::Synced::default());
    let state = use_reducer({
        let synced = synced.clone();
        move || {
            let restored = storage::restore(&synced);
            // Where the page has an analysis worker, a large saved text is analysed there.
            let limit = analysis_worker::page_has_one().then_some(analysis_worker::ANALYSE_HERE_UP_TO);
            let mut state = State::restore_analysing_here_up_to(restored.text, restored.progress, limit);
            for problem in restored.problems {
                state.apply(problem);
            }
            if let Some(link) = link::opened_with() {
                state.apply(Action::OpenLink(link));
            }
            state
        }
    });
    let dispatch: Callback<Action> = state.dispatcher().into();
    // The user's own description: while a shared plan is shown, not the text shown.
    storage::use_saved_text(synced.clone(), state.text_to_save(), dispatch.clone());
    storage::use_saved_progress(synced.clone(), state.ticks.progress.clone(), dispatch.clone());
    storage::use_other_tabs(synced, dispatch);
    analysis::use_debounced_analysis(&state);
    link::use_address_bar(&state);
    offline::use_service_worker();
    state
}
