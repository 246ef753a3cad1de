//! NetworkPolicy enforcement (issue 17), as a CNI that enforces it (Calico, Cilium) decides
//! whether a connection may pass: the `networking.k8s.io/v1` semantics of
//! `NetworkPolicySpec` — a pod is isolated for a direction once a policy of its namespace
//! selects it with that policy type; an isolated pod takes (or sends) only what one of those
//! policies' rules allow; both ends must allow (the sender's egress and the receiver's
//! ingress). Peers are `podSelector` (in the policy's namespace), `namespaceSelector`, both
//! (pods matching in the matching namespaces), or `ipBlock` (the address in `cidr` and in no
//! `except`); ports are a number or a container port's name of the receiving pod, with
//! `endPort` for ranges, and the protocol.
//!
//! **Decision:** the default world's CNI is flannel, which stores policies and enforces
//! nothing, as on a real flannel cluster; a lab turns enforcement on with
//! `cluster.network_policy(true)` (a Calico-like CNI). `World::connect_from`
//! (`world/network.rs`) asks [`allows`] for every connection a client in the world makes
//! (curl, wget, redis-cli, mysql, the mongo shells, the ingress controller to its backends),
//! after kube-proxy's translation (the receiving pod and its target port). A blocked
//! connection is dropped: the client waits until its own or the kernel's connect timeout.
//!
//! Host-network pods are neither selected nor matched by pod selectors (their address is the
//! node's, as Calico treats them); connections from outside the pod network (the
//! workstation, masqueraded to the control-plane node's address, or a host-network pod) are
//! matched by `ipBlock` only.

#[cfg(test)]
mod tests;

use serde_json::Value;

use super::World;
use super::api::selector::Selector;
use super::api::{kinds, meta};

/// The kernel's connect time-out for a connection whose SYNs are dropped: Linux's default
/// `net.ipv4.tcp_syn_retries = 6` with the initial retransmission time-out of 1 s doubles to
/// give up after 1+2+4+8+16+32+64 = 127 s (curl's own default, 300 s, is longer).
pub const KERNEL_CONNECT_TIMEOUT_MS: i64 = 127_000;

/// One end of a connection.
#[derive(Debug, Clone, Copy)]
pub enum Peer<'a> {
    /// A pod on the pod network.
    Pod(&'a Value),
    /// An address outside the pod network (a node, the workstation's masqueraded address).
    Host(&'a str),
}

impl Peer<'_> {
    fn ip(&self) -> &str {
        match self {
            Peer::Pod(p) => meta::str_at(p, &["status", "podIP"]).unwrap_or(""),
            Peer::Host(a) => a,
        }
    }
}

/// Whether a pod is on the pod network (not sharing its node's address).
pub fn on_pod_network(pod: &Value) -> bool {
    meta::path(pod, &["spec", "hostNetwork"]).and_then(Value::as_bool) != Some(true)
}

