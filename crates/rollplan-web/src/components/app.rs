//! The whole app: owns the state, lays out the page, turns events into actions.
//!
//! The page reads top to bottom as the work goes: describe the cluster (editor),
//! check what the core understood (diagnostics and cluster summary, beside the
//! editor), then plan (summary bar, timeline, checklist).
//!
//! Typing changes only the text, so a keystroke must re-render only the
//! editor: every callback handed down is made once ([`Callbacks`]), so the
//! other components see equal props and skip rendering. A fresh `reform` per
//! render would make every step and timeline cell re-render on each keystroke.

use yew::prelude::*;

use crate::components::blocked::BlockedReasons;
use crate::components::checklist::Checklist;
use crate::components::cluster_summary::ClusterSummary;
use crate::components::diagnostics::DiagnosticList;
use crate::components::editor::Editor;
use crate::components::examples::Examples;
use crate::components::open_file::OpenFile;
use crate::components::plan_status::{PlanStatus, Standing};
use crate::components::plan_summary::PlanSummary;
use crate::components::timeline::Timeline;
use crate::hooks::files::{use_drop_zone, use_file_opener};
use crate::hooks::use_app_state;
use crate::state::{Action, State};
use crate::wording::estimate;

/// Every callback the app hands to its components, made once.
#[derive(Debug)]
struct Callbacks {
    edit: Callback<String>,
    load_example: Callback<String>,
    reveal: Callback<usize>,
    set_done: Callback<(usize, bool)>,
    select: Callback<usize>,
    clear_progress: Callback<()>,
    undo_clear_progress: Callback<()>,
}

impl Callbacks {
    fn new(dispatch: &Callback<Action>) -> Self {
        Callbacks {
            edit: dispatch.reform(Action::Edit),
            load_example: dispatch.reform(Action::LoadExample),
            reveal: dispatch.reform(Action::RevealDiagnostic),
            set_done: dispatch.reform(|(step, done)| Action::SetDone { step, done }),
            select: dispatch.reform(Action::Select),
            clear_progress: dispatch.reform(|()| Action::ClearProgress),
            undo_clear_progress: dispatch.reform(|()| Action::UndoClearProgress),
        }
    }
}

