//! The whole app: owns the state, lays out the panels, turns events into actions.

use yew::prelude::*;

use crate::components::cluster_summary::ClusterSummary;
use crate::components::diagnostics::DiagnosticList;
use crate::components::editor::Editor;
use crate::components::examples::Examples;
use crate::hooks::use_app_state;
use crate::state::Action;

#[component]
pub fn App() -> Html {
    let state = use_app_state();

    let on_edit = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    };
    let on_load = {
        let state = state.dispatcher();
        Callback::from(move |name: String| state.dispatch(Action::LoadExample(name)))
    };

    html! {
        <div class="app">
            <header class="app-header">
                <h1>{ "rollplan" }</h1>
                <p class="tagline">{ "Plan rolling upgrades of failover clusters." }</p>
            </header>
            <main class="panels">
                <section class="panel editor-panel" aria-labelledby="editor-heading">
                    <div class="panel-heading">
                        <h2 id="editor-heading">{ "Description" }</h2>
                        <Examples selected={state.example} on_load={on_load} />
                    </div>
                    <Editor text={AttrValue::from(state.text.clone())} syntax={state.syntax.name()} on_edit={on_edit} />
                </section>
                <section class="panel results-panel">
                    <DiagnosticList diagnostics={state.diagnostics.clone()} />
                    if let Some(cluster) = &state.cluster {
                        <ClusterSummary cluster={cluster.clone()} />
                    } else {
                        <p class="muted cluster-missing">{ "Fix the errors to see the cluster." }</p>
                    }
                </section>
            </main>
        </div>
    }
}
