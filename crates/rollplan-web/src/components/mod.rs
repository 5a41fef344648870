//! The app's components, one per file. Only `App` holds the app's state; the
//! others get props and callbacks, and keep at most what only their view
//! needs (a step's folded risks opened, which steps are on screen).

pub mod app;
pub mod blocked;
pub mod carried_notice;
pub mod checklist;
pub mod cluster_summary;
pub mod command_lines;
pub mod compare;
pub mod comparison;
pub mod diagnostics;
pub mod editor;
pub mod examples;
pub mod inventory_offer;
pub mod line_mark;
pub mod line_numbers;
pub mod link_error;
pub mod link_field;
pub mod open_file;
pub mod plan_status;
pub mod plan_summary;
pub mod preflight;
pub mod progress_tools;
pub mod share_tools;
pub mod shared_banner;
pub mod step_item;
pub mod storage_notice;
pub mod timeline;
pub mod timeline_legend;
