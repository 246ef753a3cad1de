//! `sessionAffinity: ClientIP` as kube-proxy keeps it: the first connection of a client to the
//! Service goes where the Service's balancing sends it, and the client's later connections go
//! to the same endpoint while it is still a ready endpoint and the last connection is no older
//! than `sessionAffinityConfig.clientIP.timeoutSeconds` (10800 by default).

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;

/// kube-proxy's default affinity timeout (seconds).
const DEFAULT_TIMEOUT_S: i64 = 10_800;

/// The most affinity entries kept (the oldest go first).
const MAX_ENTRIES: usize = 4096;

fn timeout_ms(svc: &Value) -> Option<i64> {
    if meta::str_at(svc, &["spec", "sessionAffinity"]) != Some("ClientIP") {
        return None;
    }
    let s = meta::int_at(
        svc,
        &[
            "spec",
            "sessionAffinityConfig",
            "clientIP",
            "timeoutSeconds",
        ],
    )
    .unwrap_or(DEFAULT_TIMEOUT_S);
    Some(s.saturating_mul(1000))
}

fn key(svc: &Value, client: &str) -> (String, String) {
    (
        format!("{}/{}", meta::namespace(svc), meta::name(svc)),
        client.to_string(),
    )
}

impl World {
    /// The endpoint a client is stuck to, if the Service keeps affinity and it still holds.
    pub(crate) fn affinity_pick(
        &self,
        svc: &Value,
        client: &str,
        ready: &[String],
    ) -> Option<String> {
        let timeout = timeout_ms(svc)?;
        let (ip, last) = self.traffic.affinity.get(&key(svc, client))?;
        (self.now() - last <= timeout && ready.contains(ip)).then(|| ip.clone())
    }

    /// Remembers the endpoint a client's connection went to (Services with affinity only).
    pub(crate) fn affinity_remember(&mut self, svc: &Value, client: &str, ip: &str) {
        if timeout_ms(svc).is_none() {
            return;
        }
        let now = self.now();
        let map = &mut self.traffic.affinity;
        map.insert(key(svc, client), (ip.to_string(), now));
        if map.len() > MAX_ENTRIES
            && let Some(oldest) = map
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
    }
}
