//! Reads the spanned tree into the description's shape: fields, types, defaults.
//!
//! This layer knows the field names of format 1 and their types, and nothing of
//! what the values mean together; cross-references and the cluster's situation
//! are checked in [`crate::validate`]. Every value keeps its span, so later
//! checks can point at the exact text.

use std::fmt;

use crate::diagnostic::{Code, Sink, Span, did_you_mean};
use crate::model::{Failback, Finalize, MixedFailover, Platform, Quorum, SkewLevel, SkewScope};
use crate::syntax::{Key, Tree, Value};

/// The format versions this build reads.
pub const SUPPORTED_FORMATS: &[i64] = &[1];

/// Text with the span it was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// A name in a list (`owners`, `uses`), borrowed from the syntax tree: the
/// validator only looks it up, so a long owners list costs no copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameRef<'n> {
    pub value: &'n str,
    pub span: Span,
}

/// A value with the span it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct RawDescription<'n> {
    pub cluster: Option<Text>,
    pub platform: Platform,
    /// Empty when the field is missing (reported already).
    pub components: Vec<RawComponent>,
    pub components_span: Span,
    pub nodes: Vec<RawNode>,
    pub nodes_span: Span,
    pub services: Vec<RawService<'n>>,
    pub policy: RawPolicy,
    pub skew: Vec<RawSkew>,
}

/// One entry of the top-level `skew` list, as written.
#[derive(Debug)]
pub struct RawSkew {
    pub component: Option<Text>,
    pub max_spread: Option<At<u32>>,
    pub against: Option<Text>,
    pub max_newer: Option<At<u32>>,
    pub max_older: Option<At<u32>>,
    pub scope: At<SkewScope>,
    pub level: SkewLevel,
    /// Whether a bound is given but could not be read (reported already):
    /// the rule's kind is not news then.
    pub unreadable: bool,
    pub span: Span,
    pub path: String,
}

/// A component's `path`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathWord {
    Direct,
    Sequential,
}

#[derive(Debug)]
pub struct RawComponent {
    pub name: Text,
    pub title: Option<Text>,
    pub releases: Option<Vec<Text>>,
    pub target: Option<Text>,
    pub rolling: At<bool>,
    pub mixed_failover: At<MixedFailover>,
    pub reboot: bool,
    pub minutes: Option<u32>,
    pub reversible: bool,
    pub finalize: Option<Finalize>,
    /// `path:` (where it leads is checked against `releases` in validation).
    pub release_path: Option<At<PathWord>>,
    pub stops: Option<Vec<Text>>,
    pub path: String,
}

#[derive(Debug)]
pub struct RawNode {
    pub name: Option<Text>,
    /// (component, version) pairs in source order.
    pub versions: Vec<(Text, Text)>,
    /// The span to point at for a missing version: the `versions` mapping, or the node.
    pub versions_span: Span,
    /// False when `versions` was not a mapping (already reported): missing versions are not news then.
    pub versions_readable: bool,
    pub capacity: Option<At<u32>>,
    pub role: Option<Text>,
    pub path: String,
}

#[derive(Debug)]
pub struct RawService<'n> {
    pub name: Option<Text>,
    pub on: Option<Text>,
    pub owners: Option<Vec<NameRef<'n>>>,
    pub uses: Option<Vec<NameRef<'n>>>,
    /// The nodes holding a copy, for a replicated service, with the field's span.
    pub replicas: Option<(Vec<NameRef<'n>>, Span)>,
    /// Whether `replicas` is written at all (it may be unreadable: already reported).
    pub replicated: bool,
    pub min_available: Option<At<u32>>,
    /// Where `owners` is written, to point at it when it should not be there.
    pub owners_span: Option<Span>,
    pub span: Span,
    pub path: String,
}

#[derive(Debug)]
pub struct RawPolicy {
    pub max_down: At<u32>,
    pub quorum: At<Quorum>,
    pub failback: Failback,
    pub allow_outage: bool,
    pub order: Vec<Text>,
    pub window_minutes: Option<At<u32>>,
    pub quorum_role: Option<Text>,
}

impl Default for RawPolicy {
    fn default() -> Self {
        RawPolicy {
            max_down: At { value: 1, span: Span::default() },
            quorum: At { value: Quorum::Majority, span: Span::default() },
            failback: Failback::Verify,
            allow_outage: false,
            order: Vec::new(),
            window_minutes: None,
            quorum_role: None,
        }
    }
}

