//! The DaemonSet controller (`k/k pkg/controller/daemon/daemon_controller.go`, `update.go`):
//! one pod on every node that should run it (`predicates`), pinned to its node
//! (`template`); failed daemon pods are killed and replaced; a node that stops qualifying
//! loses its pod (unless only NoSchedule taints changed). RollingUpdate replaces old pods
//! node by node within `maxUnavailable` (deleting first) or `maxSurge` (the new pod beside the
//! old one until it is available); OnDelete leaves old pods alone. Revisions are
//! ControllerRevisions (`revisions`); the status counts nodes, as upstream's
//! `updateDaemonSetStatus`.

pub mod eligibility;
pub mod predicates;
pub mod revisions;
pub mod template;

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Value, json};

use super::replicaset::{is_available, ready_since};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::parse_rfc3339;
use crate::world::events::Source;
use crate::world::store::Queue;

fn source() -> Source {
    Source::component("daemonset-controller")
}

/// Syncs the DaemonSets on the work queue.
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::DaemonSets, sync);
}

fn hash_of(pod: &Value) -> String {
    meta::labels(pod)
        .get("controller-revision-hash")
        .cloned()
        .unwrap_or_default()
}

/// The node a daemon pod is on, or pinned to while unscheduled.
fn node_of(pod: &Value) -> Option<String> {
    if let Some(n) = meta::str_at(pod, &["spec", "nodeName"]) {
        return Some(n.to_string());
    }
    let terms = meta::path(
        pod,
        &[
            "spec",
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )?
    .as_array()?;
    terms.iter().find_map(|t| {
        t.get("matchFields")?.as_array()?.iter().find_map(|f| {
            (f.get("key")?.as_str()? == "metadata.name").then(|| {
                f.get("values")?
                    .as_array()?
                    .first()?
                    .as_str()
                    .map(str::to_string)
            })?
        })
    })
}

fn created_at(p: &Value) -> i64 {
    meta::str_at(p, &["metadata", "creationTimestamp"])
        .and_then(parse_rfc3339)
        .unwrap_or(0)
}

fn delete_pod(world: &mut World, ds: &Value, pod: &Value) {
    super::delete_owned_pod(world, ds, pod, &source());
}

fn create_pod(world: &mut World, ds: &Value, node: &str, hash: &str) {
    match world.create_internal(template::new_pod(ds, node, hash)) {
        Ok(p) => {
            let name = meta::name(&p).to_string();
            world.record_event(
                ds,
                None,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                &source(),
            );
        }
        Err(e) => world.record_event(
            ds,
            None,
            "Warning",
            "FailedCreate",
            &format!("Error creating: {}", e.message),
            &source(),
        ),
    }
}

/// What the controller knows of one node.
struct NodeView {
    should_run: bool,
    keep_running: bool,
    /// Daemon pods on the node, oldest first (those being deleted included), shared with the
    /// store.
    pods: Vec<Rc<Value>>,
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let (Some(ds_kind), Some(pod_kind)) = (kinds::by_kind("DaemonSet"), kinds::by_kind("Pod"))
    else {
        return;
    };
    let Some(ds) = world.store.get(ds_kind, ns, name).cloned() else {
        world.daemon_nodes.forget(ns, name);
        return;
    };
    if meta::is_deleting(&ds) {
        return;
    }
    let Some(hash) = revisions::ensure_current(world, &ds) else {
        return;
    };
    let now = world.now();
    let min_ready = meta::int_at(&ds, &["spec", "minReadySeconds"]).unwrap_or(0);
    let uid = meta::uid(&ds).to_string();
    let base_spec = template::with_tolerations(
        meta::path(&ds, &["spec", "template", "spec"]).unwrap_or(&json!({})),
    );
    let eligible = eligibility::nodes(world, &ds, &base_spec);
    let mut view: BTreeMap<String, NodeView> = eligible
        .nodes
        .iter()
        .map(|(node, a)| {
            let v = NodeView {
                should_run: a.should_run,
                keep_running: a.keep_running,
                pods: Vec::new(),
            };
            (node.clone(), v)
        })
        .collect();
    let mut owned: Vec<Rc<Value>> = world
        .store
        .dependents_iter(&uid)
        .filter(|r| r.0 == "pods")
        .filter_map(|r| world.store.get_shared(pod_kind, &r.1, &r.2))
        .filter(|p| meta::controller_uid(p) == Some(uid.as_str()))
        .collect();
    owned.sort_by(|a, b| {
        created_at(a)
            .cmp(&created_at(b))
            .then_with(|| meta::name(a).cmp(meta::name(b)))
    });
    let mut orphans_of_gone_nodes = Vec::new();
    for p in owned {
        match node_of(&p).and_then(|n| view.get_mut(&n)) {
            Some(v) => v.pods.push(p),
            None => orphans_of_gone_nodes.push(p),
        }
    }
    for p in &orphans_of_gone_nodes {
        if !meta::is_deleting(p) {
            delete_pod(world, &ds, p);
        }
    }

    let surge_allowed = {
        let desired = view.values().filter(|v| v.should_run).count() as i64;
        let rolling = meta::str_at(&ds, &["spec", "updateStrategy", "type"])
            .unwrap_or("RollingUpdate")
            == "RollingUpdate";
        let ru = meta::path(&ds, &["spec", "updateStrategy", "rollingUpdate"]);
        let surge = meta::scaled_int_or_percent(ru.and_then(|r| r.get("maxSurge")), desired, true)
            .unwrap_or(0);
        rolling && surge > 0
    };

    // manage: create, kill failed pods, remove extras and pods on nodes that no longer qualify.
    for (node, v) in &view {
        let live: Vec<&Value> = v
            .pods
            .iter()
            .map(|p| &**p)
            .filter(|p| !meta::is_deleting(p))
            .collect();
        if v.should_run && v.pods.is_empty() {
            create_pod(world, &ds, node, &hash);
            continue;
        }
        if v.keep_running {
            let mut running: Vec<&Value> = Vec::new();
            for p in live {
                if meta::str_at(p, &["status", "phase"]) == Some("Failed") {
                    world.record_event(
                        &ds,
                        None,
                        "Warning",
                        "FailedDaemonPod",
                        &format!(
                            "Found failed daemon pod {}/{} on node {node}, will try to kill it",
                            meta::namespace(p),
                            meta::name(p)
                        ),
                        &source(),
                    );
                    delete_pod(world, &ds, p);
                } else if meta::str_at(p, &["status", "phase"]) == Some("Succeeded") {
                    delete_pod(world, &ds, p);
                } else {
                    running.push(p);
                }
            }
            // More than one pod: keep the oldest (with surge, the oldest old and newest new).
            if running.len() > 1 {
                let keep: Vec<&Value> = if surge_allowed {
                    let old = running.iter().find(|p| hash_of(p) != hash).copied();
                    let new = running.iter().rev().find(|p| hash_of(p) == hash).copied();
                    old.into_iter().chain(new).collect()
                } else {
                    vec![running[0]]
                };
                for p in running {
                    if !keep.iter().any(|k| meta::name(k) == meta::name(p)) {
                        delete_pod(world, &ds, p);
                    }
                }
            }
        } else {
            for p in live {
                delete_pod(world, &ds, p);
            }
        }
    }

    // Rolling update.
    let strategy =
        meta::str_at(&ds, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate");
    if strategy == "RollingUpdate" {
        rolling_update(world, &ds, &hash, &view, min_ready, now);
    }

    // Status from what is stored now.
    write_status(world, &ds, &hash, min_ready);
    let live: Vec<String> = world
        .store
        .dependents_of(&uid)
        .into_iter()
        .filter(|r| r.0 == "pods")
        .filter_map(|r| world.store.get_ref(&r).map(hash_of))
        .collect();
    revisions::cleanup(world, &ds, &hash, &live);
}

fn rolling_update(
    world: &mut World,
    ds: &Value,
    hash: &str,
    view: &BTreeMap<String, NodeView>,
    min_ready: i64,
    now: i64,
) {
    let desired = view.values().filter(|v| v.should_run).count() as i64;
    let ru = meta::path(ds, &["spec", "updateStrategy", "rollingUpdate"]);
    let max_surge =
        meta::scaled_int_or_percent(ru.and_then(|r| r.get("maxSurge")), desired, true).unwrap_or(0);
    let max_unavailable =
        meta::scaled_int_or_percent(ru.and_then(|r| r.get("maxUnavailable")), desired, true)
            .unwrap_or(if max_surge > 0 { 0 } else { 1 });
    let available = |p: &Value| {
        let ok = is_available(p, min_ready, now);
        if !ok
            && min_ready > 0
            && let Some(t) = ready_since(p)
        {
            return Err(t + min_ready * 1000 + 1);
        }
        Ok(ok)
    };
    let mut wake = None;
    let mut avail = |p: &Value| match available(p) {
        Ok(b) => b,
        Err(at) => {
            wake = Some(wake.map_or(at, |w: i64| w.min(at)));
            false
        }
    };
    // (old pod, new pod) per node that should run and has pods.
    let mut pairs: Vec<(&str, Option<&Value>, Option<&Value>)> = Vec::new();
    for (node, v) in view {
        if !v.should_run {
            continue;
        }
        let live: Vec<&Value> = v
            .pods
            .iter()
            .map(|p| &**p)
            .filter(|p| !meta::is_deleting(p))
            .collect();
        if live.is_empty() {
            continue;
        }
        let new = live.iter().find(|p| hash_of(p) == hash).copied();
        let old = live.iter().find(|p| hash_of(p) != hash).copied();
        pairs.push((node.as_str(), old, new));
    }
    if max_surge == 0 {
        let mut unavailable = 0;
        let mut must = Vec::new();
        let mut candidates = Vec::new();
        // Nodes that should run but have no pod yet count as unavailable.
        unavailable += view
            .values()
            .filter(|v| v.should_run && v.pods.iter().all(|p| meta::is_deleting(p)))
            .count() as i64;
        for (_, old, new) in &pairs {
            match (old, new) {
                (None, Some(n)) if !avail(n) => unavailable += 1,
                (Some(o), None) => {
                    if !avail(o) {
                        must.push(*o);
                    } else {
                        candidates.push(*o);
                    }
                }
                _ => {}
            }
        }
        let room = (max_unavailable - unavailable).clamp(0, candidates.len() as i64) as usize;
        for p in must.into_iter().chain(candidates.into_iter().take(room)) {
            delete_pod(world, ds, p);
        }
    } else {
        let mut surging = pairs
            .iter()
            .filter(|(_, o, n)| o.is_some() && n.is_some())
            .count() as i64;
        for (node, old, new) in &pairs {
            match (old, new) {
                (Some(o), None) => {
                    if !avail(o) {
                        create_pod(world, ds, node, hash);
                    } else if surging < max_surge {
                        surging += 1;
                        create_pod(world, ds, node, hash);
                    }
                }
                (Some(o), Some(n)) if avail(n) => delete_pod(world, ds, o),
                _ => {}
            }
        }
    }
    if let Some(at) = wake {
        world.requeue_at(Queue::DaemonSets, meta::namespace(ds), meta::name(ds), at);
    }
}

fn write_status(world: &mut World, ds: &Value, hash: &str, min_ready: i64) {
    let (Some(pod_kind), Some(ds_kind)) = (kinds::by_kind("Pod"), kinds::by_kind("DaemonSet"))
    else {
        return;
    };
    let now = world.now();
    let uid = meta::uid(ds).to_string();
    let mut per_node: BTreeMap<String, Vec<Rc<Value>>> = BTreeMap::new();
    for r in world.store.dependents_iter(&uid) {
        if r.0 != "pods" {
            continue;
        }
        if let Some(p) = world.store.get_shared(pod_kind, &r.1, &r.2)
            && meta::controller_uid(&p) == Some(uid.as_str())
            && !meta::is_deleting(&p)
            && let Some(n) = node_of(&p)
        {
            per_node.entry(n).or_default().push(p);
        }
    }
    let base_spec = template::with_tolerations(
        meta::path(ds, &["spec", "template", "spec"]).unwrap_or(&json!({})),
    );
    let eligible = eligibility::nodes(world, ds, &base_spec);
    let (mut desired, mut current, mut mis, mut ready, mut updated, mut available) =
        (0, 0, 0, 0, 0, 0);
    for (node, a) in &eligible.nodes {
        let should_run = a.should_run;
        let pods = per_node.get_mut(node.as_str());
        if should_run {
            desired += 1;
            if let Some(pods) = pods.filter(|p| !p.is_empty()) {
                current += 1;
                pods.sort_by_key(|p| created_at(p));
                let p = &pods[0];
                let running = meta::str_at(p, &["status", "phase"]) == Some("Running");
                if running && ready_since(p).is_some() {
                    ready += 1;
                    if is_available(p, min_ready, now) {
                        available += 1;
                    }
                }
                if pods.iter().any(|p| hash_of(p) == hash) {
                    updated += 1;
                }
            }
        } else if pods.is_some_and(|p| !p.is_empty()) {
            mis += 1;
        }
    }
    let mut st = serde_json::Map::new();
    st.insert("currentNumberScheduled".into(), json!(current));
    st.insert("desiredNumberScheduled".into(), json!(desired));
    st.insert("numberMisscheduled".into(), json!(mis));
    st.insert("numberReady".into(), json!(ready));
    let mut put = |k: &str, v: i64| {
        if v != 0 {
            st.insert(k.into(), json!(v));
        }
    };
    put(
        "observedGeneration",
        meta::int_at(ds, &["metadata", "generation"]).unwrap_or(0),
    );
    put("updatedNumberScheduled", updated);
    put("numberAvailable", available);
    put("numberUnavailable", desired - available);
    put(
        "collisionCount",
        meta::int_at(ds, &["status", "collisionCount"]).unwrap_or(0),
    );
    let st = Value::Object(st);
    let Some(stored) = world
        .store
        .get(ds_kind, meta::namespace(ds), meta::name(ds))
    else {
        return;
    };
    if stored.get("status") != Some(&st) {
        let mut d = stored.clone();
        d["status"] = st;
        world.write_discard(d);
    }
}
