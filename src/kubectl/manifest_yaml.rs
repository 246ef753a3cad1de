//! One YAML document → JSON value, with the semantics of `sigs.k8s.io/yaml.YAMLToJSON` on top of
//! go-yaml v2 (what `kubectl -f` uses), followed by kubectl's unstructured JSON decoding.
//!
//! Syntax is read by yaml-rust2 (a YAML 1.2 parser); everything after the event stream is
//! go-yaml v2's decoder restated:
//! - plain scalars resolve with YAML 1.1 rules ([`crate::printers::yaml_resolve`]): `yes`/`on`
//!   are booleans, `0x1F`/`0o17`/`017` integers, `~` null, timestamps stay strings;
//! - tags: `!!str`, `!!int "12"`, `!!float`, `!!bool`, `!!null`, `!!timestamp`, `!!binary`
//!   (base64-decoded), unknown tags keep the text; a mismatch fails like go-yaml
//!   (``cannot decode !!str `abc` as a !!int``);
//! - anchors and aliases (re-definition allowed, the last wins), `<<` merge keys (a map, an alias
//!   to a map or a sequence of them; merged keys overwrite earlier keys of the same map, and
//!   keys written after the merge overwrite merged ones), duplicate keys (the last wins, no
//!   error: go-yaml v2 `Unmarshal` is not strict), go-yaml's "excessive aliasing" guard;
//! - map keys become strings as `sigs.k8s.io/yaml` does: integers in decimal, floats with
//!   32-bit `%g` (`0.1`, `.inf`), booleans `true`/`false` (so `y:` becomes `"true"`); null
//!   and uint64 keys fail with `unsupported map key of type: ...`, collection keys with
//!   `invalid map key: ...`;
//! - numbers go through Go's JSON spelling and kubectl's unstructured decoding: integers that
//!   fit `int64` stay integers, everything else becomes a float (`3.0` → `3`,
//!   `9223372036854775808` → `9223372036854775808.0`); NaN and infinities fail with
//!   `json: unsupported value: +Inf`.
//!
//! Error texts: see [`crate::kubectl::manifest`] for which ones are exact.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, ScanError, TScalarStyle};

use crate::printers::go_number::{format_float32_g, go_json_float};
use crate::printers::yaml_resolve::{Resolved, resolve};

const STR: &str = "tag:yaml.org,2002:str";
const BINARY: &str = "tag:yaml.org,2002:binary";
const BOOL: &str = "tag:yaml.org,2002:bool";
const INT: &str = "tag:yaml.org,2002:int";
const FLOAT: &str = "tag:yaml.org,2002:float";
const NULL: &str = "tag:yaml.org,2002:null";
const TIMESTAMP: &str = "tag:yaml.org,2002:timestamp";
const MERGE: &str = "tag:yaml.org,2002:merge";

/// A parsed node; children are indices into the arena.
enum Node {
    Scalar {
        value: String,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<usize>),
    Map(Vec<(usize, usize)>),
    /// An alias to the node an anchor named; `None` if the anchor is still being built.
    Alias {
        target: Option<usize>,
        name: String,
    },
}

/// A value as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, Clone, PartialEq)]
enum GoVal {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<GoVal>),
    Map(Vec<(GoVal, GoVal)>),
}

/// Parses the first YAML document of `text` and converts it to JSON. `Ok(None)` means the
/// document is empty or null (kubectl skips those). The error is go-yaml's message, e.g.
/// `yaml: line 3: mapping values are not allowed in this context` or
/// `json: unsupported value: +Inf`, without kubectl's prefixes.
pub fn yaml_document_to_json(text: &str) -> Result<Option<Value>, String> {
    let parsed = std::panic::catch_unwind(|| build(text));
    let (arena, root) = match parsed {
        Ok(Ok(Some(x))) => x,
        Ok(Ok(None)) => return Ok(None),
        Ok(Err(e)) => {
            return Err(format!(
                "error converting YAML to JSON: {}",
                map_scan_error(&e, text)
            ));
        }
        Err(_) => return Err("error converting YAML to JSON: yaml: internal parser error".into()),
    };
    let mut d = Decoder {
        arena: &arena,
        decode_count: 0,
        alias_count: 0,
        alias_depth: 0,
    };
    let go = d
        .decode(root)
        .map_err(|e| format!("error converting YAML to JSON: yaml: {e}"))?;
    let json = to_json(&go).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    Ok(if json.is_null() { None } else { Some(json) })
}

