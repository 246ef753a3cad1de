//! `kubectl ... -o json`, byte for byte.
//!
//! kubectl's JSON printer (`cli-runtime pkg/printers/json.go`) is `json.MarshalIndent(obj, "",
//! "    ")` plus a newline. Two orders occur:
//! - objects read from the server or from files are unstructured maps, so keys are sorted by
//!   bytes ([`to_json_sorted`], [`to_json_list`]);
//! - objects kubectl builds itself (`create deployment|configmap|secret|namespace|service|job|
//!   cronjob|serviceaccount`, `run`, `expose` with `--dry-run=client -o json`) are Go structs,
//!   printed in struct field order ([`to_json_typed`], tables in
//!   [`crate::printers::typed_order`]).
//!
//! Go's string escaping is reproduced: `"` and `\` escaped, `\b \f \n \r \t` short forms (Go ≥
//! 1.22), other control characters as `\u00XX` (lower-case hex), `<`, `>`, `&` as `\u003c`,
//! `\u003e`, `\u0026`, and U+2028/U+2029 as `\u2028`/`\u2029`. DEL and other characters are raw.
//! Numbers: integers as they are, floats as Go writes a `float64` (`1e+21`, `1e-7`, `-0`).
//! Empty objects and arrays print as `{}` and `[]`.

use serde_json::{Map, Value, json};

use super::go_number::go_json_number;
use super::typed_order::{Shape, shape_for_object};

/// The object as `kubectl get -o json` prints it: keys sorted, 4-space indent, trailing newline.
pub fn to_json_sorted(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Shape::Leaf, 0, false);
    out.push('\n');
    out
}

/// `kubectl get -o json` for several objects: a `v1` `List` with `metadata.resourceVersion: ""`.
pub fn to_json_list(items: &[Value]) -> String {
    to_json_sorted(&list_object(items))
}

/// The object as kubectl prints an object it built client-side (Go struct field order). Kinds
/// without a table, and keys a table does not know, fall back to sorted order after the known
/// keys.
pub fn to_json_typed(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, shape_for_object(value), 0, true);
    out.push('\n');
    out
}

/// Compact Go `json.Marshal` of an object kubectl built (struct field order), as stored in
/// `last-applied-configuration` by `create --save-config`.
pub fn to_json_typed_compact(value: &Value) -> String {
    let mut out = String::new();
    write_value_c(&mut out, value, shape_for_object(value), 0, true, true);
    out
}

/// Compact Go `json.Marshal` of an unstructured object (keys sorted).
pub fn to_json_compact(value: &Value) -> String {
    let mut out = String::new();
    write_value_c(&mut out, value, Shape::Leaf, 0, false, true);
    out
}

/// The `List` kubectl wraps several objects in for `-o json|yaml`.
pub fn list_object(items: &[Value]) -> Value {
    json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// Writes `value` at `depth` (4 spaces per level). `typed` selects struct order for objects.
fn write_value(out: &mut String, value: &Value, shape: Shape, depth: usize, typed: bool) {
    write_value_c(out, value, shape, depth, typed, false)
}

fn write_value_c(
    out: &mut String,
    value: &Value,
    shape: Shape,
    depth: usize,
    typed: bool,
    compact: bool,
) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_json_number(n)),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !compact {
                    newline(out, depth + 1);
                }
                write_value_c(out, item, shape.element(), depth + 1, typed, compact);
            }
            if !compact {
                newline(out, depth);
            }
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, child, child_shape)) in ordered(map, shape, typed).into_iter().enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                if !compact {
                    newline(out, depth + 1);
                }
                write_string(out, key);
                out.push_str(if compact { ":" } else { ": " });
                write_value_c(out, child, child_shape, depth + 1, typed, compact);
            }
            if !compact {
                newline(out, depth);
            }
            out.push('}');
        }
    }
}

/// The entries of an object in output order, each with the shape of its value.
fn ordered(map: &Map<String, Value>, shape: Shape, typed: bool) -> Vec<(&String, &Value, Shape)> {
    let fields = match shape.fields() {
        Some(fields) if typed => fields,
        // Maps (labels, data, ...) and unknown objects: Go sorts map keys by bytes.
        _ => {
            let value_shape = shape.map_value();
            return map.iter().map(|(k, v)| (k, v, value_shape)).collect();
        }
    };
    let mut out: Vec<(&String, &Value, Shape)> = Vec::with_capacity(map.len());
    for field in fields {
        if let Some((k, v)) = map.get_key_value(field.name) {
            out.push((k, v, field.shape));
        }
    }
    for (k, v) in map {
        if !fields.iter().any(|f| f.name == k) {
            out.push((k, v, Shape::Leaf));
        }
    }
    out
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("    ");
    }
}

/// Go `encoding/json` string encoding with HTML escaping.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = c as u32;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize & 0xF] as char);
                out.push(HEX[b as usize & 0xF] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_json_like_kubectl_get() {
        let v = json!({"b": [], "a": {"z": "<&>\u{2028}\u{1}\u{7f}", "y": {}}, "c": [1, 2.5, 1e21, -0.0]});
        assert_eq!(
            to_json_sorted(&v),
            "{\n    \"a\": {\n        \"y\": {},\n        \"z\": \"\\u003c\\u0026\\u003e\\u2028\\u0001\u{7f}\"\n    },\n    \"b\": [],\n    \"c\": [\n        1,\n        2.5,\n        1e+21,\n        -0\n    ]\n}\n"
        );
    }
}
