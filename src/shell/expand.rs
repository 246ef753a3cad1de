//! Word expansion as bash does it, in order: tilde, parameters, command substitution,
//! arithmetic, field splitting of unquoted results, pathname globbing, quote removal.

use super::ast::{Part, Word};
use super::exec::Exec;

/// A field being built: its text, whether something quoted made it exist even if empty, and
/// which characters may glob.
#[derive(Default, Clone)]
struct Field {
    text: String,
    quoted: bool,
    globbable: Vec<bool>,
}

impl Field {
    fn push(&mut self, s: &str, glob: bool) {
        self.text.push_str(s);
        self.globbable.extend(s.chars().map(|_| glob));
    }
}

impl Exec<'_> {
    /// Expands words to argument fields.
    pub fn expand_words(&mut self, words: &[Word]) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        for w in words {
            for f in self.expand_fields(w)? {
                out.extend(self.glob(&f));
            }
        }
        Ok(out)
    }

    /// Expands one word to a single string (redirect targets, assignments, heredoc text).
    pub fn expand_one(&mut self, w: &Word) -> Result<String, String> {
        let mut s = String::new();
        for (i, p) in w.0.iter().enumerate() {
            match p {
                Part::Literal(t) if i == 0 => s.push_str(&self.tilde(t)),
                Part::Literal(t) | Part::Quoted(t) => s.push_str(t),
                other => s.push_str(&self.expand_part_text(other)?),
            }
        }
        Ok(s)
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
        for (i, p) in w.0.iter().enumerate() {
            match p {
                Part::Literal(t) => {
                    let t = if i == 0 { self.tilde(t) } else { t.clone() };
                    cur.push(&t, true);
                    started = true;
                }
                Part::Quoted(t) => {
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
                                cur.push(a, false);
                            }
                            continue;
                        }
                        let t = self.expand_part_text(q)?;
                        cur.push(&t, false);
                    }
                }
                other => {
                    let t = self.expand_part_text(other)?;
                    // Unquoted: split on blanks.
                    let mut pieces = t.split([' ', '\t', '\n']).peekable();
                    let leading_blank = t.starts_with([' ', '\t', '\n']);
                    let mut first = true;
                    while let Some(piece) = pieces.next() {
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
                        let _ = pieces.peek();
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
    fn expand_part_text(&mut self, p: &Part) -> Result<String, String> {
        Ok(match p {
            Part::Literal(t) | Part::Quoted(t) => t.clone(),
            Part::Double(parts) => {
                let mut s = String::new();
                for q in parts {
                    s.push_str(&self.expand_part_text(q)?);
                }
                s
            }
            Part::Var(n) => self.special_or_var(n),
            Part::Param(body) => self.param(body)?,
            Part::CommandSub(list) => {
                let out = self.capture(list);
                let mut s = String::from_utf8_lossy(&out).into_owned();
                while s.ends_with('\n') {
                    s.pop();
                }
                s
            }
            Part::Arith(e) => {
                let expanded = self.expand_arith_vars(e)?;
                arith(&expanded, &|n| {
                    self.state
                        .var(n)
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0)
                })?
                .to_string()
            }
        })
    }

    fn expand_arith_vars(&mut self, e: &str) -> Result<String, String> {
        // `$x` and `${x}` inside `$(( ))` are expanded first; bare names are looked up by the
        // evaluator.
        let mut out = String::new();
        let chars: Vec<char> = e.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '$' {
                let start = i + 1;
                if chars.get(start) == Some(&'{') {
                    let end = chars[start..]
                        .iter()
                        .position(|c| *c == '}')
                        .map(|p| start + p)
                        .ok_or("bad substitution")?;
                    let body: String = chars[start + 1..end].iter().collect();
                    out.push_str(&self.param(&body)?);
                    i = end + 1;
                    continue;
                }
                let mut j = start;
                while j < chars.len()
                    && (chars[j].is_ascii_alphanumeric()
                        || chars[j] == '_'
                        || (j == start && "?#$".contains(chars[j])))
                {
                    j += 1;
                    if j == start + 1 && "?#$".contains(chars[start]) {
                        break;
                    }
                }
                let name: String = chars[start..j].iter().collect();
                out.push_str(&self.special_or_var(&name));
                i = j;
                continue;
            }
            out.push(chars[i]);
            i += 1;
        }
        Ok(out)
    }

    fn special_or_var(&self, n: &str) -> String {
        match n {
            "?" => self.state.last_status.to_string(),
            "$" => "1000".into(),
            "!" => String::new(),
            "#" => self.state.positional.len().to_string(),
            "@" | "*" => self.state.positional.join(" "),
            "0" => "bash".into(),
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

    /// `${...}`.
    fn param(&mut self, body: &str) -> Result<String, String> {
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
        let word = |this: &mut Self, w: &str| -> Result<String, String> {
            match super::parse::parse(&format!("_ {w}")) {
                Ok(list) => {
                    let words = list.0.first().and_then(|a| match &a.first.commands[0] {
                        super::ast::Command::Simple(s) => Some(s.words.clone()),
                        _ => None,
                    });
                    match words {
                        Some(ws) if ws.len() > 1 => Ok(ws[1..]
                            .iter()
                            .map(|w| this.expand_one(w))
                            .collect::<Result<Vec<_>, _>>()?
                            .join(" ")),
                        _ => Ok(String::new()),
                    }
                }
                Err(_) => Ok(w.to_string()),
            }
        };
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
            if let Some(arg) = rest.strip_prefix(op) {
                let use_default = if colon {
                    !set || value.is_empty()
                } else {
                    !set
                };
                let base = op.trim_start_matches(':');
                return match base {
                    "-" => {
                        if use_default {
                            word(self, arg)
                        } else {
                            Ok(value)
                        }
                    }
                    "=" => {
                        if use_default {
                            let v = word(self, arg)?;
                            self.state.set_var(name, &v);
                            Ok(v)
                        } else {
                            Ok(value)
                        }
                    }
                    "+" => {
                        if use_default {
                            Ok(String::new())
                        } else {
                            word(self, arg)
                        }
                    }
                    _ => {
                        if use_default {
                            Err(format!(
                                "{name}: {}",
                                if arg.is_empty() {
                                    "parameter null or not set".to_string()
                                } else {
                                    word(self, arg)?
                                }
                            ))
                        } else {
                            Ok(value)
                        }
                    }
                };
            }
        }
        for (op, longest, prefix) in [
            ("##", true, true),
            ("#", false, true),
            ("%%", true, false),
            ("%", false, false),
        ] {
            if let Some(pat) = rest.strip_prefix(op) {
                let pat = word(self, pat)?;
                return Ok(strip(&value, &pat, longest, prefix));
            }
        }
        if let Some(r) = rest.strip_prefix('/') {
            let all = r.starts_with('/');
            let r = if all { &r[1..] } else { r };
            let (pat, rep) = r.split_once('/').unwrap_or((r, ""));
            let pat = word(self, pat)?;
            let rep = word(self, rep)?;
            if pat.is_empty() {
                return Ok(value);
            }
            return Ok(if all {
                value.replace(&pat, &rep)
            } else {
                value.replacen(&pat, &rep, 1)
            });
        }
        if let Some(r) = rest.strip_prefix(':') {
            let (off, len) = r
                .split_once(':')
                .map(|(a, b)| (a, Some(b)))
                .unwrap_or((r, None));
            let chars: Vec<char> = value.chars().collect();
            let n = chars.len() as i64;
            let off: i64 = off.trim().parse().map_err(|_| bad())?;
            let start = if off < 0 {
                (n + off).max(0)
            } else {
                off.min(n)
            } as usize;
            let end = match len {
                Some(l) => {
                    let l: i64 = l.trim().parse().map_err(|_| bad())?;
                    if l < 0 {
                        (n + l).max(start as i64) as usize
                    } else {
                        (start + l as usize).min(n as usize)
                    }
                }
                None => n as usize,
            };
            return Ok(chars[start..end.max(start)].iter().collect());
        }
        Err(bad())
    }

    /// Globs a field against the files; no match keeps the word.
    fn glob(&self, f: &Field) -> Vec<String> {
        let has_glob = f
            .text
            .chars()
            .zip(&f.globbable)
            .any(|(c, g)| *g && matches!(c, '*' | '?' | '['));
        if !has_glob {
            return vec![f.text.clone()];
        }
        let (dir, pat) = match f.text.rfind('/') {
            Some(i) => (&f.text[..=i], &f.text[i + 1..]),
            None => ("", f.text.as_str()),
        };
        if dir.contains(['*', '?', '[']) {
            return vec![f.text.clone()];
        }
        let abs = self.state.resolve(if dir.is_empty() { "." } else { dir });
        let Ok(names) = self.state.vfs.read_dir(&abs) else {
            return vec![f.text.clone()];
        };
        let matches: Vec<String> = names
            .into_iter()
            .filter(|n| !n.starts_with('.') || pat.starts_with('.'))
            .filter(|n| pattern_match(pat, n))
            .map(|n| format!("{dir}{n}"))
            .collect();
        if matches.is_empty() {
            vec![f.text.clone()]
        } else {
            matches
        }
    }
}

