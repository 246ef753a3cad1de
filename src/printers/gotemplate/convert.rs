//! JSON values to template values and back.
//!
//! Both kubectl (`json.Unmarshal` of the object into `map[string]interface{}`) and Helm
//! (`sigs.k8s.io/yaml` values) hand templates Go `interface{}` data in which every JSON number
//! is a `float64`: [`from_json`] therefore makes every number a [`Value::Float`], so
//! `{{.spec.replicas}}` prints `1` and a million prints `1e+06`, as Go does.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::Value;
use serde_json::{Map, Number, Value as Json};

/// JSON → template data, every number a float64.
pub fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        Json::String(s) => Value::String(Arc::from(s.as_str())),
        Json::Array(a) => Value::List(a.iter().map(from_json).collect::<Vec<_>>().into()),
        Json::Object(m) => Value::Map(Arc::new(
            m.iter()
                .map(|(k, v)| (Arc::from(k.as_str()), from_json(v)))
                .collect::<BTreeMap<_, _>>(),
        )),
    }
}

/// JSON → template data keeping integers as `int64` (Helm's `--set` values, `.Release.Revision`).
pub fn from_json_typed(v: &Json) -> Value {
    match v {
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::Uint(u),
            _ => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        Json::Array(a) => Value::List(a.iter().map(from_json_typed).collect::<Vec<_>>().into()),
        Json::Object(m) => Value::Map(Arc::new(
            m.iter()
                .map(|(k, v)| (Arc::from(k.as_str()), from_json_typed(v)))
                .collect::<BTreeMap<_, _>>(),
        )),
        other => from_json(other),
    }
}

/// Template data → JSON (what Go's `json.Marshal` sees): functions become null, non-finite
/// floats null (Go's encoder would fail on them; callers that care check first).
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Nil | Value::Function(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Number((*i).into()),
        Value::Uint(u) => Json::Number((*u).into()),
        Value::Float(f) => Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Value::String(s) => Json::String(s.to_string()),
        Value::List(l) => Json::Array(l.iter().map(to_json).collect()),
        Value::Map(m) => {
            let mut out = Map::new();
            for (k, v) in m.iter() {
                out.insert(k.to_string(), to_json(v));
            }
            Json::Object(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_floats_and_print_as_go() {
        let v = from_json(&serde_json::json!({"a": 1, "b": 1000000, "c": 0.5}));
        let Value::Map(m) = v else { panic!() };
        assert_eq!(m["a"].to_string(), "1");
        assert_eq!(m["b"].to_string(), "1e+06");
        assert_eq!(m["c"].to_string(), "0.5");
    }

    #[test]
    fn round_trip() {
        let j = serde_json::json!({"a": [1.5, "x", null, true], "b": {"c": 2.5}});
        assert_eq!(to_json(&from_json(&j)), j);
    }
}
