//! Styles that depend on the data (sizes, positions), set through the CSSOM.
//!
//! The page's Content-Security-Policy (`style-src 'self'`, no `'unsafe-inline'`)
//! refuses `style="…"` attributes, which is how Yew would write them; setting
//! a property on `element.style` is allowed. The stylesheet reads these as
//! custom properties (`--timeline-rows`, `--max-width`, `--line`), and the
//! gaps of long lists take their size from a `data-height` or `data-width`
//! attribute ([`use_data_sizes`]).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Keeps the CSS property `name` of the element `node` at `value`, after every render.
///
/// Every render, not only when `value` changes: the element may have been
/// replaced. Writing is skipped when the value is already there.
#[hook]
pub fn use_style_property(node: &NodeRef, name: &'static str, value: String) {
    let node = node.clone();
    use_effect(move || {
        if let Some(element) = node.cast::<HtmlElement>() {
            set_style(&element, name, &value);
        }
    });
}

/// After every render, gives each element in `container` (itself included)
/// with a `data-height` or `data-width` attribute (whole px) that height or
/// width: the gaps standing for what a long list does not render
/// (`list_window.rs`), which Yew would size with a refused `style` attribute.
#[hook]
pub fn use_data_sizes(container: &NodeRef) {
    let container = container.clone();
    use_effect(move || {
        let Some(container) = container.cast::<Element>() else {
            return;
        };
        let Ok(sized) = container.query_selector_all("[data-height], [data-width]") else {
            return;
        };
        let elements =
            (0..sized.length()).filter_map(|index| sized.item(index)).filter_map(|node| node.dyn_into().ok());
        for element in std::iter::once(container.clone()).chain(elements) {
            let Some(element) = element.dyn_ref::<HtmlElement>() else {
                continue;
            };
            for property in ["height", "width"] {
                if let Some(size) = element.get_attribute(&format!("data-{property}")) {
                    set_style(element, property, &format!("{size}px"));
                }
            }
        }
    });
}

/// Sets the CSS property `name` of `element` to `value`, unless it has it already.
fn set_style(element: &HtmlElement, name: &str, value: &str) {
    let style = element.style();
    if style.get_property_value(name).ok().as_deref() != Some(value) {
        let _ = style.set_property(name, value);
    }
}
