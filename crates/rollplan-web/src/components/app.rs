//! The whole app: owns the state, lays out the page, turns events into actions.
//!
//! The page reads top to bottom as the work goes: describe the cluster (editor),
//! check what the core understood (diagnostics and cluster summary, beside the
//! editor), then plan (summary bar with the share and export buttons, the
//! comparison with another plan, timeline, checklist). A plan opened from a
//! link has a banner above it all, with its fingerprint.
//!
//! Typing changes only the text, so a keystroke must re-render only the
//! editor: every callback handed down is made once ([`Callbacks`]), so the
//! other components see equal props and skip rendering. A fresh `reform` per
//! render would make every step and timeline cell re-render on each keystroke.

use yew::prelude::*;

use web_sys::File;

use crate::components::blocked::BlockedReasons;
use crate::components::carried_notice::CarriedNotice;
use crate::components::checklist::Checklist;
use crate::components::cluster_summary::ClusterSummary;
use crate::components::compare::ComparePlans;
use crate::components::diagnostics::DiagnosticList;
use crate::components::editor::Editor;
use crate::components::examples::Examples;
use crate::components::inventory_offer::InventoryOffer;
use crate::components::link_error::LinkError;
use crate::components::open_file::OpenFile;
use crate::components::plan_status::{PlanStatus, Standing};
use crate::components::plan_summary::PlanSummary;
use crate::components::preflight::Preflight;
use crate::components::progress_tools::{ProgressTools, ProgressToolsProps};
use crate::components::share_tools::ShareTools;
use crate::components::shared_banner::SharedBanner;
use crate::components::storage_notice::StorageNotice;
use crate::components::timeline::Timeline;
use crate::hooks::export::save_progress;
use crate::hooks::export::use_exports;
use crate::hooks::files::{use_comparison_file, use_drop_zone, use_file_opener, use_progress_import};
use crate::hooks::link::go_to_plan;
use crate::hooks::style::use_style_property;
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
    set_preflight_done: Callback<(usize, bool)>,
    select: Callback<usize>,
    clear_progress: Callback<()>,
    undo_clear_progress: Callback<()>,
    keep_shared: Callback<()>,
    cancel_keep_shared: Callback<()>,
    back_to_own: Callback<()>,
    dismiss_link_error: Callback<()>,
    close_link: Callback<()>,
    compare: Callback<String>,
    swap_comparison: Callback<()>,
    close_comparison: Callback<()>,
    go_to_plan: Callback<MouseEvent>,
    dismiss_storage_notice: Callback<()>,
    dismiss_kept_aside: Callback<()>,
    dismiss_carried_over: Callback<()>,
    convert_inventory: Callback<()>,
    revert_inventory: Callback<()>,
    dismiss_inventory: Callback<()>,
    paste_inventory: Callback<String>,
    show_inventory: Callback<()>,
    put_back_replaced: Callback<()>,
}

