//! The app mounted in a real browser: headless Chromium, driven by
//! `wasm-bindgen-test-runner` (run by `cargo xtask test`, or by hand with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p rollplan-web --target wasm32-unknown-unknown --test browser`).
//!
//! Each test mounts its own app into its own `<div>` and only looks inside it,
//! and clears the saved description first, so tests do not depend on each
//! other's order.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use rollplan_web::App;
use rollplan_web::hooks::STORAGE_KEY;
use rollplan_web::state::{EXAMPLES, SEED};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, HtmlSelectElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Yew renders on its scheduler, after the current task: give it a moment.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(50)).await;
}

/// Mounts a fresh app in a new `<div>` and waits for its first render.
async fn mount() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn textarea(root: &Element) -> HtmlTextAreaElement {
    root.query_selector("textarea")
        .unwrap()
        .expect("an editor")
        .dyn_into()
        .unwrap()
}

/// The text of every element matching `selector`.
fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .map(|i| nodes.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

/// Types `text` as a user would: set the value, then fire the `input` event the page listens to.
async fn type_text(root: &Element, text: &str) {
    let editor = textarea(root);
    editor.set_value(text);
    editor
        .dispatch_event(&Event::new("input").unwrap())
        .unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn first_visit_shows_the_seed_without_errors() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount().await;

    assert_eq!(textarea(&root).value(), SEED.text);
    assert_eq!(texts(&root, ".diagnostic.error"), Vec::<String>::new());
    assert!(texts(&root, ".diagnostics .counts")[0].starts_with("0 errors"));
    // The cluster summary: name, both nodes with their current version, the service and its node.
    assert_eq!(texts(&root, ".cluster-name"), ["EXCH-CL1"]);
    let rows = texts(&root, ".nodes tbody tr");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("NODE1") && rows[0].contains("SP1"),
        "{rows:?}"
    );
    assert_eq!(texts(&root, ".services .service-name"), ["EVS1"]);
    assert_eq!(texts(&root, ".services .service-node"), ["NODE1"]);
}

#[wasm_bindgen_test]
async fn typing_a_broken_description_shows_a_located_error() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount().await;

    let broken = SEED.text.replace("on: NODE1", "on: NODE3");
    type_text(&root, &broken).await;

    let errors = texts(&root, ".diagnostic.error");
    let line = broken
        .lines()
        .position(|line| line.contains("on: NODE3"))
        .unwrap()
        + 1;
    let error = errors
        .iter()
        .find(|error| error.contains("unknown-node"))
        .unwrap_or_else(|| panic!("no unknown-node error in {errors:?}"));
    let location = texts(&root, ".diagnostic.error .location");
    assert!(
        location
            .iter()
            .any(|at| at.starts_with(&format!("{line}:"))),
        "{location:?} for {error}"
    );
    assert!(error.contains("NODE3"), "{error}");
    // No summary of a cluster that does not validate.
    assert!(root.query_selector(".cluster").unwrap().is_none());

    // Fixing it again clears the error.
    type_text(&root, SEED.text).await;
    assert_eq!(texts(&root, ".diagnostic.error"), Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn the_description_survives_a_reload() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let first = mount().await;
    let edited = SEED.text.replace("EXCH-CL1", "EXCH-CL9");
    type_text(&first, &edited).await;
    assert_eq!(
        storage().get_item(STORAGE_KEY).unwrap().as_deref(),
        Some(edited.as_str())
    );

    // A second app in the same page starts as a reloaded page would: from storage.
    let second = mount().await;
    assert_eq!(textarea(&second).value(), edited);
    assert_eq!(texts(&second, ".cluster-name"), ["EXCH-CL9"]);
}

#[wasm_bindgen_test]
async fn picking_an_example_loads_it() {
    storage().remove_item(STORAGE_KEY).unwrap();
    let root = mount().await;
    let four = EXAMPLES
        .iter()
        .find(|example| example.name == "exchange-four-node.yaml")
        .unwrap();

    let select: HtmlSelectElement = root
        .query_selector("select")
        .unwrap()
        .expect("an examples menu")
        .dyn_into()
        .unwrap();
    select.set_value(four.name);
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    settle().await;

    assert_eq!(textarea(&root).value(), four.text);
    assert_eq!(texts(&root, ".nodes tbody tr").len(), 4);
}
