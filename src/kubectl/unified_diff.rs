//! GNU diff's unified format (`diff -u`): the hunks between two texts, three lines of context,
//! hunks closer than twice the context joined, `@@ -l,n +l,n @@` headers (`,1` left out, an
//! empty side numbered from the line before), deletions before insertions in each change.
//! `kubectl diff` runs `diff -u -N` over the live and merged objects; the workstation has no
//! diff program of its own, so kubelab produces diff's text here.

/// The most lines of either text compared line by line (kubelab's bound: objects are far
/// smaller; a larger text is shown as one change).
const MAX_LINES: usize = 4000;

/// One line of the edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize),
    Ins(usize),
}

/// The shortest edit script from `a` to `b` (longest common subsequence, matches taken as
/// early as possible, deletions before insertions).
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len(), b.len());
    if n > MAX_LINES || m > MAX_LINES {
        let mut out: Vec<Op> = (0..n).map(Op::Del).collect();
        out.extend((0..m).map(Op::Ins));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * w + j] = if a[i] == b[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n + m);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] && lcs[i * w + j] == lcs[(i + 1) * w + j + 1] + 1 {
            out.push(Op::Same(i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            out.push(Op::Del(i));
            i += 1;
        } else {
            out.push(Op::Ins(j));
            j += 1;
        }
    }
    out
}

fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{},0", start),
        1 => format!("{}", start + 1),
        _ => format!("{},{}", start + 1, count),
    }
}

/// The hunks of `diff -u` between two texts (each line ending in `\n`), or None when they are
/// the same.
pub fn hunks(old: &str, new: &str) -> Option<String> {
    if old == new {
        return None;
    }
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = script(&a, &b);
    let ctx = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Op::Same(..)))
        .map(|(k, _)| k)
        .collect();
    let mut out = String::new();
    let mut k = 0;
    while k < changed.len() {
        // One hunk: changes whose gaps are at most 2 * context lines.
        let first = changed[k];
        let mut last = first;
        while k + 1 < changed.len() && changed[k + 1] - last <= 2 * ctx + 1 {
            k += 1;
            last = changed[k];
        }
        k += 1;
        let lo = first.saturating_sub(ctx);
        let hi = (last + ctx + 1).min(ops.len());
        let slice = &ops[lo..hi];
        // Where each side starts: the first line of the hunk on that side.
        let (mut a_start, mut b_start) = (None, None);
        let (mut a_count, mut b_count) = (0, 0);
        for o in slice {
            match *o {
                Op::Same(i, j) => {
                    a_start.get_or_insert(i);
                    b_start.get_or_insert(j);
                    a_count += 1;
                    b_count += 1;
                }
                Op::Del(i) => {
                    a_start.get_or_insert(i);
                    a_count += 1;
                }
                Op::Ins(j) => {
                    b_start.get_or_insert(j);
                    b_count += 1;
                }
            }
        }
        // An empty side is numbered from the line before the hunk.
        let before = |side_a: bool| -> usize {
            ops[..lo]
                .iter()
                .filter(|o| match o {
                    Op::Same(..) => true,
                    Op::Del(_) => side_a,
                    Op::Ins(_) => !side_a,
                })
                .count()
        };
        let a_s = a_start.unwrap_or_else(|| before(true));
        let b_s = b_start.unwrap_or_else(|| before(false));
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(a_s, a_count),
            range(b_s, b_count)
        ));
        for o in slice {
            match *o {
                Op::Same(i, _) => out.push_str(&format!(" {}\n", a[i])),
                Op::Del(i) => out.push_str(&format!("-{}\n", a[i])),
                Op::Ins(j) => out.push_str(&format!("+{}\n", b[j])),
            }
        }
    }
    if !old.is_empty() && !old.ends_with('\n') || !new.is_empty() && !new.ends_with('\n') {
        out.push_str("\\ No newline at end of file\n");
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::hunks;

    #[test]
    fn one_change_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            hunks(old, new).unwrap(),
            "@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
    }

    #[test]
    fn new_file_and_far_apart_changes() {
        assert_eq!(hunks("", "x\ny\n").unwrap(), "@@ -0,0 +1,2 @@\n+x\n+y\n");
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                19 => "nineteen\n".to_string(),
                _ => format!("{i}\n"),
            })
            .collect();
        let h = hunks(&old, &new).unwrap();
        assert!(h.starts_with("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n"), "{h}");
        assert!(h.contains("@@ -16,5 +16,5 @@\n"), "{h}");
        assert!(hunks("same\n", "same\n").is_none());
    }
}
