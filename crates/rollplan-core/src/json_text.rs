//! The JSON text rollplan writes (`rollplan plan --format json`, the page's
//! download): one line per field of the document and per element of a list
//! in it, each element compact.
//!
//! Pretty-printing a plan puts every field of every step and risk on a line
//! of its own, and a large plan's bytes go to indentation; one line per
//! step is as easy to read, to `grep` and to compare with `diff`, and any
//! JSON reader reads it alike (docs/performance.md has the sizes).

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// `value` as JSON text, laid out as the module says, without a final newline.
pub fn json_text(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Layout::default());
    // Plain data with string keys always serialises; an empty text would show that it did not.
    if value.serialize(&mut serializer).is_err() {
        return String::new();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Lines and indentation down to [`BROKEN`] levels of nesting, compact below.
#[derive(Default)]
struct Layout {
    /// Per open object or list: whether it has a field or an element yet.
    open: Vec<bool>,
}

/// The levels of nesting whose fields and elements start a line of their
/// own: the document's fields, and the elements of its lists.
const BROKEN: usize = 2;

impl Layout {
    fn newline<W: ?Sized + io::Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"\n")?;
        for _ in 0..self.open.len() {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.open.push(false);
        out.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        if self.open.pop().unwrap_or(false) && self.open.len() < BROKEN {
            self.newline(out)?;
        }
        out.write_all(bracket)
    }

    fn entry<W: ?Sized + io::Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        if let Some(has_entry) = self.open.last_mut() {
            *has_entry = true;
        }
        if self.open.len() <= BROKEN { self.newline(out) } else { Ok(()) }
    }
}

impl Formatter for Layout {
    fn begin_array<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.entry(out, first)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.entry(out, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(if self.open.len() <= BROKEN { b": " } else { b":" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_per_field_and_per_element_compact_below() {
        // Keys in order: without serde_json's `preserve_order`, `json!` sorts them.
        let value = serde_json::json!({
            "empty": [],
            "outcome": "ok",
            "steps": [{"index": 1, "moves": [{"to": "N2"}]}, {"index": 2}],
            "summary": {"none": {}, "steps": 2},
        });
        let expected = "{\n  \"empty\": [],\n  \"outcome\": \"ok\",\n  \"steps\": [\n    {\"index\":1,\"moves\":[{\"to\":\"N2\"}]},\n    {\"index\":2}\n  ],\n  \"summary\": {\n    \"none\": {},\n    \"steps\": 2\n  }\n}";
        let text = json_text(&value);
        assert_eq!(text, expected);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }
}
