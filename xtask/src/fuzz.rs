//! `cargo xtask fuzz [SECONDS]`: a short, bounded run of every fuzz target.
//!
//! cargo-fuzz (libFuzzer) needs a nightly compiler for its sanitizer flags:
//! the nightly toolchain when rustup has one, else the stable compiler with
//! `RUSTC_BOOTSTRAP=1` (the same compiler, its nightly features unlocked).
//! The `validate` target starts from every description in tests/, so it
//! begins where the golden tests end. A crash fails the command and leaves
//! its input under fuzz/artifacts/<target>/: copy it to tests/cases/ as a
//! regression case, fix the code, update the snapshots.

use std::path::Path;

use crate::cmd::{self, Env, Result};

/// cargo-fuzz's version, pinned so every machine fuzzes the same way.
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// The targets in fuzz/Cargo.toml, each with what it checks.
const TARGETS: &[(&str, &str)] = &[
    ("validate", "arbitrary bytes read as YAML, TOML and JSON; valid input plans and checks"),
    ("plan", "arbitrary structured clusters: plans the independent checker accepts, deterministically"),
    ("link", "arbitrary plan links: bounded decoding, round trips"),
];

pub fn run(env: &Env, seconds: u32) -> Result<()> {
    if env.probe("cargo", &["fuzz", "--version"]).is_none_or(|version| !version.contains(CARGO_FUZZ_VERSION)) {
        println!("install cargo-fuzz {CARGO_FUZZ_VERSION} (cargo install compiles it, about 2 minutes)");
        env.run("cargo", &["install", "cargo-fuzz", "--version", CARGO_FUZZ_VERSION, "--locked"])?;
    }
    let nightly =
        env.probe("rustup", &["toolchain", "list"]).is_some_and(|list| list.lines().any(|l| l.starts_with("nightly")));
    let fuzz_dir = env.root.join("fuzz");
    seed_corpus(&env.root, &fuzz_dir.join("corpus/validate"))?;
    for (target, what) in TARGETS {
        crate::heading(&format!("fuzz {target} for {seconds} s: {what}"));
        let mut command = env.command("cargo");
        if nightly {
            command.arg("+nightly");
        } else {
            command.env("RUSTC_BOOTSTRAP", "1");
        }
        command
            .args(["fuzz", "run", "-O", target, "--"])
            .arg(format!("-max_total_time={seconds}"))
            .arg("-rss_limit_mb=2048")
            .current_dir(&fuzz_dir);
        cmd::run(&mut command).map_err(|error| {
            format!("{error}\nthe crashing input is in fuzz/artifacts/{target}/: add it to tests/cases/ as a regression case")
        })?;
    }
    Ok(())
}

/// Copies the descriptions of tests/ into the validate target's corpus.
fn seed_corpus(root: &Path, corpus: &Path) -> Result<()> {
    std::fs::create_dir_all(corpus).map_err(|error| format!("cannot create {}: {error}", corpus.display()))?;
    for folder in ["tests/examples", "tests/cases"] {
        let entries = std::fs::read_dir(root.join(folder)).map_err(|error| format!("cannot list {folder}: {error}"))?;
        for entry in entries.filter_map(std::result::Result::ok) {
            let path = entry.path();
            let is_description = path.extension().is_some_and(|e| e == "yaml" || e == "toml" || e == "json");
            if is_description {
                let _ = std::fs::copy(&path, corpus.join(entry.file_name()));
            }
        }
    }
    Ok(())
}
