//! OpenShift Routes (route.openshift.io/v1) and the default router.
//!
//! The cluster's apps domain is `apps.ocp4.example.com` (the API server is
//! `api.ocp4.example.com:6443`, as the course's OpenShift contexts name it). On create, a Route
//! without `spec.host` gets `NAME-NAMESPACE.apps.ocp4.example.com` and the annotation
//! `openshift.io/host.generated: "true"` (openshift-apiserver's route allocation);
//! `spec.to.kind` defaults to `Service`, `spec.to.weight` to 100 and `spec.wildcardPolicy` to
//! `None`. The default IngressController's router (`default`, canonical host name
//! `router-default.apps.ocp4.example.com`) admits every Route: its `status.ingress` entry with
//! the `Admitted` condition. kubelab does not check host claims between namespaces.
//!
//! A request to a host of the apps domain (the wildcard DNS record points at the router) goes
//! to the Route admitted for that host whose path is the longest prefix of the request's
//! path, then to one ready endpoint of its Service at the Route's target port (a Service port
//! name, or an endpoint port number), as HAProxy balances over the endpoints. kubelab serves
//! plain HTTP only: a Route with TLS (edge, reencrypt, passthrough) is reached over HTTP only
//! when its insecure policy is `Allow`, as the router does. The router runs on the nodes' host network: its connections to the
//! endpoints come from the control-plane node's address. The router's own page for a host
//! or path that no Route serves is not simulated: kubelab answers 503 with a body that says
//! so.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::rfc3339;
use crate::world::network::{HttpResponse, NetError, Origin, Pick};

/// The cluster's apps domain.
pub const APPS_DOMAIN: &str = "apps.ocp4.example.com";
/// The default router's name and canonical host name.
pub const ROUTER: &str = "default";
/// The default router's canonical host name.
pub const ROUTER_HOST: &str = "router-default.apps.ocp4.example.com";

/// openshift-apiserver's defaults and host allocation for a Route being created.
pub fn prepare(obj: &mut Value) {
    if meta::str_at(obj, &["spec", "host"]).is_none_or(str::is_empty) {
        let host = format!("{}-{}.{APPS_DOMAIN}", meta::name(obj), meta::namespace(obj));
        meta::set_path(obj, &["spec", "host"], json!(host));
        meta::set_path(
            obj,
            &["metadata", "annotations", "openshift.io/host.generated"],
            json!("true"),
        );
    }
    if meta::str_at(obj, &["spec", "to", "kind"]).is_none() {
        meta::set_path(obj, &["spec", "to", "kind"], json!("Service"));
    }
    if meta::path(obj, &["spec", "to", "weight"]).is_none() {
        meta::set_path(obj, &["spec", "to", "weight"], json!(100));
    }
    if meta::str_at(obj, &["spec", "wildcardPolicy"]).is_none() {
        meta::set_path(obj, &["spec", "wildcardPolicy"], json!("None"));
    }
}

/// The router's admission: every Route gets its `status.ingress` entry for the default router
/// (again when its host or wildcard policy changes).
pub fn run(world: &mut World) {
    let routes: Vec<Value> = world
        .object_list_all(kinds::ROUTE)
        .filter(|r| !meta::is_deleting(r))
        .cloned()
        .collect();
    let now = rfc3339(world.now());
    for route in routes {
        world.stats.syncs += 1;
        let host = meta::str_at(&route, &["spec", "host"]).unwrap_or("");
        let wildcard = meta::str_at(&route, &["spec", "wildcardPolicy"]).unwrap_or("None");
        let current = meta::path(&route, &["status", "ingress"])
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|i| i.get("routerName").and_then(Value::as_str) == Some(ROUTER))
            });
        if current.is_some_and(|i| {
            i.get("host").and_then(Value::as_str) == Some(host)
                && i.get("wildcardPolicy").and_then(Value::as_str) == Some(wildcard)
        }) {
            continue;
        }
        let mut next = route.clone();
        next["status"] = json!({"ingress": [{
            "conditions": [{"lastTransitionTime": now, "status": "True", "type": "Admitted"}],
            "host": host,
            "routerCanonicalHostname": ROUTER_HOST,
            "routerName": ROUTER,
            "wildcardPolicy": wildcard,
        }]});
        world.write_discard(next);
    }
}

/// Whether a host name is in the apps domain (what the wildcard DNS record answers).
pub fn in_apps_domain(host: &str) -> bool {
    host.to_ascii_lowercase()
        .strip_suffix(APPS_DOMAIN)
        .is_some_and(|h| h.ends_with('.') && h.len() > 1)
}

