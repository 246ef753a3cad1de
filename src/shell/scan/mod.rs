//! The lexical pass before the grammar, as bash reads its input line by line: heredoc bodies
//! are cut out (bash reads them after the line that opens them) and each `<<WORD` is left as
//! `<<` and a NUL; quotes, substitutions and compound commands are followed so that the end of
//! a line tells whether a quote, a heredoc or a `\` continuation is still open, and how deep the
//! input nests. It is resumable: lines are fed one at a time, so splitting a script into
//! inputs never rescans what it has seen.

use std::collections::VecDeque;

use super::ast::Heredoc;

mod command;
#[cfg(test)]
mod tests;

/// Nesting (parentheses, braces, quotes, substitutions, compound commands) deeper than this is
/// refused before parsing: the parser, the syntax tree and the executor all recurse on it.
pub const MAX_NESTING: usize = 100;

/// An open construct.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ctx {
    /// `( ... )`.
    Paren,
    /// `$( ... )`.
    CmdSub,
    /// `{ ... }` at a command's start.
    Group,
    /// `while`/`until`/`if`/`for` ... `done`/`fi`.
    Keyword,
    /// `${ ... }`.
    Param,
    /// `" ... "`.
    Dq,
    /// `` ` ... ` ``.
    Backtick,
    /// `$(( ... ))` (`dollar`) or the `(( ... ))` command.
    Arith { dollar: bool },
    /// `( ... )` inside arithmetic.
    ArithParen,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
enum Quote {
    #[default]
    None,
    /// `'...'`.
    Single,
    /// `$'...'`.
    Ansi,
}

#[derive(Clone, Debug)]
struct Pending {
    delim: String,
    quoted: bool,
    strip: bool,
}

/// Where one line of the source ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineEnd {
    /// Bytes of the source read so far (this line and the heredoc bodies it closed).
    pub src: usize,
    /// Bytes of the scanned text so far.
    pub out: usize,
    /// No quote, heredoc or continuation is open: the grammar decides whether the input is
    /// complete here.
    pub clean: bool,
    /// The nesting went past [`MAX_NESTING`] on or before this line.
    pub too_deep: bool,
}

/// The scanner's state between lines.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scanner {
    out: Vec<u8>,
    bodies: Vec<Heredoc>,
    stack: Vec<Ctx>,
    max_depth: usize,
    quote: Quote,
    comment: bool,
    pending: Vec<Pending>,
    reading: VecDeque<Pending>,
    body: String,
    /// A heredoc's quoted delimiter did not close on its line: nothing can end it.
    broken: bool,
    /// The last line ended in an escaped newline.
    continued: bool,
    /// A command may start here (keywords and `{` are recognised).
    cmd_pos: bool,
    /// A compound command just ended (`}` and `done`/`fi` may follow without a separator).
    after_close: bool,
    prev: u8,
    src: usize,
    ends: Option<Vec<LineEnd>>,
}

/// What the scan of a whole input found.
pub(crate) struct Scanned {
    /// The text with heredoc bodies cut out.
    pub text: String,
    /// The heredoc bodies, in order.
    pub bodies: Vec<Heredoc>,
    /// A quote or a heredoc is still open, or the text ends in a `\` continuation.
    pub incomplete: bool,
    /// The deepest nesting seen.
    pub depth: usize,
    /// The closing character of the innermost quote or substitution still open, if any.
    pub awaiting: Option<char>,
}

impl Scanner {
    /// A scanner at the start of an input.
    pub fn new() -> Scanner {
        Scanner {
            cmd_pos: true,
            prev: b'\n',
            ..Scanner::default()
        }
    }

    /// A scanner that remembers where each line ends (for splitting scripts); it keeps no
    /// heredoc bodies.
    pub fn recording() -> Scanner {
        Scanner {
            ends: Some(Vec::new()),
            ..Scanner::new()
        }
    }

    /// Scans a whole input.
    pub fn scan(src: &str) -> Scanned {
        let mut s = Scanner::new();
        for line in src.split_inclusive('\n') {
            s.feed_line(line);
        }
        s.finish()
    }

    /// The scanned text so far.
    pub fn out(&self) -> &[u8] {
        &self.out
    }

