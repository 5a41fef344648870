//! The address bar: plan links arrive in the page address's fragment.
//!
//! At start-up [`opened_with`] reads the fragment (the state is built with the
//! link already open, so the page never flashes the user's own plan first);
//! afterwards a link pasted over the page's own address only fires
//! `hashchange`, which opens it too. Fragments that are not plan links (none
//! of the page's own controls make any) are left alone.
//!
//! The address follows the state (see `state/sharing.rs`): while a shared plan is
//! shown its link stays in the address, so a reload shows it again; once the
//! user has chosen, or the link was bad, the fragment is removed with
//! `history.replaceState` (no new history entry, no reload), so a reload
//! shows the user's own description.

use rollplan_core::link::looks_like_link;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::state::{Action, State};

/// The plan link in the page's address, if it has one.
pub fn opened_with() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    looks_like_link(&hash).then_some(hash)
}

/// Opens links the address changes to, and keeps the address in step with the state.
#[hook]
pub fn use_address_bar(state: &UseReducerHandle<State>) {
    let dispatcher = state.dispatcher();
    use_effect_with((), move |()| {
        let window = web_sys::window();
        let listener = Closure::<dyn Fn()>::new(move || {
            if let Some(link) = opened_with() {
                dispatcher.dispatch(Action::OpenLink(link));
                // The banner saying what came of it is at the top of the page.
                if let Some(window) = web_sys::window() {
                    window.scroll_to_with_x_and_y(0.0, 0.0);
                }
            }
        });
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = &window {
                let _ = window.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
            drop(listener);
        }
    });
    let fragment = state.sharing.shared.as_ref().map(|shared| shared.fragment.clone());
    use_effect_with((state.sharing.links_opened, fragment), |(_, fragment)| {
        show_in_address(fragment.as_deref());
    });
}

/// Puts `#fragment` in the address, or removes a plan link from it.
fn show_in_address(fragment: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let Ok(hash) = location.hash() else {
        return;
    };
    let wanted = fragment.map(|fragment| format!("#{fragment}")).unwrap_or_default();
    if hash == wanted || (fragment.is_none() && !looks_like_link(&hash)) {
        return;
    }
    let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{search}{wanted}")));
    }
}

/// Takes the user to the plan: for the "Skip to the plan" and status links,
/// which would otherwise put `#plan` in the address in place of a shared plan's link.
pub fn go_to_plan(event: &MouseEvent) {
    event.prevent_default();
    let plan = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("plan"))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(plan) = plan {
        plan.scroll_into_view();
        let _ = plan.focus();
    }
}
