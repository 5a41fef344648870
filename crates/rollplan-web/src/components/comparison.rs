//! What changed between two plans: steps added, removed and moved, risks that
//! appeared or went away, and the summary figures before and after.
//!
//! Numbering follows the command line (`rollplan compare`): added, moved and
//! risk lines use the revision's step numbers, removed lines the earlier
//! plan's. Titles and messages are text nodes.

use std::rc::Rc;

use rollplan_core::compare::Change;
use rollplan_core::plan::Summary;
use yew::prelude::*;

use crate::state::review::Review;
use crate::wording::{duration, plural};

#[derive(Properties, PartialEq, Debug)]
pub struct ComparisonViewProps {
    pub review: Rc<Review>,
    /// The fingerprint of the plan shown.
    pub fingerprint: AttrValue,
    pub on_swap: Callback<()>,
    pub on_close: Callback<()>,
}

#[component]
pub fn ComparisonView(props: &ComparisonViewProps) -> Html {
    let review = &props.review;
    let swap = props.on_swap.reform(|_: MouseEvent| ());
    let close = props.on_close.reform(|_: MouseEvent| ());
    let shown = html! { <>{ "the plan shown (" }<code>{ &props.fingerprint }</code>{ ")" }</> };
    let other = match &review.other {
        Ok(other) => {
            html! { <>{ &*review.source }{ " (" }<code>{ &*other.fingerprint }</code>{ ")" }</> }
        }
        Err(_) => html! { { &*review.source } },
    };
    let (earlier, revision) = if review.shown_is_revision { (other, shown) } else { (shown, other) };
    html! {
        <div class="comparison" role="region" aria-label="Comparison">
            <div class="comparison-head">
                <p class="comparison-direction">{ "From " }{ earlier }{ " to " }{ revision }{ ":" }</p>
                <div class="buttons">
                    <button type="button" class="button small" onclick={swap} title="Swap which plan is the earlier one">{ "Swap" }</button>
                    <button type="button" class="button small" onclick={close}>{ "Close" }</button>
                </div>
            </div>
            { body(review) }
        </div>
    }
}

fn body(review: &Review) -> Html {
    if let Err(message) = &review.other {
        return html! { <p class="notice" role="alert">{ &**message }</p> };
    }
    let Some(result) = &review.result else {
        return html! { <p class="muted">{ "The description shown has no plan: fix it to compare." }</p> };
    };
    if result.is_same() {
        return html! {
            <>
                <p class="comparison-same">{ "The same plan: the same steps, in the same order, with the same risks." }</p>
                { summary_table(&result.before, &result.after) }
            </>
        };
    }
    let group = |class: &'static str, title: &str, items: Vec<Html>| {
        if items.is_empty() {
            return Html::default();
        }
        html! {
            <div class={classes!("change-group", class)}>
                <h4>{ title }{ " " }<span class="count">{ items.len() }</span></h4>
                <ul>{ for items }</ul>
            </div>
        }
    };
    let mut added = Vec::new();
    let mut removed = Vec::new();
    let mut moved = Vec::new();
    let mut appeared = Vec::new();
    let mut gone = Vec::new();
    for change in &result.changes {
        match change {
            Change::Added { at, title } => added.push(html! {
                <li><span class="step-ref">{ format!("step {at}") }</span>{ " " }{ title }</li>
            }),
            Change::Removed { at, title } => removed.push(html! {
                <li><span class="step-ref">{ format!("was step {at}") }</span>{ " " }{ title }</li>
            }),
            Change::Moved { from, to, title } => moved.push(html! {
                <li><span class="step-ref">{ format!("step {from} → {to}") }</span>{ " " }{ title }</li>
            }),
            Change::RiskAppeared { at, title, kind, message, .. } => appeared.push(html! {
                <li>
                    <span class="step-ref">{ format!("step {at}") }</span>{ " " }{ title }{ ": " }
                    <span class={classes!("badge", "risk-badge", kind.as_str())}>{ kind.as_str() }</span>{ " " }{ message }
                </li>
            }),
            Change::RiskGone { at, title, kind, message, .. } => gone.push(html! {
                <li>
                    <span class="step-ref">{ format!("step {at}") }</span>{ " " }{ title }{ ": " }
                    <span class={classes!("badge", "risk-badge", kind.as_str())}>{ kind.as_str() }</span>{ " " }{ message }
                </li>
            }),
        }
    }
    html! {
        <>
            <p class="muted comparison-help">
                { format!("{}. Added, moved and risk lines number steps as in the revision; removed lines as in the earlier plan.",
                    plural(result.changes.len(), "change", "changes")) }
            </p>
            <div class="change-groups">
                { group("added", "Added", added) }
                { group("removed", "Removed", removed) }
                { group("moved", "Moved", moved) }
                { group("risks-appeared", "Risks that appeared", appeared) }
                { group("risks-gone", "Risks gone", gone) }
            </div>
            { summary_table(&result.before, &result.after) }
        </>
    }
}

fn summary_table(before: &Summary, after: &Summary) -> Html {
    let row = |name: &str, before: String, after: String| {
        let changed = before != after;
        html! {
            <tr class={classes!(changed.then_some("changed"))}>
                <th scope="row">{ name }</th><td>{ before }</td><td class="arrow">{ "→" }</td><td>{ after }</td>
            </tr>
        }
    };
    html! {
        <table class="summary-deltas">
            <caption class="visually-hidden">{ "Summary, earlier plan and revision" }</caption>
            <tbody>
                { row("Steps", before.steps.to_string(), after.steps.to_string()) }
                { row("Moves", before.moves.to_string(), after.moves.to_string()) }
                { row("Services offline", before.services_offline.to_string(), after.services_offline.to_string()) }
                { row("Outage", format!("{} min", before.outage_minutes), format!("{} min", after.outage_minutes)) }
                { row("Mixed-version steps", before.mixed_version_steps.to_string(), after.mixed_version_steps.to_string()) }
                { row("Estimated time", duration(before.estimated_minutes), duration(after.estimated_minutes)) }
            </tbody>
        </table>
    }
}