/// Builds the node arena of the first document; `None` when there is no document content.
fn build(text: &str) -> Result<Option<(Vec<Node>, usize)>, ScanError> {
    let mut parser = Parser::new_from_str(text);
    let mut arena: Vec<Node> = Vec::new();
    // Open collections: (node index, pending key for maps, anchor id).
    let mut stack: Vec<(usize, Option<usize>, usize)> = Vec::new();
    let mut anchors: BTreeMap<usize, usize> = BTreeMap::new();
    let mut root = None;
    loop {
        let (event, mark) = parser.next_token()?;
        let (node, anchor) = match event {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if root.is_some() {
                    break;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => (
                Node::Scalar {
                    value,
                    plain: style == TScalarStyle::Plain,
                    tag: tag.map(long_tag),
                },
                anchor,
            ),
            Event::Alias(id) => (
                Node::Alias {
                    target: anchors.get(&id).copied(),
                    name: alias_name(text, &mark),
                },
                0,
            ),
            Event::SequenceStart(anchor, _) => {
                arena.push(Node::Seq(Vec::new()));
                stack.push((arena.len() - 1, None, anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                arena.push(Node::Map(Vec::new()));
                stack.push((arena.len() - 1, None, anchor));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((idx, _, anchor)) = stack.pop() else {
                    continue;
                };
                if anchor != 0 {
                    anchors.insert(anchor, idx);
                }
                attach(&mut arena, &mut stack, &mut root, idx);
                continue;
            }
            _ => continue,
        };
        arena.push(node);
        let idx = arena.len() - 1;
        if anchor != 0 {
            anchors.insert(anchor, idx);
        }
        attach(&mut arena, &mut stack, &mut root, idx);
    }
    Ok(root.map(|r| (arena, r)))
}

/// Adds a finished node to the open collection, or makes it the root.
fn attach(
    arena: &mut [Node],
    stack: &mut [(usize, Option<usize>, usize)],
    root: &mut Option<usize>,
    idx: usize,
) {
    let Some((parent, pending, _)) = stack.last_mut() else {
        *root = Some(idx);
        return;
    };
    match arena.get_mut(*parent) {
        Some(Node::Seq(items)) => items.push(idx),
        Some(Node::Map(entries)) => match pending.take() {
            Some(key) => entries.push((key, idx)),
            None => *pending = Some(idx),
        },
        _ => {}
    }
}

/// `!!int` → `tag:yaml.org,2002:int`; local tags stay `!name`.
fn long_tag(tag: Tag) -> String {
    format!("{}{}", tag.handle, tag.suffix)
}

/// The anchor name of an alias token (`*name`) at `mark`.
fn alias_name(text: &str, mark: &Marker) -> String {
    let rest: String = text.chars().skip(mark.index()).collect();
    rest.trim_start_matches('*')
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | '[' | ']' | '{' | '}'))
        .collect()
}

struct Decoder<'a> {
    arena: &'a [Node],
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
}

