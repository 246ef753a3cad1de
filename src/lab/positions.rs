//! Positions in a lab file: (line, column) of a byte offset, from an index of line starts
//! built once per file, so each lookup is a binary search (walking the text for each lookup
//! made loading a large lab quadratic).

/// The line starts of a text.
#[derive(Debug, Clone)]
pub struct Lines<'a> {
    text: &'a str,
    /// Byte offset of each line's first character.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { text, starts }
    }

    /// Where byte `pos` is: (line, column), both from 1, columns in characters, as pest's
    /// `Position::line_col` counts them (lines end at `\n`).
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = pos.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= pos);
        let start = self.starts[line - 1];
        (line, 1 + self.text[start..pos].chars().count())
    }

    /// Line `n` (from 1) without its line end, as `str::lines` gives it; empty past the end.
    pub fn line(&self, n: usize) -> &'a str {
        let Some(&start) = n.checked_sub(1).and_then(|i| self.starts.get(i)) else {
            return "";
        };
        let end = self.starts.get(n).map_or(self.text.len(), |&next| next - 1);
        let l = &self.text[start..end.max(start)];
        l.strip_suffix('\r').unwrap_or(l)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    /// The index agrees with pest's `line_col` at every character boundary, and with
    /// `str::lines`, with `\r\n`, a lone `\r` and multi-byte characters about.
    #[test]
    fn positions_agree_with_pest_and_lines() {
        for text in [
            "lab \"é\"\r\n\ttask \"x\" {\r\n  $ echo ü\rb\n\n}\n",
            "no newline at the end",
            "",
            "\n\n",
        ] {
            let lines = Lines::new(text);
            for pos in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let span = pest::Span::new(text, pos, pos).expect("span");
                assert_eq!(
                    lines.line_col(pos),
                    span.start_pos().line_col(),
                    "at byte {pos}"
                );
            }
            for (i, l) in text.lines().enumerate() {
                assert_eq!(lines.line(i + 1), l, "line {}", i + 1);
            }
            assert_eq!(lines.line(0), "");
            assert_eq!(lines.line(text.lines().count() + 2), "");
        }
    }
}
