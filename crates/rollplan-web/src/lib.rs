//! rollplan in the browser: describe a cluster, see it validated as you type,
//! and work through its upgrade plan as a checklist with a timeline.
//!
//! Everything runs in the page: the core is compiled in as ordinary Rust, and
//! nothing is sent anywhere.
//!
//! Layout, after Yew's `function_todomvc` example, with the domain kept free
//! of Yew:
//! - [`state`]: the state and its transitions, plain Rust, unit-tested natively,
//!   with the pure helpers it and the views use: [`progress`] (ticks per plan),
//!   [`record`] (what storage holds, versioned), [`timeline`] (the picture as
//!   data), [`list_window`] (which steps of a long checklist are rendered),
//!   [`text_position`] (line/column to textarea offsets) and [`wording`]; plan
//!   links ([`sharing`]), comparing plans ([`review`]) and what the export
//!   buttons download ([`export`]); [`handover`], an analysis as the
//!   analysis worker sends it to the page (and the worker's entry point);
//! - `reducer`: the `yew::Reducible` adapter for that state;
//! - [`hooks`]: the browser at the edge: storage, the analysis debounce, files,
//!   the address bar, the clipboard, downloads, the service worker, the
//!   checklist's view of the screen;
//! - [`components`]: one component per file; only [`App`] holds the app's
//!   state, the others get props and callbacks (the checklist keeps what is
//!   on screen, which is a view's own business).
//!
//! Text from descriptions (names, versions) is rendered as text nodes only,
//! never as HTML.

pub mod components;
pub mod export;
pub mod handover;
pub mod hooks;
pub mod list_window;
pub mod progress;
pub mod record;
mod reducer;
pub mod state;
pub mod text_position;
pub mod timeline;
pub mod wording;

pub use components::app::App;
