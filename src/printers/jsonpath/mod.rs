//! kubectl's jsonpath dialect (`client-go util/jsonpath`), as `kubectl get -o jsonpath=...` and
//! `-o custom-columns=...` use it: missing keys print nothing (kubectl sets `AllowMissingKeys`),
//! strings print raw, maps and lists as compact Go JSON, several results are joined by spaces.
//! Where client-go walks a map (`*`, `..`), it follows Go's random map order; kubelab walks the
//! keys in sorted order, so `{..name}` prints the same on every run (a real kubectl may not).

mod go_fmt;
pub mod parse;

pub use go_fmt::go_syntax;

use serde_json::Value;

use self::go_fmt::{go_type, go_value};
use self::parse::{Node, Segment};
use super::go_number::go_json_number;
use super::json::write_string;

/// A compiled template.
#[derive(Debug, Clone)]
pub struct JsonPath {
    segments: Vec<Segment>,
    /// `AllowMissingKeys(false)`: a field found nowhere is an error (`X is not found`).
    strict: bool,
}

impl JsonPath {
    /// Parses a template (`{.metadata.name}`, `{range ...}...{end}`).
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        Ok(JsonPath {
            segments: parse::parse(template)?,
            strict: false,
        })
    }

    /// `AllowMissingKeys(allow)`: kubectl's `-o jsonpath` printer follows
    /// `--allow-missing-template-keys` (default true); custom columns, `--sort-by` and `wait`
    /// always allow missing keys.
    pub fn allow_missing_keys(mut self, allow: bool) -> JsonPath {
        self.strict = !allow;
        self
    }

    /// Every value each action finds, in order (custom columns use this).
    pub fn find(&self, root: &Value) -> Result<Vec<Vec<Value>>, String> {
        let mut out = Vec::new();
        collect(&self.segments, root, root, self.strict, &mut out)?;
        Ok(out)
    }

    /// Executes the template against `root` as `kubectl -o jsonpath` prints it.
    pub fn execute(&self, root: &Value) -> Result<String, String> {
        let mut out = String::new();
        run(&self.segments, root, root, self.strict, &mut out)?;
        Ok(out)
    }

    /// `-o jsonpath-as-json`: every result, as an indented JSON array.
    pub fn execute_as_json(&self, root: &Value) -> Result<String, String> {
        let all: Vec<Value> = self.find(root)?.into_iter().flatten().collect();
        Ok(crate::printers::json::to_json_sorted(&Value::Array(all)))
    }
}

fn collect(
    segs: &[Segment],
    root: &Value,
    cur: &Value,
    strict: bool,
    out: &mut Vec<Vec<Value>>,
) -> Result<(), String> {
    for s in segs {
        match s {
            Segment::Text(_) => {}
            Segment::Action(nodes) => out.push(eval(nodes, root, cur, strict)?),
            Segment::Range(nodes, body) => {
                for v in eval(nodes, root, cur, strict)? {
                    collect(body, root, &v, strict, out)?;
                }
            }
        }
    }
    Ok(())
}

fn run(
    segs: &[Segment],
    root: &Value,
    cur: &Value,
    strict: bool,
    out: &mut String,
) -> Result<(), String> {
    for s in segs {
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Action(nodes) => {
                let results = eval(nodes, root, cur, strict)?;
                for (i, r) in results.iter().enumerate() {
                    out.push_str(&text_of(r));
                    if i + 1 != results.len() {
                        out.push(' ');
                    }
                }
            }
            Segment::Range(nodes, body) => {
                for v in eval(nodes, root, cur, strict)? {
                    run(body, root, &v, strict, out)?;
                }
            }
        }
    }
    Ok(())
}

/// How one result prints: strings raw, scalars as Go's `fmt.Print`, maps and lists as compact
/// JSON.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_print_number(n),
        other => compact_json(other),
    }
}

fn go_print_number(n: &serde_json::Number) -> String {
    if n.is_f64() {
        let f = n.as_f64().unwrap_or(0.0);
        crate::printers::go_number::format_float_g(f)
    } else {
        n.to_string()
    }
}

/// Go `json.Marshal` (compact, keys sorted, HTML-escaped).
pub fn compact_json(v: &Value) -> String {
    let mut out = String::new();
    write_compact(&mut out, v);
    out
}

fn write_compact(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_json_number(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_compact(out, &m[k.as_str()]);
            }
            out.push('}');
        }
    }
}

/// Evaluates one action's nodes from the current value, as client-go's `JSONPath.walk` does
/// node by node over the whole list of current values.
fn eval(nodes: &[Node], root: &Value, cur: &Value, strict: bool) -> Result<Vec<Value>, String> {
    walk(nodes, root, vec![cur.clone()], strict)
}

