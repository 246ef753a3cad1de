//! `github.com/mitchellh/go-wordwrap` v1.0.1 `WrapString`, which kubectl's `explain` uses through
//! `term.NewWordWrapWriter`: wraps at white space only, never breaks a word, and counts runes.

/// Go's `unicode.IsSpace` minus U+00A0 (NBSP), as `WrapString` tests it.
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{a0}'
}

/// Wraps `s` so lines stay within `lim` characters where white space allows.
pub fn wrap_string(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len() + s.len() / 16);
    let mut current = 0usize;
    let mut word = String::new();
    let mut space = String::new();
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            buf.push('\n');
            current = 0;
        } else if is_break_space(c) {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + word_len + space_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// sprig-like `indent` of kubectl's explain templates: `n` spaces before the text and after every
/// newline (so a final newline leaves an indented empty line).
pub fn indent(n: usize, s: &str) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_go_wordwrap() {
        // go-wordwrap v1.0.1's own test table (wordwrap_test.go).
        let cases: &[(&str, &str, usize)] = &[
            ("foo", "foo", 4),
            ("foobarbaz", "foobarbaz", 4),
            ("foo bar baz", "foo\nbar\nbaz", 4),
            ("foo bars bazzes", "foo\nbars\nbazzes", 4),
            ("fo sop", "fo\nsop", 4),
            ("foo bar\u{a0}baz", "foo\nbar\u{a0}baz", 10),
            ("foo\nb\t r\n baz", "foo\nb\t r\n baz", 4),
            ("foo    \nb   ar   ", "foo\nb\nar", 4),
            ("foo bar baz\n", "foo\nbar\nbaz\n", 4),
            ("\nfoo bar\n\n\nbaz\n", "\nfoo\nbar\n\n\nbaz\n", 4),
            (
                " This is a list: \n\n\t* foo\n\t* bar\n\n\n\t* baz  \nBAM    ",
                " This\nis a\nlist: \n\n\t* foo\n\t* bar\n\n\n\t* baz\nBAM",
                6,
            ),
            (
                "\u{2584} \u{2584} \u{2584} \u{2584} ",
                "\u{2584} \u{2584}\n\u{2584} \u{2584} ",
                4,
            ),
        ];
        for (input, output, lim) in cases {
            assert_eq!(wrap_string(input, *lim), *output, "{input:?}");
        }
    }

    #[test]
    fn indents_every_line() {
        assert_eq!(indent(4, "a\nb\n"), "    a\n    b\n    ");
    }
}
