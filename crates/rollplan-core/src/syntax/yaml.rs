//! YAML front end over `saphyr-parser`'s event stream (YAML 1.2, core schema).
//!
//! The tree is built from events with an explicit stack, so nesting never
//! recurses. Aliases are not expanded (no "billion laughs"): they are reported.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use super::{Key, Node, Value};
use crate::diagnostic::{Code, Sink, Span};

enum Open {
    Sequence { start: usize, items: Vec<Node> },
    Mapping { start: usize, entries: Vec<(Key, Node)>, pending_key: Option<Key> },
}

pub(super) fn parse(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    // saphyr counts characters. In ASCII text (nearly every description) a
    // character index is a byte offset; otherwise the line and column are
    // mapped through the line index, which scans the line: a fifth of the
    // validation time when it was done for every event of ASCII text too.
    let ascii = text.is_ascii();
    let offset = |sink: &Sink<'_>, marker: &Marker| {
        if ascii { marker.index().min(text.len()) } else { sink.line_index().offset(text, marker.line(), marker.col()) }
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, event_span) = match next {
            Ok(pair) => pair,
            Err(error) => {
                let at = offset(sink, error.marker());
                sink.report(Code::Syntax, Span::new(at, at + 1), "", format!("YAML: {}", error.info()));
                return None;
            }
        };
        let start = offset(sink, &event_span.start);
        let end = offset(sink, &event_span.end);
        let complete = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
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
            Event::SequenceStart(..) => {
                stack.push(Open::Sequence { start, items: Vec::new() });
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Open::Mapping { start, entries: Vec::new(), pending_key: None });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Sequence { start: open, items }) => {
                    Node { value: Value::Sequence(items), span: Span::new(open, start) }
                }
                Some(Open::Mapping { start: open, entries, .. }) => {
                    Node { value: Value::Mapping(entries), span: Span::new(open, start) }
                }
                None => continue,
            },
            Event::Alias(_) => Node { value: Value::Other("a YAML alias"), span: Span::new(start, end) },
            Event::Scalar(text, style, _, _) => Node { value: scalar(text, style), span: Span::new(start, end) },
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
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(text.into_owned());
    }
    match text.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(&text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Integer(text.parse().ok(), text.into_owned());
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return Value::Integer(i64::from_str_radix(hex, 16).ok(), text.into_owned());
    }
    if let Some(octal) = text.strip_prefix("0o") {
        return Value::Integer(i64::from_str_radix(octal, 8).ok(), text.into_owned());
    }
    if is_float(unsigned) {
        return Value::Float(text.into_owned());
    }
    Value::String(text.into_owned())
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
        assert_eq!(scalar("6.5".into(), ScalarStyle::Plain), Value::Float("6.5".into()));
        assert_eq!(scalar("6.5".into(), ScalarStyle::DoubleQuoted), Value::String("6.5".into()));
        assert_eq!(scalar("6.5.7638.1".into(), ScalarStyle::Plain), Value::String("6.5.7638.1".into()));
        assert_eq!(scalar("12".into(), ScalarStyle::Plain), Value::Integer(Some(12), "12".into()));
        assert_eq!(
            scalar("99999999999999999999".into(), ScalarStyle::Plain),
            Value::Integer(None, "99999999999999999999".into())
        );
        assert_eq!(scalar("on".into(), ScalarStyle::Plain), Value::String("on".into()));
        assert_eq!(scalar("~".into(), ScalarStyle::Plain), Value::Null);
        assert_eq!(scalar("1e3".into(), ScalarStyle::Plain), Value::Float("1e3".into()));
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

    /// ASCII text takes saphyr's character index as the byte offset; other
    /// text maps line and column. Both must locate alike: behind a
    /// non-ASCII comment line, every span is where it was plus the comment's bytes.
    #[test]
    fn ascii_and_other_text_are_located_alike() {
        let seed = include_str!("../../../../tests/examples/exchange-2003-two-node.yaml");
        assert!(seed.is_ascii());
        let ascii = tree(seed).expect("the seed parses");
        let comment = "# Größe: ±\n";
        let other = tree(&format!("{comment}{seed}")).expect("the seed parses behind a comment");
        assert_eq!(shifted(&ascii, comment.len()), other);

        // And a node after non-ASCII text starts where its bytes do.
        let text = "cluster: Zürich\nnodes: [ÄÖ, B]\n";
        let Some(Node { value: Value::Mapping(entries), .. }) = tree(text) else { panic!("a mapping") };
        let starts: Vec<usize> = entries.iter().map(|(_, node)| node.span.start).collect();
        assert_eq!(starts, [text.find("Zürich").unwrap(), text.find("[ÄÖ").unwrap()]);
        assert_eq!(&text[entries[0].1.span.start..entries[0].1.span.end], "Zürich");
    }

    /// Malformed text is a located syntax error, never a panic: inputs on
    /// which libyaml-safer 0.1.1, tried instead of saphyr, panicked.
    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        for text in ["a: [!b, c]", "[!,", "\"\\", "[\"}\\", "a: >\r b", "a: ''|\n 0"] {
            let mut sink = Sink::new(text);
            let _ = parse(text, &mut sink);
            let _ = crate::validate_as(text, crate::Syntax::Yaml);
        }
    }

    /// A file saved with CRLF line ends reads as the same file saved with LF.
    #[test]
    fn crlf_line_ends_read_as_lf() {
        for lf in ["a: foo\n  bar\n", "a: |\n  x\n  y\n", "a: >\n  x\n\n  y\n"] {
            let crlf = lf.replace('\n', "\r\n");
            let value = |text: &str| match tree(text).map(|node| node.value) {
                Some(Value::Mapping(entries)) => entries.into_iter().next().map(|(_, node)| node.value),
                _ => None,
            };
            assert_eq!(value(&crlf), value(lf), "{lf:?}");
        }
    }
}
