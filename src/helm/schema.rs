//! values.schema.json (`chartutil.ValidateAgainstSchema`): the values a chart renders with,
//! checked against the chart's schema and each subchart's against its own, with the messages of
//! santhosh-tekuri/jsonschema v6 (the library Helm 3.21 uses): `- at '/replicaCount': got
//! string, want integer`, a group of several failures at one place as `validation failed` with
//! its causes indented below.
//!
//! The keywords kubelab checks: `type`, `const`, `enum`, `required`, `properties`,
//! `additionalProperties`, `minProperties`, `maxProperties`, `items` (one schema),
//! `minItems`, `maxItems`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
//! `exclusiveMinimum`, `exclusiveMaximum`; annotations (`$schema`, `$id`, `title`,
//! `description`, `default`, `examples`, `$comment`, `readOnly`, `writeOnly`, `deprecated`) are
//! ignored as the library ignores them. Any other keyword (`$ref`, `allOf`, `anyOf`, `oneOf`,
//! `not`, `if`, `patternProperties`, `format`, ...) is refused plainly. Where Go iterates a map
//! (the properties of an object) the failures come in its random order; kubelab sorts them.

use serde_json::Value;

use super::chart::Chart;

/// One failure: where, and the message (a group has causes instead).
struct Failure {
    at: Vec<String>,
    msg: String,
    causes: Vec<Failure>,
}

const KNOWN: &[&str] = &[
    "type",
    "const",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "$schema",
    "$id",
    "title",
    "description",
    "default",
    "examples",
    "$comment",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Refuses a schema with a keyword kubelab does not check, anywhere in it.
fn supported(s: &Value, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("kubelab does not support values.schema.json nested more than 64 deep".into());
    }
    let Value::Object(m) = s else {
        return Ok(());
    };
    for (k, v) in m {
        if !KNOWN.contains(&k.as_str()) {
            return Err(format!(
                "kubelab does not support the JSON Schema keyword {k} in values.schema.json"
            ));
        }
        match k.as_str() {
            "properties" => {
                for sub in v.as_object().into_iter().flat_map(|o| o.values()) {
                    supported(sub, depth + 1)?;
                }
            }
            "additionalProperties" | "items" => supported(v, depth + 1)?,
            _ => {}
        }
    }
    Ok(())
}

