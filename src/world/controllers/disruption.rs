//! The disruption controller (`pkg/controller/disruption/disruption.go`): computes every
//! PodDisruptionBudget's status (expected pods, current and desired healthy, disruptions
//! allowed, the `DisruptionAllowed` condition) from the pods its selector selects, and forgets
//! the evictions it was told of (`disruptedPods`) once their pods are gone or two minutes old.
//!
//! It syncs the budgets on its work queue (`store::budget_queue`): a budget written, the budgets
//! selecting a pod written, and those whose controllers' scale changed the next time it looks;
//! a budget with evictions under way is queued again when the first of them times out.

use serde_json::{Map, Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta::{self, Field};
use crate::world::api::selector::Selector;
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;
use crate::world::store::Queue;

/// How long an eviction the API server recorded in `disruptedPods` counts before the
/// controller forgets it (`DeletionTimeout`).
const DELETION_TIMEOUT_MS: Millis = 2 * 60 * 1000;

/// Syncs the PodDisruptionBudgets on the work queue.
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::Budgets, sync);
}

/// Whether a pod is Ready (`IsPodReady`).
pub fn pod_ready(pod: &Value) -> bool {
    meta::condition(pod, "Ready")
        .and_then(|c| c.field("status"))
        .and_then(Value::as_str)
        == Some("True")
}

/// The pods a budget selects (`getPodsForPdb`): a nil selector selects none, an empty one
/// every pod of the namespace.
pub fn pods_for(world: &World, pdb: &Value) -> Vec<std::rc::Rc<Value>> {
    let Some(sel) = meta::path(pdb, &["spec", "selector"]).filter(|s| !s.is_null()) else {
        return vec![];
    };
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return vec![];
    };
    let sel = Selector::from_label_selector(sel);
    world
        .store
        .list_shared_in(pod_kind, Some(meta::namespace(pdb)))
        .filter(|p| sel.matches(&meta::labels(p)))
        .cloned()
        .collect()
}

/// The scale of a pod's controller (`finders`): a ReplicaSet's Deployment's replicas, or the
/// ReplicaSet's, StatefulSet's or ReplicationController's own; None when it has none of those.
fn controller_scale(world: &World, ns: &str, kind: &str, name: &str) -> Option<(String, i64)> {
    let obj = world.object(kind, ns, name)?;
    if kind == kinds::REPLICA_SET
        && let Some((k, n, _)) = meta::controller_of(obj)
        && k == kinds::DEPLOYMENT
    {
        let d = world.object(kinds::DEPLOYMENT, ns, &n)?;
        return Some((
            meta::uid(d).to_string(),
            meta::int_at(d, &["spec", "replicas"]).unwrap_or(1),
        ));
    }
    matches!(
        kind,
        kinds::REPLICA_SET | kinds::STATEFUL_SET | kinds::REPLICATION_CONTROLLER
    )
    .then(|| {
        (
            meta::uid(obj).to_string(),
            meta::int_at(obj, &["spec", "replicas"]).unwrap_or(1),
        )
    })
}

/// `getExpectedScale`: the sum of the selected pods' controllers' scales, or the error for a
/// pod whose controller has no scale.
fn expected_scale(world: &World, pods: &[std::rc::Rc<Value>]) -> Result<i64, String> {
    let mut scales: std::collections::BTreeMap<String, i64> = Default::default();
    for pod in pods {
        let Some((kind, name, uid)) = meta::controller_of(pod) else {
            continue;
        };
        if scales.contains_key(&uid) {
            continue;
        }
        match controller_scale(world, meta::namespace(pod), &kind, &name) {
            Some((uid, scale)) => {
                scales.insert(uid, scale);
            }
            None => {
                return Err(format!(
                    "found no controllers for pod \"{}\"",
                    meta::name(pod)
                ));
            }
        }
    }
    Ok(scales.values().sum())
}

