//! Reading and writing fields of API objects kept as `serde_json::Value` with real field names.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The value at a path of map keys (and array indices for arrays), e.g.
/// `path(obj, &["spec", "containers", "0", "image"])`.
pub fn path<'a>(obj: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    let mut cur = obj;
    for k in keys {
        cur = match cur {
            Value::Object(m) => field(m, k)?,
            Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A field of an object. Objects' maps are small: comparing lengths first and bytes only on
/// a length match beats the ordered search, which calls `memcmp` for every key it passes.
pub fn field<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if m.len() > 16 {
        return m.get(key);
    }
    m.iter()
        .find(|(k, _)| k.len() == key.len() && k.as_bytes() == key.as_bytes())
        .map(|(_, v)| v)
}

/// [`field`], mutable.
pub fn field_mut<'a>(m: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    if m.len() > 16 {
        return m.get_mut(key);
    }
    m.iter_mut()
        .find(|(k, _)| k.len() == key.len() && k.as_bytes() == key.as_bytes())
        .map(|(_, v)| v)
}

/// [`field`] as a method: `obj.field("name")` where `obj.field("name")` would search the map.
pub trait Field {
    /// The field `key` of an object; None for anything else.
    fn field(&self, key: &str) -> Option<&Value>;
}

impl Field for Map<String, Value> {
    fn field(&self, key: &str) -> Option<&Value> {
        field(self, key)
    }
}

impl Field for Value {
    fn field(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => field(m, key),
            _ => None,
        }
    }
}

/// Mutable access to a path, creating empty maps on the way (and replacing non-maps).
pub fn path_mut<'a>(obj: &'a mut Value, keys: &[&str]) -> &'a mut Value {
    let mut cur = obj;
    for k in keys {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        cur = cur
            .as_object_mut()
            .expect("made an object just above")
            .entry(k.to_string())
            .or_insert(Value::Null);
    }
    cur
}

/// An object from its fields, built in one pass (`Map::from_iter` sorts once and bulk-builds
/// the tree, where one insert per field searches the tree each time). For objects built by
/// the thousand: events, pod statuses.
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Sets a path to a value, creating maps on the way.
pub fn set_path(obj: &mut Value, keys: &[&str], v: Value) {
    *path_mut(obj, keys) = v;
}

/// Removes the last key of a path; true if something was removed.
pub fn remove_path(obj: &mut Value, keys: &[&str]) -> bool {
    let Some((last, parent)) = keys.split_last() else {
        return false;
    };
    let mut cur = obj;
    for k in parent {
        match cur.as_object_mut().and_then(|m| m.get_mut(*k)) {
            Some(v) => cur = v,
            None => return false,
        }
    }
    cur.as_object_mut()
        .map(|m| m.remove(*last).is_some())
        .unwrap_or(false)
}

/// A string at a path.
pub fn str_at<'a>(obj: &'a Value, keys: &[&str]) -> Option<&'a str> {
    path(obj, keys)?.as_str()
}

/// An integer at a path (accepts floats with no fraction).
pub fn int_at(obj: &Value, keys: &[&str]) -> Option<i64> {
    let v = path(obj, keys)?;
    v.as_i64()
        .or_else(|| v.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
}

/// A bool at a path.
pub fn bool_at(obj: &Value, keys: &[&str]) -> Option<bool> {
    path(obj, keys)?.as_bool()
}

/// `metadata.name` (empty when missing).
pub fn name(obj: &Value) -> &str {
    str_at(obj, &["metadata", "name"]).unwrap_or("")
}

/// `metadata.namespace` (empty when missing).
pub fn namespace(obj: &Value) -> &str {
    str_at(obj, &["metadata", "namespace"]).unwrap_or("")
}

/// `metadata.uid` (empty when missing).
pub fn uid(obj: &Value) -> &str {
    str_at(obj, &["metadata", "uid"]).unwrap_or("")
}

/// `kind` (empty when missing).
pub fn kind(obj: &Value) -> &str {
    obj.field("kind").and_then(Value::as_str).unwrap_or("")
}

/// A string map (labels, annotations, selectors) at a path; non-string values are skipped.
pub fn string_map(obj: &Value, keys: &[&str]) -> BTreeMap<String, String> {
    path(obj, keys)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// `metadata.labels` as a map.
pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    string_map(obj, &["metadata", "labels"])
}

/// `metadata.annotations` as a map.
pub fn annotations(obj: &Value) -> BTreeMap<String, String> {
    string_map(obj, &["metadata", "annotations"])
}

/// One annotation.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    path(obj, &["metadata", "annotations"])?.get(key)?.as_str()
}

/// Sets one annotation.
pub fn set_annotation(obj: &mut Value, key: &str, value: &str) {
    let a = path_mut(obj, &["metadata", "annotations"]);
    if !a.is_object() {
        *a = json!({});
    }
    if let Some(m) = a.as_object_mut() {
        m.insert(key.to_string(), Value::String(value.to_string()));
    }
}