fn walk(
    nodes: &[Node],
    root: &Value,
    mut vals: Vec<Value>,
    strict: bool,
) -> Result<Vec<Value>, String> {
    for node in nodes {
        vals = step(node, root, vals, strict)?;
    }
    Ok(vals)
}

fn step(node: &Node, root: &Value, vals: Vec<Value>, strict: bool) -> Result<Vec<Value>, String> {
    let mut next = Vec::new();
    match node {
        Node::Root => next.push(root.clone()),
        Node::Current => return Ok(vals),
        Node::End => return Err("not in range, nothing to end".into()),
        Node::Literal(l) => next.extend(vals.iter().map(|_| l.clone())),
        Node::Field(name) => {
            // evalField: no input, no output; a key found nowhere is an error only without
            // AllowMissingKeys.
            if vals.is_empty() {
                return Ok(next);
            }
            for v in &vals {
                if let Value::Object(m) = v
                    && let Some(x) = m.get(name)
                {
                    next.push(x.clone());
                }
            }
            if next.is_empty() && strict {
                return Err(format!("{name} is not found"));
            }
        }
        Node::Wildcard => {
            for v in &vals {
                match v {
                    Value::Array(a) => next.extend(a.iter().cloned()),
                    Value::Object(m) => {
                        let mut keys: Vec<&String> = m.keys().collect();
                        keys.sort();
                        next.extend(keys.into_iter().map(|k| m[k.as_str()].clone()));
                    }
                    _ => {}
                }
            }
        }
        Node::Recursive => {
            for v in &vals {
                descend(v, &mut next);
            }
        }
        Node::Array {
            start,
            end,
            step,
            index,
        } => {
            for v in &vals {
                let a = match v {
                    Value::Null => continue,
                    Value::Array(a) => a,
                    other => return Err(format!("{} is not array or slice", go_type(other))),
                };
                let len = a.len() as i64;
                // client-go's three params: (known, value, derived); `[i]` is `[i:i+1]` with
                // a derived end.
                let mut s = start.unwrap_or(0);
                if s < 0 {
                    s += len;
                }
                let (mut e, derived) = if *index {
                    (start.unwrap_or(0) + 1, true)
                } else {
                    (end.unwrap_or(len), false)
                };
                if e < 0 || (e == 0 && derived) {
                    e += len;
                }
                if e == s {
                    continue;
                }
                if s >= len || s < 0 {
                    return Err(format!(
                        "array index out of bounds: index {s}, length {len}"
                    ));
                }
                if e > len || e < 0 {
                    return Err(format!(
                        "array index out of bounds: index {}, length {len}",
                        e - 1
                    ));
                }
                if s > e {
                    return Err(format!(
                        "starting index {s} is greater than ending index {e}"
                    ));
                }
                let st = match step {
                    Some(st) if *st <= 0 => return Err("step must be > 0".into()),
                    Some(st) => *st as usize,
                    None => 1,
                };
                next.extend(a[s as usize..e as usize].iter().step_by(st).cloned());
            }
        }
        Node::Union(paths) => {
            // evalUnion: each branch over every current value, branch after branch.
            for p in paths {
                next.extend(walk(p, root, vals.clone(), strict)?);
            }
        }
        Node::Filter { left, op, right } => {
            for v in &vals {
                let items = match v {
                    Value::Array(a) => a,
                    other => {
                        return Err(format!(
                            "{} is not array or slice and cannot be filtered",
                            go_value(other)
                        ));
                    }
                };
                for item in items {
                    let l = eval(left, root, item, strict);
                    if op == "exists" {
                        if l.is_ok_and(|l| !l.is_empty()) {
                            next.push(item.clone());
                        }
                        continue;
                    }
                    let l = l?;
                    let lv = match l.as_slice() {
                        [] => continue,
                        [one] => one,
                        _ => return Err("can only compare one element at a time".into()),
                    };
                    let r = eval(right, root, item, strict)?;
                    let rv = match r.as_slice() {
                        [] => continue,
                        [one] => one,
                        _ => return Err("can only compare one element at a time".into()),
                    };
                    if compare(lv, op, rv)? {
                        next.push(item.clone());
                    }
                }
            }
        }
    }
    Ok(next)
}

/// `..` (evalRecursive): every value below that has something inside it (objects, lists and
/// non-empty strings), the current one first; scalars are reached only through a field.
fn descend(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push(v.clone());
            a.iter().for_each(|x| descend(x, out));
        }
        Value::Object(m) if !m.is_empty() => {
            out.push(v.clone());
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            keys.into_iter().for_each(|k| descend(&m[k.as_str()], out));
        }
        Value::String(s) if !s.is_empty() => out.push(v.clone()),
        _ => {}
    }
}

