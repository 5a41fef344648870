//! The core must stay pure: no web crates in its dependency graph (they would
//! tie it to the browser) and, as a source-level guard, no clock, randomness,
//! files or network in its code. `cargo xtask test` also builds it for
//! `wasm32-unknown-unknown`.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::process::Command;

/// Crates that only make sense in a browser.
const WEB_CRATES: &[&str] = &["yew", "web-sys", "js-sys", "wasm-bindgen", "gloo", "wasm-bindgen-futures"];

#[test]
fn the_core_depends_on_no_web_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    // Walk the resolved graph from rollplan-core along normal (non-dev, non-build) edges.
    let nodes = metadata["resolve"]["nodes"].as_array().unwrap();
    let by_id: HashMap<&str, &serde_json::Value> = nodes.iter().map(|n| (n["id"].as_str().unwrap(), n)).collect();
    let packages: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    let core = packages.iter().find(|(_, name)| **name == "rollplan-core").map(|(id, _)| *id).unwrap();
    let mut seen = BTreeSet::new();
    let mut stack = vec![core];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in by_id[id]["deps"].as_array().unwrap() {
            let normal = dep["dep_kinds"].as_array().unwrap().iter().any(|k| k["kind"].is_null());
            if normal {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    let names: BTreeSet<&str> = seen.iter().map(|id| packages[id]).collect();
    assert!(names.contains("saphyr-parser"), "the walk must reach the core's own dependencies: {names:?}");
    let web: Vec<&&str> =
        names.iter().filter(|name| WEB_CRATES.iter().any(|web| name == &web || name.starts_with("gloo"))).collect();
    assert!(web.is_empty(), "rollplan-core must not depend on web crates, but pulls in {web:?}");
}

#[test]
fn the_core_source_does_no_io() {
    let forbidden = [
        "std::fs",
        "std::net",
        "std::time",
        "std::env",
        "std::process",
        "SystemTime",
        "Instant::now",
        "thread_rng",
        "println!",
        "eprintln!",
    ];
    // The core and the syntax crate it reads text with (`rollplan-syntax`, beside it).
    let core = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stack = vec![core.join("src"), core.join("../rollplan-syntax/src")];
    let mut checked = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for word in forbidden {
                assert!(!text.contains(word), "{} uses `{word}`: the core is sans-IO", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 10);
}
