//! The store's indexes: where each uid is, who owns what, adoptable objects without a
//! controller, pods waiting for a node or written since the kubelets and the scheduler last
//! looked, objects being deleted or maybe orphaned, objects carrying watched annotations.
//! Every write keeps them up to date, so that no controller scans everything.

use crate::world::api::meta::Field;
use serde_json::Value;
use std::collections::BTreeSet;

use super::slot::Slot;
use super::{ObjKey, ObjRef, Store};
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;

/// Resources whose objects controllers adopt: the store indexes those without a controller.
pub(super) const ADOPTABLE: [&str; 2] = ["pods", "replicasets"];

/// Annotations whose objects the store indexes (the image trigger controller's).
pub(super) const INDEXED_ANNOTATIONS: [&str; 1] = ["image.openshift.io/triggers"];

/// The uids an object's owner references name, borrowed.
pub(super) fn ref_uids(obj: &Value) -> impl Iterator<Item = &str> {
    meta::path(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.field("uid").and_then(Value::as_str))
}

/// The uids an object's owner references name.
pub(super) fn owner_uids(obj: &Value) -> Vec<String> {
    ref_uids(obj).map(str::to_string).collect()
}

/// Whether an object may have no controller: no owner reference with `controller: true` and
/// a uid, or none with a kind, a name and a uid as well (the two readings of `meta` agree on
/// well-formed references; the index holds both, and its readers check with their own).
pub(super) fn maybe_uncontrolled(obj: &Value) -> bool {
    let Some(refs) = meta::path(obj, &["metadata", "ownerReferences"]).and_then(Value::as_array)
    else {
        return true;
    };
    let is_controller = |r: &&Value| r.field("controller").and_then(Value::as_bool) == Some(true);
    let has = |r: &Value, k: &str| r.field(k).and_then(Value::as_str).is_some();
    let first_has_uid = refs
        .iter()
        .find(is_controller)
        .is_some_and(|r| has(r, "uid"));
    let complete = refs
        .iter()
        .filter(is_controller)
        .any(|r| has(r, "kind") && has(r, "name") && has(r, "uid"));
    !first_has_uid || !complete
}

/// Whether a pod is on a node.
pub(super) fn is_bound(pod: &Value) -> bool {
    meta::str_at(pod, &["spec", "nodeName"]).is_some()
}

/// Whether a pod's `status.phase` is terminal (it holds nothing on its node any more).
pub(super) fn is_terminal(phase: Option<&Value>) -> bool {
    matches!(phase.and_then(Value::as_str), Some("Succeeded" | "Failed"))
}

/// What a stored object contributes to the indexes: its uid and the uids it names as owners
/// (none for an unbuilt record, which owns nothing and is not owned).
pub(super) fn index_keys(slot: &Slot) -> (String, Vec<String>) {
    let owners = if slot.is_unbuilt() {
        Vec::new()
    } else {
        owner_uids(slot.get())
    };
    (slot.uid().to_string(), owners)
}

impl Store {
    /// Takes an object out of the indexes; true if it was indexed as having no controller.
    pub(super) fn unindex(&mut self, r: &ObjRef, uid: Option<&str>, owners: &[String]) -> bool {
        if let Some(u) = uid {
            self.uids.remove(u);
        }
        for o in owners {
            if let Some(set) = self.dependents.get_mut(o) {
                set.remove(r);
                if set.is_empty() {
                    self.dependents.remove(o);
                }
            }
        }
        let mut was_uncontrolled = false;
        if let Some(names) = self
            .uncontrolled
            .get_mut(r.0)
            .and_then(|by_ns| by_ns.get_mut(&r.1))
        {
            was_uncontrolled = names.remove(&r.2);
            if names.is_empty()
                && let Some(by_ns) = self.uncontrolled.get_mut(r.0)
            {
                by_ns.remove(&r.1);
            }
        }
        if r.0 == "pods" {
            self.unscheduled_pods.remove(&(r.1.clone(), r.2.clone()));
        }
        if r.0 == "configmaps" || r.0 == "secrets" {
            self.written_projected.insert((r.1.clone(), r.2.clone()));
        }
        self.deleting.remove(r);
        for set in self.annotated.values_mut() {
            set.remove(r);
        }
        was_uncontrolled
    }

