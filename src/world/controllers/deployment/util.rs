//! Deployment helpers (`k/k pkg/controller/deployment/util/deployment_util.go`): fenceposts,
//! revisions and annotations, template equality, the pod-template hash, orderings.

use crate::world::api::meta::Field;
use serde_json::Value;

use crate::world::api::meta;
use crate::world::clock::parse_rfc3339;
use crate::world::seed::{fnv1a32, safe_encode_u32};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
pub const HASH_LABEL: &str = "pod-template-hash";

/// Annotations never copied from a Deployment to its ReplicaSets.
pub fn skip_copy(key: &str) -> bool {
    matches!(
        key,
        LAST_APPLIED | REVISION | REVISION_HISTORY | DESIRED_REPLICAS | MAX_REPLICAS
    ) || key == "deprecated.deployment.rollback.to"
}

/// `spec.replicas` (default 1).
pub fn replicas(obj: &Value) -> i64 {
    meta::int_at(obj, &["spec", "replicas"]).unwrap_or(1)
}

/// A status counter (0 when absent: the API omits zero values).
pub fn status_int(obj: &Value, key: &str) -> i64 {
    meta::int_at(obj, &["status", key]).unwrap_or(0)
}

/// The revision annotation of a ReplicaSet (0 if missing or bad).
pub fn revision(obj: &Value) -> i64 {
    meta::annotation(obj, REVISION)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn is_rolling(d: &Value) -> bool {
    meta::str_at(d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") == "RollingUpdate"
}

/// `ResolveFenceposts`: (surge, unavailable) for the deployment's replica count.
pub fn fenceposts(d: &Value) -> (i64, i64) {
    let n = replicas(d);
    let ru = meta::path(d, &["spec", "strategy", "rollingUpdate"]);
    let surge =
        meta::scaled_int_or_percent(ru.and_then(|r| r.field("maxSurge")), n, true).unwrap_or(0);
    let mut unavailable =
        meta::scaled_int_or_percent(ru.and_then(|r| r.field("maxUnavailable")), n, false)
            .unwrap_or(0);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `MaxSurge`.
pub fn max_surge(d: &Value) -> i64 {
    if !is_rolling(d) { 0 } else { fenceposts(d).0 }
}

/// `MaxUnavailable`.
pub fn max_unavailable(d: &Value) -> i64 {
    if !is_rolling(d) || replicas(d) == 0 {
        return 0;
    }
    fenceposts(d).1.min(replicas(d))
}

/// A pod template without the `pod-template-hash` label (for `EqualIgnoreHash`).
pub fn template_without_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(labels) = meta::path_mut(&mut t, &["metadata", "labels"]).as_object_mut() {
        labels.remove(HASH_LABEL);
    }
    if meta::path(&t, &["metadata", "labels"])
        .and_then(Value::as_object)
        .is_some_and(|m| m.is_empty())
    {
        meta::remove_path(&mut t, &["metadata", "labels"]);
    }
    if meta::path(&t, &["metadata", "labels"]).is_some_and(Value::is_null) {
        meta::remove_path(&mut t, &["metadata", "labels"]);
    }
    t
}

/// `EqualIgnoreHash`: compared in place (no copies) when both templates have the usual shape.
pub fn equal_ignore_hash(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(am), Some(bm)) => {
            let others_equal = am
                .iter()
                .filter(|(k, _)| k.as_str() != "metadata")
                .eq(bm.iter().filter(|(k, _)| k.as_str() != "metadata"));
            others_equal
                && match metadata_equal_ignore_hash(am.field("metadata"), bm.field("metadata")) {
                    Some(eq) => eq,
                    None => template_without_hash(a) == template_without_hash(b),
                }
        }
        _ => template_without_hash(a) == template_without_hash(b),
    }
}

/// Metadata equality ignoring the hash label, as [`template_without_hash`] normalises it
/// (missing metadata is `{}`; empty or null labels are dropped); None for unusual shapes.
fn metadata_equal_ignore_hash(a: Option<&Value>, b: Option<&Value>) -> Option<bool> {
    type Obj = serde_json::Map<String, Value>;
    fn obj<'a>(m: Option<&'a Value>, empty: &'a Obj) -> Option<&'a Obj> {
        match m {
            None => Some(empty),
            Some(Value::Object(o)) => Some(o),
            Some(_) => None,
        }
    }
    fn labels(m: &Obj) -> Option<Vec<(&String, &Value)>> {
        match m.field("labels") {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Object(l)) => Some(l.iter().filter(|(k, _)| *k != HASH_LABEL).collect()),
            Some(_) => None,
        }
    }
    let empty = Obj::new();
    let (am, bm) = (obj(a, &empty)?, obj(b, &empty)?);
    let others_equal = am
        .iter()
        .filter(|(k, _)| k.as_str() != "labels")
        .eq(bm.iter().filter(|(k, _)| k.as_str() != "labels"));
    Some(others_equal && labels(am)? == labels(bm)?)
}