fn strip(value: &str, pat: &str, longest: bool, prefix: bool) -> String {
    let idx: Vec<usize> = value
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(value.len()))
        .collect();
    if prefix {
        let order: Vec<usize> = if longest {
            idx.iter().rev().copied().collect()
        } else {
            idx.clone()
        };
        for i in order {
            if pattern_match(pat, &value[..i]) {
                return value[i..].to_string();
            }
        }
    } else {
        let order: Vec<usize> = if longest {
            idx.clone()
        } else {
            idx.iter().rev().copied().collect()
        };
        for i in order {
            if pattern_match(pat, &value[i..]) {
                return value[..i].to_string();
            }
        }
    }
    value.to_string()
}

/// Shell pattern matching (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`).
pub fn pattern_match(pat: &str, s: &str) -> bool {
    let p: Vec<char> = pat.chars().collect();
    let t: Vec<char> = s.chars().collect();
    fn rec(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => (0..=t.len()).any(|i| rec(&p[1..], &t[i..])),
            Some('?') => !t.is_empty() && rec(&p[1..], &t[1..]),
            Some('[') => {
                let Some(close) = p.iter().skip(2).position(|c| *c == ']').map(|i| i + 2) else {
                    return t.first() == Some(&'[') && rec(&p[1..], &t[1..]);
                };
                let Some(&c) = t.first() else { return false };
                let mut set = &p[1..close];
                let negate = matches!(set.first(), Some('!') | Some('^'));
                if negate {
                    set = &set[1..];
                }
                let mut hit = false;
                let mut i = 0;
                while i < set.len() {
                    if i + 2 < set.len() && set[i + 1] == '-' {
                        hit |= set[i] <= c && c <= set[i + 2];
                        i += 3;
                    } else {
                        hit |= set[i] == c;
                        i += 1;
                    }
                }
                hit != negate && rec(&p[close + 1..], &t[1..])
            }
            Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && rec(&p[2..], &t[1..]),
            Some(c) => t.first() == Some(c) && rec(&p[1..], &t[1..]),
        }
    }
    rec(&p, &t)
}