    /// The line ends recorded so far.
    pub fn ends(&self) -> &[LineEnd] {
        self.ends.as_deref().unwrap_or(&[])
    }

    /// Whether nothing keeps the input open at this point (see [`LineEnd::clean`]).
    fn clean(&self) -> bool {
        self.quote == Quote::None
            && !self.broken
            && !self.continued
            && self.pending.is_empty()
            && self.reading.is_empty()
            && !self.stack.iter().any(|c| {
                matches!(
                    c,
                    Ctx::Dq | Ctx::Backtick | Ctx::Param | Ctx::Arith { .. } | Ctx::ArithParen
                )
            })
    }

    /// The end of the input.
    pub fn finish(mut self) -> Scanned {
        let incomplete = !self.clean();
        let awaiting = match self.quote {
            Quote::Single | Quote::Ansi => Some('\''),
            Quote::None => self.stack.iter().rev().find_map(|c| match c {
                Ctx::Dq => Some('"'),
                Ctx::Backtick => Some('`'),
                Ctx::CmdSub | Ctx::Arith { dollar: true } | Ctx::ArithParen => Some(')'),
                Ctx::Param => Some('}'),
                _ => None,
            }),
        };
        // Heredocs still open get what was read of them (the input is incomplete anyway).
        if let Some(p) = self.reading.pop_front() {
            let body = std::mem::take(&mut self.body);
            self.bodies.push(Heredoc {
                body,
                quoted: p.quoted,
            });
        }
        for p in self.reading.drain(..).chain(self.pending.drain(..)) {
            self.bodies.push(Heredoc {
                body: String::new(),
                quoted: p.quoted,
            });
        }
        let text = match String::from_utf8(self.out) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        Scanned {
            text,
            bodies: self.bodies,
            incomplete,
            depth: self.max_depth,
            awaiting,
        }
    }

    /// Feeds one line (with its `\n`, except perhaps the last line of a text).
    pub fn feed_line(&mut self, line: &str) {
        self.src += line.len();
        if let Some(p) = self.reading.front() {
            let content = line.strip_suffix('\n').unwrap_or(line);
            let content = if p.strip {
                content.trim_start_matches('\t')
            } else {
                content
            };
            if content == p.delim {
                let quoted = p.quoted;
                self.reading.pop_front();
                let body = std::mem::take(&mut self.body);
                self.bodies.push(Heredoc { body, quoted });
            } else {
                if self.ends.is_none() {
                    // A recording scanner (splitting, the prompt) only needs where bodies end.
                    self.body.push_str(content);
                    self.body.push('\n');
                }
            }
        } else {
            self.continued = false;
            self.scan_line(line.as_bytes());
        }
        if self.ends.is_some() {
            let end = LineEnd {
                src: self.src,
                out: self.out.len(),
                clean: self.clean(),
                too_deep: self.max_depth > MAX_NESTING,
            };
            if let Some(ends) = &mut self.ends {
                ends.push(end);
            }
        }
    }

    fn push(&mut self, c: u8) {
        self.out.push(c);
        self.prev = c;
    }

    fn push_all(&mut self, s: &[u8]) {
        self.out.extend_from_slice(s);
        if let Some(&c) = s.last() {
            self.prev = c;
        }
    }

    fn open(&mut self, c: Ctx) {
        self.stack.push(c);
        self.max_depth = self.max_depth.max(self.stack.len());
    }

    fn top(&self) -> Option<Ctx> {
        self.stack.last().copied()
    }

