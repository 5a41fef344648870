//! `localStorage`: the description, and the ticked steps of each plan.
//!
//! Storage goes through `web-sys` directly: a few calls do not justify another
//! crate. Values are versioned records (format, migration, merging: see
//! [`crate::record`]); this file only moves them in and out of the browser:
//!
//! - every write is read back: a storage that is missing, full or refuses
//!   (private windows, disabled cookies) leaves the app working in memory, and
//!   [`Action::StorageFailed`] makes it say that progress will not survive a reload;
//! - a value that cannot be read is copied to a `…-unreadable-<n>` key before
//!   anything is written over it, and [`Action::KeptAside`] tells the user;
//! - another tab's writes arrive as `storage` events: newer progress is shown
//!   here too, and a write never replaces a newer record without merging it.
//!
//! Progress is kept under one key per plan fingerprint
//! (`rollplan.progress.<fingerprint>`), so ticking a step writes a few bytes;
//! what the ticked steps did is kept beside it (`rollplan.ticked.<fingerprint>`,
//! see [`crate::progress`]), merged by union: an index never changes meaning
//! within a plan, so two tabs cannot disagree about it.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::progress::{Progress, TickedSteps};
use crate::record::{self, Loaded, Steps, Stored};
use crate::state::{Action, SEED};

/// The key the description is saved under.
pub const STORAGE_KEY: &str = "rollplan.description";
/// The prefix of the keys progress is saved under; the plan's fingerprint follows.
pub const PROGRESS_KEY_PREFIX: &str = "rollplan.progress.";
/// The prefix of the keys what ticked steps did is saved under; the plan's fingerprint follows.
pub const TICKED_KEY_PREFIX: &str = "rollplan.ticked.";
/// Written and removed at start, to learn whether storage takes writes at all.
const PROBE_KEY: &str = "rollplan.probe";

/// What this app last read from or wrote to storage.
#[derive(Debug, Default)]
pub struct Synced {
    /// Each plan's progress as storage held it when last read or written.
    progress: RefCell<BTreeMap<String, Stored<Steps>>>,
    /// Which steps' deeds each plan's record held when last read or written
    /// (the indices only: the same map type as `progress`, no more code in the bundle).
    ticked: RefCell<BTreeMap<String, Stored<Steps>>>,
    /// The revision and text of the description last saved.
    text: RefCell<(u64, Option<String>)>,
    /// Keys not to write: their unreadable value could not be kept aside.
    frozen: RefCell<BTreeSet<String>>,
    /// Whether storage failed (then nothing more is tried).
    failed: Cell<bool>,
}

/// What was restored from storage.
#[derive(Debug, Default)]
pub struct Restored {
    pub text: Option<String>,
    pub progress: Progress,
    /// Problems to tell the user about.
    pub problems: Vec<Action>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Writes and reads back: whether `value` is now stored under `key`.
fn write(storage: &web_sys::Storage, key: &str, value: &str) -> bool {
    storage.set_item(key, value).is_ok() && storage.get_item(key).ok().flatten().as_deref() == Some(value)
}

/// The fingerprint a progress key names (not a key kept aside).
fn fingerprint_of(key: &str) -> Option<&str> {
    key.strip_prefix(PROGRESS_KEY_PREFIX).filter(|fingerprint| !fingerprint.contains('-'))
}

/// The fingerprint a key of what ticked steps did names.
fn ticked_fingerprint_of(key: &str) -> Option<&str> {
    key.strip_prefix(TICKED_KEY_PREFIX).filter(|fingerprint| !fingerprint.contains('-'))
}

impl Synced {
    fn fail(&self, problems: &mut Vec<Action>) {
        if !self.failed.replace(true) {
            problems.push(Action::StorageFailed);
        }
    }

    /// Copies the unreadable `raw` under `key` aside; if that fails, `key` is never written.
    fn keep_aside(&self, storage: &web_sys::Storage, key: &str, raw: &str, problems: &mut Vec<Action>) {
        let kept = record::unreadable_key(key, |candidate| storage.get_item(candidate).ok().flatten().is_some());
        if write(storage, &kept, raw) {
            problems.push(Action::KeptAside { key: key.to_owned(), kept });
        } else {
            self.frozen.borrow_mut().insert(key.to_owned());
            self.fail(problems);
        }
    }