/// `quote` of the library: Go's `%q` with `"` unescaped and `'` escaped, in single quotes.
fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn json_ptr(at: &[String]) -> String {
    at.iter()
        .map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Go's `%v` of a float64 for the small numbers schemas hold.
fn num(f: f64) -> String {
    crate::printers::go_number::format_float_g(f)
}

/// `display`: a primitive as the messages show it.
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        Value::Array(_) | Value::Object(_) => "value".into(),
        Value::Null => "<nil>".into(),
        Value::Number(n) => num(n.as_f64().unwrap_or(0.0)),
        Value::Bool(b) => b.to_string(),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `equals`: numbers by value.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn validate(s: &Value, v: &Value, at: &mut Vec<String>, depth: usize) -> Option<Failure> {
    let fail = |at: &[String], msg: String| Failure {
        at: at.to_vec(),
        msg,
        causes: vec![],
    };
    match s {
        Value::Bool(true) => return None,
        Value::Bool(false) => return Some(fail(at, "false schema".into())),
        Value::Object(_) => {}
        _ => return None,
    }
    if depth > 64 {
        return None;
    }
    // type, const, enum: the first failure ends the schema's checks.
    if let Some(t) = s.get("type") {
        let wanted: Vec<&str> = match t {
            Value::String(x) => vec![x.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let got = type_name(v);
        let integer = v.as_f64().is_some_and(|f| f.fract() == 0.0);
        let ok = wanted.is_empty()
            || wanted.contains(&got)
            || (wanted.contains(&"integer") && got == "number" && integer);
        if !ok {
            let order = [
                "null", "boolean", "number", "integer", "string", "array", "object",
            ];
            let want: Vec<&str> = order
                .iter()
                .copied()
                .filter(|o| wanted.contains(o))
                .collect();
            return Some(fail(at, format!("got {got}, want {}", want.join(" or "))));
        }
    }
    if let Some(c) = s.get("const")
        && !equal(v, c)
    {
        let msg = match c {
            Value::Array(_) | Value::Object(_) => "const failed".to_string(),
            _ => format!("value must be {}", display(c)),
        };
        return Some(fail(at, msg));
    }
    if let Some(Value::Array(e)) = s.get("enum")
        && !e.iter().any(|x| equal(v, x))
    {
        let primitive = e.iter().all(|x| !x.is_array() && !x.is_object());
        let msg = if !primitive {
            "enum failed".to_string()
        } else if e.len() == 1 {
            format!("value must be {}", display(&e[0]))
        } else {
            let all: Vec<String> = e.iter().map(display).collect();
            format!("value must be one of {}", all.join(", "))
        };
        return Some(fail(at, msg));
    }
    let mut errors: Vec<Failure> = Vec::new();
    let count = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let bound = |k: &str| s.get(k).and_then(Value::as_f64);
    match v {
        Value::Object(obj) => {
            if let Some(n) = count("minProperties")
                && obj.len() < n
            {
                errors.push(fail(
                    at,
                    format!("minProperties: got {}, want {n}", obj.len()),
                ));
            }
            if let Some(n) = count("maxProperties")
                && obj.len() > n
            {
                errors.push(fail(
                    at,
                    format!("maxProperties: got {}, want {n}", obj.len()),
                ));
            }
            let missing: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|r| !obj.contains_key(*r))
                .collect();
            match missing.len() {
                0 => {}
                1 => errors.push(fail(at, format!("missing property {}", quote(missing[0])))),
                _ => {
                    let q: Vec<String> = missing.iter().map(|m| quote(m)).collect();
                    errors.push(fail(at, format!("missing properties {}", q.join(", "))));
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            let mut extra = Vec::new();
            for (k, pv) in obj {
                at.push(k.clone());
                if let Some(ps) = props.and_then(|p| p.get(k)) {
                    errors.extend(validate(ps, pv, at, depth + 1));
                } else {
                    match s.get("additionalProperties") {
                        Some(Value::Bool(false)) => extra.push(k.clone()),
                        Some(a @ Value::Object(_)) => errors.extend(validate(a, pv, at, depth + 1)),
                        _ => {}
                    }
                }
                at.pop();
            }
            if !extra.is_empty() {
                let q: Vec<String> = extra.iter().map(|m| quote(m)).collect();
                errors.push(fail(
                    at,
                    format!("additional properties {} not allowed", q.join(", ")),
                ));
            }
        }
        Value::Array(arr) => {
            if let Some(n) = count("minItems")
                && arr.len() < n
            {
                errors.push(fail(at, format!("minItems: got {}, want {n}", arr.len())));
            }
            if let Some(n) = count("maxItems")
                && arr.len() > n
            {
                errors.push(fail(at, format!("maxItems: got {}, want {n}", arr.len())));
            }
            if let Some(items @ (Value::Object(_) | Value::Bool(_))) = s.get("items") {
                for (i, x) in arr.iter().enumerate() {
                    at.push(i.to_string());
                    errors.extend(validate(items, x, at, depth + 1));
                    at.pop();
                }
            }
        }
        Value::String(text) => {
            let len = text.chars().count();
            if let Some(n) = count("minLength")
                && len < n
            {
                errors.push(fail(at, format!("minLength: got {len}, want {n}")));
            }
            if let Some(n) = count("maxLength")
                && len > n
            {
                errors.push(fail(at, format!("maxLength: got {len}, want {n}")));
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str)
                && let Ok(re) = regex::Regex::new(p)
                && !re.is_match(text)
            {
                errors.push(fail(
                    at,
                    format!("{} does not match pattern {}", quote(text), quote(p)),
                ));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            for (k, bad) in [
                ("minimum", bound("minimum").filter(|m| x < *m)),
                ("maximum", bound("maximum").filter(|m| x > *m)),
                (
                    "exclusiveMinimum",
                    bound("exclusiveMinimum").filter(|m| x <= *m),
                ),
                (
                    "exclusiveMaximum",
                    bound("exclusiveMaximum").filter(|m| x >= *m),
                ),
            ] {
                if let Some(m) = bad {
                    errors.push(fail(at, format!("{k}: got {}, want {}", num(x), num(m))));
                }
            }
        }
        _ => {}
    }
    match errors.len() {
        0 => None,
        1 => errors.pop(),
        _ => Some(Failure {
            at: at.clone(),
            msg: "validation failed".into(),
            causes: errors,
        }),
    }
}

fn display_tree(f: &Failure, indent: usize, out: &mut String) {
    out.push('\n');
    for _ in 0..indent.saturating_sub(1) {
        out.push_str("  ");
    }
    out.push_str(&format!("- at {}: {}", quote(&json_ptr(&f.at)), f.msg));
    for c in &f.causes {
        display_tree(c, indent + 1, out);
    }
}

/// `ValidateAgainstSingleSchema`: the error text after the library's first line (with the
/// newline Helm adds), or None when the values pass.
pub fn validate_single(values: &Value, schema: &[u8]) -> Result<Option<String>, String> {
    let s: Value = serde_json::from_slice(schema).map_err(|e| e.to_string())?;
    supported(&s, 0)?;
    let Some(root) = validate(&s, values, &mut Vec::new(), 0) else {
        return Ok(None);
    };
    let causes = if root.msg == "validation failed" && !root.causes.is_empty() {
        root.causes
    } else {
        vec![root]
    };
    let mut out = String::new();
    for c in &causes {
        display_tree(c, 1, &mut out);
    }
    // The first line (`jsonschema validation failed with '...'`) and its newline are trimmed.
    Ok(Some(format!("{}\n", out.trim_start_matches('\n'))))
}

/// `ValidateAgainstSchema(chart, values)`: the chart's schema, then each subchart's with its
/// values; the text after `values don't meet the specifications ...:\n`.
pub fn validate_chart(c: &Chart, values: &Value, depth: usize) -> Result<Option<String>, String> {
    let mut sb = String::new();
    if let Some(schema) = &c.schema
        && let Some(e) = validate_single(values, schema)?
    {
        sb.push_str(&format!("{}:\n{e}", c.name()));
    }
    if depth < 16 {
        for sub in &c.dependencies {
            match values.get(sub.name()) {
                None | Some(Value::Null) => {}
                Some(v @ Value::Object(_)) => {
                    if let Some(e) = validate_chart(sub, v, depth + 1)? {
                        sb.push_str(&e);
                    }
                }
                Some(other) => sb.push_str(&format!(
                    "{}:\ninvalid type for values: expected object (map), got {}\n",
                    sub.name(),
                    go_type(other)
                )),
            }
        }
    }
    Ok(if sb.is_empty() { None } else { Some(sb) })
}

/// Go's `%T` of a decoded YAML value.
fn go_type(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::Array(_) => "[]interface {}",
        _ => "map[string]interface {}",
    }
}

/// The check install, upgrade and template make (`ToRenderValuesWithSchemaValidation`).
pub fn check_values(c: &Chart, values: &Value) -> Result<(), String> {
    match validate_chart(c, values, 0)? {
        None => Ok(()),
        Some(e) => Err(format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(schema: Value, values: Value) -> Option<String> {
        validate_single(&values, schema.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn one_failure_per_line() {
        let s = json!({"type": "object", "required": ["image"],
            "properties": {"replicaCount": {"type": "integer", "minimum": 1},
                "name": {"type": "string", "maxLength": 3}}});
        assert_eq!(
            check(s.clone(), json!({"image": {}, "replicaCount": "3"})).as_deref(),
            Some("- at '/replicaCount': got string, want integer\n")
        );
        assert_eq!(
            check(s.clone(), json!({"replicaCount": 0, "name": "abcd"})).as_deref(),
            Some(
                "- at '': missing property 'image'\n- at '/name': maxLength: got 4, want 3\n- at '/replicaCount': minimum: got 0, want 1\n"
            )
        );
        assert_eq!(check(s, json!({"image": {}, "replicaCount": 2.0})), None);
    }

    #[test]
    fn nested_groups_and_enums() {
        let s = json!({"required": ["x"], "properties": {"image": {"additionalProperties": false,
            "properties": {"pullPolicy": {"enum": ["Always", "IfNotPresent"]}}}}});
        // The root's only failure is a group: the library lists its causes at the top.
        assert_eq!(
            check(
                s.clone(),
                json!({"x": 1, "image": {"pullPolicy": "x", "tag2": 1}})
            )
            .as_deref(),
            Some(
                "- at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent'\n- at '/image': additional properties 'tag2' not allowed\n"
            )
        );
        assert_eq!(
            check(s, json!({"image": {"pullPolicy": "x", "tag2": 1}})).as_deref(),
            Some(
                "- at '': missing property 'x'\n- at '/image': validation failed\n  - at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent'\n  - at '/image': additional properties 'tag2' not allowed\n"
            )
        );
    }

    #[test]
    fn unsupported_keywords_are_refused() {
        let e = validate_single(&json!({}), br#"{"anyOf": []}"#).unwrap_err();
        assert!(e.contains("keyword anyOf"), "{e}");
    }
}
