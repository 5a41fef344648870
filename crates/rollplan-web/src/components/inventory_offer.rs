//! Above the editor when it holds node inventory: the offer to convert it
//! into a description (or why it cannot be), then what the conversion read (each node's role and
//! versions, and what deserves a look), with the way back to the JSON.
//! Every name is rendered as text.

use std::rc::Rc;

use rollplan_core::import::Offer;
use yew::prelude::*;

use crate::state::inventory::{Converted, import_error, inventory_name};

#[derive(Properties, PartialEq, Debug)]
pub struct InventoryOfferProps {
    pub offered: Option<Rc<Offer>>,
    pub converted: Option<Rc<Converted>>,
    pub on_convert: Callback<()>,
    pub on_revert: Callback<()>,
    pub on_dismiss: Callback<()>,
}

#[component]
pub fn InventoryOffer(props: &InventoryOfferProps) -> Html {
    let convert = props.on_convert.reform(|_: MouseEvent| ());
    let revert = props.on_revert.reform(|_: MouseEvent| ());
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <>
            if let Some(offer) = &props.offered {
                <div class="inventory-offer notice" role="status">
                    <p>{ format!("This is a {}, not a description.", inventory_name(offer.kind)) }</p>
                    { match &offer.imported {
                        Ok(_) => html! {
                            <button type="button" class="button small primary" onclick={convert}>{ "Convert to a description" }</button>
                        },
                        Err(error) => html! { <p class="inventory-error">{ import_error(error) }</p> },
                    } }
                </div>
            }
            if let Some(converted) = &props.converted {
                <div class="inventory-read" role="status">
                    <p>{ format!("Converted from a {}: {} nodes. The editor holds the description; check the target, then plan.",
                        inventory_name(converted.from), converted.imported.nodes.len()) }</p>
                    if !converted.imported.warnings.is_empty() {
                        <ul class="inventory-warnings">
                            { for converted.imported.warnings.iter().map(|warning| html! { <li>{ warning }</li> }) }
                        </ul>
                    }
                    <details class="inventory-nodes">
                        <summary>{ "What was read" }</summary>
                        <table>
                            <thead><tr><th>{ "Node" }</th><th>{ "Role" }</th><th>{ "Versions read" }</th></tr></thead>
                            <tbody>
                                { for converted.imported.nodes.iter().map(|node| html! {
                                    <tr>
                                        <th scope="row">{ &node.name }</th>
                                        <td>{ &node.role }</td>
                                        <td>{ node.versions.iter().map(|(component, read, release)| format!("{component} {read} → {release}")).collect::<Vec<_>>().join(", ") }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </details>
                    <button type="button" class="button small" onclick={revert}>{ "Back to the JSON" }</button>
                    <button type="button" class="button small" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
        </>
    }
}
