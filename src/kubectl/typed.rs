//! An object as kubectl prints it after decoding it into its Go type and encoding it again (what
//! `set ... --local`, `run --overrides` and `expose` print): the struct-valued fields Go's
//! `omitempty` never leaves out appear empty (`creationTimestamp: null`, `resources: {}`,
//! `strategy: {}`, `status: {}`, a Service's `status.loadBalancer: {}`).

use crate::world::api::kinds;
use serde_json::{Map, Value, json};

fn ensure(m: &mut Map<String, Value>, key: &str, v: Value) {
    if !m.contains_key(key) {
        m.insert(key.to_string(), v);
    }
}

fn object_meta(m: &mut Map<String, Value>) {
    let md = m.entry("metadata").or_insert_with(|| json!({}));
    if let Some(md) = md.as_object_mut() {
        ensure(md, "creationTimestamp", Value::Null);
    }
}

fn pod_spec(spec: &mut Value) {
    for list in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in cs.iter_mut().filter_map(Value::as_object_mut) {
                ensure(c, "resources", json!({}));
            }
        }
    }
}

fn pod_template(t: &mut Value) {
    if let Some(m) = t.as_object_mut() {
        object_meta(m);
        if let Some(spec) = m.get_mut("spec") {
            pod_spec(spec);
        }
    }
}

/// The typed round trip of `obj` (a kind kubectl knows; others are returned as they are).
pub fn round_trip(obj: &Value) -> Value {
    let mut out = obj.clone();
    let kind = out
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let Some(m) = out.as_object_mut() else {
        return out;
    };
    object_meta(m);
    match kind.as_str() {
        kinds::POD => {
            if let Some(spec) = m.get_mut("spec") {
                pod_spec(spec);
            }
            ensure(m, "status", json!({}));
        }
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | kinds::REPLICATION_CONTROLLER => {
            if let Some(spec) = m.get_mut("spec").and_then(Value::as_object_mut) {
                match kind.as_str() {
                    kinds::DEPLOYMENT => ensure(spec, "strategy", json!({})),
                    kinds::STATEFUL_SET | kinds::DAEMON_SET => {
                        ensure(spec, "updateStrategy", json!({}))
                    }
                    _ => {}
                }
                if let Some(t) = spec.get_mut("template") {
                    pod_template(t);
                } else if kind != kinds::REPLICATION_CONTROLLER {
                    let mut t = json!({});
                    pod_template(&mut t);
                    spec.insert("template".into(), t);
                }
            }
            ensure(m, "status", json!({}));
        }
        kinds::CRON_JOB => {
            if let Some(jt) = m
                .get_mut("spec")
                .and_then(|s| s.get_mut("jobTemplate"))
                .and_then(Value::as_object_mut)
            {
                object_meta(jt);
                if let Some(t) = jt.get_mut("spec").and_then(|s| s.get_mut("template")) {
                    pod_template(t);
                }
            }
            ensure(m, "status", json!({}));
        }
        kinds::SERVICE => {
            let st = m.entry("status").or_insert_with(|| json!({}));
            if let Some(st) = st.as_object_mut() {
                ensure(st, "loadBalancer", json!({}));
            }
        }
        kinds::CONFIG_MAP | kinds::SECRET | kinds::SERVICE_ACCOUNT => {}
        _ => ensure(m, "status", json!({})),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_gains_go_zero_structs() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}});
        let t = round_trip(&d);
        assert_eq!(t["metadata"]["creationTimestamp"], Value::Null);
        assert_eq!(t["spec"]["strategy"], json!({}));
        assert_eq!(
            t["spec"]["template"]["spec"]["containers"][0]["resources"],
            json!({})
        );
        assert_eq!(t["status"], json!({}));
        let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        assert!(round_trip(&cm).get("status").is_none());
    }
}
