//! Styles that depend on the data (sizes, positions), set through the CSSOM.
//!
//! The page's Content-Security-Policy (`style-src 'self'`, no `'unsafe-inline'`)
//! refuses `style="…"` attributes, which is how Yew would write them; setting
//! a property on `element.style` is allowed. The stylesheet reads these as
//! custom properties (`--timeline-rows`, `--max-width`, `--line`).

use web_sys::HtmlElement;
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
            let style = element.style();
            if style.get_property_value(name).ok().as_deref() != Some(value.as_str()) {
                let _ = style.set_property(name, &value);
            }
        }
    });
}
