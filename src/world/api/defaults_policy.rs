//! API-server defaulting of the policy, RBAC, networking and scheduling kinds and of the
//! template-only workloads (`SetDefaults_*` of `k/k pkg/apis/{core,rbac,networking,scheduling,
//! batch}/v1/defaults.go`): LimitRange items, PriorityClass preemption, NetworkPolicy ports and
//! policy types, RBAC role refs and subjects, ReplicationController, PodTemplate and CronJob.

use crate::world::api::kinds;
use serde_json::{Map, Value, json};

use super::defaults::pod_template;
use super::meta::{path, path_mut};

const RBAC: &str = "rbac.authorization.k8s.io";

fn default(obj: &mut Value, keys: &[&str], v: Value) {
    let slot = path_mut(obj, keys);
    if slot.is_null() {
        *slot = v;
    }
}

/// Applies the defaults of `kind` (one of this file's) to `obj` in place.
pub fn apply(kind: &str, obj: &mut Value) {
    match kind {
        kinds::LIMIT_RANGE => {
            if let Some(items) = path_mut(obj, &["spec", "limits"]).as_array_mut() {
                items.iter_mut().for_each(limit_range_item);
            }
        }
        kinds::PRIORITY_CLASS => default(obj, &["preemptionPolicy"], json!("PreemptLowerPriority")),
        kinds::NETWORK_POLICY => network_policy(obj),
        kinds::ROLE_BINDING | kinds::CLUSTER_ROLE_BINDING => {
            let group = path_mut(obj, &["roleRef", "apiGroup"]);
            if group.as_str().is_none_or(str::is_empty) {
                *group = json!(RBAC);
            }
            if let Some(subjects) = obj.get_mut("subjects").and_then(Value::as_array_mut) {
                for s in subjects {
                    let user_or_group = matches!(
                        s.get("kind").and_then(Value::as_str),
                        Some("User" | "Group")
                    );
                    if user_or_group
                        && s.get("apiGroup")
                            .and_then(Value::as_str)
                            .is_none_or(str::is_empty)
                    {
                        s["apiGroup"] = json!(RBAC);
                    }
                }
            }
        }
        kinds::REPLICATION_CONTROLLER => {
            let labels = path(obj, &["spec", "template", "metadata", "labels"]).cloned();
            if let Some(labels) = labels.filter(|l| l.as_object().is_some_and(|m| !m.is_empty())) {
                if path(obj, &["spec", "selector"])
                    .is_none_or(|s| s.as_object().is_none_or(Map::is_empty))
                {
                    *path_mut(obj, &["spec", "selector"]) = labels.clone();
                }
                if path(obj, &["metadata", "labels"])
                    .is_none_or(|s| s.as_object().is_none_or(Map::is_empty))
                {
                    *path_mut(obj, &["metadata", "labels"]) = labels;
                }
            }
            default(obj, &["spec", "replicas"], json!(1));
            pod_template(obj, &["spec", "template"]);
        }
        kinds::POD_TEMPLATE => pod_template(obj, &["template"]),
        kinds::CRON_JOB => {
            default(obj, &["spec", "concurrencyPolicy"], json!("Allow"));
            default(obj, &["spec", "suspend"], json!(false));
            default(obj, &["spec", "successfulJobsHistoryLimit"], json!(3));
            default(obj, &["spec", "failedJobsHistoryLimit"], json!(1));
            pod_template(obj, &["spec", "jobTemplate", "spec", "template"]);
        }
        _ => {}
    }
}

/// `SetDefaults_LimitRangeItem`: for Container items, `default` from `max`, then
/// `defaultRequest` from `default`, then from `min`.
fn limit_range_item(item: &mut Value) {
    if item.get("type").and_then(Value::as_str) != Some("Container") {
        return;
    }
    let get = |item: &Value, k: &str| -> Map<String, Value> {
        item.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let mut dflt = get(item, "default");
    let mut request = get(item, "defaultRequest");
    for (k, v) in get(item, "max") {
        dflt.entry(k).or_insert(v);
    }
    for (k, v) in &dflt {
        request.entry(k.clone()).or_insert(v.clone());
    }
    for (k, v) in get(item, "min") {
        request.entry(k).or_insert(v);
    }
    if !dflt.is_empty() {
        item["default"] = Value::Object(dflt);
    }
    if !request.is_empty() {
        item["defaultRequest"] = Value::Object(request);
    }
}

/// `SetDefaults_NetworkPolicyPort` (TCP) and `SetDefaults_NetworkPolicy` (policy types from the
/// rules present).
fn network_policy(obj: &mut Value) {
    for dir in ["ingress", "egress"] {
        let rules = obj
            .pointer_mut(&format!("/spec/{dir}"))
            .and_then(Value::as_array_mut);
        for rule in rules.into_iter().flatten() {
            let ports = rule.get_mut("ports").and_then(Value::as_array_mut);
            for p in ports.into_iter().flatten() {
                if p.get("protocol").is_none_or(Value::is_null) {
                    p["protocol"] = json!("TCP");
                }
            }
        }
    }
    let has_types = path(obj, &["spec", "policyTypes"])
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if !has_types {
        let mut types = vec![json!("Ingress")];
        if path(obj, &["spec", "egress"])
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            types.push(json!("Egress"));
        }
        *path_mut(obj, &["spec", "policyTypes"]) = Value::Array(types);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_range_and_bindings() {
        let mut lr = json!({"spec": {"limits": [{"type": "Container", "max": {"cpu": "1"}, "min": {"memory": "1Mi"}}]}});
        apply("LimitRange", &mut lr);
        assert_eq!(
            lr.pointer("/spec/limits/0/default"),
            Some(&json!({"cpu": "1"}))
        );
        assert_eq!(
            lr.pointer("/spec/limits/0/defaultRequest"),
            Some(&json!({"cpu": "1", "memory": "1Mi"}))
        );
        let mut rb = json!({"roleRef": {"kind": "Role", "name": "r"}, "subjects": [{"kind": "User", "name": "u"}, {"kind": "ServiceAccount", "name": "s"}]});
        apply("RoleBinding", &mut rb);
        assert_eq!(rb.pointer("/roleRef/apiGroup"), Some(&json!(RBAC)));
        assert_eq!(rb.pointer("/subjects/0/apiGroup"), Some(&json!(RBAC)));
        assert_eq!(rb.pointer("/subjects/1/apiGroup"), None);
        let mut np = json!({"spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}});
        apply("NetworkPolicy", &mut np);
        assert_eq!(
            np.pointer("/spec/policyTypes"),
            Some(&json!(["Ingress", "Egress"]))
        );
        assert_eq!(
            np.pointer("/spec/egress/0/ports/0/protocol"),
            Some(&json!("TCP"))
        );
    }
}
