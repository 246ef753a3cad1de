//! Word expansion as bash does it, in order: braces, tilde, parameters, command substitution,
//! arithmetic, field splitting of unquoted results, pathname globbing, quote removal.
//!
//! Expansions are bounded: one expansion's result may hold [`Limits::value_bytes`], all
//! variables together [`Limits::variable_bytes`], and pattern matching a step budget (and
//! Ctrl-C stops it). Past a bound the expansion fails with a plain message (status 1).
//!
//! [`Limits::value_bytes`]: super::Limits::value_bytes
//! [`Limits::variable_bytes`]: super::Limits::variable_bytes

use super::arith;
use super::ast::{Part, Word};
use super::exec::{Exec, Stop};
use super::pattern::{Halt, Meter, Pattern};

/// The message of an expansion stopped by Ctrl-C.
pub(crate) const INTERRUPTED: &str = "interrupted";

/// A field being built: its text, whether something quoted made it exist even if empty, and
/// which byte ranges of it came unquoted (may glob).
#[derive(Default, Clone)]
struct Field {
    text: String,
    quoted: bool,
    glob: Vec<(usize, usize)>,
}

impl Field {
    fn push(&mut self, s: &str, glob: bool) {
        let start = self.text.len();
        self.text.push_str(s);
        if glob && !s.is_empty() {
            match self.glob.last_mut() {
                Some(r) if r.1 == start => r.1 = self.text.len(),
                _ => self.glob.push((start, self.text.len())),
            }
        }
    }

    /// Whether the byte at `i` came unquoted.
    fn globs_at(&self, i: usize) -> bool {
        let k = self.glob.partition_point(|r| r.1 <= i);
        self.glob.get(k).is_some_and(|r| r.0 <= i)
    }

    /// The field from byte `from` as a pattern: quoted wildcards escaped.
    fn pattern(&self, from: usize) -> String {
        let mut p = String::new();
        for (i, c) in self.text[from..].char_indices() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') && !self.globs_at(from + i) {
                p.push('\\');
            }
            p.push(c);
        }
        p
    }
}

