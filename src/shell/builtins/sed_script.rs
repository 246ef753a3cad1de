//! Reading a `sed` script: addresses (`N`, `$`, `/RE/`, `\cREc`, `first~step`, and ranges
//! `A,B`, `0,/RE/`, `A,+N`, `A,~N`, with `I` and `!`), blocks `{...}`, and the commands
//! `s y d p q Q = a i c n #`. Errors are GNU sed's (`-e expression #1, char N: ...`).

use std::collections::HashMap;

use super::pattern::{Pattern, Syntax, translate};

/// A first address.
#[derive(Debug, Clone)]
pub(super) enum Addr {
    Line(u64),
    Last,
    /// An index into [`Script::regexes`].
    Re(usize),
    /// `first~step`.
    Step(u64, u64),
}

/// A range's second address.
#[derive(Debug, Clone)]
pub(super) enum End {
    Line(u64),
    Last,
    Re(usize),
    /// `+N`: N more lines.
    Plus(u64),
    /// `~N`: up to the next line that is a multiple of N.
    Multiple(u64),
}

/// One piece of an `s` replacement.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Rep {
    Text(String),
    Group(usize),
    /// `\U` `\L` `\E` `\u` `\l`.
    Case(char),
}

#[derive(Debug, Clone)]
pub(super) enum Cmd {
    /// `{`: the index just past its `}`.
    Block(usize),
    EndBlock,
    Subst {
        re: usize,
        rep: Vec<Rep>,
        global: bool,
        nth: u64,
        print: bool,
    },
    Translit(HashMap<char, char>),
    Delete,
    Print,
    Quit(i32),
    QuitSilent(i32),
    LineNumber,
    Append(String),
    Insert(String),
    Change(String),
    Next,
}

#[derive(Debug, Clone)]
pub(super) struct Command {
    pub a1: Option<Addr>,
    pub a2: Option<End>,
    pub negate: bool,
    pub cmd: Cmd,
}

/// A parsed script.
#[derive(Debug, Clone, Default)]
pub(super) struct Script {
    pub cmds: Vec<Command>,
    pub regexes: Vec<Pattern>,
}

/// Commands GNU sed has that kubelab's does not.
const UNSUPPORTED: &str = "bDeFgGhHlLNPrRtTvwWxz:";

/// Parses the script's expressions (each `-e`, or the one script argument).
pub(super) fn parse(expressions: &[String], ere: bool) -> Result<Script, String> {
    let mut script = Script::default();
    let mut last_re: Option<usize> = None;
    for (k, text) in expressions.iter().enumerate() {
        let mut p = Parser {
            s: text.chars().collect(),
            pos: 0,
            expr: k + 1,
            syntax: if ere { Syntax::Extended } else { Syntax::Basic },
            script: &mut script,
            last_re: &mut last_re,
            blocks: Vec::new(),
        };
        p.run()?;
    }
    Ok(script)
}

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    expr: usize,
    syntax: Syntax,
    script: &'a mut Script,
    last_re: &'a mut Option<usize>,
    blocks: Vec<usize>,
}

