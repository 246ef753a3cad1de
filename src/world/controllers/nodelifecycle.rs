//! The node lifecycle controller's tainting (`pkg/controller/nodelifecycle`,
//! `doNoScheduleTaintingPass` and `doNoExecuteTaintingPass`): a cordoned node
//! (`spec.unschedulable`) gets `node.kubernetes.io/unschedulable:NoSchedule`; a node whose
//! Ready condition is False gets `node.kubernetes.io/not-ready` with the effects NoSchedule and
//! NoExecute, one whose Ready condition is Unknown (the kubelet stopped posting status)
//! `node.kubernetes.io/unreachable`; the taints go when the node is schedulable or Ready again.
//! Taints it adds carry `timeAdded` (`SwapNodeControllerTaint`) and go after the node's others.
//!
//! It looks at the nodes written since its last run (`Queue::NodeLifecycle`, upstream's node
//! handlers): a node nothing wrote keeps the taints its last look gave it.

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta::{self, Field};
use crate::world::clock::rfc3339;
use crate::world::nodes::taints::{self, NOT_READY, UNREACHABLE, UNSCHEDULABLE};
use crate::world::store::Queue;

/// The controller's taints a node should carry: (key, effect).
fn wanted(node: &Value) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if meta::bool_at(node, &["spec", "unschedulable"]) == Some(true) {
        out.push((UNSCHEDULABLE, "NoSchedule"));
    }
    let ready = meta::condition(node, "Ready")
        .and_then(|c| c.field("status"))
        .and_then(Value::as_str);
    let key = match ready {
        Some("False") => Some(NOT_READY),
        Some("Unknown") | None => Some(UNREACHABLE),
        _ => None,
    };
    // The NoExecute taint first: the node health monitor adds it as soon as it sees the
    // condition; the NoSchedule pass follows on the node's update (a real NotReady node
    // lists them in that order).
    if let Some(k) = key {
        out.push((k, "NoExecute"));
        out.push((k, "NoSchedule"));
    }
    out
}

/// Keeps the controller taints of the nodes written since its last run as their spec and
/// conditions say.
pub fn run(world: &mut World) {
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return;
    };
    let nodes: Vec<std::rc::Rc<Value>> = world
        .store
        .take_queued(Queue::NodeLifecycle)
        .into_iter()
        .filter_map(|(_, name)| world.store.get_shared(node_kind, "", &name))
        .collect();
    world.stats.looks += nodes.len() as u64;
    let now = rfc3339(world.now());
    for node in nodes {
        let want = wanted(&node);
        let managed = [UNSCHEDULABLE, NOT_READY, UNREACHABLE];
        let current = taints::of_node(&node);
        let mut next: Vec<Value> = current
            .iter()
            .filter(|t| {
                let key = t.field("key").and_then(Value::as_str).unwrap_or("");
                let effect = t.field("effect").and_then(Value::as_str).unwrap_or("");
                !managed.contains(&key) || want.contains(&(key, effect))
            })
            .cloned()
            .collect();
        for (key, effect) in &want {
            let t = json!({"key": key, "effect": effect});
            if !next.iter().any(|x| taints::same(x, &t)) {
                next.push(json!({"effect": effect, "key": key, "timeAdded": now}));
            }
        }
        if next.as_slice() == current {
            continue;
        }
        let has = |ts: &[Value], key: &str| {
            ts.iter()
                .any(|t| t.field("key").and_then(Value::as_str) == Some(key))
        };
        let name = meta::name(&node).to_string();
        let mut events: Vec<(&str, crate::world::events::Source)> = Vec::new();
        let kubelet = crate::world::events::Source::on_host("kubelet", &name);
        match (has(current, UNSCHEDULABLE), has(&next, UNSCHEDULABLE)) {
            (false, true) => events.push(("NodeNotSchedulable", kubelet.clone())),
            (true, false) => events.push(("NodeSchedulable", kubelet.clone())),
            _ => {}
        }
        let down = |ts: &[Value]| has(ts, NOT_READY) || has(ts, UNREACHABLE);
        match (down(current), down(&next)) {
            (false, true) => events.push((
                "NodeNotReady",
                crate::world::events::Source::component("node-controller"),
            )),
            (true, false) => events.push(("NodeReady", kubelet)),
            _ => {}
        }
        let mut n = (*node).clone();
        drop(node);
        // The events the kubelet (schedulable, ready again) and the node controller (not
        // ready) record: `Node NAME status is now: REASON`.
        for (reason, source) in events {
            world.record_event(
                &n,
                None,
                "Normal",
                reason,
                &format!("Node {name} status is now: {reason}"),
                &source,
            );
        }
        if next.is_empty() {
            meta::remove_path(&mut n, &["spec", "taints"]);
        } else {
            meta::set_path(&mut n, &["spec", "taints"], Value::Array(next));
        }
        world.write_discard(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cordon_and_not_ready_taint_the_node() {
        let mut w = World::new(1);
        let mut n = w.object("Node", "", "worker-1").cloned().unwrap();
        meta::set_path(&mut n, &["spec", "unschedulable"], json!(true));
        w.write(n);
        w.settle();
        let n = w.object("Node", "", "worker-1").unwrap();
        let keys: Vec<&str> = taints::of_node(n)
            .iter()
            .map(|t| t["key"].as_str().unwrap())
            .collect();
        assert_eq!(keys, vec![UNSCHEDULABLE]);
        assert!(taints::of_node(n)[0]["timeAdded"].is_string());
        let mut n = n.clone();
        meta::remove_path(&mut n, &["spec", "unschedulable"]);
        w.write(n);
        w.settle();
        assert!(taints::of_node(w.object("Node", "", "worker-1").unwrap()).is_empty());
    }
}
