//! The cluster's DNS server as CoreDNS answers it with kubeadm's Corefile (`kubernetes
//! cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa }`,
//! `forward . /etc/resolv.conf`): `plugin/kubernetes` (parse.go, kubernetes.go, reverse.go,
//! handler.go) and `plugin/backend_lookup.go`, read from the Services, Endpoints and Namespaces
//! of the world. Names outside the zone go to the nodes' resolver, which knows none.
//!
//! Address order: CoreDNS lists a headless Service's addresses in its EndpointSlice's order and
//! kubeadm's `loadbalance` plugin shuffles them on every answer; kubelab answers them in the
//! Endpoints object's order (by IP), the same every time.

use crate::world::api::kinds;
use serde_json::Value;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::{CLUSTER_DOMAIN, NODE_NAMESERVER};
use crate::world::World;
use crate::world::api::meta;

/// A query type kubelab answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RrType {
    /// IPv4 address.
    A,
    /// IPv6 address (the cluster is IPv4 only: never an answer but through a CNAME).
    Aaaa,
    /// Canonical name.
    Cname,
    /// Reverse lookup.
    Ptr,
}

/// A response code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    /// NOERROR (with or without answers).
    NoError,
    /// NXDOMAIN: the name does not exist.
    NxDomain,
}

impl Rcode {
    /// The name nslookup prints.
    pub fn text(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::NxDomain => "NXDOMAIN",
        }
    }
}

/// The data of an answer record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rdata {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An alias (the target, without the final dot).
    Cname(String),
    /// A reverse name (without the final dot).
    Ptr(String),
}

/// An answer record: its owner name (as the question spelled it) and data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The owner name, without the final dot.
    pub name: String,
    /// The data.
    pub data: Rdata,
}

/// A DNS response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The response code.
    pub rcode: Rcode,
    /// The AA bit (CoreDNS's own zone: set; forwarded answers: not).
    pub authoritative: bool,
    /// The answer section.
    pub answers: Vec<Record>,
}

impl Reply {
    fn nxdomain(authoritative: bool) -> Reply {
        Reply {
            rcode: Rcode::NxDomain,
            authoritative,
            answers: vec![],
        }
    }
}

/// What a `kubernetes` plugin record stands for (CoreDNS's `msg.Service`: an address or a name).
type Hosts = Result<Vec<String>, ()>;

/// The CNAME chain bound of `backend_lookup.go`.
const MAX_CNAME_CHAIN: usize = 10;

/// A parsed query name (CoreDNS's `recordRequest`).
#[derive(Debug, Default)]
struct Request {
    port: String,
    protocol: String,
    endpoint: String,
    service: String,
    namespace: String,
    pod_or_svc: String,
}

/// `parseRequest` (no multicluster, no zonal names): Ok(None) is an apex name (NODATA).
fn parse_request(base: &str) -> Result<Option<Request>, ()> {
    if base.is_empty() || base == "svc" || base == "pod" {
        return Ok(None);
    }
    let segs: Vec<&str> = base.split('.').collect();
    let mut r = Request::default();
    let mut last = segs.len() as isize - 1;
    r.pod_or_svc = segs[last as usize].to_string();
    if r.pod_or_svc != "pod" && r.pod_or_svc != "svc" {
        return Err(());
    }
    last -= 1;
    if last < 0 {
        return Ok(Some(r));
    }
    r.namespace = segs[last as usize].to_string();
    last -= 1;
    if last < 0 {
        return Ok(Some(r));
    }
    r.service = segs[last as usize].to_string();
    last -= 1;
    match last {
        l if l < 0 => {}
        0 => r.endpoint = segs[0].to_string(),
        1 => {
            r.protocol = segs[1].trim_start_matches('_').to_string();
            r.port = segs[0].trim_start_matches('_').to_string();
        }
        _ => return Err(()),
    }
    Ok(Some(r))
}

