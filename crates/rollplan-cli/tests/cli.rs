//! The `rollplan` binary as scripts and CI use it: exit codes, output formats,
//! files and standard input.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).to_string_lossy().into_owned()
}

fn rollplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rollplan")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn every_example_validates_with_exit_0() {
    for entry in std::fs::read_dir(repo("tests/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let output = rollplan(&["validate", &path.to_string_lossy()]);
            assert_eq!(output.status.code(), Some(0), "{}: {}", path.display(), stdout(&output));
        }
    }
}

#[test]
fn a_malformed_file_gets_a_located_error_and_exit_1() {
    let file = repo("tests/cases/unknown-node.yaml");
    let output = rollplan(&["validate", &file]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("error[unknown-node]: there is no node named `NODE3`"), "{text}");
    assert!(text.contains("unknown-node.yaml:9:22"), "rustc-style location: {text}");
    assert!(text.contains("^^^^^"), "a caret under the value: {text}");
    assert!(text.contains("help: did you mean `NODE1`?"), "{text}");
}

#[test]
fn json_diagnostics_carry_code_severity_path_and_location() {
    let output = rollplan(&["validate", "--format", "json", &repo("tests/cases/unknown-node.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let first = &document["files"][0]["diagnostics"][0];
    assert_eq!(first["code"], "unknown-node");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "services[0].on");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(9), Some(22)));
    assert_eq!(first["hint"], "did you mean `NODE1`?");
    assert_eq!(document["errors"], 3);
}

