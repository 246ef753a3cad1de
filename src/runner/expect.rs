//! Expected output: a line `...` matches any number of lines, `[..]` matches any part of a
//! line. Blank lines of the actual output are not compared (a blank line ends an expected
//! output in a lab file).

/// The lines of an output that are compared (blank lines dropped).
pub fn comparable(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether one actual line matches one expected line (with `[..]` wildcards).
pub fn line_matches(expected: &str, actual: &str) -> bool {
    if !expected.contains("[..]") {
        return expected == actual;
    }
    let parts: Vec<&str> = expected.split("[..]").collect();
    let Some(rest) = actual.strip_prefix(parts[0]) else {
        return false;
    };
    let last = parts[parts.len() - 1];
    let mut rest = rest;
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Whether the actual lines match the expected ones: `...` lines match any run of lines, as `*`
/// does in a glob (matched greedily with backtracking to the last `...`, in constant memory).
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    let (mut i, mut j) = (0, 0);
    // The last `...` seen and the actual line it was last tried to end before.
    let mut star: Option<(usize, usize)> = None;
    while j < actual.len() {
        if i < expected.len() && expected[i] == "..." {
            star = Some((i, j));
            i += 1;
        } else if i < expected.len() && line_matches(&expected[i], &actual[j]) {
            i += 1;
            j += 1;
        } else if let Some((si, sj)) = star {
            // Let the last `...` swallow one more line and retry after it.
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    expected[i..].iter().all(|e| e == "...")
}

/// Cells the line-by-line diff may use; larger outputs are shown whole instead.
const DIFF_CELLS: usize = 4_000_000;
/// Lines of each side shown when the outputs are too large to diff line by line.
const DIFF_LINES_SHOWN: usize = 200;

/// A readable diff: ` ` common, `-` expected only, `+` actual only (`...` lines are left out).
pub fn diff(expected: &[String], actual: &[String]) -> String {
    let expected: Vec<&String> = expected.iter().filter(|l| *l != "...").collect();
    let (n, m) = (expected.len(), actual.len());
    if (n + 1).saturating_mul(m + 1) > DIFF_CELLS {
        let mut out = String::new();
        for (sign, lines) in [("-", expected), ("+", actual.iter().collect())] {
            for l in lines.iter().take(DIFF_LINES_SHOWN) {
                out.push_str(&format!("{sign} {l}\n"));
            }
            if lines.len() > DIFF_LINES_SHOWN {
                out.push_str(&format!(
                    "{sign} ... ({} more lines)\n",
                    lines.len() - DIFF_LINES_SHOWN
                ));
            }
        }
        return out;
    }
    let eq = |i: usize, j: usize| line_matches(expected[i], &actual[j]);
    let mut l = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if eq(i, j) {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && eq(i, j) {
            out.push_str(&format!("  {}\n", actual[j]));
            i += 1;
            j += 1;
        } else if i < n && (j >= m || l[i + 1][j] >= l[i][j + 1]) {
            out.push_str(&format!("- {}\n", expected[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", actual[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn wildcards() {
        assert!(matches(&v(&["a", "...", "z"]), &v(&["a", "b", "c", "z"])));
        assert!(matches(&v(&["a", "...", "z"]), &v(&["a", "z"])));
        assert!(!matches(&v(&["a", "...", "z"]), &v(&["a", "b"])));
        assert!(matches(
            &v(&["pod/web-[..] created"]),
            &v(&["pod/web-abc12 created"])
        ));
        assert!(!matches(&v(&["x[..]y"]), &v(&["xz"])));
        assert_eq!(diff(&v(&["a", "b"]), &v(&["a", "c"])), "  a\n- b\n+ c\n");
    }

    /// The greedy matcher agrees with the table of every way `...` can split the lines.
    #[test]
    fn wildcards_match_as_the_full_search_does() {
        fn slow(e: &[String], a: &[String]) -> bool {
            match e.first() {
                None => a.is_empty(),
                Some(x) if x == "..." => (0..=a.len()).any(|k| slow(&e[1..], &a[k..])),
                Some(x) => !a.is_empty() && line_matches(x, &a[0]) && slow(&e[1..], &a[1..]),
            }
        }
        let words = ["a", "b", "...", "[..]"];
        let mut seq = vec![Vec::<String>::new()];
        for _ in 0..4 {
            let more: Vec<Vec<String>> = seq
                .iter()
                .flat_map(|s| {
                    words.iter().map(move |w| {
                        let mut s = s.clone();
                        s.push(w.to_string());
                        s
                    })
                })
                .collect();
            seq.extend(more);
            seq.sort();
            seq.dedup();
        }
        let actuals: Vec<Vec<String>> = seq
            .iter()
            .filter(|s| s.iter().all(|w| w == "a" || w == "b"))
            .cloned()
            .collect();
        for e in &seq {
            for a in &actuals {
                assert_eq!(matches(e, a), slow(e, a), "{e:?} against {a:?}");
            }
        }
    }

    #[test]
    fn huge_outputs_are_diffed_in_bounded_memory() {
        let expected: Vec<String> = (0..3000).map(|i| format!("e{i}")).collect();
        let actual: Vec<String> = (0..3000).map(|i| format!("a{i}")).collect();
        assert!(!matches(&expected, &actual));
        let d = diff(&expected, &actual);
        assert!(d.starts_with("- e0\n"));
        assert!(d.contains("- ... (2800 more lines)\n+ a0\n"));
        assert!(d.ends_with("+ ... (2800 more lines)\n"));
    }
}
