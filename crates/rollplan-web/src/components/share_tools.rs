//! The plan's share and export buttons: a plan link, the checklist as
//! Markdown, the plan as JSON, the runbook of its platform, and printing.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::link_field::LinkField;
use crate::hooks::export::Exports;
use crate::state::sharing::ShareLink;

#[derive(Properties, PartialEq, Debug)]
pub struct ShareToolsProps {
    pub exports: Rc<Exports>,
    /// Whether the description shown has a plan (else there is no checklist to export or print).
    pub has_plan: bool,
    /// Whether the description names a platform (else there is no runbook).
    pub has_platform: bool,
    /// The link "Copy link" made, while it is current.
    pub share: Option<Rc<ShareLink>>,
    pub on_close_link: Callback<()>,
}

#[component]
pub fn ShareTools(props: &ShareToolsProps) -> Html {
    let exports = &props.exports;
    let copy = exports.copy_link.reform(|_: MouseEvent| ());
    let markdown = exports.markdown.reform(|_: MouseEvent| ());
    let json = exports.json.reform(|_: MouseEvent| ());
    let runbook = exports.runbook.reform(|_: MouseEvent| ());
    let print = exports.print.reform(|_: MouseEvent| ());
    html! {
        <div class="share">
            <div class="share-tools" role="group" aria-label="Share and export">
                <button type="button" class="button small" onclick={copy}
                    title="A link with the whole description in it, after the #, so no server ever receives it. Ticks are not in it.">
                    { "Copy link" }
                </button>
                <span class="share-label">{ "Download" }</span>
                <button type="button" class="button small" onclick={markdown} disabled={!props.has_plan}
                    title="The checklist as Markdown, for the change ticket (as rollplan plan --format markdown)">
                    { "Markdown" }
                </button>
                <button type="button" class="button small" onclick={json}
                    title="The plan as JSON (as rollplan plan --format json)">
                    { "JSON" }
                </button>
                <button type="button" class="button small" onclick={runbook} disabled={!props.has_plan || !props.has_platform}
                    title={if props.has_platform {
                        "The plan's commands as a script for the platform's shell, a confirmation before each step (as rollplan plan --format runbook)"
                    } else {
                        "A runbook needs `platform:` in the description (wsfc, exchange-2003, kubernetes, elasticsearch, mongodb)"
                    }}>
                    { "Runbook" }
                </button>
                <button type="button" class="button small" onclick={print} disabled={!props.has_plan}
                    title="Print the checklist">
                    { "Print" }
                </button>
            </div>
            if let Some(share) = &props.share {
                <LinkField share={share.clone()} on_close={props.on_close_link.clone()} />
            }
        </div>
    }
}
