//! The files the kubelet and the runtime write into every container: `/etc/resolv.conf`
//! (kubelet `pkg/kubelet/network/dns/dns.go` `GetPodDNS`, written by containerd's
//! `parseDNSOptions`: `search`, `nameserver`, `options`), `/etc/hosts` (`kubelet_pods.go`
//! `managedHostsFileContent`, `nodeHostsFileContent`) and `/etc/hostname`
//! (`GeneratePodHostNameAndDomain`, `GetNodenameForKernel`).

use crate::world::api::kinds;
use serde_json::Value;

use super::{CLUSTER_DNS_IP, CLUSTER_DOMAIN, NODE_NAMESERVER};
use crate::world::World;
use crate::world::api::meta;

/// The nodes' `/etc/resolv.conf` (world data: what `dnsPolicy: Default` pods inherit).
fn node_resolv() -> (Vec<String>, Vec<String>, Vec<String>) {
    (vec![NODE_NAMESERVER.to_string()], vec![], vec![])
}

/// A node's `/etc/hosts` (world data: what `hostNetwork` pods see).
fn node_hosts(node: &str, ip: &str) -> String {
    format!("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{ip}\t{node}\n")
}

/// The kubelet's limits (ExpandedDNSConfig, GA): 3 nameservers, 32 search domains of at most
/// 253 characters, 2048 characters in all.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCHES: usize = 32;
const MAX_SEARCH_CHARS: usize = 2048;