/// Reads the document; `None` only when nothing more can sensibly be checked
/// (not a mapping, or an unsupported format version).
pub fn read<'n>(root: &'n Tree<'n>, sink: &mut Sink<'_>) -> Option<RawDescription<'n>> {
    let mut reader = Reader { sink };
    // `$schema` lets JSON editors find docs/rollplan.schema.json; it means nothing to the plan.
    let fields = reader.mapping(
        root,
        FieldPath::top(""),
        &["format", "cluster", "platform", "components", "nodes", "services", "policy", "skew", "$schema"],
    )?;
    let mut description = RawDescription::default();

    match fields.get("format") {
        None => {
            reader
                .sink
                .report(
                    Code::MissingFormat,
                    Span::new(root.span.start, root.span.start),
                    "format",
                    "the description does not say which format version it is written in",
                )
                .hint("add `format: 1` as the first line");
        }
        Some((_, node)) => match &node.value {
            Value::Integer(Some(version), _) if SUPPORTED_FORMATS.contains(version) => {}
            Value::Integer(_, text) => {
                reader
                    .sink
                    .report(
                        Code::UnsupportedFormat,
                        node.span,
                        "format",
                        format!("format {text} is not supported: this rollplan reads format {}", supported_list()),
                    )
                    .hint("a newer rollplan may read it; or rewrite the description in format 1 (docs/format.md)");
                return None;
            }
            other => {
                reader.wrong_type(node, FieldPath::top("format"), "a whole number (the format version, 1)", other);
                return None;
            }
        },
    }

    description.cluster = fields.get("cluster").and_then(|(_, node)| reader.text(node, FieldPath::top("cluster")));
    description.platform = fields
        .get("platform")
        .and_then(|(_, node)| reader.choice(node, FieldPath::top("platform"), &Platform::ALL))
        .unwrap_or_default();

    match fields.get("components") {
        None => {
            reader
                .sink
                .report(
                    Code::MissingField,
                    root.span.start_only(),
                    "components",
                    "the description has no `components`: nothing says what to upgrade",
                )
                .hint("add a `components` mapping, e.g. `components: {exchange: {target: SP2}}`");
        }
        Some((key, node)) => {
            description.components_span = key.span;
            if let Some(entries) = reader.entries(node, FieldPath::top("components")) {
                for (name, value) in entries {
                    let path = format!("components.{}", name.name);
                    if let Some(component) = reader.component(name, value, path) {
                        description.components.push(component);
                    }
                }
            }
        }
    }

    match fields.get("nodes") {
        None => {
            reader
                .sink
                .report(Code::MissingField, root.span.start_only(), "nodes", "the description has no `nodes`")
                .hint("add a `nodes` list, e.g. `nodes: [{name: NODE1, versions: {...}}]`");
        }
        Some((key, node)) => {
            description.nodes_span = key.span;
            if let Some(items) = reader.sequence(node, FieldPath::top("nodes")) {
                for (index, item) in items.iter().enumerate() {
                    if let Some(parsed) = reader.node(item, format!("nodes[{index}]")) {
                        description.nodes.push(parsed);
                    }
                }
            }
        }
    }

    if let Some((_, node)) = fields.get("services")
        && let Some(items) = reader.sequence(node, FieldPath::top("services"))
    {
        for (index, item) in items.iter().enumerate() {
            if let Some(parsed) = reader.service(item, format!("services[{index}]")) {
                description.services.push(parsed);
            }
        }
    }

    if let Some((_, node)) = fields.get("policy") {
        description.policy = reader.policy(node);
    }

    if let Some((_, node)) = fields.get("skew")
        && let Some(items) = reader.sequence(node, FieldPath::top("skew"))
    {
        for (index, item) in items.iter().enumerate() {
            if let Some(rule) = reader.skew(item, format!("skew[{index}]")) {
                description.skew.push(rule);
            }
        }
    }
    Some(description)
}

fn supported_list() -> String {
    SUPPORTED_FORMATS.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The fields of one mapping, checked against the names it may have.
struct Fields<'n> {
    entries: Vec<&'n (Key<'n>, Tree<'n>)>,
}

impl<'n> Fields<'n> {
    fn get(&self, name: &str) -> Option<&'n (Key<'n>, Tree<'n>)> {
        self.entries.iter().copied().find(|(key, _)| key.name == name)
    }
}

