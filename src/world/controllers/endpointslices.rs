//! The EndpointSlice controller (`pkg/controller/endpointslice`, discovery.k8s.io/v1): every
//! Service with a selector gets one EndpointSlice of address type IPv4, named by
//! `generateName: SERVICE-`, labelled `kubernetes.io/service-name` and
//! `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io` (with the
//! Service's own labels, and `service.kubernetes.io/headless` for a headless Service), owned by
//! the Service. Each pod with an IP that the selector selects is an endpoint with its
//! conditions: `serving` is the pod's readiness, `terminating` whether it is being deleted,
//! `ready` serving and not terminating (or always, with `publishNotReadyAddresses`). A Service
//! whose selector selects nothing keeps a placeholder slice without endpoints or ports, as
//! upstream's reconciler does. The `kubernetes` Service's slice is the API server's own
//! (named `kubernetes`, no managed-by label).
//!
//! kubelab keeps one slice per Service (upstream splits at 100 endpoints; kubelab's worlds
//! hold far fewer pods per Service than that would need to matter) and does not run the
//! EndpointSlice mirroring controller (Services without a selector get no slice). The slice's
//! generated name and uid come from a generator seeded by the Service's uid, not from the
//! world's: the slices the controller keeps do not change the names of everything created
//! after them.
//!
//! It runs in the endpoints controller's pass, on the same queue (Services, and the Services
//! selecting a pod that changed), as upstream's two controllers are fed by the same informers.

use crate::world::api::kinds;
use serde_json::{Map, Value, json};

use crate::world::World;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::seed::{Seed, fnv1a32};

/// The managed-by label's value for the controller's slices.
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// The slices of a Service (by the `kubernetes.io/service-name` label), in name order.
pub fn slices_of(world: &World, ns: &str, service: &str) -> Vec<Value> {
    world
        .object_list(kinds::ENDPOINT_SLICE, ns)
        .filter(|s| {
            meta::path(s, &["metadata", "labels", "kubernetes.io/service-name"])
                .and_then(Value::as_str)
                == Some(service)
        })
        .cloned()
        .collect()
}

/// `syncService` of the EndpointSlice controller for one Service.
pub fn sync(world: &mut World, svc: &Value) {
    let ns = meta::namespace(svc).to_string();
    let name = meta::name(svc).to_string();
    let apiserver = name == "kubernetes" && ns == "default";
    let desired = if apiserver {
        json!({
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.0.0.10"], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}],
        })
    } else if meta::string_map(svc, &["spec", "selector"]).is_empty() {
        return;
    } else {
        desired(world, svc)
    };
    let existing: Vec<Value> = slices_of(world, &ns, &name)
        .into_iter()
        .filter(|s| {
            apiserver
                || meta::path(
                    s,
                    &[
                        "metadata",
                        "labels",
                        "endpointslice.kubernetes.io/managed-by",
                    ],
                )
                .and_then(Value::as_str)
                    == Some(MANAGED_BY)
        })
        .collect();
    let labels = labels(svc, apiserver);
    match existing.first() {
        Some(cur) => {
            let mut next = cur.clone();
            for k in ["addressType", "endpoints", "ports"] {
                match desired.get(k) {
                    Some(v) => next[k] = v.clone(),
                    None => {
                        if let Some(m) = next.as_object_mut() {
                            m.remove(k);
                        }
                    }
                }
            }
            next["metadata"]["labels"] = labels;
            if &next != cur {
                world.write_discard(next);
            }
        }
        None => {
            let mut slice = json!({
                "apiVersion": "discovery.k8s.io/v1",
                "kind": kinds::ENDPOINT_SLICE,
                "metadata": {"namespace": ns, "labels": labels},
            });
            if apiserver {
                slice["metadata"]["name"] = json!("kubernetes");
            } else {
                slice["metadata"]["generateName"] = json!(format!("{name}-"));
                slice["metadata"]["ownerReferences"] = json!([{
                    "apiVersion": "v1", "kind": kinds::SERVICE, "name": name,
                    "uid": meta::uid(svc), "controller": true, "blockOwnerDeletion": true,
                }]);
            }
            if let Some(m) = desired.as_object() {
                for (k, v) in m {
                    slice[k] = v.clone();
                }
            }
            create_with_own_seed(world, svc, slice);
        }
    }
}

