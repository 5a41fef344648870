//! `docs/collect/wsfc.ps1`, the read-only script that prints a description
//! of a Windows failover cluster. PowerShell cannot be installed here, so
//! the script is parsed with the tree-sitter PowerShell grammar (no error,
//! and it calls only cmdlets that read), and `tests/collect/wsfc-hv-cl1.json`,
//! written exactly as the script's `ConvertTo-Json` prints a 4-node
//! cluster's description, is planned by the binary, each of its keys one
//! the script writes.

use std::path::PathBuf;
use std::process::Command;

fn repo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

/// The commands the collector may call: it reads, and never changes the cluster.
const READ_ONLY: &[&str] = &[
    "Import-Module",
    "Get-Cluster",
    "Get-ClusterNode",
    "Get-CimInstance",
    "Get-ClusterGroup",
    "Get-ClusterOwnerNode",
    "Get-ClusterQuorum",
    "Sort-Object",
    "Where-Object",
    "ForEach-Object",
    "Write-Warning",
    "ConvertTo-Json",
];

fn command_names(source: &str, node: tree_sitter::Node<'_>, out: &mut Vec<String>) {
    if node.kind() == "command_name" {
        out.push(source[node.byte_range()].to_owned());
    }
    for index in 0..node.child_count() {
        if let Some(child) = node.child(index) {
            command_names(source, child, out);
        }
    }
}

#[test]
fn the_collector_parses_and_only_reads() {
    let script = std::fs::read_to_string(repo("docs/collect/wsfc.ps1")).unwrap();
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(&tree_sitter_powershell::LANGUAGE.into()).unwrap();
    let tree = parser.parse(&script, None).unwrap();
    assert!(!tree.root_node().has_error(), "docs/collect/wsfc.ps1 does not parse");
    let mut called = Vec::new();
    command_names(&script, tree.root_node(), &mut called);
    for wanted in
        ["Get-ClusterNode", "Get-ClusterGroup", "Get-ClusterOwnerNode", "Get-ClusterQuorum", "Get-CimInstance"]
    {
        assert!(called.iter().any(|name| name == wanted), "{wanted} is not called: {called:?}");
    }
    let other: Vec<&String> = called.iter().filter(|name| !READ_ONLY.contains(&name.as_str())).collect();
    assert!(other.is_empty(), "the collector calls {other:?}");
}

/// Every key of a JSON value, recursively.
fn keys(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                out.push(key.clone());
                keys(value, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| keys(item, out)),
        _ => {}
    }
}

#[test]
fn what_the_collector_prints_plans() {
    let fixture = repo("tests/collect/wsfc-hv-cl1.json");
    let output = Command::new(env!("CARGO_BIN_EXE_rollplan")).arg("plan").arg(&fixture).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Suspend-ClusterNode -Name 'HV"));
    let script = std::fs::read_to_string(repo("docs/collect/wsfc.ps1")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    let mut written = Vec::new();
    keys(&json, &mut written);
    for key in written {
        let assigned = script.lines().any(|line| {
            let line = line.trim_start();
            line.strip_prefix(key.as_str()).is_some_and(|rest| rest.trim_start().starts_with('='))
                || line.contains(&format!("$entry.{key} ="))
        });
        assert!(assigned, "the fixture's key `{key}` is not one the script writes");
    }
}
