//! Imports of live inventory: every JSON document under `tests/import/` (as
//! real clusters print them: kubeadm, EKS and k3s `NodeList`s, Elasticsearch 8
//! `_nodes` and 7 `_cat/nodes`) becomes a description, committed beside it
//! as `<file>.yaml` (`UPDATE_EXPECT=1` rewrites them), that validates
//! without errors and plans, the plan replayed by the checker.

use std::fmt::Write as _;
use std::path::PathBuf;

use rollplan_core::check::check;
use rollplan_core::import::{Imported, Inventory, detect, elasticsearch, kubernetes, offer};
use rollplan_core::plan::Outcome;
use rollplan_core::{Severity, Syntax, analyze};

mod common;

use common::repo_root;

/// Every inventory document, with what it is.
fn documents() -> Vec<(PathBuf, Inventory)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/import"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let inventory =
                if name.starts_with("elasticsearch") { Inventory::Elasticsearch } else { Inventory::Kubernetes };
            (path, inventory)
        })
        .collect()
}

fn import(text: &str, inventory: Inventory, target: Option<&str>) -> Imported {
    rollplan_core::import::import(inventory, text, target).unwrap_or_else(|error| panic!("{error:?}"))
}

/// The imported description plans, and the checker accepts the plan.
fn plans(description: &str, name: &str) {
    let analysis = analyze(description, Syntax::Yaml);
    let errors: Vec<_> =
        analysis.validation.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| &d.message).collect();
    assert!(errors.is_empty(), "{name}: {errors:?}\n{description}");
    match (&analysis.validation.cluster, &analysis.outcome) {
        (Some(cluster), Some(Outcome::Planned(plan))) => assert_eq!(check(cluster, plan), Ok(()), "{name}"),
        other => panic!("{name}: no plan: {:?}", other.1),
    }
}

#[test]
fn every_inventory_becomes_a_description_that_plans() {
    let documents = documents();
    assert!(documents.len() >= 5, "{documents:?}");
    for (path, inventory) in documents {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(detect(&text), Some(inventory), "{}", path.display());
        let imported = import(&text, inventory, None);
        // The page's offer reads the text once and makes the same description.
        let offer = offer(&text).unwrap_or_else(|| panic!("{}: no offer", path.display()));
        assert_eq!((offer.kind, offer.imported.as_ref()), (inventory, Ok(&imported)), "{}", path.display());
        let mut snapshot = imported.description.clone();
        for warning in &imported.warnings {
            let _ = writeln!(snapshot, "# warning: {warning}");
        }
        expect_test::expect_file![PathBuf::from(format!("{}.yaml", path.display()))].assert_eq(&snapshot);
        plans(&imported.description, &path.display().to_string());
    }
}

#[test]
fn the_kubeadm_cluster_reads_roles_versions_quorum_and_what_is_wrong() {
    let text = common::read("tests/import/kubeadm-3-control-plane-3-workers.json");
    let imported = kubernetes(&text, Some("v1.31")).unwrap();
    let roles: Vec<&str> = imported.nodes.iter().map(|n| n.role.as_str()).collect();
    assert_eq!(roles, ["control-plane", "control-plane", "control-plane", "worker", "worker", "worker"]);
    assert_eq!(imported.nodes[0].versions[3], ("kubelet".to_owned(), "v1.29.15".to_owned(), "1.29".to_owned()));
    assert!(imported.description.contains("releases: [\"1.29\", \"1.30\", \"1.31\"]"), "{}", imported.description);
    assert!(imported.description.contains("quorum_role: control-plane"));
    assert_eq!(
        imported.warnings,
        [
            "node `worker-2` is cordoned (spec.unschedulable): uncordon it or leave it out before planning",
            "node `worker-3` is not Ready: fix it before the upgrade starts"
        ]
    );
    plans(&imported.description, "kubeadm to 1.31");
}

#[test]
fn distributions_suffixes_are_read_past_and_a_managed_control_plane_holds_no_quorum() {
    let eks = kubernetes(&common::read("tests/import/eks-managed-4-workers.json"), None).unwrap();
    assert_eq!(eks.nodes[0].versions[0].1, "v1.29.15-eks-473151a");
    assert_eq!(eks.nodes[0].versions[0].2, "1.29");
    assert!(eks.description.contains("quorum: none"), "{}", eks.description);
    assert!(eks.description.contains("target: \"1.30\""), "the next minor by default: {}", eks.description);
    let k3s = kubernetes(&common::read("tests/import/k3s-1-server-2-agents.json"), Some("1.29")).unwrap();
    assert_eq!(k3s.nodes[0].role, "control-plane");
    assert_eq!(k3s.nodes[0].versions[3].1, "v1.28.1+k3s1");
}