fn omit_duplicates(v: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in v {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `mergeDNSOptions`: the pod's options overwrite same-named ones. The kubelet rebuilds the
/// list from a Go map (its order varies from pod to pod); kubelab keeps the existing options in
/// place and appends new ones in the pod's order.
fn merge_options(existing: Vec<String>, pod_opts: Option<&Value>) -> Vec<String> {
    let mut opts: Vec<(String, String)> = existing
        .into_iter()
        .map(|o| match o.split_once(':') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (o, String::new()),
        })
        .collect();
    for o in pod_opts.and_then(Value::as_array).into_iter().flatten() {
        let name = o
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let value = o
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        match opts.iter_mut().find(|(n, _)| *n == name) {
            Some(e) => e.1 = value,
            None => opts.push((name, value)),
        }
    }
    opts.into_iter()
        .map(|(n, v)| if v.is_empty() { n } else { format!("{n}:{v}") })
        .collect()
}

fn host_network(pod: &Value) -> bool {
    meta::bool_at(pod, &["spec", "hostNetwork"]) == Some(true)
}

/// The pod's DNS configuration (nameservers, search domains, options), as `GetPodDNS` forms it.
pub(super) fn pod_dns(pod: &Value) -> (Vec<String>, Vec<String>, Vec<String>) {
    let policy = meta::str_at(pod, &["spec", "dnsPolicy"]).unwrap_or("ClusterFirst");
    let (mut servers, mut searches, mut options) = node_resolv();
    match policy {
        "None" => {
            servers = vec![];
            searches = vec![];
            options = vec![];
        }
        "ClusterFirstWithHostNet" | "ClusterFirst"
            if policy != "ClusterFirst" || !host_network(pod) =>
        {
            servers = vec![CLUSTER_DNS_IP.to_string()];
            let ns = meta::namespace(pod);
            let mut s = vec![
                format!("{ns}.svc.{CLUSTER_DOMAIN}"),
                format!("svc.{CLUSTER_DOMAIN}"),
                CLUSTER_DOMAIN.to_string(),
            ];
            s.extend(searches);
            searches = omit_duplicates(s);
            options = vec!["ndots:5".to_string()];
        }
        _ => {}
    }
    if let Some(cfg) = meta::path(pod, &["spec", "dnsConfig"]) {
        servers.extend(strings(cfg.get("nameservers")));
        servers = omit_duplicates(servers);
        searches.extend(strings(cfg.get("searches")));
        searches = omit_duplicates(searches);
        options = merge_options(options, cfg.get("options"));
    }
    servers.truncate(MAX_NAMESERVERS);
    searches.truncate(MAX_SEARCHES);
    searches.retain(|s| s.len() <= 253);
    while searches.len() > 1 && searches.join(" ").len() > MAX_SEARCH_CHARS {
        searches.pop();
    }
    (servers, searches, options)
}

/// The pod's `/etc/resolv.conf`.
pub fn resolv_conf(world: &World, pod: &Value) -> String {
    let _ = world;
    let (servers, searches, options) = pod_dns(pod);
    let mut out = String::new();
    if !searches.is_empty() {
        out.push_str(&format!("search {}\n", searches.join(" ")));
    }
    if !servers.is_empty() {
        out.push_str(&format!("nameserver {}\n", servers.join("\nnameserver ")));
    }
    if !options.is_empty() {
        out.push_str(&format!("options {}\n", options.join(" ")));
    }
    if out.is_empty() {
        // containerd copies the node's file when the kubelet gives it nothing.
        let (s, _, _) = node_resolv();
        out = format!("nameserver {}\n", s.join("\nnameserver "));
    }
    out
}

/// The pod's host name (`/etc/hostname` without the FQDN option, `hostname`, `$HOSTNAME`):
/// `spec.hostname`, else the pod's name, cut to 63 characters without a final `-` or `.`; a
/// `hostNetwork` pod has its node's name.
pub fn hostname(pod: &Value) -> String {
    if host_network(pod) {
        return meta::str_at(pod, &["spec", "nodeName"])
            .unwrap_or("")
            .to_string();
    }
    let h = meta::str_at(pod, &["spec", "hostname"])
        .filter(|h| !h.is_empty())
        .unwrap_or(meta::name(pod));
    if h.len() <= 63 {
        return h.to_string();
    }
    let mut cut = 63;
    while !h.is_char_boundary(cut) {
        cut -= 1;
    }
    h[..cut].trim_end_matches(['-', '.']).to_string()
}

/// The pod's fully qualified name when it has a `spec.subdomain`
/// (`HOSTNAME.SUBDOMAIN.NS.svc.cluster.local`).
pub fn fqdn(pod: &Value) -> Option<String> {
    let sub = meta::str_at(pod, &["spec", "subdomain"]).filter(|s| !s.is_empty())?;
    Some(format!(
        "{}.{sub}.{}.svc.{CLUSTER_DOMAIN}",
        hostname(pod),
        meta::namespace(pod)
    ))
}

/// The pod's `/etc/hostname`: its host name, or its FQDN with `setHostnameAsFQDN: true`.
pub fn hostname_file(pod: &Value) -> String {
    let fq = meta::bool_at(pod, &["spec", "setHostnameAsFQDN"]) == Some(true);
    match fqdn(pod) {
        Some(f) if fq && !host_network(pod) => format!("{f}\n"),
        _ => format!("{}\n", hostname(pod)),
    }
}

fn pod_ips(pod: &Value) -> Vec<String> {
    let ips: Vec<String> = meta::path(pod, &["status", "podIPs"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| i.get("ip").and_then(Value::as_str).map(str::to_string))
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !ips.is_empty() {
        return ips;
    }
    meta::str_at(pod, &["status", "podIP"])
        .filter(|s| !s.is_empty())
        .map(|s| vec![s.to_string()])
        .unwrap_or_default()
}

/// The pod's `/etc/hosts`.
pub fn hosts_file(world: &World, pod: &Value) -> String {
    let mut out = String::new();
    if host_network(pod) {
        let node = meta::str_at(pod, &["spec", "nodeName"]).unwrap_or("");
        let ip = world
            .object(kinds::NODE, "", node)
            .and_then(|n| meta::path(n, &["status", "addresses"]))
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|x| x.get("type").and_then(Value::as_str) == Some("InternalIP"))
            })
            .and_then(|x| x.get("address").and_then(Value::as_str))
            .unwrap_or("")
            .to_string();
        out.push_str("# Kubernetes-managed hosts file (host network).\n");
        out.push_str(&node_hosts(node, &ip));
    } else {
        out.push_str("# Kubernetes-managed hosts file.\n");
        out.push_str("127.0.0.1\tlocalhost\n");
        out.push_str("::1\tlocalhost ip6-localhost ip6-loopback\n");
        out.push_str("fe00::0\tip6-localnet\n");
        out.push_str("fe00::0\tip6-mcastprefix\n");
        out.push_str("fe00::1\tip6-allnodes\n");
        out.push_str("fe00::2\tip6-allrouters\n");
        let host = hostname(pod);
        for ip in pod_ips(pod) {
            match fqdn(pod) {
                Some(f) => out.push_str(&format!("{ip}\t{f}\t{host}\n")),
                None => out.push_str(&format!("{ip}\t{host}\n")),
            }
        }
    }
    let aliases = meta::path(pod, &["spec", "hostAliases"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !aliases.is_empty() {
        out.push_str("\n# Entries added by HostAliases.\n");
        for a in &aliases {
            let ip = a.get("ip").and_then(Value::as_str).unwrap_or("");
            for h in strings(a.get("hostnames")) {
                out.push_str(&format!("{ip}\t{h}\n"));
            }
        }
    }
    out
}
