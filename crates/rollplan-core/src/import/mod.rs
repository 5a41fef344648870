//! Descriptions from live inventory: the JSON a platform prints about its
//! nodes (`kubectl get nodes -o json`, Elasticsearch's `GET _nodes` or
//! `_cat/nodes?format=json`) turned into a rollplan description, as YAML
//! text whose comments say where each value came from. The page and the CLI
//! call the same functions; what they do with the text is theirs.
//!
//! Plain text in, plain text out: the JSON is read with the description's
//! own parser (`rollplan-syntax`), so an error is located like any other,
//! and every name from it is written into the YAML as a double-quoted
//! string, so no name can change the description's shape.

mod elasticsearch;
mod kubernetes;

use crate::syntax::{Syntax, Tree, Value};

/// A description made from inventory, and what was read to make it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Imported {
    /// The description, YAML with comments.
    pub description: String,
    /// One line per node: its name, role and versions as read.
    pub nodes: Vec<ImportedNode>,
    /// What deserves a look before planning (a node not ready, cordoned).
    pub warnings: Vec<String>,
}

/// One node as the import read it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportedNode {
    pub name: String,
    pub role: String,
    /// (component, version as read, the release it counts as).
    pub versions: Vec<(String, String, String)>,
}

/// Why a text could not be imported: a sentence, and the line it is about (from 1) when known.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportError {
    pub message: String,
    pub line: Option<u32>,
}

/// Which inventory a text is, when it is one rollplan imports: for the page,
/// which offers to convert what is pasted or dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Inventory {
    /// `kubectl get nodes -o json`.
    Kubernetes,
    /// Elasticsearch's `GET _nodes` or `GET _cat/nodes?format=json`.
    Elasticsearch,
}

/// What the page offers for a text that is inventory: which kind it is,
/// and its description (or why it cannot be made), worked out at once so
/// that the page, whose analysis worker calls this, never reads a large
/// node list on its own thread.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Offer {
    pub kind: Inventory,
    /// The description as [`import`] makes it without a target (the next minor).
    pub imported: Result<Imported, ImportError>,
}

/// Whether `text` may be inventory: JSON that names a node list. Cheap (no
/// parsing: a scan for a few markers), so that looking at every description
/// typed costs nothing.
pub fn may_be_inventory(text: &str) -> bool {
    // Where the markers are: a node's `"kind": "Node"`, `"_nodes"` and a
    // `_cat/nodes` row's `"node.role"` near the start, kubectl's `"kind":
    // "NodeList"` at the end. Looking only there keeps a text of megabytes cheap.
    const NEAR: usize = 64 * 1024;
    let start = text.char_indices().nth(NEAR).map_or(text, |(end, _)| &text[..end]);
    let end = text.char_indices().rev().nth(NEAR).map_or(text, |(at, _)| &text[at..]);
    text.trim_start().starts_with(['{', '['])
        && ["\"Node\"", "\"_nodes\"", "\"node.role\"", "\"NodeList\""]
            .iter()
            .any(|marker| start.contains(marker) || end.contains(marker))
}

/// The inventory `text` is, if it is one: a JSON `NodeList`, or a `_nodes`
/// or `_cat/nodes` answer.
pub fn detect(text: &str) -> Option<Inventory> {
    if !may_be_inventory(text) {
        return None;
    }
    let (root, _) = parse(text).ok()?;
    kind_of(&root)
}

fn kind_of(root: &Tree<'_>) -> Option<Inventory> {
    if kubernetes::is_node_list(root) {
        return Some(Inventory::Kubernetes);
    }
    elasticsearch::is_nodes(root).then_some(Inventory::Elasticsearch)
}

/// The offer for `text` when it is inventory: [`detect`] and [`import`]
/// with the text read once.
pub fn offer(text: &str) -> Option<Offer> {
    if !may_be_inventory(text) {
        return None;
    }
    let (root, lines) = parse(text).ok()?;
    let kind = kind_of(&root)?;
    let imported = from_tree(kind, text, &root, &lines, None);
    Some(Offer { kind, imported })
}

/// The description of `text`, an inventory of kind `kind` (the CLI has it
/// from its argument; the page uses [`offer`]), upgraded to `target`.
pub fn import(kind: Inventory, text: &str, target: Option<&str>) -> Result<Imported, ImportError> {
    let (root, lines) = parse(text)?;
    from_tree(kind, text, &root, &lines, target)
}

/// The description of the cluster whose `kubectl get nodes -o json` is
/// `text`, upgraded to `target` (`1.31` or `v1.31`; the next minor after the
/// newest kubelet when `None`).
pub fn kubernetes(text: &str, target: Option<&str>) -> Result<Imported, ImportError> {
    import(Inventory::Kubernetes, text, target)
}

