//! Chart values: `values.yaml` and `-f` files parsed as Helm reads them (`sigs.k8s.io/yaml` on
//! go-yaml v2: YAML 1.1 scalars, every number a float64), `--set`/`--set-string` (Helm's
//! `strvals`: integers stay int64), merged and coalesced as `pkg/cli/values` and
//! `pkg/chartutil/coalesce.go` do.

use serde_json::{Map, Number, Value};

/// A source of user values, in the order the command line gave them (Helm applies `-f` files
/// first, then `--set`, then `--set-string`; the caller orders them so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserValues {
    /// The text of a `-f` values file.
    File(String),
    /// One `--set` argument (`a.b=1,c={x,y}`).
    Set(String),
    /// One `--set-string` argument.
    SetString(String),
    /// One `--set-json` argument.
    SetJson(String),
    /// `--set-file` pairs: the key path and the file's content.
    SetFile(Vec<(String, String)>),
    /// One `--set-literal` argument.
    SetLiteral(String),
}

/// Parses a values document (an empty document is an empty map). Errors are Helm's
/// `error converting YAML to JSON: yaml: line N: ...` texts as kubectl's YAML reader words them.
pub fn parse_values_yaml(text: &str) -> Result<Map<String, Value>, String> {
    let parsed = crate::kubectl::manifest_yaml::yaml_document_to_json(text)
        .map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    match parsed {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => match floats(Value::Object(m)) {
            Value::Object(m) => Ok(m),
            _ => Ok(Map::new()),
        },
        Some(other) => Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// Every number as a float64 (what `json.Unmarshal` into `interface{}` gives).
pub(crate) fn floats(v: Value) -> Value {
    match v {
        Value::Number(n) => {
            Number::from_f64(n.as_f64().unwrap_or(0.0)).map_or(Value::Null, Value::Number)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(floats).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

/// The chart's values overlaid with the user's, as Helm computes them for rendering:
/// user sources merged in order (`-f` files deep-merged, `--set` paths written), then
/// coalesced over the chart's defaults (a user `null` deletes the chart's key).
pub fn coalesce_values(chart_values_yaml: &str, user: &[UserValues]) -> Result<Value, String> {
    let chart = parse_values_yaml(chart_values_yaml)?;
    let mut merged = Map::new();
    for u in user {
        match u {
            UserValues::File(text) => {
                let m = parse_values_yaml(text)?;
                merge_maps(&mut merged, m);
            }
            UserValues::Set(s) => super::strvals::parse_into(s, &mut merged, false)?,
            UserValues::SetString(s) => super::strvals::parse_into(s, &mut merged, true)?,
            UserValues::SetJson(s) => super::strvals::parse_json_into(s, &mut merged)?,
            UserValues::SetFile(pairs) => {
                for (k, content) in pairs {
                    super::strvals::set_string(k, content, &mut merged)
                        .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
                }
            }
            UserValues::SetLiteral(s) => super::strvals::parse_literal_into(s, &mut merged)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?,
        }
    }
    let mut out = merged;
    coalesce_into(&mut out, &chart);
    Ok(Value::Object(out))
}

/// `pkg/cli/values` `mergeMaps`: maps merge recursively, anything else replaces.
pub fn merge_maps(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        match (dst.get_mut(&k), v) {
            (Some(Value::Object(d)), Value::Object(s)) => merge_maps(d, s),
            (_, v) => {
                dst.insert(k, v);
            }
        }
    }
}

/// `chartutil.coalesceValues`: fills `user` with the chart's values it lacks; a user `null`
/// removes the key; maps coalesce recursively; a user scalar over a chart map (or the reverse)
/// keeps the user's value.
pub fn coalesce_into(user: &mut Map<String, Value>, chart: &Map<String, Value>) {
    for (k, cv) in chart {
        match user.get_mut(k) {
            None => {
                user.insert(k.clone(), cv.clone());
            }
            Some(Value::Null) => {
                user.remove(k);
            }
            Some(Value::Object(um)) => {
                if let Value::Object(cm) = cv {
                    coalesce_into(um, cm);
                }
            }
            Some(_) => {}
        }
    }
    // nulls the user set for keys the chart does not have are dropped too
    let nulls: Vec<String> = user
        .iter()
        .filter(|(k, v)| v.is_null() && !chart.contains_key(*k))
        .map(|(k, _)| k.clone())
        .collect();
    for k in nulls {
        user.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numbers_are_floats_and_yaml11_booleans() {
        let m = parse_values_yaml("a: 1\nb: yes\nc: '1'\n").unwrap();
        assert!(m["a"].is_f64());
        assert_eq!(m["b"], Value::Bool(true));
        assert_eq!(m["c"], Value::String("1".into()));
    }

    #[test]
    fn user_values_override_and_null_deletes() {
        let v = coalesce_values(
            "replicaCount: 1\nimage:\n  tag: ''\n  repository: nginx\nx: 1\n",
            &[
                UserValues::File("image:\n  tag: v2\nx: null\n".into()),
                UserValues::Set("replicaCount=3".into()),
            ],
        )
        .unwrap();
        assert_eq!(v["replicaCount"], serde_json::json!(3));
        assert_eq!(v["image"]["tag"], "v2");
        assert_eq!(v["image"]["repository"], "nginx");
        assert!(v.get("x").is_none());
    }
}
