//! The DaemonSet controller's pod index (upstream's informer indexes by node and owner): the
//! pods that name a DaemonSet as an owner, by (DaemonSet uid, node), and for each DaemonSet
//! the nodes whose daemon pods or whose node object were written since its last sync, so that
//! a sync looks at what changed and not at every node.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::index::ref_uids;
use super::{ObjKey, Store};
use crate::world::api::meta;

/// The node a daemon pod is on, or pinned to while unscheduled (the `metadata.name` match
/// field the controller's template adds); None for a pod with neither.
pub fn daemon_pod_node(pod: &Value) -> Option<&str> {
    if let Some(n) = meta::str_at(pod, &["spec", "nodeName"]) {
        return Some(n);
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
            (f.get("key")?.as_str()? == "metadata.name")
                .then(|| f.get("values")?.as_array()?.first()?.as_str())?
        })
    })
}

/// The index. Persistent maps: a snapshot of the world shares them.
#[derive(Debug, Clone, Default)]
pub(super) struct DaemonPods {
    /// DaemonSet uid -> node ("" for a pod with none) -> pods naming it as an owner.
    by_owner: imbl::OrdMap<String, imbl::OrdMap<String, imbl::OrdSet<ObjKey>>>,
    /// Pod -> the (DaemonSet uid, node) places it is indexed under.
    placed: imbl::OrdMap<ObjKey, Vec<(String, String)>>,
    /// DaemonSet uid -> nodes written since its last look (a pod of it there, or the node).
    dirty: BTreeMap<String, BTreeSet<String>>,
}

impl DaemonPods {
    /// Takes a pod out of the index; the places it was under.
    fn unplace(&mut self, key: &ObjKey) -> Vec<(String, String)> {
        let places = self.placed.remove(key).unwrap_or_default();
        for (uid, node) in &places {
            if let Some(nodes) = self.by_owner.get_mut(uid) {
                if let Some(pods) = nodes.get_mut(node) {
                    pods.remove(key);
                    if pods.is_empty() {
                        nodes.remove(node);
                    }
                }
                if nodes.is_empty() {
                    self.by_owner.remove(uid);
                }
            }
        }
        places
    }
}

impl Store {
    /// Brings the index up to date for a pod written (`pod` as now stored) or removed (None).
    pub(super) fn track_daemon_pod(&mut self, ns: &str, name: &str, pod: Option<&Value>) {
        let key = (ns.to_string(), name.to_string());
        for (uid, node) in self.daemon_pods.unplace(&key) {
            // A DaemonSet gone has nothing to look at any more.
            if self.uids.contains_key(&uid) {
                self.daemon_pods.dirty.entry(uid).or_default().insert(node);
            }
        }
        let Some(pod) = pod else {
            return;
        };
        let node = daemon_pod_node(pod).unwrap_or("");
        let places: Vec<(String, String)> = ref_uids(pod)
            .filter(|u| self.uids.get(*u).is_some_and(|r| r.0 == "daemonsets"))
            .map(|u| (u.to_string(), node.to_string()))
            .collect();
        if places.is_empty() {
            return;
        }
        let index = &mut self.daemon_pods;
        for (uid, node) in &places {
            index
                .by_owner
                .entry(uid.clone())
                .or_default()
                .entry(node.clone())
                .or_default()
                .insert(key.clone());
            index
                .dirty
                .entry(uid.clone())
                .or_default()
                .insert(node.clone());
        }
        index.placed.insert(key, places);
    }

    /// Marks a node written for every DaemonSet.
    pub(super) fn track_daemon_node(&mut self, node: &str) {
        let Some(by_ns) = self.resources.get("daemonsets") else {
            return;
        };
        for names in by_ns.values() {
            for slot in names.values() {
                self.daemon_pods
                    .dirty
                    .entry(slot.uid().to_string())
                    .or_default()
                    .insert(node.to_string());
            }
        }
    }