impl Decoder<'_> {
    fn decode(&mut self, idx: usize) -> Result<GoVal, String> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err("document contains excessive aliasing".into());
        }
        let Some(node) = self.arena.get(idx) else {
            return Ok(GoVal::Nil);
        };
        match node {
            Node::Scalar { value, plain, tag } => scalar(value, *plain, tag.as_deref()),
            Node::Seq(items) => items
                .iter()
                .map(|&i| self.decode(i))
                .collect::<Result<_, _>>()
                .map(GoVal::Seq),
            Node::Map(entries) => {
                let mut out = Vec::new();
                self.mapping(entries, &mut out)?;
                Ok(GoVal::Map(out))
            }
            Node::Alias { target, name } => {
                let Some(target) = *target else {
                    return Err(format!("anchor '{name}' value contains itself"));
                };
                self.alias_depth += 1;
                let v = self.decode(target);
                self.alias_depth -= 1;
                v
            }
        }
    }

    /// Decodes mapping entries into `out` (merges write into the same map).
    fn mapping(
        &mut self,
        entries: &[(usize, usize)],
        out: &mut Vec<(GoVal, GoVal)>,
    ) -> Result<(), String> {
        for &(k, v) in entries {
            if self.is_merge(k) {
                self.merge(v, out)?;
                continue;
            }
            let key = self.decode(k)?;
            if matches!(key, GoVal::Seq(_) | GoVal::Map(_)) {
                return Err(format!("invalid map key: {}", go_sharp_v(&key)));
            }
            let value = self.decode(v)?;
            set_map_index(out, key, value);
        }
        Ok(())
    }

    fn is_merge(&self, idx: usize) -> bool {
        match self.arena.get(idx) {
            Some(Node::Scalar { value, plain, tag }) => {
                value == "<<" && ((*plain && tag.is_none()) || tag.as_deref() == Some(MERGE))
            }
            _ => false,
        }
    }

    /// The node behind an alias, if `idx` is one.
    fn deref(&self, idx: usize) -> Option<&Node> {
        match self.arena.get(idx)? {
            Node::Alias {
                target: Some(t), ..
            } => self.arena.get(*t),
            n => Some(n),
        }
    }

    fn merge(&mut self, idx: usize, out: &mut Vec<(GoVal, GoVal)>) -> Result<(), String> {
        const WANT_MAP: &str = "map merge requires map or sequence of maps as the value";
        match self.arena.get(idx) {
            Some(Node::Map(_)) | Some(Node::Alias { .. }) => {
                let Some(Node::Map(entries)) = self.deref(idx) else {
                    return Err(WANT_MAP.into());
                };
                let entries = entries.clone();
                self.with_alias(idx, |d| d.mapping(&entries, out))
            }
            Some(Node::Seq(items)) => {
                for &item in items.iter().rev() {
                    let Some(Node::Map(entries)) = self.deref(item) else {
                        return Err(WANT_MAP.into());
                    };
                    let entries = entries.clone();
                    self.with_alias(item, |d| d.mapping(&entries, out))?;
                }
                Ok(())
            }
            _ => Err(WANT_MAP.into()),
        }
    }

    /// Runs `f`, counting it as alias expansion when `idx` is an alias.
    fn with_alias<T>(&mut self, idx: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        let is_alias = matches!(self.arena.get(idx), Some(Node::Alias { .. }));
        if is_alias {
            self.decode_count += 1;
            self.alias_depth += 1;
        }
        let r = f(self);
        if is_alias {
            self.alias_depth -= 1;
        }
        r
    }
}

/// go-yaml v2 `allowedAliasRatio`.
fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let n = decode_count as f64;
    if n <= LOW {
        0.99
    } else if n >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((n - LOW) / (HIGH - LOW))
    }
}

/// `setMapIndex`: a key already present is overwritten in place.
fn set_map_index(out: &mut Vec<(GoVal, GoVal)>, key: GoVal, value: GoVal) {
    match out.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => out.push((key, value)),
    }
}

