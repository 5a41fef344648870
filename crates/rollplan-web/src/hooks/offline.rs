//! Working offline: registers the service worker `cargo xtask dist` writes.
//!
//! `dist/sw.js` keeps the app's own files (their names carry content hashes)
//! in a cache named after the deployment, so after the first visit the page
//! loads with the network gone; see xtask/src/sw.js for how it updates. The
//! bundle `cargo xtask dist` builds says where its worker is in a
//! `<meta name="rollplan-service-worker">`: `trunk serve` during development
//! and the browser tests have none, so nothing is registered there.
//!
//! The address is relative (`./sw.js`), so the worker's scope is the directory
//! the app is served from, whatever the sub-path. Browsers only allow service
//! workers in secure contexts (https, and http on localhost); elsewhere the
//! app works as before, online.

use wasm_bindgen_futures::JsFuture;
use yew::platform::spawn_local;
use yew::prelude::*;

/// The `<meta>` that names the service worker script, written by `cargo xtask dist`.
pub const MARKER: &str = "meta[name=\"rollplan-service-worker\"]";

/// Registers the service worker once, after the first render.
#[hook]
pub fn use_service_worker() {
    use_effect_with((), |()| register());
}

fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let script = window
        .document()
        .and_then(|document| document.query_selector(MARKER).ok().flatten())
        .and_then(|meta| meta.get_attribute("content"));
    let Some(script) = script else {
        return;
    };
    // `navigator.serviceWorker` is undefined outside secure contexts.
    let container = window.navigator().service_worker();
    if !window.is_secure_context() || container.is_undefined() {
        return;
    }
    let registered = container.register(&script);
    spawn_local(async move {
        // A failed registration only means no offline copy; the page works as it is.
        let _ = JsFuture::from(registered).await;
    });
}