    /// Forgets what was noted for a DaemonSet removed.
    pub(super) fn forget_daemonset(&mut self, uid: &str) {
        self.daemon_pods.dirty.remove(uid);
    }

    /// The pods naming DaemonSet `uid` as an owner on `node` ("" for those with no node), in
    /// key order.
    pub fn daemon_pods_on<'a>(
        &'a self,
        uid: &str,
        node: &str,
    ) -> impl Iterator<Item = &'a ObjKey> + use<'a> {
        self.daemon_pods
            .by_owner
            .get(uid)
            .and_then(|nodes| nodes.get(node))
            .into_iter()
            .flatten()
    }

    /// The nodes where pods naming DaemonSet `uid` as an owner are ("" for those with none).
    pub fn daemon_pod_nodes<'a>(&'a self, uid: &str) -> impl Iterator<Item = &'a str> + use<'a> {
        self.daemon_pods
            .by_owner
            .get(uid)
            .into_iter()
            .flat_map(|nodes| nodes.keys())
            .map(String::as_str)
    }

    /// The nodes written for DaemonSet `uid` since the last call (its pods there, or the node).
    pub fn take_daemon_dirty(&mut self, uid: &str) -> BTreeSet<String> {
        self.daemon_pods.dirty.remove(uid).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;
    use serde_json::json;

    fn pod(name: &str, owner: &str, node: Option<&str>) -> Value {
        let mut p = json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default",
            "uid": format!("u-{name}"), "ownerReferences": [{"kind": "DaemonSet", "name": "ds",
            "uid": owner, "controller": true}]}, "spec": {}});
        if let Some(n) = node {
            p["spec"]["nodeName"] = json!(n);
        }
        p
    }

    /// Pods are found by (DaemonSet, node); writes, moves and removals mark the nodes they
    /// concern, and node writes mark the node for every DaemonSet.
    #[test]
    fn daemon_pods_are_indexed_by_owner_and_node() {
        let mut store = Store::default();
        let ds = kinds::by_kind("DaemonSet").expect("kind");
        let pk = kinds::by_kind("Pod").expect("kind");
        store.put(
            ds,
            json!({"kind": "DaemonSet", "metadata": {"name": "ds", "namespace": "default",
                "uid": "u-ds"}}),
        );
        store.take_daemon_dirty("u-ds");
        store.put(pk, pod("a", "u-ds", None));
        store.put(pk, pod("b", "u-ds", Some("n1")));
        store.put(pk, pod("c", "u-other", Some("n1")));
        let on = |s: &Store, n: &str| -> Vec<String> {
            s.daemon_pods_on("u-ds", n).map(|k| k.1.clone()).collect()
        };
        assert_eq!(on(&store, "n1"), ["b"]);
        assert_eq!(on(&store, ""), ["a"]);
        assert_eq!(
            store.take_daemon_dirty("u-ds"),
            BTreeSet::from(["".to_string(), "n1".to_string()])
        );
        store.modify(pk, "default", "a", |p| p["spec"]["nodeName"] = json!("n2"));
        assert_eq!(on(&store, "n2"), ["a"]);
        assert!(on(&store, "").is_empty());
        assert_eq!(
            store.take_daemon_dirty("u-ds"),
            BTreeSet::from(["".to_string(), "n2".to_string()])
        );
        store.remove(pk, "default", "b");
        assert!(on(&store, "n1").is_empty());
        let nk = kinds::by_kind("Node").expect("kind");
        store.put(
            nk,
            json!({"kind": "Node", "metadata": {"name": "n3", "uid": "u-n3"}}),
        );
        assert_eq!(
            store.take_daemon_dirty("u-ds"),
            BTreeSet::from(["n1".to_string(), "n3".to_string()])
        );
        assert_eq!(store.daemon_pod_nodes("u-ds").collect::<Vec<_>>(), ["n2"]);
    }
}
