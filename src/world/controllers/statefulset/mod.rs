//! The StatefulSet controller (`k/k pkg/controller/statefulset/stateful_set_control.go`):
//! stable identities `<set>-<ordinal>`, claims from `volumeClaimTemplates` that outlive the set,
//! ordered creation (OrderedReady) or all at once (Parallel), scale-down from the highest
//! ordinal, RollingUpdate from the highest ordinal down to the partition, OnDelete, revisions.

pub mod revisions;

use serde_json::{Value, json};

use super::replicaset::{is_available, ready_since};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::events::Source;
use crate::world::store::Queue;

fn source() -> Source {
    Source::component("statefulset-controller")
}

/// Syncs the StatefulSets on the work queue.
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::StatefulSets, sync);
}

fn ordinal_of(set: &str, pod: &str) -> Option<i64> {
    pod.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

fn healthy(pod: &Value, min_ready: i64, now: i64) -> bool {
    !meta::is_deleting(pod)
        && meta::str_at(pod, &["status", "phase"]) == Some("Running")
        && is_available(pod, min_ready, now)
}

fn revision_of(pod: &Value) -> String {
    meta::labels(pod)
        .get("controller-revision-hash")
        .cloned()
        .unwrap_or_default()
}

fn claim_name(tpl: &Value, set: &Value, ordinal: i64) -> String {
    format!("{}-{}-{ordinal}", meta::name(tpl), meta::name(set))
}

/// The pod of `ordinal` built from `set` (whose template is already the wanted revision).
fn new_pod(set: &Value, ordinal: i64, revision: &str) -> Value {
    let name = format!("{}-{ordinal}", meta::name(set));
    let tpl = meta::path(set, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let mut labels = meta::path(&tpl, &["metadata", "labels"])
        .cloned()
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(revision);
    labels["statefulset.kubernetes.io/pod-name"] = json!(name);
    labels["apps.kubernetes.io/pod-index"] = json!(ordinal.to_string());
    let mut md = json!({"name": name, "namespace": meta::namespace(set), "labels": labels, "ownerReferences": [meta::controller_ref(set)]});
    if let Some(a) = meta::path(&tpl, &["metadata", "annotations"]) {
        md["annotations"] = a.clone();
    }
    let mut spec = tpl.get("spec").cloned().unwrap_or(json!({}));
    spec["hostname"] = json!(name);
    if let Some(svc) = meta::str_at(set, &["spec", "serviceName"]).filter(|s| !s.is_empty()) {
        spec["subdomain"] = json!(svc);
    }
    // updateStorage: claim volumes replace template volumes of the same name.
    let templates: Vec<Value> = meta::path(set, &["spec", "volumeClaimTemplates"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !templates.is_empty() {
        let mut vols: Vec<Value> = spec
            .get("volumes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for t in &templates {
            let vname = meta::name(t).to_string();
            vols.retain(|v| v.get("name").and_then(Value::as_str) != Some(vname.as_str()));
            vols.push(json!({"name": vname, "persistentVolumeClaim": {"claimName": claim_name(t, set, ordinal)}}));
        }
        spec["volumes"] = Value::Array(vols);
    }
    json!({"apiVersion": "v1", "kind": kinds::POD, "metadata": md, "spec": spec})
}

fn create_claims(world: &mut World, set: &Value, ordinal: i64) -> Vec<String> {
    let mut created = Vec::new();
    let templates: Vec<Value> = meta::path(set, &["spec", "volumeClaimTemplates"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let sel = meta::path(set, &["spec", "selector", "matchLabels"])
        .cloned()
        .unwrap_or(json!({}));
    for t in templates {
        let name = claim_name(&t, set, ordinal);
        if world
            .object(kinds::PERSISTENT_VOLUME_CLAIM, meta::namespace(set), &name)
            .is_some()
        {
            continue;
        }
        let mut labels = meta::path(&t, &["metadata", "labels"])
            .cloned()
            .unwrap_or(json!({}));
        if let (Some(l), Some(s)) = (labels.as_object_mut(), sel.as_object()) {
            for (k, v) in s {
                l.insert(k.clone(), v.clone());
            }
        }
        let mut md = json!({"name": name, "namespace": meta::namespace(set), "labels": labels});
        if let Some(a) = meta::path(&t, &["metadata", "annotations"]) {
            md["annotations"] = a.clone();
        }
        let claim = json!({"apiVersion": "v1", "kind": kinds::PERSISTENT_VOLUME_CLAIM, "metadata": md, "spec": t.get("spec").cloned().unwrap_or(json!({}))});
        match world.create_internal(claim) {
            Ok(_) => created.push(name),
            Err(e) => world.record_event(
                set,
                None,
                "Warning",
                "FailedCreate",
                &format!(
                    "create Claim {name} for Pod {}-{ordinal} in StatefulSet {} failed error: {}",
                    meta::name(set),
                    meta::name(set),
                    e.message
                ),
                &source(),
            ),
        }
    }
    created
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let (Some(sts_kind), Some(pod_kind)) = (
        kinds::by_kind(kinds::STATEFUL_SET),
        kinds::by_kind(kinds::POD),
    ) else {
        return;
    };
    let Some(set) = world.store.get(sts_kind, ns, name).cloned() else {
        return;
    };
    if meta::is_deleting(&set) {
        return;
    }
    let now = world.now();
    let revs = revisions::owned(world, &set);
    let Some((update_rev, revs)) = revisions::ensure_update_revision(world, &set, &revs) else {
        return;
    };
    let update_name = meta::name(&update_rev).to_string();
    let current_name = meta::str_at(&set, &["status", "currentRevision"])
        .map(str::to_string)
        .unwrap_or_else(|| update_name.clone());
    let current_rev = revs
        .iter()
        .find(|r| meta::name(r) == current_name)
        .cloned()
        .unwrap_or_else(|| update_rev.clone());
    let current_set = revisions::apply(&set, &current_rev);
    let update_set = revisions::apply(&set, &update_rev);

    // Claim pods (adopt orphans by selector).
    let uid = meta::uid(&set).to_string();
    let selector = meta::path(&set, &["spec", "selector"])
        .map(Selector::from_label_selector)
        .unwrap_or_default();
    let mut pods: Vec<Value> = Vec::new();
    for p in world
        .store
        .list(pod_kind, Some(ns))
        .cloned()
        .collect::<Vec<_>>()
    {
        match meta::controller_of(&p) {
            Some((_, _, u)) if u == uid => pods.push(p),
            None if !selector.is_empty()
                && selector.matches(&meta::labels(&p))
                && ordinal_of(name, meta::name(&p)).is_some() =>
            {
                let mut p = p;
                meta::set_path(
                    &mut p,
                    &["metadata", "ownerReferences"],
                    json!([meta::controller_ref(&set)]),
                );
                pods.push(world.write(p));
            }
            _ => {}
        }
    }
    let replicas = meta::int_at(&set, &["spec", "replicas"])
        .unwrap_or(1)
        .clamp(0, world.timings.max_pods_per_controller);
    let start = meta::int_at(&set, &["spec", "ordinals", "start"]).unwrap_or(0);
    let min_ready = meta::int_at(&set, &["spec", "minReadySeconds"]).unwrap_or(0);
    let monotonic = meta::str_at(&set, &["spec", "podManagementPolicy"]).unwrap_or("OrderedReady")
        == "OrderedReady";
    let strategy = meta::str_at(&set, &["spec", "updateStrategy", "type"])
        .unwrap_or("RollingUpdate")
        .to_string();
    let rolling = meta::path(&set, &["spec", "updateStrategy", "rollingUpdate"])
        .filter(|v| v.is_object())
        .cloned();
    let partition = rolling
        .as_ref()
        .and_then(|r| r.get("partition"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let current_replicas = meta::int_at(&set, &["status", "currentReplicas"]).unwrap_or(0);

    let mut slots: Vec<Option<Value>> = vec![None; replicas as usize];
    let mut condemned: Vec<(i64, Value)> = Vec::new();
    for p in &pods {
        match ordinal_of(name, meta::name(p)) {
            Some(o) if o >= start && o < start + replicas => {
                slots[(o - start) as usize] = Some(p.clone())
            }
            Some(o) => condemned.push((o, p.clone())),
            None => {}
        }
    }
    condemned.sort_by_key(|c| std::cmp::Reverse(c.0));

    let mut blocked = false;
    for (i, slot) in slots.clone().into_iter().enumerate() {
        let ordinal = start + i as i64;
        match slot {
            None => {
                let use_current = strategy == "RollingUpdate"
                    && ((rolling.is_none() && ordinal < start + current_replicas)
                        || (rolling.is_some() && ordinal < start + partition));
                let (src, rev) = if use_current {
                    (&current_set, current_name.as_str())
                } else {
                    (&update_set, update_name.as_str())
                };
                let claims = create_claims(world, src, ordinal);
                let pod = new_pod(src, ordinal, rev);
                let pod_name = meta::name(&pod).to_string();
                match world.create_internal(pod) {
                    Ok(p) => {
                        let msg = if claims.is_empty() {
                            format!("create Pod {pod_name} in StatefulSet {name} successful")
                        } else {
                            format!(
                                "create Claim {} Pod {pod_name} in StatefulSet {name} success",
                                claims.join(",")
                            )
                        };
                        if !claims.is_empty() {
                            world.record_event(
                                &set,
                                None,
                                "Normal",
                                "SuccessfulCreate",
                                &msg,
                                &source(),
                            );
                            world.record_event(
                                &set,
                                None,
                                "Normal",
                                "SuccessfulCreate",
                                &format!("create Pod {pod_name} in StatefulSet {name} successful"),
                                &source(),
                            );
                        } else {
                            world.record_event(
                                &set,
                                None,
                                "Normal",
                                "SuccessfulCreate",
                                &msg,
                                &source(),
                            );
                        }
                        slots[i] = Some((*p).clone());
                    }
                    Err(e) => {
                        world.record_event(
                            &set,
                            None,
                            "Warning",
                            "FailedCreate",
                            &format!(
                                "create Pod {pod_name} in StatefulSet {name} failed error: {}",
                                e.message
                            ),
                            &source(),
                        );
                    }
                }
                if monotonic {
                    blocked = true;
                    break;
                }
            }
            Some(p) => {
                if matches!(
                    meta::str_at(&p, &["status", "phase"]),
                    Some("Failed" | "Succeeded")
                ) && !meta::is_deleting(&p)
                {
                    let _ = world.delete_internal(pod_kind, ns, meta::name(&p));
                    world.record_event(
                        &set,
                        None,
                        "Normal",
                        "SuccessfulDelete",
                        &format!(
                            "delete Pod {} in StatefulSet {name} successful",
                            meta::name(&p)
                        ),
                        &source(),
                    );
                    if monotonic {
                        blocked = true;
                        break;
                    }
                    continue;
                }
                if !healthy(&p, min_ready, now) && monotonic {
                    if let Some(t) = ready_since(&p) {
                        world.requeue_at(Queue::StatefulSets, ns, name, t + min_ready * 1000 + 1);
                    }
                    blocked = true;
                    break;
                }
            }
        }
    }
    // Scale down: highest ordinal first, one at a time when ordered.
    if !blocked {
        let all_healthy = slots
            .iter()
            .all(|s| s.as_ref().is_some_and(|p| healthy(p, min_ready, now)));
        for (_, p) in &condemned {
            if meta::is_deleting(p) {
                if monotonic {
                    blocked = true;
                    break;
                }
                continue;
            }
            if monotonic && !all_healthy {
                blocked = true;
                break;
            }
            let _ = world.delete_internal(pod_kind, ns, meta::name(p));
            world.record_event(
                &set,
                None,
                "Normal",
                "SuccessfulDelete",
                &format!(
                    "delete Pod {} in StatefulSet {name} successful",
                    meta::name(p)
                ),
                &source(),
            );
            if monotonic {
                blocked = true;
                break;
            }
        }
    }
    // Rolling update from the highest ordinal down to the partition.
    if !blocked && strategy == "RollingUpdate" {
        for i in (0..slots.len()).rev() {
            let ordinal = start + i as i64;
            if ordinal < start + partition {
                break;
            }
            let Some(p) = &slots[i] else { break };
            if revision_of(p) != update_name {
                if !meta::is_deleting(p) {
                    let _ = world.delete_internal(pod_kind, ns, meta::name(p));
                    world.record_event(
                        &set,
                        None,
                        "Normal",
                        "SuccessfulDelete",
                        &format!(
                            "delete Pod {} in StatefulSet {name} successful",
                            meta::name(p)
                        ),
                        &source(),
                    );
                }
                break;
            }
            if !healthy(p, min_ready, now) {
                break;
            }
        }
    }
    write_status(world, &set, &current_name, &update_name, &strategy);
    truncate_history(world, &set, &current_name, &update_name);
}

fn write_status(world: &mut World, set: &Value, current: &str, update: &str, strategy: &str) {
    let now = world.now();
    let min_ready = meta::int_at(set, &["spec", "minReadySeconds"]).unwrap_or(0);
    let uid = meta::uid(set).to_string();
    let pods: Vec<Value> = world
        .object_list(kinds::POD, meta::namespace(set))
        .filter(|p| meta::controller_of(p).is_some_and(|(_, _, u)| u == uid))
        .cloned()
        .collect();
    let (mut replicas, mut ready, mut available, mut cur, mut upd) = (0, 0, 0, 0, 0);
    for p in &pods {
        replicas += 1;
        if ready_since(p).is_some() && meta::str_at(p, &["status", "phase"]) == Some("Running") {
            ready += 1;
            if is_available(p, min_ready, now) {
                available += 1;
            }
        }
        if !meta::is_deleting(p) {
            let r = revision_of(p);
            if r == current {
                cur += 1;
            }
            if r == update {
                upd += 1;
            }
        }
    }
    let mut current = current.to_string();
    if strategy == "RollingUpdate" && upd == replicas && ready == replicas {
        current = update.to_string();
        cur = upd;
    }
    let mut st = serde_json::Map::new();
    st.insert("replicas".into(), json!(replicas));
    let mut put = |k: &str, v: i64| {
        if v != 0 {
            st.insert(k.into(), json!(v));
        }
    };
    put("readyReplicas", ready);
    put("availableReplicas", available);
    put("currentReplicas", cur);
    put("updatedReplicas", upd);
    put(
        "observedGeneration",
        meta::int_at(set, &["metadata", "generation"]).unwrap_or(0),
    );
    st.insert("currentRevision".into(), json!(current));
    st.insert("updateRevision".into(), json!(update));
    st.insert(
        "collisionCount".into(),
        json!(meta::int_at(set, &["status", "collisionCount"]).unwrap_or(0)),
    );
    let st = Value::Object(st);
    if set.get("status") != Some(&st) {
        let mut s = set.clone();
        s["status"] = st;
        world.write_discard(s);
    }
}

/// Deletes non-live revisions beyond `revisionHistoryLimit`, lowest first.
fn truncate_history(world: &mut World, set: &Value, current: &str, update: &str) {
    let limit = meta::int_at(set, &["spec", "revisionHistoryLimit"]).unwrap_or(10);
    let live: Vec<String> = world
        .object_list(kinds::POD, meta::namespace(set))
        .filter(|p| meta::controller_of(p).is_some_and(|(_, _, u)| u == meta::uid(set)))
        .map(revision_of)
        .collect();
    let revs = revisions::owned(world, set);
    let history: Vec<&Value> = revs
        .iter()
        .filter(|r| {
            let n = meta::name(r);
            n != current && n != update && !live.iter().any(|l| l == n)
        })
        .collect();
    let excess = history.len() as i64 - limit;
    if excess <= 0 {
        return;
    }
    let Some(k) = kinds::by_kind(kinds::CONTROLLER_REVISION) else {
        return;
    };
    for r in history.into_iter().take(excess as usize) {
        world.remove_object(k, meta::namespace(r), meta::name(r));
    }
}
