//! From text to a tree of spanned values, whatever the format.
//!
//! Each format has its own front end (a trusted parser underneath); all of them
//! produce the same [`Tree`] so that reading the model and reporting located
//! errors is written once. The tree keeps every key's and value's byte span,
//! scalars keep their source text (so `6.50` stays `6.50`, not 6.5), and
//! mapping keys keep their order and duplicates (so duplicates can be reported).
//!
//! Text in the tree borrows from the description wherever it reads exactly as
//! written (nearly every name: owner lists are most of a large description),
//! so building the tree and dropping it cost an allocation only for the text a
//! parser had to unescape.

//!
//! This crate knows text and nothing of clusters: no field names, no
//! diagnostic codes. A text that does not parse is a [`SyntaxError`] (what and
//! where); the core turns it into a diagnostic.

// No reachable panic on any input, as in the core (ARCHITECTURE.md).
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod json;
mod position;
mod toml;
mod yaml;

use std::borrow::Cow;

pub use position::{LineIndex, Span};

/// Maximum nesting of mappings and sequences in a description.
pub const MAX_DEPTH: usize = 64;

/// The formats a description can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    Yaml,
    Toml,
    Json,
}

impl Syntax {
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Yaml => "YAML",
            Syntax::Toml => "TOML",
            Syntax::Json => "JSON",
        }
    }

    /// The syntax a file name's extension implies, if any.
    pub fn from_path(path: &str) -> Option<Syntax> {
        let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "yaml" | "yml" => Some(Syntax::Yaml),
            "toml" => Some(Syntax::Toml),
            "json" => Some(Syntax::Json),
            _ => None,
        }
    }

    /// Guesses the syntax from the text itself, for pasted text and dropped files.
    ///
    /// JSON starts with `{`; TOML has a `[table]` header or a `key = value` line
    /// before any YAML-looking `key:` line; everything else is read as YAML.
    pub fn detect(text: &str) -> Syntax {
        let body = text.trim_start_matches('\u{feff}');
        for line in body.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('{') {
                return Syntax::Json;
            }
            if line.starts_with('[') && line.ends_with(']') && !line.contains(',') {
                return Syntax::Toml;
            }
            let key_end = line.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '"'));
            if let Some(end) = key_end {
                let rest = line[end..].trim_start();
                if rest.starts_with('=') {
                    return Syntax::Toml;
                }
                if rest.starts_with(':') {
                    return Syntax::Yaml;
                }
            }
            return Syntax::Yaml;
        }
        Syntax::Yaml
    }
}

/// A value with the span of its source text: the root of a description's
/// syntax tree, or any value inside it. (Not a cluster's node: that is `model::Node`.)
#[derive(Clone, Debug, PartialEq)]
pub struct Tree<'s> {
    pub value: Value<'s>,
    pub span: Span,
}

