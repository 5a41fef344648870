//! A shortest edit script between two sequences: Myers' O(ND) difference
//! algorithm in linear space ("An O(ND) Difference Algorithm and Its
//! Variations", 1986, section 4b: find the middle snake, recurse on both
//! halves). Exact, not heuristic: the matched elements are a longest common
//! subsequence. About 2 KB of wasm, where the `similar` crate cost 35 KB.
//!
//! The search costs O((N + M) · D) for D deletions and insertions: nothing
//! for two alike plans, O(N · M) for two unrelated ones. The caller bounds D
//! with `max_edits`: a script that would be longer is not searched for, and
//! everything between the common prefix and suffix is deleted and inserted
//! instead, in O((N + M) · `max_edits`). Any script of at most `max_edits`
//! edits is still found exactly, so the bound changes nothing for sequences
//! that have much in common.

/// One run of the edit script. Indices are 0-based positions in the sequence named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// `len` elements equal in both, from `old` in the first and `new` in the second.
    Equal { old: usize, new: usize, len: usize },
    /// `len` elements of the first sequence, from `old`, not in the second.
    Delete { old: usize, len: usize },
    /// `len` elements of the second sequence, from `new`, not in the first.
    Insert { new: usize, len: usize },
}

/// The shortest edit script turning `old` into `new`, in order, if it has at
/// most `max_edits` deletions and insertions; otherwise a script that keeps
/// their common prefix and suffix and replaces everything between.
pub(crate) fn diff<T: PartialEq>(old: &[T], new: &[T], max_edits: usize) -> Vec<Op> {
    let mut ops = Vec::new();
    // The middle snake of a script of D edits is found by the D.div_ceil(2)-th
    // round of the search, and each half of the split needs no more edits
    // than the whole: only the outermost search can run out of rounds.
    let rounds = max_edits.div_ceil(2).saturating_add(1);
    conquer(old, 0, new, 0, rounds, &mut ops);
    ops
}

fn conquer<T: PartialEq>(a: &[T], a0: usize, b: &[T], b0: usize, rounds: usize, ops: &mut Vec<Op>) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (a.get(prefix..).unwrap_or_default(), b.get(prefix..).unwrap_or_default());
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (a.get(..a.len() - suffix).unwrap_or_default(), b.get(..b.len() - suffix).unwrap_or_default());
    if prefix > 0 {
        ops.push(Op::Equal { old: a0, new: b0, len: prefix });
    }
    let (a0, b0) = (a0 + prefix, b0 + prefix);
    // Both non-empty, no common prefix or suffix: the split is strictly inside, so both halves are smaller.
    let split = if a.is_empty() || b.is_empty() { None } else { middle(a, b, rounds) };
    match split {
        Some((x, y)) => {
            conquer(a.get(..x).unwrap_or_default(), a0, b.get(..y).unwrap_or_default(), b0, rounds, ops);
            conquer(a.get(x..).unwrap_or_default(), a0 + x, b.get(y..).unwrap_or_default(), b0 + y, rounds, ops);
        }
        None => {
            if !a.is_empty() {
                ops.push(Op::Delete { old: a0, len: a.len() });
            }
            if !b.is_empty() {
                ops.push(Op::Insert { new: b0, len: b.len() });
            }
        }
    }
    if suffix > 0 {
        ops.push(Op::Equal { old: a0 + a.len(), new: b0 + b.len(), len: suffix });
    }
}

/// A point on a shortest edit path through `a` and `b` (both non-empty), where
/// the forward and the reverse searches meet; `None` if they do not meet
/// within `rounds` rounds (a path longer than about 2 × `rounds` edits).
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn middle<T: PartialEq>(a: &[T], b: &[T], rounds: usize) -> Option<(usize, usize)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m + 1) / 2;
    let width = 2 * max + 2;
    // Furthest x reached on each diagonal k (at index k + max), forward from the start
    // and backward from the end; -1 where not reached yet.
    let mut forward = vec![-1_isize; width as usize];
    let mut reverse = vec![-1_isize; width as usize];
    let get =
        |v: &[isize], k: isize| if (0..width).contains(&k) { v.get(k as usize).copied().unwrap_or(-1) } else { -1 };
    let set = |v: &mut [isize], k: isize, x: isize| {
        if let Some(slot) = v.get_mut(k as usize) {
            *slot = x;
        }
    };
    let same = |x: isize, y: isize| a.get(x as usize).is_some_and(|item| b.get(y as usize) == Some(item));
    set(&mut forward, max + 1, 0);
    set(&mut reverse, max + 1, 0);
    let delta = n - m;
    let odd = delta % 2 != 0;
    let (mut k1_start, mut k1_end, mut k2_start, mut k2_end) = (0, 0, 0, 0);
    for d in 0..max.min(isize::try_from(rounds).unwrap_or(isize::MAX)) {
        let mut k1 = -d + k1_start;
        while k1 <= d - k1_end {
            let at = max + k1;
            let mut x1 = if k1 == -d || (k1 != d && get(&forward, at - 1) < get(&forward, at + 1)) {
                get(&forward, at + 1)
            } else {
                get(&forward, at - 1) + 1
            };
            let mut y1 = x1 - k1;
            while x1 < n && y1 < m && same(x1, y1) {
                x1 += 1;
                y1 += 1;
            }
            set(&mut forward, at, x1);
            if x1 > n {
                k1_end += 2;
            } else if y1 > m {
                k1_start += 2;
            } else if odd {
                let x2 = get(&reverse, max + delta - k1);
                if x2 != -1 && x1 >= n - x2 {
                    return Some((x1 as usize, y1 as usize));
                }
            }
            k1 += 2;
        }
        let mut k2 = -d + k2_start;
        while k2 <= d - k2_end {
            let at = max + k2;
            let mut x2 = if k2 == -d || (k2 != d && get(&reverse, at - 1) < get(&reverse, at + 1)) {
                get(&reverse, at + 1)
            } else {
                get(&reverse, at - 1) + 1
            };
            let mut y2 = x2 - k2;
            while x2 < n && y2 < m && same(n - x2 - 1, m - y2 - 1) {
                x2 += 1;
                y2 += 1;
            }
            set(&mut reverse, at, x2);
            if x2 > n {
                k2_end += 2;
            } else if y2 > m {
                k2_start += 2;
            } else if !odd {
                let k1 = delta - k2;
                let x1 = get(&forward, max + k1);
                if x1 != -1 && x1 >= n - x2 {
                    return Some((x1 as usize, (x1 - k1) as usize));
                }
            }
            k2 += 2;
        }
    }
    // Out of rounds (or, never, past d = max where the searches always meet).
    None
}

