//! What the user must know about browser storage: that progress lives in memory
//! only (storage is missing, full or refuses writes), or that saved values
//! could not be read and were kept aside. Each notice can be dismissed.

use std::rc::Rc;

use yew::prelude::*;

#[derive(Properties, PartialEq, Debug)]
pub struct StorageNoticeProps {
    /// Whether storage failed and the notice about it is still wanted.
    pub memory_only: bool,
    /// Unreadable saved values: (key, the key they were copied to).
    pub kept_aside: Rc<[(Rc<str>, Rc<str>)]>,
    pub on_dismiss_memory: Callback<()>,
    pub on_dismiss_kept_aside: Callback<()>,
}

#[component]
pub fn StorageNotice(props: &StorageNoticeProps) -> Html {
    let dismiss_memory = props.on_dismiss_memory.reform(|_: MouseEvent| ());
    let dismiss_kept = props.on_dismiss_kept_aside.reform(|_: MouseEvent| ());
    html! {
        <>
            if props.memory_only {
                <section class="link-error storage-notice memory-only" role="alert">
                    <p>
                        { "This browser does not let the page save anything (storage is full, disabled or private): \
                           the app works, but progress will not survive a reload. Use \u{201c}Export progress\u{201d} \
                           to keep it in a file, and \u{201c}Import progress\u{201d} to bring it back." }
                    </p>
                    <button type="button" class="button small" onclick={dismiss_memory}>{ "Dismiss" }</button>
                </section>
            }
            if !props.kept_aside.is_empty() {
                <section class="link-error storage-notice kept-aside" role="alert">
                    <p>
                        { "Some saved data could not be read, so it was kept aside instead of being overwritten: " }
                        { for props.kept_aside.iter().enumerate().map(|(index, (key, kept))| html! {
                            <>
                                if index > 0 { { "; " } }
                                <code>{ key.to_string() }</code>{ " was copied to " }<code>{ kept.to_string() }</code>
                            </>
                        }) }
                        { "." }
                    </p>
                    <button type="button" class="button small" onclick={dismiss_kept}>{ "Dismiss" }</button>
                </section>
            }
        </>
    }
}
