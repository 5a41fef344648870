//! Elasticsearch's `GET _nodes` (or `GET _cat/nodes?format=json&h=name,
//! version,node.role,master`) to a description: one node per cluster
//! member, master-eligible nodes last (`order: [data, master]`, as the
//! rolling-upgrade guide asks), the voting configuration on the
//! master-eligible nodes, and the version rules of a rolling upgrade: no
//! downgrade, and replicas that only move from older to newer nodes.

use std::fmt::Write as _;

use super::{ImportError, Imported, ImportedNode, comment, field, line_of, numbers, quoted, text_at, usable_name};
use crate::LineIndex;
use crate::syntax::{Tree, Value};

/// Whether `root` is a `_nodes` answer or a `_cat/nodes?format=json` list.
pub(super) fn is_nodes(root: &Tree<'_>) -> bool {
    match &root.value {
        Value::Mapping(_) => {
            matches!(field(root, "nodes").map(|n| &n.value), Some(Value::Mapping(_))) && field(root, "_nodes").is_some()
        }
        Value::Sequence(rows) => {
            !rows.is_empty()
                && rows.iter().all(|row| text_at(row, &["name"]).is_some() && text_at(row, &["version"]).is_some())
        }
        _ => false,
    }
}

/// One node as read.
struct Read {
    name: String,
    version: String,
    numbers: Vec<u64>,
    master: bool,
    /// The roles as the answer gives them (for the comment).
    roles: String,
}

