//! Hooks: where the app touches the browser beyond rendering.
//!
//! The description is kept in `localStorage`, so a reload (or a closed tab)
//! does not lose the user's work; a first visit starts from the seed example.
//! Storage goes through `web-sys` directly: two calls do not justify another
//! crate. Storage can be missing or refuse writes (private windows, quota,
//! disabled cookies): then the app still works, it just does not remember.

use yew::prelude::*;

use crate::state::{SEED, State};

/// The `localStorage` key the description is saved under.
pub const STORAGE_KEY: &str = "rollplan.description";

/// The app's state, restored from storage on mount and saved after each change of text.
#[hook]
pub fn use_app_state() -> UseReducerHandle<State> {
    let state = use_reducer(|| load().map_or_else(State::seed, |text| State::with_text(&text)));
    use_effect_with(state.text.clone(), |text| save(text));
    state
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved description, if any.
pub fn load() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok()?
}

/// Saves the description; a storage that refuses is ignored (see the module docs).
///
/// The untouched seed is not saved but forgotten, so that a visitor who never
/// edited it sees the current seed after the app is updated.
fn save(text: &str) {
    if let Some(storage) = storage() {
        let _ = if text == SEED.text {
            storage.remove_item(STORAGE_KEY)
        } else {
            storage.set_item(STORAGE_KEY, text)
        };
    }
}