/// Integer arithmetic of `$(( ))`: `+ - * / % **`, comparisons, `&& || !`, parentheses,
/// variables by name.
pub fn arith(e: &str, var: &dyn Fn(&str) -> i64) -> Result<i64, String> {
    let toks = tokenize(e)?;
    let mut p = Arith {
        toks: &toks,
        i: 0,
        var,
    };
    let v = p.expr(0)?;
    if p.i < toks.len() {
        return Err(format!(
            "{e}: syntax error in expression (error token is \"{}\")",
            toks[p.i..].join(" ")
        ));
    }
    Ok(v)
}

fn tokenize(e: &str) -> Result<Vec<String>, String> {
    let c: Vec<char> = e.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
            continue;
        }
        if c[i].is_ascii_alphanumeric() || c[i] == '_' {
            let s = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[s..i].iter().collect());
            continue;
        }
        let two: String = c[i..(i + 2).min(c.len())].iter().collect();
        if ["**", "<=", ">=", "==", "!=", "&&", "||"].contains(&two.as_str()) {
            out.push(two);
            i += 2;
            continue;
        }
        if "+-*/%()<>!".contains(c[i]) {
            out.push(c[i].to_string());
            i += 1;
            continue;
        }
        return Err(format!(
            "{e}: syntax error: invalid arithmetic operator (error token is \"{}\")",
            c[i..].iter().collect::<String>()
        ));
    }
    Ok(out)
}

