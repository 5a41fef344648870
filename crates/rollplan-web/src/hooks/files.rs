//! Opening a description from disk: the file picker and drag-and-drop.
//!
//! A `File` is read with `Blob.text()` (a promise, awaited with
//! `wasm-bindgen-futures`, already in the bundle through Yew), which decodes
//! UTF-8. The result becomes an [`Action::Open`]; the syntax is detected from
//! the content, as for typed text. Files over the core's size limit are not
//! read at all: reading a huge file by mistake would freeze the page, and the
//! core would refuse it anyway.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::state::Action;

/// Reads files and dispatches what they hold (or why they could not be read).
#[hook]
pub fn use_file_opener(dispatch: Callback<Action>) -> Callback<File> {
    use_callback(dispatch, |file: File, dispatch| {
        let dispatch = dispatch.clone();
        spawn_local(async move {
            dispatch.emit(match read(&file).await {
                Ok(text) => Action::Open { name: file.name(), text },
                Err(reason) => Action::OpenFailed { name: file.name(), reason },
            });
        });
    })
}

/// Reads files to compare the plan shown with.
#[hook]
pub fn use_comparison_file(dispatch: Callback<Action>) -> Callback<File> {
    use_callback(dispatch, |file: File, dispatch| {
        let dispatch = dispatch.clone();
        spawn_local(async move {
            dispatch.emit(match read(&file).await {
                Ok(text) => Action::CompareWithFile { name: file.name(), text },
                Err(reason) => Action::CompareFileFailed { name: file.name(), reason },
            });
        });
    })
}

/// Reads progress files to import.
#[hook]
pub fn use_progress_import(dispatch: Callback<Action>) -> Callback<File> {
    use_callback(dispatch, |file: File, dispatch| {
        let dispatch = dispatch.clone();
        spawn_local(async move {
            dispatch.emit(match read(&file).await {
                Ok(text) => Action::ImportProgress { name: file.name(), text },
                Err(reason) => Action::ImportProgressFailed { name: file.name(), reason },
            });
        });
    })
}

/// The file's text, or why it cannot be had.
async fn read(file: &File) -> Result<String, String> {
    let limit = rollplan_core::MAX_INPUT_BYTES;
    if file.size() > f64::from(u32::try_from(limit).unwrap_or(u32::MAX)) {
        // Tenths of a MiB in integers: formatting an `f64` costs 10 KB of wasm.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let tenths = (file.size() * 10.0 / 1_048_576.0).round() as u64;
        return Err(format!(
            "it is {}.{} MiB, and descriptions are limited to {} MiB",
            tenths / 10,
            tenths % 10,
            limit / 1_048_576
        ));
    }
    match JsFuture::from(file.text()).await {
        Ok(text) => Ok(text.as_string().unwrap_or_default()),
        Err(_) => Err("the browser could not read it".to_owned()),
    }
}

/// The page as a drop target for files.
#[derive(Debug, Clone, PartialEq)]
pub struct DropZone {
    pub ondragover: Callback<DragEvent>,
    pub ondragleave: Callback<DragEvent>,
    pub ondrop: Callback<DragEvent>,
    /// Whether a file is being dragged over the page (to show where to drop it).
    pub active: bool,
}

/// Makes the page accept a dropped file and hands it to `open`.
///
/// Only drags that carry files are taken over: dragging text into the editor
/// keeps working as the browser does it.
#[hook]
pub fn use_drop_zone(open: Callback<File>) -> DropZone {
    let active = use_state_eq(|| false);
    let ondragover = {
        let active = active.clone();
        Callback::from(move |event: DragEvent| {
            if carries_files(&event) {
                // Without this the browser would open the file itself, leaving the page.
                event.prevent_default();
                active.set(true);
            }
        })
    };
    let ondragleave = {
        let active = active.clone();
        Callback::from(move |event: DragEvent| {
            // Moving between elements of the page fires dragleave too; only leaving
            // the window has no element to go to.
            if event.related_target().is_none() {
                active.set(false);
            }
        })
    };
    let ondrop = {
        let active = active.clone();
        Callback::from(move |event: DragEvent| {
            if !carries_files(&event) {
                return;
            }
            event.prevent_default();
            active.set(false);
            let file = event.data_transfer().and_then(|transfer| transfer.files()).and_then(|files| files.get(0));
            if let Some(file) = file {
                open.emit(file);
            }
        })
    };
    DropZone { ondragover, ondragleave, ondrop, active: *active }
}

fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|transfer| transfer.types().iter().any(|kind| kind.as_string().as_deref() == Some("Files")))
}

/// A file input's `onchange` that hands the chosen file to `on_file`.
pub fn on_file_chosen(on_file: &Callback<File>) -> Callback<Event> {
    let on_file = on_file.clone();
    Callback::from(move |event: Event| {
        if let Some(file) = chosen_file(&event) {
            on_file.emit(file);
        }
    })
}

/// The first file of a file input's selection, for the "Open file" button.
fn chosen_file(event: &Event) -> Option<File> {
    let input = event.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0);
    // Forget the choice, so choosing the same file again (after editing it on disk) reads it again.
    input.set_value("");
    file
}
