//! Installing the tools the web build and the browser tests need.
//!
//! CI runs on a fresh machine, so the project must install its own tools; a
//! developer's machine usually has them all, so checking must be cheap (a few
//! `--version` probes) and installing must say what it does and why it takes
//! long. Versions are pinned here because Trunk and wasm-bindgen are strict:
//! - Trunk 0.21.14 is the newest that builds with our Rust; it only installs
//!   with `--locked`.
//! - `wasm-bindgen` (the CLI Trunk runs and the test runner cargo runs) must be
//!   exactly the version of the `wasm-bindgen` crate in Cargo.lock, else the
//!   generated glue does not match the compiled wasm. It does not install with
//!   `--locked`.
//! - wasm-opt comes from npm's `binaryen` (Debian's binaryen is too old for
//!   the wasm features Rust now emits), into `.tools/` (gitignored), and its
//!   bin directory goes on the PATH of every child so Trunk finds it offline.
//! - Chromium and its chromedriver come from Debian, as one matching pair.
//! - shellcheck (Debian's) lints the shell runbooks `rollplan plan --format
//!   runbook` writes (crates/rollplan-cli/tests/runbook.rs).
//! - The end-to-end test drives that Chromium with npm's `playwright-core`
//!   (which never downloads a browser), pinned in package.json and
//!   package-lock.json at the root and installed with `npm ci` into
//!   `node_modules/` (gitignored); it needs Node 20 or newer.

use std::path::{Path, PathBuf};

use crate::cmd::{Env, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's major version; Trunk.toml's `[tools] wasm_opt` names the same one.
const BINARYEN_VERSION: &str = "132";
/// Where npm installs binaryen, relative to the workspace root.
const BINARYEN_DIR: &str = ".tools/binaryen";

/// Where the browser tests find their browser.
#[derive(Debug, Clone)]
pub struct Browser {
    pub chromium: PathBuf,
    pub chromedriver: PathBuf,
}

/// The oldest Node the end-to-end test runs on (playwright-core's own minimum).
const NODE_MAJOR: u32 = 20;
/// The npm package the end-to-end test drives Chromium with.
const PLAYWRIGHT: &str = "playwright-core";

/// Adds the directories our tools are installed into to the children's PATH.
///
/// `cargo install` puts binaries in `$CARGO_HOME/bin`, which a fresh shell may
/// not have on its PATH yet; npm puts `wasm-opt` under `.tools/`.
pub fn extend_path(env: &mut Env) {
    env.path_prefix.push(env.root.join(BINARYEN_DIR).join("node_modules/.bin"));
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
    {
        env.path_prefix.push(cargo_home.join("bin"));
    }
}

/// Everything `trunk build` needs (the wasm target, Trunk, wasm-bindgen,
/// wasm-opt), and gzip and brotli for the precompressed copies.
pub fn ensure_web_build(env: &Env) -> Result<()> {
    ensure_wasm_target(env)?;
    ensure_trunk(env)?;
    ensure_wasm_bindgen(env)?;
    ensure_wasm_opt(env)?;
    ensure_compressors(env)
}

/// gzip (in every Debian) and brotli (the Debian package `brotli`).
fn ensure_compressors(env: &Env) -> Result<()> {
    let missing: Vec<&str> = ["gzip", "brotli"].into_iter().filter(|tool| env.which(tool).is_none()).collect();
    if !missing.is_empty() {
        install_debian_packages(
            env,
            &format!("{} (for dist/'s precompressed copies)", missing.join(" and ")),
            &missing,
        )?;
    }
    println!("ok    gzip and brotli");
    Ok(())
}

/// The web build's tools, a headless browser and its driver (chromedriver),
/// and what the end-to-end test needs (Node and playwright-core).
pub fn ensure_all(env: &Env) -> Result<Browser> {
    ensure_web_build(env)?;
    let browser = ensure_browser(env)?;
    ensure_e2e(env)?;
    ensure_shellcheck(env)?;
    Ok(browser)
}

/// shellcheck, which the native tests require for the shell runbooks.
fn ensure_shellcheck(env: &Env) -> Result<()> {
    if env.which("shellcheck").is_none() {
        install_debian_packages(env, "shellcheck (for the shell runbooks' lint)", &["shellcheck"])?;
    }
    let version = env.probe("shellcheck", &["--version"]).unwrap_or_default();
    let version = version.lines().find(|line| line.starts_with("version:")).unwrap_or("version unknown");
    println!("ok    shellcheck ({version})");
    env.which("shellcheck").map(|_| ()).ok_or_else(|| "shellcheck is still missing after installing it".to_owned())
}

fn ensure_wasm_target(env: &Env) -> Result<()> {
    let installed = env.probe("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        println!("ok    Rust target {WASM_TARGET}");
        return Ok(());
    }
    println!("install Rust target {WASM_TARGET} (rustup, under a minute)");
    env.run("rustup", &["target", "add", WASM_TARGET])
}

fn ensure_trunk(env: &Env) -> Result<()> {
    let found = env.probe("trunk", &["--version"]);
    if found.as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        println!("ok    trunk {TRUNK_VERSION}");
        return Ok(());
    }
    println!(
        "install trunk {TRUNK_VERSION} (found: {}); cargo install compiles it, about 15 minutes on 2 cores",
        found.as_deref().unwrap_or("none")
    );
    env.run("cargo", &["install", "--locked", "--force", "trunk", "--version", TRUNK_VERSION])
}