impl Parser<'_> {
    fn err(&self, msg: &str) -> String {
        format!(
            "sed: -e expression #{}, char {}: {msg}",
            self.expr, self.pos
        )
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn skip_blanks(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn number(&mut self) -> u64 {
        let mut n: u64 = 0;
        while let Some(c @ '0'..='9') = self.peek() {
            n = n.saturating_mul(10).saturating_add(c as u64 - '0' as u64);
            self.pos += 1;
        }
        n
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.pos += 1;
            }
            let Some(c) = self.peek() else { break };
            if c == '#' {
                while !matches!(self.next(), Some('\n') | None) {}
                continue;
            }
            self.command()?;
        }
        if !self.blocks.is_empty() {
            self.pos = 0;
            return Err(self.err("unmatched `{'"));
        }
        Ok(())
    }

    /// `/RE/` or `\cREc` (the opening delimiter already read): the regex's text.
    fn delimited(&mut self, delim: char, unterminated: &str) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.next() {
                None => return Err(self.err(unterminated)),
                Some('\n') if delim != '\n' => return Err(self.err(unterminated)),
                Some('\\') => match self.next() {
                    None => return Err(self.err(unterminated)),
                    Some(c) if c == delim => out.push(c),
                    Some('n') => out.push_str("\\n"),
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                },
                Some(c) if c == delim => return Ok(out),
                Some('[') => {
                    // A bracket expression may hold the delimiter: `s/[/]/x/`.
                    out.push('[');
                    let start = self.pos;
                    if self.peek() == Some('^') {
                        out.push('^');
                        self.pos += 1;
                    }
                    let mut first = true;
                    loop {
                        match self.next() {
                            None => return Err(self.err(unterminated)),
                            Some(']') if !first => {
                                out.push(']');
                                break;
                            }
                            Some('[') if matches!(self.peek(), Some(':' | '.' | '=')) => {
                                let kind = self.next().expect("peeked");
                                out.push('[');
                                out.push(kind);
                                while let Some(c) = self.next() {
                                    out.push(c);
                                    if c == kind && self.peek() == Some(']') {
                                        out.push(']');
                                        self.pos += 1;
                                        break;
                                    }
                                }
                            }
                            Some(c) => out.push(c),
                        }
                        first = false;
                    }
                    let _ = start;
                }
                Some(c) => out.push(c),
            }
        }
    }

    /// Compiles a regex (an empty one is the last one used).
    fn regex(&mut self, src: &str, icase: bool) -> Result<usize, String> {
        if src.is_empty() {
            return self.last_re.ok_or_else(|| {
                format!(
                    "sed: -e expression #{}, char 0: no previous regular expression",
                    self.expr
                )
            });
        }
        let t = translate(src, self.syntax, 0).map_err(|e| self.err(&e))?;
        let p = Pattern::build(&t, icase).map_err(|e| self.err(&e))?;
        self.script.regexes.push(p);
        let i = self.script.regexes.len() - 1;
        *self.last_re = Some(i);
        Ok(i)
    }

    fn regex_address(&mut self, delim: char) -> Result<usize, String> {
        let src = self.delimited(delim, "unterminated address regex")?;
        let mut icase = false;
        loop {
            match self.peek() {
                Some('I') => icase = true,
                Some('M') => {
                    return Err("kubelab: sed: the M (multi-line) modifier is not supported".into());
                }
                _ => break,
            }
            self.pos += 1;
        }
        self.regex(&src, icase)
    }

    fn address(&mut self) -> Result<Option<Addr>, String> {
        Ok(Some(match self.peek() {
            Some('0'..='9') => {
                let n = self.number();
                if self.peek() == Some('~') {
                    self.pos += 1;
                    Addr::Step(n, self.number())
                } else {
                    Addr::Line(n)
                }
            }
            Some('$') => {
                self.pos += 1;
                Addr::Last
            }
            Some('/') => {
                self.pos += 1;
                Addr::Re(self.regex_address('/')?)
            }
            Some('\\') => {
                self.pos += 1;
                let d = self.next().ok_or_else(|| self.err("unexpected `,'"))?;
                Addr::Re(self.regex_address(d)?)
            }
            _ => return Ok(None),
        }))
    }

    fn end_address(&mut self) -> Result<End, String> {
        Ok(match self.peek() {
            Some('+') => {
                self.pos += 1;
                End::Plus(self.number())
            }
            Some('~') => {
                self.pos += 1;
                End::Multiple(self.number())
            }
            _ => match self.address()? {
                Some(Addr::Line(n)) => End::Line(n),
                Some(Addr::Last) => End::Last,
                Some(Addr::Re(r)) => End::Re(r),
                // GNU reads `A,N~M` as the line N.
                Some(Addr::Step(n, _)) => End::Line(n),
                None => return Err(self.err("unexpected `,'")),
            },
        })
    }

    /// After a command: blanks, then `;`, a newline, `}`, `#` or the end.
    fn end_of_command(&mut self) -> Result<(), String> {
        self.skip_blanks();
        match self.peek() {
            None | Some('\n' | ';' | '}' | '#') => {
                if self.peek() == Some(';') {
                    self.pos += 1;
                }
                Ok(())
            }
            Some(_) => {
                self.pos += 1;
                Err(self.err("extra characters after command"))
            }
        }
    }

    /// The text of `a`, `i`, `c` (GNU's one-line form and `a\` + text).
    fn text_argument(&mut self) -> String {
        self.skip_blanks();
        if self.peek() == Some('\\') {
            self.pos += 1;
            if self.peek() == Some('\n') {
                self.pos += 1;
            }
        }
        let mut out = String::new();
        while let Some(c) = self.next() {
            match c {
                '\n' => break,
                '\\' => match self.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(c) => out.push(c),
                    None => {}
                },
                c => out.push(c),
            }
        }
        out
    }

    fn command(&mut self) -> Result<(), String> {
        let a1 = self.address()?;
        let mut a2 = None;
        self.skip_blanks();
        if a1.is_some() && self.peek() == Some(',') {
            self.pos += 1;
            self.skip_blanks();
            a2 = Some(self.end_address()?);
        }
        let line_zero = matches!(a1, Some(Addr::Line(0))) && !matches!(a2, Some(End::Re(_)));
        self.skip_blanks();
        let mut negate = false;
        if self.peek() == Some('!') {
            self.pos += 1;
            negate = true;
            self.skip_blanks();
            if self.peek() == Some('!') {
                self.pos += 1;
                return Err(self.err("multiple `!'s"));
            }
        }
        let Some(c) = self.next() else {
            return Err(self.err("missing command"));
        };
        if line_zero {
            return Err(self.err("invalid usage of line address 0"));
        }
        let cmd = match c {
            '{' => {
                self.blocks.push(self.script.cmds.len());
                Cmd::Block(0)
            }
            '}' => {
                if a1.is_some() {
                    return Err(self.err("unexpected `}'"));
                }
                let Some(open) = self.blocks.pop() else {
                    return Err(self.err("unexpected `}'"));
                };
                let after = self.script.cmds.len() + 1;
                self.script.cmds[open].cmd = Cmd::Block(after);
                self.end_of_command()?;
                Cmd::EndBlock
            }
            's' => self.substitute()?,
            'y' => self.translit()?,
            'd' | 'p' | '=' | 'n' => {
                self.end_of_command()?;
                match c {
                    'd' => Cmd::Delete,
                    'p' => Cmd::Print,
                    '=' => Cmd::LineNumber,
                    _ => Cmd::Next,
                }
            }
            'q' | 'Q' => {
                self.skip_blanks();
                let code = (self.number() & 0xff) as i32;
                self.end_of_command()?;
                if c == 'q' {
                    Cmd::Quit(code)
                } else {
                    Cmd::QuitSilent(code)
                }
            }
            'a' | 'i' | 'c' => {
                let t = self.text_argument();
                match c {
                    'a' => Cmd::Append(t),
                    'i' => Cmd::Insert(t),
                    _ => Cmd::Change(t),
                }
            }
            '\n' | ';' => return Err(self.err("missing command")),
            c if UNSUPPORTED.contains(c) => {
                return Err(format!(
                    "kubelab: sed: the `{c}' command is not supported (kubelab's sed has s y d p q Q = a i c n and {{}})"
                ));
            }
            c => return Err(self.err(&format!("unknown command: `{c}'"))),
        };
        self.script.cmds.push(Command {
            a1,
            a2,
            negate,
            cmd,
        });
        Ok(())
    }

    fn substitute(&mut self) -> Result<Cmd, String> {
        const UNTERMINATED: &str = "unterminated `s' command";
        let delim = match self.next() {
            None | Some('\n' | '\\') => return Err(self.err(UNTERMINATED)),
            Some(d) => d,
        };
        let src = self.delimited(delim, UNTERMINATED)?;
        let rep = self.replacement(delim)?;
        let (mut global, mut print, mut icase) = (false, false, false);
        let mut nth: Option<u64> = None;
        loop {
            match self.peek() {
                Some('g') => global = true,
                Some('p') => print = true,
                Some('i' | 'I') => icase = true,
                Some('0'..='9') => {
                    let n = self.number();
                    if n == 0 {
                        return Err(self.err("number option to `s' command may not be zero"));
                    }
                    nth = Some(n);
                    continue;
                }
                Some('m' | 'M' | 'e' | 'w') => {
                    let f = self.peek().expect("peeked");
                    return Err(format!(
                        "kubelab: sed: the `{f}' flag of the `s' command is not supported"
                    ));
                }
                None | Some('\n' | ';' | '}' | '#' | ' ' | '\t') => break,
                Some(_) => {
                    self.pos += 1;
                    return Err(self.err("unknown option to `s'"));
                }
            }
            self.pos += 1;
        }
        self.end_of_command()
            .map_err(|_| self.err("unknown option to `s'"))?;
        let re = self.regex(&src, icase)?;
        let groups = match &self.script.regexes[re] {
            Pattern::Linear(r) => r.groups(),
            Pattern::Backtrack(r) => r.captures_len() - 1,
        };
        if let Some(n) = rep.iter().find_map(|r| match r {
            Rep::Group(n) if *n > groups => Some(*n),
            _ => None,
        }) {
            return Err(self.err(&format!("invalid reference \\{n} on `s' command's RHS")));
        }
        Ok(Cmd::Subst {
            re,
            rep,
            global,
            nth: nth.unwrap_or(1),
            print,
        })
    }

    fn replacement(&mut self, delim: char) -> Result<Vec<Rep>, String> {
        let mut out = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, out: &mut Vec<Rep>| {
            if !text.is_empty() {
                out.push(Rep::Text(std::mem::take(text)));
            }
        };
        loop {
            match self.next() {
                None => return Err(self.err("unterminated `s' command")),
                Some(c) if c == delim => break,
                Some('&') => {
                    flush(&mut text, &mut out);
                    out.push(Rep::Group(0));
                }
                Some('\\') => match self.next() {
                    None => return Err(self.err("unterminated `s' command")),
                    Some(d @ '0'..='9') => {
                        flush(&mut text, &mut out);
                        out.push(Rep::Group(d as usize - '0' as usize));
                    }
                    Some(k @ ('U' | 'L' | 'E' | 'u' | 'l')) => {
                        flush(&mut text, &mut out);
                        out.push(Rep::Case(k));
                    }
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some(c) => text.push(c),
                },
                Some('\n') if delim != '\n' => {
                    return Err(self.err("unterminated `s' command"));
                }
                Some(c) => text.push(c),
            }
        }
        flush(&mut text, &mut out);
        Ok(out)
    }

    fn translit(&mut self) -> Result<Cmd, String> {
        const UNTERMINATED: &str = "unterminated `y' command";
        let delim = match self.next() {
            None | Some('\n' | '\\') => return Err(self.err(UNTERMINATED)),
            Some(d) => d,
        };
        let mut part = || -> Result<Vec<char>, String> {
            let mut out = Vec::new();
            loop {
                match self.next() {
                    None => return Err(self.err(UNTERMINATED)),
                    Some(c) if c == delim => return Ok(out),
                    Some('\\') => match self.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('\\') => out.push('\\'),
                        Some(c) if c == delim => out.push(c),
                        _ => return Err(self.err("unknown option to `y'")),
                    },
                    Some(c) => out.push(c),
                }
            }
        };
        let from = part()?;
        let to = part()?;
        if from.len() != to.len() {
            return Err(self.err("strings for `y' command are different lengths"));
        }
        self.end_of_command()?;
        Ok(Cmd::Translit(from.into_iter().zip(to).collect()))
    }
}
