//! `kubectl get nodes -o json` (a `NodeList`) to a description: one node
//! per item, its role from the `node-role.kubernetes.io/...` labels, its
//! versions from `status.nodeInfo`, the version skew policy as skew rules,
//! the control plane first, and quorum where etcd is: on the control-plane
//! nodes (none among the nodes of a managed control plane: EKS, GKE, AKS).

use std::fmt::Write as _;

use super::{
    ImportError, Imported, ImportedNode, at, comment, field, line_of, minor, numbers, quoted, text_at, usable_name,
};
use crate::LineIndex;
use crate::syntax::{Tree, Value};

/// The labels that make a node part of the control plane.
const CONTROL_PLANE_LABELS: [&str; 2] = ["node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"];

/// Whether `root` is a `NodeList` (or a `List` of `Node`s).
pub(super) fn is_node_list(root: &Tree<'_>) -> bool {
    match text_at(root, &["kind"]) {
        Some("NodeList") => true,
        Some("List") => items(root).is_some_and(|items| {
            !items.is_empty() && items.iter().all(|item| text_at(item, &["kind"]) == Some("Node"))
        }),
        _ => false,
    }
}

fn items<'t, 's>(root: &'t Tree<'s>) -> Option<&'t [Tree<'s>]> {
    match &field(root, "items")?.value {
        Value::Sequence(items) => Some(items),
        _ => None,
    }
}

/// One node as read.
struct Read {
    name: String,
    control_plane: bool,
    /// The label that made it control-plane, or none.
    label: Option<&'static str>,
    kubelet: (String, (u64, u64)),
    proxy: Option<(String, (u64, u64))>,
}

