//! Diagnostics as plain data: what is wrong, where, and what to do about it.
//!
//! The core never prints: shells (CLI, web app) decide how a diagnostic looks.
//! Every diagnostic carries a resolved location so that a shell needs nothing
//! but the diagnostic itself (and, for a source excerpt, the text it came from).

pub use rollplan_syntax::{LineIndex, Span};
use serde::{Deserialize, Serialize};

/// How bad a diagnostic is. Only `Error` prevents a plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $text:literal, $severity:ident; )*) => {
        /// A stable diagnostic code. Each is documented, with a failing example,
        /// in `docs/diagnostics.md`, and triggered by a case in `tests/cases/`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written in output and documentation (`unknown-node`).
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $text, )* }
            }

            /// The severity this code is always reported with.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }
        }
    };
}

codes! {
    /// The input exceeds a size limit (bytes, nodes, services).
    InputTooLarge = "input-too-large", Error;
    /// The input nests deeper than the limit.
    NestingTooDeep = "nesting-too-deep", Error;
    /// The text is not valid JSON, TOML or YAML.
    Syntax = "syntax", Error;
    /// `format` is missing.
    MissingFormat = "missing-format", Error;
    /// `format` names a version this build does not read.
    UnsupportedFormat = "unsupported-format", Error;
    /// A field this format version does not define.
    UnknownField = "unknown-field", Error;
    /// The same key twice in one mapping.
    DuplicateKey = "duplicate-key", Error;
    /// A value of the wrong type (text where a number belongs, ...).
    WrongType = "wrong-type", Error;
    /// A value of the right type that is not allowed (`quorum: majorty`, a negative count).
    InvalidValue = "invalid-value", Error;
    /// A required field is absent.
    MissingField = "missing-field", Error;
    /// Two nodes, services or components share a name.
    DuplicateName = "duplicate-name", Error;
    /// A reference to a node that is not declared.
    UnknownNode = "unknown-node", Error;
    /// A reference to a component that is not declared.
    UnknownComponent = "unknown-component", Error;
    /// A version that is not in the component's `releases`.
    UnknownRelease = "unknown-release", Error;
    /// A node has no version for a component.
    MissingVersion = "missing-version", Error;
    /// A component's target is older than a node's current version.
    Downgrade = "downgrade", Error;
    /// A service runs on a node that is not among its `owners`.
    NotAnOwner = "not-an-owner", Error;
    /// A node hosts more services than its `capacity`.
    OverCapacity = "over-capacity", Error;
    /// The cluster has no nodes.
    NoNodes = "no-nodes", Error;
    /// `policy.order` names a role no node has.
    UnknownRole = "unknown-role", Error;
    /// A service may run on a node that does not run a component it uses.
    ComponentNotRun = "component-not-run", Error;
    /// Fields that exclude each other: `on` or `owners` with `replicas`, or `min_available` without it.
    ConflictingFields = "conflicting-fields", Error;
    /// A skew rule compares releases that are not on its scale, or components without `releases`.
    SkewIncomparable = "skew-incomparable", Error;
    /// The cluster already breaks a skew rule of level `error`.
    SkewViolated = "skew-violated", Error;
    /// The same name twice in a list (`owners`, `uses`, `releases`, `policy.order`).
    DuplicateEntry = "duplicate-entry", Warning;
    /// Nodes already run different releases of a component.
    MixedVersions = "mixed-versions", Warning;
    /// Versions without `releases` that do not look like dotted numbers.
    UnorderedVersions = "unordered-versions", Warning;
    /// No other node can take a node's services while it is upgraded.
    NoSpareCapacity = "no-spare-capacity", Warning;
    /// A service with a single possible owner must go offline for that node's upgrade.
    SingleOwner = "single-owner", Warning;
    /// Taking `max_down` nodes out of service would lose quorum.
    QuorumAtRisk = "quorum-at-risk", Warning;
    /// A component that cannot be upgraded while its services run.
    NonRollingComponent = "non-rolling-component", Warning;
    /// Nodes already run different releases of a component with a `finalize` step: its upgrade is under way.
    FinalizePending = "finalize-pending", Info;
    /// Every node already runs every target.
    NothingToDo = "nothing-to-do", Info;
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == text)
            .ok_or_else(|| serde::de::Error::custom(format_args!("unknown diagnostic code `{text}`")))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a description.
///
/// `line` and `column` are 1-based; columns count Unicode scalar values, as
/// editors do. `end_line`/`end_column` point just past the offending value.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// Where in the document's structure, as `services[0].on`; empty for the whole document.
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    #[serde(skip)]
    pub span: Span,
    pub message: String,
    #[serde(default)]
    pub hint: Option<String>,
}

/// By hand for one reason: the JSON of docs/diagnostics.md leaves `hint` out
/// when there is none and never has the `span`, while a compact format (the
/// page's analysis worker hands diagnostics over in postcard) needs every
/// field but the span in order; `is_human_readable` tells the two apart.
impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let omit = serializer.is_human_readable() && self.hint.is_none();
        let mut out = serializer.serialize_struct("Diagnostic", if omit { 8 } else { 9 })?;
        out.serialize_field("code", &self.code)?;
        out.serialize_field("severity", &self.severity)?;
        out.serialize_field("path", &self.path)?;
        out.serialize_field("line", &self.line)?;
        out.serialize_field("column", &self.column)?;
        out.serialize_field("end_line", &self.end_line)?;
        out.serialize_field("end_column", &self.end_column)?;
        out.skip_field("span")?;
        out.serialize_field("message", &self.message)?;
        if omit {
            out.skip_field("hint")?;
        } else {
            out.serialize_field("hint", &self.hint)?;
        }
        out.end()
    }
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Builds diagnostics against one source text, resolving spans to lines and columns.
#[derive(Debug)]
pub struct Sink<'t> {
    text: &'t str,
    index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'t> Sink<'t> {
    pub fn new(text: &'t str) -> Self {
        Sink { text, index: LineIndex::new(text), diagnostics: Vec::new() }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.index
    }

    /// Records a diagnostic and returns it for adding a hint.
    pub fn report(
        &mut self,
        code: Code,
        span: Span,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        // Parsers may point one past the end of the text (an error at end of
        // input); a diagnostic never points outside the text it is about.
        let span = Span::new(span.start.min(self.text.len()), span.end.min(self.text.len()));
        let (line, column) = self.index.line_column(self.text, span.start);
        let (end_line, end_column) = self.index.line_column(self.text, span.end);
        self.diagnostics.push_mut(Diagnostic {
            code,
            severity: code.severity(),
            path: path.into(),
            line,
            column,
            end_line,
            end_column,
            span,
            message: message.into(),
            hint: None,
        })
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

impl Diagnostic {
    /// Adds a hint (builder style, for use right after [`Sink::report`]).
    pub fn hint(&mut self, hint: impl Into<String>) -> &mut Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The closest candidate to a misspelt name, for "did you mean" hints.
pub fn did_you_mean<'c>(wrong: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let wrong_lower = wrong.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&wrong_lower, &candidate.to_ascii_lowercase());
        // Strictly greater: on a tie the earlier (declaration-order) candidate wins.
        if score >= 0.8 && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("NODE3", ["NODE1", "NODE2"]), Some("NODE1"));
        assert_eq!(did_you_mean("majorty", ["majority", "witness", "disk", "none"]), Some("majority"));
        assert_eq!(did_you_mean("xyz", ["majority", "witness"]), None);
    }
}
