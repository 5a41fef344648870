//! TOML front end over the `toml` crate's spanned document tree.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Key, MAX_DEPTH, Span, SyntaxError, Tree, Value};

pub(super) fn parse(text: &str) -> Result<Tree<'_>, SyntaxError> {
    match DeTable::parse(text) {
        Ok(table) => {
            let span = span(&table);
            let value = convert_table(table.into_inner(), 1).ok_or(SyntaxError::too_deep(span))?;
            Ok(Tree { value, span })
        }
        Err(error) => {
            let range = error.span().unwrap_or(0..0);
            let message = error.message().trim_end().replace('\n', "; ");
            Err(SyntaxError::malformed(Span::new(range.start, range.end), format!("TOML: {message}")))
        }
    }
}

/// Converts a table; `None` when it nests deeper than [`MAX_DEPTH`] (dotted keys nest without brackets).
fn convert_table(table: DeTable<'_>, depth: usize) -> Option<Value<'_>> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table {
        let key = Key { span: span(&key), name: key.into_inner() };
        entries.push((key, convert(value, depth + 1)?));
    }
    Some(Value::Mapping(entries))
}

fn convert(value: Spanned<DeValue<'_>>, depth: usize) -> Option<Tree<'_>> {
    let span = span(&value);
    let value = match value.into_inner() {
        DeValue::String(text) => Value::String(text),
        DeValue::Integer(integer) => {
            let digits = integer.as_str();
            let text = match integer.radix() {
                10 => digits.to_owned().into(),
                16 => format!("0x{digits}").into(),
                8 => format!("0o{digits}").into(),
                _ => format!("0b{digits}").into(),
            };
            Value::Integer(i64::from_str_radix(digits, integer.radix()).ok(), text)
        }
        DeValue::Float(float) => Value::Float(float.as_str().to_owned().into()),
        DeValue::Boolean(flag) => Value::Bool(flag),
        DeValue::Datetime(_) => Value::Other("a date"),
        DeValue::Array(items) => {
            if depth > MAX_DEPTH {
                return None;
            }
            let mut nodes = Vec::with_capacity(items.len());
            for item in items {
                nodes.push(convert(item, depth + 1)?);
            }
            Value::Sequence(nodes)
        }
        DeValue::Table(table) => convert_table(table, depth)?,
    };
    Some(Tree { value, span })
}

fn span<T>(spanned: &Spanned<T>) -> Span {
    let range = spanned.span();
    Span::new(range.start, range.end)
}
