//! The timeline's legend: what each colour and mark means.

use yew::prelude::*;

use rollplan_core::plan::RiskKind;

use crate::timeline::ComponentReleases;
use crate::wording::risk_glyph;

#[derive(Properties, PartialEq, Debug)]
pub struct TimelineLegendProps {
    pub legend: Vec<ComponentReleases>,
    /// Whether the cluster has replicated services, whose copies the legend then explains.
    pub replicated: bool,
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
            <li><span class="swatch acted-swatch"></span>{ "node this step acts on" }</li>
            <li class="legend-services">
                <span class="service-chip">{ "service" }</span>{ "safe; if its node failed now, it would " }
                <span class="service-chip mixed-version-failover">{ risk_glyph(RiskKind::MixedVersionFailover) }{ "service" }</span>
                { "fail over to another release, " }
                <span class="service-chip no-failover-target">{ risk_glyph(RiskKind::NoFailoverTarget) }{ "service" }</span>
                { "have nowhere to go; " }
                <span class="service-chip offline outage">{ risk_glyph(RiskKind::Outage) }{ "service" }</span>
                { "offline (planned outage)" }
            </li>
            if props.replicated {
                <li class="legend-services">
                    <span class="service-chip copy">{ "copy" }</span>{ "a replicated service's copy (faded while its node is paused); " }
                    <span class="service-chip copy at-minimum">{ risk_glyph(RiskKind::AtMinimum) }{ "copy" }</span>
                    { "just the copies up it needs, " }
                    <span class="service-chip copy below-minimum">{ risk_glyph(RiskKind::BelowMinimum) }{ "copy" }</span>
                    { "its last copy up" }
                </li>
            }
        </ul>
    }
}