fn ensure_wasm_bindgen(env: &Env) -> Result<()> {
    let wanted = locked_wasm_bindgen_version(env)?;
    let found = env.probe("wasm-bindgen", &["--version"]);
    // The runner comes from the same package; check it too so a half-installed pair is repaired.
    let runner = env.which("wasm-bindgen-test-runner").is_some();
    if runner && found.as_deref() == Some(&format!("wasm-bindgen {wanted}")) {
        println!("ok    wasm-bindgen {wanted} (the version in Cargo.lock)");
        return Ok(());
    }
    println!(
        "install wasm-bindgen-cli {wanted} to match Cargo.lock (found: {}); cargo install compiles it, about 5-8 minutes",
        found.as_deref().unwrap_or("none")
    );
    // No `--locked`: the published lock file of wasm-bindgen-cli does not build with our Rust.
    env.run("cargo", &["install", "--force", "wasm-bindgen-cli", "--version", &format!("={wanted}")])
}

/// The `wasm-bindgen` crate version in Cargo.lock.
fn locked_wasm_bindgen_version(env: &Env) -> Result<String> {
    let lock_path = env.root.join("Cargo.lock");
    let lock =
        std::fs::read_to_string(&lock_path).map_err(|error| format!("cannot read {}: {error}", lock_path.display()))?;
    parse_locked_version(&lock, "wasm-bindgen").ok_or_else(|| {
        format!("no `wasm-bindgen` package in {}: is rollplan-web's yew dependency gone?", lock_path.display())
    })
}

/// The version of package `name` in a Cargo.lock text (the first, if it is locked at several).
pub fn parse_locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim().strip_prefix("version = \"")?.strip_suffix('"')?;
            return Some(version.to_owned());
        }
    }
    None
}

fn ensure_wasm_opt(env: &Env) -> Result<()> {
    let wasm_opt = env.root.join(BINARYEN_DIR).join("node_modules/.bin/wasm-opt");
    let found = env.probe(&wasm_opt, &["--version"]);
    if found.as_deref().is_some_and(|version| version.contains(&format!("version {BINARYEN_VERSION}"))) {
        println!("ok    wasm-opt {BINARYEN_VERSION} ({BINARYEN_DIR})");
        return Ok(());
    }
    if env.which("npm").is_none() {
        install_debian_packages(env, "npm (to install binaryen's wasm-opt)", &["nodejs", "npm"])?;
    }
    println!("install wasm-opt: npm package binaryen@{BINARYEN_VERSION} into {BINARYEN_DIR} (a minute)");
    let prefix = env.root.join(BINARYEN_DIR);
    let prefix = prefix.to_string_lossy();
    env.run(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--no-save",
            &format!("binaryen@{BINARYEN_VERSION}"),
        ],
    )?;
    if env.probe(&wasm_opt, &["--version"]).is_none() {
        return Err(format!("npm installed binaryen but {} does not run", wasm_opt.display()));
    }
    Ok(())
}

