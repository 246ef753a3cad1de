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

/// Whether the actual lines match the expected ones.
pub fn matches(expected: &[String], actual: &[String]) -> bool {
    let (n, m) = (expected.len(), actual.len());
    // ok[i][j]: expected[i..] matches actual[j..].
    let mut ok = vec![vec![false; m + 1]; n + 1];
    ok[n][m] = true;
    for i in (0..n).rev() {
        for j in (0..=m).rev() {
            ok[i][j] = if expected[i] == "..." {
                ok[i + 1][j] || (j < m && ok[i][j + 1])
            } else {
                j < m && line_matches(&expected[i], &actual[j]) && ok[i + 1][j + 1]
            };
        }
    }
    ok[0][0]
}

/// A readable diff: ` ` common, `-` expected only, `+` actual only (`...` lines are left out).
pub fn diff(expected: &[String], actual: &[String]) -> String {
    let expected: Vec<&String> = expected.iter().filter(|l| *l != "...").collect();
    let (n, m) = (expected.len(), actual.len());
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
}
