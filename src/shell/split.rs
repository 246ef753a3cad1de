//! Splitting a script into inputs as bash reads it: line by line, an input ending at the
//! first line after which it is complete (or wrong). Each input is decided exactly as
//! [`super::parse::incomplete`] would decide its growing text line after line, but in linear
//! time: the scanner is fed each line once, and the grammar reads the scanned text only at
//! line ends where nothing is open, in checks spaced so that their lengths at least double
//! (`first_input` finds where the first input ends within what was checked; the first check
//! is a plain parse, which decides most inputs, one line each).

use super::parse::{FirstInput, ParseError, first_input, parse};
use super::scan::{LineEnd, Scanner};

/// Splits a script into complete inputs, as bash reads them; blank inputs are dropped.
pub fn inputs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let len = next_input(&text[at..]).max(1);
        let end = (at + len).min(text.len());
        let piece = &text[at..end];
        if !piece.trim().is_empty() {
            out.push(piece.to_string());
        }
        at = end;
    }
    out
}

/// An input read line by line at a prompt (the REPL's `> `), deciding after each line as
/// [`super::parse::incomplete`] does: each line is scanned once, and the grammar reads the
/// input only at line ends where no quote, heredoc or continuation is open, so a long heredoc
/// or quoted text takes time linear in its length.
#[derive(Debug, Clone)]
pub struct LineReader {
    text: String,
    sc: Scanner,
}

impl Default for LineReader {
    fn default() -> Self {
        LineReader::new()
    }
}

impl LineReader {
    /// A reader at the start of an input.
    pub fn new() -> LineReader {
        LineReader {
            text: String::new(),
            sc: Scanner::recording(),
        }
    }

    /// Adds a line (with its newline); true when the input is complete with it (or wrong:
    /// either way it is ready to run).
    pub fn push(&mut self, line: &str) -> bool {
        self.text.push_str(line);
        self.sc.feed_line(line);
        let Some(last) = self.sc.ends().last() else {
            return false;
        };
        if last.too_deep {
            return true;
        }
        last.clean && !matches!(parse(&self.text), Err(ParseError::Incomplete))
    }

    /// The input read so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Takes the input read so far and starts a new one.
    pub fn take(&mut self) -> String {
        let text = std::mem::take(&mut self.text);
        *self = LineReader::new();
        text
    }
}

/// What the grammar found in the text checked so far.
enum Found {
    /// The input ends here (bytes of the source).
    End(usize),
    /// A syntax error at this byte of the scanned text: the input ends at the first line end
    /// after it where nothing is open.
    ErrorAt(usize),
    /// More lines are needed.
    Incomplete,
}

/// The length of the first input of `text`.
pub fn next_input(text: &str) -> usize {
    let mut sc = Scanner::recording();
    let mut lines = text.split_inclusive('\n');
    let mut next_check = 0;
    let mut error_at: Option<usize> = None;
    let end = loop {
        let Some(line) = lines.next() else {
            // The text ended: what is left is one input, unless a check finds its end.
            break match error_at {
                Some(_) => None,
                None => match check(&sc, sc.ends().len()) {
                    Found::End(e) => Some(e),
                    Found::ErrorAt(p) => first_clean_after(sc.ends(), p),
                    Found::Incomplete => None,
                },
            }
            .unwrap_or(text.len());
        };
        sc.feed_line(line);
        let ends = sc.ends();
        let last = *ends.last().expect("a line was fed");
        if last.too_deep {
            // Nothing of this line reaches the parser (its nesting is refused); an input may
            // still end before it.
            let before = match error_at {
                Some(_) => None,
                None => match check(&sc, ends.len() - 1) {
                    Found::End(e) => Some(e),
                    Found::ErrorAt(p) => first_clean_after(&ends[..ends.len() - 1], p),
                    Found::Incomplete => None,
                },
            };
            break before.unwrap_or(last.src);
        }
        if !last.clean {
            continue;
        }
        if error_at.is_some() {
            break last.src;
        }
        if last.out < next_check {
            continue;
        }
        if next_check == 0 {
            // The first check parses the text as it will run (the parse is remembered for
            // the run): most inputs are one line, and one parse decides them.
            match parse(&text[..last.src]) {
                Err(ParseError::Incomplete) => {}
                _ => return last.src,
            }
            next_check = 2 * last.out.max(1);
            continue;
        }
        match check(&sc, ends.len()) {
            Found::End(e) => break e,
            Found::ErrorAt(p) => match first_clean_after(ends, p) {
                Some(e) => break e,
                None => error_at = Some(p),
            },
            Found::Incomplete => next_check = 2 * last.out.max(1),
        }
    };
    // The grammar's reading must agree with a parse of the input; if not (a case the
    // scanner and the grammar see differently), decide line by line as bash does.
    if end < text.len() && matches!(parse(&text[..end]), Err(ParseError::Incomplete)) {
        #[cfg(test)]
        FALLBACKS.with(|f| f.set(f.get() + 1));
        return line_by_line(text);
    }
    end
}

