//! The taint eviction controller (`pkg/controller/tainteviction`): a pod on a node with a
//! NoExecute taint it does not tolerate is deleted at once; one that tolerates every such
//! taint for a while is deleted when the least of those `tolerationSeconds` has passed since
//! the taint was added (upstream counts from when it saw the taint, the same instant here).
//! Before deleting it adds the `DisruptionTarget` condition (`DeletionByTaintManager`) and
//! records `TaintManagerEviction` (`Marking for deletion Pod NS/NAME`).
//!
//! It runs when nodes or pods were written, or at an eviction instant it asked for; it looks
//! at the pods of the nodes that have NoExecute taints (a scan of the pods, only then).

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta::{self, Field};
use crate::world::clock::{Millis, parse_rfc3339, rfc3339};
use crate::world::events::Source;
use crate::world::nodes::taints;

/// Deletes the pods the NoExecute taints of their nodes no longer let stay.
pub fn run(world: &mut World) {
    let (Some(node_kind), Some(pod_kind)) = (kinds::by_kind("Node"), kinds::by_kind("Pod")) else {
        return;
    };
    let now = world.now();
    // Nodes with NoExecute taints: name → (taints, when the last of them was first seen: its
    // `timeAdded` if it has one, else the instant this controller first saw it).
    let mut seen = std::mem::take(&mut world.taints_seen);
    let mut still: std::collections::BTreeMap<(String, String, String), Millis> =
        Default::default();
    let tainted: Vec<(String, Vec<Value>, Millis)> = world
        .store
        .iter_shared(node_kind)
        .filter_map(|n| {
            let ts: Vec<Value> = taints::of_node(n)
                .iter()
                .filter(|t| t.field("effect").and_then(Value::as_str) == Some("NoExecute"))
                .cloned()
                .collect();
            let mut added = 0;
            for t in &ts {
                let k = (
                    meta::name(n).to_string(),
                    t.field("key")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    t.field("value")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                );
                let at = t
                    .field("timeAdded")
                    .and_then(Value::as_str)
                    .and_then(parse_rfc3339)
                    .or_else(|| seen.remove(&k))
                    .unwrap_or(now);
                still.insert(k, at);
                added = added.max(at);
            }
            (!ts.is_empty()).then(|| (meta::name(n).to_string(), ts, added))
        })
        .collect();
    seen.clear();
    world.taints_seen = still;
    if tainted.is_empty() {
        return;
    }
    let mut doomed: Vec<(String, String)> = Vec::new();
    let mut later: Vec<Millis> = Vec::new();
    for pod in world.store.list(pod_kind, None) {
        let Some(node) = meta::str_at(pod, &["spec", "nodeName"]) else {
            continue;
        };
        let Some((_, ts, added)) = tainted.iter().find(|(n, _, _)| n == node) else {
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
            None => doomed.push((meta::namespace(pod).into(), meta::name(pod).into())),
            Some(None) => {}
            Some(Some(secs)) => {
                let at = added + secs * 1000;
                if at <= now {
                    doomed.push((meta::namespace(pod).into(), meta::name(pod).into()));
                } else {
                    later.push(at);
                }
            }
        }
    }
    for at in later {
        world.resync_at(at);
    }
    for (ns, name) in doomed {
        evict(world, &ns, &name);
    }
}

fn evict(world: &mut World, ns: &str, name: &str) {
    let Some(pod_kind) = kinds::by_kind("Pod") else {
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
