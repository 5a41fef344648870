//! The web app's entry point, built by Trunk (see index.html).

fn main() {
    yew::Renderer::<rollplan_web::App>::new().render();
}
