//! The ingress-nginx controller in the world.
//!
//! A lab installs it (`cluster.install_ingress_nginx()`), as `kubectl apply -f` of the
//! project's deploy manifest would: the `ingress-nginx` namespace, the IngressClass `nginx`
//! (controller `k8s.io/ingress-nginx`), the `ingress-nginx-controller` Deployment (one pod of
//! `registry.k8s.io/ingress-nginx/controller`) and its Service of type LoadBalancer (ports
//! `http` 80 and `https` 443). Without an address pool the Service stays `<pending>`: the
//! controller is then reached at its node ports on any node's InternalIP, as on bare metal.
//!
//! The controller watches the Ingresses of its class (`spec.ingressClassName: nginx`, the
//! `kubernetes.io/ingress.class: nginx` annotation, or no class when `nginx` is the default
//! IngressClass), records its `Sync` event (`Scheduled for sync`) for each one it takes or
//! that changes, and publishes its Service's load balancer addresses in their
//! `status.loadBalancer` (`--publish-service`).
//!
//! Its data plane: an HTTP request that reaches the controller pod's port 80 is matched as
//! the nginx configuration it generates would match it: the server whose name is the request's
//! Host (exact, then `*.` wildcards, then the default server holding the rules without a
//! host), then the longest matching path (Exact before Prefix for the same path; Prefix
//! matches whole path elements; ImplementationSpecific is nginx's plain prefix location),
//! proxied to the backend Service's cluster IP and port. No match: nginx's 404 page (the
//! Ingress's `defaultBackend` in the default server); a backend Service that does not exist
//! or has no ready endpoint: nginx's 503 page. TLS (port 443) is not simulated: kubelab's
//! cluster serves plain HTTP.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::meta;
use crate::world::events::Source;

/// The controller's namespace.
pub const NAMESPACE: &str = "ingress-nginx";
/// Its Deployment and Service.
pub const NAME: &str = "ingress-nginx-controller";
/// The IngressClass it serves.
pub const CLASS: &str = "nginx";
/// `spec.controller` of that class.
pub const CONTROLLER: &str = "k8s.io/ingress-nginx";
/// The controller image.
pub const IMAGE: &str = "registry.k8s.io/ingress-nginx/controller:v1.12.0";

fn labels() -> Value {
    json!({
        "app.kubernetes.io/component": "controller",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/name": "ingress-nginx",
        "app.kubernetes.io/part-of": "ingress-nginx",
        "app.kubernetes.io/version": "1.12.0",
    })
}

fn selector() -> Value {
    json!({
        "app.kubernetes.io/component": "controller",
        "app.kubernetes.io/instance": "ingress-nginx",
        "app.kubernetes.io/name": "ingress-nginx",
    })
}

