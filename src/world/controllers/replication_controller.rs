//! The ReplicationController controller (`k/k pkg/controller/replication`): upstream runs the
//! ReplicaSet controller's code for the older kind, with the RC's equality-based selector (a
//! plain label map, defaulted from the template's labels at admission) and the event source
//! `replication-controller`. It claims pods by selector (adopting orphans, releasing pods
//! relabelled out), creates pods from the template or deletes the lowest-ranked ones, and
//! reports `replicas`, `fullyLabeledReplicas`, `readyReplicas`, `availableReplicas` and
//! `observedGeneration`, with the `ReplicaFailure` condition while creation fails.
//!
//! Unlike the ReplicaSet controller (work queues, slow-start batches, rate-limited retries),
//! this one makes a full pass over every RC whenever RCs or pods changed: the kind is there
//! for completeness (`get all`), not for big rollouts. Victims are ranked as upstream's
//! `ActivePodsWithRanks` does in its main keys: unscheduled before scheduled, Pending before
//! Running, not ready before ready, ready for less time first, newer first.

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::events::Source;

/// `burstReplicas`: at most this many pods are created or deleted per sync.
const BURST: i64 = 500;

fn source() -> Source {
    Source::component("replication-controller")
}

/// Syncs every ReplicationController, in namespace and name order.
pub fn run(world: &mut World) {
    let Some(kind) = kinds::by_kind(kinds::REPLICATION_CONTROLLER) else {
        return;
    };
    let keys: Vec<(String, String)> = world
        .store
        .list(kind, None)
        .map(|rc| (meta::namespace(rc).to_string(), meta::name(rc).to_string()))
        .collect();
    for (ns, name) in keys {
        world.stats.syncs += 1;
        sync(world, &ns, &name);
    }
}

fn is_active(pod: &Value) -> bool {
    !meta::is_deleting(pod)
        && !matches!(
            meta::str_at(pod, &["status", "phase"]),
            Some("Succeeded" | "Failed")
        )
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let (Some(rc_kind), Some(pod_kind)) = (
        kinds::by_kind(kinds::REPLICATION_CONTROLLER),
        kinds::by_kind(kinds::POD),
    ) else {
        return;
    };
    let Some(rc) = world.store.get(rc_kind, ns, name).cloned() else {
        return;
    };
    if meta::is_deleting(&rc) {
        return;
    }
    let uid = meta::uid(&rc).to_string();
    let selector = Selector::from_map(&meta::string_map(&rc, &["spec", "selector"]));
    let tpl_sel = Selector::from_map(&meta::string_map(
        &rc,
        &["spec", "template", "metadata", "labels"],
    ));
    let pods: Vec<Value> = world.store.list(pod_kind, Some(ns)).cloned().collect();
    let mut owned: Vec<Value> = Vec::new();
    for pod in pods {
        let matches = !selector.is_empty() && selector.matches_object(&pod);
        let controller = meta::path(&pod, &["metadata", "ownerReferences"])
            .and_then(Value::as_array)
            .and_then(|refs| {
                refs.iter()
                    .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
            })
            .and_then(|r| r.get("uid").and_then(Value::as_str))
            .map(str::to_string);
        match controller.as_deref() {
            Some(owner) if owner == uid => {
                if matches {
                    if is_active(&pod) {
                        owned.push(pod);
                    }
                } else if !meta::is_deleting(&pod) {
                    // Released: the RC's reference goes.
                    let mut p = pod.clone();
                    let refs: Vec<Value> = meta::path(&p, &["metadata", "ownerReferences"])
                        .and_then(Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter(|r| r.get("uid").and_then(Value::as_str) != Some(&uid))
                                .cloned()
                                .collect()
                        })
                        .unwrap_or_default();
                    if refs.is_empty() {
                        meta::remove_path(&mut p, &["metadata", "ownerReferences"]);
                    } else {
                        meta::set_path(
                            &mut p,
                            &["metadata", "ownerReferences"],
                            Value::Array(refs),
                        );
                    }
                    world.write_discard(p);
                }
            }
            None if matches && is_active(&pod) => {
                let mut p = pod.clone();
                let mut refs: Vec<Value> = meta::path(&p, &["metadata", "ownerReferences"])
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                refs.push(meta::controller_ref(&rc));
                meta::set_path(&mut p, &["metadata", "ownerReferences"], Value::Array(refs));
                world.write_discard(p);
                owned.push(pod);
            }
            _ => {}
        }
    }
    let want = meta::int_at(&rc, &["spec", "replicas"])
        .unwrap_or(1)
        .clamp(0, world.timings.max_pods_per_controller);
    let status_pods = owned.clone();
    let diff = owned.len() as i64 - want;
    let mut failure: Option<String> = None;
    if diff < 0 {
        let room = world
            .timings
            .max_pods
            .saturating_sub(world.store.count(pod_kind)) as i64;
        for _ in 0..(-diff).min(BURST).min(room) {
            if let Err(e) = create_pod(world, &rc) {
                failure = Some(e);
                break;
            }
        }
    } else if diff > 0 {
        owned.sort_by_key(rank);
        for victim in owned.iter().take(diff.min(BURST) as usize) {
            let v = meta::name(victim).to_string();
            if world.delete_internal(pod_kind, ns, &v).is_ok() {
                world.record_event(
                    &rc,
                    None,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("Deleted pod: {v}"),
                    &source(),
                );
            }
        }
    }
    write_status(world, &rc, &status_pods, &tpl_sel, failure.as_deref());
}

