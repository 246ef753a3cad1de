//! kubectl's jsonpath dialect (`client-go util/jsonpath`), as `kubectl get -o jsonpath=...` and
//! `-o custom-columns=...` use it: missing keys print nothing (kubectl sets `AllowMissingKeys`),
//! strings print raw, maps and lists as compact Go JSON, several results are joined by spaces.

pub mod parse;

use serde_json::Value;

use self::parse::{Node, Segment};
use super::go_number::go_json_number;
use super::json::write_string;

/// A compiled template.
#[derive(Debug, Clone)]
pub struct JsonPath {
    segments: Vec<Segment>,
}

impl JsonPath {
    /// Parses a template (`{.metadata.name}`, `{range ...}...{end}`).
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        Ok(JsonPath {
            segments: parse::parse(template)?,
        })
    }

    /// Every value each action finds, in order (custom columns use this).
    pub fn find(&self, root: &Value) -> Result<Vec<Vec<Value>>, String> {
        let mut out = Vec::new();
        collect(&self.segments, root, root, &mut out)?;
        Ok(out)
    }

    /// Executes the template against `root` as `kubectl -o jsonpath` prints it.
    pub fn execute(&self, root: &Value) -> Result<String, String> {
        let mut out = String::new();
        run(&self.segments, root, root, &mut out)?;
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
    out: &mut Vec<Vec<Value>>,
) -> Result<(), String> {
    for s in segs {
        match s {
            Segment::Text(_) => {}
            Segment::Action(nodes) => out.push(eval(nodes, root, cur)?),
            Segment::Range(nodes, body) => {
                for v in eval(nodes, root, cur)? {
                    collect(body, root, &v, out)?;
                }
            }
        }
    }
    Ok(())
}

fn run(segs: &[Segment], root: &Value, cur: &Value, out: &mut String) -> Result<(), String> {
    for s in segs {
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Action(nodes) => {
                let results = eval(nodes, root, cur)?;
                for (i, r) in results.iter().enumerate() {
                    out.push_str(&text_of(r));
                    if i + 1 != results.len() {
                        out.push(' ');
                    }
                }
            }
            Segment::Range(nodes, body) => {
                for v in eval(nodes, root, cur)? {
                    run(body, root, &v, out)?;
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

/// Evaluates one action's nodes from the current value.
fn eval(nodes: &[Node], root: &Value, cur: &Value) -> Result<Vec<Value>, String> {
    let mut vals: Vec<Value> = vec![cur.clone()];
    for node in nodes {
        let mut next = Vec::new();
        match node {
            Node::Root => next.push(root.clone()),
            Node::Current => next.push(cur.clone()),
            Node::Literal(l) => next.push(l.clone()),
            Node::Field(name) => {
                for v in &vals {
                    if let Value::Object(m) = v
                        && let Some(x) = m.get(name)
                    {
                        next.push(x.clone());
                    }
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
                    let Value::Array(a) = v else { continue };
                    let len = a.len() as i64;
                    let norm = |x: i64| if x < 0 { x + len } else { x };
                    let s = start.map(norm).unwrap_or(0);
                    let e = end.map(norm).unwrap_or(len);
                    if *index {
                        if s < 0 || s >= len {
                            return Err(format!(
                                "array index out of bounds: index {}, length {len}",
                                start.unwrap_or(0)
                            ));
                        }
                        next.push(a[s as usize].clone());
                        continue;
                    }
                    let s = s.clamp(0, len);
                    let e = e.clamp(0, len);
                    let st = step.unwrap_or(1).max(1) as usize;
                    if s < e {
                        next.extend(a[s as usize..e as usize].iter().step_by(st).cloned());
                    }
                }
            }
            Node::Union(paths) => {
                for v in &vals {
                    for p in paths {
                        next.extend(eval(p, root, v)?);
                    }
                }
            }
            Node::Filter { left, op, right } => {
                for v in &vals {
                    let items: Vec<&Value> = match v {
                        Value::Array(a) => a.iter().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        let l = eval(left, root, item)?;
                        if op == "exists" {
                            if !l.is_empty() {
                                next.push(item.clone());
                            }
                            continue;
                        }
                        let r = eval(right, root, item)?;
                        let (Some(lv), Some(rv)) = (l.first(), r.first()) else {
                            continue;
                        };
                        if compare(lv, op, rv)? {
                            next.push(item.clone());
                        }
                    }
                }
            }
        }
        vals = next;
    }
    Ok(vals)
}

fn descend(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::Array(a) => a.iter().for_each(|x| descend(x, out)),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            keys.into_iter().for_each(|k| descend(&m[k.as_str()], out));
        }
        _ => {}
    }
}

fn compare(l: &Value, op: &str, r: &Value) -> Result<bool, String> {
    use std::cmp::Ordering;
    let ord = match (l, r) {
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&b.as_f64().unwrap_or(0.0)),
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        _ => {
            return match op {
                "==" => Ok(false),
                "!=" => Ok(true),
                _ => Err("incompatible types for comparison".into()),
            };
        }
    };
    let Some(o) = ord else { return Ok(false) };
    Ok(match op {
        "==" => o == Ordering::Equal,
        "!=" => o != Ordering::Equal,
        "<" => o == Ordering::Less,
        ">" => o == Ordering::Greater,
        "<=" => o != Ordering::Greater,
        ">=" => o != Ordering::Less,
        _ => false,
    })
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
