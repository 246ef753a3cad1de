//! A custom resource against its version's `openAPIV3Schema`, as apiextensions-apiserver 1.32
//! handles a request body: pruning of unknown fields (`pkg/apiserver/schema/pruning`: the
//! strict decoding errors when the request asks for them), dropping `null`s where the schema
//! does not allow them, defaulting (`pkg/apiserver/schema/defaulting`), then validation with
//! kube-openapi's validators, whose messages `kubeOpenAPIResultToFieldErrors` turns into field
//! errors (`pkg/apiserver/validation/validation.go`).

use serde_json::{Map, Value};

use super::values::{bad_value, go_float, go_number, json_type};
use crate::world::api::error::{FieldCause, cause};

/// Deepest nesting walked (objects are bounded by kubelab's budget anyway).
const MAX_DEPTH: usize = 64;

fn types_of(s: &Value) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or("")
}

fn flag(s: &Value, key: &str) -> bool {
    s.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Drops what the schema does not declare (keeping `apiVersion`, `kind` and `metadata` at the
/// root and in embedded resources), collecting the dropped fields' paths in document order;
/// drops `null` values the schema does not allow (`nullable` unset) unless a default replaces
/// them.
pub fn prune(obj: &mut Value, schema: &Value) -> Vec<String> {
    let mut unknown = Vec::new();
    prune_at(obj, schema, "", true, &mut unknown, 0);
    unknown
}

fn prune_at(
    v: &mut Value,
    s: &Value,
    path: &str,
    root: bool,
    unknown: &mut Vec<String>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    let preserve = flag(s, "x-kubernetes-preserve-unknown-fields");
    let embedded = root || flag(s, "x-kubernetes-embedded-resource");
    match v {
        Value::Object(m) => {
            let props = s.get("properties").and_then(Value::as_object);
            let additional = s.get("additionalProperties");
            let keys: Vec<String> = m.keys().cloned().collect();
            for k in keys {
                if embedded && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    if let (Some(p), Some(x)) = (props.and_then(|p| p.get(&k)), m.get_mut(&k))
                        && k != "metadata"
                    {
                        prune_at(x, p, &child(path, &k), false, unknown, depth + 1);
                    }
                    continue;
                }
                let sub = props.and_then(|p| p.get(&k)).or(match additional {
                    Some(a @ Value::Object(_)) => Some(a),
                    _ => None,
                });
                match sub {
                    Some(sub) => {
                        let null_dropped = m.get(&k).is_some_and(Value::is_null)
                            && !flag(sub, "nullable")
                            && sub.get("default").is_none();
                        if null_dropped {
                            m.remove(&k);
                            continue;
                        }
                        if let Some(x) = m.get_mut(&k) {
                            prune_at(x, sub, &child(path, &k), false, unknown, depth + 1);
                        }
                    }
                    None if preserve || additional == Some(&Value::Bool(true)) => {}
                    None => {
                        m.remove(&k);
                        unknown.push(child(path, &k));
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = s.get("items") {
                for (i, x) in items.iter_mut().enumerate() {
                    prune_at(
                        x,
                        item_schema,
                        &format!("{path}[{i}]"),
                        false,
                        unknown,
                        depth + 1,
                    );
                }
            }
        }
        _ => {}
    }
}

/// Applies the schema's `default`s to absent fields (and to `null`s of non-nullable fields),
/// outside in, as `structuraldefaulting.Default` does.
pub fn apply_defaults(v: &mut Value, s: &Value) {
    defaults_at(v, s, 0);
}

fn defaults_at(v: &mut Value, s: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(m) => {
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (k, p) in props {
                    let Some(d) = p.get("default") else {
                        continue;
                    };
                    let absent = match m.get(k) {
                        None => true,
                        Some(Value::Null) => !flag(p, "nullable"),
                        _ => false,
                    };
                    if absent {
                        m.insert(k.clone(), d.clone());
                    }
                }
                for (k, p) in props {
                    if let Some(x) = m.get_mut(k) {
                        defaults_at(x, p, depth + 1);
                    }
                }
            } else if let Some(a @ Value::Object(_)) = s.get("additionalProperties") {
                for x in m.values_mut() {
                    defaults_at(x, a, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = s.get("items") {
                for x in items.iter_mut() {
                    defaults_at(x, item, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// Validates a custom resource (after pruning and defaulting) against its schema; causes in
/// the order kube-openapi finds them (properties in name order: upstream walks a Go map, so
/// its order varies from run to run).
pub fn validate(obj: &Value, schema: &Value) -> Vec<FieldCause> {
    let mut out = Vec::new();
    validate_at(obj, schema, "", true, &mut out, 0);
    out
}

fn type_matches(ty: &str, v: &Value) -> bool {
    match ty {
        "" => true,
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => json_type(v) == "integer",
        "number" => v.is_number(),
        _ => true,
    }
}

fn num(s: &Value, key: &str) -> Option<f64> {
    s.get(key).and_then(Value::as_f64)
}

fn int(s: &Value, key: &str) -> Option<i64> {
    s.get(key).and_then(Value::as_i64)
}

fn validate_at(
    v: &Value,
    s: &Value,
    path: &str,
    root: bool,
    out: &mut Vec<FieldCause>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if v.is_null() {
        // A null left after pruning is allowed (`nullable: true`).
        return;
    }
    let ty = types_of(s);
    let int_or_string = flag(s, "x-kubernetes-int-or-string");
    if int_or_string {
        if !(json_type(v) == "integer" || v.is_string()) {
            let got = json_type(v);
            out.push(cause(
                path,
                format!(
                    "Invalid value: \"{got}\": {path} in body must be of type integer,string: \"{got}\""
                ),
            ));
            return;
        }
    } else if !type_matches(ty, v) {
        let got = json_type(v);
        out.push(cause(
            path,
            format!("Invalid value: \"{got}\": {path} in body must be of type {ty}: \"{got}\""),
        ));
        return;
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array)
        && !values.contains(v)
    {
        let supported: Vec<String> = values
            .iter()
            .map(|x| match x {
                Value::String(t) => crate::world::api::gocmp::quote(t),
                other => crate::world::api::gocmp::quote(&other.to_string()),
            })
            .collect();
        out.push(cause(
            path,
            format!(
                "Unsupported value: {}: supported values: {}",
                bad_value(v),
                supported.join(", ")
            ),
        ));
    }
    match v {
        Value::String(text) => {
            let len = text.chars().count() as i64;
            if let Some(max) = int(s, "maxLength")
                && len > max
            {
                out.push(cause(
                    path,
                    format!("Too long: may not be more than {max} bytes"),
                ));
            }
            if let Some(min) = int(s, "minLength")
                && len < min
            {
                out.push(cause(
                    path,
                    format!(
                        "Invalid value: {}: {path} in body should be at least {min} chars long",
                        bad_value(v)
                    ),
                ));
            }
            if let Some(p) = s.get("pattern").and_then(Value::as_str)
                && let Ok(re) = regex::Regex::new(p)
                && !re.is_match(text)
            {
                out.push(cause(
                    path,
                    format!(
                        "Invalid value: {}: {path} in body should match '{p}'",
                        bad_value(v)
                    ),
                ));
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let shown = go_number(n);
            if let Some(max) = num(s, "maximum") {
                let exclusive = flag(s, "exclusiveMaximum");
                if (exclusive && x >= max) || (!exclusive && x > max) {
                    let rel = if exclusive {
                        "less than"
                    } else {
                        "less than or equal to"
                    };
                    out.push(cause(
                        path,
                        format!(
                            "Invalid value: {shown}: {path} in body should be {rel} {}",
                            go_float(max)
                        ),
                    ));
                }
            }
            if let Some(min) = num(s, "minimum") {
                let exclusive = flag(s, "exclusiveMinimum");
                if (exclusive && x <= min) || (!exclusive && x < min) {
                    let rel = if exclusive {
                        "greater than"
                    } else {
                        "greater than or equal to"
                    };
                    out.push(cause(
                        path,
                        format!(
                            "Invalid value: {shown}: {path} in body should be {rel} {}",
                            go_float(min)
                        ),
                    ));
                }
            }
            if let Some(m) = num(s, "multipleOf")
                && m > 0.0
                && (x / m).fract() != 0.0
            {
                out.push(cause(
                    path,
                    format!(
                        "Invalid value: {shown}: {path} in body should be a multiple of {}",
                        go_float(m)
                    ),
                ));
            }
        }
        Value::Array(items) => {
            let len = items.len() as i64;
            if let Some(max) = int(s, "maxItems")
                && len > max
            {
                out.push(cause(
                    path,
                    format!("Too many: {len}: must have at most {max} items"),
                ));
            }
            if let Some(min) = int(s, "minItems")
                && len < min
            {
                out.push(cause(
                    path,
                    format!(
                        "Invalid value: {len}: {path} in body should have at least {min} items"
                    ),
                ));
            }
            if let Some(item) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    validate_at(x, item, &format!("{path}[{i}]"), false, out, depth + 1);
                }
            }
        }
        Value::Object(m) => validate_object(m, s, path, root, out, depth),
        _ => {}
    }
}

fn validate_object(
    m: &Map<String, Value>,
    s: &Value,
    path: &str,
    root: bool,
    out: &mut Vec<FieldCause>,
    depth: usize,
) {
    if let Some(required) = s.get("required").and_then(Value::as_array) {
        for r in required.iter().filter_map(Value::as_str) {
            if !m.contains_key(r) {
                out.push(cause(child(path, r), "Required value"));
            }
        }
    }
    let embedded = root || flag(s, "x-kubernetes-embedded-resource");
    let props = s.get("properties").and_then(Value::as_object);
    for (k, x) in m {
        if embedded && k == "metadata" {
            continue;
        }
        if let Some(p) = props.and_then(|p| p.get(k)) {
            validate_at(x, p, &child(path, k), false, out, depth + 1);
        } else if let Some(a @ Value::Object(_)) = s.get("additionalProperties") {
            validate_at(x, a, &child(path, k), false, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "spec": {"type": "object", "required": ["image"], "properties": {
                "image": {"type": "string"},
                "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                "mode": {"type": "string", "enum": ["Always", "Never"]},
                "name": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
                "tags": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                "port": {"x-kubernetes-int-or-string": true}
            }}
        }})
    }

    fn details(obj: Value) -> Vec<String> {
        let mut obj = obj;
        let s = schema();
        prune(&mut obj, &s);
        apply_defaults(&mut obj, &s);
        validate(&obj, &s)
            .into_iter()
            .map(|c| format!("{}: {}", c.field, c.detail))
            .collect()
    }

    #[test]
    fn messages() {
        assert_eq!(
            details(json!({"spec": {"image": "x", "replicas": "three"}})),
            [
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""
            ]
        );
        assert_eq!(details(json!({"spec": {}})), ["spec.image: Required value"]);
        assert_eq!(
            details(json!({"spec": {"image": "x", "mode": "fast", "replicas": 20}})),
            [
                "spec.mode: Unsupported value: \"fast\": supported values: \"Always\", \"Never\"",
                "spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal to 10"
            ]
        );
        assert_eq!(
            details(json!({"spec": {"image": "x", "name": "ABCDEF", "tags": ["a","b","c","d"]}})),
            [
                "spec.name: Too long: may not be more than 5 bytes",
                "spec.name: Invalid value: \"ABCDEF\": spec.name in body should match '^[a-z]+$'",
                "spec.tags: Too many: 4: must have at most 3 items"
            ]
        );
        assert!(details(json!({"spec": {"image": "x", "port": "http"}})).is_empty());
        assert!(details(json!({"spec": {"image": "x", "port": 80}})).is_empty());
    }

    #[test]
    fn pruning_and_defaults() {
        let s = schema();
        let mut o = json!({"apiVersion": "a/v1", "kind": "K", "metadata": {"name": "x"},
            "spec": {"image": "x", "foo": 1, "free": {"any": {"thing": 1}}, "tags": ["a"]}, "extra": true});
        let unknown = prune(&mut o, &s);
        assert_eq!(unknown, ["extra", "spec.foo"]);
        apply_defaults(&mut o, &s);
        assert_eq!(o["spec"]["replicas"], json!(1));
        assert_eq!(o["spec"]["free"]["any"]["thing"], json!(1));
        assert_eq!(o["metadata"]["name"], json!("x"));
    }
}
