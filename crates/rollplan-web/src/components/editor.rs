//! The description editor: a plain `<textarea>` with a line-number gutter.
//!
//! A textarea keeps typing native (undo, IME, selection, accessibility) and
//! fast; the gutter beside it is a separate element scrolled along with it.
//! Lines never wrap (`wrap="off"`), so every gutter line matches a text line.
//!
//! Node inventory of megabytes is not put into the textarea, which would
//! hold the page for hundreds of milliseconds each time it takes or gives
//! up such a text: a paste of one is taken from the paste event (the
//! browser never inserts it), and while the text is one the editor says so
//! in place of the textarea, with a way to show it anyway
//! (`state/inventory.rs`, `SHOWN_UP_TO`).
//!
//! The editor also carries out [`Reveal`] requests: clicking a diagnostic puts
//! the cursor on (and selects) the offending text. The core locates it by line
//! and column; the textarea wants UTF-16 offsets ([`utf16_offset`]).

use std::rc::Rc;

use rollplan_core::Diagnostic;
use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::components::line_numbers::LineNumbers;
use crate::state::Reveal;
use crate::state::inventory::too_long_to_show;
use crate::text_position::{line_count, utf16_offset};

#[derive(Properties, PartialEq, Debug)]
pub struct EditorProps {
    pub text: AttrValue,
    /// The syntax the text is read as (`YAML`, ...), shown under the editor.
    pub syntax: &'static str,
    /// The file the text was opened from, if any, shown under the editor.
    pub file: Option<AttrValue>,
    /// The diagnostics, to mark their lines in the gutter.
    pub diagnostics: Rc<[Diagnostic]>,
    /// The last request to move the cursor to a diagnostic.
    pub reveal: Option<Reveal>,
    /// Called with the whole new text on every edit.
    pub on_edit: Callback<String>,
    /// The text is node inventory too long to show: say so in place of the textarea.
    #[prop_or_default]
    pub held: bool,
    /// Whether the text is saved in this browser (a node list too long to show is not).
    #[prop_or(true)]
    pub saved: bool,
    /// Called with a pasted node list too long to show (the paste is not made).
    pub on_paste_inventory: Callback<String>,
    /// Show the held text in the textarea after all.
    pub on_show: Callback<()>,
    /// Whether the text is a shared plan's, shown read-only.
    #[prop_or_default]
    pub readonly: bool,
}

#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let textarea = use_node_ref();
    let gutter = use_node_ref();

    let oninput = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(textarea) = event.target_dyn_into::<HtmlTextAreaElement>() {
                on_edit.emit(textarea.value());
            }
        })
    };
    let onpaste = {
        let (on_paste_inventory, readonly) = (props.on_paste_inventory.clone(), props.readonly);
        Callback::from(move |event: Event| {
            let Some(paste) = event.dyn_ref::<web_sys::ClipboardEvent>() else {
                return;
            };
            let pasted = paste.clipboard_data().and_then(|data| data.get_data("text/plain").ok());
            if let Some(text) = pasted.filter(|text| !readonly && too_long_to_show(text)) {
                event.prevent_default();
                on_paste_inventory.emit(text);
            }
        })
    };
    let onscroll = {
        let (textarea, gutter) = (textarea.clone(), gutter.clone());
        Callback::from(move |_: Event| sync_gutter(&textarea, &gutter))
    };
    {
        let (textarea, gutter, text) = (textarea.clone(), gutter.clone(), props.text.clone());
        use_effect_with(props.reveal, move |reveal| {
            if let Some(reveal) = reveal {
                put_cursor(&textarea, &text, reveal);
                sync_gutter(&textarea, &gutter);
            }
        });
    }

    if props.held {
        let show = props.on_show.reform(|_: MouseEvent| ());
        // Focusable, and it takes a paste: another node list replaces this one.
        return html! {
            <div class="editor">
                <div class="editor-held" id="description-held" role="status" tabindex="0" onpaste={onpaste}>
                    <p>{ format!(
                        "The editor holds {} of JSON that looks like a node list: too long to show here without holding up the page.",
                        size(props.text.len())
                    ) }</p>
                    <button type="button" class="button small" onclick={show}>{ "Show it in the editor" }</button>
                </div>
                <p id="editor-status" class="editor-status muted">
                    { "Read as " }<strong>{ props.syntax }</strong>
                    { ". Not saved in this browser: after a reload the editor shows the last description saved." }
                </p>
            </div>
        };
    }
    html! {
        <div class="editor">
            <div class="editor-frame">
                <LineNumbers lines={line_count(&props.text)} diagnostics={props.diagnostics.clone()} gutter={gutter} />
                <textarea
                    ref={textarea}
                    id="description"
                    class="editor-text"
                    aria-label="Cluster description (YAML, TOML or JSON)"
                    aria-describedby="editor-status"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    wrap="off"
                    readonly={props.readonly}
                    value={props.text.clone()}
                    {oninput}
                    {onpaste}
                    {onscroll}
                />
            </div>
            <p id="editor-status" class="editor-status muted">
                if let Some(file) = &props.file {
                    { "From " }<code class="file-name">{ file }</code>{ ", read as " }
                } else {
                    { "Read as " }
                }
                <strong>{ props.syntax }</strong>
                if props.readonly {
                    { " (detected from the text). From a plan link: read-only, and not saved unless you keep it." }
                } else if !props.saved {
                    { " (detected from the text). A node list this long is not saved in this browser: after a reload the editor shows the last description saved." }
                } else {
                    { " (detected from the text). Checked as you type; kept in this browser only." }
                }
            </p>
        </div>
    }
}

/// A size in bytes, in words: "3.0 MB", "740 KB". In whole numbers: a
/// float's formatting would bring its code into the page.
fn size(bytes: usize) -> String {
    let tenths = bytes / 100_000;
    if tenths >= 10 { format!("{}.{} MB", tenths / 10, tenths % 10) } else { format!("{} KB", bytes / 1000) }
}

/// Keeps the gutter's scroll position equal to the textarea's.
fn sync_gutter(textarea: &NodeRef, gutter: &NodeRef) {
    if let (Some(textarea), Some(gutter)) = (textarea.cast::<HtmlTextAreaElement>(), gutter.cast::<web_sys::Element>())
    {
        gutter.set_scroll_top(textarea.scroll_top());
    }
}

/// Focuses the editor, selects the located text and scrolls its line into view.
fn put_cursor(textarea: &NodeRef, text: &str, reveal: &Reveal) {
    let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() else {
        return;
    };
    let start = utf16_offset(text, reveal.line, reveal.column);
    let end = utf16_offset(text, reveal.end_line, reveal.end_column).max(start);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(start, end);
    // Put the line a third of the way down the editor, where the eye expects it.
    let line_height = line_height(&textarea).unwrap_or(20.0);
    let line_top = f64::from(reveal.line.saturating_sub(1)) * line_height;
    let target = line_top - f64::from(textarea.client_height()) / 3.0;
    textarea.set_scroll_top(target.max(0.0) as i32);
}

/// The textarea's line height in pixels, from its computed style.
fn line_height(textarea: &HtmlTextAreaElement) -> Option<f64> {
    let style = web_sys::window()?.get_computed_style(textarea).ok()??;
    style.get_property_value("line-height").ok()?.strip_suffix("px")?.parse().ok()
}
