//! How Go's `fmt` prints a decoded JSON value (`map[string]interface{}` and friends) in
//! client-go's jsonpath errors: the `%v` of its type, `%v` and `%#v` of the value.

use serde_json::{Number, Value};

use crate::world::api::gocmp::quote;

/// Go's `reflect.Type` name of a decoded JSON value (`%v` of `value.Type()`).
pub(super) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map[string]interface {}",
        Value::Array(_) => "[]interface {}",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::Null => "interface {}",
    }
}

fn number(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if n.is_f64() => crate::printers::go_number::format_float_g(f),
        _ => n.to_string(),
    }
}

fn sorted(m: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut all: Vec<(&String, &Value)> = m.iter().collect();
    all.sort_by(|a, b| a.0.cmp(b.0));
    all
}

/// `%v`: maps as `map[k:v ...]` sorted by key, lists as `[a b]`, nil as `<nil>`.
pub(super) fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => number(n),
        Value::Array(a) => format!("[{}]", a.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let parts: Vec<String> = sorted(m)
                .into_iter()
                .map(|(k, v)| format!("{k}:{}", go_value(v)))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// `%#v` of the object handed to the jsonpath engine (cli-runtime's jsonpath printer prints it
/// after an execution error): `map[string]interface {}{"k":v, ...}`, `[]interface {}{...}`,
/// `interface {}(nil)` for a null inside a map or list.
pub fn go_syntax(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => quote(s),
        Value::Number(n) => number(n),
        Value::Array(a) => format!(
            "[]interface {{}}{{{}}}",
            a.iter().map(go_syntax).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => {
            let parts: Vec<String> = sorted(m)
                .into_iter()
                .map(|(k, v)| format!("{}:{}", quote(k), go_syntax(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_as_go_fmt() {
        let v = json!({"b": [1, "x", null], "a": {"c": true, "d": 0.5}});
        assert_eq!(go_value(&v), "map[a:map[c:true d:0.5] b:[1 x <nil>]]");
        assert_eq!(
            go_syntax(&v),
            "map[string]interface {}{\"a\":map[string]interface {}{\"c\":true, \"d\":0.5}, \"b\":[]interface {}{1, \"x\", interface {}(nil)}}"
        );
        assert_eq!(go_type(&json!(3.0)), "float64");
        assert_eq!(go_type(&json!(3)), "int64");
    }
}