#[component]
pub fn App() -> Html {
    let state = use_app_state();
    // The reducer's dispatcher is the same for the component's whole life.
    let dispatch: Callback<Action> = state.dispatcher().into();
    let callbacks = use_memo((), {
        let dispatch = dispatch.clone();
        move |()| Callbacks::new(&dispatch)
    });
    let open_file = use_file_opener(dispatch);
    let drop_zone = use_drop_zone(open_file.clone());
    let analysis = &state.analysis;

    html! {
        <div
            class={classes!("app", drop_zone.active.then_some("dropping"))}
            ondragover={drop_zone.ondragover.clone()}
            ondragleave={drop_zone.ondragleave.clone()}
            ondrop={drop_zone.ondrop.clone()}
        >
            <a class="skip-link" href="#plan">{ "Skip to the plan" }</a>
            <header class="app-header">
                <h1>{ "rollplan" }</h1>
                <p class="tagline">
                    { "Plan the rolling upgrade of a failover cluster: patch the passive node, move the services onto it, \
                       patch the node they left, fail back to verify. Everything runs in this page; nothing is sent anywhere." }
                </p>
                <PlanStatus standing={standing(&state)} />
            </header>
            <main class="workspace">
                <section class="panel describe" aria-labelledby="editor-heading">
                    <div class="panel-heading">
                        <h2 id="editor-heading"><span class="stage">{ "1" }</span>{ "Describe the cluster" }</h2>
                        <div class="toolbar">
                            <Examples selected={state.example} on_load={callbacks.load_example.clone()} />
                            <OpenFile on_file={open_file} />
                        </div>
                    </div>
                    if let Some(notice) = &state.notice {
                        <p class="notice" role="alert">{ notice.to_string() }</p>
                    }
                    <Editor
                        text={AttrValue::from(state.text.clone())}
                        syntax={analysis.syntax.name()}
                        file={state.file.clone().map(AttrValue::from)}
                        diagnostics={analysis.diagnostics.clone()}
                        reveal={state.reveal}
                        on_edit={callbacks.edit.clone()}
                    />
                </section>
                <section class={classes!("panel", "check", state.is_stale().then_some("stale"))} aria-labelledby="check-heading">
                    <h2 id="check-heading"><span class="stage">{ "2" }</span>{ "Check what it says" }</h2>
                    <DiagnosticList diagnostics={analysis.diagnostics.clone()} stale={state.is_stale()} on_reveal={callbacks.reveal.clone()} />
                    if let Some(cluster) = &analysis.cluster {
                        <ClusterSummary cluster={cluster.clone()} />
                    } else {
                        <p class="muted cluster-missing">{ "Fix the errors to see the cluster." }</p>
                    }
                </section>
                <section
                    id="plan"
                    class={classes!("panel", "plan", state.is_stale().then_some("stale"))}
                    style={format!("--timeline-rows: {}", analysis.cluster.as_ref().map_or(0, |cluster| cluster.nodes.len()))}
                    aria-labelledby="plan-heading"
                    tabindex="-1"
                >
                    <h2 id="plan-heading"><span class="stage">{ "3" }</span>{ "Upgrade plan" }
                        if let Some(cluster) = &analysis.cluster {
                            { " for " }<span class="cluster-name">{ &cluster.name }</span>
                        }
                    </h2>
                    { plan_section(&state, &callbacks) }
                </section>
            </main>
            if drop_zone.active {
                <div class="drop-overlay" aria-hidden="true"><p>{ "Drop the description to open it" }</p></div>
            }
        </div>
    }
}

/// Where the plan stands, for the header.
fn standing(state: &State) -> Standing {
    let analysis = &state.analysis;
    if let Some(plan) = &analysis.plan {
        let steps = plan.steps.len();
        Standing::Planned {
            steps,
            done: state.done().iter().filter(|&&step| step < steps).count(),
            estimate: estimate(&plan.summary),
        }
    } else if analysis.blocked.is_some() {
        Standing::Blocked
    } else {
        Standing::Invalid { errors: state.counts().0 }
    }
}

/// The plan, why there is none, or what is missing for one.
fn plan_section(state: &State, callbacks: &Callbacks) -> Html {
    let analysis = &state.analysis;
    let Some(cluster) = &analysis.cluster else {
        return html! { <p class="muted no-plan">{ "The plan appears once the description has no errors." }</p> };
    };
    if let Some(reasons) = &analysis.blocked {
        return html! { <BlockedReasons cluster={AttrValue::from(cluster.name.clone())} reasons={reasons.clone()} /> };
    }
    let (Some(plan), Some(fingerprint)) = (&analysis.plan, &analysis.fingerprint) else {
        return Html::default();
    };
    if plan.steps.is_empty() {
        return html! { <p class="no-plan">{ "Nothing to do: every node already runs every target release." }</p> };
    }
    let done = state.done();
    let current = state.current_step();
    html! {
        <>
            <PlanSummary plan={plan.clone()} fingerprint={AttrValue::from(fingerprint.clone())} done={done.clone()}
                can_undo={state.unticked.as_ref().is_some_and(|(plan, _)| plan == fingerprint)}
                on_clear={callbacks.clear_progress.clone()}
                on_undo={callbacks.undo_clear_progress.clone()}
            />
            <Timeline
                cluster={cluster.clone()}
                plan={plan.clone()}
                done={done.clone()}
                {current}
                selected={state.selected}
                on_select={callbacks.select.clone()}
            />
            <h3 class="checklist-heading">{ "Checklist" }</h3>
            <Checklist plan={plan.clone()} {done} {current} selected={state.selected} on_done={callbacks.set_done.clone()} on_select={callbacks.select.clone()} />
        </>
    }
}
