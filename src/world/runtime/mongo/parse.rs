//! The part of the shell's JavaScript kubelab reads: expressions made of literals (numbers,
//! strings, `true`/`false`/`null`, objects, arrays, `ObjectId("...")`), names (`db`), member
//! access (`db.foo`, `db["foo"]`) and calls (`db.foo.find({a: 1}).count()`), statements
//! separated by `;`. Anything else (functions, operators, `var`, loops) is not parsed: the
//! caller says plainly that kubelab does not simulate it.

use super::value::{Bson, parse_oid};

/// How deeply literals may nest, and how long a chain may be (kubelab's bounds).
pub const MAX_DEPTH: usize = 32;

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal value.
    Lit(Bson),
    /// An object literal (its values are expressions).
    Object(Vec<(String, Expr)>),
    /// An array literal.
    Array(Vec<Expr>),
    /// A name (`db`, `ObjectId`, `print`).
    Name(String),
    /// `e.name` or `e["name"]`.
    Member(Box<Expr>, String),
    /// `e(args)`.
    Call(Box<Expr>, Vec<Expr>),
    /// `new Name(args)`.
    New(String, Vec<Expr>),
}

/// Why a text could not be read: what kubelab does not simulate, in a few words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

struct P<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    depth: usize,
}

/// Parses statements separated by `;` (empty ones skipped).
pub fn statements(src: &str) -> Result<Vec<Expr>, Unsupported> {
    let mut p = P {
        s: src.as_bytes(),
        src,
        i: 0,
        depth: 0,
    };
    let mut out = Vec::new();
    loop {
        p.ws();
        while p.eat(b';') {
            p.ws();
        }
        if p.i >= p.s.len() {
            return Ok(out);
        }
        out.push(p.expr()?);
        p.ws();
        if p.i < p.s.len() && !p.eat(b';') {
            return Err(p.unsupported());
        }
    }
}

impl P<'_> {
    fn unsupported(&self) -> Unsupported {
        let rest: String = self.src[self.i.min(self.src.len())..]
            .chars()
            .take(30)
            .collect();
        Unsupported(if rest.is_empty() {
            let all: String = self.src.trim().chars().take(60).collect();
            format!("the unfinished statement `{all}`")
        } else {
            format!("the JavaScript at `{rest}`")
        })
    }

    fn ws(&mut self) {
        while self.i < self.s.len() {
            match self.s[self.i] {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b'/' if self.s.get(self.i + 1) == Some(&b'/') => {
                    while self.i < self.s.len() && self.s[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                _ => break,
            }
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_alphanumeric() || matches!(self.s[self.i], b'_' | b'$'))
        {
            if self.i == start && self.s[self.i].is_ascii_digit() {
                break;
            }
            self.i += 1;
        }
        (self.i > start).then(|| self.src[start..self.i].to_string())
    }

    fn expr(&mut self) -> Result<Expr, Unsupported> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported(format!(
                "expressions nested more than {MAX_DEPTH} deep"
            )));
        }
        let r = self.postfix();
        self.depth -= 1;
        r
    }

    fn postfix(&mut self) -> Result<Expr, Unsupported> {
        let mut e = self.primary()?;
        let mut steps = 0;
        loop {
            self.ws();
            steps += 1;
            if steps > 4 * MAX_DEPTH {
                return Err(Unsupported("chains this long".into()));
            }
            if self.eat(b'.') {
                self.ws();
                let name = self.ident().ok_or_else(|| self.unsupported())?;
                e = Expr::Member(Box::new(e), name);
            } else if self.eat(b'[') {
                self.ws();
                let key = match self.primary()? {
                    Expr::Lit(Bson::Str(s)) => s,
                    _ => return Err(self.unsupported()),
                };
                self.ws();
                if !self.eat(b']') {
                    return Err(self.unsupported());
                }
                e = Expr::Member(Box::new(e), key);
            } else if self.s.get(self.i) == Some(&b'(') {
                let args = self.args()?;
                e = Expr::Call(Box::new(e), args);
            } else {
                return Ok(e);
            }
        }
    }

    fn args(&mut self) -> Result<Vec<Expr>, Unsupported> {
        self.eat(b'(');
        let mut args = Vec::new();
        self.ws();
        if self.eat(b')') {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            self.ws();
            if self.eat(b')') {
                return Ok(args);
            }
            if !self.eat(b',') {
                return Err(self.unsupported());
            }
            self.ws();
        }
    }

    fn primary(&mut self) -> Result<Expr, Unsupported> {
        self.ws();
        let Some(&c) = self.s.get(self.i) else {
            return Err(self.unsupported());
        };
        match c {
            b'"' | b'\'' => Ok(Expr::Lit(Bson::Str(self.string()?))),
            b'0'..=b'9' | b'-' | b'+' | b'.' => Ok(Expr::Lit(Bson::Double(self.number()?))),
            b'{' => self.object(),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b']') {
                    return Ok(Expr::Array(items));
                }
                loop {
                    items.push(self.expr()?);
                    self.ws();
                    if self.eat(b']') {
                        return Ok(Expr::Array(items));
                    }
                    if !self.eat(b',') {
                        return Err(self.unsupported());
                    }
                    self.ws();
                    // A trailing comma.
                    if self.eat(b']') {
                        return Ok(Expr::Array(items));
                    }
                }
            }
            b'(' => {
                self.i += 1;
                let e = self.expr()?;
                self.ws();
                if !self.eat(b')') {
                    return Err(self.unsupported());
                }
                Ok(e)
            }
            _ => {
                let save = self.i;
                let Some(name) = self.ident() else {
                    return Err(self.unsupported());
                };
                match name.as_str() {
                    "true" => Ok(Expr::Lit(Bson::Bool(true))),
                    "false" => Ok(Expr::Lit(Bson::Bool(false))),
                    "null" => Ok(Expr::Lit(Bson::Null)),
                    "new" => {
                        self.ws();
                        let Some(class) = self.ident() else {
                            self.i = save;
                            return Err(self.unsupported());
                        };
                        self.ws();
                        let args = if self.s.get(self.i) == Some(&b'(') {
                            self.args()?
                        } else {
                            Vec::new()
                        };
                        Ok(Expr::New(class, args))
                    }
                    "var" | "let" | "const" | "function" | "for" | "while" | "if" | "do"
                    | "return" | "typeof" | "delete" | "this" => {
                        self.i = save;
                        Err(self.unsupported())
                    }
                    _ => Ok(Expr::Name(name)),
                }
            }
        }
    }

    fn object(&mut self) -> Result<Expr, Unsupported> {
        self.i += 1;
        let mut fields: Vec<(String, Expr)> = Vec::new();
        loop {
            self.ws();
            if self.eat(b'}') {
                return Ok(Expr::Object(fields));
            }
            let key = match self.s.get(self.i) {
                Some(b'"' | b'\'') => self.string()?,
                Some(b'0'..=b'9') => {
                    let n = self.number()?;
                    super::value::js_number(n)
                }
                _ => self.ident().ok_or_else(|| self.unsupported())?,
            };
            self.ws();
            if !self.eat(b':') {
                return Err(self.unsupported());
            }
            let v = self.expr()?;
            // A key given twice keeps its first place and its last value, as in JavaScript.
            match fields.iter_mut().find(|(k, _)| *k == key) {
                Some(f) => f.1 = v,
                None => fields.push((key, v)),
            }
            self.ws();
            if self.eat(b'}') {
                return Ok(Expr::Object(fields));
            }
            if !self.eat(b',') {
                return Err(self.unsupported());
            }
        }
    }

    fn string(&mut self) -> Result<String, Unsupported> {
        let q = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        let mut chars = self.src[self.i..].char_indices();
        while let Some((off, c)) = chars.next() {
            if c == q as char {
                self.i += off + 1;
                return Ok(out);
            }
            if c == '\n' {
                break;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                '0' => out.push('\0'),
                'u' => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(c) => out.push(c),
                        None => break,
                    }
                }
                other => out.push(other),
            }
        }
        Err(Unsupported("a string that does not end".into()))
    }

    fn number(&mut self) -> Result<f64, Unsupported> {
        let start = self.i;
        if matches!(self.s.get(self.i), Some(b'-' | b'+')) {
            self.i += 1;
        }
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_digit()
                || self.s[self.i] == b'.'
                || matches!(self.s[self.i], b'e' | b'E')
                || (matches!(self.s[self.i], b'-' | b'+')
                    && matches!(self.s[self.i - 1], b'e' | b'E')))
        {
            self.i += 1;
        }
        self.src[start..self.i].parse::<f64>().map_err(|_| {
            self.i = start;
            self.unsupported()
        })
    }
}