/// The description of the Elasticsearch cluster whose `_nodes` (or
/// `_cat/nodes?format=json`) answer is `text`, read as `root`, upgraded to
/// `target` (the next minor, `x.y+1.0`, when `None`).
pub(super) fn from_tree(
    text: &str,
    root: &Tree<'_>,
    lines: &LineIndex,
    target: Option<&str>,
) -> Result<Imported, ImportError> {
    if !is_nodes(root) {
        return Err(ImportError {
            message: "expected the JSON of Elasticsearch's `GET _nodes` (an object with `_nodes` and `nodes`) or of `GET _cat/nodes?format=json&h=name,version,node.role,master` (a list of nodes)".to_owned(),
            line: Some(1),
        });
    }
    let mut read: Vec<Read> = Vec::new();
    // A cluster name no description may hold (empty, a control character) is left for the default.
    let cluster = text_at(root, &["cluster_name"])
        .filter(|name| usable_name(name, 1).is_ok())
        .unwrap_or("elasticsearch")
        .to_owned();
    let mut add = |row: &Tree<'_>, name: Option<&str>, version: Option<&str>, master: bool, roles: String| {
        let line = line_of(row, text, lines);
        let name = name.ok_or_else(|| ImportError { message: "a node has no `name`".to_owned(), line: Some(line) })?;
        usable_name(name, line)?;
        let version = version
            .ok_or_else(|| ImportError { message: format!("node `{name}` has no `version`"), line: Some(line) })?;
        let parsed = numbers(version).filter(|n| n.len() >= 2).ok_or_else(|| ImportError {
            message: format!("node `{name}`'s version `{version}` is not a version like 8.15.0"),
            line: Some(line),
        })?;
        read.push(Read { name: name.to_owned(), version: version.to_owned(), numbers: parsed, master, roles });
        Ok::<(), ImportError>(())
    };
    match &root.value {
        Value::Mapping(_) => {
            if let Some(Value::Mapping(nodes)) = field(root, "nodes").map(|n| &n.value) {
                for (_, node) in nodes {
                    let roles: Vec<&str> = match field(node, "roles").map(|r| &r.value) {
                        Some(Value::Sequence(roles)) => roles
                            .iter()
                            .filter_map(|r| if let Value::String(s) = &r.value { Some(s.as_ref()) } else { None })
                            .collect(),
                        _ => Vec::new(),
                    };
                    add(
                        node,
                        text_at(node, &["name"]),
                        text_at(node, &["version"]),
                        roles.contains(&"master"),
                        roles.join(", "),
                    )?;
                }
            }
        }
        Value::Sequence(rows) => {
            for row in rows {
                // `node.role` letters: m is master-eligible (`master`: `*` is the elected master).
                let letters = text_at(row, &["node.role"]).unwrap_or_default();
                add(
                    row,
                    text_at(row, &["name"]),
                    text_at(row, &["version"]),
                    letters.contains('m'),
                    format!("node.role {letters}"),
                )?;
            }
        }
        _ => {}
    }
    if read.is_empty() {
        return Err(ImportError { message: "the answer lists no nodes".to_owned(), line: Some(1) });
    }
    let newest = read.iter().map(|n| n.numbers.clone()).max().unwrap_or_default();
    let oldest = read.iter().map(|n| n.numbers.clone()).min().unwrap_or_default();
    let dotted = |n: &[u64]| n.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
    let target_numbers = match target {
        // A minor alone (`8.16`) is its first release, `8.16.0`: Elasticsearch's packages are versioned in three parts.
        Some(given) => numbers(given)
            .filter(|n| n.len() >= 2)
            .map(|mut n| {
                n.resize(n.len().max(3), 0);
                n
            })
            .ok_or_else(|| ImportError {
                message: format!("the target `{given}` is not a version like 8.16.0"),
                line: None,
            })?,
        None => vec![newest.first().copied().unwrap_or(0), newest.get(1).copied().unwrap_or(0) + 1, 0],
    };
    if target_numbers < newest {
        return Err(ImportError {
            message: format!(
                "the target {} is older than the newest node's {}: rollplan does not plan downgrades",
                dotted(&target_numbers),
                dotted(&newest)
            ),
            line: None,
        });
    }
    let mut releases: Vec<Vec<u64>> = read.iter().map(|n| n.numbers.clone()).collect();
    releases.push(target_numbers.clone());
    releases.sort();
    releases.dedup();
    let release_list = releases.iter().map(|r| quoted(&dotted(r))).collect::<Vec<_>>().join(", ");
    let masters = read.iter().filter(|n| n.master).count();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Imported by rollplan from Elasticsearch's node list: {} nodes, {masters} master-eligible.",
        read.len()
    );
    let _ = writeln!(
        out,
        "# Add your indices as replicated services (`replicas`, `min_available`) to keep their copies up."
    );
    if oldest.first() != target_numbers.first() {
        let _ = writeln!(
            out,
            "# A major upgrade ({} to {}): upgrade to the last minor of {}.x first, and run the Upgrade Assistant.",
            dotted(&oldest),
            dotted(&target_numbers),
            oldest.first().copied().unwrap_or(0)
        );
    }
    let _ = writeln!(out, "format: 1\ncluster: {}\nplatform: elasticsearch\ncomponents:", quoted(&cluster));
    let _ = writeln!(
        out,
        "  elasticsearch:\n    title: Elasticsearch\n    releases: [{release_list}]\n    target: {}",
        quoted(&dotted(&target_numbers))
    );
    let _ = writeln!(
        out,
        "    minutes: 15\n    # Replicas move from older to newer nodes while they run mixed releases.\n    mixed_failover: allow\n    # A node on the new release cannot rejoin a cluster on the old one.\n    reversible: false"
    );
    let _ = writeln!(out, "nodes:");
    let mut nodes = Vec::new();
    for node in &read {
        let role = if node.master { "master" } else { "data" };
        let release = dotted(&node.numbers);
        let _ = writeln!(
            out,
            "  - name: {}   # {}, roles: {}",
            quoted(&node.name),
            comment(&node.version),
            comment(&node.roles)
        );
        let _ = writeln!(out, "    role: {role}\n    versions: {{elasticsearch: {}}}", quoted(&release));
        nodes.push(ImportedNode {
            name: node.name.clone(),
            role: role.to_owned(),
            versions: vec![("elasticsearch".to_owned(), node.version.clone(), release)],
        });
    }
    let _ = writeln!(out, "policy:\n  max_down: 1");
    if masters > 0 {
        let _ = writeln!(
            out,
            "  quorum: majority\n  quorum_role: master   # the voting configuration: the master-eligible nodes"
        );
    } else {
        let _ = writeln!(out, "  quorum: none   # no master-eligible node among these");
    }
    if masters > 0 && masters < read.len() {
        let _ =
            writeln!(out, "  order: [data, master]   # master-eligible nodes last, as the rolling-upgrade guide asks");
    }
    let _ = writeln!(out, "  failback: none");
    Ok(Imported { description: out, nodes, warnings: Vec::new() })
}