#[cfg(test)]
thread_local! {
    /// How often the linear reading disagreed with a parse (tests look at it).
    static FALLBACKS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Reads the first input from the scanned text up to the `n`th line end.
fn check(sc: &Scanner, n: usize) -> Found {
    let Some(last) = n.checked_sub(1).map(|i| sc.ends()[i]) else {
        return Found::Incomplete;
    };
    let out = &sc.out()[..last.out];
    let scanned = String::from_utf8_lossy(out);
    match first_input(&scanned) {
        FirstInput::Complete(p) => sc.ends()[..n]
            .iter()
            .find(|e| e.clean && e.out >= p)
            .map_or(Found::Incomplete, |e| Found::End(e.src)),
        FirstInput::Error(p) => Found::ErrorAt(p),
        FirstInput::Incomplete => Found::Incomplete,
    }
}

/// The first line end past byte `p` of the scanned text where nothing is open.
fn first_clean_after(ends: &[LineEnd], p: usize) -> Option<usize> {
    ends.iter().find(|e| e.clean && e.out > p).map(|e| e.src)
}

/// The first input, found by parsing the growing text after every line.
fn line_by_line(text: &str) -> usize {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        end += line.len();
        if !matches!(parse(&text[..end]), Err(ParseError::Incomplete)) {
            return end;
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: each line appended, the whole text parsed again (quadratic).
    fn reference(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for line in text.split_inclusive('\n') {
            cur.push_str(line);
            if !super::super::parse::incomplete(&cur) {
                if !cur.trim().is_empty() {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
            }
        }
        if !cur.trim().is_empty() {
            out.push(cur);
        }
        out
    }

    #[test]
    fn splits_as_line_by_line_parsing_does() {
        let scripts = [
            "echo a\necho b\n",
            "cat <<EOF | wc -l\na\nb\nEOF\necho after\n",
            "while true; do\necho x\nbreak\ndone\necho y",
            "echo 'a\nb'\necho c\n",
            "echo (\necho next\n",
            "echo a )\nls\n",
            "if true; then\n  echo (\nfi\n",
            "\n\n# comment\necho a \\\n b\n\n",
            "for i in 1 2\ndo\necho $i\ndone\n",
            "x=$(cat <<EOF\nin\nEOF\n)\necho $x\n",
            "echo $((1<<3))\necho \"$(echo \")\")\"\n",
            "f() {\necho\n}\ncase x in\n",
            "echo a &&\n\necho b\n",
            "{ echo\n} > f\ncat f",
        ];
        for s in scripts {
            assert_eq!(inputs(s), reference(s), "{s:?}");
        }
    }

    /// Random scripts (lines of the transcripts and the labs, tricky fragments, mutations)
    /// split the same as the line-by-line reference, on a fixed seed.
    #[test]
    fn random_scripts_split_as_the_reference_does() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut corpus: Vec<String> = Vec::new();
        for dir in ["tests/inputs/transcripts", "labs"] {
            let Ok(rd) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            let mut paths: Vec<_> = rd.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                if let Ok(t) = std::fs::read_to_string(&p) {
                    corpus.extend(t.lines().map(|l| l.trim_start_matches("$ ").to_string()));
                }
            }
        }
        corpus.extend(
            [
                "cat <<EOF",
                "EOF",
                "cat <<-'E'",
                "\tE",
                "echo 'open",
                "close'",
                "echo \"a",
                "b\"",
                "while true; do",
                "done",
                "if x; then",
                "fi",
                "else",
                "{",
                "}",
                "(",
                ")",
                "echo a |",
                "echo a &&",
                "echo $((1<<2))",
                "x=$(",
                "echo ${x:-",
                "y}",
                "echo `",
                "`",
                "echo a \\",
                "# c \\",
                "echo (",
                "f() {",
                "case x in",
                "echo a;;",
                "for i in 1 2",
                "do",
                "echo $'a",
                "b'",
                "cat <<< x",
                "((i++))",
                "",
            ]
            .map(String::from),
        );
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let specials = [
            '\'', '"', '`', '$', '(', ')', '{', '}', '<', '\\', ';', '|', '&', '#', '\n',
        ];
        for _ in 0..1500 {
            let mut script = String::new();
            for _ in 0..1 + next(8) {
                let mut line: Vec<char> = corpus[next(corpus.len())].chars().collect();
                for _ in 0..next(3) {
                    let at = next(line.len() + 1);
                    if next(2) == 0 && at < line.len() {
                        line.remove(at);
                    } else {
                        line.insert(at, specials[next(specials.len())]);
                    }
                }
                script.extend(line);
                script.push('\n');
            }
            if next(4) == 0 {
                script.pop();
            }
            assert_eq!(inputs(&script), reference(&script), "{script:?}");
        }
        assert_eq!(
            FALLBACKS.with(|f| f.get()),
            0,
            "the linear reading fell back"
        );
    }

    /// The prompt's reader decides line after line as `incomplete` does.
    #[test]
    fn the_line_reader_decides_as_incomplete_does() {
        for script in [
            "cat <<EOF\na\nEOF\n",
            "while true; do\necho x\ndone\n",
            "echo 'a\nb'\n",
            "echo (\n",
            "echo a \\\nb\n",
            &format!("{}\n", "(".repeat(200)),
        ] {
            let mut r = LineReader::new();
            let mut text = String::new();
            for line in script.split_inclusive('\n') {
                text.push_str(line);
                let done = r.push(line);
                assert_eq!(done, !super::super::parse::incomplete(&text), "{text:?}");
                if done {
                    assert_eq!(r.take(), text);
                    text.clear();
                }
            }
        }
    }

    #[test]
    fn deep_nesting_ends_its_input() {
        let deep = format!("echo a\n{}\necho b\n", "(".repeat(200));
        assert_eq!(inputs(&deep), reference(&deep));
        assert_eq!(inputs(&deep).len(), 3);
    }
}
