//! A pod's resolver library: `/etc/resolv.conf` parsed, `/etc/hosts` first (nsswitch `files
//! dns`), then DNS through the search list as glibc's `res_nsearch` does it (a name with fewer
//! dots than `ndots` is tried with each search domain first, then as it is; one with as many or
//! more, or a final dot, as it is first). musl differs only for names that a search domain
//! answers with NODATA, which stops its search; no name of the cluster does that but a
//! namespace's own (`NS.svc.cluster.local`).

use serde_json::Value;
use std::net::Ipv4Addr;

use super::coredns::{Rcode, Rdata, Reply, RrType};
use super::{CLUSTER_DNS_IP, NODE_NAMESERVER, files};
use crate::world::World;

/// How many search domains and nameservers a resolver reads (glibc's MAXDNSRCH is larger; the
/// kubelet never writes more than 32 domains and 3 servers).
const MAX_SEARCH: usize = 32;

/// A parsed `/etc/resolv.conf`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvConf {
    /// `nameserver` lines, in order.
    pub nameservers: Vec<String>,
    /// The last `search` (or `domain`) line's domains.
    pub search: Vec<String>,
    /// `options ndots:N` (1 by default).
    pub ndots: usize,
}

impl ResolvConf {
    /// Parses a resolv.conf text as the resolver library reads it.
    pub fn parse(text: &str) -> ResolvConf {
        let mut conf = ResolvConf {
            nameservers: vec![],
            search: vec![],
            ndots: 1,
        };
        for line in text.lines() {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("nameserver") => {
                    if let Some(ns) = words.next()
                        && conf.nameservers.len() < 3
                    {
                        conf.nameservers.push(ns.to_string());
                    }
                }
                Some("search") | Some("domain") => {
                    conf.search = words
                        .take(MAX_SEARCH)
                        .map(|d| d.trim_end_matches('.').to_string())
                        .filter(|d| !d.is_empty())
                        .collect();
                }
                Some("options") => {
                    for o in words {
                        if let Some(n) = o.strip_prefix("ndots:") {
                            conf.ndots = n.parse::<usize>().unwrap_or(1).min(15);
                        }
                    }
                }
                _ => {}
            }
        }
        conf
    }

    /// The resolv.conf of a pod, as the kubelet writes it.
    pub fn of_pod(world: &World, pod: &Value) -> ResolvConf {
        ResolvConf::parse(&files::resolv_conf(world, pod))
    }

    /// What the workstation resolves with: the cluster's DNS and the search list of a pod in
    /// `namespace` (kubelab's convenience: the workstation reaches the cluster's names, see
    /// docs/containers.md "Cluster DNS").
    pub fn workstation(namespace: &str) -> ResolvConf {
        let d = super::CLUSTER_DOMAIN;
        ResolvConf {
            nameservers: vec![CLUSTER_DNS_IP.to_string()],
            search: vec![
                format!("{namespace}.svc.{d}"),
                format!("svc.{d}"),
                d.to_string(),
            ],
            ndots: 5,
        }
    }
}

/// Why a name did not resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No such name (NXDOMAIN or no address everywhere it was tried).
    NotFound,
    /// No nameserver answered (nothing listens at any `nameserver`).
    NoServer,
}

/// A resolved name: its canonical name, its aliases and its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostEntry {
    /// The canonical name (the hosts line's first name, or the DNS answer's last owner).
    pub name: String,
    /// Other names (a hosts line's further names, a DNS answer's CNAME owners).
    pub aliases: Vec<String>,
    /// The addresses, in order.
    pub addrs: Vec<String>,
}

/// The entries of a hosts file: (address, names).
pub(super) fn hosts_entries(hosts: &str) -> Vec<(String, Vec<String>)> {
    hosts
        .lines()
        .filter_map(|l| {
            let l = l.split('#').next().unwrap_or("");
            let mut w = l.split_whitespace();
            let ip = w.next()?;
            let names: Vec<String> = w.map(str::to_string).collect();
            (!names.is_empty()).then(|| (ip.to_string(), names))
        })
        .collect()
}