/// go-yaml v2 `decoder.scalar` + `resolve(tag, value)` for a target of type `interface{}`.
fn scalar(value: &str, plain: bool, tag: Option<&str>) -> Result<GoVal, String> {
    let tag = match tag {
        None if plain => "",
        None => return Ok(GoVal::Str(value.to_string())),
        Some(t) => t,
    };
    if tag == BINARY {
        return decode_base64(value).map(|b| GoVal::Str(String::from_utf8_lossy(&b).into_owned()));
    }
    if !matches!(tag, "" | STR | BOOL | INT | FLOAT | NULL | TIMESTAMP) {
        return Ok(GoVal::Str(value.to_string())); // unknown tags keep the text
    }
    if tag == STR {
        return Ok(GoVal::Str(value.to_string()));
    }
    let resolved = match resolve(value) {
        // Only untagged or !!timestamp values are tried as timestamps; a date-like text never
        // parses as a number, so go-yaml ends with a string there.
        Resolved::Timestamp if !tag.is_empty() && tag != TIMESTAMP => Resolved::Str,
        r => r,
    };
    let (rtag, v) = match resolved {
        Resolved::Null => (NULL, GoVal::Nil),
        Resolved::Bool(b) => (BOOL, GoVal::Bool(b)),
        Resolved::Int(i) => (INT, GoVal::Int(i)),
        Resolved::Uint(u) => (INT, GoVal::Uint(u)),
        Resolved::Float(f) => (FLOAT, GoVal::Float(f)),
        Resolved::Timestamp => (TIMESTAMP, GoVal::Str(value.to_string())),
        Resolved::Str => (STR, GoVal::Str(value.to_string())),
    };
    if tag.is_empty() || tag == rtag {
        return Ok(v);
    }
    if let (FLOAT, INT, GoVal::Int(i)) = (tag, rtag, &v) {
        return Ok(GoVal::Float(*i as f64));
    }
    Err(format!(
        "cannot decode {} `{value}` as a {}",
        short_tag(rtag),
        short_tag(tag)
    ))
}

fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(s) => format!("!!{s}"),
        None => tag.to_string(),
    }
}

/// Go `base64.StdEncoding.DecodeString`, which skips `\r` and `\n`.
fn decode_base64(s: &str) -> Result<Vec<u8>, String> {
    use base64::Engine;
    let cleaned: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    base64::engine::general_purpose::STANDARD
        .decode(cleaned)
        .map_err(|_| "!!binary value contains invalid base64 data".to_string())
}

/// `sigs.k8s.io/yaml` `convertToJSONableObject` + `json.Marshal` + unstructured decoding.
fn to_json(v: &GoVal) -> Result<Value, String> {
    Ok(match v {
        GoVal::Nil => Value::Null,
        GoVal::Bool(b) => Value::Bool(*b),
        GoVal::Int(i) => Value::Number((*i).into()),
        GoVal::Uint(u) => json_number(&u.to_string()),
        GoVal::Float(f) => {
            if f.is_nan() {
                return Err("json: unsupported value: NaN".into());
            }
            if f.is_infinite() {
                let s = if *f > 0.0 { "+Inf" } else { "-Inf" };
                return Err(format!("json: unsupported value: {s}"));
            }
            json_number(&go_json_float(*f))
        }
        GoVal::Str(s) => Value::String(s.clone()),
        GoVal::Seq(items) => Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        GoVal::Map(entries) => {
            let mut map = Map::new();
            for (k, val) in entries {
                let key = match k {
                    GoVal::Str(s) => s.clone(),
                    GoVal::Int(i) => i.to_string(),
                    GoVal::Float(f) => format_float32_g(*f),
                    GoVal::Bool(b) => b.to_string(),
                    GoVal::Uint(u) => {
                        return Err(format!(
                            "unsupported map key of type: uint64, key: {u:#x}, value: {}",
                            go_sharp_v(val)
                        ));
                    }
                    _ => {
                        return Err(format!(
                            "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                            go_sharp_v(val)
                        ));
                    }
                };
                map.insert(key, to_json(val)?);
            }
            Value::Object(map)
        }
    })
}