/// A size in words: `16 MiB`.
pub(crate) fn human_bytes(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// The variables `$(( ))` reads and assigns.
struct ArithVars<'x, 'a> {
    x: &'x mut Exec<'a>,
}

impl arith::Vars for ArithVars<'_, '_> {
    fn get(&self, name: &str) -> Option<String> {
        match name {
            "RANDOM" => Some("4".into()),
            _ => self.x.state.var(name).map(str::to_string),
        }
    }

    fn set(&mut self, name: &str, value: i64) -> Result<(), String> {
        self.x.assign_var(name, &value.to_string())
    }
}

impl Exec<'_> {
    /// Expands words to argument fields.
    pub fn expand_words(&mut self, words: &[Word]) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for w in words {
            for w in super::brace::expand(w)? {
                for f in self.expand_fields(&w)? {
                    out.extend(self.glob(&f)?);
                }
            }
        }
        Ok(out)
    }

    /// Expands one word to a single string (redirect targets, assignments, heredoc text).
    pub fn expand_one(&mut self, w: &Word) -> Result<String, String> {
        let s = self.expand_text(w)?;
        // What is expanded whole is usually stored: it must fit beside the variables.
        if self.state.var_bytes() + s.len() > self.limits.variable_bytes {
            return Err(self.too_many_variables());
        }
        Ok(s)
    }

    /// One word's text, every part expanded, nothing split (the words of `${x:-word}`).
    pub(crate) fn expand_text(&mut self, w: &Word) -> Result<String, String> {
        let mut s = String::new();
        for (i, p) in w.0.iter().enumerate() {
            match p {
                Part::Literal(t) if i == 0 => {
                    let t = self.tilde(t);
                    self.append(&mut s, &t)?;
                }
                Part::Literal(t) | Part::Quoted(t) => self.append(&mut s, t)?,
                other => {
                    let t = self.expand_part_text(other)?;
                    self.append(&mut s, &t)?;
                }
            }
        }
        Ok(s)
    }

    /// Appends to an expansion's result within the size budget.
    pub(crate) fn append(&self, s: &mut String, t: &str) -> Result<(), String> {
        self.fits(s.len() + t.len())?;
        s.push_str(t);
        Ok(())
    }

    /// Whether an expansion of `len` bytes is within the budget.
    pub(crate) fn fits(&self, len: usize) -> Result<(), String> {
        if len > self.limits.value_bytes {
            return Err(format!(
                "this value would exceed {}, the kubelab shell's limit for one value",
                human_bytes(self.limits.value_bytes)
            ));
        }
        Ok(())
    }

    fn too_many_variables(&self) -> String {
        format!(
            "the session's variables would exceed {}, the kubelab shell's limit for all variables",
            human_bytes(self.limits.variable_bytes)
        )
    }

    /// Sets a variable within the session's budget (the value is at most one value's size).
    pub(crate) fn assign_var(&mut self, name: &str, value: &str) -> Result<(), String> {
        self.fits(value.len())?;
        let old = self.state.var(name).map_or(0, |v| v.len() + name.len());
        if self.state.var_bytes() - old + name.len() + value.len() > self.limits.variable_bytes {
            return Err(self.too_many_variables());
        }
        self.state.set_var(name, value);
        Ok(())
    }

    /// The meter for one expansion's pattern matching.
    pub(crate) fn meter(&self) -> Meter {
        Meter::new(self.limits.match_steps, self.interrupt.clone())
    }

    /// Why pattern matching stopped, as an expansion error (Ctrl-C also stops the input).
    pub(crate) fn halted(&mut self, h: Halt) -> String {
        match h {
            Halt::Interrupted => {
                self.stop = Some(Stop::Abort);
                INTERRUPTED.into()
            }
            Halt::Budget(n) => format!(
                "pattern matching stopped after {n} steps, the kubelab shell's limit for one expansion"
            ),
        }
    }

    fn tilde(&self, t: &str) -> String {
        if t == "~" || t.starts_with("~/") {
            format!(
                "{}{}",
                self.state.var("HOME").unwrap_or(super::vfs::HOME),
                &t[1..]
            )
        } else {
            t.to_string()
        }
    }

    fn expand_fields(&mut self, w: &Word) -> Result<Vec<Field>, String> {
        let mut fields: Vec<Field> = Vec::new();
        let mut cur = Field::default();
        let mut started = false;
        let mut total = 0;
        for (i, p) in w.0.iter().enumerate() {
            match p {
                Part::Literal(t) => {
                    let t = if i == 0 { self.tilde(t) } else { t.clone() };
                    total += t.len();
                    self.fits(total)?;
                    cur.push(&t, true);
                    started = true;
                }
                Part::Quoted(t) => {
                    total += t.len();
                    self.fits(total)?;
                    cur.push(t, false);
                    cur.quoted = true;
                    started = true;
                }
                Part::Double(parts) => {
                    cur.quoted = true;
                    started = true;
                    for q in parts {
                        if let Part::Var(n) = q
                            && n == "@"
                        {
                            let pos = self.state.positional.clone();
                            for (k, a) in pos.iter().enumerate() {
                                if k > 0 {
                                    fields.push(std::mem::take(&mut cur));
                                    cur.quoted = true;
                                }
                                total += a.len();
                                self.fits(total)?;
                                cur.push(a, false);
                            }
                            continue;
                        }
                        let t = self.expand_quoted_part(q)?;
                        total += t.len();
                        self.fits(total)?;
                        cur.push(&t, false);
                    }
                }
                other => {
                    let t = self.expand_part_text(other)?;
                    total += t.len();
                    self.fits(total)?;
                    // Unquoted: split on blanks.
                    let leading_blank = t.starts_with([' ', '\t', '\n']);
                    let mut first = true;
                    for piece in t.split([' ', '\t', '\n']) {
                        if piece.is_empty() {
                            if first && leading_blank && started && !cur.text.is_empty() {
                                fields.push(std::mem::take(&mut cur));
                                started = false;
                            }
                            first = false;
                            continue;
                        }
                        if !first && (started || !cur.text.is_empty()) {
                            fields.push(std::mem::take(&mut cur));
                        }
                        cur.push(piece, true);
                        started = true;
                        first = false;
                    }
                    if t.ends_with([' ', '\t', '\n']) && !cur.text.is_empty() {
                        fields.push(std::mem::take(&mut cur));
                        started = false;
                    }
                }
            }
        }
        if started && (!cur.text.is_empty() || cur.quoted) {
            fields.push(cur);
        }
        Ok(fields)
    }

    /// The text of an expansion part (before splitting).
    pub(crate) fn expand_part_text(&mut self, p: &Part) -> Result<String, String> {
        Ok(match p {
            Part::Literal(t) | Part::Quoted(t) => t.clone(),
            Part::Double(parts) => {
                let mut s = String::new();
                for q in parts {
                    let t = self.expand_quoted_part(q)?;
                    self.append(&mut s, &t)?;
                }
                s
            }
            Part::Var(n) => self.special_or_var(n),
            Part::Param(body) => self.param(body, false)?,
            Part::CommandSub(list) => {
                let out = self.capture(list);
                let mut s = String::from_utf8_lossy(&out).into_owned();
                while s.ends_with('\n') {
                    s.pop();
                }
                s
            }
            Part::Arith(e) => {
                // The text undergoes parameter, command and arithmetic expansion and quote
                // removal first, as between double quotes (no `~`).
                let text = if !e.contains(['$', '`', '\'', '"', '\\']) {
                    e.clone()
                } else {
                    match super::parse::parse_word(e) {
                        Ok(w) => {
                            let mut s = String::new();
                            for p in &w.0 {
                                let t = self.expand_part_text(p)?;
                                self.append(&mut s, &t)?;
                            }
                            s
                        }
                        Err(_) => e.clone(),
                    }
                };
                arith::eval(&text, &mut ArithVars { x: self })?.to_string()
            }
        })
    }

    /// A part inside double quotes (where `${x:-'a'}` keeps its single quotes).
    fn expand_quoted_part(&mut self, p: &Part) -> Result<String, String> {
        match p {
            Part::Param(body) => self.param(body, true),
            other => self.expand_part_text(other),
        }
    }

    pub(crate) fn special_or_var(&self, n: &str) -> String {
        match n {
            "?" => self.state.last_status.to_string(),
            "$" => "1000".into(),
            "!" => self
                .state
                .last_job
                .map(|p| p.to_string())
                .unwrap_or_default(),
            "#" => self.state.positional.len().to_string(),
            "@" | "*" => self.state.positional.join(" "),
            // `$0`: the shell's name (`sh -c SCRIPT NAME` sets it); the workstation's is bash.
            "0" if self.state.profile.dialect == super::Dialect::Kubelab => "bash".into(),
            "0" => self.state.profile.name.clone(),
            d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
                let i = (d.as_bytes()[0] - b'0') as usize;
                self.state
                    .positional
                    .get(i - 1)
                    .cloned()
                    .unwrap_or_default()
            }
            "RANDOM" => "4".into(),
            name => self.state.var(name).unwrap_or("").to_string(),
        }
    }

    /// Globs a field against the files; no match keeps the word.
    fn glob(&mut self, f: &Field) -> Result<Vec<String>, String> {
        let has_glob = f
            .text
            .char_indices()
            .any(|(i, c)| matches!(c, '*' | '?' | '[') && f.globs_at(i));
        if !has_glob {
            return Ok(vec![f.text.clone()]);
        }
        let (dir, start) = match f.text.rfind('/') {
            Some(i) => (&f.text[..=i], i + 1),
            None => ("", 0),
        };
        if dir.contains(['*', '?', '[']) {
            return Ok(vec![f.text.clone()]);
        }
        let abs = self.state.resolve(if dir.is_empty() { "." } else { dir });
        let Ok(names) = self.state.vfs.read_dir(&abs) else {
            return Ok(vec![f.text.clone()]);
        };
        let dotted = f.text[start..].starts_with('.');
        let pattern = Pattern::new(&f.pattern(start));
        let mut matches = Vec::new();
        let mut meter = self.meter();
        let mut halt = None;
        for n in names {
            if n.starts_with('.') && !dotted {
                continue;
            }
            match pattern.matches(&n, &mut meter) {
                Ok(true) => matches.push(format!("{dir}{n}")),
                Ok(false) => {}
                Err(h) => {
                    halt = Some(h);
                    break;
                }
            }
        }
        if let Some(h) = halt {
            return Err(self.halted(h));
        }
        Ok(if matches.is_empty() {
            vec![f.text.clone()]
        } else {
            matches
        })
    }
}