/// Installs the controller's objects (what is already there is left as it is).
pub fn install(world: &mut World) -> Result<(), String> {
    let objects = [
        json!({"apiVersion": "v1", "kind": kinds::NAMESPACE, "metadata": {"name": NAMESPACE,
            "labels": {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx"}}}),
        json!({"apiVersion": "networking.k8s.io/v1", "kind": kinds::INGRESS_CLASS,
            "metadata": {"name": CLASS, "labels": labels()},
            "spec": {"controller": CONTROLLER}}),
        json!({"apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
            "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": labels()},
            "spec": {"minReadySeconds": 0, "revisionHistoryLimit": 10,
                "selector": {"matchLabels": selector()},
                "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
                "template": {"metadata": {"labels": labels()},
                    "spec": {"containers": [{"name": "controller", "image": IMAGE,
                        "args": ["/nginx-ingress-controller",
                            "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
                            "--election-id=ingress-nginx-leader",
                            "--controller-class=k8s.io/ingress-nginx",
                            "--ingress-class=nginx"],
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                            {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}],
                        "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"},
                            {"containerPort": 443, "name": "https", "protocol": "TCP"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}}}],
                        "nodeSelector": {"kubernetes.io/os": "linux"},
                        "terminationGracePeriodSeconds": 300}}}}),
        json!({"apiVersion": "v1", "kind": kinds::SERVICE,
            "metadata": {"name": NAME, "namespace": NAMESPACE, "labels": labels()},
            "spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local",
                "ipFamilyPolicy": "SingleStack", "ipFamilies": ["IPv4"],
                "selector": selector(),
                "ports": [{"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
                    {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP", "targetPort": "https"}]}}),
    ];
    for obj in objects {
        let kind = meta::kind(&obj).to_string();
        if world
            .object(&kind, meta::namespace(&obj), meta::name(&obj))
            .is_some()
        {
            continue;
        }
        world
            .create_internal(obj)
            .map_err(|e| format!("installing ingress-nginx: {}", e.message))?;
    }
    world.settle();
    Ok(())
}

/// Whether the controller of `k8s.io/ingress-nginx` handles this Ingress.
pub fn handles(world: &World, ing: &Value) -> bool {
    let is_ours = |class: &str| {
        world
            .object(kinds::INGRESS_CLASS, "", class)
            .and_then(|c| meta::str_at(c, &["spec", "controller"]))
            == Some(CONTROLLER)
    };
    if let Some(c) = meta::str_at(ing, &["spec", "ingressClassName"]) {
        return is_ours(c);
    }
    if let Some(c) = meta::annotations(ing).get("kubernetes.io/ingress.class") {
        return c == CLASS;
    }
    // No class: the default IngressClass's controller takes it.
    world.object_list_all(kinds::INGRESS_CLASS).any(|c| {
        meta::str_at(c, &["spec", "controller"]) == Some(CONTROLLER)
            && meta::annotations(c)
                .get("ingressclass.kubernetes.io/is-default-class")
                .map(String::as_str)
                == Some("true")
    })
}

/// The controller pod that is ready, if any.
fn controller_ready(world: &World) -> bool {
    world.object_list(kinds::POD, NAMESPACE).any(|p| {
        is_controller_pod(p)
            && meta::condition(p, "Ready")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                == Some("True")
    })
}

/// Whether a pod is the ingress-nginx controller's.
pub fn is_controller_pod(pod: &Value) -> bool {
    meta::namespace(pod) == NAMESPACE
        && meta::labels(pod)
            .get("app.kubernetes.io/name")
            .map(String::as_str)
            == Some("ingress-nginx")
        && meta::labels(pod)
            .get("app.kubernetes.io/component")
            .map(String::as_str)
            == Some("controller")
}

/// The status sync: the Ingresses of the class get the controller Service's load balancer
/// addresses, and a `Sync` event when the controller first takes them or they change.
pub fn run(world: &mut World) {
    if world.object(kinds::DEPLOYMENT, NAMESPACE, NAME).is_none() || !controller_ready(world) {
        return;
    }
    let published: Vec<Value> = world
        .object(kinds::SERVICE, NAMESPACE, NAME)
        .map(super::load_balancers::ingress_ips)
        .unwrap_or_default()
        .into_iter()
        .map(|ip| json!({"ip": ip}))
        .collect();
    let ingresses: Vec<Value> = world
        .object_list_all(kinds::INGRESS)
        .filter(|i| !meta::is_deleting(i))
        .cloned()
        .collect();
    let source = Source::component("nginx-ingress-controller");
    for ing in ingresses {
        if !handles(world, &ing) {
            continue;
        }
        world.stats.syncs += 1;
        let key = (
            meta::uid(&ing).to_string(),
            meta::int_at(&ing, &["metadata", "generation"]).unwrap_or(0),
        );
        if world.traffic.synced.insert(key) {
            world.record_event(&ing, None, "Normal", "Sync", "Scheduled for sync", &source);
        }
        let cur: Vec<Value> = meta::path(&ing, &["status", "loadBalancer", "ingress"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if cur != published {
            let mut next = ing.clone();
            next["status"] = if published.is_empty() {
                json!({"loadBalancer": {}})
            } else {
                json!({"loadBalancer": {"ingress": published}})
            };
            world.write_discard(next);
            world.record_event(&ing, None, "Normal", "Sync", "Scheduled for sync", &source);
        }
    }
}

/// What the controller does with a request: proxy it to a Service port, or answer itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// To this Service's cluster IP and port.
    Proxy { cluster_ip: String, port: u16 },
    /// nginx's own error page with this status.
    Status(u16),
}

/// How a path rule matched (longer first; Exact before Prefix).
fn path_matches(kind: &str, rule: &str, path: &str) -> Option<(usize, u8)> {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    match kind {
        "Exact" => (path == rule).then_some((rule.len(), 2)),
        "Prefix" => {
            let r = rule.trim_end_matches('/');
            let ok = r.is_empty()
                || path == r
                || path
                    .strip_prefix(r)
                    .is_some_and(|rest| rest.starts_with('/'));
            ok.then_some((rule.len(), 1))
        }
        _ => path.starts_with(rule).then_some((rule.len(), 1)),
    }
}

/// Whether a rule's host names the request's host (exact, or a `*.` wildcard of one label).
fn host_rank(rule: &str, host: &str) -> Option<u8> {
    if rule == host {
        return Some(2);
    }
    let suffix = rule.strip_prefix("*.")?;
    let (first, rest) = host.split_once('.')?;
    (!first.is_empty() && rest == suffix).then_some(1)
}

/// The controller's decision for a request with this Host header and path.
pub fn decide(world: &World, host: &str, path: &str) -> Decision {
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    let host = host.to_ascii_lowercase();
    let ingresses: Vec<&Value> = world
        .object_list_all(kinds::INGRESS)
        .filter(|i| !meta::is_deleting(i) && handles(world, i))
        .collect();
    let rules = |ing: &'_ Value| -> Vec<Value> {
        meta::path(ing, &["spec", "rules"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    // The server: the best host match among every Ingress's rules, else the default server.
    let best_host = ingresses
        .iter()
        .flat_map(|i| rules(i))
        .filter_map(|r| host_rank(r.get("host").and_then(Value::as_str)?, &host))
        .max();
    let mut best: Option<((usize, u8), String, Value)> = None;
    for ing in &ingresses {
        for rule in rules(ing) {
            let rh = rule.get("host").and_then(Value::as_str).unwrap_or("");
            let in_server = match best_host {
                Some(rank) => !rh.is_empty() && host_rank(rh, &host) == Some(rank),
                None => rh.is_empty(),
            };
            if !in_server {
                continue;
            }
            for p in meta::path(&rule, &["http", "paths"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let kind = p
                    .get("pathType")
                    .and_then(Value::as_str)
                    .unwrap_or("ImplementationSpecific");
                let rp = p.get("path").and_then(Value::as_str).unwrap_or("/");
                if let Some(score) = path_matches(kind, rp, path)
                    && best.as_ref().is_none_or(|b| score > b.0)
                {
                    best = Some((
                        score,
                        meta::namespace(ing).to_string(),
                        p.get("backend").cloned().unwrap_or(Value::Null),
                    ));
                }
            }
        }
    }
    if best.is_none() && best_host.is_none() {
        best = ingresses.iter().find_map(|i| {
            let b = meta::path(i, &["spec", "defaultBackend"])?;
            Some(((0, 0), meta::namespace(i).to_string(), b.clone()))
        });
    }
    let Some((_, ns, backend)) = best else {
        return Decision::Status(404);
    };
    backend_target(world, &ns, &backend).unwrap_or(Decision::Status(503))
}

/// The backend Service's cluster IP and port, when it has a ready endpoint.
fn backend_target(world: &World, ns: &str, backend: &Value) -> Option<Decision> {
    let name = meta::str_at(backend, &["service", "name"])?;
    let svc = world.object(kinds::SERVICE, ns, name)?;
    let want = meta::path(backend, &["service", "port"])?;
    let port = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)?
        .iter()
        .find(|p| match (want.get("number"), want.get("name")) {
            (Some(n), _) if n.as_i64().unwrap_or(0) != 0 => p.get("port") == Some(n),
            (_, Some(Value::String(n))) => p.get("name").and_then(Value::as_str) == Some(n),
            _ => false,
        })?;
    let ready = world
        .object(kinds::ENDPOINTS, ns, name)
        .and_then(|e| meta::path(e, &["subsets", "0", "addresses"]))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    if !ready {
        return None;
    }
    Some(Decision::Proxy {
        cluster_ip: meta::str_at(svc, &["spec", "clusterIP"])?.to_string(),
        port: port.get("port").and_then(Value::as_u64)? as u16,
    })
}

/// nginx's error page for a status the controller answers itself (`ngx_http_special_response.c`
/// with ingress-nginx's `server_tokens off`: the tail names no version).
pub fn error_page(status: u16) -> (&'static str, String) {
    let reason = match status {
        404 => "Not Found",
        _ => "Service Temporarily Unavailable",
    };
    let body = format!(
        "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (reason, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_as_ingress_nginx_matches_them() {
        assert!(path_matches("Prefix", "/", "/anything").is_some());
        assert!(path_matches("Prefix", "/foo", "/foo").is_some());
        assert!(path_matches("Prefix", "/foo", "/foo/bar").is_some());
        assert!(path_matches("Prefix", "/foo/", "/foo").is_some());
        assert!(path_matches("Prefix", "/foo", "/foobar").is_none());
        assert!(path_matches("Exact", "/foo", "/foo/").is_none());
        assert!(path_matches("Exact", "/foo", "/foo?x=1").is_some());
        assert!(path_matches("ImplementationSpecific", "/foo", "/foobar").is_some());
        assert!(path_matches("Exact", "/foo", "/foo") > path_matches("Prefix", "/foo", "/foo"));
    }

    #[test]
    fn hosts_match_exactly_or_by_one_label_wildcards() {
        assert_eq!(host_rank("foo.com", "foo.com"), Some(2));
        assert_eq!(host_rank("*.foo.com", "bar.foo.com"), Some(1));
        assert_eq!(host_rank("*.foo.com", "baz.bar.foo.com"), None);
        assert_eq!(host_rank("*.foo.com", "foo.com"), None);
    }

    #[test]
    fn error_pages_are_nginx_pages() {
        let (reason, body) = error_page(404);
        assert_eq!(reason, "Not Found");
        assert!(body.starts_with("<html>\r\n<head><title>404 Not Found</title>"));
        assert!(body.ends_with("<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"));
    }
}