/// The Route admitted for `host` whose path is the longest prefix of `path`.
fn route_for(world: &World, host: &str, path: &str) -> Option<Value> {
    let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
    let host = host.to_ascii_lowercase();
    let mut best: Option<(usize, &Value)> = None;
    for r in world.object_list_all(kinds::ROUTE) {
        let admitted = meta::path(r, &["status", "ingress"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|i| {
                i.get("host").and_then(Value::as_str) == Some(host.as_str())
                    && i.get("conditions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|c| c["type"] == "Admitted" && c["status"] == "True")
            });
        if !admitted {
            continue;
        }
        let rp = meta::str_at(r, &["spec", "path"]).unwrap_or("");
        if !path.starts_with(rp) {
            continue;
        }
        if best.is_none_or(|(n, _)| rp.len() > n) {
            best = Some((rp.len(), r));
        }
    }
    best.map(|(_, r)| r.clone())
}

/// Whether the router serves the Route over plain HTTP.
fn serves_http(route: &Value) -> bool {
    match meta::path(route, &["spec", "tls"]).filter(|t| t.is_object()) {
        None => true,
        Some(tls) => {
            tls.get("insecureEdgeTerminationPolicy")
                .and_then(Value::as_str)
                == Some("Allow")
        }
    }
}

/// The Service port a Route's target port names: a port name, or an endpoint (target) port
/// number; the first port without one.
fn service_port(svc: &Value, route: &Value) -> Option<u16> {
    let ports = meta::path(svc, &["spec", "ports"]).and_then(Value::as_array)?;
    let port = |p: &Value| p.get("port").and_then(Value::as_u64).map(|n| n as u16);
    match meta::path(route, &["spec", "port", "targetPort"]) {
        Some(Value::String(name)) => ports
            .iter()
            .find(|p| {
                p.get("name").and_then(Value::as_str) == Some(name.as_str())
                    || p.get("targetPort").and_then(Value::as_str) == Some(name.as_str())
            })
            .and_then(port),
        Some(Value::Number(n)) => ports
            .iter()
            .find(|p| {
                p.get("targetPort") == Some(&Value::Number(n.clone()))
                    || (p.get("targetPort").is_none()
                        && p.get("port") == Some(&Value::Number(n.clone())))
            })
            .and_then(port),
        _ => ports.first().and_then(port),
    }
}

impl World {
    /// A request to a host of the apps domain: the router's answer (`None`: not such a host).
    pub(crate) fn router_request(
        &mut self,
        _from: Origin<'_>,
        host: &str,
        header: &str,
        port: u16,
        path: &str,
        agent: &str,
    ) -> Option<Result<HttpResponse, NetError>> {
        if !in_apps_domain(host) {
            return None;
        }
        if port != 80 {
            return Some(Err(NetError::Refused {
                host: host.to_string(),
                port,
            }));
        }
        let target = route_for(self, header, path)
            .filter(serves_http)
            .and_then(|route| {
                let ns = meta::namespace(&route).to_string();
                let svc_name = meta::str_at(&route, &["spec", "to", "name"])?.to_string();
                let svc = self.object(kinds::SERVICE, &ns, &svc_name)?.clone();
                let sp = service_port(&svc, &route)?;
                let ip = meta::str_at(&svc, &["spec", "clusterIP"])?.to_string();
                self.route(&ip, sp, Pick::InTurn)
            });
        Some(match target {
            Some((pod, target)) => {
                let client = crate::world::runtime::access_log::Client {
                    addr: self.edge_addr(),
                    agent: agent.to_string(),
                };
                self.answer_pod(&pod, target, (header, port), path, &client)
            }
            None => {
                let body = format!(
                    "kubelab does not simulate the OpenShift router's error page: no admitted Route serves http://{header}{path} with a ready endpoint\n"
                );
                Ok(HttpResponse {
                    status: 503,
                    reason: "Service Unavailable",
                    headers: vec![("Content-Length".into(), body.len().to_string())],
                    body,
                    pod: String::new(),
                })
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_generated_in_the_apps_domain() {
        let mut r = json!({"metadata": {"name": "web", "namespace": "shop"}, "spec": {"to": {"name": "web"}}});
        prepare(&mut r);
        assert_eq!(r["spec"]["host"], "web-shop.apps.ocp4.example.com");
        assert_eq!(
            r["metadata"]["annotations"]["openshift.io/host.generated"],
            "true"
        );
        assert_eq!(
            r["spec"]["to"],
            json!({"kind": "Service", "name": "web", "weight": 100})
        );
        assert_eq!(r["spec"]["wildcardPolicy"], "None");
        assert!(in_apps_domain("web-shop.apps.ocp4.example.com"));
        assert!(!in_apps_domain("apps.ocp4.example.com"));
        assert!(!in_apps_domain("example.com"));
    }

    #[test]
    fn target_ports_name_service_ports_or_endpoint_ports() {
        let svc = json!({"spec": {"ports": [
            {"name": "http", "port": 80, "targetPort": 8080},
            {"name": "admin", "port": 9000, "targetPort": "admin"}]}});
        let r = |p: Value| json!({"spec": {"port": {"targetPort": p}}});
        assert_eq!(service_port(&svc, &r(json!("http"))), Some(80));
        assert_eq!(service_port(&svc, &r(json!(8080))), Some(80));
        assert_eq!(service_port(&svc, &r(json!("admin"))), Some(9000));
        assert_eq!(service_port(&svc, &json!({"spec": {}})), Some(80));
        assert_eq!(service_port(&svc, &r(json!(80))), None);
    }
}
