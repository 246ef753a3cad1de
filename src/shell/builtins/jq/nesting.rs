//! How deeply a filter nests, measured before jaq parses it: jaq's parser and compiler recurse
//! once per bracket and once per operator of a chain (`1 + 1 + ...`, `a | b | ...`, `a, b, ...`),
//! so a filter past a few thousand levels would overflow any stack. One linear scan counts
//! brackets (2 each) and operators and keywords (1 each) along the way; a closing bracket gives
//! back what was counted since its opening one. The largest count is the filter's weight.

/// The heaviest filter kubelab's jq takes: about 1,000 nested brackets or 2,000 operators in a
/// row, far beyond any filter written by hand (jaq needs at most about 20 KiB of stack per unit
/// in a debug build, 4 KiB in a release build).
pub(super) const MAX_WEIGHT: usize = 2000;

const KEYWORDS: &[&str] = &[
    "if", "then", "elif", "else", "reduce", "foreach", "try", "catch", "def", "as", "label", "and",
    "or", "import", "include",
];

enum Open {
    /// `(`, `[` or `{`, and the weight before it.
    Bracket(usize),
    /// `\(` inside a string, and the weight before it.
    Interpolation(usize),
}

/// The weight of a filter (see the module's description).
pub(super) fn weight(filter: &str) -> usize {
    let b = filter.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let (mut w, mut max) = (0usize, 0usize);
    let mut i = 0;
    // Inside a string literal (possibly one inside an interpolation).
    let mut in_string = false;
    while i < b.len() {
        let c = b[i];
        if in_string {
            match c {
                b'"' => in_string = false,
                b'\\' if b.get(i + 1) == Some(&b'(') => {
                    stack.push(Open::Interpolation(w));
                    w += 2;
                    in_string = false;
                    i += 1;
                }
                b'\\' => i += 1,
                _ => {}
            }
            i += 1;
            max = max.max(w);
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                stack.push(Open::Bracket(w));
                w += 2;
            }
            b')' | b']' | b'}' => match stack.pop() {
                Some(Open::Bracket(before)) => w = before,
                Some(Open::Interpolation(before)) => {
                    w = before;
                    in_string = true;
                }
                None => {}
            },
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &filter[start..i];
                if KEYWORDS.contains(&word)
                    && (start == 0 || !matches!(b[start - 1], b'.' | b'$' | b'@'))
                {
                    w += 1;
                }
                max = max.max(w);
                continue;
            }
            b'|' | b',' | b';' | b':' | b'+' | b'-' | b'*' | b'/' | b'%' | b'=' | b'<' | b'>'
            | b'!' => w += 1,
            _ => {}
        }
        max = max.max(w);
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::weight;

    #[test]
    fn brackets_weigh_two_and_give_back_what_they_held() {
        assert_eq!(weight("."), 0);
        assert_eq!(weight("((1))"), 4);
        assert_eq!(weight("(1 + 1) | (1 + 1)"), 4);
        assert_eq!(weight(".items[] | select(.a == 1)"), 5);
        assert_eq!(weight(&"(".repeat(780)), 1560);
        assert_eq!(
            weight(&format!("{}1{}", "[".repeat(10), "]".repeat(10))),
            20
        );
        assert_eq!(weight(&"1,".repeat(100)), 100);
    }

    #[test]
    fn strings_and_interpolations() {
        assert_eq!(weight(r#""(((((""#), 0);
        assert_eq!(weight(r#""a\(1 + "b\(2)") c""#), 5);
        assert_eq!(weight(r#""\"(""#), 0);
        assert_eq!(weight("# (((\n1"), 0);
    }

    #[test]
    fn keywords_count_but_fields_do_not() {
        assert_eq!(weight("if . then 1 else 2 end"), 3);
        assert_eq!(weight(".if.then.def | $as"), 1);
        assert_eq!(weight("reduce .[] as $x (0; . + $x)"), 6);
    }
}
