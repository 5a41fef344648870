//! rollplan in the browser: edit a cluster description and see, as you type,
//! what the core says about it.
//!
//! Layout, after Yew's `function_todomvc` example, with the domain kept free
//! of Yew:
//! - [`state`]: the state and its transitions, plain Rust, unit-tested natively;
//! - `reducer`: the `yew::Reducible` adapter for that state;
//! - [`hooks`]: browser storage, at the edge;
//! - [`components`]: one component per file; only [`App`] holds state, the
//!   others get props and callbacks.
//!
//! Text from descriptions is rendered as text nodes only, never as HTML.

pub mod components;
pub mod hooks;
mod reducer;
pub mod state;

pub use components::app::App;
