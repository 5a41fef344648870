//! Plan links: the whole description in a URL fragment.
//!
//! A link is `<page>#r1.<payload>`: `r1` is the link encoding's version (not
//! the description format's), so links made today still open after either
//! evolves; the payload is the description text, raw-deflated and
//! base64url-encoded. The fragment never reaches a server. Decoding is
//! defensive: a damaged, truncated or foreign link, or one that would inflate
//! beyond [`MAX_INPUT_BYTES`], is a clear error and nothing else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::MAX_INPUT_BYTES;

/// The link encoding this build writes.
pub const LINK_VERSION: u32 = 1;
/// What every link fragment made by this build starts with.
const PREFIX: &str = "r1.";

/// Why a link cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// No rollplan payload in it (a plain page address, or something else entirely).
    NotALink,
    /// Made by a newer rollplan, with an encoding this build does not know.
    NewerVersion(u32),
    /// Characters outside base64url, or a payload cut short or altered.
    Damaged(String),
    /// The description would be larger than rollplan reads.
    TooLarge,
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkError::NotALink => f.write_str("this is not a rollplan plan link: it has no `#r1.` part"),
            LinkError::NewerVersion(version) => write!(
                f,
                "this link was made by a newer rollplan (link version {version}; this one reads version {LINK_VERSION}): open it with the newer version"
            ),
            LinkError::Damaged(why) => write!(
                f,
                "this link is damaged ({why}): it may have been cut short when it was copied; ask for it again"
            ),
            LinkError::TooLarge => {
                write!(f, "this link holds a description larger than {MAX_INPUT_BYTES} bytes, the most rollplan reads")
            }
        }
    }
}

/// The fragment (without `#`) that carries `description`.
pub fn encode(description: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(description.as_bytes(), 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// A full link: `base` (any page address; its own fragment is dropped) with the description's fragment.
pub fn link(base: &str, description: &str) -> String {
    let page = base.split_once('#').map_or(base, |(page, _)| page);
    format!("{page}#{}", encode(description))
}

/// The description a link, a fragment (`#r1....` or `r1....`) or a bare payload carries.
pub fn decode(link: &str) -> Result<String, LinkError> {
    let fragment = link.trim().rsplit_once('#').map_or(link.trim(), |(_, fragment)| fragment);
    let Some((version, payload)) = fragment.split_once('.') else { return Err(LinkError::NotALink) };
    let Some(number) = version.strip_prefix('r').and_then(|n| n.parse::<u32>().ok()) else {
        return Err(LinkError::NotALink);
    };
    if number > LINK_VERSION {
        return Err(LinkError::NewerVersion(number));
    }
    if number != LINK_VERSION {
        return Err(LinkError::Damaged(format!("unknown link version {number}")));
    }
    let compressed =
        URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).map_err(|e| LinkError::Damaged(e.to_string()))?;
    // A limit on the inflated size, not on the input: a small link can inflate enormously.
    let bytes =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_INPUT_BYTES).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
                miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => {
                    LinkError::Damaged("the data ends early".to_owned())
                }
                _ => LinkError::Damaged("the data does not decompress".to_owned()),
            }
        })?;
    String::from_utf8(bytes).map_err(|_| LinkError::Damaged("the description is not UTF-8 text".to_owned()))
}

/// Whether `text` looks like a plan link rather than a description or a path.
pub fn looks_like_link(text: &str) -> bool {
    let text = text.trim();
    text.contains("#r") && (text.starts_with("http://") || text.starts_with("https://") || text.starts_with('#'))
        || text.starts_with(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_any_text() {
        for text in ["", "format: 1\n", "naïve — ✓ \u{1F600}", &"x".repeat(100_000)] {
            assert_eq!(decode(&link("https://example.test/tools/rollplan/", text)).as_deref(), Ok(text));
        }
    }

    #[test]
    fn accepts_links_fragments_and_payloads() {
        let fragment = encode("format: 1\n");
        assert_eq!(decode(&fragment).as_deref(), Ok("format: 1\n"));
        assert_eq!(decode(&format!("#{fragment}")).as_deref(), Ok("format: 1\n"));
        assert_eq!(decode(&format!("http://h/p/?q=1#{fragment}")).as_deref(), Ok("format: 1\n"));
        assert!(looks_like_link(&format!("http://h/#{fragment}")));
        assert!(!looks_like_link("tests/examples/seed.yaml"));
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let good = encode(&"format: 1\ncluster: damaged\n".repeat(20));
        assert_eq!(decode("https://example.test/"), Err(LinkError::NotALink));
        assert_eq!(decode("#r9.AAAA"), Err(LinkError::NewerVersion(9)));
        assert!(matches!(decode("#r1.not*base64!"), Err(LinkError::Damaged(_))));
        let truncated = &good[..good.len() / 2];
        assert!(matches!(decode(truncated), Err(LinkError::Damaged(_))), "{:?}", decode(truncated));
        let bomb = encode(&"a".repeat(MAX_INPUT_BYTES + 1));
        assert!(bomb.len() < 5_000, "a deflate bomb is a short link");
        assert_eq!(decode(&bomb), Err(LinkError::TooLarge));
    }
}
