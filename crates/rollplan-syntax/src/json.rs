//! JSON front end over `jsonc-parser`, in strict JSON mode.

use jsonc_parser::ast::{ObjectPropName, Value as Ast};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::{Key, Span, SyntaxError, Tree, Value};

pub(super) fn parse(text: &str) -> Result<Tree<'_>, SyntaxError> {
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
        Ok(result) => result
            .value
            .map(convert)
            .ok_or_else(|| SyntaxError::malformed(Span::new(0, 0), "JSON: the document is empty")),
        Err(error) => {
            let range = error.range();
            Err(SyntaxError::malformed(Span::new(range.start, range.end), format!("JSON: {}", error.kind())))
        }
    }
}

fn convert(ast: Ast<'_>) -> Tree<'_> {
    match ast {
        Ast::StringLit(lit) => Tree { value: Value::String(lit.value), span: span(lit.range) },
        Ast::NumberLit(lit) => Tree { value: number(lit.value), span: span(lit.range) },
        Ast::BooleanLit(lit) => Tree { value: Value::Bool(lit.value), span: span(lit.range) },
        Ast::NullKeyword(null) => Tree { value: Value::Null, span: span(null.range) },
        Ast::Array(array) => {
            Tree { span: span(array.range), value: Value::Sequence(array.elements.into_iter().map(convert).collect()) }
        }
        Ast::Object(object) => Tree {
            span: span(object.range),
            value: Value::Mapping(
                object
                    .properties
                    .into_iter()
                    .map(|property| {
                        let key = match property.name {
                            ObjectPropName::String(lit) => Key { name: lit.value, span: span(lit.range) },
                            ObjectPropName::Word(lit) => Key { name: lit.value.into(), span: span(lit.range) },
                        };
                        (key, convert(property.value))
                    })
                    .collect(),
            ),
        },
    }
}

fn number(text: &str) -> Value<'_> {
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Value::Integer(text.parse().ok(), text.into())
    } else {
        Value::Float(text.into())
    }
}

fn span(range: jsonc_parser::common::Range) -> Span {
    Span::new(range.start, range.end)
}
