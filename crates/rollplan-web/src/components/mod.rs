//! The app's components, one per file. Only `App` holds state; the others
//! get props and callbacks.

pub mod app;
pub mod blocked;
pub mod checklist;
pub mod cluster_summary;
pub mod diagnostics;
pub mod editor;
pub mod examples;
pub mod line_numbers;
pub mod open_file;
pub mod plan_status;
pub mod plan_summary;
pub mod step_item;
pub mod timeline;
pub mod timeline_legend;
