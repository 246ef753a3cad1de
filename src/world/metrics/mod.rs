//! Resource metrics: what each running container uses (CPU and memory), as the kubelet's
//! `/metrics/resource` would report it, and the view of it metrics-server serves as the
//! `metrics.k8s.io/v1beta1` API (`PodMetrics`, `NodeMetrics`), which `kubectl top` and the
//! HorizontalPodAutoscaler read.
//!
//! The figures are kubelab's, chosen to be plausible and the same at every run ([`idle`]): an
//! idle program's CPU and memory by what its image runs (nginx 1m and 3Mi, mongod 5m and 95Mi,
//! as `ps` reports mongod's RSS), plus what lab scripts set: a fixed use per container
//! (`cluster.set_usage`) or a load shared by the ready pods a selector picks
//! (`cluster.set_load`, as traffic through a Service is shared), capped at the container's CPU
//! limit (the kernel throttles a container at its quota).
//!
//! Time: metrics-server scrapes every node's kubelet every 15 s (`--metric-resolution`), and
//! needs two scrapes of a container to compute its CPU rate, so a pod has metrics from the
//! first scrape at least 15 s after its containers started (15 to 30 s after the start), and a
//! metric is the value at the last scrape ([`last_scrape`]), stamped with that instant and a
//! 15 s window. Scrapes are instants of virtual time (multiples of 15 s): nothing is stored and
//! no timer runs for them.

pub mod api;

use std::collections::BTreeMap;

use serde_json::Value;

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;
use crate::world::api::selector::Selector;
use crate::world::clock::{Millis, parse_rfc3339};

/// metrics-server's scrape interval (`--metric-resolution=15s`).
pub const SCRAPE_MS: Millis = 15_000;

/// What lab scripts set and whether the metrics API is served.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    /// Fixed use per container: (namespace, pod, container) → (CPU millicores, memory bytes).
    pub usage: BTreeMap<(String, String, String), (i64, i64)>,
    /// Loads shared by the ready pods a selector picks: (namespace, selector) → from which
    /// instant on how many CPU millicores in all (in time order; the last one begun holds).
    pub loads: BTreeMap<(String, String), Vec<(Millis, i64)>>,
    /// A world without metrics-server (no `metrics.k8s.io` API): `kubectl top` says
    /// `error: Metrics API not available`.
    pub no_metrics_server: bool,
}

/// One container's use at a scrape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerUsage {
    pub name: String,
    /// CPU in millicores.
    pub cpu_milli: i64,
    /// Memory (working set) in bytes.
    pub memory_bytes: i64,
}

/// A pod's metrics (`PodMetrics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodMetrics {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The scrape the values come from.
    pub timestamp: Millis,
    pub window_ms: Millis,
    pub containers: Vec<ContainerUsage>,
}

impl PodMetrics {
    /// The pod's CPU (millicores) and memory (bytes): its containers' sums.
    pub fn totals(&self) -> (i64, i64) {
        self.containers.iter().fold((0, 0), |(c, m), u| {
            (
                c.saturating_add(u.cpu_milli),
                m.saturating_add(u.memory_bytes),
            )
        })
    }
}

/// A node's metrics (`NodeMetrics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeMetrics {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub timestamp: Millis,
    pub window_ms: Millis,
    pub cpu_milli: i64,
    pub memory_bytes: i64,
}

/// Whether the world serves the metrics API (metrics-server is installed). The one place a
/// world option switches it off.
pub fn api_available(world: &World) -> bool {
    !world.metrics.no_metrics_server
}

/// The last scrape at or before `now`.
pub fn last_scrape(now: Millis) -> Millis {
    now - now.rem_euclid(SCRAPE_MS)
}

const MI: i64 = 1024 * 1024;