/// Removes one annotation (and an emptied annotations map).
pub fn remove_annotation(obj: &mut Value, key: &str) {
    if let Some(m) = path_mut(obj, &["metadata", "annotations"]).as_object_mut() {
        m.remove(key);
        if m.is_empty() {
            remove_path(obj, &["metadata", "annotations"]);
        }
    } else {
        remove_path(obj, &["metadata", "annotations"]);
    }
}

/// A string map as a JSON object.
pub fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The controller owner reference (`controller: true`), as (kind, name, uid).
pub fn controller_of(obj: &Value) -> Option<(String, String, String)> {
    path(obj, &["metadata", "ownerReferences"])?
        .as_array()?
        .iter()
        .find_map(|r| {
            if r.field("controller").and_then(Value::as_bool) != Some(true) {
                return None;
            }
            Some((
                r.field("kind")?.as_str()?.to_string(),
                r.field("name")?.as_str()?.to_string(),
                r.field("uid")?.as_str()?.to_string(),
            ))
        })
}

/// The uid of the controller owner reference, borrowed (no allocation).
pub fn controller_uid(obj: &Value) -> Option<&str> {
    path(obj, &["metadata", "ownerReferences"])?
        .as_array()?
        .iter()
        .find(|r| r.field("controller").and_then(Value::as_bool) == Some(true))?
        .field("uid")?
        .as_str()
}

/// Whether any owner reference points at `uid`.
pub fn owned_by(obj: &Value, uid: &str) -> bool {
    path(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|r| r.field("uid").and_then(Value::as_str) == Some(uid))
        })
}

/// The uids of every owner reference.
pub fn owner_uids(obj: &Value) -> Vec<String> {
    path(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.field("uid")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A controller owner reference pointing at `owner`.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": owner.field("apiVersion").cloned().unwrap_or(Value::Null),
        "blockOwnerDeletion": true,
        "controller": true,
        "kind": kind(owner),
        "name": name(owner),
        "uid": uid(owner),
    })
}

/// Whether `metadata.deletionTimestamp` is set.
pub fn is_deleting(obj: &Value) -> bool {
    path(obj, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
}

/// A condition of `status.conditions` by type.
pub fn condition<'a>(obj: &'a Value, cond_type: &str) -> Option<&'a Value> {
    path(obj, &["status", "conditions"])?
        .as_array()?
        .iter()
        .find(|c| c.field("type").and_then(Value::as_str) == Some(cond_type))
}

/// An int-or-percent value (`maxSurge`), scaled against `total` with rounding up or down,
/// as `intstr.GetScaledValueFromIntOrPercent`. None if malformed.
pub fn scaled_int_or_percent(v: Option<&Value>, total: i64, round_up: bool) -> Option<i64> {
    match v {
        None | Some(Value::Null) => Some(0),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => {
            if let Some(p) = s.strip_suffix('%') {
                let p: i64 = p.parse().ok()?;
                let x = p * total;
                Some(if round_up {
                    (x + 99).div_euclid(100)
                } else {
                    x.div_euclid(100)
                })
            } else {
                // A plain string number is accepted by intstr parsing for ints-as-strings.
                s.parse().ok()
            }
        }
        _ => None,
    }
}

/// The number of the container port called `name` in a pod's containers (a Service's named
/// `targetPort`), if one is.
pub fn container_port_named(pod: &Value, name: &str) -> Option<i64> {
    path(pod, &["spec", "containers"])?
        .as_array()?
        .iter()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name))?
        .get("containerPort")?
        .as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_annotations() {
        let mut o = json!({"metadata": {"name": "x"}});
        set_path(&mut o, &["spec", "replicas"], json!(3));
        assert_eq!(int_at(&o, &["spec", "replicas"]), Some(3));
        set_annotation(&mut o, "a", "1");
        assert_eq!(annotation(&o, "a"), Some("1"));
        remove_annotation(&mut o, "a");
        assert!(path(&o, &["metadata", "annotations"]).is_none());
        assert!(remove_path(&mut o, &["spec", "replicas"]));
    }

    #[test]
    fn percent_rounding() {
        let v = json!("25%");
        assert_eq!(scaled_int_or_percent(Some(&v), 10, true), Some(3));
        assert_eq!(scaled_int_or_percent(Some(&v), 10, false), Some(2));
        assert_eq!(scaled_int_or_percent(Some(&json!(2)), 10, false), Some(2));
    }

    /// The linear field lookup finds exactly what the map's own search finds, in small maps
    /// (same-length keys included) and in large ones.
    #[test]
    fn field_agrees_with_get() {
        for n in [0usize, 1, 5, 16, 17, 40] {
            let m: Map<String, Value> = (0..n)
                .map(|i| (format!("k{}{i}", "x".repeat(i % 7)), json!(i)))
                .collect();
            let mut probes: Vec<String> = m.keys().cloned().collect();
            probes.extend(["", "k", "kx", "k0x", "zzzz"].map(String::from));
            for p in &probes {
                assert_eq!(field(&m, p), m.get(p.as_str()), "{n} keys, {p:?}");
            }
        }
    }
}
