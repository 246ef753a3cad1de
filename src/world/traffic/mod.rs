//! Traffic from outside the pod network (issue 17): LoadBalancer Services given addresses
//! from a pool (`load_balancers.rs`, as MetalLB does on a bare-metal cluster), NodePorts at
//! the nodes' InternalIPs, the ingress-nginx controller (`ingress.rs`) and, on OpenShift, the
//! default router's Routes (`world/openshift/routes.rs`). `World::http_get` reaches all of
//! them from the workstation.

pub mod affinity;
pub mod ingress;
pub mod load_balancers;

/// The most addresses a pool may hold (a /24's worth).
pub const MAX_POOL: usize = 256;

/// What the lab set up for traffic from outside.
#[derive(Debug, Clone, Default)]
pub struct Traffic {
    /// The addresses LoadBalancer Services may be given, in order (empty: none, so such a
    /// Service stays `<pending>` as on a bare kubeadm cluster).
    pub pool: Vec<String>,
    /// The Ingresses (uid, generation) the ingress controller has synced (its `Sync` event).
    pub synced: std::collections::BTreeSet<(String, i64)>,
    /// `sessionAffinity: ClientIP`: (Service, client address) to (endpoint, last use).
    pub affinity: std::collections::BTreeMap<(String, String), (String, i64)>,
    /// Whether the world's CNI enforces NetworkPolicies (`cluster.network_policy(true)`, a
    /// Calico-like CNI; `world/network_policy/`). Off: flannel's behaviour, policies stored
    /// and never enforced.
    pub network_policy: bool,
}

/// Parses a MetalLB-style address list: `A.B.C.D`, `A.B.C.D-A.B.C.E` or `A.B.C.D/NN`
/// entries, comma-separated. At most [`MAX_POOL`] addresses.
pub fn parse_pool(spec: &str) -> Result<Vec<String>, String> {
    use std::net::Ipv4Addr;
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let parse = |s: &str| {
            s.trim()
                .parse::<Ipv4Addr>()
                .map(u32::from)
                .map_err(|_| format!("invalid IPv4 address \"{}\"", s.trim()))
        };
        let (lo, hi) = if let Some((a, b)) = part.split_once('-') {
            (parse(a)?, parse(b)?)
        } else if let Some((a, bits)) = part.split_once('/') {
            let bits: u32 = bits
                .parse()
                .ok()
                .filter(|b| (1..=32).contains(b))
                .ok_or_else(|| format!("invalid prefix length in \"{part}\""))?;
            let base = parse(a)? & (u32::MAX.checked_shl(32 - bits).unwrap_or(0));
            let size = 1u64 << (32 - bits);
            (base, (base as u64 + size - 1).min(u32::MAX as u64) as u32)
        } else {
            let a = parse(part)?;
            (a, a)
        };
        if hi < lo {
            return Err(format!("the range \"{part}\" ends before it starts"));
        }
        if (hi - lo) as usize >= MAX_POOL || out.len() + (hi - lo) as usize >= MAX_POOL {
            return Err(format!(
                "kubelab's address pools hold at most {MAX_POOL} addresses"
            ));
        }
        for a in lo..=hi {
            let s = Ipv4Addr::from(a).to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_take_ranges_and_prefixes() {
        assert_eq!(
            parse_pool("192.168.1.240-192.168.1.242").unwrap(),
            ["192.168.1.240", "192.168.1.241", "192.168.1.242"]
        );
        assert_eq!(parse_pool("10.0.0.4/31").unwrap(), ["10.0.0.4", "10.0.0.5"]);
        assert_eq!(parse_pool("10.0.0.9").unwrap(), ["10.0.0.9"]);
        assert!(parse_pool("10.0.0.0/8").is_err());
        assert!(parse_pool("10.0.0.9-10.0.0.1").is_err());
        assert!(parse_pool("nope").is_err());
    }
}