/// Creates the slice with the generated name and uid drawn from a generator seeded by the
/// Service's uid and the store's resourceVersion (a slice made again after a delete gets a new
/// name, as upstream's would; a few tries should a generated name be taken).
fn create_with_own_seed(world: &mut World, svc: &Value, slice: Value) {
    let base = (fnv1a32(meta::uid(svc).as_bytes()) as u64) ^ (world.store.resource_version() << 20);
    for attempt in 0..4u64 {
        let own = Seed::new(base ^ (attempt << 32) ^ 0x736c_6963_6500);
        let saved = std::mem::replace(&mut world.seed, own);
        let r = world.create_internal(slice.clone());
        world.seed = saved;
        if r.is_ok() {
            return;
        }
    }
}

/// The slice's labels: the Service's (minus those a slice may not carry), the service name and
/// the managed-by label (the API server's slice has only the service name).
fn labels(svc: &Value, apiserver: bool) -> Value {
    let mut m = Map::new();
    if !apiserver {
        if let Some(l) = meta::path(svc, &["metadata", "labels"]).and_then(Value::as_object) {
            for (k, v) in l {
                if k != "kubernetes.io/service-name"
                    && k != "endpointslice.kubernetes.io/managed-by"
                {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        if meta::str_at(svc, &["spec", "clusterIP"]) == Some("None") {
            m.insert("service.kubernetes.io/headless".into(), json!(""));
        }
        m.insert(
            "endpointslice.kubernetes.io/managed-by".into(),
            json!(MANAGED_BY),
        );
    }
    m.insert("kubernetes.io/service-name".into(), json!(meta::name(svc)));
    Value::Object(m)
}

/// The slice's `addressType`, `endpoints` and `ports` for the pods the Service selects.
fn desired(world: &World, svc: &Value) -> Value {
    let selector = Selector::from_map(&meta::string_map(svc, &["spec", "selector"]));
    let publish_not_ready = meta::bool_at(svc, &["spec", "publishNotReadyAddresses"]) == Some(true);
    let svc_ports: Vec<Value> = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut endpoints: Vec<(String, Value)> = Vec::new();
    let mut ports: Option<Vec<Value>> = None;
    for pod in world.object_list(kinds::POD, meta::namespace(svc)) {
        if !selector.matches(&meta::labels(pod)) {
            continue;
        }
        // `ShouldPodBeInEndpoints`: pods that have ended are left out.
        if matches!(
            meta::str_at(pod, &["status", "phase"]),
            Some("Succeeded" | "Failed")
        ) {
            continue;
        }
        let Some(ip) = meta::str_at(pod, &["status", "podIP"]).filter(|s| !s.is_empty()) else {
            continue;
        };
        let terminating = meta::is_deleting(pod);
        let serving = meta::condition(pod, "Ready")
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            == Some("True");
        let ready = publish_not_ready || (serving && !terminating);
        let mut ep = json!({
            "addresses": [ip],
            "conditions": {"ready": ready, "serving": serving || publish_not_ready, "terminating": terminating},
            "targetRef": {"kind": kinds::POD, "name": meta::name(pod), "namespace": meta::namespace(pod), "uid": meta::uid(pod)},
        });
        if let Some(node) = meta::str_at(pod, &["spec", "nodeName"]).filter(|n| !n.is_empty()) {
            ep["nodeName"] = json!(node);
            if let Some(zone) = world
                .object(kinds::NODE, "", node)
                .and_then(|n| meta::path(n, &["metadata", "labels", "topology.kubernetes.io/zone"]))
                .and_then(Value::as_str)
            {
                ep["zone"] = json!(zone);
            }
        }
        if let Some(h) = meta::str_at(pod, &["spec", "hostname"]).filter(|h| !h.is_empty())
            && meta::str_at(pod, &["spec", "subdomain"]) == Some(meta::name(svc))
        {
            ep["hostname"] = json!(h);
        }
        if ports.is_none() {
            ports = Some(svc_ports.iter().map(|p| slice_port(p, pod)).collect());
        }
        endpoints.push((ip.to_string(), ep));
    }
    endpoints.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = json!({"addressType": "IPv4"});
    if endpoints.is_empty() {
        // The reconciler's placeholder slice: no endpoints, no ports.
        out["endpoints"] = Value::Null;
    } else {
        out["endpoints"] = Value::Array(endpoints.into_iter().map(|(_, e)| e).collect());
        if let Some(p) = ports.filter(|p| !p.is_empty()) {
            out["ports"] = Value::Array(p);
        }
    }
    out
}

/// A Service port as a slice port: its name (empty when unnamed), the target port resolved
/// against the pod's named container ports, its protocol and appProtocol.
fn slice_port(p: &Value, pod: &Value) -> Value {
    let target = match p.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(name)) => meta::container_port_named(pod, name).unwrap_or(0),
        _ => p.get("port").and_then(Value::as_i64).unwrap_or(0),
    };
    let mut out = json!({
        "name": p.get("name").and_then(Value::as_str).unwrap_or(""),
        "port": target,
        "protocol": p.get("protocol").and_then(Value::as_str).unwrap_or("TCP"),
    });
    if let Some(a) = p.get("appProtocol").and_then(Value::as_str) {
        out["appProtocol"] = json!(a);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(name: &str, replicas: u32) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    fn service(name: &str, app: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
            "spec": {"selector": {"app": app}, "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}]}})
    }

    #[test]
    fn a_service_gets_one_slice_with_its_ready_pods() {
        let mut w = World::new(1);
        w.create(deployment("web", 2), false).expect("deployment");
        w.create(service("web", "web"), false).expect("service");
        w.advance(30_000);
        let s = slices_of(&w, "default", "web");
        assert_eq!(s.len(), 1);
        let s = &s[0];
        assert!(meta::name(s).starts_with("web-"));
        assert_eq!(meta::name(s).len(), "web-".len() + 5);
        assert_eq!(s["addressType"], "IPv4");
        let eps = s["endpoints"].as_array().expect("endpoints");
        assert_eq!(eps.len(), 2);
        assert_eq!(
            eps[0]["conditions"],
            json!({"ready": true, "serving": true, "terminating": false})
        );
        assert_eq!(
            s["ports"],
            json!([{"name": "", "port": 80, "protocol": "TCP"}])
        );
        assert_eq!(
            s["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"],
            MANAGED_BY
        );
        assert_eq!(s["metadata"]["labels"]["app"], "web");
        assert_eq!(s["metadata"]["ownerReferences"][0]["kind"], "Service");
    }

    #[test]
    fn a_service_selecting_nothing_has_a_placeholder() {
        let mut w = World::new(1);
        w.create(service("none", "nothing"), false)
            .expect("service");
        w.advance(1000);
        let s = slices_of(&w, "default", "none");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0]["endpoints"], Value::Null);
        assert!(s[0].get("ports").is_none());
    }

    #[test]
    fn the_apiserver_keeps_the_kubernetes_slice() {
        let w = World::new(1);
        let s = slices_of(&w, "default", "kubernetes");
        assert_eq!(s.len(), 1);
        assert_eq!(meta::name(&s[0]), "kubernetes");
        assert_eq!(s[0]["endpoints"][0]["addresses"][0], "10.0.0.10");
    }

    #[test]
    fn slices_do_not_move_the_worlds_generator() {
        // The controller draws names and uids from a generator of its own: the slice the
        // controller creates leaves the world's generator where the Service's create left it.
        let mut w = World::new(1);
        w.settle_on_write = false;
        w.create(service("a", "a"), false).expect("service");
        let mut before = w.seed.clone();
        w.settle();
        assert_eq!(slices_of(&w, "default", "a").len(), 1);
        // The Endpoints object's uid is the one the world's generator gave.
        let endpoints_uid = before.uid();
        let ep = w.object("Endpoints", "default", "a").expect("endpoints");
        assert_eq!(meta::uid(ep), endpoints_uid);
        assert_eq!(w.seed.uid(), before.uid());
    }
}
