//! The banner over a shared plan: whose plan this is, its fingerprint, and
//! the user's choice between it and their own description.
//!
//! The fingerprint is large and selectable: a reviewer compares it with the
//! one quoted in the change ticket. The same fingerprint means the same
//! normalised description planned by the same planner, hence the same plan.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::sharing::Shared;

#[derive(Properties, PartialEq, Debug)]
pub struct SharedBannerProps {
    pub shared: Rc<Shared>,
    /// The shared description's cluster name, when it is valid.
    pub cluster: Option<AttrValue>,
    /// The shared plan's fingerprint, when the description is valid.
    pub fingerprint: Option<AttrValue>,
    /// Keep the shared description as the user's own (asks first, see [`Shared::replaces_work`]).
    pub on_keep: Callback<()>,
    /// Do not replace after all.
    pub on_cancel: Callback<()>,
    /// Back to the user's own description.
    pub on_back: Callback<()>,
}

#[component]
pub fn SharedBanner(props: &SharedBannerProps) -> Html {
    let keep = props.on_keep.reform(|_: MouseEvent| ());
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let back = props.on_back.reform(|_: MouseEvent| ());
    let own = props.shared.own_label();
    html! {
        <section class="shared-banner" aria-labelledby="shared-heading">
            <div class="shared-identity">
                <h2 id="shared-heading">
                    { "Shared plan" }
                    if let Some(cluster) = &props.cluster {
                        { " for " }<span class="cluster-name">{ cluster }</span>
                    }
                </h2>
                if let Some(fingerprint) = &props.fingerprint {
                    <p class="shared-fingerprint">
                        <span class="label">{ "Fingerprint" }</span>
                        <code class="fingerprint-value">{ fingerprint }</code>
                    </p>
                    <p class="shared-help">
                        { "Check it against the fingerprint quoted in the change ticket: the same fingerprint is the same \
                           cluster description, planned by the same planner, so the same plan." }
                    </p>
                } else {
                    <p class="shared-help">
                        { "The shared description has errors, so it has no plan and no fingerprint: ask for the link again." }
                    </p>
                }
            </div>
            <div class="shared-choice">
                if props.shared.confirming {
                    <p role="alert">
                        { format!("Keeping the shared description replaces {own} in this browser.") }
                    </p>
                    <div class="buttons">
                        <button type="button" class="button primary" onclick={keep}>{ "Replace mine" }</button>
                        <button type="button" class="button" onclick={cancel}>{ "Cancel" }</button>
                    </div>
                } else {
                    <p>
                        { format!("It came in a plan link and is read-only here. What you had before, {own}, is kept as it was. \
                                   Ticks you make are yours: they are not part of the link.") }
                    </p>
                    <div class="buttons">
                        <button type="button" class="button" onclick={back}>{ "Back to my description" }</button>
                        <button type="button" class="button" onclick={keep}>{ "Keep the shared one" }</button>
                    </div>
                }
            </div>
        </section>
    }
}