/// An idle program's use by what the image runs: (CPU millicores, memory bytes). The memory
/// figures are the RSS `ps` shows for the same programs (`runtime/procps.rs`) where it has them.
pub fn idle(image: &str) -> (i64, i64) {
    let repo = image.split('@').next().unwrap_or(image);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    let name = last.split(':').next().unwrap_or(last);
    match name {
        "nginx" | "nginx-unprivileged" => (1, 3 * MI + 300 * 1024),
        "httpd" => (1, 7 * MI + 512 * 1024),
        "redis" => (2, 3 * MI + 700 * 1024),
        "mongo" => (5, 98_044 * 1024),
        "mysql" | "mariadb" => (4, 372 * MI),
        "postgres" => (2, 24 * MI),
        "jenkins" => (5, 412_128 * 1024),
        "http-go" => (1, 5_956 * 1024),
        "busybox" | "alpine" | "ubuntu" | "debian" => (0, 580 * 1024),
        // The system pods of a kubeadm cluster at rest (kube_system/): typical idle figures of a
        // small cluster's `kubectl top pod -n kube-system`, not measured ones.
        "etcd" => (15, 41 * MI),
        "kube-apiserver" => (38, 251 * MI),
        "kube-controller-manager" => (11, 52 * MI),
        "kube-scheduler" => (3, 22 * MI),
        "coredns" => (2, 13 * MI),
        "kube-proxy" => (1, 16 * MI),
        "flannel" => (3, 12 * MI),
        "metrics-server" => (4, 19 * MI),
        _ => (1, 2 * MI),
    }
}

/// When a container started (its `state.running.startedAt`), if it is running.
fn started(status: &Value) -> Option<Millis> {
    meta::str_at(status, &["state", "running", "startedAt"]).and_then(parse_rfc3339)
}

/// Whether a pod is Running and Ready.
fn ready(pod: &Value) -> bool {
    meta::str_at(pod, &["status", "phase"]) == Some("Running")
        && meta::condition(pod, "Ready")
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            == Some("True")
}

/// The scrape at which a pod's containers have all been seen twice, if it has been by `at`:
/// the pod is Running on a node and every container has run since at least one scrape before.
fn has_metrics_at(pod: &Value, at: Millis) -> bool {
    if meta::str_at(pod, &["status", "phase"]) != Some("Running")
        || meta::str_at(pod, &["spec", "nodeName"]).is_none()
        || meta::path(pod, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
    {
        return false;
    }
    let containers = meta::path(pod, &["spec", "containers"])
        .and_then(Value::as_array)
        .map(Vec::len)
        .unwrap_or(0);
    let statuses = meta::path(pod, &["status", "containerStatuses"])
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    containers > 0
        && statuses.len() == containers
        && statuses
            .iter()
            .all(|s| started(s).is_some_and(|t| t.saturating_add(SCRAPE_MS) <= at))
}

/// The CPU millicores a container's limit allows, if it has one.
fn cpu_limit(container: &Value) -> Option<i64> {
    let q = meta::path(container, &["resources", "limits", "cpu"])?;
    let q = Quantity::from_json(q).ok()?;
    i64::try_from(q.milli_value()).ok()
}

/// The share of each load that falls on the pods of a namespace: pod name → CPU millicores.
/// A load is shared evenly by the Running and Ready pods its selector picks (the remainder
/// going to the first ones in name order).
fn load_shares(world: &World, ns: &str) -> BTreeMap<String, i64> {
    let mut shares: BTreeMap<String, i64> = BTreeMap::new();
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return shares;
    };
    let at = last_scrape(world.now());
    for ((lns, sel), schedule) in &world.metrics.loads {
        let total = load_at(schedule, at).unwrap_or(0);
        if lns != ns || total <= 0 {
            continue;
        }
        let Ok(selector) = Selector::parse(sel) else {
            continue;
        };
        let mut names: Vec<String> = world
            .store
            .list_shared_in(pod_kind, Some(ns))
            .filter(|p| ready(p) && selector.matches(&meta::labels(p)))
            .map(|p| meta::name(p).to_string())
            .collect();
        names.sort();
        let n = names.len() as i64;
        if n == 0 {
            continue;
        }
        for (i, name) in names.into_iter().enumerate() {
            let extra = i64::from((i as i64) < total % n);
            *shares.entry(name).or_insert(0) += total / n + extra;
        }
    }
    shares
}

/// The load of a schedule at an instant: the last one begun.
pub fn load_at(schedule: &[(Millis, i64)], at: Millis) -> Option<i64> {
    schedule
        .iter()
        .take_while(|(from, _)| *from <= at)
        .last()
        .map(|(_, v)| *v)
}