    /// Puts an object in the indexes; its owner uids, and whether it is indexed as having no
    /// controller.
    pub(super) fn index(&mut self, r: &ObjRef, obj: &Value) -> (Vec<String>, bool) {
        let uid = meta::uid(obj);
        if !uid.is_empty() {
            self.uids.insert(uid.to_string(), r.clone());
        }
        if r.0 == "configmaps" || r.0 == "secrets" {
            self.written_projected.insert((r.1.clone(), r.2.clone()));
        }
        let owners = owner_uids(obj);
        if !owners.is_empty() && owners.iter().all(|o| !self.uids.contains_key(o)) {
            self.maybe_orphans.insert(r.clone());
        }
        for o in &owners {
            self.dependents
                .entry(o.clone())
                .or_default()
                .insert(r.clone());
        }
        let uncontrolled = ADOPTABLE.contains(&r.0) && maybe_uncontrolled(obj);
        if uncontrolled {
            self.uncontrolled
                .entry(r.0)
                .or_default()
                .entry(r.1.clone())
                .or_default()
                .insert(r.2.clone());
        }
        if r.0 == "pods" {
            let key = (r.1.clone(), r.2.clone());
            if meta::str_at(obj, &["spec", "nodeName"]).is_none() && !meta::is_deleting(obj) {
                self.unscheduled_pods.insert(key.clone());
                self.written_unscheduled.insert(key.clone());
            }
            self.written_pods.insert(key);
        }
        if meta::is_deleting(obj) {
            self.deleting.insert(r.clone());
        }
        self.index_annotations(r, obj);
        (owners, uncontrolled)
    }

    /// Brings the annotation index up to date for an object.
    pub(super) fn index_annotations(&mut self, r: &ObjRef, obj: &Value) {
        for a in INDEXED_ANNOTATIONS {
            if meta::annotation(obj, a).is_some() {
                self.annotated.entry(a).or_default().insert(r.clone());
            } else if let Some(set) = self.annotated.get_mut(a) {
                set.remove(r);
            }
        }
    }

