//! Strategic merge patch (`apimachinery pkg/util/strategicpatch/patch.go`): maps merge
//! recursively, `null` deletes, lists with a merge key merge item by item (`$patch: delete`
//! removes one), lists without one are replaced, `finalizers` merge as a set, and the
//! `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/…` and `$setElementOrder/…` directives.

use serde_json::{Map, Value};

use super::PatchError;

/// The merge key of a list field, by field name and the shape of its items (the
/// `patchMergeKey` tags of the built-in API types).
pub fn merge_key(field: &str, sample: Option<&Value>) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "env"
        | "tags"
        | "resourceClaims" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "ownerReferences" => Some("uid"),
        "conditions" => Some("type"),
        "hostAliases" => Some("ip"),
        "ports" => match sample {
            Some(s) if s.get("containerPort").is_some() => Some("containerPort"),
            _ => Some("port"),
        },
        _ => None,
    }
}

fn primitive_set(field: &str) -> bool {
    field == "finalizers"
}

/// Applies a strategic merge patch to `target` (kind decides nothing special today but is kept
/// for custom types that have no merge keys).
pub fn strategic_merge(_kind: &str, target: &Value, patch: &Value) -> Result<Value, PatchError> {
    merge_value("", target, patch)
}

fn merge_value(field: &str, target: &Value, patch: &Value) -> Result<Value, PatchError> {
    match (target, patch) {
        (_, Value::Object(p)) => {
            let empty = Map::new();
            let t = target.as_object().unwrap_or(&empty);
            merge_map(t, p).map(|m| m.map(Value::Object).unwrap_or(Value::Null))
        }
        (Value::Array(t), Value::Array(p)) => merge_list(field, t, p).map(Value::Array),
        (_, p) => Ok(p.clone()),
    }
}

/// Merges maps; Ok(None) means the map itself is deleted (`$patch: delete`).
fn merge_map(
    target: &Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>, PatchError> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("delete") => return Ok(None),
        Some("replace") => {
            let mut m = patch.clone();
            m.remove("$patch");
            return Ok(Some(m));
        }
        Some("merge") | None => {}
        Some(other) => return Err(PatchError(format!("Unknown patch type: {other}"))),
    }
    let mut out = target.clone();
    if let Some(keep) = patch.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        out.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (k, v) in patch {
        if k == "$patch" || k == "$retainKeys" || k.starts_with("$setElementOrder/") {
            continue;
        }
        if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(cur)), Some(del)) = (out.get_mut(field), v.as_array()) {
                cur.retain(|x| !del.contains(x));
            }
            continue;
        }
        if v.is_null() {
            out.remove(k);
            continue;
        }
        let cur = out.get(k).cloned().unwrap_or(Value::Null);
        let merged = merge_value(k, &cur, v)?;
        if merged.is_null() && v.is_object() {
            out.remove(k);
        } else {
            out.insert(k.clone(), merged);
        }
    }
    Ok(Some(out))
}

fn merge_list(field: &str, target: &[Value], patch: &[Value]) -> Result<Vec<Value>, PatchError> {
    if let Some(directive) = patch
        .iter()
        .find_map(|p| p.get("$patch").and_then(Value::as_str))
        && directive == "replace"
    {
        return Ok(patch
            .iter()
            .filter(|p| p.get("$patch").is_none())
            .cloned()
            .collect());
    }
    if primitive_set(field) {
        let mut out = target.to_vec();
        for p in patch {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        return Ok(out);
    }
    let Some(key) = merge_key(field, patch.first().or(target.first()))
        .filter(|_| patch.iter().all(Value::is_object))
    else {
        return Ok(patch.to_vec());
    };
    let mut out: Vec<Value> = target.to_vec();
    for p in patch {
        let Some(pm) = p.as_object() else { continue };
        let Some(id) = pm.get(key) else {
            return Err(PatchError(format!(
                "map: {} does not contain declared merge key: {key}",
                Value::Object(pm.clone())
            )));
        };
        let pos = out.iter().position(|t| t.get(key) == Some(id));
        if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
            if let Some(i) = pos {
                out.remove(i);
            }
            continue;
        }
        match pos {
            Some(i) => {
                let cur = out[i].as_object().cloned().unwrap_or_default();
                match merge_map(&cur, pm)? {
                    Some(m) => out[i] = Value::Object(m),
                    None => {
                        out.remove(i);
                    }
                }
            }
            None => {
                let mut m = pm.clone();
                m.remove("$patch");
                out.push(Value::Object(m));
            }
        }
    }
    Ok(out)
}

