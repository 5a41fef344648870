//! Quoting for the shells rollplan writes commands for, so that any name
//! (`a;rm -rf /`, `$(reboot)`, `it's`) reaches the command as one argument,
//! read literally.

/// The shell a platform's commands are written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    /// `sh` and every shell that reads POSIX quoting (bash, zsh, dash).
    Posix,
    /// Windows PowerShell 5.1 and PowerShell 7.
    PowerShell,
}

impl Shell {
    /// `text` as one literal argument. `value`: whether it holds a name or
    /// version from the description (quoted unless plainly a word), rather
    /// than a table's own text (left as written when plain, so that a
    /// PowerShell parameter like `-Name` stays a parameter).
    pub fn quote(self, text: &str, value: bool) -> String {
        match self {
            Shell::Posix => posix(text),
            Shell::PowerShell if value => powershell_value(text),
            Shell::PowerShell => powershell(text),
        }
    }
}

/// POSIX: plain words as they are, anything else in single quotes, each
/// `'` written `'\''`. NUL, which no argument can hold, is dropped.
pub fn posix(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars().filter(|&c| c != '\0') {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// PowerShell single quotes: every quote character PowerShell reads as a
/// single quote (`'` and the typographic ‘ ’ ‚ ‛) doubled inside.
fn single_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars().filter(|&c| c != '\0') {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A table's own argument: plain words (parameters like `-Name` too) as they are.
fn powershell(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=".contains(c);
    if !text.is_empty() && text.chars().all(plain) { text.to_owned() } else { single_quoted(text) }
}

/// A value from the description: always in quotes, since a bare word is a
/// string only where a command reads its arguments (`-Node HV1`), and a
/// command name in an expression (`-eq HV1`). Windows PowerShell hands a
/// native program (`cluster.exe`) its arguments in one command line without
/// escaping the `"` in them, so a `"` would split the value into several
/// arguments there: each `"` is written `\"`, and the backslashes before it
/// or at the end doubled, as Windows programs read their command line. A
/// cmdlet then sees those escapes in the name, and finds no such object: a
/// name with `"` fails safely rather than splitting.
fn powershell_value(text: &str) -> String {
    if !text.contains('"') && !text.ends_with('\\') {
        return single_quoted(text);
    }
    let mut escaped = String::with_capacity(text.len() + 4);
    let mut backslashes = 0usize;
    for c in text.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                escaped.push_str(&"\\".repeat(2 * backslashes + 1));
                escaped.push('"');
                backslashes = 0;
            }
            other => {
                escaped.push_str(&"\\".repeat(backslashes));
                escaped.push(other);
                backslashes = 0;
            }
        }
    }
    escaped.push_str(&"\\".repeat(2 * backslashes));
    single_quoted(&escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_leaves_plain_words_and_quotes_the_rest() {
        assert_eq!(posix("NODE-2.example.com"), "NODE-2.example.com");
        assert_eq!(posix("a;rm -rf /"), "'a;rm -rf /'");
        assert_eq!(posix("it's"), "'it'\\''s'");
        assert_eq!(posix("$(reboot)"), "'$(reboot)'");
        assert_eq!(posix(""), "''");
    }

    #[test]
    fn powershell_quotes_values_that_could_be_read_as_code_or_parameters() {
        assert_eq!(Shell::PowerShell.quote("NODE2", true), "'NODE2'");
        assert_eq!(Shell::PowerShell.quote("-Force", true), "'-Force'");
        assert_eq!(Shell::PowerShell.quote("-Force", false), "-Force");
        assert_eq!(Shell::PowerShell.quote("a;rm -rf /", true), "'a;rm -rf /'");
        assert_eq!(Shell::PowerShell.quote("it's", true), "'it''s'");
        assert_eq!(Shell::PowerShell.quote("it\u{2019}s", true), "'it\u{2019}\u{2019}s'");
        assert_eq!(Shell::PowerShell.quote("$env:PATH", true), "'$env:PATH'");
        // For a native program's command line: a `"` escaped, backslashes before it and at the end doubled.
        assert_eq!(Shell::PowerShell.quote("EVS1\" /off \"x", true), "'EVS1\\\" /off \\\"x'");
        assert_eq!(Shell::PowerShell.quote("a\\", true), "'a\\\\'");
    }
}
