//! The lexical pass before the grammar, as bash reads its input line by line: heredoc bodies
//! are cut out (bash reads them after the line that opens them) and each `<<WORD` is left as
//! `<<` and a NUL; quotes, substitutions and compound commands are followed so that the end of
//! a line tells whether a quote, a heredoc or a `\` continuation is still open, and how deep the
//! input nests. It is resumable: lines are fed one at a time, so splitting a script into
//! inputs never rescans what it has seen.

use std::collections::VecDeque;

use super::ast::Heredoc;

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

    /// A scanner that remembers where each line ends (for splitting scripts).
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
                self.body.push_str(content);
                self.body.push('\n');
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

    fn token_start(&self) -> bool {
        matches!(
            self.prev,
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'|' | b'&' | b'(' | b')'
        )
    }

    fn command(&mut self, b: &[u8], i: usize) -> usize {
        let c = b[i];
        match c {
            b'\\' => {
                self.word_started();
                self.escape(b, i)
            }
            b'\'' => {
                self.word_started();
                self.push(c);
                self.quote = Quote::Single;
                i + 1
            }
            b'"' => {
                self.word_started();
                self.push(c);
                self.open(Ctx::Dq);
                i + 1
            }
            b'`' => {
                self.word_started();
                self.push(c);
                self.open(Ctx::Backtick);
                i + 1
            }
            b'$' => {
                self.word_started();
                if b.get(i + 1) == Some(&b'\'') {
                    self.push_all(b"$'");
                    self.quote = Quote::Ansi;
                    return i + 2;
                }
                self.dollar(b, i)
            }
            b'#' if self.token_start() => {
                self.push(c);
                self.comment = true;
                i + 1
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                if b.get(i + 2) == Some(&b'<') {
                    self.push_all(b"<<<");
                    return i + 3;
                }
                self.heredoc_operator(b, i)
            }
            b'(' => {
                if self.cmd_pos && b.get(i + 1) == Some(&b'(') {
                    self.push_all(b"((");
                    self.open(Ctx::Arith { dollar: false });
                    return i + 2;
                }
                self.push(c);
                self.open(Ctx::Paren);
                self.cmd_pos = true;
                self.after_close = false;
                i + 1
            }
            b')' => {
                self.push(c);
                if matches!(self.top(), Some(Ctx::Paren | Ctx::CmdSub)) {
                    let was = self.stack.pop();
                    self.after_close = was == Some(Ctx::Paren);
                } else {
                    self.after_close = false;
                }
                self.cmd_pos = false;
                i + 1
            }
            b'{' if self.cmd_pos => {
                self.push(c);
                self.open(Ctx::Group);
                i + 1
            }
            b'}' if (self.cmd_pos || self.after_close) && self.top() == Some(Ctx::Group) => {
                self.push(c);
                self.stack.pop();
                self.cmd_pos = false;
                self.after_close = true;
                i + 1
            }
            b';' | b'&' | b'|' | b'\n' => {
                self.push(c);
                self.cmd_pos = true;
                self.after_close = false;
                if c == b'\n' && !self.pending.is_empty() {
                    self.reading.extend(self.pending.drain(..));
                }
                i + 1
            }
            b' ' | b'\t' | b'\r' | b'<' | b'>' => {
                self.push(c);
                i + 1
            }
            _ => self.word(b, i),
        }
    }

    fn word_started(&mut self) {
        self.cmd_pos = false;
        self.after_close = false;
    }

    /// A run of plain word characters; a reserved word at a command's start opens or closes a
    /// compound command.
    fn word(&mut self, b: &[u8], i: usize) -> usize {
        let end = b[i..]
            .iter()
            .position(|c| {
                matches!(
                    c,
                    b' ' | b'\t'
                        | b'\n'
                        | b'\r'
                        | b';'
                        | b'&'
                        | b'|'
                        | b'<'
                        | b'>'
                        | b'('
                        | b')'
                        | b'\''
                        | b'"'
                        | b'`'
                        | b'$'
                        | b'\\'
                )
            })
            .map_or(b.len(), |p| i + p);
        let run = &b[i..end];
        let whole = end == b.len()
            || matches!(
                b[end],
                b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
            );
        let at_start = self.cmd_pos || self.after_close;
        match run {
            b"while" | b"until" | b"if" if self.cmd_pos && whole => {
                self.open(Ctx::Keyword);
                self.cmd_pos = true;
            }
            b"for" if self.cmd_pos && whole => {
                self.open(Ctx::Keyword);
                self.cmd_pos = false;
            }
            b"do" | b"then" | b"else" | b"elif" | b"!" if self.cmd_pos && whole => {
                self.cmd_pos = true;
            }
            b"done" | b"fi" if at_start && whole => {
                if self.top() == Some(Ctx::Keyword) {
                    self.stack.pop();
                }
                self.cmd_pos = false;
                self.after_close = true;
            }
            _ => self.word_started(),
        }
        self.push_all(run);
        end
    }

    /// `<<WORD` or `<<-WORD`: the word goes, its body is read after the line.
    fn heredoc_operator(&mut self, b: &[u8], mut i: usize) -> usize {
        self.push_all(b"<<");
        i += 2;
        let strip = b.get(i) == Some(&b'-');
        if strip {
            self.push(b'-');
            i += 1;
        }
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        let mut delim: Vec<u8> = Vec::new();
        let mut quoted = false;
        let mut q: Option<u8> = None;
        while i < b.len() {
            let d = b[i];
            match q {
                Some(qc) if d == qc => q = None,
                Some(_) => delim.push(d),
                None => {
                    if d.is_ascii_whitespace()
                        || matches!(d, b';' | b'|' | b'&' | b'<' | b'>' | b'(' | b')')
                    {
                        break;
                    }
                    if d == b'\'' || d == b'"' {
                        q = Some(d);
                        quoted = true;
                    } else if d == b'\\' {
                        quoted = true;
                        if let Some(&n) = b.get(i + 1) {
                            delim.push(n);
                        }
                        i += 1;
                    } else {
                        delim.push(d);
                    }
                }
            }
            i += 1;
        }
        if q.is_some() {
            // The delimiter's quote runs past its line: no line can end this heredoc.
            self.broken = true;
        }
        if delim.is_empty() {
            // `<<` without a word: left for the grammar to reject.
            return i;
        }
        self.push(0);
        self.word_started();
        self.pending.push(Pending {
            delim: String::from_utf8_lossy(&delim).into_owned(),
            quoted,
            strip,
        });
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(s: &str) -> Scanned {
        Scanner::scan(s)
    }

    #[test]
    fn heredocs_are_cut_out() {
        let s = scan("cat <<EOF | wc -l\na\nb\nEOF\necho $((1<<3)) <<< hi\n");
        assert_eq!(s.text, "cat <<\0 | wc -l\necho $((1<<3)) <<< hi\n");
        assert_eq!(s.bodies.len(), 1);
        assert_eq!(s.bodies[0].body, "a\nb\n");
        assert!(!s.incomplete);
        let s = scan("cat <<-'E F'\n\tx\n\tE F\n");
        assert_eq!(s.bodies[0].body, "x\n");
        assert!(s.bodies[0].quoted);
        assert!(scan("cat <<EOF\nabc\n").incomplete);
        assert!(scan("cat <<'EOF\n").incomplete);
        // `((` as a command is arithmetic, not a heredoc.
        assert!(!scan("((x<<2))\n").incomplete);
    }

    #[test]
    fn quotes_continuations_and_depth() {
        assert!(scan("echo 'a\n").incomplete);
        assert!(scan("echo \"$(echo \")\")\n").incomplete);
        assert!(!scan("echo \"$(echo \")\")\"\n").incomplete);
        assert!(scan("echo a \\\n").incomplete);
        assert!(!scan("# a comment \\\n").incomplete);
        assert!(!scan("echo ${x:-'}'}\n").incomplete);
        assert!(scan("echo `ls\n").incomplete);
        assert_eq!(scan("( ( echo ) ); ( echo )").depth, 2);
        assert_eq!(
            scan("while true; do if a; then b; fi; done; for x in if; do :; done").depth,
            2
        );
        assert_eq!(scan("{ { echo; }; }; { echo; }").depth, 2);
        assert_eq!(scan("echo \"$(echo \"${x:-$((1+(2)))}\")\"").depth, 6);
        assert_eq!(scan("echo if while { (").depth, 1);
    }
}