    /// What a plan's ticked steps did, as stored now (an unreadable value is kept aside first).
    fn read_ticked(
        &self,
        storage: &web_sys::Storage,
        key: &str,
        problems: &mut Vec<Action>,
    ) -> Option<Stored<TickedSteps>> {
        let raw = storage.get_item(key).ok().flatten()?;
        let stored = record::decode_ticked(&raw);
        if stored.is_none() {
            self.keep_aside(storage, key, &raw, problems);
        }
        stored
    }

    /// A plan's progress as stored now (an unreadable value is kept aside first).
    fn read_steps(&self, storage: &web_sys::Storage, key: &str, problems: &mut Vec<Action>) -> Option<Stored<Steps>> {
        let raw = storage.get_item(key).ok().flatten()?;
        match record::decode_steps(&raw) {
            Loaded::Current(stored) => Some(stored),
            Loaded::Migrated(stored) => {
                // Written back as a record at once, so that no tab reads the old form again.
                let stored = Stored { revision: 1, data: stored.data };
                if !write(storage, key, &record::encode_steps(stored.revision, &stored.data)) {
                    self.fail(problems);
                }
                Some(stored)
            }
            Loaded::Unreadable => {
                self.keep_aside(storage, key, &raw, problems);
                None
            }
        }
    }
}

/// Restores the description and every plan's progress, migrating old values
/// and keeping unreadable ones aside.
pub fn restore(synced: &Synced) -> Restored {
    let mut restored = Restored::default();
    let Some(storage) = storage() else {
        synced.fail(&mut restored.problems);
        return restored;
    };
    if !write(&storage, PROBE_KEY, "1") {
        synced.fail(&mut restored.problems);
    }
    let _ = storage.remove_item(PROBE_KEY);

    if let Some(raw) = storage.get_item(STORAGE_KEY).ok().flatten() {
        match record::decode_text(&raw) {
            Loaded::Current(stored) => {
                *synced.text.borrow_mut() = (stored.revision, Some(stored.data.clone()));
                restored.text = Some(stored.data);
            }
            Loaded::Migrated(stored) => {
                if write(&storage, STORAGE_KEY, &record::encode_text(1, &stored.data)) {
                    *synced.text.borrow_mut() = (1, Some(stored.data.clone()));
                } else {
                    synced.fail(&mut restored.problems);
                }
                restored.text = Some(stored.data);
            }
            Loaded::Unreadable => synced.keep_aside(&storage, STORAGE_KEY, &raw, &mut restored.problems),
        }
    }

    let keys: Vec<String> =
        (0..storage.length().unwrap_or(0)).filter_map(|index| storage.key(index).ok().flatten()).collect();
    for key in keys {
        if let Some(fingerprint) = ticked_fingerprint_of(&key) {
            if let Some(stored) = synced.read_ticked(&storage, &key, &mut restored.problems) {
                let indices = record::set(stored.data.steps.keys().copied());
                restored.progress.remember(fingerprint, stored.data);
                synced
                    .ticked
                    .borrow_mut()
                    .insert(fingerprint.to_owned(), Stored { revision: stored.revision, data: indices });
            }
            continue;
        }
        let Some(fingerprint) = fingerprint_of(&key) else {
            continue;
        };
        if let Some(stored) = synced.read_steps(&storage, &key, &mut restored.problems) {
            restored.progress.put(fingerprint, Rc::new(stored.data.clone()));
            synced.progress.borrow_mut().insert(fingerprint.to_owned(), stored);
        }
    }
    restored
}

/// Saves the description whenever it changes (`None`: nothing to save, `State::text_to_save`).
#[hook]
pub fn use_saved_text(synced: Rc<Synced>, text: Option<Rc<str>>, dispatch: Callback<Action>) {
    use_effect_with(text, move |text| {
        let Some(text) = text else {
            return;
        };
        let mut problems = Vec::new();
        save_text(&synced, text, &mut problems);
        for action in problems {
            dispatch.emit(action);
        }
    });
}

/// Saves every plan's ticks whenever they change, merging what other tabs saved meanwhile.
#[hook]
pub fn use_saved_progress(synced: Rc<Synced>, progress: Progress, dispatch: Callback<Action>) {
    use_effect_with(progress, move |progress| {
        let mut problems = Vec::new();
        save_progress(&synced, progress, &mut problems);
        for action in problems {
            dispatch.emit(action);
        }
    });
}

/// Shows the progress other tabs save (the `storage` event fires in every other tab of the origin).
#[hook]
pub fn use_other_tabs(synced: Rc<Synced>, dispatch: Callback<Action>) {
    use_effect_with((), move |()| {
        let listener = Closure::<dyn Fn(Event)>::new(move |event: Event| {
            let Ok(event) = event.dyn_into::<web_sys::StorageEvent>() else {
                return;
            };
            let (Some(key), Some(value)) = (event.key(), event.new_value()) else {
                return;
            };
            let Some(fingerprint) = fingerprint_of(&key) else {
                return;
            };
            let Some(incoming) = record::decode_steps(&value).stored() else {
                return;
            };
            let mut known = synced.progress.borrow_mut();
            if record::is_newer(known.get(fingerprint), &incoming) {
                let steps = incoming.data.clone();
                known.insert(fingerprint.to_owned(), incoming);
                drop(known);
                dispatch.emit(Action::ProgressSynced { fingerprint: fingerprint.to_owned(), steps });
            }
        });
        let window = web_sys::window();
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = window {
                let _ = window.remove_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
            }
        }
    });
}