/// Looks a name up in a hosts file for one address family (`v6`: IPv6 lines only).
pub(super) fn hosts_lookup(hosts: &str, name: &str, v6: bool) -> Option<HostEntry> {
    let want = name.trim_end_matches('.');
    let mut found: Option<HostEntry> = None;
    for (ip, names) in hosts_entries(hosts) {
        if ip.contains(':') != v6 || !names.iter().any(|n| n.eq_ignore_ascii_case(want)) {
            continue;
        }
        match &mut found {
            None => {
                found = Some(HostEntry {
                    name: names[0].clone(),
                    aliases: names[1..].to_vec(),
                    addrs: vec![ip],
                })
            }
            Some(e) => e.addrs.push(ip),
        }
    }
    found
}

impl World {
    /// What the DNS server listening at `server` answers (None: nothing answers there).
    pub fn dns_server_query(&self, server: &str, qname: &str, qtype: RrType) -> Option<Reply> {
        match server {
            CLUSTER_DNS_IP => Some(self.coredns_query(qname, qtype)),
            NODE_NAMESERVER => Some(self.upstream_query(qname, qtype)),
            _ => None,
        }
    }

    /// One query through the nameservers in order (the first that answers).
    fn query_servers(&self, conf: &ResolvConf, qname: &str, qtype: RrType) -> Option<Reply> {
        conf.nameservers
            .iter()
            .find_map(|s| self.dns_server_query(s, qname, qtype))
    }

    /// `res_nsearch` for one record type: the reply that has answers, or why none did.
    fn res_search(
        &self,
        conf: &ResolvConf,
        name: &str,
        qtype: RrType,
    ) -> Result<(String, Reply), LookupError> {
        let trailing = name.ends_with('.');
        let bare = name.trim_end_matches('.');
        let dots = bare.matches('.').count();
        let mut tried = false;
        let try_name = |n: &str| -> Result<Option<(String, Reply)>, LookupError> {
            let r = self
                .query_servers(conf, n, qtype)
                .ok_or(LookupError::NoServer)?;
            let has = r.rcode == Rcode::NoError
                && r.answers.iter().any(|a| {
                    matches!(
                        (&a.data, qtype),
                        (Rdata::A(_), RrType::A)
                            | (Rdata::Ptr(_), RrType::Ptr)
                            | (Rdata::Cname(_), RrType::Cname)
                    )
                });
            Ok(has.then(|| (n.to_string(), r)))
        };
        if dots >= conf.ndots || trailing {
            tried = true;
            if let Some(hit) = try_name(bare)? {
                return Ok(hit);
            }
        }
        if !trailing {
            for d in &conf.search {
                if let Some(hit) = try_name(&format!("{bare}.{d}"))? {
                    return Ok(hit);
                }
            }
        }
        if !tried && let Some(hit) = try_name(bare)? {
            return Ok(hit);
        }
        Err(LookupError::NotFound)
    }

    /// `gethostbyname2(name, AF_INET)` / `getaddrinfo` for IPv4: an address literal as it is,
    /// the hosts file, then DNS.
    pub fn resolve_host(
        &self,
        conf: &ResolvConf,
        hosts: &str,
        name: &str,
    ) -> Result<HostEntry, LookupError> {
        if let Ok(ip) = name.parse::<Ipv4Addr>() {
            return Ok(HostEntry {
                name: ip.to_string(),
                aliases: vec![],
                addrs: vec![ip.to_string()],
            });
        }
        if name.is_empty() {
            return Err(LookupError::NotFound);
        }
        if let Some(e) = hosts_lookup(hosts, name, false) {
            return Ok(e);
        }
        let (qname, reply) = self.res_search(conf, name, RrType::A)?;
        let mut canonical = qname.clone();
        let mut aliases = Vec::new();
        let mut addrs = Vec::new();
        for a in &reply.answers {
            match &a.data {
                Rdata::Cname(t) => {
                    aliases.push(a.name.clone());
                    canonical = t.clone();
                }
                Rdata::A(ip) => {
                    canonical = a.name.clone();
                    addrs.push(ip.to_string());
                }
                Rdata::Ptr(_) => {}
            }
        }
        Ok(HostEntry {
            name: canonical,
            aliases,
            addrs,
        })
    }

    /// A pod's resolution of `name` (its resolv.conf and hosts file as the kubelet wrote them).
    pub fn resolve_from_pod(&self, pod: &Value, name: &str) -> Result<HostEntry, LookupError> {
        let conf = ResolvConf::of_pod(self, pod);
        self.resolve_host(&conf, &files::hosts_file(self, pod), name)
    }
}