/// `getExpectedPodCount`: (expected pods, desired healthy).
fn expected_and_desired(
    world: &World,
    pdb: &Value,
    pods: &[std::rc::Rc<Value>],
) -> Result<(i64, i64), String> {
    let spec = pdb.field("spec").unwrap_or(&Value::Null);
    if let Some(max) = spec.field("maxUnavailable").filter(|v| !v.is_null()) {
        let expected = expected_scale(world, pods)?;
        let max = meta::scaled_int_or_percent(Some(max), expected, true).unwrap_or(0);
        return Ok((expected, (expected - max).max(0)));
    }
    match spec.field("minAvailable") {
        Some(Value::Number(n)) => Ok((pods.len() as i64, n.as_i64().unwrap_or(0))),
        Some(v @ Value::String(_)) => {
            let expected = expected_scale(world, pods)?;
            Ok((
                expected,
                meta::scaled_int_or_percent(Some(v), expected, true).unwrap_or(0),
            ))
        }
        _ => Ok((0, 0)),
    }
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(pdb) = world
        .object(kinds::POD_DISRUPTION_BUDGET, ns, name)
        .cloned()
    else {
        return;
    };
    let now = world.now();
    let pods = pods_for(world, &pdb);
    // `buildDisruptedPodMap`: evictions still under way, not older than the timeout.
    let mut disrupted = Map::new();
    let mut recheck: Option<Millis> = None;
    if let Some(m) = meta::path(&pdb, &["status", "disruptedPods"]).and_then(Value::as_object) {
        for (pod_name, at) in m {
            let Some(pod) = pods.iter().find(|p| meta::name(p) == pod_name) else {
                continue;
            };
            if meta::is_deleting(pod) {
                continue;
            }
            let at_ms = at.as_str().and_then(parse_rfc3339).unwrap_or(now);
            let expires = at_ms + DELETION_TIMEOUT_MS;
            if expires <= now {
                continue;
            }
            recheck = Some(recheck.map_or(expires, |r| r.min(expires)));
            disrupted.insert(pod_name.clone(), at.clone());
        }
    }
    if let Some(at) = recheck {
        world.requeue_at(Queue::Budgets, ns, name, at);
    }
    let generation = meta::int_at(&pdb, &["metadata", "generation"]).unwrap_or(1);
    let mut status = pdb.field("status").cloned().unwrap_or_else(|| json!({}));
    let old = status.clone();
    let source = Source::component("controllermanager");
    match expected_and_desired(world, &pdb, &pods) {
        Ok((expected, desired)) => {
            let healthy = pods
                .iter()
                .filter(|p| {
                    !meta::is_deleting(p) && !disrupted.contains_key(meta::name(p)) && pod_ready(p)
                })
                .count() as i64;
            let allowed = if expected <= 0 || healthy - desired <= 0 {
                0
            } else {
                healthy - desired
            };
            status["currentHealthy"] = json!(healthy);
            status["desiredHealthy"] = json!(desired);
            status["expectedPods"] = json!(expected);
            status["disruptionsAllowed"] = json!(allowed);
            let (cond, reason, message) = if allowed > 0 {
                ("True", "SufficientPods", "")
            } else {
                ("False", "InsufficientPods", "")
            };
            set_condition(&mut status, cond, reason, message, generation, now);
        }
        Err(e) => {
            // `failSafe`: no disruption allowed while the budget cannot be computed.
            status["disruptionsAllowed"] = json!(0);
            set_condition(&mut status, "False", "SyncFailed", &e, generation, now);
            if old
                .field("conditions")
                .and_then(|c| c.get(0))
                .and_then(|c| c.field("reason"))
                != Some(&json!("SyncFailed"))
            {
                world.record_event(
                    &pdb,
                    None,
                    "Warning",
                    "CalculateExpectedPodCountFailed",
                    &format!("Failed to calculate the number of expected pods: {e}"),
                    &source,
                );
            }
        }
    }
    if disrupted.is_empty() {
        if let Some(m) = status.as_object_mut() {
            m.remove("disruptedPods");
        }
    } else {
        status["disruptedPods"] = Value::Object(disrupted);
    }
    status["observedGeneration"] = json!(generation);
    if status == old {
        return;
    }
    if pods.is_empty() {
        world.record_event(
            &pdb,
            None,
            "Normal",
            "NoPods",
            "No matching pods found",
            &source,
        );
    }
    let mut updated = pdb;
    updated["status"] = status;
    world.write_discard(updated);
}

/// `apimeta.SetStatusCondition` of the `DisruptionAllowed` condition: the transition time
/// moves only when the status changes.
fn set_condition(
    status: &mut Value,
    cond: &str,
    reason: &str,
    message: &str,
    generation: i64,
    now: Millis,
) {
    let prev = status
        .field("conditions")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|c| c.field("type").and_then(Value::as_str) == Some("DisruptionAllowed"))
        })
        .cloned();
    let since = match &prev {
        Some(p) if p.field("status").and_then(Value::as_str) == Some(cond) => p
            .field("lastTransitionTime")
            .cloned()
            .unwrap_or_else(|| json!(rfc3339(now))),
        _ => json!(rfc3339(now)),
    };
    status["conditions"] = json!([{
        "lastTransitionTime": since,
        "message": message,
        "observedGeneration": generation,
        "reason": reason,
        "status": cond,
        "type": "DisruptionAllowed",
    }]);
}