#[derive(PartialEq, Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn kind_of(v: &Value) -> Result<Kind, String> {
    match v {
        Value::Bool(_) => Ok(Kind::Bool),
        Value::Number(n) if n.is_i64() => Ok(Kind::Int),
        Value::Number(n) if n.is_u64() => Ok(Kind::Uint),
        Value::Number(_) => Ok(Kind::Float),
        Value::String(_) => Ok(Kind::Str),
        _ => Err("invalid type for comparison".into()),
    }
}

/// The forked text/template `eq`/`lt` of client-go: kinds must match (signed and unsigned
/// integers compare across), booleans only with `==`/`!=`.
fn go_eq(l: &Value, r: &Value) -> Result<bool, String> {
    let (k1, k2) = (kind_of(l)?, kind_of(r)?);
    let same = match (k1, k2, l, r) {
        (Kind::Int | Kind::Uint, Kind::Int | Kind::Uint, Value::Number(a), Value::Number(b)) => {
            a.as_i128() == b.as_i128()
        }
        _ if k1 != k2 => return Err("incompatible types for comparison".into()),
        (_, _, Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => l == r,
    };
    Ok(same)
}

fn go_lt(l: &Value, r: &Value) -> Result<bool, String> {
    let (k1, k2) = (kind_of(l)?, kind_of(r)?);
    match (k1, k2, l, r) {
        (Kind::Int | Kind::Uint, Kind::Int | Kind::Uint, Value::Number(a), Value::Number(b)) => {
            Ok(a.as_i128() < b.as_i128())
        }
        _ if k1 != k2 => Err("incompatible types for comparison".into()),
        (Kind::Bool, ..) => Err("invalid type for comparison".into()),
        (_, _, Value::Number(a), Value::Number(b)) => {
            Ok(a.as_f64().unwrap_or(0.0) < b.as_f64().unwrap_or(0.0))
        }
        (_, _, Value::String(a), Value::String(b)) => Ok(a < b),
        _ => Err("invalid type for comparison".into()),
    }
}

fn compare(l: &Value, op: &str, r: &Value) -> Result<bool, String> {
    match op {
        "==" => go_eq(l, r),
        "!=" => go_eq(l, r).map(|b| !b),
        "<" => go_lt(l, r),
        "<=" => Ok(go_lt(l, r)? || go_eq(l, r)?),
        ">" => Ok(!(go_lt(l, r)? || go_eq(l, r)?)),
        ">=" => go_lt(l, r).map(|b| !b),
        other => Err(format!("unrecognized filter operator {other}")),
    }
}

/// kubectl's `RelaxedJSONPathExpression` (custom columns, `--sort-by`): `.a.b` and `a.b` become
/// `{.a.b}`; `{...}` stays.
pub fn relaxed(expr: &str) -> Result<String, String> {
    let e = expr.trim();
    if e.is_empty() {
        return Ok(String::new());
    }
    if let Some(inner) = e.strip_prefix('{') {
        let Some(inner) = inner.strip_suffix('}') else {
            return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".to_string());
        };
        let inner = inner.trim_start_matches('.');
        return Ok(format!("{{.{inner}}}"));
    }
    let inner = e.trim_start_matches('.');
    Ok(format!("{{.{inner}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_style_output() {
        let v = json!({"items": [
            {"metadata": {"name": "a", "labels": {"app": "x"}}, "status": {"conditions": [{"type": "Ready", "status": "True"}]}},
            {"metadata": {"name": "b"}, "spec": {"replicas": 3}}]});
        let run = |t: &str| JsonPath::parse(t).unwrap().execute(&v).unwrap();
        assert_eq!(run("{.items[*].metadata.name}"), "a b");
        assert_eq!(
            run("{range .items[*]}{.metadata.name}{\"\\n\"}{end}"),
            "a\nb\n"
        );
        assert_eq!(run("{.items[0].metadata.labels}"), "{\"app\":\"x\"}");
        assert_eq!(run("{.items[1].spec.replicas}"), "3");
        assert_eq!(
            run("{.items[0].status.conditions[?(@.type==\"Ready\")].status}"),
            "True"
        );
        assert_eq!(run("{.items[?(@.spec)].metadata.name}"), "b");
        assert_eq!(run("{.items[-1].metadata.name}"), "b");
        assert_eq!(run("{..name}"), "a b");
        assert_eq!(run("x{.missing}y"), "xy");
        assert_eq!(relaxed(".metadata.name").unwrap(), "{.metadata.name}");
    }
}