    /// The objects of a kind that carry an annotation, in key order (namespace, then name).
    pub fn annotated<'a>(
        &'a self,
        annotation: &str,
        kind: &KindInfo,
    ) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        let annotation = annotation.to_string();
        if !INDEXED_ANNOTATIONS.contains(&annotation.as_str()) {
            return Box::new(
                self.list(kind, None)
                    .filter(move |o| meta::annotation(o, &annotation).is_some()),
            );
        }
        let plural = kind.plural;
        Box::new(
            self.annotated
                .get(annotation.as_str())
                .into_iter()
                .flat_map(move |set| set.range((plural, String::new(), String::new())..))
                .take_while(move |r| r.0 == plural)
                .filter_map(|r| self.get_ref(r)),
        )
    }

    /// Objects whose ownerReferences name `owner_uid`.
    pub fn dependents_of(&self, owner_uid: &str) -> Vec<ObjRef> {
        self.dependents_iter(owner_uid).cloned().collect()
    }

    /// Objects whose ownerReferences name `owner_uid`, borrowed (in key order).
    pub fn dependents_iter<'a>(
        &'a self,
        owner_uid: &str,
    ) -> impl Iterator<Item = &'a ObjRef> + use<'a> {
        self.dependents.get(owner_uid).into_iter().flatten()
    }

    /// Names of the objects of an adoptable resource (pods, replicasets) in a namespace that
    /// may have no controller, borrowed (in name order); readers check each one's owner
    /// references themselves.
    pub fn uncontrolled_iter<'a>(
        &'a self,
        plural: &str,
        ns: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.uncontrolled
            .get(plural)
            .and_then(|by_ns| by_ns.get(ns))
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// Whether an object is indexed as maybe having no controller.
    pub(super) fn is_uncontrolled(&self, plural: &str, ns: &str, name: &str) -> bool {
        self.uncontrolled
            .get(plural)
            .and_then(|by_ns| by_ns.get(ns))
            .is_some_and(|names| names.contains(name))
    }

    /// Whether an object with this uid exists.
    pub fn has_uid(&self, uid: &str) -> bool {
        self.uids.contains_key(uid)
    }

    /// Pods with no node yet that are not being deleted: (namespace, name), in key order.
    pub fn unscheduled_pods(&self) -> impl Iterator<Item = &ObjKey> {
        self.unscheduled_pods.iter()
    }

    /// Pods created or updated since the last call (status writes aside): (namespace, name).
    pub fn take_written_pods(&mut self) -> BTreeSet<ObjKey> {
        std::mem::take(&mut self.written_pods)
    }

    /// ConfigMaps and Secrets written or removed since the last call: (namespace, name).
    pub fn take_written_projected(&mut self) -> BTreeSet<ObjKey> {
        std::mem::take(&mut self.written_projected)
    }

    /// Pods with no node yet written since the last call (their status too), in key order;
    /// some may have a node by now.
    pub fn take_written_unscheduled(&mut self) -> BTreeSet<ObjKey> {
        std::mem::take(&mut self.written_unscheduled)
    }

    /// The first pod with no node (not being deleted) after `after`, in key order.
    pub fn unscheduled_after(&self, after: Option<&ObjKey>) -> Option<&ObjKey> {
        use std::ops::Bound;
        let bound: Bound<&ObjKey> = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.unscheduled_pods
            .range::<_, ObjKey>((bound, Bound::Unbounded))
            .next()
    }

    /// Whether a pod has no node yet and is not being deleted.
    pub fn is_unscheduled(&self, key: &ObjKey) -> bool {
        self.unscheduled_pods.contains(key)
    }

    /// Number of changes so far to what pods hold on nodes: pods on a node created, updated
    /// (bound, relabelled, ...), removed, or entering or leaving a terminal phase.
    pub fn placements(&self) -> u64 {
        self.counts.placements
    }

    /// Objects marked for deletion.
    pub fn deleting(&self) -> Vec<ObjRef> {
        self.deleting.iter().cloned().collect()
    }

    /// Whether the garbage collector has objects to look at.
    pub fn has_maybe_orphans(&self) -> bool {
        !self.maybe_orphans.is_empty()
    }

    /// Objects that may have lost every owner since the last call (the garbage collector's
    /// work list).
    pub fn take_maybe_orphans(&mut self) -> Vec<ObjRef> {
        std::mem::take(&mut self.maybe_orphans)
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;
    use serde_json::json;

    /// What pods hold on nodes changes when one is bound, leaves or enters a terminal phase,
    /// or goes; a pending pod written, or a running pod's other status changes, leave it.
    #[test]
    fn placements_count_what_pods_hold_on_nodes() {
        let mut store = Store::default();
        let k = kinds::by_kind("Pod").expect("kind");
        let pod = json!({"kind": "Pod", "metadata": {"name": "p", "namespace": "default",
            "uid": "u-p"}, "spec": {}});
        store.put(k, pod);
        let start = store.placements();
        assert_eq!(store.take_written_unscheduled().len(), 1);
        store.modify(k, "default", "p", |p| p["spec"]["nodeName"] = json!("n1"));
        assert_eq!(store.placements(), start + 1);
        assert!(store.take_written_unscheduled().is_empty());
        store.set_status(k, "default", "p", json!({"phase": "Running"}));
        store.update_status(k, "default", "p", |s| {
            s.insert("podIP".into(), json!("10.0.0.1"));
            true
        });
        assert_eq!(store.placements(), start + 1);
        store.update_status(k, "default", "p", |s| {
            s.insert("phase".into(), json!("Succeeded"));
            true
        });
        assert_eq!(store.placements(), start + 2);
        store.remove(k, "default", "p");
        assert_eq!(store.placements(), start + 3);
    }

    /// Objects carrying a watched annotation are found without a scan, in key order, and
    /// leave the index when the annotation or the object goes.
    #[test]
    fn annotated_objects_are_indexed() {
        let mut store = Store::default();
        let k = kinds::by_kind("Deployment").expect("kind");
        let a = INDEXED_ANNOTATIONS[0];
        for (name, annotated) in [("c", true), ("a", true), ("b", false)] {
            let mut d = json!({"kind": "Deployment", "metadata": {"name": name,
                "namespace": "default", "uid": format!("u-{name}")}});
            if annotated {
                d["metadata"]["annotations"] = json!({a: "[]"});
            }
            store.put(k, d);
        }
        let names = |s: &Store| -> Vec<String> {
            s.annotated(a, k)
                .map(|o| meta::name(o).to_string())
                .collect()
        };
        assert_eq!(names(&store), ["a", "c"]);
        store.modify(k, "default", "c", |d| {
            d["metadata"]
                .as_object_mut()
                .map(|m| m.remove("annotations"));
        });
        store.remove(k, "default", "a");
        assert!(names(&store).is_empty());
    }
}
