//! The end of the input inside a command (Ctrl-D at the REPL's continuation prompt `> `, or a
//! script that ends there), as bash takes it:
//! inside a heredoc body it ends that heredoc with bash's warning, and reading goes on if the
//! input still needs more; after a trailing `\` the input runs without it; anywhere else
//! (an open quote, `$(`, `if`, a trailing `|`) it is a syntax error and nothing runs. It never
//! ends the session.
//!
//! Which heredoc is open is found by scanning the input as bash reads it (quotes, `$(`, `$((`,
//! comments, heredoc operators and bodies), then confirmed with the shell's own parser: the
//! delimiter added must be the one that ends the first open heredoc.

use crate::shell::parse::parse;
use crate::shell::{ParseError, incomplete};

/// What Ctrl-D at the continuation prompt does to the input read so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AtEof {
    /// A heredoc ended at end of file: the input with its delimiter line added, and bash's
    /// warning (ending in a newline) to print.
    Heredoc { text: String, warning: String },
    /// The input without its trailing backslash-newline: it runs.
    Run(String),
    /// A syntax error (bash's message, ending in a newline): nothing runs.
    Error(String),
}

/// A heredoc operator.
#[derive(Debug, Clone)]
struct Op {
    delim: String,
    /// The line (1-based, in the input) after which its body starts, once the scan got there.
    body_after: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Command words (the top level, or inside `$(`).
    Words,
    /// Inside `$(` (closed by `)`).
    Subst,
    Single,
    Double,
    Backtick,
    /// Inside `$((`; the number of open inner parentheses.
    Arith(u32),
    /// Inside `${`.
    Brace,
}

/// The scan of an input: its heredoc operators in order and what is left open at its end.
#[derive(Debug)]
struct Scan {
    ops: Vec<Op>,
    /// The innermost open quote or substitution at the end.
    open: Option<Ctx>,
}

fn is_meta(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')')
}

