//! Ctrl-D (end of file) at the REPL's continuation prompt `> `, as interactive bash takes it:
//! inside a heredoc body it ends that heredoc with bash's warning, and reading goes on if the
//! input still needs more; after a trailing `\` the input runs without it; anywhere else
//! (an open quote, `$(`, `if`, a trailing `|`) it is a syntax error and nothing runs. It never
//! ends the session.
//!
//! Which heredoc is open is found by scanning the input as bash reads it (quotes, `$(`, `$((`,
//! comments, heredoc operators and bodies), then confirmed with the shell's own parser: the
//! delimiter added must be the one that ends the first open heredoc.

use crate::shell::ParseError;
use crate::shell::parse::parse;

/// What Ctrl-D at the continuation prompt does to the input read so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AtEof {
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

fn is_meta(c: char) -> bool {
    c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>' | '(' | ')')
}

fn scan(input: &str) -> Scan {
    let chars: Vec<char> = input.chars().collect();
    let mut ops: Vec<Op> = Vec::new();
    let mut stack = vec![Ctx::Words];
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let top = *stack.last().unwrap_or(&Ctx::Words);
        if c == '\n' {
            line += 1;
            i += 1;
            if matches!(top, Ctx::Words | Ctx::Subst) {
                // The command line ended: the bodies of its heredocs follow, in order.
                for op in ops.iter_mut().filter(|o| o.body_after.is_none()) {
                    op.body_after = Some(line - 1);
                    let mut found = false;
                    while i < chars.len() {
                        let start = i;
                        while i < chars.len() && chars[i] != '\n' {
                            i += 1;
                        }
                        let text: String = chars[start..i].iter().collect();
                        if i < chars.len() {
                            i += 1;
                            line += 1;
                        }
                        if text.trim_start_matches('\t') == op.delim || text == op.delim {
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
                if c == '\'' {
                    stack.pop();
                }
                i += 1;
                continue;
            }
            Ctx::Double | Ctx::Backtick if c == '\\' => {
                if next == Some('\n') {
                    line += 1;
                }
                i += 2;
                continue;
            }
            Ctx::Double if c == '"' => {
                stack.pop();
                i += 1;
                continue;
            }
            Ctx::Backtick if c == '`' => {
                stack.pop();
                i += 1;
                continue;
            }
            Ctx::Arith(depth) => {
                match c {
                    '(' => *stack.last_mut().unwrap() = Ctx::Arith(depth + 1),
                    ')' if depth > 0 => *stack.last_mut().unwrap() = Ctx::Arith(depth - 1),
                    ')' if next == Some(')') => {
                        stack.pop();
                        i += 1;
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Ctx::Brace if c == '}' => {
                stack.pop();
                i += 1;
                continue;
            }
            _ => {}
        }
        // Quotes and substitutions open everywhere but in single quotes; words' own syntax
        // (comments, heredocs, `)`) only in command words.
        match c {
            '\\' => {
                // An escaped character; a backslash-newline continues the line.
                if next == Some('\n') {
                    line += 1;
                }
                i += 1;
            }
            '$' if next == Some('(') && chars.get(i + 2) == Some(&'(') => {
                stack.push(Ctx::Arith(0));
                i += 2;
            }
            '$' if next == Some('(') => {
                stack.push(Ctx::Subst);
                i += 1;
            }
            '$' if next == Some('{') => {
                stack.push(Ctx::Brace);
                i += 1;
            }
            '`' => stack.push(Ctx::Backtick),
            '"' if top != Ctx::Double => stack.push(Ctx::Double),
            '\'' if matches!(top, Ctx::Words | Ctx::Subst | Ctx::Brace) => stack.push(Ctx::Single),
            ')' if top == Ctx::Subst => {
                stack.pop();
            }
            '#' if matches!(top, Ctx::Words | Ctx::Subst) && (i == 0 || is_meta(chars[i - 1])) => {
                while i + 1 < chars.len() && chars[i + 1] != '\n' {
                    i += 1;
                }
            }
            '<' if matches!(top, Ctx::Words | Ctx::Subst)
                && next == Some('<')
                && chars.get(i + 2) != Some(&'<')
                && (i == 0 || chars[i - 1] != '<') =>
            {
                i += 2;
                if chars.get(i) == Some(&'-') {
                    i += 1;
                }
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                let mut delim = String::new();
                let mut q: Option<char> = None;
                while i < chars.len() {
                    let d = chars[i];
                    match q {
                        Some(qc) if d == qc => q = None,
                        Some(_) => delim.push(d),
                        None if is_meta(d) => break,
                        None if d == '\'' || d == '"' => q = Some(d),
                        None if d == '\\' => {
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
                        delim,
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

/// What Ctrl-D at the continuation prompt does with `input` (complete lines, each ending in a
/// newline); `lines_before` is the number of lines the session read before this input (bash
/// numbers the lines of an interactive session from its start).
pub(super) fn at_eof(input: &str, lines_before: usize) -> AtEof {
    let s = scan(input);
    // The first open heredoc: the shortest run of delimiters, taken from the end, that closes
    // every open body begins with it (see the module's note).
    let first_open = (0..s.ops.len()).rev().find(|&k| {
        let mut t = input.to_string();
        for op in &s.ops[k..] {
            t.push_str(&op.delim);
            t.push('\n');
        }
        heredocs_closed(&t)
    });
    if let Some(k) = first_open
        && s.ops[k].body_after.is_some()
    {
        let op = &s.ops[k];
        return AtEof::Heredoc {
            text: format!("{input}{}\n", op.delim),
            warning: format!(
                "kubelab: warning: here-document at line {} delimited by end-of-file (wanted `{}')\n",
                lines_before + op.body_after.unwrap_or(1),
                op.delim
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
    use crate::shell::incomplete;

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
    fn a_trailing_backslash_runs_without_it() {
        assert_eq!(at_eof("echo a \\\n", 0), AtEof::Run("echo a \n".into()));
    }
}
