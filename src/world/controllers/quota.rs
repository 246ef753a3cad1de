//! The resource quota controller (`pkg/controller/resourcequota`, with the core evaluators of
//! `pkg/quota/v1/evaluator/core`): every ResourceQuota's `status.hard` is its `spec.hard` and
//! `status.used` the namespace's usage of each of those resources: object counts (`pods`,
//! `services`, `configmaps`, ..., `count/<resource>[.<group>]`, `services.nodeports`,
//! `services.loadbalancers`), the requests and limits of its non-terminal pods (`cpu`,
//! `requests.memory`, `limits.cpu`, ...: a pod counts the larger of its containers' sum and its
//! largest init container) and its claims' `requests.storage`. Quotas are not enforced at
//! admission (kubelab does not simulate the ResourceQuota admission plugin).

use serde_json::{Map, Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::quantity::{Format, Quantity};

/// What the controller watches (a write to any of these can change some quota's usage).
pub const WATCHES: &[&str] = &[
    "resourcequotas",
    "pods",
    "services",
    "configmaps",
    "secrets",
    "persistentvolumeclaims",
    "replicationcontrollers",
    "deployments",
    "replicasets",
    "statefulsets",
    "daemonsets",
    "jobs",
    "cronjobs",
];

/// Brings every quota's status up to date.
pub fn run(world: &mut World) {
    let Some(kind) = kinds::by_kind("ResourceQuota") else {
        return;
    };
    let quotas: Vec<Value> = world.store.list(kind, None).cloned().collect();
    for q in quotas {
        world.stats.syncs += 1;
        let ns = meta::namespace(&q).to_string();
        let hard = meta::path(&q, &["spec", "hard"])
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let mut used = Map::new();
        for resource in hard.keys() {
            if let Some(u) = usage(world, &ns, resource) {
                used.insert(resource.clone(), json!(u));
            }
        }
        let mut status = Map::new();
        if !hard.is_empty() {
            status.insert("hard".into(), Value::Object(hard));
            status.insert("used".into(), Value::Object(used));
        }
        world
            .store
            .set_status(kind, &ns, meta::name(&q), Value::Object(status));
    }
}

fn terminal(pod: &Value) -> bool {
    matches!(
        meta::str_at(pod, &["status", "phase"]),
        Some("Succeeded" | "Failed")
    )
}

fn count(world: &World, ns: &str, kind: &kinds::KindInfo) -> usize {
    let list = world.store.list(kind, Some(ns));
    if kind.kind == "Pod" {
        list.filter(|p| !terminal(p)).count()
    } else {
        list.count()
    }
}

/// The usage of one quota resource in `ns`, `None` for resources no evaluator knows.
fn usage(world: &World, ns: &str, resource: &str) -> Option<String> {
    let counted = |plural: &str| -> Option<String> {
        let kind = kinds::KINDS
            .iter()
            .find(|k| k.qualified_plural() == plural)?;
        Some(count(world, ns, kind).to_string())
    };
    match resource {
        "pods"
        | "services"
        | "configmaps"
        | "secrets"
        | "persistentvolumeclaims"
        | "replicationcontrollers"
        | "resourcequotas" => counted(resource),
        "services.nodeports" | "services.loadbalancers" => {
            let kind = kinds::by_kind("Service")?;
            let mut n = 0usize;
            for svc in world.store.list(kind, Some(ns)) {
                let ty = meta::str_at(svc, &["spec", "type"]).unwrap_or("ClusterIP");
                if resource == "services.loadbalancers" {
                    n += usize::from(ty == "LoadBalancer");
                } else if ty == "NodePort" || ty == "LoadBalancer" {
                    n += meta::path(svc, &["spec", "ports"])
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                }
            }
            Some(n.to_string())
        }
        "requests.storage" => {
            let kind = kinds::by_kind("PersistentVolumeClaim")?;
            let claims = world.store.list(kind, Some(ns));
            sum(claims.filter_map(|c| {
                meta::path(c, &["spec", "resources", "requests", "storage"])
                    .and_then(|v| Quantity::from_json(v).ok())
            }))
        }
        r if r.starts_with("count/") => counted(&r["count/".len()..]),
        r => {
            let (which, name) = match r.split_once('.') {
                Some(("requests", n)) => ("requests", n),
                Some(("limits", n)) => ("limits", n),
                _ if matches!(r, "cpu" | "memory" | "ephemeral-storage") => ("requests", r),
                _ => return None,
            };
            let kind = kinds::by_kind("Pod")?;
            let pods = world.store.list(kind, Some(ns)).filter(|p| !terminal(p));
            sum(pods.filter_map(|p| pod_amount(p, which, name)))
        }
    }
}

/// A pod's request or limit of one resource: the larger of its containers' sum and its
/// largest init container (`resourcehelper.PodRequests`), plus its overhead.
fn pod_amount(pod: &Value, which: &str, name: &str) -> Option<Quantity> {
    let amount = |c: &Value| {
        meta::path(c, &["resources", which, name]).and_then(|v| Quantity::from_json(v).ok())
    };
    let list = |field: &str| -> Vec<Quantity> {
        meta::path(pod, &["spec", field])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(amount).collect())
            .unwrap_or_default()
    };
    let containers = list("containers");
    let inits = list("initContainers");
    if containers.is_empty() && inits.is_empty() {
        return None;
    }
    let format = containers.first().or(inits.first()).map(|q| q.format)?;
    let total: i128 = containers.iter().map(Quantity::milli_value).sum();
    let init_max = inits.iter().map(Quantity::milli_value).max().unwrap_or(0);
    let overhead = meta::path(pod, &["spec", "overhead", name])
        .and_then(|v| Quantity::from_json(v).ok())
        .map_or(0, |q| q.milli_value());
    Some(Quantity::from_milli(total.max(init_max) + overhead, format))
}

/// `Quantity.Add` over a list: the first quantity's format, `0` when empty.
fn sum(items: impl Iterator<Item = Quantity>) -> Option<String> {
    let mut total = 0i128;
    let mut format = None;
    for q in items {
        if format.is_none() && !q.is_zero() {
            format = Some(q.format);
        }
        total = total.saturating_add(q.milli_value());
    }
    Some(Quantity::from_milli(total, format.unwrap_or(Format::DecimalSI)).canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_keep_the_first_format() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert_eq!(sum([q("128Mi"), q("64Mi")].into_iter()).unwrap(), "192Mi");
        assert_eq!(sum([q("100m"), q("1")].into_iter()).unwrap(), "1100m");
        assert_eq!(sum(std::iter::empty()).unwrap(), "0");
        let pod = json!({"spec": {
            "containers": [{"resources": {"requests": {"cpu": "100m"}}}, {"resources": {"requests": {"cpu": "200m"}}}],
            "initContainers": [{"resources": {"requests": {"cpu": "500m"}}}]}});
        assert_eq!(
            pod_amount(&pod, "requests", "cpu").unwrap().canonical(),
            "500m"
        );
    }
}
