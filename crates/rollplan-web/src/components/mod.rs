//! The app's components, one per file. Only `App` holds state.

pub mod app;
pub mod cluster_summary;
pub mod diagnostics;
pub mod editor;
pub mod examples;
