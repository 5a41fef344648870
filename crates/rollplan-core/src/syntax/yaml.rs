//! YAML front end over `libyaml-safer`'s event stream (libyaml, the
//! reference implementation, in safe Rust; scalars are typed here with the
//! YAML 1.2 core schema).
//!
//! The tree is built from events with an explicit stack, so nesting never
//! recurses. Aliases are not expanded (no "billion laughs"): they are reported.

use libyaml_safer::{EventData, Mark, Parser, ScalarStyle};

use super::{Key, Node, Value};
use crate::diagnostic::{Code, Sink, Span};

enum Open {
    Sequence { start: usize, items: Vec<Node> },
    Mapping { start: usize, entries: Vec<(Key, Node)>, pending_key: Option<Key> },
}

pub(super) fn parse(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    // libyaml counts bytes from after a byte order mark, which it skips.
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let offset = |mark: Mark| usize::try_from(mark.index).map_or(text.len(), |index| (index + bom).min(text.len()));
    let mut input = text.as_bytes();
    let mut parser = Parser::new();
    parser.set_input_string(&mut input);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    loop {
        let event = match parser.parse() {
            Ok(event) => event,
            Err(error) => {
                let at = error.problem_mark().map_or(text.len(), offset);
                let message = match error.context() {
                    Some(context) => format!("YAML: {context}, {}", error.problem()),
                    None => format!("YAML: {}", error.problem()),
                };
                sink.report(Code::Syntax, Span::new(at, at + 1), "", message);
                return None;
            }
        };
        let (start, end) = (offset(event.start_mark), offset(event.end_mark));
        let complete = match event.data {
            EventData::StreamStart { .. } | EventData::DocumentEnd { .. } => continue,
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    sink.report(
                        Code::Syntax,
                        Span::new(start, end.max(start + 3)),
                        "",
                        "YAML: a description is a single document, but a second one starts here",
                    )
                    .hint("remove the `---` line, or split the file");
                    return None;
                }
                continue;
            }
            EventData::SequenceStart { .. } => {
                stack.push(Open::Sequence { start, items: Vec::new() });
                continue;
            }
            EventData::MappingStart { .. } => {
                stack.push(Open::Mapping { start, entries: Vec::new(), pending_key: None });
                continue;
            }
            EventData::SequenceEnd | EventData::MappingEnd => match stack.pop() {
                Some(Open::Sequence { start: open, items }) => {
                    Node { value: Value::Sequence(items), span: Span::new(open, start) }
                }
                Some(Open::Mapping { start: open, entries, .. }) => {
                    Node { value: Value::Mapping(entries), span: Span::new(open, start) }
                }
                None => continue,
            },
            EventData::Alias { .. } => Node { value: Value::Other("a YAML alias"), span: Span::new(start, end) },
            EventData::Scalar { value, style, .. } => {
                Node { value: scalar(value, style == ScalarStyle::Plain), span: Span::new(start, end) }
            }
        };
        // Attach the finished node to its parent, or make it the document.
        match stack.last_mut() {
            None => root = Some(complete),
            Some(Open::Sequence { items, .. }) => items.push(complete),
            Some(Open::Mapping { entries, pending_key, .. }) => match pending_key.take() {
                Some(key) => entries.push((key, complete)),
                None => {
                    let name = match complete.value {
                        Value::String(name) | Value::Integer(_, name) | Value::Float(name) => name,
                        Value::Bool(flag) => flag.to_string(),
                        Value::Null => String::new(),
                        other => {
                            sink.report(
                                Code::Syntax,
                                complete.span,
                                "",
                                format!("YAML: a key must be plain text, not {}", other.kind()),
                            );
                            return None;
                        }
                    };
                    *pending_key = Some(Key { name, span: complete.span });
                }
            },
        }
    }
    if root.is_none() {
        sink.report(Code::Syntax, Span::new(0, 0), "", "YAML: the document is empty");
    }
    root
}

/// Resolves a scalar's type with the YAML 1.2 core schema, keeping its text.
/// Only a plain scalar is typed: a quoted or block one is text.
fn scalar(text: String, plain: bool) -> Value {
    if !plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Integer(text.parse().ok(), text);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return Value::Integer(i64::from_str_radix(hex, 16).ok(), text);
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return Value::Integer(i64::from_str_radix(octal, 8).ok(), text);
    }
    if is_float(unsigned) {
        return Value::Float(text);
    }
    Value::String(text)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` or `.inf`/`.nan`, as the core schema says.
fn is_float(text: &str) -> bool {
    if matches!(text, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => {
            (digits(whole) && (fraction.is_empty() || digits(fraction))) || (whole.is_empty() && digits(fraction))
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_types() {
        assert_eq!(scalar("6.5".into(), true), Value::Float("6.5".into()));
        assert_eq!(scalar("6.5".into(), false), Value::String("6.5".into()));
        assert_eq!(scalar("6.5.7638.1".into(), true), Value::String("6.5.7638.1".into()));
        assert_eq!(scalar("12".into(), true), Value::Integer(Some(12), "12".into()));
        assert_eq!(scalar("99999999999999999999".into(), true), Value::Integer(None, "99999999999999999999".into()));
        assert_eq!(scalar("on".into(), true), Value::String("on".into()));
        assert_eq!(scalar("~".into(), true), Value::Null);
        assert_eq!(scalar("1e3".into(), true), Value::Float("1e3".into()));
    }

    fn tree(text: &str) -> Option<Node> {
        parse(text, &mut Sink::new(text))
    }

    /// The tree with every span moved `by` bytes on.
    fn shifted(node: &Node, by: usize) -> Node {
        let value = match &node.value {
            Value::Sequence(items) => Value::Sequence(items.iter().map(|item| shifted(item, by)).collect()),
            Value::Mapping(entries) => Value::Mapping(
                entries
                    .iter()
                    .map(|(key, value)| {
                        let span = Span::new(key.span.start + by, key.span.end + by);
                        (Key { name: key.name.clone(), span }, shifted(value, by))
                    })
                    .collect(),
            ),
            other => other.clone(),
        };
        Node { value, span: Span::new(node.span.start + by, node.span.end + by) }
    }

    /// Spans are byte offsets in any text: behind a non-ASCII comment line,
    /// every span is where it was plus the comment's bytes; behind a byte
    /// order mark (which libyaml skips), plus its three bytes.
    #[test]
    fn ascii_and_other_text_are_located_alike() {
        let seed = include_str!("../../../../tests/examples/exchange-2003-two-node.yaml");
        assert!(seed.is_ascii());
        let ascii = tree(seed).expect("the seed parses");
        let comment = "# Größe: ±\n";
        let other = tree(&format!("{comment}{seed}")).expect("the seed parses behind a comment");
        assert_eq!(shifted(&ascii, comment.len()), other);
        let marked = tree(&format!("\u{feff}{seed}")).expect("the seed parses behind a byte order mark");
        assert_eq!(shifted(&ascii, 3), marked);

        // And a node after non-ASCII text starts where its bytes do.
        let text = "cluster: Zürich\nnodes: [ÄÖ, B]\n";
        let Some(Node { value: Value::Mapping(entries), .. }) = tree(text) else { panic!("a mapping") };
        let starts: Vec<usize> = entries.iter().map(|(_, node)| node.span.start).collect();
        assert_eq!(starts, [text.find("Zürich").unwrap(), text.find("[ÄÖ").unwrap()]);
        assert_eq!(&text[entries[0].1.span.start..entries[0].1.span.end], "Zürich");
    }
}
