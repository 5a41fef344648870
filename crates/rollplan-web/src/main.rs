//! The web app's entry point, built by Trunk (see index.html).

fn main() {
    // The analysis worker instantiates this same wasm (hooks/analysis_worker.rs),
    // which runs `main` there too: a worker has no window and nothing to render.
    if web_sys::window().is_some() {
        yew::Renderer::<rollplan_web::App>::new().render();
    }
}
