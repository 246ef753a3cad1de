//! Which nodes should run a DaemonSet's pods, remembered between syncs: a node's answer is
//! worked out again only when the node was written since (its resourceVersion moved) or the
//! DaemonSet's pod template changed, so a sync that finds nothing new on 1,000 nodes compares
//! 1,000 resourceVersions instead of matching the template against every node.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;

use super::{predicates, template};
use crate::world::World;
use crate::world::api::{kinds, meta};

/// (should run, should continue running) of one node, with the node's resourceVersion it was
/// worked out for.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeAnswer {
    rv: String,
    pub should_run: bool,
    pub keep_running: bool,
}

/// The answers of every node for one DaemonSet's pod spec (tolerations added), by node name.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligible {
    uid: String,
    /// The pod spec (tolerations added) the answers are for.
    pub spec: Value,
    /// The store's count of node writes when the answers were worked out: unchanged, every
    /// answer holds without a look at the nodes.
    node_writes: u64,
    pub nodes: BTreeMap<String, NodeAnswer>,
}

/// The answers by DaemonSet (namespace, name); persistent, so that a snapshot of the world
/// shares them.
#[derive(Debug, Clone, Default)]
pub struct EligibilityMemo(imbl::OrdMap<(String, String), Rc<Eligible>>);

impl EligibilityMemo {
    /// Forgets a DaemonSet that is gone.
    pub fn forget(&mut self, ns: &str, name: &str) {
        self.0.remove(&(ns.to_string(), name.to_string()));
    }
}

/// Whether a node should run the daemon pod (and keep one running): the pod as the
/// controller makes it for that node. Pinning only matters when the template has required
/// node affinity terms of its own (their `matchFields` are replaced); without them the pinned
/// term matches its node, so the spec is checked as it is, without a copy per node.
fn answer(base_spec: &Value, node: &Value) -> (bool, bool) {
    let has_terms = meta::path(
        base_spec,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    )
    .and_then(Value::as_array)
    .is_some_and(|a| !a.is_empty());
    if !has_terms {
        return predicates::node_should_run(base_spec, node);
    }
    let mut spec = base_spec.clone();
    template::pin_to_node(&mut spec, meta::name(node));
    predicates::node_should_run(&spec, node)
}

/// Every node's answer for a DaemonSet whose pod spec (tolerations added) is `base_spec`, in
/// node name order; only the nodes written since the last look are matched again.
pub fn nodes(world: &mut World, ds: &Value, base_spec: &Value) -> Rc<Eligible> {
    let key = (meta::namespace(ds).to_string(), meta::name(ds).to_string());
    let uid = meta::uid(ds);
    let Some(node_kind) = kinds::by_kind(kinds::NODE) else {
        return Rc::new(Eligible {
            uid: uid.to_string(),
            spec: base_spec.clone(),
            node_writes: 0,
            nodes: BTreeMap::new(),
        });
    };
    let old = world
        .daemon_nodes
        .0
        .get(&key)
        .filter(|e| e.uid == uid && e.spec == *base_spec)
        .cloned();
    let node_writes = world.store.kind_writes(node_kind.plural);
    if let Some(old) = &old {
        if old.node_writes == node_writes {
            return old.clone();
        }
        let same = old.nodes.len() == world.store.count(node_kind)
            && world
                .store
                .list(node_kind, None)
                .zip(old.nodes.iter())
                .all(|(n, (name, a))| {
                    meta::name(n) == name
                        && meta::str_at(n, &["metadata", "resourceVersion"]) == Some(a.rv.as_str())
                });
        if same {
            return old.clone();
        }
    }
    let mut nodes = BTreeMap::new();
    for node in world.store.list(node_kind, None) {
        let name = meta::name(node);
        let rv = meta::str_at(node, &["metadata", "resourceVersion"]).unwrap_or("");
        let known = old
            .as_ref()
            .and_then(|o| o.nodes.get(name))
            .filter(|a| a.rv == rv);
        let a = match known {
            Some(a) => a.clone(),
            None => {
                let (should_run, keep_running) = answer(base_spec, node);
                NodeAnswer {
                    rv: rv.to_string(),
                    should_run,
                    keep_running,
                }
            }
        };
        nodes.insert(name.to_string(), a);
    }
    let e = Rc::new(Eligible {
        uid: uid.to_string(),
        spec: base_spec.clone(),
        node_writes,
        nodes,
    });
    world.daemon_nodes.0.insert(key, e.clone());
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The answers follow the nodes: a node written (tainted) is matched again, the others
    /// are kept; a changed template matches every node again.
    #[test]
    fn answers_follow_node_writes_and_the_template() {
        let mut world = World::new(7);
        let ds = json!({"metadata": {"name": "a", "namespace": "default", "uid": "u-a"}});
        let spec = json!({"containers": [{"name": "c", "image": "nginx"}]});
        let first = nodes(&mut world, &ds, &spec);
        assert!(first.nodes.get("worker-1").is_some_and(|a| a.should_run));
        assert!(Rc::ptr_eq(&first, &nodes(&mut world, &ds, &spec)));
        let nk = kinds::by_kind("Node").expect("kind");
        let mut w1 = world.get(nk, "", "worker-1").expect("node");
        w1["spec"]["taints"] = json!([{"key": "k", "effect": "NoExecute"}]);
        world.write(w1);
        let after = nodes(&mut world, &ds, &spec);
        let w1 = &after.nodes["worker-1"];
        assert!(!w1.should_run && !w1.keep_running);
        assert_eq!(after.nodes["worker-2"], first.nodes["worker-2"]);
        let tolerant = json!({"tolerations": [{"operator": "Exists"}]});
        assert!(nodes(&mut world, &ds, &tolerant).nodes["worker-1"].should_run);
    }
}
