//! `rollplan plan --format runbook` for the shell platforms: every runbook
//! passes shellcheck, and runbooks run for real in `sh` against stub
//! commands that record their arguments, which proves the order of the
//! commands, that each name arrives as one argument however hostile, and
//! that the script stops where it must.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path).to_string_lossy().into_owned()
}

fn rollplan(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_rollplan")).args(args).env("NO_COLOR", "1").output().unwrap();
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

/// A fresh, empty directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rollplan-runbook-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The commands the runbooks call, as stubs that append their name and
/// arguments to `$STUB_LOG` (fields split by US, calls by RS: no name in a
/// valid description holds a control character). `ssh` then runs the remote
/// command with `sh -c`, as the node's shell would, so that its second
/// level of quoting is tested too. `grep` succeeds unless `$STUB_FAIL` names
/// it, so that the checks pass against stubs that print nothing.
const STUBS: &[&str] =
    &["kubectl", "ssh", "sudo", "grep", "kubeadm", "mongosh", "curl", "systemctl", "mongod", "dpkg-query"];

fn write_stubs(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for name in STUBS {
        let mut body = String::from(
            "#!/bin/sh\n{ printf '%s' \"${0##*/}\"; for a in \"$@\"; do printf '\\037%s' \"$a\"; done; printf '\\036'; } >> \"$STUB_LOG\"\n",
        );
        if *name == "ssh" {
            body.push_str("[ \"$1\" = -- ] || exit 90\nexec sh -c \"$3\"\n");
        } else {
            let _ = write!(body, "[ \"${{STUB_FAIL-}}\" = {name} ] && exit 1\nexit 0\n");
        }
        let path = bin.join(name);
        std::fs::write(&path, body).unwrap();
        Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    }
    bin
}

/// One recorded call: the program and its arguments.
type Call = Vec<String>;

/// Runs `script` with `sh` in `dir`, the stubs first on the PATH and then
/// only the system's directories, answering `answers` to its prompts.
fn run_runbook(
    dir: &Path,
    script: &str,
    args: &[&str],
    answers: &str,
    fail: Option<&str>,
) -> (Option<i32>, Vec<Call>, String) {
    let bin = write_stubs(dir);
    let file = dir.join("runbook.sh");
    std::fs::write(&file, script).unwrap();
    let log = dir.join("calls.log");
    std::fs::write(&log, "").unwrap();
    let mut command = Command::new("sh");
    command
        .arg(&file)
        .args(args)
        .current_dir(dir)
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("STUB_LOG", &log)
        .env("ES", "http://127.0.0.1:9")
        .env("MONGODB_URI", "mongodb://127.0.0.1:9/?replicaSet=rs0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(program) = fail {
        command.env("STUB_FAIL", program);
    }
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(answers.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let calls = std::fs::read_to_string(&log)
        .unwrap()
        .split('\u{1e}')
        .filter(|record| !record.is_empty())
        .map(|record| record.split('\u{1f}').map(str::to_owned).collect())
        .collect();
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), calls, text)
}

/// Names whose quoting, were it wrong, would run `touch` (and leave a file behind).
const HOSTILE: &str = r#"format: 1
cluster: "runbook; touch pwned-cluster"
platform: kubernetes
components:
  kubelet: {releases: ["1.29", "1.30"], target: "1.30", reboot: false, minutes: 5}
nodes:
  - {name: "w1;touch pwned-semicolon", versions: {kubelet: "1.29"}}
  - {name: "$(touch pwned-substitution)", versions: {kubelet: "1.29"}}
  - {name: "it's `touch pwned-backtick` \"quoted\"", versions: {kubelet: "1.29"}}
policy: {max_down: 1, quorum: majority, failback: none}
"#;

