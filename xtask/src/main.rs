//! The project's task runner, `cargo xtask <command>` (alias in .cargo/config.toml).
//!
//! Plain Rust with no dependencies, so it builds in seconds on a fresh machine
//! before any tool exists, and works the same for a developer and for CI.
//! Each command first makes sure the tools it needs are installed (tools.rs),
//! then runs them (cmd.rs); `test` is the list of checks in test.rs.

mod bench_wasm;
mod cmd;
mod compress;
mod dist;
mod fuzz;
mod size;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cmd::{Env, Result};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  test    install missing tools, then run every check CI runs:
          native tests, clippy, the wasm32 build, the web app's tests in
          headless Chromium, the release bundle, and the end-to-end test
          of that bundle served on 127.0.0.1 in Chromium
  dist    install missing tools, then build the release web app into dist/:
          self-contained (relative URLs, nothing from other origins), with a
          Content-Security-Policy, a service worker for offline use, and a
          .gz and a .br copy of each file for hosts that serve them
  size    build the release bundle, print each file raw, gzipped and in
          Brotli, and fail when a first visit downloads more than 360 KiB
          gzipped
  serve   install missing tools, then build and serve the web app at
          http://127.0.0.1:8080 (rebuilds on change)
  fuzz [SECONDS]
          run every fuzz target (cargo-fuzz, libFuzzer) for SECONDS each
          (default 60); installs cargo-fuzz when missing
  tools   only install missing tools
  bench-wasm
          measure speed (a measurement, not a test: exits 0 when over budget):
          validate and plan generated clusters natively and as wasm in headless
          Chromium, side by side with wasm/native and growth against n log n; then
          the release bundle: navigation to the seed plan, keystroke to plan on 64
          nodes. ROLLPLAN_BENCH_CASES=any-owner:64x20,ring:512 picks cases
          (SHAPE:NODES or SHAPE:NODESxK; ROLLPLAN_BENCH_SIZES=8,64 picks ring sizes;
          default: every shape at 64x20, 64, 512 and 4096); see docs/performance.md";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str);
    let result = match command {
        Some("test") => test(),
        Some("dist") => dist(),
        Some("size") => size(),
        Some("serve") => serve(),
        Some("fuzz") => match args.get(1).map(|s| s.parse::<u32>()) {
            None => fuzz::run(&environment(), 60),
            Some(Ok(seconds)) if seconds > 0 => fuzz::run(&environment(), seconds),
            Some(_) => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        },
        Some("bench-wasm") => bench_wasm(),
        Some("tools") => {
            heading("tools");
            tools::ensure_all(&environment()).map(drop)
        }
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask {}: error: {error}", command.unwrap_or_default());
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

/// The environment every child runs in, with the tool directories on PATH.
fn environment() -> Env {
    let mut env = Env::new(workspace_root());
    tools::extend_path(&mut env);
    env
}

fn heading(title: &str) {
    println!("\n==> {title}");
}

fn test() -> Result<()> {
    let env = environment();
    heading("tools");
    let browser = tools::ensure_all(&env)?;
    test::run(&env, &browser)
}

/// The release bundle. The wasm is built with the workspace's `web` profile
/// (opt-level "z", named by index.html's `data-cargo-profile-release`):
/// measured 263 KB gzipped against 301 KB with the release profile's "s".
fn dist() -> Result<()> {
    let env = environment();
    heading("tools");
    tools::ensure_web_build(&env)?;
    heading("release bundle (trunk build)");
    // Trunk.toml sets `offline`, `dist` and `public_url`; `--offline` is repeated so
    // a Trunk.toml edit cannot make a build download tools behind our back.
    env.run("trunk", &["build", "--release", "--offline"])?;
    let dist = env.root.join("dist");
    heading("dist/: loader out of index.html, Content-Security-Policy, service worker");
    dist::finish(&dist)?;
    println!("ok    dist/ is self-contained; sw.js lists every file");
    heading("dist/: precompressed copies (.gz, .br) for hosts that serve them");
    let written = compress::precompress(&env, &dist)?;
    println!("ok    {written} copies written beside the files they compress");
    heading("dist/");
    size::print(&size::measure(&env, &dist)?);
    Ok(())
}

/// The release bundle, then its size against the page budget.
fn size() -> Result<()> {
    dist()?;
    let env = environment();
    heading("page budget: what a first visit downloads, gzipped");
    size::check(size::print(&size::measure(&env, &env.root.join("dist"))?))
}

fn bench_wasm() -> Result<()> {
    let env = environment();
    heading("tools");
    let browser = tools::ensure_all(&env)?;
    bench_wasm::run(&env, &browser)
}

fn serve() -> Result<()> {
    let env = environment();
    heading("tools");
    tools::ensure_web_build(&env)?;
    heading("serving http://127.0.0.1:8080 (Ctrl-C stops)");
    // `trunk serve` builds before serving and rebuilds on change; address and port are in Trunk.toml.
    // Its page has no CSP and no service worker: those are added by `cargo xtask dist` only.
    env.run("trunk", &["serve", "--release", "--offline"])
}