/// Saves the description at the next revision, read back.
///
/// The untouched seed is not saved but forgotten, so that a visitor who never
/// edited it sees the current seed after the app is updated.
fn save_text(synced: &Synced, text: &str, problems: &mut Vec<Action>) {
    if synced.failed.get() || synced.frozen.borrow().contains(STORAGE_KEY) {
        return;
    }
    let Some(storage) = storage() else {
        return synced.fail(problems);
    };
    let mut last = synced.text.borrow_mut();
    if text == SEED.text {
        if last.1.is_some() || storage.get_item(STORAGE_KEY).ok().flatten().is_some() {
            let _ = storage.remove_item(STORAGE_KEY);
            last.1 = None;
        }
        return;
    }
    if last.1.as_deref() == Some(text) {
        return;
    }
    let revision = last.0 + 1;
    if write(&storage, STORAGE_KEY, &record::encode_text(revision, text)) {
        *last = (revision, Some(text.to_owned()));
    } else {
        drop(last);
        synced.fail(problems);
    }
}

fn save_progress(synced: &Synced, progress: &Progress, problems: &mut Vec<Action>) {
    if synced.failed.get() {
        return;
    }
    let Some(storage) = storage() else {
        return synced.fail(problems);
    };
    let mut plans: BTreeSet<String> = record::set(progress.plans().map(|(fingerprint, _)| fingerprint.to_owned()));
    plans.extend(synced.progress.borrow().keys().cloned());
    for fingerprint in plans {
        let ours = progress.done(&fingerprint);
        let base = synced.progress.borrow().get(&fingerprint).cloned();
        if base.as_ref().map_or(ours.is_empty(), |base| base.data == *ours) {
            continue;
        }
        let key = format!("{PROGRESS_KEY_PREFIX}{fingerprint}");
        if synced.frozen.borrow().contains(&key) {
            continue;
        }
        let stored = synced.read_steps(&storage, &key, problems);
        let reconciled = record::reconcile(base.as_ref(), &ours, stored);
        if let Some(new) = &reconciled.write
            && !write(&storage, &key, &record::encode_steps(new.revision, &new.data))
        {
            return synced.fail(problems);
        }
        if let Some(steps) = reconciled.adopt {
            problems.push(Action::ProgressSynced { fingerprint: fingerprint.clone(), steps });
        }
        synced.progress.borrow_mut().insert(fingerprint, reconciled.known);
    }
    for (fingerprint, ours) in progress.ticked_steps() {
        // Saved already: every step ours knows is in what storage held when last read or written.
        let saved = synced
            .ticked
            .borrow()
            .get(fingerprint)
            .is_some_and(|known| ours.steps.keys().all(|index| known.data.contains(index)));
        let key = format!("{TICKED_KEY_PREFIX}{fingerprint}");
        if saved || synced.frozen.borrow().contains(&key) {
            continue;
        }
        // The union of ours and what storage holds now (another tab may have added steps).
        let stored = synced.read_ticked(&storage, &key, problems);
        if synced.frozen.borrow().contains(&key) {
            continue;
        }
        let revision = stored.as_ref().map_or(0, |stored| stored.revision) + 1;
        let mut merged = stored.map(|stored| stored.data).unwrap_or_default();
        merged.merge(ours.clone());
        if !write(&storage, &key, &record::encode_ticked(revision, &merged)) {
            return synced.fail(problems);
        }
        let indices = record::set(merged.steps.keys().copied());
        synced.ticked.borrow_mut().insert(fingerprint.to_owned(), Stored { revision, data: indices });
    }
}