/// The plan's steps as the JSON output gives them: (action, node).
fn steps_of(file: &str) -> Vec<(String, String)> {
    let (_, json) = rollplan(&["plan", "--format", "json", file]);
    let document: serde_json::Value = serde_json::from_str(&json).unwrap();
    document["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|step| (step["action"].as_str().unwrap().to_owned(), step["node"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

#[test]
fn a_runbook_passes_every_hostile_name_as_one_argument_in_the_plans_order() {
    let dir = scratch("hostile");
    let description = dir.join("hostile.yaml");
    std::fs::write(&description, HOSTILE).unwrap();
    let description = description.to_string_lossy().into_owned();
    let (code, script) = rollplan(&["plan", "--format", "runbook", &description]);
    assert_eq!(code, Some(0), "{script}");
    let (code, calls, output) = run_runbook(&dir, &script, &["--yes"], &"y\n".repeat(50), None);
    assert_eq!(code, Some(0), "{output}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.iter().all(|name| !name.to_string_lossy().starts_with("pwned")), "a name ran as code: {left:?}");

    // Every drain and uncordon names its node exactly, in the plan's order.
    let steps = steps_of(&description);
    let expected: Vec<Call> = steps
        .iter()
        .filter_map(|(action, node)| match action.as_str() {
            "pause" => Some(vec!["kubectl".into(), "drain".into(), node.clone()]),
            "resume" => Some(vec!["kubectl".into(), "uncordon".into(), node.clone()]),
            _ => None,
        })
        .collect();
    // The node is the last argument, after `--` (so that no name is read as an option).
    let seen: Vec<Call> = calls
        .iter()
        .filter(|call| call[0] == "kubectl" && (call[1] == "drain" || call[1] == "uncordon"))
        .inspect(|call| assert_eq!(call[call.len() - 2], "--", "{call:?}"))
        .map(|call| vec![call[0].clone(), call[1].clone(), call[call.len() - 1].clone()])
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(expected.len(), 6, "three nodes, each paused and resumed: {steps:?}");

    // Each node's upgrade reaches it by ssh with the node as one argument,
    // and its remote commands keep their own arguments whole.
    let nodes: Vec<&str> = steps.iter().filter(|(a, _)| a == "upgrade").map(|(_, n)| n.as_str()).collect();
    let ssh_nodes: Vec<&str> = calls.iter().filter(|c| c[0] == "ssh").map(|c| c[2].as_str()).collect();
    let mut distinct = ssh_nodes.clone();
    distinct.dedup();
    assert_eq!(distinct, nodes);
    assert!(
        calls.iter().any(|c| c == &["sudo", "apt-get", "install", "-y", "kubelet=1.30.*", "kubectl=1.30.*"]),
        "{calls:?}"
    );
    // The checks ran too: each node's Ready wait, its name inside one argument.
    for node in &nodes {
        let wait: Call = ["kubectl", "wait", "--for=condition=Ready", &format!("node/{node}"), "--timeout=10m"]
            .map(str::to_owned)
            .to_vec();
        assert!(calls.contains(&wait), "{node}: {calls:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_runbook_asks_before_each_step_and_stops_on_no() {
    let dir = scratch("confirm");
    let file = repo("tests/examples/mongodb-replica-set-6-to-7.yaml");
    let (_, script) = rollplan(&["plan", "--format", "runbook", &file]);
    // The pre-flight checks done by hand, then yes to step 1, no to step 2.
    let by_hand_before = script.split("\nstep ").next().unwrap().matches("\nby_hand ").count();
    let answers = "y\n".repeat(by_hand_before) + "y\nn\n";
    // `systemctl is-active` answers "not running" once mongod is stopped (sudo's stub stops nothing).
    let (code, calls, output) = run_runbook(&dir, &script, &[], &answers, Some("systemctl"));
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("Stopped."), "{output}");
    assert!(output.contains("== Step 2:"), "{output}");
    assert!(!output.contains("== Step 3:"), "{output}");
    // Step 1 (pause mongo2) ran, nothing of step 2.
    let remote: Vec<&Call> = calls.iter().filter(|c| c[0] == "sudo").collect();
    assert_eq!(remote, [&["sudo", "systemctl", "stop", "mongod"].map(str::to_owned).to_vec()], "{calls:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_check_stops_the_runbook_at_its_step() {
    let dir = scratch("check");
    let file = repo("tests/examples/kubernetes-1.28-to-1.30.yaml");
    let (_, script) = rollplan(&["plan", "--format", "runbook", &file]);
    // grep fails: the first check that pipes into it is step 1's (the drained node is unschedulable).
    let (code, calls, output) = run_runbook(&dir, &script, &["--yes"], &"y\n".repeat(20), Some("grep"));
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("Step 1 failed: kubectl get node -o 'jsonpath={.spec.unschedulable}' -- cp1"), "{output}");
    assert!(
        !calls.iter().any(|c| c[0] == "kubectl" && c[1] == "uncordon"),
        "went on after the failed check: {calls:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_runbook_needs_a_platform() {
    let (code, text) = rollplan(&["plan", "--format", "runbook", &repo("tests/examples/exchange-2003-two-node.yaml")]);
    assert_eq!((code, text.as_str()), (Some(2), ""));
}

/// shellcheck, when it can be found: required when `ROLLPLAN_REQUIRE_SHELLCHECK`
/// is set (`cargo xtask test` installs it and sets it), else skipped with a word.
fn shellcheck() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("shellcheck"))
        .find(|path| path.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("ROLLPLAN_REQUIRE_SHELLCHECK").is_none(),
            "shellcheck is required (ROLLPLAN_REQUIRE_SHELLCHECK) but not on the PATH"
        );
        eprintln!("shellcheck not found: the shell runbooks were not linted (cargo xtask test installs it)");
    }
    found
}

#[test]
fn every_shell_runbook_passes_shellcheck() {
    let Some(shellcheck) = shellcheck() else { return };
    let dir = scratch("shellcheck");
    let hostile = dir.join("hostile.yaml");
    std::fs::write(&hostile, HOSTILE).unwrap();
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    let mut sources = vec![hostile.to_string_lossy().into_owned(), repo("tests/cases/platform-hostile-names.yaml")];
    for entry in std::fs::read_dir(repo("tests/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            sources.push(path.to_string_lossy().into_owned());
        }
    }
    for source in &sources {
        let (code, script) = rollplan(&["plan", "--format", "runbook", source]);
        if code == Some(0) && script.starts_with("#!/bin/sh") {
            files.insert(source.clone(), script);
        }
    }
    assert!(files.len() >= 5, "kubernetes, elasticsearch, mongodb and the hostile names: {:?}", files.keys());
    for (source, script) in &files {
        let file = dir.join("runbook.sh");
        std::fs::write(&file, script).unwrap();
        let output = Command::new(&shellcheck).args(["--shell=sh", "--severity=style"]).arg(&file).output().unwrap();
        assert!(output.status.success(), "{source}: {}", String::from_utf8_lossy(&output.stdout));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Windows failover cluster whose names would run code if a runbook
/// quoted them wrongly: typographic quotes too, which PowerShell reads as
/// quotes, and a name PowerShell would read as a parameter.
const HOSTILE_WSFC: &str = r#"format: 1
cluster: "HV; Remove-Item C:\\ -Recurse"
platform: wsfc
components:
  os: {title: Windows Server, releases: ["2019", "2022"], target: "2022", minutes: 90}
nodes:
  - {name: "HV1;Stop-Computer", versions: {os: "2019"}}
  - {name: "$(Stop-Computer)", versions: {os: "2019"}}
  - {name: "it’s ‘typographic’ 'plain'", versions: {os: "2019"}}
  - {name: "-Force", versions: {os: "2019"}}
services:
  - {name: "VM'; Stop-Computer; '", on: "HV1;Stop-Computer"}
  - {name: "VM`$(Stop-Computer)", on: "-Force"}
policy: {max_down: 1, quorum: majority, failback: verify}
"#;

/// The commands a PowerShell runbook may call: the runbook's own helpers,
/// the platforms' cmdlets and programs, and what the checks pipe into.
const POWERSHELL_COMMANDS: &[&str] = &[
    "param",
    "Write-Host",
    "Read-Host",
    "Stop-Runbook",
    "Read-Yes",
    "Start-Step",
    "Confirm-ByHand",
    "Invoke-Checked",
    "Assert-Check",
    "Out-Host",
    "Suspend-ClusterNode",
    "Resume-ClusterNode",
    "Move-ClusterGroup",
    "Move-ClusterVirtualMachineRole",
    "Get-ClusterNode",
    "Get-ClusterGroup",
    "Stop-ClusterGroup",
    "Start-ClusterGroup",
    "Restart-Computer",
    "Test-Cluster",
    "Where-Object",
    "Update-ClusterFunctionalLevel",
    "Get-Cluster",
    "cluster.exe",
    "shutdown.exe",
    "Select-String",
];

/// Every string a PowerShell source holds in single quotes, unquoted.
fn verbatim_strings(source: &str, node: tree_sitter::Node<'_>, out: &mut Vec<String>) {
    if node.kind() == "string_literal" {
        let text = &source[node.byte_range()];
        if let Some(inner) = text.strip_prefix(['\'', '‘', '’', '‚', '‛']) {
            let inner: String = inner.chars().take(inner.chars().count().saturating_sub(1)).collect();
            let mut value = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                value.push(c);
                if matches!(c, '\'' | '‘' | '’' | '‚' | '‛') && chars.peek() == Some(&c) {
                    chars.next();
                }
            }
            out.push(value);
        }
    }
    for index in 0..node.child_count() {
        if let Some(child) = node.child(index) {
            verbatim_strings(source, child, out);
        }
    }
}

/// The names of the commands a PowerShell source calls, and whether its
/// parse has an error or a missing node.
fn commands_called(source: &str, node: tree_sitter::Node<'_>, out: &mut Vec<String>) {
    if node.kind() == "command_name" {
        out.push(source[node.byte_range()].to_owned());
    }
    for index in 0..node.child_count() {
        if let Some(child) = node.child(index) {
            commands_called(source, child, out);
        }
    }
}

/// The line of the first error or missing node, for the failure message.
fn first_error(source: &str, node: tree_sitter::Node<'_>) -> Option<String> {
    if node.is_error() || node.is_missing() {
        let line = node.start_position().row;
        return source.lines().nth(line).map(|text| format!("line {}: {text}", line + 1));
    }
    (0..node.child_count()).find_map(|index| node.child(index).and_then(|child| first_error(source, child)))
}

fn parse_powershell(source: &str) -> tree_sitter::Tree {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).unwrap();
    parser.parse(source, None).unwrap()
}

#[test]
fn every_powershell_runbook_parses_and_quotes_every_name_as_one_string() {
    let dir = scratch("powershell");
    let hostile = dir.join("hostile-wsfc.yaml");
    std::fs::write(&hostile, HOSTILE_WSFC).unwrap();
    let mut sources = vec![hostile.to_string_lossy().into_owned()];
    for entry in std::fs::read_dir(repo("tests/examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            sources.push(path.to_string_lossy().into_owned());
        }
    }
    let mut checked = 0;
    for source in &sources {
        let (code, script) = rollplan(&["plan", "--format", "runbook", source]);
        if code != Some(0) || script.starts_with("#!/bin/sh") {
            continue;
        }
        checked += 1;
        let tree = parse_powershell(&script);
        let root = tree.root_node();
        assert!(!root.has_error(), "{source}: the runbook does not parse at: {:?}", first_error(&script, root));
        let mut called = Vec::new();
        commands_called(&script, root, &mut called);
        let foreign: Vec<&String> =
            called.iter().filter(|name| !POWERSHELL_COMMANDS.contains(&name.as_str())).collect();
        assert!(foreign.is_empty(), "{source}: calls {foreign:?}");
    }
    assert!(checked >= 4, "the hostile cluster, two wsfc and one exchange-2003 example: {checked}");

    // Each hostile name is exactly one single-quoted string where a command takes it.
    let (_, script) = rollplan(&["plan", "--format", "runbook", &hostile.to_string_lossy()]);
    let mut strings = Vec::new();
    verbatim_strings(&script, parse_powershell(&script).root_node(), &mut strings);
    for name in
        ["HV1;Stop-Computer", "$(Stop-Computer)", "it’s ‘typographic’ 'plain'", "-Force", "VM'; Stop-Computer; '"]
    {
        assert!(strings.iter().any(|s| s == name), "`{name}` is not one string: {strings:?}");
    }
    // A name that looks like a parameter is a value: quoted.
    assert!(script.contains("Suspend-ClusterNode -Name '-Force' -Drain -Wait"), "{script}");
    let _ = std::fs::remove_dir_all(&dir);
}