/// How kubectl's unstructured decoder reads a JSON number: `int64` when the text parses as
/// one, otherwise `float64`.
pub fn json_number(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::Number(i.into());
    }
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// An approximation of Go's `%#v` for decoded YAML values (used in error texts).
fn go_sharp_v(v: &GoVal) -> String {
    match v {
        GoVal::Nil => "interface {}(nil)".into(),
        GoVal::Bool(b) => b.to_string(),
        GoVal::Int(i) => i.to_string(),
        GoVal::Uint(u) => format!("{u:#x}"),
        GoVal::Float(f) => crate::printers::go_number::format_float_g(*f),
        GoVal::Str(s) => format!("{s:?}"),
        GoVal::Seq(items) => format!(
            "[]interface {{}}{{{}}}",
            items.iter().map(go_sharp_v).collect::<Vec<_>>().join(", ")
        ),
        GoVal::Map(entries) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_sharp_v(k), go_sharp_v(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The innermost flow collection (`[` or `{`) still open before character `upto`, skipping
/// quoted text and comments (a heuristic to name the closer go-yaml expected).
fn innermost_open_bracket(text: &str, upto: usize) -> Option<char> {
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut comment = false;
    for c in text.chars().take(upto) {
        match (quote, c) {
            (_, '\n') => {
                comment = false;
            }
            _ if comment => {}
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{') => stack.push(c),
            (None, ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

/// Turns a yaml-rust2 error into go-yaml's wording and line convention: scanner errors report
/// the 1-based line of the problem, parser errors the 0-based line, and neither prints a line
/// when that number is 0.
fn map_scan_error(e: &ScanError, text: &str) -> String {
    let info = e.info();
    let line = e.marker().line();
    let (scanner, msg): (bool, String) = match info {
        "mapping values are not allowed in this context"
        | "block sequence entries are not allowed in this context"
        | "mapping keys are not allowed in this context" => (true, info.into()),
        "while parsing a block mapping, did not find expected key" => {
            (false, "did not find expected key".into())
        }
        "while parsing a flow mapping, did not find expected ',' or '}'" => {
            (false, "did not find expected ',' or '}'".into())
        }
        "while parsing a flow sequence, expected ',' or ']'" => {
            (false, "did not find expected ',' or ']'".into())
        }
        "while parsing a block collection, did not find expected '-' indicator" => {
            (false, "did not find expected '-' indicator".into())
        }
        "while parsing a node, did not find expected node content" => {
            (false, "did not find expected node content".into())
        }
        "while parsing a quoted scalar, did not find expected hexadecimal number" => {
            (true, "did not find expected hexdecimal number".into())
        }
        "simple key expect ':'" | "simple key expected" => {
            (true, "could not find expected ':'".into())
        }
        "while parsing node, found unknown anchor" => {
            let name = alias_name(text, e.marker());
            return format!("yaml: unknown anchor '{name}' referenced");
        }
        "recursion limit exceeded" => return "yaml: exceeded max depth of 10000".into(),
        "unexpected eof" => (true, "found unexpected end of stream".into()),
        "while scanning a quoted scalar, found unexpected end of stream" => {
            // go-yaml reports the end of the input, yaml-rust2 the opening quote.
            let eof_line = text.matches('\n').count() + 1;
            return format!("yaml: line {eof_line}: found unexpected end of stream");
        }
        "invalid trailing content after double-quoted scalar" => {
            (false, "did not find expected key".into())
        }
        "illegal placement of ':' indicator" => {
            let closer = match innermost_open_bracket(text, e.marker().index()) {
                Some('{') => '}',
                _ => ']',
            };
            (false, format!("did not find expected ',' or '{closer}'"))
        }
        i if i.contains("tab") || i.starts_with("unexpected character") => {
            (true, "found character that cannot start any token".into())
        }
        i => {
            // "while scanning X, problem" → "problem" (go-yaml prints only the problem).
            let problem = i
                .split_once(", ")
                .map_or(i, |(ctx, p)| if ctx.starts_with("while ") { p } else { i });
            (true, problem.to_string())
        }
    };
    let n = if scanner {
        line
    } else {
        line.saturating_sub(1)
    };
    if n > 0 && !(scanner && line <= 1) {
        format!("yaml: line {n}: {msg}")
    } else {
        format!("yaml: {msg}")
    }
}
