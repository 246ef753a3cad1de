//! How Go prints the values a custom resource's validation reports: `%v` of the JSON values the
//! apiserver's unstructured decoding gives (`int64`, `float64`, `string`, `bool`, maps, slices),
//! as `field.Error` renders them (`apimachinery pkg/util/validation/field/errors.go`).

use serde_json::Value;

use crate::world::api::gocmp::quote;

/// Go's `%v` of a `float64` (`strconv` 'g' with the shortest digits and the `%e` switch at
/// exponents below -4 or from 6 up): `10`, `1.5`, `1e+06`, `1.234567e+06`, `1e-05`.
pub fn go_float(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// A JSON number as Go holds it after decoding into `interface{}` with int64 preference
/// (apimachinery's unstructured JSON): integers plainly, floats with [`go_float`].
pub fn go_number(n: &serde_json::Number) -> String {
    match n.as_i64() {
        Some(i) => i.to_string(),
        None => match n.as_u64() {
            Some(u) => go_float(u as f64),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
    }
}

/// The `BadValue` part of `Invalid value: X` / `Unsupported value: X`: strings quoted, numbers
/// and booleans plain, `null` for null, Go's `%#v` for maps and slices.
pub fn bad_value(v: &Value) -> String {
    match v {
        Value::Null => "\"null\"".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        Value::String(s) => quote(s),
        other => go_sharp_v(other),
    }
}

/// Go's `%#v` of an `interface{}` holding a decoded JSON value.
pub fn go_sharp_v(v: &Value) -> String {
    match v {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => go_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => quote(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(go_sharp_v).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Object(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{}:{}", quote(k), go_sharp_v(x)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", items.join(", "))
        }
    }
}

/// The JSON type name kube-openapi reports for a value (`"string"`, `"integer"`, ...).
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.5);
            if f.fract() == 0.0 {
                "integer"
            } else {
                "number"
            }
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_spellings() {
        assert_eq!(go_float(10.0), "10");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1234567.0), "1.234567e+06");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(0.0001), "0.0001");
        assert_eq!(bad_value(&json!("ABC")), "\"ABC\"");
        assert_eq!(bad_value(&json!(20)), "20");
        assert_eq!(
            go_sharp_v(&json!({"a": [1, "x"]})),
            "map[string]interface {}{\"a\":[]interface {}{1, \"x\"}}"
        );
        assert_eq!(json_type(&json!(1.0)), "integer");
        assert_eq!(json_type(&json!(1.5)), "number");
    }
}
