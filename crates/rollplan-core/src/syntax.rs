//! The description's text as a tree (`rollplan-syntax`), and its syntax errors as diagnostics.

pub use rollplan_syntax::{Key, MAX_DEPTH, Syntax, Tree, Value};
use rollplan_syntax::{SyntaxError, SyntaxErrorKind};

use crate::diagnostic::{Code, Sink};

/// Parses `text` in `syntax` into a tree, reporting why it is not one to `sink`.
pub fn parse<'s>(text: &'s str, syntax: Syntax, sink: &mut Sink<'_>) -> Option<Tree<'s>> {
    match rollplan_syntax::parse(text, syntax, sink.line_index()) {
        Ok(tree) => Some(tree),
        Err(SyntaxError { kind, span, message, hint }) => {
            let code = match kind {
                SyntaxErrorKind::Malformed => Code::Syntax,
                SyntaxErrorKind::TooDeep => Code::NestingTooDeep,
            };
            let diagnostic = sink.report(code, span, "", message);
            if let Some(hint) = hint {
                diagnostic.hint(hint);
            }
            None
        }
    }
}