    fn scan_line(&mut self, b: &[u8]) {
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match self.quote {
                Quote::Single => {
                    self.push(c);
                    if c == b'\'' {
                        self.quote = Quote::None;
                    }
                    i += 1;
                    continue;
                }
                Quote::Ansi => {
                    self.push(c);
                    i += 1;
                    if c == b'\\' {
                        if let Some(&n) = b.get(i) {
                            self.push(n);
                            i += 1;
                        }
                    } else if c == b'\'' {
                        self.quote = Quote::None;
                    }
                    continue;
                }
                Quote::None => {}
            }
            if self.comment {
                if c != b'\n' {
                    self.push(c);
                    i += 1;
                    continue;
                }
                self.comment = false;
            }
            i = match self.top() {
                Some(Ctx::Backtick) => {
                    self.push(c);
                    if c == b'`' {
                        self.stack.pop();
                    }
                    i + 1
                }
                Some(Ctx::Arith { dollar }) => self.arith(b, i, Some(dollar)),
                Some(Ctx::ArithParen) => self.arith(b, i, None),
                Some(Ctx::Dq) => self.double_quoted(b, i),
                Some(Ctx::Param) => self.param(b, i),
                _ => self.command(b, i),
            };
        }
    }

    /// `\x`: the backslash and the character it escapes.
    fn escape(&mut self, b: &[u8], i: usize) -> usize {
        self.push(b'\\');
        match b.get(i + 1) {
            Some(&n) => {
                self.push(n);
                if n == b'\n' {
                    self.continued = true;
                }
                i + 2
            }
            None => {
                // A backslash ending the text continues it, as one before a newline does.
                self.continued = true;
                i + 1
            }
        }
    }

    /// `$'`, `$((`, `$(`, `${` or a plain `$`.
    fn dollar(&mut self, b: &[u8], i: usize) -> usize {
        match (b.get(i + 1), b.get(i + 2)) {
            (Some(b'('), Some(b'(')) => {
                self.push_all(b"$((");
                self.open(Ctx::Arith { dollar: true });
                i + 3
            }
            (Some(b'('), _) => {
                self.push_all(b"$(");
                self.open(Ctx::CmdSub);
                self.cmd_pos = true;
                self.after_close = false;
                i + 2
            }
            (Some(b'{'), _) => {
                self.push_all(b"${");
                self.open(Ctx::Param);
                i + 2
            }
            _ => {
                self.push(b'$');
                i + 1
            }
        }
    }

    fn double_quoted(&mut self, b: &[u8], i: usize) -> usize {
        match b[i] {
            b'\\' => self.escape(b, i),
            b'"' => {
                self.push(b'"');
                self.stack.pop();
                i + 1
            }
            b'$' => self.dollar(b, i),
            b'`' => {
                self.push(b'`');
                self.open(Ctx::Backtick);
                i + 1
            }
            c => {
                self.push(c);
                i + 1
            }
        }
    }

    fn param(&mut self, b: &[u8], i: usize) -> usize {
        match b[i] {
            b'\\' => self.escape(b, i),
            b'\'' => {
                self.push(b'\'');
                self.quote = Quote::Single;
                i + 1
            }
            b'"' => {
                self.push(b'"');
                self.open(Ctx::Dq);
                i + 1
            }
            b'$' => self.dollar(b, i),
            b'`' => {
                self.push(b'`');
                self.open(Ctx::Backtick);
                i + 1
            }
            b'}' => {
                self.push(b'}');
                self.stack.pop();
                i + 1
            }
            c => {
                self.push(c);
                i + 1
            }
        }
    }

    /// Inside `$(( ))`, `(( ))` (`Some(dollar)`) or a parenthesis within them (`None`).
    fn arith(&mut self, b: &[u8], i: usize, arith: Option<bool>) -> usize {
        match (b[i], arith) {
            (b'(', _) => {
                self.push(b'(');
                self.open(Ctx::ArithParen);
                i + 1
            }
            (b')', None) => {
                self.push(b')');
                self.stack.pop();
                i + 1
            }
            (b')', Some(_)) if b.get(i + 1) == Some(&b')') => {
                self.push_all(b"))");
                self.stack.pop();
                self.after_close = true;
                self.cmd_pos = false;
                i + 2
            }
            (b')', Some(dollar)) => {
                // `$((a); b)` is `$(` and a subshell, as bash reads it when no `))` follows.
                self.push(b')');
                self.stack.pop();
                self.stack
                    .push(if dollar { Ctx::CmdSub } else { Ctx::Paren });
                self.after_close = true;
                self.cmd_pos = false;
                i + 1
            }
            (c, _) => {
                if c == b'\\' && b.get(i + 1) == Some(&b'\n') {
                    self.continued = true;
                }
                self.push(c);
                i + 1
            }
        }
    }
}
