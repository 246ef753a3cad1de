//! The parser of kubectl's jsonpath dialect (`client-go util/jsonpath/parser.go`): text outside
//! `{...}` is literal; inside, fields (`.a`, `\.` escapes a dot), `[n]`, `[a:b:c]`, `[*]`,
//! `['k']`, unions `[0,1]`, filters `[?(@.x=="y")]`, `..` (recursive descent), `$`, `@`,
//! string literals, `range` / `end`.

use serde_json::Value;

/// One step of a path inside an action.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `.name` (or `['name']`).
    Field(String),
    /// `*` / `[*]`.
    Wildcard,
    /// `..`: every value below, including the current one.
    Recursive,
    /// `[start:end:step]` or `[n]` (`index` set).
    Array {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
        index: bool,
    },
    /// `[a,b]`: the union of several paths.
    Union(Vec<Vec<Node>>),
    /// `[?(left op right)]`; `op` is `exists` for `[?(@.x)]`.
    Filter {
        left: Vec<Node>,
        op: String,
        right: Vec<Node>,
    },
    /// A literal (string, number, boolean).
    Literal(Value),
    /// `$`.
    Root,
    /// `@`.
    Current,
    /// An `{end}` outside any `{range}`: an execution error.
    End,
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// `{path}`.
    Action(Vec<Node>),
    /// `{range path}body{end}`.
    Range(Vec<Node>, Vec<Segment>),
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

/// Parses a template; the error text is client-go's.
pub fn parse(template: &str) -> Result<Vec<Segment>, String> {
    let mut p = Parser {
        chars: template.chars().collect(),
        pos: 0,
    };
    let (segs, ended) = p.segments(0)?;
    if ended {
        return Err("not in range, nothing to end".into());
    }
    Ok(segs)
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Template segments until `{end}` (returns true) or the end of input.
    fn segments(&mut self, depth: usize) -> Result<(Vec<Segment>, bool), String> {
        let mut out = Vec::new();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c != '{' {
                text.push(c);
                self.pos += 1;
                continue;
            }
            if !text.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut text)));
            }
            self.pos += 1;
            let close = self.find_close().ok_or("unclosed action")?;
            let inner: String = self.chars[self.pos..close].iter().collect();
            self.pos = close + 1;
            let trimmed = inner.trim();
            if trimmed == "end" {
                if depth == 0 {
                    // client-go fails here only when it executes the template.
                    out.push(Segment::Action(vec![Node::End]));
                    continue;
                }
                return Ok((out, true));
            }
            if let Some(rest) = trimmed.strip_prefix("range ") {
                let path = parse_path(rest.trim())?;
                let (body, ended) = self.segments(depth + 1)?;
                if !ended {
                    return Err("unclosed range".into());
                }
                out.push(Segment::Range(path, body));
                continue;
            }
            out.push(Segment::Action(parse_path(trimmed)?));
        }
        if !text.is_empty() {
            out.push(Segment::Text(text));
        }
        Ok((out, false))
    }

    /// The `}` closing the action that starts at `pos`, skipping quoted strings.
    fn find_close(&self) -> Option<usize> {
        let mut i = self.pos;
        let mut quote: Option<char> = None;
        while i < self.chars.len() {
            let c = self.chars[i];
            match quote {
                Some(q) => {
                    if c == '\\' {
                        i += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '\\' => i += 1,
                    '}' => return Some(i),
                    _ => {}
                },
            }
            i += 1;
        }
        None
    }
}

fn is_terminator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}' | '(' | ')' | '=' | '!' | '<' | '>'
        )
}

/// Parses the inside of an action.
pub fn parse_path(s: &str) -> Result<Vec<Node>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let nodes = path_until(&chars, &mut i, &[])?;
    if i < chars.len() {
        return Err(format!(
            "unrecognized character in action: {}",
            quote_rune(chars[i])
        ));
    }
    Ok(nodes)
}

