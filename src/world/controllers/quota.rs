//! The resource quota controller (`pkg/controller/resourcequota`, with the evaluators of
//! `pkg/quota/v1/evaluator/core` in `world/quota_eval.rs`): every ResourceQuota's `status.hard`
//! is its `spec.hard` and `status.used` the namespace's usage of each of those resources by the
//! objects in the quota's scopes: object counts (`pods`, `services`, `configmaps`, ...,
//! `count/<resource>[.<group>]`, `services.nodeports`, `services.loadbalancers`), the requests
//! and limits of its non-terminal pods (`cpu`, `requests.memory`, `limits.cpu`, ...: a pod
//! counts the larger of its containers' sum and its largest init container) and its claims'
//! storage (`requests.storage`, per StorageClass too). The ResourceQuota admission plugin
//! (`world/admission_quota.rs`) charges `used` between two runs.

use serde_json::{Map, Value};

use crate::world::World;
use crate::world::api::kinds::{self, KindInfo};
use crate::world::api::meta;
use crate::world::quota_eval::{self as eval, Usage};

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
    let Some(kind) = kinds::by_kind(kinds::RESOURCE_QUOTA) else {
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
        let used = usage_of(world, &ns, &q, &hard);
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

/// The kinds (built in, then the served custom resources) whose objects can charge a quota
/// resource (the evaluators that match it).
fn kinds_for(world: &World, resource: &str) -> Vec<&'static KindInfo> {
    let custom = world.custom_resources().iter().map(|s| s.info);
    kinds::KINDS
        .iter()
        .chain(custom)
        .filter(|k| {
            eval::evaluator(k).is_some_and(|ev| {
                !eval::matching_resources(ev, k, std::iter::once(resource)).is_empty()
            })
        })
        .collect()
}

/// The namespace's usage of each resource of `hard` by the objects in the quota's scopes;
/// resources no evaluator knows are left out.
fn usage_of(
    world: &World,
    ns: &str,
    quota: &Value,
    hard: &Map<String, Value>,
) -> Map<String, Value> {
    let now = world.clock.now();
    let mut by_kind: Vec<(&'static KindInfo, Vec<&str>)> = Vec::new();
    for r in hard.keys() {
        for k in kinds_for(world, r) {
            match by_kind.iter_mut().find(|(x, _)| std::ptr::eq(*x, k)) {
                Some((_, rs)) => rs.push(r),
                None => by_kind.push((k, vec![r])),
            }
        }
    }
    let mut used: Usage = Usage::new();
    for (kind, resources) in by_kind {
        let Some(ev) = eval::evaluator(kind) else {
            continue;
        };
        for r in &resources {
            used.entry(r.to_string()).or_insert_with(eval::zero);
        }
        for obj in world.store.list(kind, Some(ns)) {
            if !eval::in_scopes(ev, quota, obj) {
                continue;
            }
            let u = eval::usage(ev, kind, obj, now);
            for r in &resources {
                if let (Some(q), Some(add)) = (used.get_mut(*r), u.get(*r)) {
                    *q = eval::add(q, add);
                }
            }
        }
    }
    match eval::to_json(&used) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_map_to_the_kinds_that_charge_them() {
        let world = World::new(1);
        let names = |r: &str| {
            kinds_for(&world, r)
                .iter()
                .map(|k| k.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("requests.cpu"), ["Pod"]);
        assert_eq!(names("requests.storage"), ["PersistentVolumeClaim"]);
        assert_eq!(names("count/deployments.apps"), ["Deployment"]);
        assert_eq!(names("configmaps"), ["ConfigMap"]);
        assert!(names("nonsense").is_empty());
    }
}