struct Reader<'s, 't> {
    sink: &'s mut Sink<'t>,
}

impl Reader<'_, '_> {
    fn wrong_type(&mut self, node: &Tree<'_>, path: FieldPath<'_>, expected: &str, found: &Value<'_>) {
        let found = match found {
            Value::String(text) if text.len() <= 40 => format!("the text \"{text}\""),
            Value::Integer(_, text) | Value::Float(text) => format!("the number {text}"),
            other => other.kind().to_owned(),
        };
        self.sink.report(
            Code::WrongType,
            node.span,
            path,
            format!("`{}` must be {expected}, not {found}", path.leaf()),
        );
    }

    /// The node as a mapping whose keys are all in `known`; reports unknown and duplicate keys.
    fn mapping<'n>(&mut self, node: &'n Tree<'n>, path: FieldPath<'_>, known: &[&str]) -> Option<Fields<'n>> {
        let entries = self.entries(node, path)?;
        let mut fields = Fields { entries: Vec::with_capacity(entries.len()) };
        for entry in entries {
            let key = &entry.0;
            if !known.contains(&key.name.as_ref()) {
                let field_path = join(&path.to_string(), &key.name);
                let where_ = if path.is_top_level() { "at the top level".to_owned() } else { format!("in `{path}`") };
                let diagnostic = self.sink.report(
                    Code::UnknownField,
                    key.span,
                    field_path,
                    format!("unknown field `{}` {where_}", key.name),
                );
                match did_you_mean(&key.name, known.iter().copied()) {
                    Some(close) => diagnostic.hint(format!("did you mean `{close}`?")),
                    None => diagnostic.hint(format!("known fields here: {}", known.join(", "))),
                };
                continue;
            }
            fields.entries.push(entry);
        }
        Some(fields)
    }

    /// The entries of a mapping, with duplicate keys reported (the first one wins).
    fn entries<'n>(&mut self, node: &'n Tree<'n>, path: FieldPath<'_>) -> Option<Vec<&'n (Key<'n>, Tree<'n>)>> {
        let Value::Mapping(entries) = &node.value else {
            if path.is_top_level() {
                self.sink
                    .report(
                        Code::WrongType,
                        node.span,
                        "",
                        format!("the description must be a mapping of fields, not {}", node.value.kind()),
                    )
                    .hint("start with `format: 1`, then `components`, `nodes` and `services` (docs/format.md)");
            } else {
                self.wrong_type(node, path, "a mapping", &node.value);
            }
            return None;
        };
        let mut seen: Vec<&(Key<'_>, Tree<'_>)> = Vec::with_capacity(entries.len());
        for entry in entries {
            if let Some(first) = seen.iter().find(|(key, _)| key.name == entry.0.name) {
                let (line, _) = self.sink.line_index().line_column(self.sink.text(), first.0.span.start);
                self.sink
                    .report(
                        Code::DuplicateKey,
                        entry.0.span,
                        join(&path.to_string(), &entry.0.name),
                        format!("`{}` is given twice", entry.0.name),
                    )
                    .hint(format!("the first one, on line {line}, is used; remove one of them"));
                continue;
            }
            seen.push(entry);
        }
        Some(seen)
    }

    fn sequence<'n>(&mut self, node: &'n Tree<'n>, path: FieldPath<'_>) -> Option<&'n [Tree<'n>]> {
        match &node.value {
            Value::Sequence(items) => Some(items),
            other => {
                self.wrong_type(node, path, "a list", other);
                None
            }
        }
    }

    /// Text; numbers are accepted as written (`target: 7.0` in YAML is a number, but means "7.0").
    fn text(&mut self, node: &Tree<'_>, path: FieldPath<'_>) -> Option<Text> {
        match &node.value {
            Value::String(text) | Value::Integer(_, text) | Value::Float(text) => {
                if text.trim().is_empty() {
                    self.sink.report(
                        Code::InvalidValue,
                        node.span,
                        path,
                        format!("`{}` must not be empty", path.leaf()),
                    );
                    return None;
                }
                if let Some(bad) = text.chars().find(|c| c.is_control()) {
                    self.sink.report(
                        Code::InvalidValue,
                        node.span,
                        path,
                        format!("`{}` contains the control character U+{:04X}", path.leaf(), u32::from(bad)),
                    );
                    return None;
                }
                Some(Text { value: text.to_string(), span: node.span })
            }
            other => {
                self.wrong_type(node, path, "text", other);
                None
            }
        }
    }

    /// A list of text, each item [`Reader::text`] (those that are not are reported and left out).
    fn text_list(&mut self, node: &Tree<'_>, path: FieldPath<'_>) -> Option<Vec<Text>> {
        let names = self.name_list(node, path)?;
        Some(names.into_iter().map(|name| Text { value: name.value.to_owned(), span: name.span }).collect())
    }

    /// [`Reader::text_list`], borrowing each name from the tree.
    fn name_list<'n>(&mut self, node: &'n Tree<'n>, path: FieldPath<'_>) -> Option<Vec<NameRef<'n>>> {
        let items = self.sequence(node, path)?;
        // The item's path is spelt out only for a diagnostic: most items are plain text.
        let names: Vec<NameRef<'n>> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                plain_name(item).or_else(|| {
                    // `text` reports why: it accepts nothing that `plain_name` refuses.
                    let _ = self.text(item, FieldPath::top(&format!("{path}[{i}]")));
                    None
                })
            })
            .collect();
        Some(names)
    }

    fn bool(&mut self, node: &Tree<'_>, path: FieldPath<'_>) -> Option<bool> {
        match &node.value {
            Value::Bool(flag) => Some(*flag),
            other => {
                self.wrong_type(node, path, "true or false", other);
                None
            }
        }
    }

    fn count(&mut self, node: &Tree<'_>, path: FieldPath<'_>, min: u32) -> Option<u32> {
        match &node.value {
            Value::Integer(Some(number), _) => match u32::try_from(*number) {
                Ok(count) if count >= min => Some(count),
                _ if *number < i64::from(min) => {
                    self.sink.report(
                        Code::InvalidValue,
                        node.span,
                        path,
                        format!("`{}` must be at least {min}, not {number}", path.leaf()),
                    );
                    None
                }
                _ => {
                    self.sink.report(
                        Code::InvalidValue,
                        node.span,
                        path,
                        format!("`{}` is too large: {number} is over {}", path.leaf(), u32::MAX),
                    );
                    None
                }
            },
            Value::Integer(None, text) => {
                self.sink.report(
                    Code::InvalidValue,
                    node.span,
                    path,
                    format!("`{}` is out of range: {text}", path.leaf()),
                );
                None
            }
            other => {
                self.wrong_type(node, path, "a whole number", other);
                None
            }
        }
    }

    /// One of a fixed set of words.
    fn choice<T: Copy>(&mut self, node: &Tree<'_>, path: FieldPath<'_>, choices: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let Value::String(word) = &node.value else {
            self.wrong_type(node, path, &format!("one of {}", names.join(", ")), &node.value);
            return None;
        };
        if let Some((_, value)) = choices.iter().find(|(name, _)| name == word) {
            return Some(*value);
        }
        let diagnostic = self.sink.report(
            Code::InvalidValue,
            node.span,
            path,
            format!("`{}` must be one of {}, not `{word}`", path.leaf(), names.join(", ")),
        );
        if let Some(close) = did_you_mean(word, names.iter().copied()) {
            diagnostic.hint(format!("did you mean `{close}`?"));
        }
        None
    }

    fn component(&mut self, name: &Key<'_>, node: &Tree<'_>, path: String) -> Option<RawComponent> {
        let fields = self.mapping(
            node,
            FieldPath::top(&path),
            &[
                "title",
                "releases",
                "target",
                "rolling",
                "mixed_failover",
                "reboot",
                "minutes",
                "reversible",
                "finalize",
                "path",
                "stops",
            ],
        )?;
        let field = |name: &str| fields.get(name).map(|(_, node)| node);
        let mut component = RawComponent {
            name: Text { value: name.name.to_string(), span: name.span },
            title: field("title").and_then(|n| self.text(n, FieldPath::field(&path, "title"))),
            releases: field("releases").and_then(|n| self.text_list(n, FieldPath::field(&path, "releases"))),
            target: field("target").and_then(|n| self.text(n, FieldPath::field(&path, "target"))),
            rolling: At { value: true, span: name.span },
            mixed_failover: At { value: MixedFailover::Warn, span: name.span },
            reboot: field("reboot").and_then(|n| self.bool(n, FieldPath::field(&path, "reboot"))).unwrap_or(true),
            minutes: field("minutes").and_then(|n| self.count(n, FieldPath::field(&path, "minutes"), 0)),
            reversible: field("reversible")
                .and_then(|n| self.bool(n, FieldPath::field(&path, "reversible")))
                .unwrap_or(true),
            finalize: field("finalize").and_then(|n| self.finalize(n, &path)),
            release_path: field("path").and_then(|n| {
                let choices = [("direct", PathWord::Direct), ("sequential", PathWord::Sequential)];
                let value = self.choice(n, FieldPath::field(&path, "path"), &choices)?;
                Some(At { value, span: n.span })
            }),
            stops: field("stops").and_then(|n| self.text_list(n, FieldPath::field(&path, "stops"))),
            path: path.clone(),
        };
        if let Some(node) = field("rolling")
            && let Some(rolling) = self.bool(node, FieldPath::field(&path, "rolling"))
        {
            component.rolling = At { value: rolling, span: node.span };
        }
        if let Some(node) = field("mixed_failover") {
            let choices =
                [("allow", MixedFailover::Allow), ("warn", MixedFailover::Warn), ("forbid", MixedFailover::Forbid)];
            if let Some(choice) = self.choice(node, FieldPath::field(&path, "mixed_failover"), &choices) {
                component.mixed_failover = At { value: choice, span: node.span };
            }
        }
        if field("target").is_none() {
            self.sink
                .report(
                    Code::MissingField,
                    name.span,
                    join(&path, "target"),
                    format!("component `{}` has no `target` version", name.name),
                )
                .hint("add `target: <the version to upgrade to>`");
        }
        Some(component)
    }

    /// A component's `finalize`: its title (required), `minutes` and `soak_minutes` (0 when left out).
    fn finalize(&mut self, node: &Tree<'_>, component: &str) -> Option<Finalize> {
        let path = join(component, "finalize");
        let fields = self.mapping(node, FieldPath::top(&path), &["title", "minutes", "soak_minutes"])?;
        let field = |name: &str| fields.get(name).map(|(_, node)| node);
        let minutes = field("minutes").and_then(|n| self.count(n, FieldPath::field(&path, "minutes"), 0));
        let soak_minutes =
            field("soak_minutes").and_then(|n| self.count(n, FieldPath::field(&path, "soak_minutes"), 0)).unwrap_or(0);
        let Some(title) = field("title") else {
            self.sink
                .report(
                    Code::MissingField,
                    node.span.start_only(),
                    join(&path, "title"),
                    "this `finalize` has no `title`",
                )
                .hint("say what the step does: `title: setFeatureCompatibilityVersion 7.0`");
            return None;
        };
        let title = self.text(title, FieldPath::field(&path, "title"))?;
        Some(Finalize { title: title.value, minutes, soak_minutes })
    }

    /// One skew rule: which kind it is, and whether its fields fit that kind, is validation's.
    fn skew(&mut self, node: &Tree<'_>, path: String) -> Option<RawSkew> {
        let fields = self.mapping(
            node,
            FieldPath::top(&path),
            &["component", "max_spread", "against", "max_newer", "max_older", "scope", "level"],
        )?;
        let field = |name: &str| fields.get(name).map(|(_, node)| node);
        let count = |reader: &mut Self, name: &str| {
            let n = field(name)?;
            let value = reader.count(n, FieldPath::field(&path, name), 0)?;
            Some(At { value, span: n.span })
        };
        let max_spread = count(self, "max_spread");
        let max_newer = count(self, "max_newer");
        let max_older = count(self, "max_older");
        let unreadable = [("max_spread", max_spread), ("max_newer", max_newer), ("max_older", max_older)]
            .iter()
            .any(|(name, value)| field(name).is_some() && value.is_none());
        let component = match field("component") {
            Some(n) => self.text(n, FieldPath::field(&path, "component")),
            None => {
                self.sink
                    .report(
                        Code::MissingField,
                        node.span.start_only(),
                        join(&path, "component"),
                        "this skew rule names no `component`",
                    )
                    .hint("say which component's releases it bounds: `component: kube-apiserver`");
                None
            }
        };
        let against = field("against").and_then(|n| self.text(n, FieldPath::field(&path, "against")));
        let mut scope = At { value: SkewScope::Cluster, span: node.span };
        if let Some(n) = field("scope")
            && let Some(value) = self.choice(
                n,
                FieldPath::field(&path, "scope"),
                &[("cluster", SkewScope::Cluster), ("node", SkewScope::Node)],
            )
        {
            scope = At { value, span: n.span };
        }
        let level = field("level")
            .and_then(|n| {
                self.choice(
                    n,
                    FieldPath::field(&path, "level"),
                    &[("error", SkewLevel::Error), ("warn", SkewLevel::Warn)],
                )
            })
            .unwrap_or_default();
        Some(RawSkew {
            component,
            max_spread,
            against,
            max_newer,
            max_older,
            scope,
            level,
            unreadable,
            span: node.span,
            path,
        })
    }

    fn node(&mut self, node: &Tree<'_>, path: String) -> Option<RawNode> {
        let fields = self.mapping(node, FieldPath::top(&path), &["name", "versions", "capacity", "role"])?;
        let name = match fields.get("name") {
            Some((_, n)) => self.text(n, FieldPath::field(&path, "name")),
            None => {
                self.sink.report(
                    Code::MissingField,
                    node.span.start_only(),
                    join(&path, "name"),
                    "this node has no `name`",
                );
                None
            }
        };
        let mut versions = Vec::new();
        let mut versions_readable = true;
        let mut versions_span = name.as_ref().map_or(node.span.start_only(), |n| n.span);
        if let Some((key, value)) = fields.get("versions") {
            versions_span = key.span;
            let versions_path = join(&path, "versions");
            let entries = self.entries(value, FieldPath::top(&versions_path));
            versions_readable = entries.is_some();
            if let Some(entries) = entries {
                for (component, version) in entries {
                    if let Some(version) = self.text(version, FieldPath::field(&versions_path, &component.name)) {
                        versions.push((Text { value: component.name.to_string(), span: component.span }, version));
                    }
                }
            }
        }
        let capacity = fields.get("capacity").and_then(|(_, n)| {
            let value = self.count(n, FieldPath::field(&path, "capacity"), 0)?;
            Some(At { value, span: n.span })
        });
        let role = fields.get("role").and_then(|(_, n)| self.text(n, FieldPath::field(&path, "role")));
        Some(RawNode { name, versions, versions_span, versions_readable, capacity, role, path })
    }

    fn service<'n>(&mut self, node: &'n Tree<'n>, path: String) -> Option<RawService<'n>> {
        let fields =
            self.mapping(node, FieldPath::top(&path), &["name", "on", "owners", "uses", "replicas", "min_available"])?;
        let name = match fields.get("name") {
            Some((_, n)) => self.text(n, FieldPath::field(&path, "name")),
            None => {
                self.sink.report(
                    Code::MissingField,
                    node.span.start_only(),
                    join(&path, "name"),
                    "this service has no `name`",
                );
                None
            }
        };
        // A replicated service has copies, not a node it runs on.
        let replicated = fields.get("replicas").is_some();
        let on = match fields.get("on") {
            Some((_, n)) => self.text(n, FieldPath::field(&path, "on")),
            None if replicated => None,
            None => {
                let span = name.as_ref().map_or(node.span.start_only(), |n| n.span);
                let who = name.as_ref().map_or("this service".to_owned(), |n| format!("service `{}`", n.value));
                self.sink
                    .report(
                        Code::MissingField,
                        span,
                        join(&path, "on"),
                        format!("{who} has no `on`: which node hosts it now?"),
                    )
                    .hint("add `on: <node name>`, or `replicas: [<node>, ...]` for a service with a copy on each");
                None
            }
        };
        let owners = fields.get("owners").and_then(|(_, n)| self.name_list(n, FieldPath::field(&path, "owners")));
        let owners_span = fields.get("owners").map(|(_, n)| n.span);
        let uses = fields.get("uses").and_then(|(_, n)| self.name_list(n, FieldPath::field(&path, "uses")));
        let replicas = fields
            .get("replicas")
            .and_then(|(_, n)| Some((self.name_list(n, FieldPath::field(&path, "replicas"))?, n.span)));
        let min_available = fields.get("min_available").and_then(|(_, n)| {
            let value = self.count(n, FieldPath::field(&path, "min_available"), 1)?;
            Some(At { value, span: n.span })
        });
        Some(RawService {
            name,
            on,
            owners,
            uses,
            replicas,
            replicated,
            min_available,
            owners_span,
            span: node.span,
            path,
        })
    }

    fn policy(&mut self, node: &Tree<'_>) -> RawPolicy {
        let mut policy = RawPolicy::default();
        let Some(fields) = self.mapping(
            node,
            FieldPath::top("policy"),
            &["max_down", "quorum", "quorum_role", "failback", "allow_outage", "order", "window_minutes"],
        ) else {
            return policy;
        };
        if let Some((_, n)) = fields.get("max_down")
            && let Some(value) = self.count(n, FieldPath::top("policy.max_down"), 1)
        {
            policy.max_down = At { value, span: n.span };
        }
        if let Some((_, n)) = fields.get("quorum") {
            let choices = [
                ("majority", Quorum::Majority),
                ("witness", Quorum::Witness),
                ("disk", Quorum::Disk),
                ("none", Quorum::None),
            ];
            if let Some(value) = self.choice(n, FieldPath::top("policy.quorum"), &choices) {
                policy.quorum = At { value, span: n.span };
            }
        }
        if let Some((_, n)) = fields.get("failback") {
            let choices = [("none", Failback::None), ("original", Failback::Original), ("verify", Failback::Verify)];
            if let Some(value) = self.choice(n, FieldPath::top("policy.failback"), &choices) {
                policy.failback = value;
            }
        }
        if let Some((_, n)) = fields.get("allow_outage")
            && let Some(value) = self.bool(n, FieldPath::top("policy.allow_outage"))
        {
            policy.allow_outage = value;
        }
        if let Some((_, n)) = fields.get("quorum_role") {
            policy.quorum_role = self.text(n, FieldPath::top("policy.quorum_role"));
        }
        if let Some((_, n)) = fields.get("order") {
            policy.order = self.text_list(n, FieldPath::top("policy.order")).unwrap_or_default();
        }
        if let Some((_, n)) = fields.get("window_minutes")
            && let Some(value) = self.count(n, FieldPath::top("policy.window_minutes"), 1)
        {
            policy.window_minutes = Some(At { value, span: n.span });
        }
        policy
    }
}

