//! `cargo xtask test`: every check CI runs, as one ordered list of steps.
//!
//! Each step is one command. Steps run in order and the first failure stops
//! the run (later steps would mostly repeat the same compile error), with a
//! non-zero exit and the failed step's name. Cheap, likely-to-fail steps come
//! first so a broken build fails in minutes, not after the browser tests.

use std::ffi::OsString;
use std::path::Path;
use std::time::Instant;

use crate::cmd::{self, Env, Result};
use crate::tools::{Browser, WASM_TARGET};

/// One check: a name for the heading and the summary, and the command to run.
#[derive(Debug)]
struct Step {
    name: &'static str,
    program: &'static str,
    args: Vec<String>,
    vars: Vec<(&'static str, OsString)>,
}

impl Step {
    fn new(name: &'static str, program: &'static str, args: &[&str]) -> Self {
        Step {
            name,
            program,
            args: args.iter().map(|&arg| arg.to_owned()).collect(),
            vars: Vec::new(),
        }
    }

    fn env(mut self, name: &'static str, value: impl Into<OsString>) -> Self {
        self.vars.push((name, value.into()));
        self
    }

    fn envs(self, vars: &[(&'static str, &'static str)]) -> Self {
        vars.iter().fold(self, |step, &(name, value)| step.env(name, value))
    }

    fn args(mut self, args: impl IntoIterator<Item = String>) -> Self {
        self.args.extend(args);
        self
    }
}

/// The checks, in the order they run.
fn steps(root: &Path, browser: &Browser) -> Vec<Step> {
    vec![
        // Native: core, CLI, xtask, and the web app's reducer (its state has no browser code).
        // `--no-fail-fast` shows every failing test binary in one run; the step still fails.
        Step::new(
            "native tests",
            "cargo",
            &["test", "--workspace", "--no-fail-fast"],
        ),
        Step::new(
            "clippy (native)",
            "cargo",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The browser tests (crates/rollplan-web/tests/browser.rs) are only compiled for wasm32.
        Step::new(
            "clippy (wasm32, rollplan-web)",
            "cargo",
            &[
                "clippy",
                "-p",
                "rollplan-web",
                "--target",
                WASM_TARGET,
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The core must stay free of anything that does not compile to wasm32 (files, threads, clocks).
        Step::new(
            "core builds for wasm32",
            "cargo",
            &["build", "-p", "rollplan-core", "--target", WASM_TARGET],
        ),
        // The app mounted in real headless Chromium; cargo runs them through wasm-bindgen-test-runner
        // (.cargo/config.toml), which drives Chromium through chromedriver with the flags in
        // webdriver.json (named by absolute path: the runner would look in its working directory).
        Step::new(
            "web app tests in headless Chromium",
            "cargo",
            &[
                "test",
                "-p",
                "rollplan-web",
                "--target",
                WASM_TARGET,
                "--test",
                "browser",
            ],
        )
        .env("CHROMEDRIVER", &browser.chromedriver)
        .env(
            "WASM_BINDGEN_TEST_WEBDRIVER_JSON",
            root.join("crates/rollplan-web/webdriver.json"),
        ),
        // The release bundle exactly as `cargo xtask dist` makes it, so a broken bundle fails CI.
        Step::new(
            "release bundle (trunk build)",
            "trunk",
            &["build", "--release", "--offline"],
        )
        .envs(crate::WEB_BUNDLE_ENV),
        // That bundle served over HTTP on 127.0.0.1 (by the test itself, under a sub-path) and
        // driven in Chromium through playwright-core: pick an example, tick, reload, break the text.
        Step::new("end-to-end test (dist/ in Chromium)", "node", &["--test"])
            .args(e2e_test_files(root))
            .env("CHROMIUM", &browser.chromium),
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
        let mut command = env.command(step.program);
        command.args(&step.args);
        for (name, value) in &step.vars {
            command.env(name, value);
        }
        if let Err(error) = cmd::run(&mut command) {
            println!(
                "\nxtask test: step {}/{total} \"{}\" FAILED: {error}",
                index + 1,
                step.name
            );
            println!("test: {index} passed, 1 failed");
            return Err(format!("step \"{}\" failed", step.name));
        }
        println!(
            "--- {} ok ({}s)",
            step.name,
            step_started.elapsed().as_secs()
        );
    }
    println!(
        "\nxtask test: all {total} steps passed in {}s",
        started.elapsed().as_secs()
    );
    println!("test: {total} passed, 0 failed");
    Ok(())
}
