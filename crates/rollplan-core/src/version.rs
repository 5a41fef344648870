//! Ordering of versions written without a `releases` list.

use std::cmp::Ordering;

/// Compares dotted versions segment by segment: `6.5.7638.1 < 6.5.7638.2`, `9 < 10`.
///
/// Segments are split on `.`, `-` and `_`; numeric segments compare as numbers,
/// others as text, and a number sorts before text. A missing segment counts as
/// zero, so `7.0` equals `7`... but only in order, not in identity: equal
/// order with different text still counts as a different release.
pub fn compare_dotted(a: &str, b: &str) -> Ordering {
    let mut left = segments(a);
    let mut right = segments(b);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (l, r) => {
                let l = l.unwrap_or(Segment::Number(0));
                let r = r.unwrap_or(Segment::Number(0));
                let order = l.cmp(&r);
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Whether a version reads as numbers between separators (`6.5.7638.1`, `7.0`, `5.2-4455`), the order used without `releases`.
pub fn is_dotted_numeric(version: &str) -> bool {
    !version.is_empty()
        && version.split(['.', '-', '_']).all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Segment<'a> {
    Number(u128),
    Text(&'a str),
}

fn segments(version: &str) -> impl Iterator<Item = Segment<'_>> {
    version.split(['.', '-', '_']).map(|part| match part.parse::<u128>() {
        Ok(number) => Segment::Number(number),
        Err(_) => Segment::Text(part),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_numerically() {
        assert_eq!(compare_dotted("6.5.7638.1", "6.5.7638.2"), Ordering::Less);
        assert_eq!(compare_dotted("9", "10"), Ordering::Less);
        assert_eq!(compare_dotted("7.0", "6.5"), Ordering::Greater);
        assert_eq!(compare_dotted("7", "7.0"), Ordering::Equal);
        assert_eq!(compare_dotted("SP1", "SP2"), Ordering::Less);
    }

    #[test]
    fn dotted_numeric_detection() {
        assert!(is_dotted_numeric("6.5.7638.1"));
        assert!(!is_dotted_numeric("SP1"));
        assert!(!is_dotted_numeric("1..2"));
        assert!(is_dotted_numeric("5.2.3790-4455"));
    }
}
