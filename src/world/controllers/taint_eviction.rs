//! The taint eviction controller (`pkg/controller/tainteviction`): a pod on a node with a
//! NoExecute taint it does not tolerate is deleted at once; one that tolerates every such
//! taint for a while is deleted when the least of those `tolerationSeconds` has passed since
//! the taint was added (upstream counts from when it saw the taint, the same instant here).
//! Before deleting it adds the `DisruptionTarget` condition (`DeletionByTaintManager`) and
//! records `TaintManagerEviction` (`Marking for deletion Pod NS/NAME`).
//!
//! It runs when nodes or pods were written, or at an eviction instant it asked for, and looks
//! at what changed (upstream's node and pod handlers feeding its queues): the nodes written
//! since its last run (`Queue::TaintNodes`), whose NoExecute taints it remembers; when those
//! changed, the pods on that node; the pods on a node written since (`Queue::TaintPods`); and
//! the pods whose eviction instant has come.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta::{self, Field};
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;
use crate::world::nodes::taints;
use crate::world::store::{ObjKey, Queue};

/// What the controller remembers between runs.
#[derive(Debug, Clone, Default)]
pub struct TaintState {
    /// When each NoExecute taint (node, key, value) was first seen: its `timeAdded` if it has
    /// one, else the instant this controller first saw it.
    seen: BTreeMap<(String, String, String), Millis>,
    /// Nodes with NoExecute taints: name -> (those taints, when the last of them was seen).
    tainted: BTreeMap<String, (Vec<Value>, Millis)>,
    /// Pods that tolerate their node's taints for a while, by the instant they stop to.
    pending: BTreeMap<Millis, BTreeSet<ObjKey>>,
}

impl TaintState {
    /// Brings a node's remembered taints up to date; true if they changed.
    fn look_at_node(&mut self, name: &str, node: Option<&Value>, now: Millis) -> bool {
        let start = (name.to_string(), String::new(), String::new());
        let old_seen: Vec<(String, String)> = self
            .seen
            .range(start..)
            .take_while(|(k, _)| k.0 == name)
            .map(|(k, _)| (k.1.clone(), k.2.clone()))
            .collect();
        let mut before: BTreeMap<(String, String), Millis> = BTreeMap::new();
        for (key, value) in old_seen {
            let k = (name.to_string(), key, value);
            if let Some(at) = self.seen.remove(&k) {
                before.insert((k.1, k.2), at);
            }
        }
        let ts: Vec<Value> = node
            .map(taints::of_node)
            .unwrap_or(&[])
            .iter()
            .filter(|t| t.field("effect").and_then(Value::as_str) == Some("NoExecute"))
            .cloned()
            .collect();
        let mut added = 0;
        for t in &ts {
            let text = |f: &str| t.field(f).and_then(Value::as_str).unwrap_or("").to_string();
            let (key, value) = (text("key"), text("value"));
            let at = t
                .field("timeAdded")
                .and_then(Value::as_str)
                .and_then(parse_rfc3339)
                .or_else(|| before.remove(&(key.clone(), value.clone())))
                .unwrap_or(now);
            self.seen.insert((name.to_string(), key, value), at);
            added = added.max(at);
        }
        let entry = (!ts.is_empty()).then_some((ts, added));
        let old = match &entry {
            Some(e) => self.tainted.insert(name.to_string(), e.clone()),
            None => self.tainted.remove(name),
        };
        old != entry
    }
}

/// Deletes the pods the NoExecute taints of their nodes no longer let stay.
pub fn run(world: &mut World) {
    let (Some(node_kind), Some(pod_kind)) =
        (kinds::by_kind(kinds::NODE), kinds::by_kind(kinds::POD))
    else {
        return;
    };
    let now = world.now();
    let mut state = std::mem::take(&mut world.taint_eviction);
    // The pods to look at: those written on a node, those whose instant has come, and every
    // pod of a node whose taints changed.
    let mut pods: BTreeSet<ObjKey> = world.store.take_queued(Queue::TaintPods);
    while let Some((&t, _)) = state.pending.first_key_value() {
        if t > now {
            break;
        }
        pods.extend(state.pending.remove(&t).unwrap_or_default());
    }
    let mut changed: BTreeSet<String> = BTreeSet::new();
    for (_, name) in world.store.take_queued(Queue::TaintNodes) {
        world.stats.looks += 1;
        let node = world.store.get(node_kind, "", &name);
        if state.look_at_node(&name, node, now) && state.tainted.contains_key(&name) {
            changed.insert(name);
        }
    }
    if !changed.is_empty() {
        pods.extend(
            world
                .store
                .list(pod_kind, None)
                .filter(|p| {
                    meta::str_at(p, &["spec", "nodeName"]).is_some_and(|n| changed.contains(n))
                })
                .map(|p| (meta::namespace(p).to_string(), meta::name(p).to_string())),
        );
    }
    let mut doomed: Vec<(String, String)> = Vec::new();
    let mut later: Vec<Millis> = Vec::new();
    if !state.tainted.is_empty() {
        world.stats.looks += pods.len() as u64;
        for key in pods {
            let Some(pod) = world.store.get(pod_kind, &key.0, &key.1) else {
                continue;
            };
            let Some(node) = meta::str_at(pod, &["spec", "nodeName"]) else {
                continue;
            };
            let Some((ts, added)) = state.tainted.get(node) else {
                continue;
            };
            if meta::is_deleting(pod)
                || matches!(
                    meta::str_at(pod, &["status", "phase"]),
                    Some("Succeeded" | "Failed")
                )
            {
                continue;
            }
            let refs: Vec<&Value> = ts.iter().collect();
            match taints::min_toleration_seconds(pod, &refs) {
                None => doomed.push(key),
                Some(None) => {}
                Some(Some(secs)) => {
                    let at = added + secs * 1000;
                    if at <= now {
                        doomed.push(key);
                    } else {
                        later.push(at);
                        state.pending.entry(at).or_default().insert(key);
                    }
                }
            }
        }
    }
    world.taint_eviction = state;
    for at in later {
        world.resync_at(at);
    }
    for (ns, name) in doomed {
        evict(world, &ns, &name);
    }
}

fn evict(world: &mut World, ns: &str, name: &str) {
    let Some(pod_kind) = kinds::by_kind(kinds::POD) else {
        return;
    };
    let now = rfc3339(world.now());
    let Some(pod) = world
        .store
        .modify(pod_kind, ns, name, |p| {
            let conds = meta::path_mut(p, &["status", "conditions"]);
            if !conds.is_array() {
                *conds = json!([]);
            }
            if let Some(a) = conds.as_array_mut() {
                a.retain(|c| c.field("type").and_then(Value::as_str) != Some("DisruptionTarget"));
                a.push(json!({"lastProbeTime": null, "lastTransitionTime": now,
                    "message": "Taint manager: deleting due to NoExecute taint",
                    "reason": "DeletionByTaintManager", "status": "True",
                    "type": "DisruptionTarget"}));
            }
        })
        .cloned()
    else {
        return;
    };
    world.record_event(
        &pod,
        None,
        "Normal",
        "TaintManagerEviction",
        &format!("Marking for deletion Pod {ns}/{name}"),
        &Source::component("taint-eviction-controller"),
    );
    let _ = world.delete_internal(pod_kind, ns, name);
}