fn port_matches(want_port: &str, port: &str, want_proto: &str, proto: &str) -> bool {
    (want_port.is_empty() || want_port.eq_ignore_ascii_case(port))
        && (want_proto.is_empty() || want_proto.eq_ignore_ascii_case(proto))
}

/// The name an endpoint address is published under: its hostname, else its dashed IP.
pub(super) fn endpoint_hostname(addr: &Value) -> String {
    if let Some(h) = addr.get("hostname").and_then(Value::as_str)
        && !h.is_empty()
    {
        return h.to_string();
    }
    let ip = addr.get("ip").and_then(Value::as_str).unwrap_or("");
    if ip.contains('.') {
        return ip.replace('.', "-");
    }
    if ip.contains(':') {
        let h = ip.replace(':', "-");
        return if h.ends_with('-') { h + "0" } else { h };
    }
    String::new()
}

/// `zone` is a suffix of `name` on a label boundary (both lower-case, no final dot).
fn in_zone(name: &str, zone: &str) -> bool {
    name == zone || name.ends_with(&format!(".{zone}"))
}

/// The IP a reverse name stands for (`dnsutil.ExtractAddressFromReverse`).
fn address_from_reverse(name: &str) -> Option<String> {
    if let Some(v4) = name.strip_suffix(".in-addr.arpa") {
        let parts: Vec<&str> = v4.split('.').collect();
        if parts.len() != 4 {
            return None;
        }
        let ip: String = parts.iter().rev().copied().collect::<Vec<_>>().join(".");
        return ip.parse::<Ipv4Addr>().ok().map(|a| a.to_string());
    }
    let v6 = name.strip_suffix(".ip6.arpa")?;
    let nibbles: Vec<&str> = v6.split('.').collect();
    if nibbles.len() != 32 || nibbles.iter().any(|n| n.len() != 1) {
        return None;
    }
    let hex: String = nibbles.iter().rev().copied().collect();
    let groups: Vec<&str> = (0..8).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    groups
        .join(":")
        .parse::<Ipv6Addr>()
        .ok()
        .map(|a| a.to_string())
}

impl World {
    /// What the cluster's DNS server (CoreDNS at [`super::CLUSTER_DNS_IP`]) answers.
    pub fn coredns_query(&self, qname: &str, qtype: RrType) -> Reply {
        let name = qname.trim_end_matches('.').to_ascii_lowercase();
        if in_zone(&name, CLUSTER_DOMAIN) {
            return self.kubernetes_plugin(qname, &name, qtype, 0);
        }
        if qtype == RrType::Ptr && (in_zone(&name, "in-addr.arpa") || in_zone(&name, "ip6.arpa")) {
            let ptrs = address_from_reverse(&name)
                .map(|ip| self.reverse_names(&ip))
                .unwrap_or_default();
            if !ptrs.is_empty() {
                return Reply {
                    rcode: Rcode::NoError,
                    authoritative: true,
                    answers: ptrs
                        .into_iter()
                        .map(|p| Record {
                            name: qname.trim_end_matches('.').to_string(),
                            data: Rdata::Ptr(p),
                        })
                        .collect(),
                };
            }
        }
        // `fallthrough in-addr.arpa ip6.arpa`, then `forward . /etc/resolv.conf`.
        self.upstream_query(qname, qtype)
    }

    /// What the nodes' resolver ([`NODE_NAMESERVER`]) answers: the cluster has no Internet, so
    /// every name is NXDOMAIN (a recursive resolver's answer: not authoritative).
    pub fn upstream_query(&self, qname: &str, qtype: RrType) -> Reply {
        let _ = (qname, qtype, NODE_NAMESERVER);
        Reply::nxdomain(false)
    }

