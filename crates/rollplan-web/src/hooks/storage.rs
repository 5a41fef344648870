//! `localStorage`: the description, and the ticked steps of each plan.
//!
//! Storage goes through `web-sys` directly: a few calls do not justify another
//! crate. Storage can be missing or refuse writes (private windows, quota,
//! disabled cookies): then the app still works, it just does not remember.
//!
//! Progress is kept under one key per plan fingerprint
//! (`rollplan.progress.<fingerprint>` = `"0 3 4"`, see [`crate::progress`]),
//! so ticking a step writes a few bytes, and a plan with nothing ticked has no key.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use crate::progress::{self, Progress};
use crate::state::SEED;

/// The key the description is saved under.
pub const STORAGE_KEY: &str = "rollplan.description";
/// The prefix of the keys progress is saved under; the plan's fingerprint follows.
pub const PROGRESS_KEY_PREFIX: &str = "rollplan.progress.";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved description, if any.
pub fn load_text() -> Option<String> {
    storage()?.get_item(STORAGE_KEY).ok()?
}

/// Every plan's saved progress.
pub fn load_progress() -> Progress {
    let mut loaded = Progress::default();
    let Some(storage) = storage() else {
        return loaded;
    };
    let count = storage.length().unwrap_or(0);
    for index in 0..count {
        let Some(key) = storage.key(index).ok().flatten() else {
            continue;
        };
        let Some(fingerprint) = key.strip_prefix(PROGRESS_KEY_PREFIX) else {
            continue;
        };
        if let Some(value) = storage.get_item(&key).ok().flatten() {
            loaded.put(fingerprint, Rc::new(progress::decode(&value)));
        }
    }
    loaded
}

/// Saves the description whenever it changes.
#[hook]
pub fn use_saved_text(text: Rc<str>) {
    use_effect_with(text, |text| save_text(text));
}

/// Saves the shown plan's ticks whenever they change.
#[hook]
pub fn use_saved_progress(fingerprint: Option<Rc<str>>, done: Rc<BTreeSet<usize>>) {
    use_effect_with((fingerprint, done), |(fingerprint, done)| {
        if let Some(fingerprint) = fingerprint {
            save_progress(fingerprint, done);
        }
    });
}

/// Saves the description; a storage that refuses is ignored (see the module docs).
///
/// The untouched seed is not saved but forgotten, so that a visitor who never
/// edited it sees the current seed after the app is updated.
fn save_text(text: &str) {
    if let Some(storage) = storage() {
        let _ = if text == SEED.text { storage.remove_item(STORAGE_KEY) } else { storage.set_item(STORAGE_KEY, text) };
    }
}

fn save_progress(fingerprint: &str, done: &BTreeSet<usize>) {
    if let Some(storage) = storage() {
        let key = format!("{PROGRESS_KEY_PREFIX}{fingerprint}");
        let _ =
            if done.is_empty() { storage.remove_item(&key) } else { storage.set_item(&key, &progress::encode(done)) };
    }
}
