//! Which nodes run a daemon pod (`k/k pkg/controller/daemon/daemon_controller.go`,
//! `NodeShouldRunDaemonPod`), and the required node affinity that both the controller and the
//! scheduler check (`nodeSelector` and `requiredDuringSchedulingIgnoredDuringExecution`:
//! terms ORed, a term's `matchExpressions` on labels and `matchFields` on `metadata.name`
//! ANDed).

use serde_json::Value;

use crate::world::api::meta;

/// A node's label, read in place (a label whose value is not a string is none).
fn node_label<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    meta::path(node, &["metadata", "labels"])
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// Whether a node satisfies a pod's nodeSelector and required node affinity.
pub fn fits_node_affinity(pod_spec: &Value, node: &Value) -> bool {
    let selector_ok = pod_spec
        .get("nodeSelector")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k, v.as_str()?)))
        .all(|(k, v)| node_label(node, k) == Some(v));
    if !selector_ok {
        return false;
    }
    let Some(terms) = meta::path(
        pod_spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )
    .and_then(Value::as_array) else {
        return true;
    };
    terms.iter().any(|t| term_matches(t, node))
}

/// The only nodes a pod's required node affinity can match, when every term names them with
/// a `metadata.name In` match field (a daemon pod pinned to its node); None otherwise.
pub fn pinned_node_names(pod_spec: &Value) -> Option<Vec<&str>> {
    let terms = meta::path(
        pod_spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )?
    .as_array()?;
    let mut names = Vec::new();
    for t in terms {
        let pin = t
            .get("matchFields")
            .and_then(Value::as_array)?
            .iter()
            .find(|f| {
                f.get("key").and_then(Value::as_str) == Some("metadata.name")
                    && f.get("operator").and_then(Value::as_str) == Some("In")
            })?;
        names.extend(
            pin.get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
    }
    Some(names)
}

fn term_matches(term: &Value, node: &Value) -> bool {
    let exprs = term.get("matchExpressions").and_then(Value::as_array);
    let fields = term.get("matchFields").and_then(Value::as_array);
    if exprs.is_none_or(Vec::is_empty) && fields.is_none_or(Vec::is_empty) {
        // An empty term matches nothing.
        return false;
    }
    let ok_exprs = exprs.into_iter().flatten().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        requirement(e, node_label(node, key))
    });
    let ok_fields = fields.into_iter().flatten().all(|e| {
        let key = e.get("key").and_then(Value::as_str).unwrap_or("");
        let v = (key == "metadata.name").then(|| meta::name(node));
        requirement(e, v)
    });
    ok_exprs && ok_fields
}

fn requirement(e: &Value, actual: Option<&str>) -> bool {
    let values: Vec<&str> = e
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let num = |s: &str| s.parse::<i64>().ok();
    match e.get("operator").and_then(Value::as_str).unwrap_or("") {
        "In" => actual.is_some_and(|a| values.contains(&a)),
        "NotIn" => actual.is_none_or(|a| !values.contains(&a)),
        "Exists" => actual.is_some(),
        "DoesNotExist" => actual.is_none(),
        "Gt" => {
            matches!((actual.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((actual.and_then(num), values.first().and_then(|v| num(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// Whether a toleration list tolerates a taint (`ToleratesTaint`).
pub fn tolerates(tolerations: &[Value], taint: &Value) -> bool {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (key, effect, value) = (s(taint, "key"), s(taint, "effect"), s(taint, "value"));
    tolerations.iter().any(|t| {
        let op = t.get("operator").and_then(Value::as_str).unwrap_or("Equal");
        let (tk, te, tv) = (s(t, "key"), s(t, "effect"), s(t, "value"));
        (te.is_empty() || te == effect)
            && (tk.is_empty() && op == "Exists" || tk == key)
            && match op {
                "Exists" => true,
                "Equal" | "" => tv == value,
                _ => false,
            }
    })
}

/// (should run, should continue running) for a daemon pod spec (tolerations and node affinity
/// already added by the controller) on a node.
pub fn node_should_run(pod_spec: &Value, node: &Value) -> (bool, bool) {
    if let Some(n) = meta::str_at(pod_spec, &["nodeName"])
        && n != meta::name(node)
    {
        return (false, false);
    }
    if !fits_node_affinity(pod_spec, node) {
        return (false, false);
    }
    let tolerations: Vec<Value> = pod_spec
        .get("tolerations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let taints: Vec<&Value> = meta::path(node, &["spec", "taints"])
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let effect = |t: &Value| {
        t.get("effect")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let fits = taints
        .iter()
        .filter(|t| matches!(effect(t).as_str(), "NoSchedule" | "NoExecute"))
        .all(|t| tolerates(&tolerations, t));
    if fits {
        return (true, true);
    }
    let keeps = taints
        .iter()
        .filter(|t| effect(t) == "NoExecute")
        .all(|t| tolerates(&tolerations, t));
    (false, keeps)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, labels: Value, taints: Value) -> Value {
        json!({"metadata": {"name": name, "labels": labels}, "spec": {"taints": taints}})
    }

    // Cases after upstream's TestNodeShouldRunDaemonPod.
    #[test]
    fn selector_affinity_and_taints_decide() {
        let cp = node(
            "control-plane",
            json!({"node-role.kubernetes.io/control-plane": ""}),
            json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]),
        );
        let w = node("worker-1", json!({"disk": "ssd"}), json!([]));
        let plain = json!({});
        assert_eq!(node_should_run(&plain, &cp), (false, true));
        assert_eq!(node_should_run(&plain, &w), (true, true));
        let tolerant = json!({"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]});
        assert_eq!(node_should_run(&tolerant, &cp), (true, true));
        assert_eq!(
            node_should_run(&json!({"nodeSelector": {"disk": "hdd"}}), &w),
            (false, false)
        );
        let by_name = json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["worker-1"]}]}]}}}});
        assert!(fits_node_affinity(&by_name, &w));
        assert!(!fits_node_affinity(&by_name, &cp));
        let noexec = node(
            "w2",
            json!({}),
            json!([{"key": "k", "value": "v", "effect": "NoExecute"}]),
        );
        assert_eq!(node_should_run(&plain, &noexec), (false, false));
        let everything = json!({"tolerations": [{"operator": "Exists"}]});
        assert_eq!(node_should_run(&everything, &noexec), (true, true));
        assert_eq!(
            node_should_run(&json!({"nodeName": "x"}), &w),
            (false, false)
        );
    }

    #[test]
    fn expressions_in_terms() {
        let w = node("worker-1", json!({"zone": "a", "n": "5"}), json!([]));
        let spec = |op: &str, vals: Value| {
            json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "n", "operator": op, "values": vals}]}]}}}})
        };
        assert!(fits_node_affinity(&spec("Gt", json!(["4"])), &w));
        assert!(!fits_node_affinity(&spec("Lt", json!(["4"])), &w));
        assert!(fits_node_affinity(&spec("NotIn", json!(["4"])), &w));
        assert!(fits_node_affinity(&spec("Exists", json!([])), &w));
    }
}