fn scan(input: &str) -> Scan {
    let chars = input.as_bytes();
    let mut ops: Vec<Op> = Vec::new();
    let mut stack = vec![Ctx::Words];
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let top = *stack.last().unwrap_or(&Ctx::Words);
        if c == b'\n' {
            line += 1;
            i += 1;
            if matches!(top, Ctx::Words | Ctx::Subst) {
                // The command line ended: the bodies of its heredocs follow, in order.
                for op in ops.iter_mut().filter(|o| o.body_after.is_none()) {
                    op.body_after = Some(line - 1);
                    let mut found = false;
                    while i < chars.len() {
                        let start = i;
                        while i < chars.len() && chars[i] != b'\n' {
                            i += 1;
                        }
                        let text = &chars[start..i];
                        if i < chars.len() {
                            i += 1;
                            line += 1;
                        }
                        let stripped = &text[text.iter().take_while(|b| **b == b'\t').count()..];
                        if stripped == op.delim.as_bytes() || text == op.delim.as_bytes() {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Scan { ops, open: None };
                    }
                }
            }
            continue;
        }
        match top {
            Ctx::Single => {
                if c == b'\'' {
                    stack.pop();
                }
                i += 1;
                continue;
            }
            Ctx::Double | Ctx::Backtick if c == b'\\' => {
                if next == Some(b'\n') {
                    line += 1;
                }
                i += 2;
                continue;
            }
            Ctx::Double if c == b'"' => {
                stack.pop();
                i += 1;
                continue;
            }
            Ctx::Backtick if c == b'`' => {
                stack.pop();
                i += 1;
                continue;
            }
            Ctx::Arith(depth) => {
                match c {
                    b'(' => *stack.last_mut().unwrap() = Ctx::Arith(depth + 1),
                    b')' if depth > 0 => *stack.last_mut().unwrap() = Ctx::Arith(depth - 1),
                    b')' if next == Some(b')') => {
                        stack.pop();
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Ctx::Brace if c == b'}' => {
                stack.pop();
                i += 1;
                continue;
            }
            _ => {}
        }
        // Quotes and substitutions open everywhere but in single quotes; words' own syntax
        // (comments, heredocs, `)`) only in command words.
        match c {
            b'\\' => {
                // An escaped character; a backslash-newline continues the line.
                if next == Some(b'\n') {
                    line += 1;
                }
                i += 1;
            }
            b'$' if next == Some(b'(') && chars.get(i + 2) == Some(&b'(') => {
                stack.push(Ctx::Arith(0));
                i += 2;
            }
            b'$' if next == Some(b'(') => {
                stack.push(Ctx::Subst);
                i += 1;
            }
            b'$' if next == Some(b'{') => {
                stack.push(Ctx::Brace);
                i += 1;
            }
            b'`' => stack.push(Ctx::Backtick),
            b'"' if top != Ctx::Double => stack.push(Ctx::Double),
            b'\'' if matches!(top, Ctx::Words | Ctx::Subst | Ctx::Brace) => stack.push(Ctx::Single),
            b')' if top == Ctx::Subst => {
                stack.pop();
            }
            b'#' if matches!(top, Ctx::Words | Ctx::Subst) && (i == 0 || is_meta(chars[i - 1])) => {
                while i + 1 < chars.len() && chars[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'<' if matches!(top, Ctx::Words | Ctx::Subst)
                && next == Some(b'<')
                && chars.get(i + 2) != Some(&b'<')
                && (i == 0 || chars[i - 1] != b'<') =>
            {
                i += 2;
                if chars.get(i) == Some(&b'-') {
                    i += 1;
                }
                while matches!(chars.get(i), Some(b' ' | b'\t')) {
                    i += 1;
                }
                let mut delim: Vec<u8> = Vec::new();
                let mut q: Option<u8> = None;
                while i < chars.len() {
                    let d = chars[i];
                    match q {
                        Some(qc) if d == qc => q = None,
                        Some(_) => delim.push(d),
                        None if is_meta(d) => break,
                        None if d == b'\'' || d == b'"' => q = Some(d),
                        None if d == b'\\' => {
                            if let Some(&n) = chars.get(i + 1) {
                                delim.push(n);
                            }
                            i += 1;
                        }
                        None => delim.push(d),
                    }
                    i += 1;
                }
                if !delim.is_empty() {
                    ops.push(Op {
                        delim: String::from_utf8_lossy(&delim).into_owned(),
                        body_after: None,
                    });
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    let open = stack.iter().rev().find(|c| **c != Ctx::Words).copied();
    Scan { ops, open }
}

/// Whether no heredoc body and no quote is open after `text`: a line that would only close
/// a construct is then a syntax error, not more input.
fn heredocs_closed(text: &str) -> bool {
    !matches!(parse(&format!("{text})\n")), Err(ParseError::Incomplete))
}

/// The heredoc whose body is being read at the end of `input`: its delimiter and the line
/// (1-based) after which its body starts. The first open one is where the shortest run of
/// delimiters, taken from the end, that closes every open body begins (see the module's note).
fn open_heredoc(input: &str, s: &Scan) -> Option<(String, usize)> {
    if heredocs_closed(input) {
        return None;
    }
    let k = (0..s.ops.len()).rev().find(|&k| {
        let mut t = input.to_string();
        for op in &s.ops[k..] {
            t.push_str(&op.delim);
            t.push('\n');
        }
        heredocs_closed(&t)
    })?;
    let op = &s.ops[k];
    op.body_after.map(|l| (op.delim.clone(), l))
}

/// The lines of one input as the prompt reads them. While a heredoc's body is being read only
/// its delimiter line can end the input, so the shell's parser is asked again only then:
/// reading a long heredoc line by line stays linear.
#[derive(Debug, Default)]
pub struct Lines {
    text: String,
    /// The delimiter of the heredoc being read.
    waiting_for: Option<String>,
}

impl Lines {
    /// Adds a line (without its newline); true when the input is complete.
    pub fn push(&mut self, line: &str) -> bool {
        self.text.push_str(line);
        self.text.push('\n');
        if let Some(d) = &self.waiting_for
            && line != d
            && line.trim_start_matches('\t') != d
        {
            return false;
        }
        if !incomplete(&self.text) {
            return true;
        }
        self.waiting_for = open_heredoc(&self.text, &scan(&self.text)).map(|(d, _)| d);
        false
    }

    /// The input read so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the input (a heredoc ended at Ctrl-D); true when it is complete.
    pub fn set(&mut self, text: String) -> bool {
        self.text = text;
        self.waiting_for = None;
        if !incomplete(&self.text) {
            return true;
        }
        self.waiting_for = open_heredoc(&self.text, &scan(&self.text)).map(|(d, _)| d);
        false
    }

    /// Takes the input.
    pub fn take(&mut self) -> String {
        self.waiting_for = None;
        std::mem::take(&mut self.text)
    }
}

/// What Ctrl-D at the continuation prompt does with `input` (complete lines, each ending in a
/// newline); `lines_before` is the number of lines the session read before this input (bash
/// numbers the lines of an interactive session from its start).
pub fn at_eof(input: &str, lines_before: usize) -> AtEof {
    let s = scan(input);
    if let Some((delim, body_after)) = open_heredoc(input, &s) {
        return AtEof::Heredoc {
            text: format!("{input}{delim}\n"),
            warning: format!(
                "kubelab: warning: here-document at line {} delimited by end-of-file (wanted `{delim}')\n",
                lines_before + body_after
            ),
        };
    }
    match s.open {
        Some(Ctx::Single) => eof_looking_for("'"),
        Some(Ctx::Double) => eof_looking_for("\""),
        Some(Ctx::Backtick) => eof_looking_for("`"),
        Some(Ctx::Subst | Ctx::Arith(_)) => eof_looking_for(")"),
        Some(Ctx::Brace) => eof_looking_for("}"),
        _ => {
            let body = input.strip_suffix('\n').unwrap_or(input);
            let slashes = body.chars().rev().take_while(|c| *c == '\\').count();
            if slashes % 2 == 1 {
                AtEof::Run(format!("{}\n", &body[..body.len() - 1]))
            } else {
                AtEof::Error("kubelab: syntax error: unexpected end of file\n".into())
            }
        }
    }
}

fn eof_looking_for(what: &str) -> AtEof {
    AtEof::Error(format!(
        "kubelab: unexpected EOF while looking for matching `{what}'\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heredoc(input: &str, before: usize) -> (String, String) {
        match at_eof(input, before) {
            AtEof::Heredoc { text, warning } => (text, warning),
            other => panic!("{input:?}: {other:?}"),
        }
    }

    /// Each case as interactive bash 5 answers Ctrl-D at `> ` (checked in a terminal).
    #[test]
    fn a_heredoc_ends_with_bash_s_warning() {
        let (text, w) = heredoc("cat <<EOF\nhello\n", 0);
        assert_eq!(text, "cat <<EOF\nhello\nEOF\n");
        assert_eq!(
            w,
            "kubelab: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n"
        );
        assert!(!incomplete(&text));
        // bash numbers the lines of the whole session: one line was read before.
        let (_, w) = heredoc("cat <<EOF\na\nb\n", 1);
        assert!(w.contains("at line 2 "), "{w}");
        // Two heredocs on one line: the second's body starts after the first's delimiter.
        let (text, w) = heredoc("cat <<EOF; cat <<X\na\nEOF\n", 2);
        assert_eq!(text, "cat <<EOF; cat <<X\na\nEOF\nX\n");
        assert!(
            w.ends_with("at line 5 delimited by end-of-file (wanted `X')\n"),
            "{w}"
        );
        // Ctrl-D ends only the first open one: the second still wants lines.
        let (text, w) = heredoc("cat <<A; cat <<B\nx\n", 0);
        assert_eq!(text, "cat <<A; cat <<B\nx\nA\n");
        assert!(w.ends_with("(wanted `A')\n"), "{w}");
        assert!(incomplete(&text));
        let (text, _) = heredoc(&text, 0);
        assert_eq!(text, "cat <<A; cat <<B\nx\nA\nB\n");
        // Quoted and `<<-` delimiters, and a heredoc inside an open `if`.
        let (text, w) = heredoc("cat <<-'E O'\n\tx\n", 0);
        assert_eq!(text, "cat <<-'E O'\n\tx\nE O\n");
        assert!(w.ends_with("(wanted `E O')\n"), "{w}");
        let (text, _) = heredoc("if true; then cat <<A\nx\n", 0);
        assert!(incomplete(&text), "the if is still open: reading goes on");
        // A continued command line: the body starts after its last line.
        let (_, w) = heredoc("cat <<END \\\n  -n\nx\n", 0);
        assert!(
            w.ends_with("at line 2 delimited by end-of-file (wanted `END')\n"),
            "{w}"
        );
    }

    #[test]
    fn anything_else_open_is_a_syntax_error() {
        let err = |s: &str| match at_eof(s, 0) {
            AtEof::Error(e) => e,
            other => panic!("{s:?}: {other:?}"),
        };
        assert_eq!(
            err("echo \"abc\n"),
            "kubelab: unexpected EOF while looking for matching `\"'\n"
        );
        assert_eq!(
            err("echo 'abc\n"),
            "kubelab: unexpected EOF while looking for matching `''\n"
        );
        assert_eq!(
            err("echo $(echo\n"),
            "kubelab: unexpected EOF while looking for matching `)'\n"
        );
        for s in [
            "if true; then echo x\n",
            "echo a |\n",
            "echo a &&\n",
            "for i in 1\n",
        ] {
            assert_eq!(
                err(s),
                "kubelab: syntax error: unexpected end of file\n",
                "{s:?}"
            );
        }
        // A heredoc delimiter inside an open quote is text, not a heredoc.
        assert_eq!(
            err("echo \"<<EOF\n"),
            "kubelab: unexpected EOF while looking for matching `\"'\n"
        );
    }

    #[test]
    fn lines_end_an_input_as_the_shell_s_parser_says() {
        let mut l = Lines::default();
        assert!(l.push("echo a"));
        assert_eq!(l.take(), "echo a\n");
        for (line, done) in [
            ("cat <<EOF; cat <<-X", false),
            ("EOF not yet", false),
            ("\tEOF", false),
            ("EOF", false),
            ("x", false),
            ("\tX", true),
        ] {
            assert_eq!(l.push(line), done, "{line:?}");
        }
        assert_eq!(
            l.take(),
            "cat <<EOF; cat <<-X\nEOF not yet\n\tEOF\nEOF\nx\n\tX\n"
        );
        // A quote, then a heredoc in a loop: the loop's `done` still ends it.
        for (line, done) in [
            ("echo \"a", false),
            ("b\"; for i in 1; do cat <<E", false),
            ("E", false),
            ("done", true),
        ] {
            assert_eq!(l.push(line), done, "{line:?}");
        }
        // A long heredoc body is read without asking the parser again; it ends at its
        // delimiter.
        assert!(!l.set("cat <<EOF\n".into()));
        for i in 0..20_000 {
            assert!(!l.push(&format!("line {i}")));
        }
        assert!(l.push("EOF"));
    }

    #[test]
    fn a_trailing_backslash_runs_without_it() {
        assert_eq!(at_eof("echo a \\\n", 0), AtEof::Run("echo a \n".into()));
    }
}
