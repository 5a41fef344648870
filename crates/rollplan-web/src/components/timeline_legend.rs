//! The timeline's legend: what each colour and mark means.

use yew::prelude::*;

use crate::timeline::ComponentReleases;

#[derive(Properties, PartialEq, Debug)]
pub struct TimelineLegendProps {
    pub legend: Vec<ComponentReleases>,
}

/// What the colours and marks mean.
#[component]
pub fn TimelineLegend(props: &TimelineLegendProps) -> Html {
    html! {
        <ul class="timeline-legend" aria-label="Legend">
            { for props.legend.iter().map(|component| html! {
                <li class="legend-component">
                    <span class="legend-title">{ &component.title }{ ":" }</span>
                    { for component.releases.iter().enumerate().map(|(release, name)| html! {
                        <span class="legend-release">
                            <span class={classes!("swatch", "release", format!("behind-{}", component.behind(release).min(4)))}></span>
                            { name }
                            if component.behind(release) == 0 { <span class="muted">{ " (target)" }</span> }
                        </span>
                    }) }
                </li>
            }) }
            <li><span class="swatch paused-swatch"></span>{ "paused" }</li>
            <li><span class="legend-mark">{ "⚠" }</span>{ "a failure of this node now would not fail over safely" }</li>
            <li><span class="swatch acted-swatch"></span>{ "node this step acts on" }</li>
        </ul>
    }
}