struct Arith<'a> {
    toks: &'a [String],
    i: usize,
    var: &'a dyn Fn(&str) -> i64,
}

impl Arith<'_> {
    fn prec(op: &str) -> Option<u8> {
        Some(match op {
            "||" => 1,
            "&&" => 2,
            "==" | "!=" => 3,
            "<" | ">" | "<=" | ">=" => 4,
            "+" | "-" => 5,
            "*" | "/" | "%" => 6,
            "**" => 7,
            _ => return None,
        })
    }

    fn expr(&mut self, min: u8) -> Result<i64, String> {
        let mut lhs = self.unary()?;
        while let Some(op) = self.toks.get(self.i) {
            let Some(p) = Self::prec(op) else { break };
            if p < min {
                break;
            }
            let op = op.clone();
            self.i += 1;
            let rhs = self.expr(if op == "**" { p } else { p + 1 })?;
            lhs = match op.as_str() {
                "||" => ((lhs != 0) || (rhs != 0)) as i64,
                "&&" => ((lhs != 0) && (rhs != 0)) as i64,
                "==" => (lhs == rhs) as i64,
                "!=" => (lhs != rhs) as i64,
                "<" => (lhs < rhs) as i64,
                ">" => (lhs > rhs) as i64,
                "<=" => (lhs <= rhs) as i64,
                ">=" => (lhs >= rhs) as i64,
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" if rhs == 0 => return Err("division by 0 (error token is \"0\")".into()),
                "/" => lhs.wrapping_div(rhs),
                "%" => lhs.wrapping_rem(rhs),
                _ => lhs.wrapping_pow(rhs.clamp(0, 63) as u32),
            };
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, String> {
        let t = self
            .toks
            .get(self.i)
            .cloned()
            .ok_or("syntax error: operand expected")?;
        self.i += 1;
        match t.as_str() {
            "-" => Ok(self.unary()?.wrapping_neg()),
            "+" => self.unary(),
            "!" => Ok((self.unary()? == 0) as i64),
            "(" => {
                let v = self.expr(0)?;
                if self.toks.get(self.i).map(String::as_str) != Some(")") {
                    return Err("missing `)'".into());
                }
                self.i += 1;
                Ok(v)
            }
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse()
                .map_err(|_| format!("{n}: value too great for base")),
            name => Ok((self.var)(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_patterns() {
        assert_eq!(arith("1 + 2 * 3", &|_| 0).unwrap(), 7);
        assert_eq!(arith("(x + 1) % 4", &|_| 6).unwrap(), 3);
        assert_eq!(arith("2 ** 10", &|_| 0).unwrap(), 1024);
        assert!(pattern_match("*.yaml", "a.yaml"));
        assert!(!pattern_match("*.yaml", "a.yml"));
        assert!(pattern_match("web-[0-9]", "web-3"));
        assert_eq!(strip("deploy.yaml", ".*", false, false), "deploy");
        assert_eq!(strip("a/b/c", "*/", true, true), "c");
    }
}