/// The node as text when [`Reader::text`] would take it without a word: the
/// common case, which needs no path.
fn plain_name<'n>(node: &'n Tree<'n>) -> Option<NameRef<'n>> {
    match &node.value {
        Value::String(text) | Value::Integer(_, text) | Value::Float(text)
            if !text.trim().is_empty() && !text.chars().any(char::is_control) =>
        {
            Some(NameRef { value: text, span: node.span })
        }
        _ => None,
    }
}

/// Where a value is, `parent.field` (or `field` alone), spelt out only when
/// a diagnostic names it: most values are fine, and writing every field's
/// path out was a measurable part of reading a large description.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldPath<'a> {
    parent: &'a str,
    field: &'a str,
}

impl<'a> FieldPath<'a> {
    /// A path written out already (`nodes`, `services[3]`; `""` for the top level).
    pub(crate) const fn top(path: &'a str) -> FieldPath<'a> {
        FieldPath { parent: "", field: path }
    }

    /// `field` of the value at `parent`.
    pub(crate) const fn field(parent: &'a str, field: &'a str) -> FieldPath<'a> {
        FieldPath { parent, field }
    }

    fn is_top_level(self) -> bool {
        self.parent.is_empty() && self.field.is_empty()
    }

    /// The last segment, for messages: `services[0].on` -> `on`.
    fn leaf(self) -> &'a str {
        leaf(self.field)
    }
}

impl From<FieldPath<'_>> for String {
    fn from(path: FieldPath<'_>) -> String {
        path.to_string()
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // As `join` spells it: a field with an empty name still gets its dot.
        if self.parent.is_empty() { f.write_str(self.field) } else { write!(f, "{}.{}", self.parent, self.field) }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() { field.to_owned() } else { format!("{path}.{field}") }
}

/// The last segment of a path, for messages: `services[0].on` -> `on`, `nodes[2]` -> `nodes[2]`.
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path is spelt as `join` spells it, and its message names its last segment.
    #[test]
    fn field_paths_read_as_joined_paths() {
        let cases =
            [("", "components"), ("nodes[0]", "name"), ("nodes[0].versions", ""), ("", "services[0].owners[1]")];
        for (parent, field) in cases {
            let path = FieldPath::field(parent, field);
            assert_eq!(path.to_string(), join(parent, field));
            assert_eq!(path.leaf(), leaf(&join(parent, field)));
        }
        assert!(FieldPath::top("").is_top_level());
        assert!(!FieldPath::field("nodes[0].versions", "").is_top_level());
    }
}