    /// The kubernetes plugin's answer for a name in the cluster zone (`handler.go`).
    fn kubernetes_plugin(&self, qname: &str, name: &str, qtype: RrType, depth: usize) -> Reply {
        let hosts = self.plugin_records(name);
        let Ok(hosts) = hosts else {
            return Reply::nxdomain(true);
        };
        let owner = qname.trim_end_matches('.').to_string();
        let mut answers: Vec<Record> = Vec::new();
        for host in hosts {
            let as_v4 = host.parse::<Ipv4Addr>().ok();
            let is_ip = as_v4.is_some() || host.parse::<Ipv6Addr>().is_ok();
            match qtype {
                RrType::A => {
                    if let Some(ip) = as_v4 {
                        if !answers.iter().any(|r| r.data == Rdata::A(ip)) {
                            answers.push(Record {
                                name: owner.clone(),
                                data: Rdata::A(ip),
                            });
                        }
                        continue;
                    }
                }
                RrType::Aaaa => {
                    if is_ip {
                        continue;
                    }
                }
                RrType::Cname => {
                    if !is_ip {
                        answers.push(Record {
                            name: owner.clone(),
                            data: Rdata::Cname(host.trim_end_matches('.').to_string()),
                        });
                    }
                    continue;
                }
                RrType::Ptr => continue,
            }
            if is_ip {
                continue;
            }
            // A CNAME (an ExternalName Service), followed as backend_lookup.go does.
            let target = host.trim_end_matches('.').to_string();
            let target_lc = target.to_ascii_lowercase();
            // `x CNAME x` (or a name below x) is a loop CoreDNS does not add.
            if in_zone(&target_lc, name) || depth > MAX_CNAME_CHAIN {
                continue;
            }
            let cname = Record {
                name: owner.clone(),
                data: Rdata::Cname(target.clone()),
            };
            if in_zone(&target_lc, CLUSTER_DOMAIN) {
                let next = self.kubernetes_plugin(&target, &target_lc, qtype, depth + 1);
                if next.rcode == Rcode::NoError && !next.answers.is_empty() {
                    answers.push(cname);
                    answers.extend(next.answers);
                }
                continue;
            }
            let next = self.upstream_query(&target, qtype);
            answers.push(cname);
            answers.extend(next.answers);
        }
        Reply {
            rcode: Rcode::NoError,
            authoritative: true,
            answers,
        }
    }

    /// `Kubernetes.Records`: the addresses or names a name in the cluster zone stands for; Err is
    /// a name error (NXDOMAIN), Ok(empty) a name without records of that kind (NODATA).
    fn plugin_records(&self, name: &str) -> Hosts {
        let base = if name == CLUSTER_DOMAIN {
            ""
        } else {
            &name[..name.len() - CLUSTER_DOMAIN.len() - 1]
        };
        let Some(r) = parse_request(base)? else {
            return Ok(vec![]);
        };
        if r.namespace.is_empty() {
            return Ok(vec![]);
        }
        if self.object(kinds::NAMESPACE, "", &r.namespace).is_none() {
            return Err(());
        }
        if r.pod_or_svc == "pod" {
            return pod_records(&r);
        }
        self.service_records(&r)
    }

