//! `cargo xtask test`: every check CI runs, as one ordered list of steps.
//!
//! Each step is one command. Steps run in order and the first failure stops
//! the run (later steps would mostly repeat the same compile error), with a
//! non-zero exit and the failed step's name. Cheap, likely-to-fail steps come
//! first so a broken build fails in minutes, not after the browser tests.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::cmd::{self, Env, Result};
use crate::tools::{Browser, WASM_TARGET};

/// The property tests' seed in CI (any fixed number; changing it draws other cases).
const PROPERTY_SEED: &str = "20261125";

/// One check: a name for the heading and the summary, and the command to run.
#[derive(Debug)]
struct Step {
    name: &'static str,
    program: OsString,
    args: Vec<String>,
    vars: Vec<(&'static str, OsString)>,
}

impl Step {
    fn new(name: &'static str, program: impl Into<OsString>, args: &[&str]) -> Self {
        Step { name, program: program.into(), args: args.iter().map(|&arg| arg.to_owned()).collect(), vars: Vec::new() }
    }

    fn env(mut self, name: &'static str, value: impl Into<OsString>) -> Self {
        self.vars.push((name, value.into()));
        self
    }

    fn args(mut self, args: impl IntoIterator<Item = String>) -> Self {
        self.args.extend(args);
        self
    }
}

/// The checks, in the order they run.
fn steps(root: &Path, browser: &Browser) -> Vec<Step> {
    // This very program, to run `dist` as a step; the target directory, for the CLI's binary.
    let xtask = std::env::current_exe().map_or_else(|_| OsString::from("cargo-xtask"), OsString::from);
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    vec![
        // Native: core, CLI, xtask, and the web app's reducer (its state has no browser code).
        // `--no-fail-fast` shows every failing test binary in one run; the step still fails.
        // Seconds, and a diff that is nobody's fault is cheaper to catch first.
        Step::new("formatting (cargo fmt --check)", "cargo", &["fmt", "--all", "--", "--check"]),
        // The property tests draw the same cases on every run here, so CI is
        // repeatable; `cargo test` by hand draws new ones, to find what these miss.
        Step::new("native tests", "cargo", &["test", "--workspace", "--no-fail-fast"])
            .env("PROPTEST_RNG_SEED", PROPERTY_SEED)
            // The tools installed shellcheck: the shell runbooks' lint must run, not be skipped.
            .env("ROLLPLAN_REQUIRE_SHELLCHECK", "1"),
        Step::new("clippy (native)", "cargo", &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        // The browser tests (crates/rollplan-web/tests/browser.rs) are only compiled for wasm32.
        Step::new(
            "clippy (wasm32, rollplan-web)",
            "cargo",
            &["clippy", "-p", "rollplan-web", "--target", WASM_TARGET, "--all-targets", "--", "-D", "warnings"],
        ),
        // The browser bench (crates/rollplan-bench/tests/wasm.rs) is only compiled for wasm32;
        // `cargo xtask bench-wasm` runs it, CI only checks that it builds.
        Step::new(
            "clippy (wasm32, rollplan-bench)",
            "cargo",
            &[
                "clippy",
                "-p",
                "rollplan-bench",
                "--target",
                WASM_TARGET,
                "--lib",
                "--bins",
                "--tests",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The core must stay free of anything that does not compile to wasm32 (files, threads, clocks).
        Step::new("core builds for wasm32", "cargo", &["build", "-p", "rollplan-core", "--target", WASM_TARGET]),
        // The fuzz targets run with a nightly sanitizer toolchain (`cargo xtask fuzz`), outside the
        // workspace; checking that they still build on stable keeps them from rotting unseen (they once
        // did, for a whole session, when the cluster got typed ids).
        Step::new(
            "fuzz targets build (cargo check)",
            "cargo",
            &["check", "--manifest-path", "fuzz/Cargo.toml", "--bins"],
        ),
        // The app mounted in real headless Chromium; cargo runs them through wasm-bindgen-test-runner
        // (.cargo/config.toml), which drives Chromium through chromedriver with the flags in
        // webdriver.json (named by absolute path: the runner would look in its working directory).
        Step::new(
            "web app tests in headless Chromium",
            "cargo",
            &["test", "-p", "rollplan-web", "--target", WASM_TARGET, "--test", "browser"],
        )
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root.join("crates/rollplan-web/webdriver.json")),
        // The release bundle exactly as users get it (`cargo xtask dist`: Trunk, then the CSP and
        // the service worker), so a broken bundle fails CI.
        Step::new("release bundle (cargo xtask dist)", xtask, &["dist"]),
        // The end-to-end tests make plan links with the command line, as a planner would.
        Step::new("command line for the end-to-end test", "cargo", &["build", "-p", "rollplan-cli"]),
        // That bundle served over HTTP on 127.0.0.1 (by the tests themselves, under a sub-path) and
        // driven in Chromium through playwright-core: examples, ticks, files, plan links, the CSP,
        // offline use, exports and comparisons.
        Step::new("end-to-end test (dist/ in Chromium)", "node", &["--test"])
            .args(e2e_test_files(root))
            .env("CHROMIUM", &browser.chromium)
            .env("ROLLPLAN_CLI", target.join("debug").join("rollplan")),
    ]
}

/// The end-to-end test files, named explicitly: how `node --test` reads a
/// directory argument differs between Node versions.
fn e2e_test_files(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(root.join("e2e"))
        .into_iter()
        .flatten()
        .filter_map(std::result::Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("e2e/{name}"))
        .collect();
    files.sort();
    files
}

/// Runs every step; the error names the step that failed.
pub fn run(env: &Env, browser: &Browser) -> Result<()> {
    let steps = steps(&env.root, browser);
    let total = steps.len();
    let started = Instant::now();
    for (index, step) in steps.iter().enumerate() {
        println!("\n==> [{}/{total}] {}", index + 1, step.name);
        let step_started = Instant::now();
        let mut command = env.command(&step.program);
        command.args(&step.args);
        for (name, value) in &step.vars {
            command.env(name, value);
        }
        if let Err(error) = cmd::run(&mut command) {
            println!("\nxtask test: step {}/{total} \"{}\" FAILED: {error}", index + 1, step.name);
            println!("test: {index} passed, 1 failed");
            return Err(format!("step \"{}\" failed", step.name));
        }
        println!("--- {} ok ({}s)", step.name, step_started.elapsed().as_secs());
    }
    println!("\nxtask test: all {total} steps passed in {}s", started.elapsed().as_secs());
    println!("test: {total} passed, 0 failed");
    Ok(())
}