/// Whether policies let `from` open a connection to `to`'s `port` (after kube-proxy: the
/// receiving pod and its target port) over `protocol` (`TCP`, `UDP`).
pub fn allows(world: &World, from: Peer<'_>, to: &Value, port: u16, protocol: &str) -> bool {
    let egress_ok = match from {
        Peer::Pod(src) if on_pod_network(src) => direction_allows(
            world,
            src,
            Direction::Egress,
            Peer::Pod(to),
            to,
            port,
            protocol,
        ),
        _ => true,
    };
    egress_ok
        && (!on_pod_network(to)
            || direction_allows(world, to, Direction::Ingress, from, to, port, protocol))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn policy_type(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
    fn rules(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
    fn peers(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// The policies of `subject`'s namespace that select it for `dir`: none means it is not
/// isolated that way (everything passes); otherwise one of their rules must match `other`
/// (the far end) and the port of `receiver`.
fn direction_allows(
    world: &World,
    subject: &Value,
    dir: Direction,
    other: Peer<'_>,
    receiver: &Value,
    port: u16,
    protocol: &str,
) -> bool {
    let Some(kind) = kinds::by_kind(kinds::NETWORK_POLICY) else {
        return true;
    };
    let ns = meta::namespace(subject);
    let mut isolated = false;
    for policy in world.store.list(kind, Some(ns)) {
        if meta::is_deleting(policy) || !selects(policy, subject, dir) {
            continue;
        }
        isolated = true;
        let rules = meta::path(policy, &["spec", dir.rules()]).and_then(Value::as_array);
        for rule in rules.into_iter().flatten() {
            if rule_peers_match(world, rule, dir, ns, other)
                && rule_ports_match(rule, receiver, port, protocol)
            {
                return true;
            }
        }
    }
    !isolated
}

/// Whether `policy` applies to `pod` for `dir`: its `podSelector` selects the pod and its
/// `policyTypes` (defaulted at admission) name the direction.
fn selects(policy: &Value, pod: &Value, dir: Direction) -> bool {
    let typed = meta::path(policy, &["spec", "policyTypes"])
        .and_then(Value::as_array)
        .is_some_and(|t| t.iter().any(|t| t.as_str() == Some(dir.policy_type())));
    typed && selector_at(policy, &["spec", "podSelector"]).matches_object(pod)
}

/// The label selector at `keys` (absent: the empty selector, which selects everything).
fn selector_at(obj: &Value, keys: &[&str]) -> Selector {
    meta::path(obj, keys)
        .map(Selector::from_label_selector)
        .unwrap_or_default()
}

/// A rule's `from`/`to`: absent or empty matches every peer; otherwise one of its entries.
fn rule_peers_match(
    world: &World,
    rule: &Value,
    dir: Direction,
    policy_ns: &str,
    other: Peer<'_>,
) -> bool {
    let peers = rule.get(dir.peers()).and_then(Value::as_array);
    match peers {
        None => true,
        Some(list) if list.is_empty() => true,
        Some(list) => list
            .iter()
            .any(|p| peer_matches(world, p, policy_ns, other)),
    }
}

/// One `NetworkPolicyPeer` against the far end.
fn peer_matches(world: &World, peer: &Value, policy_ns: &str, other: Peer<'_>) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        return ip_block_matches(block, other.ip());
    }
    let Peer::Pod(pod) = other else {
        return false;
    };
    if !on_pod_network(pod) {
        return false;
    }
    let pod_sel = peer.get("podSelector");
    let ns_sel = peer.get("namespaceSelector");
    if pod_sel.is_none() && ns_sel.is_none() {
        return false;
    }
    let ns_ok = match ns_sel {
        None => meta::namespace(pod) == policy_ns,
        Some(sel) => world
            .object("Namespace", "", meta::namespace(pod))
            .is_some_and(|n| Selector::from_label_selector(sel).matches_object(n)),
    };
    ns_ok && pod_sel.is_none_or(|sel| Selector::from_label_selector(sel).matches_object(pod))
}

/// `ipBlock`: in `cidr` and in none of `except`.
fn ip_block_matches(block: &Value, ip: &str) -> bool {
    let Ok(addr) = ip.parse::<std::net::Ipv4Addr>() else {
        return false;
    };
    let inside = |cidr: &str| cidr_contains(cidr, addr);
    block
        .get("cidr")
        .and_then(Value::as_str)
        .is_some_and(inside)
        && !block
            .get("except")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .any(inside)
}

/// Whether an IPv4 CIDR (`A.B.C.D/N`; a bare address is a /32) holds `addr`. IPv6 blocks
/// match no address of kubelab's IPv4 cluster.
pub fn cidr_contains(cidr: &str, addr: std::net::Ipv4Addr) -> bool {
    let (base, bits) = match cidr.split_once('/') {
        Some((b, n)) => match n.parse::<u32>() {
            Ok(n) if n <= 32 => (b, n),
            _ => return false,
        },
        None => (cidr, 32),
    };
    let Ok(base) = base.parse::<std::net::Ipv4Addr>() else {
        return false;
    };
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    u32::from(base) & mask == u32::from(addr) & mask
}

/// A rule's `ports`: absent or empty matches every port; otherwise one entry's protocol and
/// port (a number, a range to `endPort`, or the name of one of `receiver`'s container ports).
fn rule_ports_match(rule: &Value, receiver: &Value, port: u16, protocol: &str) -> bool {
    let ports = rule.get("ports").and_then(Value::as_array);
    let Some(list) = ports.filter(|l| !l.is_empty()) else {
        return true;
    };
    list.iter().any(|p| {
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        if proto != protocol {
            return false;
        }
        match p.get("port") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => {
                let lo = n.as_u64().unwrap_or(0);
                let hi = p.get("endPort").and_then(Value::as_u64).unwrap_or(lo);
                (lo..=hi).contains(&(port as u64))
            }
            Some(Value::String(name)) => match name.parse::<u64>() {
                Ok(n) => n == port as u64,
                Err(_) => meta::container_port_named(receiver, name) == Some(port as i64),
            },
            Some(_) => false,
        }
    })
}