/// `ComputeHash`: FNV-1a over a canonical encoding of the template (+ collision count), printed
/// with `SafeEncodeString`.
pub fn compute_hash(template: &Value, collision_count: Option<i64>) -> String {
    let mut bytes = serde_json::to_vec(&template_without_hash(template)).unwrap_or_default();
    if let Some(c) = collision_count {
        bytes.extend_from_slice(&(c as u32).to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0]);
    }
    safe_encode_u32(fnv1a32(&bytes))
}

/// creationTimestamp in ms (0 if missing).
pub fn created(obj: &Value) -> i64 {
    meta::str_at(obj, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .unwrap_or(0)
}

/// `ReplicaSetsByCreationTimestamp`: older first, ties by name.
pub fn by_creation(a: &Value, b: &Value) -> std::cmp::Ordering {
    created(a)
        .cmp(&created(b))
        .then_with(|| meta::name(a).cmp(meta::name(b)))
}

/// Sets `desired-replicas` / `max-replicas`; true if changed.
pub fn set_replicas_annotations(rs: &mut Value, desired: i64, max: i64) -> bool {
    let d = desired.to_string();
    let m = max.to_string();
    let changed = meta::annotation(rs, DESIRED_REPLICAS) != Some(d.as_str())
        || meta::annotation(rs, MAX_REPLICAS) != Some(m.as_str());
    meta::set_annotation(rs, DESIRED_REPLICAS, &d);
    meta::set_annotation(rs, MAX_REPLICAS, &m);
    changed
}

/// `IsSaturated`.
pub fn is_saturated(d: &Value, rs: Option<&Value>) -> bool {
    let Some(rs) = rs else { return false };
    let n = replicas(d);
    let desired: Option<i64> = meta::annotation(rs, DESIRED_REPLICAS).and_then(|s| s.parse().ok());
    replicas(rs) == n && desired == Some(n) && status_int(rs, "availableReplicas") == n
}

/// A condition value as the deployment controller writes it.
pub fn new_condition(ty: &str, status: &str, reason: &str, message: &str, now: &str) -> Value {
    let s = |v: &str| Value::String(v.to_string());
    meta::object([
        ("lastTransitionTime", s(now)),
        ("lastUpdateTime", s(now)),
        ("message", s(message)),
        ("reason", s(reason)),
        ("status", s(status)),
        ("type", s(ty)),
    ])
}

/// `SetDeploymentCondition` on a status value.
pub fn set_condition(status: &mut Value, cond: Value) {
    let mut cond = cond;
    let ty = cond
        .field("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(cur) = get_condition(status, &ty) {
        if cur.field("status") == cond.field("status")
            && cur.field("reason") == cond.field("reason")
        {
            return;
        }
        if cur.field("status") == cond.field("status") {
            cond["lastTransitionTime"] = cur
                .field("lastTransitionTime")
                .cloned()
                .unwrap_or(Value::Null);
        }
    }
    let conds = &mut status["conditions"];
    if !conds.is_array() {
        *conds = Value::Array(vec![]);
    }
    if let Some(a) = conds.as_array_mut() {
        a.retain(|c| c.field("type").and_then(Value::as_str) != Some(ty.as_str()));
        a.push(cond);
    }
}

/// `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut Value, ty: &str) {
    if let Some(a) = status.get_mut("conditions").and_then(Value::as_array_mut) {
        a.retain(|c| c.field("type").and_then(Value::as_str) != Some(ty));
    }
}

/// A condition of a status value.
pub fn get_condition<'a>(status: &'a Value, ty: &str) -> Option<&'a Value> {
    status
        .field("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.field("type").and_then(Value::as_str) == Some(ty))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The in-place comparison agrees with comparing normalised copies, for every pair.
    #[test]
    fn equal_ignore_hash_agrees_with_normalised_copies() {
        let spec = json!({"containers": [{"name": "c", "image": "nginx:1.25"}]});
        let templates = [
            json!({"spec": spec}),
            json!({"metadata": {}, "spec": spec}),
            json!({"metadata": {"labels": {}}, "spec": spec}),
            json!({"metadata": {"labels": null}, "spec": spec}),
            json!({"metadata": {"labels": {"pod-template-hash": "abc"}}, "spec": spec}),
            json!({"metadata": {"labels": {"app": "web"}}, "spec": spec}),
            json!({"metadata": {"labels": {"app": "web", "pod-template-hash": "x"}}, "spec": spec}),
            json!({"metadata": {"labels": {"app": "db"}}, "spec": spec}),
            json!({"metadata": {"labels": {"app": "web"}, "annotations": {"a": "1"}}, "spec": spec}),
            json!({"metadata": {"labels": "odd"}, "spec": spec}),
            json!({"metadata": "odd", "spec": spec}),
            json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": []}}),
            json!({"metadata": {"labels": {"app": "web"}}}),
            json!(null),
        ];
        for a in &templates {
            for b in &templates {
                assert_eq!(
                    equal_ignore_hash(a, b),
                    template_without_hash(a) == template_without_hash(b),
                    "{a} vs {b}"
                );
            }
        }
    }
}
