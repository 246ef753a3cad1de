//! The endpoints controller: every Service with a selector gets an Endpoints object listing the
//! IPs of the pods it selects (ready ones in `addresses`, others in `notReadyAddresses`), with
//! the service's ports resolved against the pods' named ports.

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::store::Queue;

/// Keeps the Services on the controller's work queue (`store::queues`: Services and
/// Endpoints written, pods of their namespace written) in step with their pods, in key order.
pub fn run(world: &mut World) {
    let Some(svc_kind) = kinds::by_kind(kinds::SERVICE) else {
        return;
    };
    let mut last = None;
    while let Some(key) = world.store.next_queued(Queue::Services, last.as_ref()) {
        world.stats.syncs += 1;
        if let Some(svc) = world.store.get_shared(svc_kind, &key.0, &key.1) {
            sync(world, &svc);
            super::endpointslices::sync(world, &svc);
        }
        last = Some(key);
    }
}

/// `syncService`: the Service's Endpoints created or brought up to date.
fn sync(world: &mut World, svc: &Value) {
    let ns = meta::namespace(svc).to_string();
    let name = meta::name(svc).to_string();
    let desired = if meta::name(svc) == "kubernetes" && ns == "default" {
        Some(
            json!([{"addresses": [{"ip": "10.0.0.10"}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]),
        )
    } else {
        desired_subsets(world, svc)
    };
    let Some(subsets) = desired else { return };
    let existing = world.object(kinds::ENDPOINTS, &ns, &name).cloned();
    let mut labels = meta::path(svc, &["metadata", "labels"])
        .cloned()
        .unwrap_or(json!({}));
    if meta::str_at(svc, &["spec", "clusterIP"]) == Some("None") {
        labels["service.kubernetes.io/headless"] = json!("");
    }
    match existing {
        None => {
            let mut ep = json!({"apiVersion": "v1", "kind": kinds::ENDPOINTS, "metadata": {"name": name, "namespace": ns}});
            if labels.as_object().is_some_and(|m| !m.is_empty()) {
                ep["metadata"]["labels"] = labels;
            }
            if subsets.as_array().is_some_and(|a| !a.is_empty()) {
                ep["subsets"] = subsets;
            }
            let _ = world.create_internal(ep);
        }
        Some(mut ep) => {
            let cur = ep.get("subsets").cloned().unwrap_or(json!([]));
            if cur != subsets {
                if subsets.as_array().is_some_and(|a| a.is_empty()) {
                    if let Some(m) = ep.as_object_mut() {
                        m.remove("subsets");
                    }
                } else {
                    ep["subsets"] = subsets;
                }
                world.write_discard(ep);
            }
        }
    }
}

fn desired_subsets(world: &World, svc: &Value) -> Option<Value> {
    let sel = meta::string_map(svc, &["spec", "selector"]);
    if sel.is_empty() {
        return None;
    }
    let selector = Selector::from_map(&sel);
    let ports: Vec<Value> = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    let mut resolved_ports: Vec<Value> = Vec::new();
    for pod in world.object_list(kinds::POD, meta::namespace(svc)) {
        if !selector.matches(&meta::labels(pod)) || meta::is_deleting(pod) {
            continue;
        }
        let Some(ip) = meta::str_at(pod, &["status", "podIP"]).filter(|s| !s.is_empty()) else {
            continue;
        };
        let mut addr = json!({"ip": ip, "nodeName": meta::str_at(pod, &["spec", "nodeName"]).unwrap_or(""),
            "targetRef": {"kind": kinds::POD, "name": meta::name(pod), "namespace": meta::namespace(pod), "uid": meta::uid(pod)}});
        // endpointsliceutil.ShouldSetHostname: the pod's hostname when its subdomain names
        // this Service (what cluster DNS publishes as HOSTNAME.SERVICE.NS.svc).
        if let Some(h) = meta::str_at(pod, &["spec", "hostname"]).filter(|h| !h.is_empty())
            && meta::str_at(pod, &["spec", "subdomain"]) == Some(meta::name(svc))
        {
            addr["hostname"] = json!(h);
        }
        // publishNotReadyAddresses: every address counts as ready.
        let is_ready = meta::bool_at(svc, &["spec", "publishNotReadyAddresses"]) == Some(true)
            || meta::condition(pod, "Ready")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                == Some("True");
        if is_ready {
            ready.push(addr)
        } else {
            not_ready.push(addr)
        }
        if resolved_ports.is_empty() {
            resolved_ports = ports.iter().map(|p| resolve_port(p, pod)).collect();
        }
    }
    if ready.is_empty() && not_ready.is_empty() {
        return Some(json!([]));
    }
    let key = |a: &Value| {
        a.get("ip")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    ready.sort_by_key(key);
    not_ready.sort_by_key(key);
    let mut subset = json!({"ports": resolved_ports});
    if !ready.is_empty() {
        subset["addresses"] = Value::Array(ready);
    }
    if !not_ready.is_empty() {
        subset["notReadyAddresses"] = Value::Array(not_ready);
    }
    Some(json!([subset]))
}

/// A service port as an endpoint port: the target port resolved (named ports looked up in the pod).
fn resolve_port(p: &Value, pod: &Value) -> Value {
    let target = match p.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(name)) => meta::path(pod, &["spec", "containers"])
            .and_then(Value::as_array)
            .and_then(|cs| {
                cs.iter()
                    .flat_map(|c| {
                        c.get("ports")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name))
            })
            .and_then(|cp| cp.get("containerPort"))
            .and_then(Value::as_i64)
            .unwrap_or(0),
        _ => p.get("port").and_then(Value::as_i64).unwrap_or(0),
    };
    let mut out = json!({"port": target, "protocol": p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")});
    if let Some(n) = p.get("name").and_then(Value::as_str) {
        out["name"] = json!(n);
    }
    out
}
