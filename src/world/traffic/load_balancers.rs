//! LoadBalancer Services and NodePorts seen from outside the pod network.
//!
//! A bare kubeadm cluster has no cloud provider: a LoadBalancer Service gets its node ports and
//! cluster IP, and `EXTERNAL-IP <pending>` forever. A lab that gives the world an address pool
//! (`cluster.load_balancer_pool("192.168.49.240-192.168.49.250")`, as MetalLB's
//! IPAddressPool does) has its LoadBalancer Services given the first free address of the pool
//! (or the one `spec.loadBalancerIP` asks for, if it is in the pool and free), written to
//! `status.loadBalancer.ingress` with `ipMode: VIP` as the API server defaults it. A Service
//! that stops being a LoadBalancer gives its address back. kubelab records no events for it
//! (MetalLB's controller and speakers are not modelled as pods).
//!
//! From the workstation, a connection to such an address and a Service port, or to a node's
//! InternalIP and a Service's node port, goes where kube-proxy sends it: to the Service, as a
//! connection to its cluster IP would.

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::meta;

fn is_load_balancer(svc: &Value) -> bool {
    meta::str_at(svc, &["spec", "type"]) == Some("LoadBalancer")
}

/// The addresses in a Service's `status.loadBalancer.ingress`.
pub fn ingress_ips(svc: &Value) -> Vec<String> {
    meta::path(svc, &["status", "loadBalancer", "ingress"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("ip").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}

/// Gives LoadBalancer Services their addresses and takes them back from those that are no
/// longer LoadBalancers, in key order.
pub fn run(world: &mut World) {
    let services: Vec<Value> = world
        .object_list_all(kinds::SERVICE)
        .filter(|s| is_load_balancer(s) || !ingress_ips(s).is_empty())
        .cloned()
        .collect();
    if services.is_empty() {
        return;
    }
    let pool = world.traffic.pool.clone();
    let mut taken: Vec<String> = services
        .iter()
        .filter(|s| is_load_balancer(s))
        .flat_map(ingress_ips)
        .collect();
    for svc in services {
        world.stats.syncs += 1;
        let has = !ingress_ips(&svc).is_empty();
        if !is_load_balancer(&svc) {
            if has {
                let mut next = svc.clone();
                next["status"]["loadBalancer"] = json!({});
                world.write_discard(next);
            }
            continue;
        }
        if has || pool.is_empty() {
            continue;
        }
        let wanted = meta::str_at(&svc, &["spec", "loadBalancerIP"]).filter(|s| !s.is_empty());
        let ip = match wanted {
            Some(w) => pool
                .iter()
                .find(|a| a.as_str() == w && !taken.contains(a))
                .cloned(),
            None => pool.iter().find(|a| !taken.contains(a)).cloned(),
        };
        let Some(ip) = ip else { continue };
        taken.push(ip.clone());
        let mut next = svc.clone();
        next["status"]["loadBalancer"] = json!({"ingress": [{"ip": ip, "ipMode": "VIP"}]});
        world.write_discard(next);
    }
}

impl World {
    /// The Service and Service port a connection from outside the pod network to `ip:port`
    /// reaches: a LoadBalancer Service's address and one of its ports, or a node's InternalIP
    /// and a Service's node port.
    pub fn external_service(&self, ip: &str, port: u16) -> Option<(Value, Value)> {
        let port = port as u64;
        let ports = |svc: &Value| -> Vec<Value> {
            meta::path(svc, &["spec", "ports"])
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        for svc in self.object_list_all(kinds::SERVICE) {
            if is_load_balancer(svc) && ingress_ips(svc).iter().any(|a| a == ip) {
                let p = ports(svc)
                    .into_iter()
                    .find(|p| p.get("port").and_then(Value::as_u64) == Some(port))?;
                return Some((svc.clone(), p));
            }
        }
        if !self.is_node_ip(ip) {
            return None;
        }
        for svc in self.object_list_all(kinds::SERVICE) {
            if !matches!(
                meta::str_at(svc, &["spec", "type"]),
                Some("NodePort" | "LoadBalancer")
            ) {
                continue;
            }
            if let Some(p) = ports(svc)
                .into_iter()
                .find(|p| p.get("nodePort").and_then(Value::as_u64) == Some(port))
            {
                return Some((svc.clone(), p));
            }
        }
        None
    }

    /// Whether `ip` is a node's InternalIP.
    pub fn is_node_ip(&self, ip: &str) -> bool {
        self.object_list_all(kinds::NODE).any(|n| {
            meta::path(n, &["status", "addresses"])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|a| {
                    a.get("type").and_then(Value::as_str) == Some("InternalIP")
                        && a.get("address").and_then(Value::as_str) == Some(ip)
                })
        })
    }

    /// Objects of a kind in every namespace, in key order.
    pub fn object_list_all<'a>(&'a self, kind: &str) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        match crate::world::api::kinds::by_kind(kind) {
            Some(k) => Box::new(self.store.list(k, None)),
            None => Box::new(std::iter::empty()),
        }
    }
}
