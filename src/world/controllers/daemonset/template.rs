//! The daemon pod of a node (`k/k pkg/controller/daemon/util/daemonset_util.go`): the
//! template with the tolerations every daemon pod gets (`AddOrUpdateDaemonPodTolerations`:
//! not-ready and unreachable NoExecute, the pressure and unschedulable NoSchedule taints, and
//! network-unavailable with host networking), the labels `controller-revision-hash` and
//! `pod-template-generation`, and the node pinned by a required node affinity term on
//! `metadata.name` (`ReplaceDaemonSetPodNodeNameNodeAffinity`).

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::api::meta;

/// The tolerations added to every daemon pod, in upstream's order.
fn daemon_tolerations(host_network: bool) -> Vec<Value> {
    let mut v = vec![
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        v.push(("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    v.into_iter()
        .map(|(k, e)| json!({"key": k, "operator": "Exists", "effect": e}))
        .collect()
}

/// The pod spec with the daemon tolerations (an existing toleration of the same key, effect
/// and operator is replaced in place).
pub fn with_tolerations(spec: &Value) -> Value {
    let mut spec = spec.clone();
    let host = spec.get("hostNetwork").and_then(Value::as_bool) == Some(true);
    let mut list: Vec<Value> = spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for t in daemon_tolerations(host) {
        let same = |x: &Value| {
            ["key", "effect", "operator"]
                .iter()
                .all(|k| x.get(*k) == t.get(*k))
        };
        match list.iter_mut().find(|x| same(x)) {
            Some(x) => *x = t,
            None => list.push(t),
        }
    }
    spec["tolerations"] = Value::Array(list);
    spec
}

/// Pins a pod spec to a node: each required term's `matchFields` becomes the node name match
/// (one term with it alone when there is none).
pub fn pin_to_node(spec: &mut Value, node: &str) {
    let field = json!([{"key": "metadata.name", "operator": "In", "values": [node]}]);
    let terms = meta::path_mut(
        spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    );
    match terms.as_array_mut() {
        Some(a) if !a.is_empty() => {
            for t in a {
                t["matchFields"] = field.clone();
            }
        }
        _ => *terms = json!([{"matchFields": field}]),
    }
}

/// The pod the controller creates for `ds` on `node` with revision `hash`.
pub fn new_pod(ds: &Value, node: &str, hash: &str) -> Value {
    let tpl = meta::path(ds, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let mut labels = meta::path(&tpl, &["metadata", "labels"])
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(hash);
    if let Some(g) = meta::int_at(ds, &["metadata", "generation"]) {
        labels["pod-template-generation"] = json!(g.to_string());
    }
    let mut md = json!({
        "generateName": format!("{}-", meta::name(ds)),
        "namespace": meta::namespace(ds),
        "labels": labels,
        "ownerReferences": [meta::controller_ref(ds)],
    });
    if let Some(a) = meta::path(&tpl, &["metadata", "annotations"]).filter(|a| a.is_object()) {
        md["annotations"] = a.clone();
    }
    let mut spec = with_tolerations(tpl.get("spec").unwrap_or(&json!({})));
    pin_to_node(&mut spec, node);
    json!({"apiVersion": "v1", "kind": kinds::POD, "metadata": md, "spec": spec})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daemon_pods_tolerate_and_are_pinned() {
        let ds = json!({"metadata": {"name": "fluent", "namespace": "default", "uid": "u", "generation": 2},
            "spec": {"template": {"metadata": {"labels": {"app": "f"}},
                "spec": {"hostNetwork": true, "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}],
                    "containers": [{"name": "c", "image": "busybox"}]}}}});
        let p = new_pod(&ds, "worker-1", "abc");
        assert_eq!(p["metadata"]["labels"]["controller-revision-hash"], "abc");
        assert_eq!(p["metadata"]["labels"]["pod-template-generation"], "2");
        let t = p["spec"]["tolerations"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(t.len(), 7);
        assert!(t[0].get("tolerationSeconds").is_none());
        assert_eq!(
            p["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
                ["nodeSelectorTerms"][0]["matchFields"][0]["values"][0],
            "worker-1"
        );
    }
}
