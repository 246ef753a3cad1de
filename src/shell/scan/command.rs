//! The scanner inside commands: words (a reserved word at a command's start opens or closes a
//! compound command), operators, comments and heredoc operators (`<<WORD`: the word goes,
//! its body is read after the line).

use super::{Ctx, Pending, Quote, Scanner};

impl Scanner {
    fn token_start(&self) -> bool {
        matches!(
            self.prev,
            b' ' | b'\t' | b'\n' | b'\r' | b';' | b'|' | b'&' | b'(' | b')'
        )
    }

    pub(super) fn command(&mut self, b: &[u8], i: usize) -> usize {
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
