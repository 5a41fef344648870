//! rollplan's core: the cluster description, its validation, the upgrade
//! planner, and the independent checker that replays its plans.
//!
//! Sans-IO: every function takes plain data and returns plain data. No files,
//! no clock, no randomness, no web crates; the same code runs in the CLI and,
//! compiled to WebAssembly, in the browser.
//!
//! The core never panics on input: every problem is a `Diagnostic`, a
//! `Blocked` reason or an error value. The lints below make that checkable:
//! no `unwrap`, `expect`, indexing or slicing, and no panicking macro in the
//! library. A lookup that a documented invariant guarantees still goes
//! through `get` and says what to do if the invariant ever breaks (a
//! `Blocked` reason from the planner, a `Violation` from the checker).
//! Unit tests may panic: that is how they fail. (`[lints] workspace = true`
//! in Cargo.toml cannot be mixed with a per-crate lint table, hence
//! attributes; the integration tests under `tests/` are separate crates.)
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

// The unit tests share the integration tests' generator of arbitrary
// clusters, which names this crate as they do.
#[cfg(test)]
extern crate self as rollplan_core;
#[cfg(test)]
#[path = "../tests/common/arbitrary.rs"]
mod arbitrary;

pub mod check;
pub mod compare;
pub mod diagnostic;
mod diff;
mod fingerprint;
pub mod import;
pub mod json_text;
pub mod link;
pub mod model;
pub mod plan;
pub mod platform;
mod read;
pub mod replicas;
pub mod report;
pub mod runbook;
pub mod skew;
pub mod syntax;
mod validate;
pub mod version;

pub use diagnostic::{Code, Diagnostic, LineIndex, Severity, Span};
pub use fingerprint::{description_fingerprint, fingerprint, preflight_fingerprint};
pub use model::Cluster;
pub use read::SUPPORTED_FORMATS;
pub use report::{Analysis, analyze};
pub use syntax::Syntax;
pub use validate::{MAX_INPUT_BYTES, MAX_NODES, MAX_SERVICES, Validation, validate, validate_as};
