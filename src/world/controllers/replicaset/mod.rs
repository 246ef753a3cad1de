//! The ReplicaSet controller (`k/k pkg/controller/replicaset/replica_set.go`): claims pods by
//! selector (adopting orphans, releasing pods relabelled out), creates pods from the template or
//! deletes the lowest-ranked ones, and reports status from the pods it saw.

use crate::world::api::meta::Field;
use crate::world::api::objects::{Pod, ReplicaSet};
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::clock::{Millis, parse_rfc3339};
use crate::world::events::Source;
use crate::world::store::Queue;

/// `burstReplicas`: at most this many pods are created or deleted per sync.
const BURST: i64 = 500;

mod facts;
mod victims;

pub(crate) use facts::PodFactsMemo;
use victims::pods_to_delete;

fn source() -> Source {
    Source::component("replicaset-controller")
}

/// Syncs the ReplicaSets on the work queue, in key order (see `store::queues`: the others
/// would change nothing). One queued by a sync further on in this pass is synced in it, as a
/// pass over every ReplicaSet would; one queued behind, in the next.
pub fn run(world: &mut World) {
    let pods = kinds::by_kind(kinds::POD).map_or(0, |p| world.store.count(p));
    world.pod_facts.forget_gone(pods);
    let mut after: Option<(String, String)> = None;
    while let Some(key) = world.store.next_queued(Queue::ReplicaSets, after.as_ref()) {
        world.stats.syncs += 1;
        sync(world, &key.0, &key.1);
        after = Some(key);
    }
}

/// Whether a pod is Ready, and since when.
pub fn ready_since(pod: &Value) -> Option<Millis> {
    let c = Pod::of(pod).condition("Ready")?;
    if c.field("status").and_then(Value::as_str) != Some("True") {
        return None;
    }
    Some(
        c.field("lastTransitionTime")
            .and_then(Value::as_str)
            .and_then(parse_rfc3339)
            .unwrap_or(0),
    )
}

/// `IsPodAvailable`: ready for at least `min_ready` seconds (strictly before now).
pub fn is_available(pod: &Value, min_ready: i64, now: Millis) -> bool {
    match ready_since(pod) {
        None => false,
        Some(t) => min_ready == 0 || t + min_ready * 1000 < now,
    }
}

fn is_active(pod: &Value) -> bool {
    let p = Pod::of(pod);
    !p.meta().is_deleting() && !p.is_terminal()
}

/// An active pod the controller owns, shared with the store (never copied), with what every
/// sync needs of it.
struct Active {
    pod: std::rc::Rc<Value>,
    ready_since: Option<Millis>,
    fully_labeled: bool,
}