fn quote_rune(c: char) -> String {
    format!("U+{:04X} '{c}'", c as u32)
}

/// Parses path nodes until one of `stops` (at top level) or the end.
fn path_until(chars: &[char], i: &mut usize, stops: &[char]) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    while *i < chars.len() {
        let c = chars[*i];
        if stops.contains(&c) {
            break;
        }
        match c {
            ' ' | '\t' | '\n' => *i += 1,
            '$' => {
                nodes.push(Node::Root);
                *i += 1;
            }
            '@' => {
                nodes.push(Node::Current);
                *i += 1;
            }
            '.' => {
                if chars.get(*i + 1) == Some(&'.') {
                    nodes.push(Node::Recursive);
                    *i += 2;
                    continue;
                }
                *i += 1;
                let mut name = String::new();
                while *i < chars.len() {
                    let c = chars[*i];
                    if c == '\\' {
                        if let Some(&n) = chars.get(*i + 1) {
                            name.push(n);
                        }
                        *i += 2;
                        continue;
                    }
                    if is_terminator(c) {
                        break;
                    }
                    name.push(c);
                    *i += 1;
                }
                if name == "*" {
                    nodes.push(Node::Wildcard);
                } else if !name.is_empty() {
                    nodes.push(Node::Field(name));
                }
            }
            '[' => {
                *i += 1;
                nodes.push(bracket(chars, i)?);
            }
            '"' | '\'' => {
                let (s, next) = quoted(chars, *i)?;
                nodes.push(Node::Literal(Value::String(s)));
                *i = next;
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = *i;
                *i += 1;
                while *i < chars.len()
                    && (chars[*i].is_ascii_digit()
                        || chars[*i] == '.'
                        || chars[*i] == 'e'
                        || chars[*i] == 'E')
                {
                    *i += 1;
                }
                let t: String = chars[start..*i].iter().collect();
                let v = if let Ok(n) = t.parse::<i64>() {
                    Value::from(n)
                } else if let Ok(f) = t.parse::<f64>() {
                    serde_json::Number::from_f64(f)
                        .map(Value::Number)
                        .unwrap_or(Value::Null)
                } else {
                    return Err(format!("cannot parse number {t}"));
                };
                nodes.push(Node::Literal(v));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = *i;
                while *i < chars.len() && !is_terminator(chars[*i]) {
                    *i += 1;
                }
                let word: String = chars[start..*i].iter().collect();
                match word.as_str() {
                    "true" => nodes.push(Node::Literal(Value::Bool(true))),
                    "false" => nodes.push(Node::Literal(Value::Bool(false))),
                    // A bare identifier is a field of the current value (`{metadata.name}` is
                    // rejected by client-go only at run time: it finds nothing).
                    _ => nodes.push(Node::Field(word)),
                }
            }
            other => {
                return Err(format!(
                    "unrecognized character in action: {}",
                    quote_rune(other)
                ));
            }
        }
    }
    Ok(nodes)
}

/// A quoted string starting at `start`; returns it (escapes resolved as Go's strconv.Unquote)
/// and the index after the closing quote.
fn quoted(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let q = chars[start];
    let mut i = start + 1;
    let mut out = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let n = chars
                .get(i + 1)
                .copied()
                .ok_or("unterminated quoted string")?;
            out.push(match n {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                other => other,
            });
            i += 2;
            continue;
        }
        if c == q {
            return Ok((out, i + 1));
        }
        out.push(c);
        i += 1;
    }
    Err("unterminated quoted string".into())
}

