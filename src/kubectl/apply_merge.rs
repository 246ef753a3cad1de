//! `kubectl apply`'s client side: the `last-applied-configuration` annotation and the
//! three-way merge (`strategicpatch.CreateThreeWayMergePatch`).

use serde_json::Value;

use crate::world::api::meta;
use crate::world::api::patch::{PatchError, strategic, strategic_merge};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What kubectl stores in `last-applied-configuration`: the manifest (without the annotation
/// itself) as compact JSON with sorted keys, and a trailing newline.
pub fn last_applied_annotation(manifest: &Value) -> String {
    let mut m = manifest.clone();
    meta::remove_annotation(&mut m, LAST_APPLIED);
    let mut s = crate::printers::json::to_json_compact(&m);
    s.push('\n');
    s
}

/// The annotation for an object kubectl built itself (`create deployment --save-config`): Go
/// struct field order, with kubectl's trailing newline.
pub fn last_applied_typed(obj: &Value) -> String {
    let mut m = obj.clone();
    meta::remove_annotation(&mut m, LAST_APPLIED);
    let mut s = crate::printers::json::to_json_typed_compact(&m);
    s.push('\n');
    s
}

/// The apply patch and the object it produces from `current`.
pub fn apply_patch(
    kind: &str,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<(Value, Value), PatchError> {
    let patch = strategic::three_way_patch(original, modified);
    let result = strategic_merge(kind, current, &patch)?;
    Ok((patch, result))
}

/// What `kubectl apply` does to a kind without a strategic merge schema (custom resources):
/// a three-way JSON merge patch (`jsonmergepatch.CreateThreeWayJSONMergePatch`: fields the
/// last-applied configuration had and the manifest dropped become `null`, lists are replaced
/// whole) applied to `current` as RFC 7386 says. The patch and the result.
pub fn apply_json_merge(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> (Value, Value) {
    fn go(original: Option<&Value>, modified: &Value, depth: usize) -> Value {
        match (original, modified) {
            (Some(Value::Object(o)), Value::Object(m)) if depth < 64 => {
                let mut out = serde_json::Map::new();
                for k in o.keys() {
                    if !m.contains_key(k) {
                        out.insert(k.clone(), Value::Null);
                    }
                }
                for (k, v) in m {
                    out.insert(k.clone(), go(o.get(k), v, depth + 1));
                }
                Value::Object(out)
            }
            _ => modified.clone(),
        }
    }
    let patch = go(original, modified, 0);
    let result = crate::world::api::patch::merge_patch(current, &patch);
    (patch, result)
}

/// The patch as kubectl's `CreateThreeWayMergePatch` sends it, for messages that show it: the
/// apply patch without what `current` already has (kubelab applies the fuller patch of
/// [`apply_patch`], to the same result). Lists that differ are shown whole (kubectl would add
/// `$setElementOrder` directives).
pub fn sent_patch(patch: &Value, current: &Value) -> Value {
    match (patch, current) {
        (Value::Object(p), Value::Object(c)) => {
            let mut out = serde_json::Map::new();
            for (k, v) in p {
                match c.get(k) {
                    Some(cur) if cur == v => {}
                    Some(cur)
                        if (v.is_object() && cur.is_object())
                            || (v.is_array() && cur.is_array()) =>
                    {
                        let inner = sent_patch(v, cur);
                        if inner.as_object().is_some_and(|m| !m.is_empty()) {
                            out.insert(k.clone(), inner);
                        }
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            Value::Object(out)
        }
        // A list of objects whose items only restate what the live items hold (plus what the
        // server defaulted) is no change.
        (Value::Array(p), Value::Array(c))
            if p.len() == c.len()
                && p.iter().zip(c).all(|(pi, ci)| {
                    pi.is_object() && sent_patch(pi, ci).as_object().is_some_and(|m| m.is_empty())
                }) =>
        {
            Value::Object(serde_json::Map::new())
        }
        _ => patch.clone(),
    }
}

#[cfg(test)]
mod sent_patch_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changes_and_deletions() {
        let patch = json!({"apiVersion": "v1", "data": {"a": "2", "b": null}, "foo": 1,
            "metadata": {"name": "x", "annotations": {"k": "new"}}});
        let current = json!({"apiVersion": "v1", "data": {"a": "1", "b": "x"},
            "metadata": {"name": "x", "annotations": {"k": "old"}}});
        assert_eq!(
            sent_patch(&patch, &current),
            json!({"data": {"a": "2", "b": null}, "foo": 1, "metadata": {"annotations": {"k": "new"}}})
        );
    }
}