#[cfg(test)]
mod tests {
    use super::{Op, diff};

    /// Replays the exact script: every element accounted for once, equal runs really equal.
    fn check(a: &[u8], b: &[u8]) -> usize {
        replay(a, b, &diff(a, b, usize::MAX))
    }

    /// Replays a script and gives the number of elements it keeps.
    fn replay(a: &[u8], b: &[u8], ops: &[Op]) -> usize {
        let (mut i, mut j, mut common) = (0, 0, 0);
        for &op in ops {
            match op {
                Op::Equal { old, new, len } => {
                    assert_eq!((old, new), (i, j));
                    assert_eq!(a[old..old + len], b[new..new + len]);
                    (i, j, common) = (i + len, j + len, common + len);
                }
                Op::Delete { old, len } => {
                    assert_eq!(old, i);
                    i += len;
                }
                Op::Insert { new, len } => {
                    assert_eq!(new, j);
                    j += len;
                }
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
        common
    }

    fn lcs(a: &[u8], b: &[u8]) -> usize {
        let mut row = vec![0; b.len() + 1];
        for x in a {
            let mut diagonal = 0;
            for (j, y) in b.iter().enumerate() {
                let up = row[j + 1];
                row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
                diagonal = up;
            }
        }
        row[b.len()]
    }

    #[test]
    fn finds_a_longest_common_subsequence() {
        let cases: [(&[u8], &[u8]); 9] = [
            (b"", b""),
            (b"abc", b""),
            (b"", b"abc"),
            (b"abcabba", b"cbabac"),
            (b"abcdef", b"abcdef"),
            (b"xaby", b"yabx"),
            (b"abcdefghij", b"ajihgfedcb"),
            (b"aaaaab", b"baaaaa"),
            (b"the quick brown fox", b"a quick brown dog jumps"),
        ];
        for (a, b) in cases {
            assert_eq!(check(a, b), lcs(a, b), "{a:?} {b:?}");
        }
        // Every pair of short sequences over a two-letter alphabet.
        let words: Vec<Vec<u8>> = (0..6)
            .flat_map(|len| {
                (0..1 << len).map(move |bits: u32| (0..len).map(|i| b'a' + (bits >> i & 1) as u8).collect())
            })
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(check(a, b), lcs(a, b), "{a:?} {b:?}");
            }
        }
    }

    /// Within the bound the script is the exact one; past it, the common
    /// prefix and suffix are kept and everything between is replaced.
    #[test]
    fn a_bounded_diff_is_exact_within_the_bound_and_replaces_the_middle_past_it() {
        let words: Vec<Vec<u8>> = (0..7)
            .flat_map(|len| {
                (0..1 << len).map(move |bits: u32| (0..len).map(|i| b'a' + (bits >> i & 1) as u8).collect())
            })
            .collect();
        for a in &words {
            for b in &words {
                let exact = diff(a, b, usize::MAX);
                let edits = a.len() + b.len() - 2 * lcs(a, b);
                for max_edits in 0..=edits + 1 {
                    let bounded = diff(a, b, max_edits);
                    if edits <= max_edits {
                        assert_eq!(bounded, exact, "{a:?} {b:?} within {max_edits}");
                        continue;
                    }
                    let kept = replay(a, b, &bounded);
                    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
                    let suffix =
                        a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
                    assert!(bounded == exact || kept == prefix + suffix, "{a:?} {b:?} past {max_edits}: {bounded:?}");
                }
            }
        }
        // Two unrelated sequences past the bound: nothing in common is looked for.
        let (a, b) = (b"xabcdefy".as_slice(), b"xfedcbay".as_slice());
        assert_eq!(
            diff(a, b, 2),
            [
                Op::Equal { old: 0, new: 0, len: 1 },
                Op::Delete { old: 1, len: 6 },
                Op::Insert { new: 1, len: 6 },
                Op::Equal { old: 7, new: 7, len: 1 }
            ]
        );
    }
}
