//! Converting the core's line/column locations into textarea offsets.
//!
//! The core locates diagnostics by 1-based line and 1-based column, columns
//! counting Unicode scalar values (what an editor calls a character). A
//! `<textarea>`'s `selectionStart`/`selectionEnd` count UTF-16 code units from
//! the start of the text, so a character outside the Basic Multilingual Plane
//! (an emoji in a comment, say) counts twice there. Getting this wrong puts the
//! cursor a few characters off after every such character, so it is done here,
//! once, and tested.

/// The UTF-16 offset of 1-based `line`, 1-based `column` in `text`.
///
/// Lines end at `\n` (a `\r` before it belongs to the line, as in the core's
/// `LineIndex`). Out-of-range positions are clamped rather than rejected, because
/// diagnostics may be a keystroke older than the text: a column past the end of
/// its line gives the end of that line, a line past the end gives the end of the
/// text, and line or column 0 are read as 1.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset: usize = 0;
    let mut lines = text.split_inclusive('\n');
    for _ in 1..line.max(1) {
        match lines.next() {
            Some(skipped) => offset += skipped.encode_utf16().count(),
            None => return to_u32(offset),
        }
    }
    let Some(current) = lines.next() else {
        return to_u32(offset);
    };
    let current = current.strip_suffix('\n').unwrap_or(current);
    let within: usize = current.chars().take(column.max(1) as usize - 1).map(char::len_utf16).sum();
    to_u32(offset + within)
}

/// The number of lines an editor shows for `text`: one more than its line
/// breaks, so an empty text and a text ending in a line break show an empty
/// last line, as they do in the textarea.
pub fn line_count(text: &str) -> usize {
    text.bytes().filter(|&byte| byte == b'\n').count() + 1
}

/// Offsets in the browser are `u32`; a text longer than that never reaches here
/// (the core refuses descriptions over 1 MiB), so saturating is only a guard.
fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a browser computes: the text's UTF-16 length before the character
    /// at `line`/`column`, found here the slow, obviously right way.
    fn reference(text: &str, line: u32, column: u32) -> u32 {
        let byte = text.split_inclusive('\n').take(line as usize - 1).map(str::len).sum::<usize>();
        let line_text = text[byte..].split('\n').next().unwrap();
        let within: usize =
            line_text.char_indices().nth(column as usize - 1).map_or(line_text.len(), |(index, _)| index);
        text[..byte + within].encode_utf16().count() as u32
    }

    #[test]
    fn ascii_offsets_are_byte_offsets() {
        let text = "format: 1\ncluster: X\n";
        assert_eq!(utf16_offset(text, 1, 1), 0);
        assert_eq!(utf16_offset(text, 1, 8), 7);
        assert_eq!(utf16_offset(text, 2, 1), 10);
        assert_eq!(utf16_offset(text, 2, 10), 19);
    }

    #[test]
    fn characters_outside_the_bmp_count_twice() {
        // "🚀" is one scalar value (one column for the core) but two UTF-16 units.
        let text = "# 🚀 launch\nnodes: [é, 名前]\n";
        assert_eq!(utf16_offset(text, 1, 3), 2, "the rocket itself");
        assert_eq!(utf16_offset(text, 1, 4), 4, "just after the rocket");
        // Line 1 is 10 characters, one of them two units, then the newline: 12 units.
        assert_eq!(utf16_offset(text, 2, 1), 12);
        // é and 名 are in the BMP: one unit each.
        assert_eq!(utf16_offset(text, 2, 9), 12 + 8);
        assert_eq!(utf16_offset(text, 2, 12), 12 + 11);
    }

    #[test]
    fn matches_the_reference_everywhere_in_a_mixed_text() {
        let text = "a: 1\r\n# 😀😀 x\n\nnames: [Ωmega, 𝔘nicode, ok]\nlast";
        for (index, line_text) in text.split('\n').enumerate() {
            let line = index as u32 + 1;
            for column in 1..=line_text.chars().count() as u32 + 1 {
                assert_eq!(
                    utf16_offset(text, line, column),
                    reference(text, line, column),
                    "line {line} column {column}"
                );
            }
        }
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let text = "ab\n😀c\n";
        assert_eq!(utf16_offset(text, 1, 99), 2, "end of line 1, before its newline");
        assert_eq!(utf16_offset(text, 2, 99), 6, "end of line 2: 3 + 2 + 1");
        assert_eq!(utf16_offset(text, 3, 1), 7, "the empty last line");
        assert_eq!(utf16_offset(text, 9, 1), 7, "past the last line: end of text");
        assert_eq!(utf16_offset(text, 0, 0), 0, "0 is read as 1");
        assert_eq!(utf16_offset("", 1, 1), 0);
        assert_eq!(utf16_offset("", 5, 5), 0);
    }

    #[test]
    fn a_carriage_return_belongs_to_its_line() {
        let text = "ab\r\ncd";
        assert_eq!(utf16_offset(text, 1, 3), 2, "the \\r is column 3");
        assert_eq!(utf16_offset(text, 1, 4), 3, "end of line 1 is after the \\r");
        assert_eq!(utf16_offset(text, 2, 2), 5);
    }

    #[test]
    fn counts_lines_as_the_textarea_shows_them() {
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a"), 1);
        assert_eq!(line_count("a\n"), 2);
        assert_eq!(line_count("a\r\nb\nc"), 3);
    }
}