/// A pod's metrics at the last scrape, if metrics-server has them.
fn pod_metrics_with(
    world: &World,
    pod: &Value,
    shares: &BTreeMap<String, i64>,
) -> Option<PodMetrics> {
    let at = last_scrape(world.now());
    if !has_metrics_at(pod, at) {
        return None;
    }
    let ns = meta::namespace(pod);
    let name = meta::name(pod);
    let share = shares.get(name).copied().unwrap_or(0);
    let containers = meta::path(pod, &["spec", "containers"])?.as_array()?;
    let mut out = Vec::with_capacity(containers.len());
    for (i, c) in containers.iter().enumerate() {
        let cname = meta::str_at(c, &["name"]).unwrap_or("").to_string();
        let key = (ns.to_string(), name.to_string(), cname.clone());
        let (mut cpu, mem) = match world.metrics.usage.get(&key) {
            Some(u) => *u,
            None => {
                let (cpu, mem) = idle(meta::str_at(c, &["image"]).unwrap_or(""));
                // A load falls on the pod's first container (the one serving).
                (cpu + if i == 0 { share } else { 0 }, mem)
            }
        };
        if let Some(limit) = cpu_limit(c) {
            cpu = cpu.min(limit);
        }
        out.push(ContainerUsage {
            name: cname,
            cpu_milli: cpu.max(0),
            memory_bytes: mem.max(0),
        });
    }
    Some(PodMetrics {
        namespace: ns.to_string(),
        name: name.to_string(),
        labels: meta::labels(pod),
        timestamp: at,
        window_ms: SCRAPE_MS,
        containers: out,
    })
}

/// The metrics of one pod, if it has them now.
pub fn pod_metrics(world: &World, ns: &str, name: &str) -> Option<PodMetrics> {
    let pod = world.object(kinds::POD, ns, name)?;
    pod_metrics_with(world, pod, &load_shares(world, ns))
}

/// The metrics of the pods of a namespace (every namespace with `None`), in namespace and
/// name order; pods without metrics yet are left out, as metrics-server leaves them.
pub fn list_pod_metrics(world: &World, ns: Option<&str>) -> Vec<PodMetrics> {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return vec![];
    };
    let mut pods: Vec<&std::rc::Rc<Value>> = world.store.list_shared_in(pod_kind, ns).collect();
    pods.sort_by(|a, b| {
        (meta::namespace(a), meta::name(a)).cmp(&(meta::namespace(b), meta::name(b)))
    });
    let mut shares_by_ns: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let mut out = Vec::new();
    for p in pods {
        let pns = meta::namespace(p).to_string();
        let shares = shares_by_ns
            .entry(pns.clone())
            .or_insert_with(|| load_shares(world, &pns));
        if let Some(m) = pod_metrics_with(world, p, shares) {
            out.push(m);
        }
    }
    out
}

/// What a node's own system (kernel, kubelet, containerd, systemd) uses besides its pods.
const NODE_SYSTEM: (i64, i64) = (45, 560 * MI);

/// The metrics of every Ready node, in name order: the system's own use plus its pods'.
pub fn list_node_metrics(world: &World) -> Vec<NodeMetrics> {
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return vec![];
    };
    let at = last_scrape(world.now());
    let pods = list_pod_metrics(world, None);
    let mut by_node: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for m in &pods {
        let Some(node) = world
            .object(kinds::POD, &m.namespace, &m.name)
            .and_then(|p| meta::str_at(p, &["spec", "nodeName"]))
        else {
            continue;
        };
        let (c, mem) = m.totals();
        let e = by_node.entry(node.to_string()).or_insert((0, 0));
        e.0 = e.0.saturating_add(c);
        e.1 = e.1.saturating_add(mem);
    }
    let mut nodes: Vec<&std::rc::Rc<Value>> = world.store.list_shared_in(node_kind, None).collect();
    nodes.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
    nodes
        .into_iter()
        .filter(|n| {
            meta::condition(n, "Ready")
                .and_then(|c| c.get("status"))
                .and_then(Value::as_str)
                == Some("True")
        })
        .map(|n| {
            let (c, m) = by_node.get(meta::name(n)).copied().unwrap_or((0, 0));
            NodeMetrics {
                name: meta::name(n).to_string(),
                labels: meta::labels(n),
                timestamp: at,
                window_ms: SCRAPE_MS,
                cpu_milli: NODE_SYSTEM.0 + c,
                memory_bytes: NODE_SYSTEM.1 + m,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrapes_are_multiples_of_fifteen_seconds() {
        assert_eq!(last_scrape(0), 0);
        assert_eq!(last_scrape(14_999), 0);
        assert_eq!(last_scrape(15_000), 15_000);
        assert_eq!(last_scrape(31_000), 30_000);
    }

    #[test]
    fn idle_use_by_image() {
        assert_eq!(idle("nginx").0, 1);
        assert_eq!(idle("docker.io/library/nginx:1.27@sha256:ab").0, 1);
        assert_eq!(idle("mongo:4.4").1 / MI, 95);
        assert_eq!(idle("busybox").1 / MI, 0);
    }
}
