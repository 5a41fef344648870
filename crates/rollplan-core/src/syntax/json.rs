//! JSON front end over `jsonc-parser`, in strict JSON mode.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::{Key, Node, Value};
use crate::diagnostic::{Code, Sink, Span};

pub(super) fn parse(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(result) => {
            if let Some(ast) = result.value {
                Some(convert(ast))
            } else {
                sink.report(Code::Syntax, Span::new(0, 0), "", "JSON: the document is empty");
                None
            }
        }
        Err(error) => {
            let range = error.range();
            sink.report(Code::Syntax, Span::new(range.start, range.end), "", format!("JSON: {}", error.kind()));
            None
        }
    }
}

fn convert(ast: Ast<'_>) -> Node {
    match ast {
        Ast::StringLit(lit) => Node { value: Value::String(lit.value.into_owned()), span: span(lit.range) },
        Ast::NumberLit(lit) => Node { value: number(lit.value), span: span(lit.range) },
        Ast::BooleanLit(lit) => Node { value: Value::Bool(lit.value), span: span(lit.range) },
        Ast::NullKeyword(null) => Node { value: Value::Null, span: span(null.range) },
        Ast::Array(array) => {
            Node { span: span(array.range), value: Value::Sequence(array.elements.into_iter().map(convert).collect()) }
        }
        Ast::Object(object) => Node {
            span: span(object.range),
            value: Value::Mapping(
                object
                    .properties
                    .into_iter()
                    .map(|property| {
                        let key = match property.name {
                            ObjectPropName::String(lit) => Key { name: lit.value.into_owned(), span: span(lit.range) },
                            ObjectPropName::Word(lit) => Key { name: lit.value.to_owned(), span: span(lit.range) },
                        };
                        (key, convert(property.value))
                    })
                    .collect(),
            ),
        },
    }
}

fn number(text: &str) -> Value {
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Value::Integer(text.parse().ok(), text.to_owned())
    } else {
        Value::Float(text.to_owned())
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}