/// The strategic patch that turns `original` into `modified` for fields `modified` no longer
/// sets (deletions), plus every field `modified` sets: what `kubectl apply` sends.
pub fn three_way_patch(original: Option<&Value>, modified: &Value) -> Value {
    fn go(field: &str, original: Option<&Value>, modified: &Value) -> Value {
        match (original, modified) {
            (Some(Value::Object(o)), Value::Object(m)) => {
                let mut out = Map::new();
                for k in o.keys() {
                    if !m.contains_key(k) {
                        out.insert(k.clone(), Value::Null);
                    }
                }
                for (k, v) in m {
                    out.insert(k.clone(), go(k, o.get(k), v));
                }
                Value::Object(out)
            }
            (Some(Value::Array(o)), Value::Array(m)) => {
                let Some(key) = merge_key(field, m.first().or(o.first()))
                    .filter(|_| m.iter().chain(o.iter()).all(Value::is_object))
                else {
                    return modified.clone();
                };
                let mut out: Vec<Value> = m
                    .iter()
                    .map(|item| {
                        let prev = o.iter().find(|x| x.get(key) == item.get(key));
                        go("", prev, item)
                    })
                    .collect();
                for prev in o {
                    if !m.iter().any(|x| x.get(key) == prev.get(key))
                        && let Some(id) = prev.get(key)
                    {
                        let mut d = Map::new();
                        d.insert("$patch".into(), Value::String("delete".into()));
                        d.insert(key.into(), id.clone());
                        out.push(Value::Object(d));
                    }
                }
                Value::Array(out)
            }
            _ => modified.clone(),
        }
    }
    go("", original, modified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name() {
        let d = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x", "env": [{"name": "A", "value": "1"}]}, {"name": "b", "image": "y"}]}}}});
        let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "z", "env": [{"name": "B", "value": "2"}]}]}}}});
        let r = strategic_merge("Deployment", &d, &p).unwrap();
        let cs = &r["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs[0]["image"], "z");
        assert_eq!(cs[0]["env"].as_array().unwrap().len(), 2);
        assert_eq!(cs[1]["image"], "y");
        let del = json!({"spec": {"template": {"spec": {"containers": [{"name": "b", "$patch": "delete"}]}}}});
        let r = strategic_merge("Deployment", &d, &del).unwrap();
        assert_eq!(
            r["spec"]["template"]["spec"]["containers"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        let r = strategic_merge(
            "Deployment",
            &json!({"spec": {"minReadySeconds": 0}}),
            &json!({"spec": {"minReadySeconds": 10}}),
        )
        .unwrap();
        assert_eq!(r["spec"]["minReadySeconds"], 10);
    }

    #[test]
    fn apply_deletes_what_the_manifest_dropped() {
        let original =
            json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"replicas": 3}});
        let modified = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 3}});
        let live = json!({"metadata": {"labels": {"a": "1", "b": "2", "c": "3"}}, "spec": {"replicas": 5, "paused": true}});
        let p = three_way_patch(Some(&original), &modified);
        let r = strategic_merge("Deployment", &live, &p).unwrap();
        assert_eq!(r["metadata"]["labels"], json!({"a": "1", "c": "3"}));
        assert_eq!(r["spec"]["replicas"], 3);
        assert_eq!(r["spec"]["paused"], true);
    }
}