#[test]
fn foreign_or_broken_json_gets_a_clear_error() {
    let pod = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}}"#;
    let error = kubernetes(pod, None).unwrap_err();
    assert_eq!(error.message, "expected the JSON of `kubectl get nodes -o json` (a NodeList), but this is a `Pod`");
    let broken = "{\n  \"kind\": \"NodeList\",\n  \"items\": [\n";
    let error = kubernetes(broken, None).unwrap_err();
    assert!(error.message.starts_with("this is not JSON"), "{error:?}");
    assert!(error.line.is_some());
    let bad_version = r#"{"kind": "NodeList", "items": [{"metadata": {"name": "n1"}, "status": {"nodeInfo": {"kubeletVersion": "latest"}}}]}"#;
    assert_eq!(
        kubernetes(bad_version, None).unwrap_err().message,
        "node `n1`'s kubelet version `latest` is not a version like v1.29.15"
    );
    let older = kubernetes(&common::read("tests/import/kubeadm-3-control-plane-3-workers.json"), Some("1.28"));
    assert!(older.unwrap_err().message.contains("older than the newest node's 1.29"));
    assert!(
        elasticsearch(pod, None).unwrap_err().message.starts_with("expected the JSON of Elasticsearch's `GET _nodes`")
    );
    assert_eq!(detect(pod), None);
    assert_eq!(detect("format: 1\n"), None);
    assert_eq!(offer(pod), None);
    // A node list that cannot be converted is still offered, with the reason.
    let offered = offer(bad_version).unwrap();
    assert_eq!(offered.kind, Inventory::Kubernetes);
    assert_eq!(offered.imported, kubernetes(bad_version, None));
}

#[test]
fn a_hostile_node_name_stays_one_name() {
    let hostile = "n1\"}], nodes: [{name: evil} # & *alias !tag";
    let text = format!(
        r#"{{"kind": "NodeList", "items": [
            {{"metadata": {{"name": {}, "labels": {{"node-role.kubernetes.io/control-plane": ""}}}}, "status": {{"nodeInfo": {{"kubeletVersion": "v1.30.2"}}}}}},
            {{"metadata": {{"name": "w1"}}, "status": {{"nodeInfo": {{"kubeletVersion": "v1.30.2"}}}}}}]}}"#,
        serde_json::to_string(hostile).unwrap()
    );
    let imported = kubernetes(&text, None).unwrap();
    let analysis = analyze(&imported.description, Syntax::Yaml);
    let cluster = analysis.validation.cluster.expect("valid");
    let names: Vec<&str> = cluster.nodes().iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, [hostile, "w1"]);
    let control = text.replace("evil", "evil\\n");
    assert!(kubernetes(&control, None).unwrap_err().message.contains("control character"));
}

#[test]
fn elasticsearch_masters_vote_and_go_last() {
    let imported = elasticsearch(&common::read("tests/import/elasticsearch-8-nodes.json"), Some("8.15.0")).unwrap();
    assert_eq!(imported.nodes.iter().filter(|n| n.role == "master").count(), 3);
    assert!(imported.description.contains("order: [data, master]"));
    assert!(imported.description.contains("quorum_role: master"));
    assert!(imported.description.contains("cluster: \"search-prod\""));
    let cat = elasticsearch(&common::read("tests/import/elasticsearch-7-cat-nodes.json"), None).unwrap();
    assert_eq!(
        cat.nodes.iter().map(|n| n.role.as_str()).collect::<Vec<_>>(),
        ["master", "master", "master", "data", "data"]
    );
    assert!(cat.description.contains("releases: [\"7.17.21\", \"7.17.22\", \"7.18.0\"]"), "{}", cat.description);
    let minor = elasticsearch(&common::read("tests/import/elasticsearch-8-nodes.json"), Some("8.16")).unwrap();
    assert!(minor.description.contains("target: \"8.16.0\""), "{}", minor.description);
}