/// A mapping key with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Key<'s> {
    pub name: Cow<'s, str>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'s> {
    Null,
    Bool(bool),
    /// An integer; `None` when it does not fit an i64. The text is kept as written.
    Integer(Option<i64>, Cow<'s, str>),
    /// Any other number (fractions, exponents), kept as written.
    Float(Cow<'s, str>),
    String(Cow<'s, str>),
    /// A value the format has but the description never uses (TOML dates, YAML aliases).
    Other(&'static str),
    Sequence(Vec<Tree<'s>>),
    Mapping(Vec<(Key<'s>, Tree<'s>)>),
}

impl Value<'_> {
    /// What to call this kind of value in a message.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Integer(..) => "an integer",
            Value::Float(_) => "a number",
            Value::String(_) => "text",
            Value::Other(kind) => kind,
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// Why a text is not a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub span: Span,
    /// A sentence, prefixed with the format's name where the format's parser found the error.
    pub message: String,
    pub hint: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Not well-formed YAML, TOML or JSON, or an empty document.
    Malformed,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl SyntaxError {
    fn malformed(span: Span, message: impl Into<String>) -> Self {
        SyntaxError { kind: SyntaxErrorKind::Malformed, span, message: message.into(), hint: None }
    }

    fn too_deep(span: Span) -> Self {
        SyntaxError {
            kind: SyntaxErrorKind::TooDeep,
            span,
            message: format!("the description nests more than {MAX_DEPTH} levels deep"),
            hint: None,
        }
    }
}

/// Parses `text` in `syntax` into a tree. `lines` is `text`'s line index,
/// which the YAML front end needs to locate non-ASCII text.
pub fn parse<'s>(text: &'s str, syntax: Syntax, lines: &LineIndex) -> Result<Tree<'s>, SyntaxError> {
    // The third-party parsers recurse on flow nesting; refuse deep nesting
    // before they see it so that no input can exhaust the (small wasm) stack.
    if let Some(span) = flow_nesting_beyond(text, MAX_DEPTH) {
        return Err(SyntaxError {
            hint: Some("a cluster description needs a handful of levels; check for unbalanced brackets"),
            ..SyntaxError::too_deep(span)
        });
    }
    let tree = match syntax {
        Syntax::Yaml => yaml::parse(text, lines),
        Syntax::Toml => toml::parse(text),
        Syntax::Json => json::parse(text),
    }?;
    match deeper_than(&tree, MAX_DEPTH) {
        Some(span) => Err(SyntaxError::too_deep(span)),
        None => Ok(tree),
    }
}

/// The span of the first bracket opened deeper than `limit`, ignoring quoted text.
fn flow_nesting_beyond(text: &str, limit: usize) -> Option<Span> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut in_comment = false;
    for (offset, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '"' {
                escaped = true;
            } else if c == q || c == '\n' {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '#' => in_comment = true,
            '[' | '{' => {
                depth += 1;
                if depth > limit {
                    return Some(Span::new(offset, offset + 1));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The span of the first node deeper than `limit` (block-style YAML nests without brackets).
fn deeper_than(root: &Tree<'_>, limit: usize) -> Option<Span> {
    let mut stack = vec![(root, 1usize)];
    while let Some((node, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Tree<'_>>> = match &node.value {
            Value::Sequence(items) => Box::new(items.iter()),
            Value::Mapping(entries) => Box::new(entries.iter().map(|(_, value)| value)),
            _ => continue,
        };
        if depth > limit {
            return Some(node.span);
        }
        stack.extend(children.map(|child| (child, depth + 1)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_syntax() {
        assert_eq!(Syntax::detect("{\"format\": 1}"), Syntax::Json);
        assert_eq!(Syntax::detect("# c\nformat = 1\n"), Syntax::Toml);
        assert_eq!(Syntax::detect("[policy]\nmax_down = 1"), Syntax::Toml);
        assert_eq!(Syntax::detect("format: 1\n"), Syntax::Yaml);
        assert_eq!(Syntax::detect("- a\n"), Syntax::Yaml);
        assert_eq!(Syntax::detect(""), Syntax::Yaml);
    }

    #[test]
    fn extension_decides_on_the_command_line() {
        assert_eq!(Syntax::from_path("a/b.YML"), Some(Syntax::Yaml));
        assert_eq!(Syntax::from_path("c.toml"), Some(Syntax::Toml));
        assert_eq!(Syntax::from_path("c.json"), Some(Syntax::Json));
        assert_eq!(Syntax::from_path("README"), None);
    }

    #[test]
    fn the_same_description_reads_the_same_in_every_syntax() {
        let yaml = "a: 1\nb: [x, 6.50]\nc: {d: true}\n";
        let toml = "a = 1\nb = [\"x\", 6.50]\nc = {d = true}\n";
        let json = "{\"a\": 1, \"b\": [\"x\", 6.50], \"c\": {\"d\": true}}";
        let strip = |node: Tree<'_>| format!("{:?}", without_spans(node));
        let parse_ok = |text, syntax| parse(text, syntax, &LineIndex::new(text)).unwrap();
        let expected = strip(parse_ok(yaml, Syntax::Yaml));
        assert_eq!(strip(parse_ok(toml, Syntax::Toml)), expected);
        assert_eq!(strip(parse_ok(json, Syntax::Json)), expected);
    }

    fn without_spans(node: Tree<'_>) -> Value<'_> {
        match node.value {
            Value::Sequence(items) => Value::Sequence(
                items.into_iter().map(|n| Tree { value: without_spans(n), span: Span::default() }).collect(),
            ),
            Value::Mapping(entries) => Value::Mapping(
                entries
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            Key { name: k.name, span: Span::default() },
                            Tree { value: without_spans(v), span: Span::default() },
                        )
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    #[test]
    fn deep_flow_nesting_is_refused_before_parsing() {
        let text = format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        for syntax in [Syntax::Yaml, Syntax::Toml, Syntax::Json] {
            let error = parse(&text, syntax, &LineIndex::new(&text)).unwrap_err();
            assert_eq!(error.kind, SyntaxErrorKind::TooDeep);
        }
    }

    #[test]
    fn deep_block_nesting_is_refused() {
        let mut text = String::new();
        for level in 0..70 {
            text.push_str(&" ".repeat(level));
            text.push_str("k:\n");
        }
        let error = parse(&text, Syntax::Yaml, &LineIndex::new(&text)).unwrap_err();
        assert_eq!(error.kind, SyntaxErrorKind::TooDeep);
    }
}