    /// `findServices`.
    fn service_records(&self, r: &Request) -> Hosts {
        if r.service.is_empty() {
            return Ok(vec![]);
        }
        let Some(svc) = self.object(kinds::SERVICE, &r.namespace, &r.service) else {
            return Err(());
        };
        let spec = svc.get("spec").cloned().unwrap_or(Value::Null);
        let ty = spec
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("ClusterIP");
        let mut found = false;
        let mut out = Vec::new();
        if ty == "ExternalName" {
            if !r.endpoint.is_empty() || !r.port.is_empty() || !r.protocol.is_empty() {
                return Err(());
            }
            let ext = spec
                .get("externalName")
                .and_then(Value::as_str)
                .unwrap_or("");
            if ext.is_empty() || ext.parse::<Ipv4Addr>().is_ok() || ext.parse::<Ipv6Addr>().is_ok()
            {
                return Err(());
            }
            return Ok(vec![ext.to_string()]);
        }
        let headless = spec.get("clusterIP").and_then(Value::as_str) == Some("None");
        if headless || !r.endpoint.is_empty() {
            let ep = self.object(kinds::ENDPOINTS, &r.namespace, &r.service);
            for subset in ep
                .and_then(|e| e.get("subsets"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let ports: Vec<(String, String)> = subset
                    .get("ports")
                    .and_then(Value::as_array)
                    .filter(|p| !p.is_empty())
                    .map(|ps| {
                        ps.iter()
                            .map(|p| {
                                (
                                    p.get("name").and_then(Value::as_str).unwrap_or("").into(),
                                    p.get("protocol")
                                        .and_then(Value::as_str)
                                        .unwrap_or("")
                                        .into(),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_else(|| vec![(String::new(), String::new())]);
                for addr in subset
                    .get("addresses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !r.endpoint.is_empty()
                        && !r.endpoint.eq_ignore_ascii_case(&endpoint_hostname(addr))
                    {
                        continue;
                    }
                    let ip = addr.get("ip").and_then(Value::as_str).unwrap_or("");
                    for (pname, proto) in &ports {
                        if port_matches(&r.port, pname, &r.protocol, proto) {
                            found = true;
                            out.push(ip.to_string());
                        }
                    }
                }
            }
            return if found { Ok(out) } else { Err(()) };
        }
        let ips: Vec<String> = match spec.get("clusterIPs").and_then(Value::as_array) {
            Some(a) if !a.is_empty() => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => spec
                .get("clusterIP")
                .and_then(Value::as_str)
                .map(|s| vec![s.to_string()])
                .unwrap_or_default(),
        };
        for p in spec
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let pname = p.get("name").and_then(Value::as_str).unwrap_or("");
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            if port_matches(&r.port, pname, &r.protocol, proto) {
                found = true;
                out.extend(ips.iter().cloned());
            }
        }
        if found { Ok(out) } else { Err(()) }
    }

    /// `serviceRecordForIP`: the names of a Service's cluster IP, else of the endpoints
    /// addresses with that IP.
    pub(super) fn reverse_names(&self, ip: &str) -> Vec<String> {
        let Some(svc_kind) = crate::world::api::kinds::by_kind(kinds::SERVICE) else {
            return vec![];
        };
        for svc in self.store.list(svc_kind, None) {
            let spec = svc.get("spec");
            let mut ips: Vec<&str> = spec
                .and_then(|s| s.get("clusterIPs"))
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(ip) = spec
                .and_then(|s| s.get("clusterIP"))
                .and_then(Value::as_str)
            {
                ips.push(ip);
            }
            if ips.contains(&ip) {
                return vec![format!(
                    "{}.{}.svc.{CLUSTER_DOMAIN}",
                    meta::name(svc),
                    meta::namespace(svc)
                )];
            }
        }
        let Some(ep_kind) = crate::world::api::kinds::by_kind(kinds::ENDPOINTS) else {
            return vec![];
        };
        let mut out = Vec::new();
        for ep in self.store.list(ep_kind, None) {
            for subset in ep
                .get("subsets")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for addr in subset
                    .get("addresses")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if addr.get("ip").and_then(Value::as_str) == Some(ip) {
                        out.push(format!(
                            "{}.{}.{}.svc.{CLUSTER_DOMAIN}",
                            endpoint_hostname(addr),
                            meta::name(ep),
                            meta::namespace(ep)
                        ));
                    }
                }
            }
        }
        out
    }
}

/// `findPods` with `pods insecure`: any dashed IP in an existing namespace.
fn pod_records(r: &Request) -> Hosts {
    let pod = &r.service;
    if pod.is_empty() {
        return Ok(vec![]);
    }
    let ip = if pod.matches('-').count() == 3 && !pod.contains("--") {
        pod.replace('-', ".")
    } else {
        pod.replace('-', ":")
    };
    if ip.parse::<Ipv4Addr>().is_ok() || ip.parse::<Ipv6Addr>().is_ok() {
        Ok(vec![ip])
    } else {
        Err(())
    }
}
