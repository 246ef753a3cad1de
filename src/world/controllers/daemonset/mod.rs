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
pub mod state;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339};
use crate::world::events::Source;
use crate::world::store::Queue;
use eligibility::{Eligible, NodeAnswer};
use state::DaemonState;

fn source() -> Source {
    Source::component("daemonset-controller")
}

/// Syncs the DaemonSets on the work queue.
pub fn run(world: &mut World) {
    super::sync_queue(world, Queue::DaemonSets, sync);
}

fn hash_of(pod: &Value) -> &str {
    meta::path(pod, &["metadata", "labels", "controller-revision-hash"])
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// The node a daemon pod is on, or pinned to while unscheduled.
fn node_of(pod: &Value) -> Option<String> {
    crate::world::store::daemon_pod_node(pod).map(str::to_string)
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

/// A daemon pod to delete or a node to create one on.
enum Act {
    Create,
    Delete(Rc<Value>),
}

/// Syncs one DaemonSet. It looks again only at the nodes whose daemon pods or node object were
/// written since its last sync (`store::daemon_pods`) and those it acted on then; every node
/// the first time, when the template or the surge mode changed, and with `minReadySeconds`
/// (availability then depends on the clock). Other nodes are as they were, and a pass over
/// them would do nothing: the rolling update picks from the sets of nodes `state` keeps, and
/// the status is written from its totals.
fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(ds_kind) = kinds::by_kind(kinds::DAEMON_SET) else {
        return;
    };
    let Some(ds) = world.store.get(ds_kind, ns, name).cloned() else {
        world.daemon_nodes.forget(ns, name);
        world.daemon_states.take(ns, name);
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
    let old = world.daemon_states.take(ns, name).filter(|s| s.uid == uid);
    let desired = match &old {
        Some(s) if Rc::ptr_eq(&s.eligible, &eligible) => s.totals.desired,
        _ => eligible.nodes.values().filter(|a| a.should_run).count() as i64,
    };
    let rolling = meta::str_at(&ds, &["spec", "updateStrategy", "type"]).unwrap_or("RollingUpdate")
        == "RollingUpdate";
    let ru = meta::path(&ds, &["spec", "updateStrategy", "rollingUpdate"]);
    let max_surge =
        meta::scaled_int_or_percent(ru.and_then(|r| r.get("maxSurge")), desired, true).unwrap_or(0);
    let surge_allowed = rolling && max_surge > 0;
    let dirty = world.store.take_daemon_dirty(&uid);
    let incremental = old.filter(|s| {
        min_ready == 0
            && s.hash == hash
            && s.surge_allowed == surge_allowed
            && s.eligible.spec == base_spec
    });
    let (mut st, visit) = match incremental {
        Some(mut st) => {
            let mut visit = dirty;
            visit.append(&mut st.carry);
            if !Rc::ptr_eq(&st.eligible, &eligible) {
                changed_answers(&st.eligible, &eligible, &mut visit);
                st.eligible = eligible.clone();
            }
            (st, visit)
        }
        None => {
            let mut visit: BTreeSet<String> = eligible.nodes.keys().cloned().collect();
            visit.extend(world.store.daemon_pod_nodes(&uid).map(str::to_string));
            let st = DaemonState::new(&uid, &hash, eligible.clone(), surge_allowed);
            (st, visit)
        }
    };

    // The visited nodes as they are now: their pods, oldest first, and their summaries.
    let mut view: BTreeMap<String, Vec<Rc<Value>>> = BTreeMap::new();
    let mut orphans_of_gone_nodes = Vec::new();
    world.stats.looks += visit.len() as u64;
    for node in visit {
        let pods = state::pods_on(world, &uid, &node);
        let answer = eligible.nodes.get(&node);
        st.set(
            &node,
            answer.map(|a| state::summarize(a, &pods, &hash, min_ready, now)),
        );
        if answer.is_some() {
            view.insert(node, pods);
        } else {
            orphans_of_gone_nodes.extend(pods);
        }
    }
    orphans_of_gone_nodes.sort_by(|a, b| {
        created_at(a)
            .cmp(&created_at(b))
            .then_with(|| meta::name(a).cmp(meta::name(b)))
    });
    let mut acted: BTreeSet<String> = BTreeSet::new();
    for p in &orphans_of_gone_nodes {
        if !meta::is_deleting(p) {
            delete_pod(world, &ds, p);
            acted.insert(node_of(p).unwrap_or_default());
        }
    }

    // manage: create, kill failed pods, remove extras and pods on nodes that no longer qualify.
    for (node, pods) in &view {
        let Some(a) = eligible.nodes.get(node) else {
            continue;
        };
        if manage_node(world, &ds, &hash, node, a, pods, surge_allowed) {
            acted.insert(node.clone());
        }
    }

    if rolling {
        let pods_of = |world: &World, node: &str| match view.get(node) {
            Some(p) => p.clone(),
            None => state::pods_on(world, &uid, node),
        };
        rolling_update(
            world, &ds, &hash, &st, desired, max_surge, min_ready, &pods_of, &mut acted,
        );
    }

    // What this sync wrote, for the status; looked at again by the next sync with what it
    // acted on.
    let written = world.store.take_daemon_dirty(&uid);
    world.stats.looks += written.len() as u64;
    for node in &written {
        let answer = eligible.nodes.get(node);
        let summary = answer.map(|a| {
            let pods = state::pods_on(world, &uid, node);
            state::summarize(a, &pods, &hash, min_ready, now)
        });
        st.set(node, summary);
    }
    st.carry = written;
    st.carry.append(&mut acted);
    write_status(world, &ds, &st.totals);
    world.daemon_states.put(ns, name, st);
    revisions::cleanup(world, &ds, &hash, |world| {
        world
            .store
            .dependents_of(&uid)
            .into_iter()
            .filter(|r| r.0 == "pods")
            .filter_map(|r| world.store.get_ref(&r).map(|p| hash_of(p).to_string()))
            .collect()
    });
}

/// Adds to `visit` the nodes whose answers differ between two looks.
fn changed_answers(old: &Eligible, new: &Eligible, visit: &mut BTreeSet<String>) {
    let answer = |e: &Eligible, n: &str| e.nodes.get(n).map(|a| (a.should_run, a.keep_running));
    for n in old.nodes.keys().chain(new.nodes.keys()) {
        if answer(old, n) != answer(new, n) {
            visit.insert(n.clone());
        }
    }
}

/// Manages one node of the view: creates the pod it lacks, kills failed pods, removes extras
/// and the pods of a node that no longer qualifies. True if it did anything.
fn manage_node(
    world: &mut World,
    ds: &Value,
    hash: &str,
    node: &str,
    a: &NodeAnswer,
    pods: &[Rc<Value>],
    surge_allowed: bool,
) -> bool {
    let live: Vec<&Value> = pods
        .iter()
        .map(|p| &**p)
        .filter(|p| !meta::is_deleting(p))
        .collect();
    if a.should_run && pods.is_empty() {
        create_pod(world, ds, node, hash);
        return true;
    }
    let mut acted = false;
    if a.keep_running {
        let mut running: Vec<&Value> = Vec::new();
        for p in live {
            if meta::str_at(p, &["status", "phase"]) == Some("Failed") {
                world.record_event(
                    ds,
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
                delete_pod(world, ds, p);
                acted = true;
            } else if meta::str_at(p, &["status", "phase"]) == Some("Succeeded") {
                delete_pod(world, ds, p);
                acted = true;
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
                    delete_pod(world, ds, p);
                    acted = true;
                }
            }
        }
    } else {
        for p in live {
            delete_pod(world, ds, p);
            acted = true;
        }
    }
    acted
}

/// The rolling update (`rollingUpdate` of `update.go`) over the nodes as they were when the
/// sync began: with `maxSurge` 0, old pods are deleted within `maxUnavailable` (those not
/// available first); otherwise a new pod is created beside an old one within `maxSurge` (at
/// once where the old one is not available) and the old one deleted once the new one is
/// available.
#[allow(clippy::too_many_arguments)]
fn rolling_update(
    world: &mut World,
    ds: &Value,
    hash: &str,
    st: &DaemonState,
    desired: i64,
    max_surge: i64,
    min_ready: i64,
    pods_of: &dyn Fn(&World, &str) -> Vec<Rc<Value>>,
    acted: &mut BTreeSet<String>,
) {
    let ru = meta::path(ds, &["spec", "updateStrategy", "rollingUpdate"]);
    let max_unavailable =
        meta::scaled_int_or_percent(ru.and_then(|r| r.get("maxUnavailable")), desired, true)
            .unwrap_or(if max_surge > 0 { 0 } else { 1 });
    // The instant a pod weighed and not yet available will be (with `minReadySeconds` every
    // node is summarized at every sync).
    let mut wake: Option<Millis> = None;
    if min_ready > 0 {
        for s in st.summaries().filter(|s| s.should_run()) {
            let weighed = match (s.old, s.new) {
                (None, Some(n)) if max_surge == 0 => Some(n),
                (Some(o), None) => Some(o),
                (Some(_), Some(n)) if max_surge > 0 => Some(n),
                _ => None,
            };
            if let Some(at) = weighed.and_then(|w| w.wake) {
                wake = Some(wake.map_or(at, |w| w.min(at)));
            }
        }
    }
    let mut acts: Vec<(&str, Act)> = Vec::new();
    let old_pod = |world: &World, node: &str| {
        pods_of(world, node)
            .into_iter()
            .find(|p| !meta::is_deleting(p) && hash_of(p) != hash)
    };
    if max_surge == 0 {
        let unavailable = st.totals.no_live + st.totals.new_unavailable;
        let candidates = &st.old_available;
        let room = (max_unavailable - unavailable).clamp(0, candidates.len() as i64) as usize;
        for node in st
            .old_unavailable
            .iter()
            .chain(candidates.iter().take(room))
        {
            if let Some(p) = old_pod(world, node) {
                acts.push((node, Act::Delete(p)));
            }
        }
    } else {
        let k = (max_surge - st.totals.both).max(0) as usize;
        let mut nodes: Vec<(&str, bool)> = st
            .old_unavailable
            .iter()
            .chain(st.old_available.iter().take(k))
            .map(|n| (n.as_str(), true))
            .chain(st.both_new_available.iter().map(|n| (n.as_str(), false)))
            .collect();
        nodes.sort();
        for (node, create) in nodes {
            if create {
                acts.push((node, Act::Create));
            } else if let Some(p) = old_pod(world, node) {
                acts.push((node, Act::Delete(p)));
            }
        }
    }
    for (node, act) in acts {
        match act {
            Act::Create => create_pod(world, ds, node, hash),
            Act::Delete(p) => delete_pod(world, ds, &p),
        }
        acted.insert(node.to_string());
    }
    if let Some(at) = wake {
        world.requeue_at(Queue::DaemonSets, meta::namespace(ds), meta::name(ds), at);
    }
}

fn write_status(world: &mut World, ds: &Value, t: &state::Totals) {
    let Some(ds_kind) = kinds::by_kind(kinds::DAEMON_SET) else {
        return;
    };
    let mut st = serde_json::Map::new();
    st.insert("currentNumberScheduled".into(), json!(t.current));
    st.insert("desiredNumberScheduled".into(), json!(t.desired));
    st.insert("numberMisscheduled".into(), json!(t.mis));
    st.insert("numberReady".into(), json!(t.ready));
    let mut put = |k: &str, v: i64| {
        if v != 0 {
            st.insert(k.into(), json!(v));
        }
    };
    put(
        "observedGeneration",
        meta::int_at(ds, &["metadata", "generation"]).unwrap_or(0),
    );
    put("updatedNumberScheduled", t.updated);
    put("numberAvailable", t.available);
    put("numberUnavailable", t.desired - t.available);
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
