//! `kubectl cluster-info` (`kubectl pkg/cmd/clusterinfo/clusterinfo.go`): the API server's
//! address, then every Service labelled `kubernetes.io/cluster-service=true` in the namespace
//! (`kube-system` unless `-n` says otherwise) with its proxy URL or load-balancer address.
//!
//! kubelab's cluster answers DNS without a `kube-dns` Service object (world/dns), so a fresh
//! world lists the control plane alone. `cluster-info dump` is not run by kubelab (not in the
//! command table: kubelab says so).

use serde_json::Value;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::CmdResult;
use crate::world::api::selector::Selector;
use crate::world::api::{kinds, meta};

/// `utilnet.JoinSchemeNamePort`.
fn join_scheme_name_port(scheme: &str, name: &str, port: &str) -> String {
    if !scheme.is_empty() {
        format!("{scheme}:{name}:{port}")
    } else if !port.is_empty() {
        format!("{name}:{port}")
    } else {
        name.to_string()
    }
}

/// The link `cluster-info` prints for a Service.
fn link(host: &str, svc: &Value) -> String {
    let ports = meta::path(svc, &["spec", "ports"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ingress = meta::path(svc, &["status", "loadBalancer", "ingress", "0"]);
    if let Some(ing) = ingress {
        let ip = meta::str_at(ing, &["ip"])
            .filter(|s| !s.is_empty())
            .or_else(|| meta::str_at(ing, &["hostname"]))
            .unwrap_or("");
        return ports
            .iter()
            .map(|p| format!("http://{ip}:{} ", meta::int_at(p, &["port"]).unwrap_or(0)))
            .collect();
    }
    let mut name = meta::name(svc).to_string();
    if let Some(p) = ports.first() {
        let port_name = meta::str_at(p, &["name"]).unwrap_or("");
        let scheme = if port_name == "https" || meta::int_at(p, &["port"]) == Some(443) {
            "https"
        } else {
            ""
        };
        name = join_scheme_name_port(scheme, &name, port_name);
    }
    format!(
        "{host}/api/v1/namespaces/{}/services/{name}/proxy",
        meta::namespace(svc)
    )
}

/// `kubectl cluster-info`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = f
        .string("namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "kube-system".to_string());
    let host = ctx.config.server.clone();
    let sel = Selector::parse("kubernetes.io/cluster-service=true").unwrap_or_default();
    let sk = kinds::by_kind(kinds::SERVICE).expect("Service is served");
    let services = ctx.world.list(sk, Some(&ns), Some(&sel));
    let mut out = format!("Kubernetes control plane is running at {host}\n");
    for svc in &services {
        let name = meta::str_at(svc, &["metadata", "labels", "kubernetes.io/name"])
            .filter(|n| !n.is_empty())
            .unwrap_or(meta::name(svc));
        out.push_str(&format!("{name} is running at {}\n", link(&host, svc)));
    }
    out.push_str(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
    ctx.io.out(&out);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn links_as_upstream_builds_them() {
        let host = "https://10.0.0.1:6443";
        let dns = json!({"metadata": {"name": "kube-dns", "namespace": "kube-system"},
            "spec": {"ports": [{"name": "dns", "port": 53}]}});
        assert_eq!(
            link(host, &dns),
            "https://10.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy"
        );
        let https = json!({"metadata": {"name": "dash", "namespace": "kube-system"},
            "spec": {"ports": [{"port": 443}]}});
        assert_eq!(
            link(host, &https),
            "https://10.0.0.1:6443/api/v1/namespaces/kube-system/services/https:dash:/proxy"
        );
        let lb = json!({"metadata": {"name": "lb", "namespace": "x"},
            "spec": {"ports": [{"port": 80}, {"port": 8080}]},
            "status": {"loadBalancer": {"ingress": [{"hostname": "lb.example"}]}}});
        assert_eq!(
            link(host, &lb),
            "http://lb.example:80 http://lb.example:8080 "
        );
        let bare = json!({"metadata": {"name": "bare", "namespace": "x"}, "spec": {}});
        assert_eq!(
            link(host, &bare),
            "https://10.0.0.1:6443/api/v1/namespaces/x/services/bare/proxy"
        );
    }
}