/// The deletion order's key (lowest first): unscheduled, then by phase (Pending, Unknown,
/// Running), not ready before ready, ready for less time first, newer first.
fn rank(pod: &Value) -> (u8, u8, u8, i64, std::cmp::Reverse<String>) {
    let scheduled =
        u8::from(meta::str_at(pod, &["spec", "nodeName"]).is_some_and(|n| !n.is_empty()));
    let phase = match meta::str_at(pod, &["status", "phase"]) {
        Some("Pending") | None => 0,
        Some("Running") => 2,
        _ => 1,
    };
    let since = super::replicaset::ready_since(pod);
    let created = meta::str_at(pod, &["metadata", "creationTimestamp"])
        .unwrap_or("")
        .to_string();
    (
        scheduled,
        phase,
        u8::from(since.is_some()),
        -since.unwrap_or(0),
        std::cmp::Reverse(created),
    )
}

/// Creates a pod from the template; the API server's message if it refused it.
fn create_pod(world: &mut World, rc: &Value) -> Result<(), String> {
    let tpl = meta::path(rc, &["spec", "template"]);
    let mut md = serde_json::Map::new();
    md.insert("generateName".into(), json!(format!("{}-", meta::name(rc))));
    md.insert("namespace".into(), json!(meta::namespace(rc)));
    md.insert("ownerReferences".into(), json!([meta::controller_ref(rc)]));
    for k in ["labels", "annotations", "finalizers"] {
        if let Some(v) = tpl.and_then(|t| meta::path(t, &["metadata", k])) {
            md.insert(k.into(), v.clone());
        }
    }
    let pod = json!({
        "apiVersion": "v1",
        "kind": kinds::POD,
        "metadata": Value::Object(md),
        "spec": tpl.and_then(|t| t.get("spec")).cloned().unwrap_or_else(|| json!({})),
    });
    match world.create_internal(pod) {
        Ok(p) => {
            world.record_event(
                rc,
                None,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {}", meta::name(&p)),
                &source(),
            );
            Ok(())
        }
        Err(e) => {
            world.record_event(
                rc,
                None,
                "Warning",
                "FailedCreate",
                &format!("Error creating: {}", e.message),
                &source(),
            );
            Err(e.message)
        }
    }
}

/// Writes the status from the active pods the RC owned when the sync began.
fn write_status(
    world: &mut World,
    rc: &Value,
    pods: &[Value],
    tpl_sel: &Selector,
    failure: Option<&str>,
) {
    let now = world.now();
    let min_ready = meta::int_at(rc, &["spec", "minReadySeconds"]).unwrap_or(0);
    let fully = pods.iter().filter(|p| tpl_sel.matches_object(p)).count() as i64;
    let mut ready = 0;
    let mut available = 0;
    for p in pods {
        if let Some(t) = super::replicaset::ready_since(p) {
            ready += 1;
            if min_ready == 0 || t + min_ready * 1000 < now {
                available += 1;
            } else {
                world.resync_at(t + min_ready * 1000 + 1);
            }
        }
    }
    let counts = [
        ("replicas", pods.len() as i64),
        ("fullyLabeledReplicas", fully),
        ("readyReplicas", ready),
        ("availableReplicas", available),
    ];
    super::replicaset::set_replica_status(
        world,
        kinds::REPLICATION_CONTROLLER,
        rc,
        counts,
        failure,
        now,
    );
}