/// The description of the cluster whose `kubectl get nodes -o json` is
/// `text`, read as `root`, upgraded to `target` (`1.31` or `v1.31`; the next
/// minor after the newest kubelet when `None`).
pub(super) fn from_tree(
    text: &str,
    root: &Tree<'_>,
    lines: &LineIndex,
    target: Option<&str>,
) -> Result<Imported, ImportError> {
    if !is_node_list(root) {
        let kind =
            text_at(root, &["kind"]).map_or_else(|| "a document without `kind`".to_owned(), |k| format!("a `{k}`"));
        return Err(ImportError {
            message: format!("expected the JSON of `kubectl get nodes -o json` (a NodeList), but this is {kind}"),
            line: Some(1),
        });
    }
    let mut warnings = Vec::new();
    let mut read: Vec<Read> = Vec::new();
    for item in items(root).unwrap_or_default() {
        let line = line_of(item, text, lines);
        let name = text_at(item, &["metadata", "name"])
            .ok_or_else(|| ImportError { message: "a node has no `metadata.name`".to_owned(), line: Some(line) })?;
        usable_name(name, line)?;
        let kubelet_text = text_at(item, &["status", "nodeInfo", "kubeletVersion"]).ok_or_else(|| ImportError {
            message: format!("node `{name}` has no `status.nodeInfo.kubeletVersion`"),
            line: Some(line),
        })?;
        let kubelet = numbers(kubelet_text).as_deref().and_then(minor).ok_or_else(|| ImportError {
            message: format!("node `{name}`'s kubelet version `{kubelet_text}` is not a version like v1.29.15"),
            line: Some(line),
        })?;
        let proxy = text_at(item, &["status", "nodeInfo", "kubeProxyVersion"])
            .filter(|v| !v.is_empty())
            .and_then(|v| numbers(v).as_deref().and_then(minor).map(|m| (v.to_owned(), m)));
        let label = CONTROL_PLANE_LABELS
            .into_iter()
            .find(|label| at(item, &["metadata", "labels"]).and_then(|l| field(l, label)).is_some());
        if matches!(at(item, &["spec", "unschedulable"]).map(|t| &t.value), Some(Value::Bool(true))) {
            warnings.push(format!(
                "node `{name}` is cordoned (spec.unschedulable): uncordon it or leave it out before planning"
            ));
        }
        if !ready(item) {
            warnings.push(format!("node `{name}` is not Ready: fix it before the upgrade starts"));
        }
        read.push(Read {
            name: name.to_owned(),
            control_plane: label.is_some(),
            label,
            kubelet: (kubelet_text.to_owned(), kubelet),
            proxy,
        });
    }
    if read.is_empty() {
        return Err(ImportError { message: "the NodeList has no nodes (`items` is empty)".to_owned(), line: Some(1) });
    }
    let newest = read
        .iter()
        .map(|n| n.kubelet.1)
        .chain(read.iter().filter_map(|n| n.proxy.as_ref().map(|p| p.1)))
        .max()
        .unwrap_or((1, 0));
    let oldest = read
        .iter()
        .map(|n| n.kubelet.1)
        .chain(read.iter().filter_map(|n| n.proxy.as_ref().map(|p| p.1)))
        .min()
        .unwrap_or(newest);
    let target = match target {
        Some(given) => numbers(given).as_deref().and_then(minor).ok_or_else(|| ImportError {
            message: format!("the target `{given}` is not a Kubernetes minor like 1.31"),
            line: None,
        })?,
        None => (newest.0, newest.1 + 1),
    };
    if target < newest {
        return Err(ImportError {
            message: format!(
                "the target {}.{} is older than the newest node's {}.{}: rollplan does not plan downgrades",
                target.0, target.1, newest.0, newest.1
            ),
            line: None,
        });
    }
    if target.0 != oldest.0 {
        return Err(ImportError {
            message: format!(
                "the target {}.{} is another major version than the nodes' {}.x",
                target.0, target.1, oldest.0
            ),
            line: None,
        });
    }
    let release = |m: (u64, u64)| format!("{}.{}", m.0, m.1);
    let releases: Vec<String> = (oldest.1..=target.1).map(|m| release((oldest.0, m))).collect();
    let release_list = releases.iter().map(|r| quoted(r)).collect::<Vec<_>>().join(", ");
    let target_text = quoted(&release(target));
    let control_planes = read.iter().filter(|n| n.control_plane).count();
    let any_proxy = read.iter().any(|n| n.proxy.is_some());

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by rollplan from `kubectl get nodes -o json`: {} nodes, {control_planes} of them control-plane.",
        read.len()
    );
    let _ =
        writeln!(out, "# Versions are minors read from status.nodeInfo (the kubelet's; kube-proxy's where reported);");
    let _ = writeln!(
        out,
        "# the control-plane components are taken to run their node's kubelet minor, as kubeadm keeps them."
    );
    if control_planes == 0 {
        let _ =
            writeln!(out, "# No node is control-plane: a managed control plane (EKS, GKE, AKS, OKE). Upgrade it to");
        let _ = writeln!(
            out,
            "# {} with your provider first; these nodes then follow, and hold no quorum.",
            release(target)
        );
    }
    let _ = writeln!(out, "format: 1\ncluster: \"kubernetes\"\nplatform: kubernetes\ncomponents:");
    if control_planes > 0 {
        for (name, minutes) in [("kube-apiserver", 10), ("kube-controller-manager", 2), ("kube-scheduler", 2)] {
            let _ = writeln!(
                out,
                "  {name}:\n    releases: [{release_list}]\n    target: {target_text}\n    path: sequential   # kubeadm upgrades the control plane one minor at a time\n    reboot: false\n    minutes: {minutes}"
            );
        }
    }
    let _ = writeln!(
        out,
        "  kubelet:\n    releases: [{release_list}]\n    target: {target_text}\n    reboot: false\n    minutes: 5"
    );
    if any_proxy {
        let _ = writeln!(
            out,
            "  kube-proxy:\n    releases: [{release_list}]\n    target: {target_text}\n    reboot: false\n    minutes: 2"
        );
    }
    let _ = writeln!(out, "nodes:");
    let mut nodes = Vec::new();
    for node in &read {
        let kubelet = quoted(&release(node.kubelet.1));
        let mut versions = Vec::new();
        let mut listed = Vec::new();
        if node.control_plane {
            for name in ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] {
                versions.push(format!("{name}: {kubelet}"));
                listed.push((name.to_owned(), node.kubelet.0.clone(), release(node.kubelet.1)));
            }
        }
        versions.push(format!("kubelet: {kubelet}"));
        listed.push(("kubelet".to_owned(), node.kubelet.0.clone(), release(node.kubelet.1)));
        if let Some((text, proxy)) = &node.proxy {
            versions.push(format!("kube-proxy: {}", quoted(&release(*proxy))));
            listed.push(("kube-proxy".to_owned(), text.clone(), release(*proxy)));
        }
        let role = if node.control_plane { "control-plane" } else { "worker" };
        let why = node.label.map_or_else(
            || "no node-role.kubernetes.io/control-plane label".to_owned(),
            |label| format!("label {label}"),
        );
        let _ = writeln!(out, "  - name: {}   # kubelet {}", quoted(&node.name), comment(&node.kubelet.0));
        let _ = writeln!(out, "    role: {role}   # {why}");
        let _ = writeln!(out, "    versions: {{{}}}", versions.join(", "));
        nodes.push(ImportedNode { name: node.name.clone(), role: role.to_owned(), versions: listed });
    }
    let _ = writeln!(out, "# The Kubernetes version skew policy (kubernetes.io/releases/version-skew-policy).\nskew:");
    if control_planes > 0 {
        let _ = writeln!(out, "  - {{component: kube-apiserver, max_spread: 1}}");
        let _ = writeln!(out, "  - {{component: kubelet, against: kube-apiserver, max_newer: 0, max_older: 3}}");
        let _ = writeln!(
            out,
            "  - {{component: kube-controller-manager, against: kube-apiserver, max_newer: 0, max_older: 1, scope: node}}"
        );
        let _ = writeln!(
            out,
            "  - {{component: kube-scheduler, against: kube-apiserver, max_newer: 0, max_older: 1, scope: node}}"
        );
        if any_proxy {
            let _ = writeln!(out, "  - {{component: kube-proxy, against: kube-apiserver, max_newer: 0, max_older: 3}}");
        }
    } else {
        let _ = writeln!(
            out,
            "  - {{component: kubelet, max_spread: 3}}   # within three minors of each other (and of the managed API server)"
        );
    }
    if any_proxy {
        let _ =
            writeln!(out, "  - {{component: kube-proxy, against: kubelet, max_newer: 3, max_older: 3, scope: node}}");
    }
    let _ = writeln!(out, "policy:\n  max_down: 1   # raise it to drain several workers at once");
    let quorum = match control_planes {
        0 => "  quorum: none   # the managed control plane keeps quorum, not these nodes",
        1 => "  quorum: none   # one control-plane node: the API server is down while it is upgraded",
        _ => {
            "  quorum: majority\n  quorum_role: control-plane   # etcd runs on the control-plane nodes: only they vote"
        }
    };
    let _ = writeln!(out, "{quorum}");
    if control_planes > 0 && control_planes < read.len() {
        let _ = writeln!(out, "  order: [control-plane, worker]");
    }
    let _ = writeln!(out, "  failback: none   # pods are rescheduled, not moved back");
    Ok(Imported { description: out, nodes, warnings })
}

/// Whether the node's `Ready` condition is `True` (a node without conditions counts as ready).
fn ready(item: &Tree<'_>) -> bool {
    let Some(Value::Sequence(conditions)) = at(item, &["status", "conditions"]).map(|t| &t.value) else {
        return true;
    };
    conditions
        .iter()
        .find(|condition| text_at(condition, &["type"]) == Some("Ready"))
        .is_none_or(|condition| text_at(condition, &["status"]) == Some("True"))
}