fn ensure_browser(env: &Env) -> Result<Browser> {
    let find = || Some((find_chromium(env)?, env.which("chromedriver")?));
    if find().is_none() {
        install_debian_packages(
            env,
            "Chromium and ChromeDriver (for the browser tests)",
            &["chromium", "chromium-driver"],
        )?;
    }
    let (chromium, chromedriver) = find().ok_or("Chromium or ChromeDriver is still missing after installing them")?;
    let version = env.probe(&chromedriver, &["--version"]).unwrap_or_default();
    println!("ok    {} and {version}", chromium.display());
    Ok(Browser { chromium, chromedriver })
}

/// Node (20 or newer) and the playwright-core that package.json pins, in `node_modules/`.
///
/// Quick when present: one `node --version` and two small file reads.
fn ensure_e2e(env: &Env) -> Result<()> {
    if env.which("node").is_none() || env.which("npm").is_none() {
        install_debian_packages(env, "Node and npm (for the end-to-end test)", &["nodejs", "npm"])?;
    }
    let node = env.probe("node", &["--version"]).unwrap_or_default();
    let major = node.trim_start_matches('v').split('.').next().and_then(|major| major.parse::<u32>().ok());
    if major.is_none_or(|major| major < NODE_MAJOR) {
        return Err(format!(
            "the end-to-end test needs Node {NODE_MAJOR} or newer (found: {}); install it from nodejs.org or your distribution's backports",
            if node.is_empty() { "none" } else { &node }
        ));
    }
    let read = |path: &str| std::fs::read_to_string(env.root.join(path)).unwrap_or_default();
    let wanted = parse_json_string_field(&read("package.json"), PLAYWRIGHT)
        .ok_or(format!("package.json does not pin {PLAYWRIGHT}"))?;
    let installed = parse_json_string_field(&read(&format!("node_modules/{PLAYWRIGHT}/package.json")), "version");
    if installed.as_deref() == Some(wanted.as_str()) {
        println!("ok    {PLAYWRIGHT} {wanted} (node_modules/), node {node}");
        return Ok(());
    }
    println!(
        "install {PLAYWRIGHT} {wanted} with npm ci into node_modules/ (found: {}; seconds, no browser download)",
        installed.as_deref().unwrap_or("none")
    );
    env.run("npm", &["ci", "--no-audit", "--no-fund"])
}

/// The string value of the first `"name": "value"` in a JSON text: enough for
/// package.json's pins and versions without a JSON parser in the xtask.
pub fn parse_json_string_field(json: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\"");
    let rest = &json[json.find(&key)? + key.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

fn find_chromium(env: &Env) -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| env.which(name))
}

/// `apt-get install`s packages when running as root, else says what to run.
fn install_debian_packages(env: &Env, what: &str, packages: &[&str]) -> Result<()> {
    let command = format!("apt-get update && apt-get install -y {}", packages.join(" "));
    if env.probe("id", &["-u"]).as_deref() != Some("0") || !Path::new("/usr/bin/apt-get").exists() {
        return Err(format!("{what} missing; install them (as root) with: {command}"));
    }
    println!("install {what}: {command} (a few minutes)");
    env.run("apt-get", &["update"])?;
    let mut install = vec!["install", "-y"];
    install.extend_from_slice(packages);
    if env.run("apt-get", &install).is_err() {
        // A machine with a half-finished earlier install reports unmet dependencies until fixed.
        println!("apt-get install failed; repairing with apt-get --fix-broken install and retrying");
        env.run("apt-get", &["--fix-broken", "install", "-y"])?;
        env.run("apt-get", &install)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{parse_json_string_field, parse_locked_version};

    #[test]
    fn reads_a_field_from_package_json() {
        let json = "{\n  \"name\": \"x\",\n  \"devDependencies\": {\n    \"playwright-core\" : \"1.65.1\"\n  }\n}";
        assert_eq!(parse_json_string_field(json, "playwright-core").as_deref(), Some("1.65.1"));
        assert_eq!(parse_json_string_field(json, "name").as_deref(), Some("x"));
        assert_eq!(parse_json_string_field(json, "version"), None);
        assert_eq!(parse_json_string_field("", "version"), None);
    }

    #[test]
    fn reads_a_package_version_from_cargo_lock() {
        let lock = "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.1\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\nsource = \"registry\"\n";
        assert_eq!(parse_locked_version(lock, "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(parse_locked_version(lock, "yew"), None);
    }
}
