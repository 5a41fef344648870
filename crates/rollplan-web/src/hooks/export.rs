//! The share and export buttons: the clipboard, downloads, printing.
//!
//! What is copied or downloaded is plain data made elsewhere (core's
//! `link::link`, [`crate::export`]); this file only hands it to the browser.
//! The buttons' callbacks are made once, like every callback the app hands
//! down (see `components/app.rs`), and read the state of the latest render.

use std::rc::Rc;
use std::time::Duration;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};
use yew::platform::{spawn_local, time::sleep};
use yew::prelude::*;

use crate::export::{self, Download};
use crate::state::{Action, State};

/// The share and export buttons' callbacks.
#[derive(Debug, PartialEq)]
pub struct Exports {
    /// Copies a plan link of the description shown (or shows it to copy by hand).
    pub copy_link: Callback<()>,
    /// Downloads the checklist as Markdown.
    pub markdown: Callback<()>,
    /// Downloads the plan as JSON.
    pub json: Callback<()>,
    /// Downloads the plan as a runbook for the description's platform.
    pub runbook: Callback<()>,
    /// Copies one command of a step to the clipboard.
    pub copy_text: Callback<String>,
    /// Opens the browser's print dialog (the print stylesheet shows the checklist).
    pub print: Callback<()>,
}

/// The [`Exports`] of the app whose state is `state`, made once.
#[hook]
pub fn use_exports(state: &UseReducerHandle<State>) -> Rc<Exports> {
    // The state of the latest render, for callbacks made at the first.
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();
    let dispatch: Callback<Action> = state.dispatcher().into();
    use_memo((), move |()| {
        let text = {
            let latest = latest.clone();
            move || latest.borrow().document.text.clone()
        };
        let document = {
            let latest = latest.clone();
            move || latest.borrow().document.clone()
        };
        Exports {
            copy_link: {
                let text = text.clone();
                Callback::from(move |()| copy_link(&text(), dispatch.clone()))
            },
            markdown: {
                let document = document.clone();
                Callback::from(move |()| {
                    if let Some(download) = export::markdown(&document()) {
                        save(&download);
                    }
                })
            },
            runbook: {
                let document = document.clone();
                Callback::from(move |()| {
                    if let Some(download) = export::runbook(&document()) {
                        save(&download);
                    }
                })
            },
            json: Callback::from(move |()| save(&export::json(&document()))),
            copy_text: Callback::from(|text: String| copy_text(&text)),
            print: Callback::from(|()| print()),
        }
    })
}

/// Asks the browser to print once the page is rendered for printing. The
/// `beforeprint` event the browser sends from inside `window.print()` comes
/// too late for anything to render before the page is printed, so the page
/// sends itself one first (a long checklist then renders every step, see
/// `hooks/viewport.rs`) and prints after that render.
fn print() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(event) = Event::new("beforeprint") {
        let _ = window.dispatch_event(&event);
    }
    spawn_local(async move {
        sleep(Duration::ZERO).await;
        let _ = window.print();
    });
}

/// Puts a link to `text` on the clipboard where the browser allows it (secure
/// contexts: https and localhost), and says so; otherwise, or if the browser
/// refuses, the page shows the link to copy by hand.
fn copy_link(text: &str, dispatch: Callback<Action>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    // The page's address as it is (sub-path, query), without any fragment: the link core makes replaces it.
    let base = window.location().href().unwrap_or_default();
    let link = rollplan_core::link::link(&base, text);
    let clipboard = window.navigator().clipboard();
    // `navigator.clipboard` is undefined outside secure contexts (an intranet host over http).
    if !window.is_secure_context() || clipboard.is_undefined() {
        dispatch.emit(Action::LinkMade { link, copied: false });
        return;
    }
    let promise = clipboard.write_text(&link);
    spawn_local(async move {
        let copied = JsFuture::from(promise).await.is_ok();
        dispatch.emit(Action::LinkMade { link, copied });
    });
}

/// Puts `text` on the clipboard where the browser allows it (secure
/// contexts); elsewhere the command stays on the page to select by hand.
fn copy_text(text: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let clipboard = window.navigator().clipboard();
    if !window.is_secure_context() || clipboard.is_undefined() {
        return;
    }
    let promise = clipboard.write_text(text);
    spawn_local(async move {
        let _ = JsFuture::from(promise).await;
    });
}

/// Downloads every plan's progress as a file the user can import again (see [`crate::record`]).
pub fn save_progress(progress: &crate::progress::Progress) {
    save(&Download {
        name: crate::record::PROGRESS_FILE.to_owned(),
        mime: "application/json",
        content: crate::record::export_progress(progress.plans(), progress.ticked_steps()),
    });
}

/// Saves `download` through a temporary `<a download>`: no server, no new window.
fn save(download: &Download) {
    // Nothing here fails in a browser that runs the app at all; if it does, there is just no file.
    let _ = try_save(download);
}

fn try_save(download: &Download) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let body = document.body().ok_or("no body")?;
    let options = BlobPropertyBag::new();
    options.set_type(download.mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(&download.content));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let anchor: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(&download.name);
    anchor.set_hidden(true);
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    // Revoking at once can cancel the download in some browsers; a minute later it is long done.
    spawn_local(async move {
        sleep(Duration::from_mins(1)).await;
        let _ = Url::revoke_object_url(&url);
    });
    Ok(())
}
