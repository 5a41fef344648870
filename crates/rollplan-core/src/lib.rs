//! rollplan's core: the cluster description, its validation, the upgrade
//! planner, and the independent checker that replays its plans.
//!
//! Sans-IO: every function takes plain data and returns plain data. No files,
//! no clock, no randomness, no web crates; the same code runs in the CLI and,
//! compiled to WebAssembly, in the browser.

pub mod check;
pub mod compare;
pub mod diagnostic;
mod fingerprint;
pub mod link;
pub mod model;
pub mod plan;
mod read;
pub mod report;
pub mod syntax;
mod validate;
pub mod version;

pub use diagnostic::{Code, Diagnostic, LineIndex, Severity, Span};
pub use model::Cluster;
pub use read::SUPPORTED_FORMATS;
pub use syntax::Syntax;
pub use validate::{MAX_INPUT_BYTES, MAX_NODES, MAX_SERVICES, Validation, validate, validate_as};
pub use fingerprint::fingerprint;
pub use report::{Analysis, analyze};