/// The description of the Elasticsearch cluster whose `_nodes` (or
/// `_cat/nodes?format=json`) answer is `text`, upgraded to `target` (the
/// next minor, `x.y+1.0`, when `None`).
pub fn elasticsearch(text: &str, target: Option<&str>) -> Result<Imported, ImportError> {
    import(Inventory::Elasticsearch, text, target)
}

/// The description of `text`, read as `root`, by the importer of `kind`.
fn from_tree(
    kind: Inventory,
    text: &str,
    root: &Tree<'_>,
    lines: &crate::LineIndex,
    target: Option<&str>,
) -> Result<Imported, ImportError> {
    match kind {
        Inventory::Kubernetes => kubernetes::from_tree(text, root, lines, target),
        Inventory::Elasticsearch => elasticsearch::from_tree(text, root, lines, target),
    }
}

/// `text` as a JSON tree, with its line index for errors.
fn parse(text: &str) -> Result<(Tree<'_>, crate::LineIndex), ImportError> {
    let lines = crate::LineIndex::new(text);
    match rollplan_syntax::parse(text, Syntax::Json, &lines) {
        Ok(tree) => Ok((tree, lines)),
        Err(error) => {
            let (line, _) = lines.line_column(text, error.span.start);
            Err(ImportError { message: format!("this is not JSON: {}", error.message), line: Some(line) })
        }
    }
}

/// The value at `key` of a mapping.
fn field<'t, 's>(tree: &'t Tree<'s>, key: &str) -> Option<&'t Tree<'s>> {
    match &tree.value {
        Value::Mapping(entries) => entries.iter().find(|(k, _)| k.name == key).map(|(_, value)| value),
        _ => None,
    }
}

/// The value at a path of keys.
fn at<'t, 's>(tree: &'t Tree<'s>, path: &[&str]) -> Option<&'t Tree<'s>> {
    path.iter().try_fold(tree, |tree, key| field(tree, key))
}

/// The text at a path of keys, when it is text.
fn text_at<'t>(tree: &'t Tree<'_>, path: &[&str]) -> Option<&'t str> {
    match &at(tree, path)?.value {
        Value::String(text) => Some(text),
        _ => None,
    }
}

/// `text` as a YAML double-quoted scalar (JSON's string syntax, which YAML reads the same).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// Whether a description may hold `name` (not empty, no control
/// character); the error for the node on `line` when not.
fn usable_name(name: &str, line: u32) -> Result<(), ImportError> {
    if name.chars().any(char::is_control) || name.trim().is_empty() {
        return Err(ImportError {
            message: format!(
                "node name {} is empty or holds a control character, which no description may",
                quoted(name)
            ),
            line: Some(line),
        });
    }
    Ok(())
}

/// `text` on one line, for a YAML comment.
fn comment(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A version's numbers, from text like `v1.29.15-eks-1234`, `1.28.1+k3s1`
/// or `8.15.0`: the leading `v` and anything after the numbers (a build or a
/// distribution's suffix) left out. `None` when it does not start with a number.
fn numbers(version: &str) -> Option<Vec<u64>> {
    let digits = version.trim().trim_start_matches(['v', 'V']);
    let end = digits.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(digits.len());
    let numbers: Option<Vec<u64>> =
        digits.get(..end)?.trim_end_matches('.').split('.').map(|part| part.parse::<u64>().ok()).collect();
    numbers.filter(|n| !n.is_empty())
}

/// `major.minor` of a version's numbers.
fn minor(numbers: &[u64]) -> Option<(u64, u64)> {
    Some((*numbers.first()?, *numbers.get(1)?))
}

/// The line (from 1) of a tree in `text`.
fn line_of(tree: &Tree<'_>, text: &str, lines: &crate::LineIndex) -> u32 {
    lines.line_column(text, tree.span.start).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_with_their_suffixes_left_out() {
        assert_eq!(numbers("v1.29.15"), Some(vec![1, 29, 15]));
        assert_eq!(numbers("v1.29.15-eks-1234abc"), Some(vec![1, 29, 15]));
        assert_eq!(numbers("v1.28.1+k3s1"), Some(vec![1, 28, 1]));
        assert_eq!(numbers("8.15.0"), Some(vec![8, 15, 0]));
        assert_eq!(numbers("latest"), None);
        assert_eq!(numbers(""), None);
    }

    #[test]
    fn names_are_written_as_quoted_yaml() {
        assert_eq!(quoted("a\"b\nc: {d}"), "\"a\\\"b\\nc: {d}\"");
    }
}