/// An owned pod the selector matched; when the template's labels are the selector itself (as
/// for every ReplicaSet a Deployment makes), it is fully labelled without looking again.
fn active(
    pod: std::rc::Rc<Value>,
    ready_since: Option<Millis>,
    tpl_sel: &Selector,
    tpl_is_selector: bool,
) -> Active {
    Active {
        ready_since,
        fully_labeled: tpl_is_selector || tpl_sel.matches_object(&pod),
        pod,
    }
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let (Some(rs_kind), Some(pod_kind)) = (
        kinds::by_kind(kinds::REPLICA_SET),
        kinds::by_kind(kinds::POD),
    ) else {
        return;
    };
    let Some(rs) = world.store.get_shared(rs_kind, ns, name) else {
        return;
    };
    if meta::is_deleting(&rs) {
        return;
    }
    let uid = meta::uid(&rs).to_string();
    let selector = meta::path(&rs, &["spec", "selector"])
        .map(Selector::from_label_selector)
        .unwrap_or_default();
    let tpl_sel = Selector::from_map(&meta::string_map(
        &rs,
        &["spec", "template", "metadata", "labels"],
    ));
    let tpl_is_selector = tpl_sel == selector;
    // Claim pods: adopt matching orphans, release owned pods that no longer match.
    let mut owned: Vec<Active> = Vec::new();
    let mut release: Vec<String> = Vec::new();
    let mut adopt: Vec<String> = Vec::new();
    // Only the pods this ReplicaSet owns and the pods nobody controls can be claimed: the
    // store indexes both (in name order, as a scan would visit them).
    let pods: Vec<std::rc::Rc<Value>> = {
        let mut names: Vec<&str> = world
            .store
            .dependents_iter(&uid)
            .filter(|r| r.0 == "pods" && r.1 == ns)
            .map(|r| r.2.as_str())
            .chain(world.store.uncontrolled_iter("pods", ns))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter_map(|n| world.store.get_shared(pod_kind, ns, n))
            .collect()
    };
    for pod in pods {
        let matches = !selector.is_empty() && selector.matches_object(&pod);
        let facts = world.pod_facts.get(&pod);
        let (is_active, since) = (facts.active, facts.ready_since);
        match facts.controller.as_deref() {
            Some(owner) if owner == uid => {
                if matches {
                    if is_active {
                        owned.push(active(pod, since, &tpl_sel, tpl_is_selector));
                    }
                } else if !meta::is_deleting(&pod) {
                    release.push(meta::name(&pod).to_string());
                }
            }
            None if matches && is_active => {
                adopt.push(meta::name(&pod).to_string());
                owned.push(active(pod, since, &tpl_sel, tpl_is_selector));
            }
            _ => {}
        }
    }
    for pname in release {
        let Some(mut p) = world.store.get(pod_kind, ns, &pname).cloned() else {
            continue;
        };
        let refs: Vec<Value> = meta::path(&p, &["metadata", "ownerReferences"])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter(|r| r.field("uid").and_then(Value::as_str) != Some(uid.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if refs.is_empty() {
            meta::remove_path(&mut p, &["metadata", "ownerReferences"]);
        } else {
            meta::set_path(&mut p, &["metadata", "ownerReferences"], Value::Array(refs));
        }
        world.write_discard(p);
    }
    for pname in adopt {
        let Some(mut p) = world.store.get(pod_kind, ns, &pname).cloned() else {
            continue;
        };
        let mut refs: Vec<Value> = meta::path(&p, &["metadata", "ownerReferences"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        refs.push(meta::controller_ref(&rs));
        meta::set_path(&mut p, &["metadata", "ownerReferences"], Value::Array(refs));
        world.write_discard(p);
    }
    let mut want = ReplicaSet::of(&rs).replicas();
    let cap = world.timings.max_pods_per_controller;
    if want > cap {
        // Synced again whenever the controller looks at anything, as a pass over every
        // ReplicaSet did: its warning is recorded again once pruned from the events.
        world.store.retry(Queue::ReplicaSets, ns, name);
        let msg = format!(
            "kubelab runs at most {cap} pods per ReplicaSet; {want} were requested, so only {cap} are created"
        );
        if !world.has_event(&uid, "KubelabLimit", None) {
            world.record_event(&rs, None, "Warning", "KubelabLimit", &msg, &source());
            world.notices.push(format!("kubelab: {msg}"));
        }
        want = cap;
    }
    // What the status counts, taken before any pod changes (as upstream computes it from the
    // pods it listed).
    let tally: Vec<(bool, Option<Millis>)> = owned
        .iter()
        .map(|a| (a.fully_labeled, a.ready_since))
        .collect();
    let diff = owned.len() as i64 - want;
    let mut failure: Option<crate::world::ApiError> = None;
    if diff < 0 {
        let total_pods = world.store.count(pod_kind);
        let room = world.timings.max_pods.saturating_sub(total_pods) as i64;
        let n = (-diff).min(BURST).min(room);
        // `slowStartBatch`: batches of 1, 2, 4, ... pods; a batch with a failure ends the
        // sync, which is tried again after the rate limiter's back-off.
        let (mut batch, mut remaining) = (n.min(1), n);
        while batch > 0 && failure.is_none() {
            for _ in 0..batch {
                if let Err(e) = create_pod(world, &rs)
                    && failure.is_none()
                {
                    failure = Some(e);
                }
            }
            remaining -= batch;
            batch = (2 * batch).min(remaining);
        }
        match &failure {
            Some(e) if e.reason == crate::world::api::Reason::Forbidden => {
                super::backoff::failed(world, Queue::ReplicaSets, ns, name);
            }
            // Tried again whenever the controller looks at anything, as a level-triggered
            // controller would.
            Some(_) => world.store.retry(Queue::ReplicaSets, ns, name),
            None => super::backoff::forget(world, Queue::ReplicaSets, ns, name),
        }
        if n < (-diff).min(BURST) {
            world.store.wait_for_room(ns, name);
            // As above: the warning comes back once pruned, at the controller's next look.
            world.store.retry(Queue::ReplicaSets, ns, name);
            let msg = format!(
                "kubelab runs at most {} pods in a cluster; no more pods are created",
                world.timings.max_pods
            );
            if !world.has_event(&uid, "KubelabLimit", None) {
                world.record_event(&rs, None, "Warning", "KubelabLimit", &msg, &source());
                world.notices.push(format!("kubelab: {msg}"));
            }
        }
    } else if diff > 0 {
        let n = diff.min(BURST) as usize;
        let victims = pods_to_delete(world, &rs, &owned, n);
        // Let go of the pods: deleting then marks them in place instead of in copies.
        drop(owned);
        for victim in victims {
            if world.delete_internal(pod_kind, ns, &victim).is_ok() {
                world.record_event(
                    &rs,
                    None,
                    "Normal",
                    "SuccessfulDelete",
                    &format!("Deleted pod: {victim}"),
                    &source(),
                );
            }
        }
    }
    write_status(world, &rs, &tally, failure.map(|e| e.message).as_deref());
}

/// Creates a pod from the template; the API server's error if it refused it.
fn create_pod(world: &mut World, rs: &Value) -> Result<(), crate::world::ApiError> {
    // Built field by field: `json!` would serialise the template into a second copy.
    let tpl = meta::path(rs, &["spec", "template"]);
    let mut md = serde_json::Map::new();
    md.insert(
        "generateName".into(),
        Value::String(format!("{}-", meta::name(rs))),
    );
    md.insert(
        "namespace".into(),
        Value::String(meta::namespace(rs).to_string()),
    );
    md.insert(
        "ownerReferences".into(),
        Value::Array(vec![meta::controller_ref(rs)]),
    );
    for k in ["labels", "annotations", "finalizers"] {
        if let Some(v) = tpl.and_then(|t| meta::path(t, &["metadata", k])) {
            md.insert(k.into(), v.clone());
        }
    }
    let mut pod = serde_json::Map::new();
    pod.insert("apiVersion".into(), Value::String("v1".into()));
    pod.insert("kind".into(), Value::String("Pod".into()));
    pod.insert("metadata".into(), Value::Object(md));
    pod.insert(
        "spec".into(),
        tpl.and_then(|t| t.field("spec"))
            .cloned()
            .unwrap_or_else(|| json!({})),
    );
    let pod = Value::Object(pod);
    match world.create_internal(pod) {
        Ok(p) => {
            world.record_event(
                rs,
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
                rs,
                None,
                "Warning",
                "FailedCreate",
                &format!("Error creating: {}", e.message),
                &source(),
            );
            Err(e)
        }
    }
}

/// The objects of a kind in a namespace whose owner references name `owner_uid`.
pub(crate) fn dependents<'a>(
    world: &'a World,
    owner_uid: &str,
    kind: &str,
    ns: &'a str,
) -> impl Iterator<Item = &'a Value> + 'a {
    let k = kinds::by_kind(kind);
    world
        .store
        .dependents_iter(owner_uid)
        .filter(move |r| k.is_some_and(|k| r.0 == k.plural) && r.1 == ns)
        .filter_map(move |r| world.store.get_ref(r))
}

/// Writes the status from the active pods' (fully labelled, ready since) pairs, with the
/// `ReplicaFailure` condition while pod creation fails (`calculateStatus`: set with the first
/// error, kept as it is while creation keeps failing, removed after a sync without error).
fn write_status(
    world: &mut World,
    rs: &Value,
    active: &[(bool, Option<Millis>)],
    failure: Option<&str>,
) {
    let now = world.now();
    let min_ready = ReplicaSet::of(rs).min_ready_seconds();
    let mut fully = 0;
    let mut ready = 0;
    let mut available = 0;
    for &(fully_labeled, ready_since) in active {
        if fully_labeled {
            fully += 1;
        }
        if let Some(t) = ready_since {
            ready += 1;
            if min_ready == 0 || t + min_ready * 1000 < now {
                available += 1;
            } else {
                world.requeue_at(
                    Queue::ReplicaSets,
                    meta::namespace(rs),
                    meta::name(rs),
                    t + min_ready * 1000 + 1,
                );
            }
        }
    }
    let counts = [
        ("replicas", active.len() as i64),
        ("fullyLabeledReplicas", fully),
        ("readyReplicas", ready),
        ("availableReplicas", available),
    ];
    set_replica_status(world, kinds::REPLICA_SET, rs, counts, failure, now);
}

/// Writes the status a ReplicaSet or a ReplicationController reports (both controllers keep it
/// alike, `pkg/controller/replicaset/replica_set_utils.go`): its counts (a zero count left out,
/// `replicas` always there), `observedGeneration`, and the `ReplicaFailure` condition, added
/// while creating pods fails and removed once it no longer does. Unchanged status: no write.
pub(in crate::world::controllers) fn set_replica_status(
    world: &mut World,
    kind: &str,
    owner: &Value,
    counts: [(&str, i64); 4],
    failure: Option<&str>,
    now: Millis,
) {
    let generation = meta::int_at(owner, &["metadata", "generation"]).unwrap_or(0);
    let mut st = serde_json::Map::new();
    for (k, v) in counts
        .into_iter()
        .chain([("observedGeneration", generation)])
    {
        if v != 0 || k == "replicas" {
            st.insert(k.to_string(), json!(v));
        }
    }
    let mut conds: Vec<Value> = meta::path(owner, &["status", "conditions"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let has_failure = conds
        .iter()
        .any(|c| c.field("type").and_then(Value::as_str) == Some("ReplicaFailure"));
    match failure {
        Some(msg) if !has_failure => conds.push(json!({
            "lastTransitionTime": crate::world::clock::rfc3339(now),
            "message": msg,
            "reason": "FailedCreate",
            "status": "True",
            "type": "ReplicaFailure",
        })),
        None if has_failure => {
            conds.retain(|c| c.field("type").and_then(Value::as_str) != Some("ReplicaFailure"));
        }
        _ => {}
    }
    if !conds.is_empty() {
        st.insert("conditions".into(), Value::Array(conds));
    }
    let st = Value::Object(st);
    if owner.field("status") != Some(&st)
        && let Some(k) = kinds::by_kind(kind)
    {
        world
            .store
            .set_status(k, meta::namespace(owner), meta::name(owner), st);
    }
}
