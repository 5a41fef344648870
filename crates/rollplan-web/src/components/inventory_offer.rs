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
    /// A pasted node list replaced a text, which can be put back.
    pub replaced: bool,
    pub on_put_back: Callback<()>,
}

#[component]
pub fn InventoryOffer(props: &InventoryOfferProps) -> Html {
    let convert = props.on_convert.reform(|_: MouseEvent| ());
    let revert = props.on_revert.reform(|_: MouseEvent| ());
    let dismiss = props.on_dismiss.reform(|_: MouseEvent| ());
    let put_back = props.on_put_back.reform(|_: MouseEvent| ());
    // The table of what was read is made when it is opened: hundreds of rows
    // nobody looks at would lengthen the conversion's frame.
    let open = use_state(|| false);
    {
        // Closed again for each conversion (its own table, made when opened).
        let open = open.clone();
        let conversion = props.converted.as_ref().map(|converted| Rc::as_ptr(converted) as usize);
        use_effect_with(conversion, move |_| open.set(false));
    }
    let toggle = {
        let open = open.clone();
        Callback::from(move |event: Event| {
            open.set(event.target_dyn_into::<web_sys::HtmlDetailsElement>().is_some_and(|details| details.open()));
        })
    };
    html! {
        <>
            if props.offered.is_some() || props.replaced {
                <div class="inventory-offer notice" role="status">
                    if let Some(offer) = &props.offered {
                        <p>{ format!("This is a {}, not a description.", inventory_name(offer.kind)) }</p>
                        { match &offer.imported {
                            Ok(_) => html! {
                                <button type="button" class="button small primary" onclick={convert}>{ "Convert to a description" }</button>
                            },
                            Err(error) => html! { <p class="inventory-error">{ import_error(error) }</p> },
                        } }
                    } else {
                        <p>{ "The pasted text replaced the description." }</p>
                    }
                    if props.replaced {
                        <button type="button" class="button small" onclick={put_back}>{ "Put back the text it replaced" }</button>
                    }
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
                    <details class="inventory-nodes" ontoggle={toggle}>
                        <summary>{ format!("What was read, node by node ({})", converted.imported.nodes.len()) }</summary>
                        if *open {
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
                        }
                    </details>
                    <button type="button" class="button small" onclick={revert}>{ "Back to the JSON" }</button>
                    <button type="button" class="button small" onclick={dismiss}>{ "Dismiss" }</button>
                </div>
            }
        </>
    }
}
