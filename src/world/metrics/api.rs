//! The `metrics.k8s.io/v1beta1` API as metrics-server serves it (read-only): the bodies of
//! `GET /apis/metrics.k8s.io/v1beta1/[namespaces/NS/]pods[/NAME]` and `.../nodes[/NAME]`, in
//! the field order of its Go types (`kind`, `apiVersion`, `metadata`, `timestamp`, `window`,
//! `containers` or `usage`), compact as the server writes them. CPU is in nanocores
//! (`1000000n`), memory in KiB (`3380Ki`), as metrics-server reports them;
//! `metadata.creationTimestamp` is the time of the request (metrics-server builds each object
//! at the request).

use std::fmt::Write as _;

use super::{NodeMetrics, PodMetrics};
use crate::world::World;
use crate::world::clock::{Millis, rfc3339};

const GROUP_VERSION: &str = "metrics.k8s.io/v1beta1";

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn labels_json(labels: &std::collections::BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let body: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{}:{}", json_str(k), json_str(v)))
        .collect();
    format!(",\"labels\":{{{}}}", body.join(","))
}

fn usage_json(cpu_milli: i64, memory_bytes: i64) -> String {
    format!(
        "{{\"cpu\":\"{}n\",\"memory\":\"{}Ki\"}}",
        cpu_milli.saturating_mul(1_000_000),
        memory_bytes / 1024
    )
}

fn window(ms: Millis) -> String {
    format!("{}s", ms / 1000)
}

/// One `PodMetrics` object.
pub fn pod_json(m: &PodMetrics, now: Millis) -> String {
    let mut s = format!(
        "{{\"kind\":\"PodMetrics\",\"apiVersion\":\"{GROUP_VERSION}\",\"metadata\":{{\"name\":{},\"namespace\":{},\"creationTimestamp\":\"{}\"{}}},\"timestamp\":\"{}\",\"window\":\"{}\",\"containers\":[",
        json_str(&m.name),
        json_str(&m.namespace),
        rfc3339(now),
        labels_json(&m.labels),
        rfc3339(m.timestamp),
        window(m.window_ms),
    );
    for (i, c) in m.containers.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            "{{\"name\":{},\"usage\":{}}}",
            json_str(&c.name),
            usage_json(c.cpu_milli, c.memory_bytes)
        );
    }
    s.push_str("]}");
    s
}

/// One `NodeMetrics` object.
pub fn node_json(m: &NodeMetrics, now: Millis) -> String {
    format!(
        "{{\"kind\":\"NodeMetrics\",\"apiVersion\":\"{GROUP_VERSION}\",\"metadata\":{{\"name\":{},\"creationTimestamp\":\"{}\"{}}},\"timestamp\":\"{}\",\"window\":\"{}\",\"usage\":{}}}",
        json_str(&m.name),
        rfc3339(now),
        labels_json(&m.labels),
        rfc3339(m.timestamp),
        window(m.window_ms),
        usage_json(m.cpu_milli, m.memory_bytes)
    )
}

fn list_json(kind: &str, items: Vec<String>) -> String {
    format!(
        "{{\"kind\":\"{kind}\",\"apiVersion\":\"{GROUP_VERSION}\",\"metadata\":{{}},\"items\":[{}]}}",
        items.join(",")
    )
}

/// The answer to a `GET` of a path under `/apis/metrics.k8s.io`: `Ok(body)`, or `Err((code,
/// message))` as the server's Status (404 for what it does not serve or a pod without
/// metrics). None when the path is not under the metrics API.
pub fn raw(world: &World, path: &str) -> Option<Result<String, (u16, String)>> {
    let rest = path.strip_prefix("/apis/metrics.k8s.io")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    if !super::api_available(world) {
        return Some(Err((
            404,
            "the server could not find the requested resource".into(),
        )));
    }
    let now = world.now();
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    let answer = match parts.as_slice() {
        [""] => Ok(format!(
            "{{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\",\"name\":\"metrics.k8s.io\",\"versions\":[{{\"groupVersion\":\"{GROUP_VERSION}\",\"version\":\"v1beta1\"}}],\"preferredVersion\":{{\"groupVersion\":\"{GROUP_VERSION}\",\"version\":\"v1beta1\"}}}}"
        )),
        ["v1beta1"] => Ok(format!(
            "{{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"{GROUP_VERSION}\",\"resources\":[{{\"name\":\"nodes\",\"singularName\":\"\",\"namespaced\":false,\"kind\":\"NodeMetrics\",\"verbs\":[\"get\",\"list\"]}},{{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\",\"verbs\":[\"get\",\"list\"]}}]}}"
        )),
        ["v1beta1", "pods"] => Ok(list_json(
            "PodMetricsList",
            super::list_pod_metrics(world, None)
                .iter()
                .map(|m| pod_json(m, now))
                .collect(),
        )),
        ["v1beta1", "namespaces", ns, "pods"] => Ok(list_json(
            "PodMetricsList",
            super::list_pod_metrics(world, Some(ns))
                .iter()
                .map(|m| pod_json(m, now))
                .collect(),
        )),
        ["v1beta1", "namespaces", ns, "pods", name] => match super::pod_metrics(world, ns, name) {
            Some(m) => Ok(pod_json(&m, now)),
            None => Err((
                404,
                format!("podmetrics.metrics.k8s.io \"{ns}/{name}\" not found"),
            )),
        },
        ["v1beta1", "nodes"] => Ok(list_json(
            "NodeMetricsList",
            super::list_node_metrics(world)
                .iter()
                .map(|m| node_json(m, now))
                .collect(),
        )),
        ["v1beta1", "nodes", name] => match super::list_node_metrics(world)
            .iter()
            .find(|m| m.name == *name)
        {
            Some(m) => Ok(node_json(m, now)),
            None => Err((
                404,
                format!("nodemetrics.metrics.k8s.io \"{name}\" not found"),
            )),
        },
        _ => Err((
            404,
            "the server could not find the requested resource".into(),
        )),
    };
    Some(answer)
}