/// Reads a literal expression as a value (an object, array, string, number, ...), with
/// `ObjectId("...")` and `new ObjectId("...")`; None for anything that needs evaluating.
pub fn literal(e: &Expr) -> Option<Bson> {
    match e {
        Expr::Lit(b) => Some(b.clone()),
        Expr::Object(fields) => fields
            .iter()
            .map(|(k, v)| Some((k.clone(), literal(v)?)))
            .collect::<Option<Vec<_>>>()
            .map(Bson::Doc),
        Expr::Array(items) => items
            .iter()
            .map(literal)
            .collect::<Option<Vec<_>>>()
            .map(Bson::Array),
        Expr::Call(f, args) if matches!(&**f, Expr::Name(n) if n == "ObjectId") => oid_arg(args),
        Expr::New(n, args) if n == "ObjectId" => oid_arg(args),
        _ => None,
    }
}

fn oid_arg(args: &[Expr]) -> Option<Bson> {
    match args {
        [Expr::Lit(Bson::Str(s))] => parse_oid(s).map(Bson::Oid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shells_statements() {
        let s =
            statements("db.foo.insert({name:'foo', n: 2.5, ok: true, a: [1, \"x\"]});").unwrap();
        assert_eq!(s.len(), 1);
        let Expr::Call(f, args) = &s[0] else {
            panic!("{s:?}")
        };
        assert_eq!(
            **f,
            Expr::Member(
                Box::new(Expr::Member(
                    Box::new(Expr::Name("db".into())),
                    "foo".into()
                )),
                "insert".into()
            )
        );
        assert_eq!(
            literal(&args[0]),
            Some(Bson::Doc(vec![
                ("name".into(), Bson::Str("foo".into())),
                ("n".into(), Bson::Double(2.5)),
                ("ok".into(), Bson::Bool(true)),
                (
                    "a".into(),
                    Bson::Array(vec![Bson::Double(1.0), Bson::Str("x".into())])
                ),
            ]))
        );
        assert_eq!(statements("db[\"foo\"].find() ; db").unwrap().len(), 2);
        assert!(statements("for (var i = 0; i < 3; i++) {}").is_err());
        assert!(statements("db.foo.find(function() {})").is_err());
        assert!(statements("'abc").is_err());
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(statements(&deep).is_err());
        let oid = statements("ObjectId(\"6575f1a2c3b4d5e6f7a8b9c0\")").unwrap();
        assert!(matches!(literal(&oid[0]), Some(Bson::Oid(_))));
    }
}
