//! A shortest edit script between two sequences: Myers' O(ND) difference
//! algorithm in linear space ("An O(ND) Difference Algorithm and Its
//! Variations", 1986, section 4b: find the middle snake, recurse on both
//! halves). Exact, not heuristic: the matched elements are a longest common
//! subsequence. About 2 KB of wasm, where the `similar` crate cost 35 KB.

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

/// The edit script turning `old` into `new`, in order.
pub(crate) fn diff<T: PartialEq>(old: &[T], new: &[T]) -> Vec<Op> {
    let mut ops = Vec::new();
    conquer(old, 0, new, 0, &mut ops);
    ops
}

fn conquer<T: PartialEq>(a: &[T], a0: usize, b: &[T], b0: usize, ops: &mut Vec<Op>) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (a.get(prefix..).unwrap_or_default(), b.get(prefix..).unwrap_or_default());
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (a.get(..a.len() - suffix).unwrap_or_default(), b.get(..b.len() - suffix).unwrap_or_default());
    if prefix > 0 {
        ops.push(Op::Equal { old: a0, new: b0, len: prefix });
    }
    let (a0, b0) = (a0 + prefix, b0 + prefix);
    if a.is_empty() || b.is_empty() {
        if !a.is_empty() {
            ops.push(Op::Delete { old: a0, len: a.len() });
        }
        if !b.is_empty() {
            ops.push(Op::Insert { new: b0, len: b.len() });
        }
    } else {
        // Both non-empty, no common prefix or suffix: the split is strictly inside, so both halves are smaller.
        let (x, y) = middle(a, b);
        conquer(a.get(..x).unwrap_or_default(), a0, b.get(..y).unwrap_or_default(), b0, ops);
        conquer(a.get(x..).unwrap_or_default(), a0 + x, b.get(y..).unwrap_or_default(), b0 + y, ops);
    }
    if suffix > 0 {
        ops.push(Op::Equal { old: a0 + a.len(), new: b0 + b.len(), len: suffix });
    }
}

/// A point on a shortest edit path through `a` and `b` (both non-empty), where
/// the forward and the reverse searches meet.
#[allow(clippy::cast_possible_wrap, clippy::cast_sign_loss)]
fn middle<T: PartialEq>(a: &[T], b: &[T]) -> (usize, usize) {
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
    for d in 0..max {
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
                    return (x1 as usize, y1 as usize);
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
                    return (x1 as usize, (x1 - k1) as usize);
                }
            }
            k2 += 2;
        }
    }
    // Not reached (the searches always meet by d = max); a split that still ends: all deleted, all inserted.
    (a.len(), 0)
}

#[cfg(test)]
mod tests {
    use super::{Op, diff};

    /// Replays the script: every element accounted for once, equal runs really equal.
    fn check(a: &[u8], b: &[u8]) -> usize {
        let (mut i, mut j, mut common) = (0, 0, 0);
        for op in diff(a, b) {
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
}
