//! Room in a long checklist for steps that are not rendered (see `step_window.rs`).

use yew::prelude::*;

use crate::hooks::style::use_style_property;

#[derive(Properties, PartialEq, Debug)]
pub struct StepGapProps {
    /// How many steps it stands for.
    pub steps: usize,
    /// Their height, px.
    pub height: f64,
}

/// An empty list item as tall as the steps it stands for, hidden from
/// assistive technology (the rendered steps say their place in the whole list).
#[component]
pub fn StepGap(props: &StepGapProps) -> Html {
    let node = use_node_ref();
    // Whole pixels: formatting an `f64` would add kilobytes to the bundle, for no visible difference.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let height = props.height.round().max(0.0) as u64;
    use_style_property(&node, "height", format!("{height}px"));
    html! {
        <li class="step-gap" ref={node} aria-hidden="true" data-steps={props.steps.to_string()}></li>
    }
}
