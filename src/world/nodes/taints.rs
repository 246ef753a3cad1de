//! Taints and tolerations as `k8s.io/api/core/v1` helpers define them (`ToleratesTaint`,
//! `MatchTaint`): what the scheduler, the taint eviction controller and the node lifecycle
//! controller share.

use serde_json::Value;

use crate::world::api::meta::{self, Field};

/// The taint effects a taint may have.
pub const EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// Taint keys the node controllers manage.
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
/// The node reports Ready=False.
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
/// The node stopped reporting (Ready=Unknown).
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";

fn s<'a>(v: &'a Value, f: &str) -> &'a str {
    v.field(f).and_then(Value::as_str).unwrap_or("")
}

/// A node's taints (`spec.taints`).
pub fn of_node(node: &Value) -> &[Value] {
    meta::path(node, &["spec", "taints"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// `Taint.MatchTaint`: same key and effect.
pub fn same(a: &Value, b: &Value) -> bool {
    s(a, "key") == s(b, "key") && s(a, "effect") == s(b, "effect")
}

/// `Toleration.ToleratesTaint`: an empty effect matches every effect, an empty key with
/// `Exists` every key; `Exists` ignores the value, `Equal` (or no operator) compares it.
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let effect = s(toleration, "effect");
    if !effect.is_empty() && effect != s(taint, "effect") {
        return false;
    }
    let key = s(toleration, "key");
    if !key.is_empty() && key != s(taint, "key") {
        return false;
    }
    match s(toleration, "operator") {
        "Exists" => true,
        "" | "Equal" => s(toleration, "value") == s(taint, "value"),
        _ => false,
    }
}

/// A pod's tolerations.
pub fn of_pod(pod: &Value) -> &[Value] {
    meta::path(pod, &["spec", "tolerations"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether any of the pod's tolerations tolerates `taint`.
pub fn pod_tolerates(pod: &Value, taint: &Value) -> bool {
    of_pod(pod).iter().any(|t| tolerates(t, taint))
}

/// What the taint eviction controller decides for a pod on a node with these NoExecute
/// taints (`getMinTolerationTime`): `None` evict now (a taint is not tolerated), `Some(None)`
/// keep forever, `Some(Some(s))` evict `s` seconds after the taint was added (the least of the
/// tolerations' seconds; negative counts as zero).
pub fn min_toleration_seconds(pod: &Value, no_execute: &[&Value]) -> Option<Option<i64>> {
    let mut min: Option<i64> = None;
    for taint in no_execute {
        let mut tolerated = false;
        for t in of_pod(pod).iter().filter(|t| tolerates(t, taint)) {
            tolerated = true;
            if let Some(secs) = t.field("tolerationSeconds").and_then(Value::as_i64) {
                let secs = secs.max(0);
                min = Some(min.map_or(secs, |m| m.min(secs)));
            }
        }
        if !tolerated {
            return None;
        }
    }
    Some(min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Cases of `TestTolerationToleratesTaint` (k8s.io/api core/v1).
    #[test]
    fn tolerates_as_upstream() {
        let taint = json!({"key": "foo", "value": "bar", "effect": "NoSchedule"});
        let cases = [
            (
                json!({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}),
                true,
            ),
            (
                json!({"key": "foo", "operator": "Equal", "value": "baz", "effect": "NoSchedule"}),
                false,
            ),
            (
                json!({"key": "foo", "operator": "Exists", "effect": "NoSchedule"}),
                true,
            ),
            (json!({"key": "foo", "operator": "Exists"}), true),
            (json!({"operator": "Exists"}), true),
            (
                json!({"key": "foo", "operator": "Exists", "effect": "NoExecute"}),
                false,
            ),
            (json!({"key": "other", "operator": "Exists"}), false),
            (json!({"key": "foo", "value": "bar"}), true),
        ];
        for (tol, want) in cases {
            assert_eq!(tolerates(&tol, &taint), want, "{tol}");
        }
    }

    /// Cases of the taint eviction controller's `TestGetMinTolerationTime`.
    #[test]
    fn min_toleration_time() {
        let t1 = json!({"key": "a", "effect": "NoExecute"});
        let t2 = json!({"key": "b", "effect": "NoExecute"});
        let pod = |tols: Value| json!({"spec": {"tolerations": tols}});
        assert_eq!(min_toleration_seconds(&pod(json!([])), &[&t1]), None);
        assert_eq!(
            min_toleration_seconds(&pod(json!([{"operator": "Exists"}])), &[&t1, &t2]),
            Some(None)
        );
        assert_eq!(
            min_toleration_seconds(
                &pod(
                    json!([{"key": "a", "operator": "Exists", "tolerationSeconds": 300},
                    {"key": "b", "operator": "Exists", "tolerationSeconds": 60}])
                ),
                &[&t1, &t2]
            ),
            Some(Some(60))
        );
        assert_eq!(
            min_toleration_seconds(
                &pod(json!([{"key": "a", "operator": "Exists", "tolerationSeconds": -5}])),
                &[&t1]
            ),
            Some(Some(0))
        );
        assert_eq!(
            min_toleration_seconds(
                &pod(json!([{"key": "a", "operator": "Exists", "tolerationSeconds": 300}])),
                &[&t1, &t2]
            ),
            None
        );
    }
}
