//! `${...}`: a parameter and its operator, as bash expands it: `${#x}`, `${x:-w}` `:=` `:+`
//! `:?` (and without `:`), `${x#pat}` `##` `%` `%%`, `${x/pat/rep}` `//` `/#` `/%` (`&` in
//! the replacement is the match, bash 5.2's `patsub_replacement`), `${x:off:len}`.
//!
//! The words after an operator may hold quotes and expansions of their own (`${x:-${y:-z}}`):
//! they are parsed on their own ([`super::parse::parse_word`]) and expanded when needed.
//! Patterns keep their quoting: a quoted `*` is a star, not a wildcard.

use super::ast::{Part, Word};
use super::exec::Exec;
use super::parse::parse_word;
use super::pattern::Pattern;

/// Where `${x/pat/rep}` matches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Subst {
    First,
    All,
    Prefix,
    Suffix,
}

/// A piece of a replacement: text, or `&` (the match).
enum Rep {
    Text(String),
    Match,
}

impl Exec<'_> {
    /// `${...}`, `quoted` inside double quotes.
    pub(crate) fn param(&mut self, body: &str, quoted: bool) -> Result<String, String> {
        let bad = || format!("${{{body}}}: bad substitution");
        if let Some(name) = body.strip_prefix('#')
            && !name.is_empty()
        {
            return Ok(self.special_or_var(name).chars().count().to_string());
        }
        let name_len = body
            .char_indices()
            .find(|(i, c)| {
                !(c.is_ascii_alphanumeric() || *c == '_' || (*i == 0 && "?#$@*!".contains(*c)))
            })
            .map(|(i, _)| i)
            .unwrap_or(body.len());
        let (name, rest) = body.split_at(name_len);
        if name.is_empty() {
            return Err(bad());
        }
        let set =
            self.state.var(name).is_some() || matches!(name, "?" | "$" | "#" | "@" | "*" | "0");
        let value = self.special_or_var(name);
        if rest.is_empty() {
            return Ok(value);
        }
        for (op, colon) in [
            (":-", true),
            (":=", true),
            (":+", true),
            (":?", true),
            ("-", false),
            ("=", false),
            ("+", false),
            ("?", false),
        ] {
            let Some(arg) = rest.strip_prefix(op) else {
                continue;
            };
            let use_default = !set || (colon && value.is_empty());
            return match op.trim_start_matches(':') {
                "-" if use_default => self.param_word(arg, quoted),
                "=" if use_default => {
                    let v = self.param_word(arg, quoted)?;
                    self.assign_var(name, &v)?;
                    Ok(v)
                }
                "+" if use_default => Ok(String::new()),
                "+" => self.param_word(arg, quoted),
                "?" if use_default => Err(format!(
                    "{name}: {}",
                    if arg.is_empty() {
                        "parameter null or not set".to_string()
                    } else {
                        self.param_word(arg, quoted)?
                    }
                )),
                _ => Ok(value),
            };
        }
        for (op, longest, prefix) in [
            ("##", true, true),
            ("#", false, true),
            ("%%", true, false),
            ("%", false, false),
        ] {
            if let Some(pat) = rest.strip_prefix(op) {
                let pattern = Pattern::new(&self.param_pattern(pat)?);
                let mut meter = self.meter();
                let cut = if prefix {
                    pattern
                        .prefix(&value, longest, &mut meter)
                        .map(|m| m.map(|n| value[n..].to_string()))
                } else {
                    pattern
                        .suffix(&value, longest, &mut meter)
                        .map(|m| m.map(|n| value[..n].to_string()))
                };
                return match cut {
                    Ok(v) => Ok(v.unwrap_or(value)),
                    Err(h) => Err(self.halted(h)),
                };
            }
        }
        if let Some(r) = rest.strip_prefix('/') {
            let (how, r) = match r.as_bytes().first() {
                Some(b'/') => (Subst::All, &r[1..]),
                Some(b'#') => (Subst::Prefix, &r[1..]),
                Some(b'%') => (Subst::Suffix, &r[1..]),
                _ => (Subst::First, r),
            };
            let (pat, rep) = split_replacement(r);
            let pat = self.param_pattern(pat)?;
            let rep = match rep {
                Some(rep) => self.replacement(rep)?,
                None => Vec::new(),
            };
            return self.substitute(&value, &pat, &rep, how);
        }
        if let Some(r) = rest.strip_prefix(':') {
            let (off, len) = split_colon(r);
            let n = value.chars().count() as i64;
            let off = self.arith_text(off)?;
            let start = if off < 0 {
                (n + off).max(0)
            } else {
                off.min(n)
            } as usize;
            let end = match len {
                Some(l) => {
                    let l = self.arith_text(l)?;
                    if l < 0 {
                        let e = n + l;
                        if e < start as i64 {
                            return Err(format!("{l}: substring expression < 0"));
                        }
                        e as usize
                    } else {
                        (start as i64).saturating_add(l).min(n) as usize
                    }
                }
                None => n as usize,
            };
            let at = |k: usize| value.char_indices().nth(k).map_or(value.len(), |(i, _)| i);
            let (a, b) = (at(start), at(end.max(start)));
            return Ok(value[a..b].to_string());
        }
        Err(bad())
    }

    /// An arithmetic operand of `${x:off:len}`.
    fn arith_text(&mut self, e: &str) -> Result<i64, String> {
        self.expand_part_text(&Part::Arith(e.to_string()))?
            .parse()
            .map_err(|_| format!("{e}: syntax error in expression"))
    }

    /// The word after `:-`, `:=`, `:+`, `:?`, expanded; inside double quotes it reads as
    /// double-quoted text (single quotes stay, `\}` is `}`), as in bash.
    fn param_word(&mut self, w: &str, quoted: bool) -> Result<String, String> {
        if quoted && let Ok(word) = parse_word(&format!("\"{}\"", w.replace("\\}", "}"))) {
            return self.expand_text(&word);
        }
        match parse_word(w) {
            Ok(word) => self.expand_text(&word),
            Err(_) => Ok(w.to_string()),
        }
    }

    /// A pattern word expanded, its quoted characters escaped (they match themselves).
    fn param_pattern(&mut self, w: &str) -> Result<String, String> {
        let word = match parse_word(w) {
            Ok(word) => word,
            Err(_) => return Ok(w.to_string()),
        };
        let mut p = String::new();
        for (i, part) in word.0.iter().enumerate() {
            let (text, quoted) = match part {
                Part::Literal(t) if i == 0 => (self.tilde_word(t), false),
                Part::Literal(t) => (t.clone(), false),
                Part::Quoted(t) => (t.clone(), true),
                Part::Double(_) => (self.expand_part_text(part)?, true),
                other => (self.expand_part_text(other)?, false),
            };
            if quoted {
                let mut escaped = String::with_capacity(text.len());
                for c in text.chars() {
                    if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                        escaped.push('\\');
                    }
                    escaped.push(c);
                }
                self.append(&mut p, &escaped)?;
            } else {
                self.append(&mut p, &text)?;
            }
        }
        Ok(p)
    }

    pub(crate) fn tilde_word(&mut self, t: &str) -> String {
        let w = Word(vec![Part::Literal(t.to_string())]);
        self.expand_text(&w).unwrap_or_else(|_| t.to_string())
    }

    /// The replacement of `${x/pat/rep}`: unquoted `&` stands for the match.
    fn replacement(&mut self, w: &str) -> Result<Vec<Rep>, String> {
        let word = match parse_word(w) {
            Ok(word) => word,
            Err(_) => return Ok(vec![Rep::Text(w.to_string())]),
        };
        let mut out: Vec<Rep> = Vec::new();
        let push = |out: &mut Vec<Rep>, t: &str| match out.last_mut() {
            Some(Rep::Text(s)) => s.push_str(t),
            _ => out.push(Rep::Text(t.to_string())),
        };
        for (i, part) in word.0.iter().enumerate() {
            match part {
                Part::Literal(t) => {
                    let t = if i == 0 {
                        self.tilde_word(t)
                    } else {
                        t.clone()
                    };
                    for (k, piece) in t.split('&').enumerate() {
                        if k > 0 {
                            out.push(Rep::Match);
                        }
                        push(&mut out, piece);
                    }
                }
                other => {
                    let t = self.expand_part_text(other)?;
                    push(&mut out, &t);
                }
            }
        }
        Ok(out)
    }

    /// `${x/pat/rep}` and its forms (bash's `pat_subst`).
    fn substitute(
        &mut self,
        value: &str,
        pat: &str,
        rep: &[Rep],
        how: Subst,
    ) -> Result<String, String> {
        let with = |m: &str| -> String {
            rep.iter()
                .map(|r| match r {
                    Rep::Text(t) => t.as_str(),
                    Rep::Match => m,
                })
                .collect()
        };
        if pat.is_empty() {
            return Ok(match how {
                Subst::Prefix => format!("{}{value}", with("")),
                Subst::Suffix => format!("{value}{}", with("")),
                _ => value.to_string(),
            });
        }
        let pattern = Pattern::new(pat);
        let mut meter = self.meter();
        let mut out = String::new();
        let mut failed = None;
        let found = |meter: &mut super::pattern::Meter, from: usize| match how {
            Subst::Prefix if from == 0 => pattern
                .prefix(value, true, meter)
                .map(|m| m.map(|e| (0, e))),
            Subst::Suffix if from == 0 => pattern
                .suffix(value, true, meter)
                .map(|m| m.map(|s| (s, value.len()))),
            Subst::Prefix | Subst::Suffix => Ok(None),
            _ => pattern.find(value, from, meter),
        };
        if value.is_empty() {
            let mut meter = self.meter();
            return match found(&mut meter, 0) {
                Ok(Some(_)) => Ok(with("")),
                Ok(None) => Ok(String::new()),
                Err(h) => Err(self.halted(h)),
            };
        }
        let mut at = 0;
        while at < value.len() {
            let (s, e) = match found(&mut meter, at) {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(h) => {
                    failed = Some(h);
                    break;
                }
            };
            let piece = with(&value[s..e]);
            if out.len() + (s - at) + piece.len() > self.limits.value_bytes {
                return Err(self.fits(out.len() + (s - at) + piece.len()).unwrap_err());
            }
            out.push_str(&value[at..s]);
            out.push_str(&piece);
            at = e;
            if how != Subst::All {
                break;
            }
            if s == e {
                // An empty match: keep one character and go on after it.
                let c = value[at..].chars().next().map_or(1, char::len_utf8);
                out.push_str(&value[at..at + c]);
                at += c;
            }
        }
        if let Some(h) = failed {
            return Err(self.halted(h));
        }
        self.append(&mut out, &value[at.min(value.len())..])?;
        Ok(out)
    }
}

/// Splits `pat/rep` at the first `/` outside quotes, escapes and nested expansions.
fn split_replacement(r: &str) -> (&str, Option<&str>) {
    let b = r.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(b'"') if c == b'\\' => i += 1,
            Some(_) => {}
            None => match c {
                b'\\' => i += 1,
                b'\'' | b'"' => quote = Some(c),
                b'$' if matches!(b.get(i + 1), Some(b'{' | b'(')) => {
                    depth += 1;
                    i += 1;
                }
                b'(' | b'{' if depth > 0 => depth += 1,
                b'}' | b')' if depth > 0 => depth -= 1,
                b'/' if depth == 0 => return (&r[..i], Some(&r[i + 1..])),
                _ => {}
            },
        }
        i += 1;
    }
    (r, None)
}

/// Splits `off:len` at the first `:` outside nested expansions.
fn split_colon(r: &str) -> (&str, Option<&str>) {
    let mut depth = 0usize;
    for (i, c) in r.char_indices() {
        match c {
            '(' | '{' => depth += 1,
            ')' | '}' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => return (&r[..i], Some(&r[i + 1..])),
            _ => {}
        }
    }
    (r, None)
}
