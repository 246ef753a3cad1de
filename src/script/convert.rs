//! API objects (`serde_json::Value`) to Rhai values and back, keeping the real field names.

use rhai::{Dynamic, EvalAltResult, Map};
use serde_json::Value;

/// A JSON value as a Rhai value (maps keep keys; integers stay integers).
pub fn to_dynamic(v: &Value) -> Dynamic {
    match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => Dynamic::from_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Dynamic::from_int(i),
            None => Dynamic::from_float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => Dynamic::from(rhai::ImmutableString::from(s.as_str())),
        Value::Array(a) => Dynamic::from_array(a.iter().map(to_dynamic).collect()),
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.as_str().into(), to_dynamic(v));
            }
            Dynamic::from_map(out)
        }
    }
}

/// A Rhai value as JSON; functions and custom types are rejected.
pub fn from_dynamic(d: &Dynamic) -> Result<Value, Box<EvalAltResult>> {
    if d.is_unit() {
        return Ok(Value::Null);
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Value::from(i));
    }
    if let Ok(f) = d.as_float() {
        return Ok(serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null));
    }
    if d.is_string() {
        return Ok(Value::String(d.clone().into_string().unwrap_or_default()));
    }
    if d.is_char() {
        return Ok(Value::String(
            d.as_char().map(|c| c.to_string()).unwrap_or_default(),
        ));
    }
    if d.is_array() {
        let a = d.clone().into_array().unwrap_or_default();
        return a
            .iter()
            .map(from_dynamic)
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array);
    }
    if d.is_map() {
        let m = d.clone().cast::<Map>();
        let mut out = serde_json::Map::new();
        for (k, v) in m.iter() {
            out.insert(k.to_string(), from_dynamic(v)?);
        }
        return Ok(Value::Object(out));
    }
    Err(format!(
        "cannot turn a value of type {} into an API object field",
        d.type_name()
    )
    .into())
}
