//! Reading a description from a file or standard input.

use std::io::Read;

use rollplan_core::Syntax;

/// A description's text, where it came from and the syntax to read it as.
#[derive(Debug)]
pub struct Input {
    /// The name to show in messages (`-` is shown as `<stdin>`).
    pub name: String,
    pub text: String,
    pub syntax: Syntax,
}

impl Input {
    /// Reads `name`: a file, `-` for standard input, or a plan link (`https://…#r1.…`).
    /// A file's extension picks the syntax; otherwise the text is sniffed.
    pub fn read(name: &str) -> Result<Input, String> {
        if rollplan_core::link::looks_like_link(name) {
            let text = rollplan_core::link::decode(name).map_err(|e| e.to_string())?;
            return Ok(Input { name: "<link>".to_owned(), syntax: Syntax::detect(&text), text });
        }
        let bytes = if name == "-" {
            let mut bytes = Vec::new();
            std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("cannot read standard input: {e}"))?;
            bytes
        } else {
            std::fs::read(name).map_err(|e| format!("cannot read {name}: {e}"))?
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{name} is not UTF-8 text (invalid byte at offset {}): save it as UTF-8",
                e.utf8_error().valid_up_to()
            )
        })?;
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        let syntax = Syntax::from_path(name).unwrap_or_else(|| Syntax::detect(&text));
        let name = if name == "-" { "<stdin>".to_owned() } else { name.to_owned() };
        Ok(Input { name, text, syntax })
    }
}
