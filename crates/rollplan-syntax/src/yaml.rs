//! YAML front end over `saphyr-parser`'s event stream (YAML 1.2, core schema).
//!
//! The tree is built from events with an explicit stack, so nesting never
//! recurses. Aliases are not expanded (no "billion laughs"): they are reported.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use super::{Key, LineIndex, Span, SyntaxError, Tree, Value};

/// A sequence or mapping whose end has not been read yet. Its finished
/// children wait on one shared stack (`Children`) from `first` on, so each
/// container is allocated once, at its exact size, when it ends.
enum Open<'s> {
    Sequence { start: usize, first: usize },
    Mapping { start: usize, first: usize, pending_key: Option<Key<'s>> },
}

/// The finished children of every open container, innermost last.
#[derive(Default)]
struct Children<'s> {
    items: Vec<Tree<'s>>,
    entries: Vec<(Key<'s>, Tree<'s>)>,
}

pub(super) fn parse<'s>(text: &'s str, lines: &LineIndex) -> Result<Tree<'s>, SyntaxError> {
    // saphyr counts characters. In ASCII text (nearly every description) a
    // character index is a byte offset; otherwise the line and column are
    // mapped through the line index, which scans the line: a fifth of the
    // validation time when it was done for every event of ASCII text too.
    let ascii = text.is_ascii();
    let offset = |marker: &Marker| {
        if ascii { marker.index().min(text.len()) } else { lines.offset(text, marker.line(), marker.col()) }
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open<'s>> = Vec::new();
    let mut children = Children::default();
    let mut root: Option<Tree<'s>> = None;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, event_span) = match next {
            Ok(pair) => pair,
            Err(error) => {
                let at = offset(error.marker());
                return Err(SyntaxError::malformed(Span::new(at, at + 1), format!("YAML: {}", error.info())));
            }
        };
        let start = offset(&event_span.start);
        let end = offset(&event_span.end);
        let complete = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        hint: Some("remove the `---` line, or split the file"),
                        ..SyntaxError::malformed(
                            Span::new(start, end.max(start + 3)),
                            "YAML: a description is a single document, but a second one starts here",
                        )
                    });
                }
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Open::Sequence { start, first: children.items.len() });
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Open::Mapping { start, first: children.entries.len(), pending_key: None });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Sequence { start: open, first }) => {
                    Tree { value: Value::Sequence(children.items.split_off(first)), span: Span::new(open, start) }
                }
                Some(Open::Mapping { start: open, first, .. }) => {
                    Tree { value: Value::Mapping(children.entries.split_off(first)), span: Span::new(open, start) }
                }
                None => continue,
            },
            Event::Alias(_) => Tree { value: Value::Other("a YAML alias"), span: Span::new(start, end) },
            Event::Scalar(scalar_text, style, _, _) => {
                // The parser hands over text it has copied; keep the description's own
                // text instead where it reads the same, and let the copy go at once.
                let as_written = text.get(start..end).filter(|written| *written == scalar_text.as_ref());
                let scalar_text = as_written.map_or(scalar_text, Cow::Borrowed);
                Tree { value: scalar(scalar_text, style), span: Span::new(start, end) }
            }
        };
        // Attach the finished tree to its parent, or make it the document.
        match stack.last_mut() {
            None => root = Some(complete),
            Some(Open::Sequence { .. }) => children.items.push(complete),
            Some(Open::Mapping { pending_key, .. }) => match pending_key.take() {
                Some(key) => children.entries.push((key, complete)),
                None => {
                    let name = match complete.value {
                        Value::String(name) | Value::Integer(_, name) | Value::Float(name) => name,
                        Value::Bool(flag) => Cow::Owned(flag.to_string()),
                        Value::Null => Cow::Borrowed(""),
                        other => {
                            return Err(SyntaxError::malformed(
                                complete.span,
                                format!("YAML: a key must be plain text, not {}", other.kind()),
                            ));
                        }
                    };
                    *pending_key = Some(Key { name, span: complete.span });
                }
            },
        }
    }
    root.ok_or_else(|| SyntaxError::malformed(Span::new(0, 0), "YAML: the document is empty"))
}

/// Resolves a scalar's type with the YAML 1.2 core schema, keeping its text.
fn scalar(text: Cow<'_, str>, style: ScalarStyle) -> Value<'_> {
    if style != ScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_ref() {
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

    fn tree(text: &str) -> Option<Tree<'_>> {
        parse(text, &LineIndex::new(text)).ok()
    }

    /// The tree with every span moved `by` bytes on.
    fn shifted<'s>(node: &Tree<'s>, by: usize) -> Tree<'s> {
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
        Tree { value, span: Span::new(node.span.start + by, node.span.end + by) }
    }

    /// ASCII text takes saphyr's character index as the byte offset; other
    /// text maps line and column. Both must locate alike: behind a
    /// non-ASCII comment line, every span is where it was plus the comment's bytes.
    #[test]
    fn ascii_and_other_text_are_located_alike() {
        let seed = include_str!("../../../tests/examples/exchange-2003-two-node.yaml");
        assert!(seed.is_ascii());
        let ascii = tree(seed).expect("the seed parses");
        let comment = "# Größe: ±\n";
        let behind_comment = format!("{comment}{seed}");
        let other = tree(&behind_comment).expect("the seed parses behind a comment");
        assert_eq!(shifted(&ascii, comment.len()), other);

        // And a node after non-ASCII text starts where its bytes do.
        let text = "cluster: Zürich\nnodes: [ÄÖ, B]\n";
        let Some(Tree { value: Value::Mapping(entries), .. }) = tree(text) else { panic!("a mapping") };
        let starts: Vec<usize> = entries.iter().map(|(_, node)| node.span.start).collect();
        assert_eq!(starts, [text.find("Zürich").unwrap(), text.find("[ÄÖ").unwrap()]);
        assert_eq!(&text[entries[0].1.span.start..entries[0].1.span.end], "Zürich");
    }

    /// Malformed text is a located syntax error, never a panic: inputs on
    /// which libyaml-safer 0.1.1, tried instead of saphyr, panicked.
    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        for text in ["a: [!b, c]", "[!,", "\"\\", "[\"}\\", "a: >\r b", "a: ''|\n 0"] {
            let _ = parse(text, &LineIndex::new(text));
        }
    }

    /// A file saved with CRLF line ends reads as the same file saved with LF.
    #[test]
    fn crlf_line_ends_read_as_lf() {
        for lf in ["a: foo\n  bar\n", "a: |\n  x\n  y\n", "a: >\n  x\n\n  y\n"] {
            let crlf = lf.replace('\n', "\r\n");
            let value = |text: &str| match tree(text).map(|node| node.value) {
                Some(Value::Mapping(entries)) => {
                    entries.into_iter().next().map(|(_, node)| format!("{:?}", node.value))
                }
                _ => None,
            };
            assert_eq!(value(&crlf), value(lf), "{lf:?}");
        }
    }
}