impl Callbacks {
    fn new(dispatch: &Callback<Action>) -> Self {
        Callbacks {
            edit: dispatch.reform(Action::Edit),
            load_example: dispatch.reform(Action::LoadExample),
            reveal: dispatch.reform(Action::RevealDiagnostic),
            set_done: dispatch.reform(|(step, done)| Action::SetDone { step, done }),
            set_preflight_done: dispatch.reform(|(check, done)| Action::SetPreflightDone { check, done }),
            select: dispatch.reform(Action::Select),
            clear_progress: dispatch.reform(|()| Action::ClearProgress),
            undo_clear_progress: dispatch.reform(|()| Action::UndoClearProgress),
            keep_shared: dispatch.reform(|()| Action::KeepShared),
            cancel_keep_shared: dispatch.reform(|()| Action::CancelKeepShared),
            back_to_own: dispatch.reform(|()| Action::BackToOwn),
            dismiss_link_error: dispatch.reform(|()| Action::DismissLinkError),
            close_link: dispatch.reform(|()| Action::CloseLink),
            compare: dispatch.reform(Action::CompareWith),
            swap_comparison: dispatch.reform(|()| Action::SwapComparison),
            close_comparison: dispatch.reform(|()| Action::CloseComparison),
            go_to_plan: Callback::from(|event: MouseEvent| go_to_plan(&event)),
            dismiss_storage_notice: dispatch.reform(|()| Action::DismissStorageNotice),
            dismiss_carried_over: dispatch.reform(|()| Action::DismissCarriedOver),
            dismiss_kept_aside: dispatch.reform(|()| Action::DismissKeptAside),
            convert_inventory: dispatch.reform(|()| Action::ConvertInventory),
            revert_inventory: dispatch.reform(|()| Action::RevertInventory),
            dismiss_inventory: dispatch.reform(|()| Action::DismissInventory),
            paste_inventory: dispatch.reform(Action::PasteInventory),
            show_inventory: dispatch.reform(|()| Action::ShowInventory),
            put_back_replaced: dispatch.reform(|()| Action::PutBackReplaced),
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
    let open_file = use_file_opener(dispatch.clone());
    let compare_file = use_comparison_file(dispatch.clone());
    let import_progress = use_progress_import(dispatch);
    // Made once, reading the progress of the latest render.
    let latest_progress = use_mut_ref(|| state.ticks.progress.clone());
    *latest_progress.borrow_mut() = state.ticks.progress.clone();
    let export_progress = use_memo((), move |()| Callback::from(move |()| save_progress(&latest_progress.borrow())));
    let progress_tools = ProgressToolsProps {
        message: state.ticks.import_message.clone().map(AttrValue::from),
        on_export: (*export_progress).clone(),
        on_import: import_progress,
    };
    let drop_zone = use_drop_zone(open_file.clone());
    let exports = use_exports(&state);
    let analysis = &state.document.analysis;
    // The sticky timeline's height, for where steps scroll to (see style.css).
    let plan = use_node_ref();
    let rows = analysis.cluster.as_ref().map_or(0, |cluster| cluster.nodes().len());
    use_style_property(&plan, "--timeline-rows", rows.to_string());

    html! {
        <div
            class={classes!("app", drop_zone.active.then_some("dropping"))}
            ondragover={drop_zone.ondragover.clone()}
            ondragleave={drop_zone.ondragleave.clone()}
            ondrop={drop_zone.ondrop.clone()}
        >
            <a class="skip-link" href="#plan" onclick={callbacks.go_to_plan.clone()}>{ "Skip to the plan" }</a>
            <header class="app-header">
                <h1>{ "rollplan" }</h1>
                <p class="tagline">
                    { "Plan the rolling upgrade of a failover cluster: patch the passive node, move the services onto it, \
                       patch the node they left, fail back to verify. Everything runs in this page; nothing is sent anywhere." }
                </p>
                <PlanStatus standing={standing(&state)} on_click={callbacks.go_to_plan.clone()} />
            </header>
            <StorageNotice
                memory_only={state.notices.memory_only && !state.notices.memory_notice_dismissed}
                kept_aside={state.notices.kept_aside.clone()}
                on_dismiss_memory={callbacks.dismiss_storage_notice.clone()}
                on_dismiss_kept_aside={callbacks.dismiss_kept_aside.clone()}
            />
            if let Some(message) = &state.sharing.link_error {
                <LinkError message={AttrValue::from(message.clone())} on_dismiss={callbacks.dismiss_link_error.clone()} />
            }
            if let Some(shared) = &state.sharing.shared {
                <SharedBanner
                    shared={shared.clone()}
                    cluster={analysis.cluster.as_ref().map(|cluster| AttrValue::from(cluster.name().to_owned()))}
                    fingerprint={analysis.fingerprint.clone().map(AttrValue::from)}
                    on_keep={callbacks.keep_shared.clone()}
                    on_cancel={callbacks.cancel_keep_shared.clone()}
                    on_back={callbacks.back_to_own.clone()}
                />
            }
            <main class="workspace">
                <section class="panel describe" aria-labelledby="editor-heading">
                    <div class="panel-heading">
                        <h2 id="editor-heading"><span class="stage">{ "1" }</span>{ "Describe the cluster" }</h2>
                        <div class="toolbar">
                            <Examples selected={state.document.example} on_load={callbacks.load_example.clone()} />
                            <OpenFile on_file={open_file} />
                        </div>
                    </div>
                    if let Some(notice) = &state.document.notice {
                        <p class="notice" role="alert">{ notice.to_string() }</p>
                    }
                    <InventoryOffer
                        offered={crate::state::inventory::offered(&state.document).cloned()}
                        converted={state.inventory.converted.clone()}
                        on_convert={callbacks.convert_inventory.clone()}
                        on_revert={callbacks.revert_inventory.clone()}
                        on_dismiss={callbacks.dismiss_inventory.clone()}
                        replaced={state.inventory.can_put_back(&state.document)}
                        on_put_back={callbacks.put_back_replaced.clone()}
                    />
                    <Editor
                        text={AttrValue::from(state.document.text.clone())}
                        syntax={analysis.syntax.name()}
                        file={state.document.file.clone().map(AttrValue::from)}
                        diagnostics={analysis.diagnostics.clone()}
                        reveal={state.document.reveal}
                        on_edit={callbacks.edit.clone()}
                        readonly={state.sharing.shared.is_some()}
                        held={state.inventory.holds(&state.document)}
                        saved={state.text_to_save().is_some()}
                        on_paste_inventory={callbacks.paste_inventory.clone()}
                        on_show={callbacks.show_inventory.clone()}
                    />
                </section>
                <section class={classes!("panel", "check", state.document.is_stale().then_some("stale"))} aria-labelledby="check-heading">
                    <h2 id="check-heading"><span class="stage">{ "2" }</span>{ "Check what it says" }</h2>
                    <DiagnosticList diagnostics={analysis.diagnostics.clone()} stale={state.document.is_stale()} pending={analysis.is_pending()} on_reveal={callbacks.reveal.clone()} />
                    if let Some(cluster) = &analysis.cluster {
                        <ClusterSummary
                            // Another cluster starts summed up again; edits to this one keep "Show all".
                            key={format!("{} {} {} {}", cluster.name(), cluster.nodes().len(), cluster.services().len(), cluster.replicated().len())}
                            cluster={cluster.clone()}
                        />
                    } else if analysis.is_pending() {
                        <p class="muted cluster-missing">{ "Checking the description…" }</p>
                    } else {
                        <p class="muted cluster-missing">{ "Fix the errors to see the cluster." }</p>
                    }
                </section>
                <section
                    id="plan"
                    ref={plan}
                    class={classes!("panel", "plan", state.document.is_stale().then_some("stale"))}
                    aria-labelledby="plan-heading"
                    tabindex="-1"
                >
                    <div class="panel-heading">
                        <h2 id="plan-heading"><span class="stage">{ "3" }</span>{ "Upgrade plan" }
                            if let Some(cluster) = &analysis.cluster {
                                { " for " }<span class="cluster-name">{ cluster.name() }</span>
                            }
                        </h2>
                        <ShareTools
                            exports={exports.clone()}
                            has_plan={analysis.plan.as_ref().is_some_and(|plan| !plan.steps.is_empty())}
                            has_platform={analysis.cluster.as_ref().is_some_and(|cluster| !cluster.platform().is_generic())}
                            share={state.sharing.share.clone()}
                            on_close_link={callbacks.close_link.clone()}
                        />
                    </div>
                    <div class="plan-body">{ plan_section(&state, &callbacks, &compare_file, progress_tools, &exports.copy_text) }</div>
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
    let analysis = &state.document.analysis;
    if analysis.is_pending() {
        Standing::Checking
    } else if let Some(plan) = &analysis.plan {
        let steps = plan.steps.len();
        Standing::Planned {
            steps,
            done: state.done().iter().filter(|&&step| step < steps).count(),
            estimate: estimate(&plan.summary),
        }
    } else if analysis.blocked.is_some() {
        Standing::Blocked
    } else {
        Standing::Invalid { errors: state.document.counts().0 }
    }
}

/// The plan, why there is none, or what is missing for one.
fn plan_section(
    state: &State,
    callbacks: &Callbacks,
    compare_file: &Callback<File>,
    tools: ProgressToolsProps,
    copy: &Callback<String>,
) -> Html {
    let analysis = &state.document.analysis;
    let Some(cluster) = &analysis.cluster else {
        if analysis.is_pending() {
            return html! { <p class="muted no-plan">{ "Checking the description…" }</p> };
        }
        return html! { <p class="muted no-plan">{ "The plan appears once the description has no errors." }</p> };
    };
    if let Some(reasons) = &analysis.blocked {
        return html! { <BlockedReasons cluster={AttrValue::from(cluster.name().to_owned())} reasons={reasons.clone()} /> };
    }
    let (Some(plan), Some(fingerprint)) = (&analysis.plan, &analysis.fingerprint) else {
        return Html::default();
    };
    if plan.steps.is_empty() {
        return html! { <p class="no-plan">{ "Nothing to do: every node already runs every target release." }</p> };
    }
    let done = state.done();
    let preflight_done = state.preflight_done();
    let current = state.current_step();
    html! {
        <>
            <PlanSummary plan={plan.clone()} fingerprint={AttrValue::from(fingerprint.clone())} done={done.clone()}
                preflight_done={preflight_done.len()}
                can_undo={state.ticks.unticked.as_ref().is_some_and(|unticked| unticked.plan == *fingerprint)}
                on_clear={callbacks.clear_progress.clone()}
                on_undo={callbacks.undo_clear_progress.clone()}
            />
            if let Some(carried) = &state.ticks.carried {
                <CarriedNotice carried={carried.clone()} on_dismiss={callbacks.dismiss_carried_over.clone()} />
            }
            <ProgressTools ..tools />
            <ComparePlans
                review={state.review.clone()}
                fingerprint={AttrValue::from(fingerprint.clone())}
                on_compare={callbacks.compare.clone()}
                on_file={compare_file.clone()}
                on_swap={callbacks.swap_comparison.clone()}
                on_close={callbacks.close_comparison.clone()}
            />
            <Timeline
                cluster={cluster.clone()}
                plan={plan.clone()}
                done={done.clone()}
                {current}
                selected={state.document.selected}
                on_select={callbacks.select.clone()}
            />
            if let Some(list) = &state.document.analysis.preflight {
                <Preflight checks={list.checks.clone()} done={preflight_done} on_done={callbacks.set_preflight_done.clone()} on_copy={copy.clone()} />
            }
            <h3 class="checklist-heading">{ "Checklist" }</h3>
            <Checklist cluster={cluster.clone()} plan={plan.clone()} {done} {current} selected={state.document.selected} on_done={callbacks.set_done.clone()} on_select={callbacks.select.clone()} on_copy={copy.clone()} />
        </>
    }
}
