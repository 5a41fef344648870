//! A bar in the editor's gutter beside a line that has a diagnostic.
//!
//! Its own component so its position (`--line`, the 0-based line) can be set
//! through the CSSOM (`hooks::style`): the page's CSP forbids `style` attributes.

use rollplan_core::Severity;
use yew::prelude::*;

use crate::hooks::style::use_style_property;

#[derive(Properties, PartialEq, Debug)]
pub struct LineMarkProps {
    /// The 1-based line.
    pub line: u32,
    /// The most serious diagnostic on it.
    pub severity: Severity,
}

#[component]
pub fn LineMark(props: &LineMarkProps) -> Html {
    let mark = use_node_ref();
    use_style_property(&mark, "--line", props.line.saturating_sub(1).to_string());
    html! {
        <span ref={mark} class={classes!("line-mark", props.severity.as_str())}></span>
    }
}
