//! The link "Copy link" made: said to be on the clipboard, or shown in a
//! read-only, pre-selected field to copy by hand where the browser gives the
//! page no clipboard (an intranet host over plain http).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::sharing::ShareLink;

#[derive(Properties, PartialEq, Debug)]
pub struct LinkFieldProps {
    pub share: Rc<ShareLink>,
    pub on_close: Callback<()>,
}

#[component]
pub fn LinkField(props: &LinkFieldProps) -> Html {
    let input = use_node_ref();
    {
        let input = input.clone();
        use_effect_with(props.share.clone(), move |_| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let select_all = Callback::from(|event: FocusEvent| {
        if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
            input.select();
        }
    });
    let close = props.on_close.reform(|_: MouseEvent| ());
    let share = &props.share;
    html! {
        <div class={classes!("share-link", share.copied.then_some("copied"))} role="status">
            <p class="share-message">{ share.message() }</p>
            if !share.copied {
                <input
                    ref={input}
                    type="text"
                    class="link-text"
                    readonly=true
                    aria-label="Plan link"
                    value={AttrValue::from(share.link.clone())}
                    onfocus={select_all}
                />
            }
            <button type="button" class="button small" onclick={close}>{ "Done" }</button>
        </div>
    }
}