#[test]
fn unreadable_files_and_bad_usage_exit_2() {
    assert_eq!(rollplan(&["validate", "/nonexistent/cluster.yaml"]).status.code(), Some(2));
    assert_eq!(rollplan(&["validate"]).status.code(), Some(2));
    assert_eq!(rollplan(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        rollplan(&["plan", "--format", "pdf", &repo("tests/examples/exchange-2003-two-node.yaml")]).status.code(),
        Some(2)
    );
    let dir = std::env::temp_dir().join(format!("rollplan-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let binary = dir.join("latin1.yaml");
    std::fs::write(&binary, b"format: 1\ncluster: \xe9\n").unwrap();
    let output = rollplan(&["validate", &binary.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not UTF-8"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_seed_plan_prints_as_a_checklist() {
    let output = rollplan(&["plan", &repo("tests/examples/exchange-2003-two-node.yaml")]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("  2. Upgrade NODE2 to Exchange Server 2003 SP2"), "{text}");
    assert!(text.contains("  8. Move EVS1 back from NODE2 to NODE1 to verify NODE1"), "{text}");
    let markdown =
        stdout(&rollplan(&["plan", "--format", "markdown", &repo("tests/examples/exchange-2003-two-node.yaml")]));
    assert!(markdown.contains("- [ ] 1. **Pause NODE2**"), "{markdown}");
}

#[test]
fn json_plans_have_outcome_fingerprint_steps_and_summary() {
    let output = rollplan(&["plan", "--format", "json", &repo("tests/examples/exchange-2003-two-node.yaml")]);
    assert_eq!(output.status.code(), Some(0));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(plan["outcome"], "ok");
    assert_eq!(plan["fingerprint"].as_str().map(str::len), Some(16));
    let upgrade = &plan["steps"][1];
    assert_eq!(
        (upgrade["index"].as_u64(), upgrade["action"].as_str(), upgrade["node"].as_str()),
        (Some(2), Some("upgrade"), Some("NODE2"))
    );
    assert_eq!(upgrade["components"][0], serde_json::json!({"name": "exchange", "from": "SP1", "to": "SP2"}));
    assert_eq!(upgrade["risk_count"], 1);
    // EVS1 has no failover target while NODE2 is paused (steps 1 and 2).
    assert_eq!(
        (
            plan["risks"][0]["kind"].as_str(),
            plan["risks"][0]["first_step"].as_u64(),
            plan["risks"][0]["last_step"].as_u64()
        ),
        (Some("no-failover-target"), Some(1), Some(2))
    );
    assert_eq!(plan["summary"]["moves"], 2);

    // The same cluster in TOML has the same fingerprint.
    let toml: serde_json::Value =
        serde_json::from_str(&stdout(&rollplan(&["plan", "--format", "json", &repo("tests/cases/seed.toml")])))
            .unwrap();
    assert_eq!(toml["fingerprint"], plan["fingerprint"]);
}

#[test]
fn blocked_and_invalid_descriptions_exit_1_with_their_outcome() {
    let blocked = rollplan(&["plan", "--format", "json", &repo("tests/cases/non-rolling-component.yaml")]);
    assert_eq!(blocked.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_str(&stdout(&blocked)).unwrap();
    assert_eq!(document["outcome"], "blocked");
    assert_eq!(document["blocked"][0]["rule"], "outage-not-allowed");
    assert!(document["blocked"][0]["unblock"][0].as_str().unwrap().contains("allow_outage"));

    let invalid = rollplan(&["plan", "--format", "json", &repo("tests/cases/unknown-node.yaml")]);
    assert_eq!(invalid.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_str(&stdout(&invalid)).unwrap();
    assert_eq!(document["outcome"], "invalid");
    assert_eq!(document["diagnostics"][0]["code"], "unknown-node");

    let text = rollplan(&["plan", &repo("tests/cases/non-rolling-component.yaml")]);
    assert!(stdout(&text).contains("to unblock: allow the planned outage: `policy.allow_outage: true`"));
}

#[test]
fn standard_input_is_sniffed() {
    let json = std::fs::read(repo("tests/cases/seed.json")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(["plan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&json).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Upgrade plan for EXCH-CL1"));
}

#[test]
fn a_link_from_the_command_line_plans_like_the_file() {
    let file = repo("tests/examples/exchange-four-node.yaml");
    let output = rollplan(&["link", &file, "--base", "https://intranet.example/tools/rollplan/"]);
    assert_eq!(output.status.code(), Some(0));
    let url = stdout(&output).trim().to_owned();
    assert!(url.starts_with("https://intranet.example/tools/rollplan/#r1."), "{url}");
    let from_link = stdout(&rollplan(&["plan", "--format", "json", &url]));
    let from_file = stdout(&rollplan(&["plan", "--format", "json", &file]));
    assert_eq!(from_link, from_file);

    let damaged = url[..url.len() - 40].to_owned();
    let output = rollplan(&["plan", &damaged]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("damaged"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn compare_reports_differences_and_exits_1() {
    let seed = repo("tests/examples/exchange-2003-two-node.yaml");
    let same = rollplan(&["compare", &seed, &repo("tests/cases/seed.json")]);
    assert_eq!(same.status.code(), Some(0));
    assert!(stdout(&same).contains("The plans are the same"));
    let different = rollplan(&["compare", &seed, &repo("tests/examples/active-active-two-node.yaml")]);
    assert_eq!(different.status.code(), Some(1));
    let text = stdout(&different);
    assert!(text.contains("+ added as step 5: Drain NODE2: move 2 services to NODE1"), "{text}");
    assert!(text.contains("- removed (was step 8): Move EVS1 back from NODE2 to NODE1 to verify NODE1"), "{text}");
}

#[test]
fn import_prints_a_description_that_plans_and_refuses_foreign_json() {
    let file = repo("tests/import/kubeadm-3-control-plane-3-workers.json");
    let output = rollplan(&["import", "kubernetes", &file, "--target", "1.31"]);
    assert_eq!(output.status.code(), Some(0));
    let yaml = stdout(&output);
    assert!(yaml.contains("quorum_role: control-plane"), "{yaml}");
    let warnings = String::from_utf8(output.stderr).unwrap();
    assert!(warnings.contains("warning: node `worker-3` is not Ready"), "{warnings}");
    // The description it printed plans, read from standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_rollplan"))
        .args(["plan", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(yaml.as_bytes()).unwrap();
    let planned = child.wait_with_output().unwrap();
    assert_eq!(planned.status.code(), Some(0));
    assert!(
        stdout(&planned).contains("kubectl drain --ignore-daemonsets --delete-emptydir-data -- cp1"),
        "{}",
        stdout(&planned)
    );

    let foreign = rollplan(&["import", "elasticsearch", &file]);
    assert_eq!(foreign.status.code(), Some(1));
    assert!(String::from_utf8(foreign.stderr).unwrap().contains("expected the JSON of Elasticsearch's `GET _nodes`"));
    assert_eq!(rollplan(&["import", "kubernetes", "no-such-file.json"]).status.code(), Some(2));
}