/// The inside of `[...]` (after `[`).
fn bracket(chars: &[char], i: &mut usize) -> Result<Node, String> {
    let close = matching_bracket(chars, *i).ok_or("unterminated array")?;
    let inner: Vec<char> = chars[*i..close].to_vec();
    *i = close + 1;
    let text: String = inner.iter().collect();
    let t = text.trim();
    if t == "*" {
        return Ok(Node::Wildcard);
    }
    if let Some(f) = t.strip_prefix('?') {
        let f = f.trim();
        let body = f
            .strip_prefix('(')
            .and_then(|b| b.strip_suffix(')'))
            .ok_or_else(|| format!("unrecognized filter {t}"))?;
        return filter(body);
    }
    if t.starts_with('\'') || t.starts_with('"') {
        let chars: Vec<char> = t.chars().collect();
        let mut parts = Vec::new();
        let mut j = 0;
        while j < chars.len() {
            let (s, next) = quoted(&chars, j)?;
            parts.push(vec![Node::Field(s)]);
            j = next;
            while j < chars.len() && (chars[j] == ',' || chars[j] == ' ') {
                j += 1;
            }
            if j < chars.len() && chars[j] != '\'' && chars[j] != '"' {
                return Err(format!("invalid array index {t}"));
            }
        }
        return Ok(if parts.len() == 1 {
            parts.remove(0).remove(0)
        } else {
            Node::Union(parts)
        });
    }
    if t.contains(',') {
        let mut parts = Vec::new();
        for p in t.split(',') {
            let p = p.trim();
            let n = if p
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == ':')
                && !p.is_empty()
            {
                array(p)?
            } else {
                // client-go parses each part of a union as its own `[part]`.
                return Err(format!("invalid array index {p}"));
            };
            parts.push(vec![n]);
        }
        return Ok(Node::Union(parts));
    }
    array(t)
}

fn array(t: &str) -> Result<Node, String> {
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return Err(format!("invalid array index {t}"));
    }
    let num = |s: &str| -> Result<Option<i64>, String> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse::<i64>()
                .map(Some)
                .map_err(|_| format!("invalid array index {t}"))
        }
    };
    let start = num(parts[0])?;
    if parts.len() == 1 {
        if start.is_none() {
            return Err(format!("invalid array index {t}"));
        }
        return Ok(Node::Array {
            start,
            end: start.map(|s| s + 1),
            step: None,
            index: true,
        });
    }
    let end = num(parts[1])?;
    let step = if parts.len() == 3 {
        num(parts[2])?
    } else {
        None
    };
    Ok(Node::Array {
        start,
        end,
        step,
        index: false,
    })
}

fn matching_bracket(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    let mut i = from;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            if c == '\\' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '\'' | '"' => quote = Some(c),
                '[' | '(' => depth += 1,
                ')' => depth -= 1,
                ']' if depth == 0 => return Some(i),
                ']' => depth -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    None
}

fn filter(body: &str) -> Result<Node, String> {
    let chars: Vec<char> = body.chars().collect();
    let mut i = 0;
    let left = path_until(&chars, &mut i, &['=', '!', '<', '>'])?;
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    if i >= chars.len() {
        return Ok(Node::Filter {
            left,
            op: "exists".into(),
            right: vec![],
        });
    }
    let mut op = String::new();
    while i < chars.len() && matches!(chars[i], '=' | '!' | '<' | '>') {
        op.push(chars[i]);
        i += 1;
    }
    if !matches!(op.as_str(), "==" | "!=" | "<" | ">" | "<=" | ">=") {
        return Err(format!("unrecognized filter operator {op}"));
    }
    let right = path_until(&chars, &mut i, &[])?;
    Ok(Node::Filter { left, op, right })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_dots_and_ranges() {
        let t = parse(r#"{.metadata.annotations.image\.openshift\.io/triggers}"#).unwrap();
        assert_eq!(
            t,
            vec![Segment::Action(vec![
                Node::Field("metadata".into()),
                Node::Field("annotations".into()),
                Node::Field("image.openshift.io/triggers".into())
            ])]
        );
        let t = parse(r#"{range .items[*]}{.metadata.name}{"\n"}{end}"#).unwrap();
        assert!(matches!(&t[0], Segment::Range(_, body) if body.len() == 2));
        assert_eq!(parse("{.a").unwrap_err(), "unclosed action");
    }
}
