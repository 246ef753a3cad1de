//! The object store: API objects keyed by resource, namespace and name, as etcd holds them.
//!
//! The store knows nothing of defaulting, validation or controllers' algorithms; it keeps
//! objects, hands out resourceVersions, counts writes so the world knows when controllers must
//! run, keeps the indexes controllers look things up in (`index`) and routes each write to the
//! work queues of the controllers it concerns (`queues`).

use imbl::{OrdMap, OrdSet};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::api::kinds::KindInfo;
use super::api::meta;

mod budget_queue;
mod counts;
mod daemon_pods;
mod index;
mod queues;
mod slot;
use counts::Counts;
pub use daemon_pods::daemon_pod_node;
use index::{index_keys, is_bound, is_terminal, owner_uids};
pub use queues::Queue;
use queues::{Change, Owners, Queues};
pub use slot::LazyObject;
use slot::Slot;

/// Key of an object within one resource: (namespace, name); namespace is empty when cluster-scoped.
pub type ObjKey = (String, String);

/// An object's place: (resource plural, namespace, name).
pub type ObjRef = (&'static str, String, String);

/// The objects of one resource: namespace ("" when cluster-scoped) -> name -> object. The
/// names are a persistent map (shared nodes, copied on write), so that a snapshot of the world
/// (the command boundary clones it before every input) costs nothing like its size.
type Resource = BTreeMap<String, OrdMap<String, Slot>>;

/// All objects of the world, with the indexes and work queues the controllers need so that
/// they never scan everything.
#[derive(Debug, Clone)]
pub struct Store {
    /// Objects are shared (`Rc`): reading one for a while costs no copy; a write replaces it.
    /// resource plural -> namespace -> name -> object (nested, so that lookups by `&str` never
    /// allocate a key).
    resources: BTreeMap<&'static str, Resource>,
    counts: Counts,
    /// uid -> where the object is.
    uids: OrdMap<String, ObjRef>,
    /// owner uid -> objects whose ownerReferences name it.
    dependents: OrdMap<String, BTreeSet<ObjRef>>,
    /// Objects of the adoptable resources (`index::ADOPTABLE`) that may have no controller
    /// reference: resource plural -> namespace -> names.
    uncontrolled: BTreeMap<&'static str, BTreeMap<String, BTreeSet<String>>>,
    /// Pods with no node yet that are not being deleted (the scheduler's queue).
    unscheduled_pods: OrdSet<ObjKey>,
    /// Pods created or updated (not status writes) since the kubelets last looked: their work
    /// list.
    written_pods: BTreeSet<ObjKey>,
    /// Pods with no node yet written since the scheduler last looked.
    written_unscheduled: BTreeSet<ObjKey>,
    /// ConfigMaps and Secrets written or removed since the kubelets last looked (the volumes
    /// that project them are written again at the pods' next sync).
    written_projected: BTreeSet<ObjKey>,
    /// Objects marked for deletion (deletionTimestamp set).
    deleting: BTreeSet<ObjRef>,
    /// Objects that may have lost all their owners since the garbage collector last looked.
    maybe_orphans: BTreeSet<ObjRef>,
    /// What the controllers that sync one object at a time have to look at.
    queues: Queues,
    /// Objects carrying one of the watched annotations (`index::INDEXED_ANNOTATIONS`):
    /// annotation -> objects.
    annotated: BTreeMap<&'static str, BTreeSet<ObjRef>>,
    /// Daemon pods by DaemonSet and node, and the nodes each DaemonSet has to look at again.
    daemon_pods: daemon_pods::DaemonPods,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            resources: BTreeMap::new(),
            counts: Counts {
                last_rv: 1000,
                ..Counts::default()
            },
            uids: OrdMap::new(),
            dependents: OrdMap::new(),
            uncontrolled: BTreeMap::new(),
            unscheduled_pods: OrdSet::new(),
            written_pods: BTreeSet::new(),
            written_unscheduled: BTreeSet::new(),
            written_projected: BTreeSet::new(),
            deleting: BTreeSet::new(),
            maybe_orphans: BTreeSet::new(),
            queues: Queues::default(),
            annotated: BTreeMap::new(),
            daemon_pods: Default::default(),
        }
    }
}

impl Store {
    /// Gets an object.
    pub fn get(&self, kind: &KindInfo, ns: &str, name: &str) -> Option<&Value> {
        self.slot(kind.plural, ns, name).map(|v| &**v)
    }

    fn slot(&self, plural: &str, ns: &str, name: &str) -> Option<&Rc<Value>> {
        self.resources
            .get(plural)?
            .get(ns)?
            .get(name)
            .map(Slot::get)
    }

    /// The stored handle of an object, built if it was a record, for changing it in place.
    fn slot_mut<'a>(
        resources: &'a mut BTreeMap<&'static str, Resource>,
        plural: &str,
        ns: &str,
        name: &str,
    ) -> Option<&'a mut Rc<Value>> {
        resources
            .get_mut(plural)?
            .get_mut(ns)?
            .get_mut(name)
            .map(Slot::get_mut)
    }

    /// A shared handle on an object: read it while the world changes, without copying it.
    pub fn get_shared(&self, kind: &KindInfo, ns: &str, name: &str) -> Option<Rc<Value>> {
        self.slot(kind.plural, ns, name).cloned()
    }

    /// Whether an object exists.
    pub fn contains(&self, kind: &KindInfo, ns: &str, name: &str) -> bool {
        self.resources
            .get(kind.plural)
            .and_then(|r| r.get(ns))
            .is_some_and(|names| names.contains_key(name))
    }

    /// Objects of a kind, optionally within one namespace, in key order (namespace, then name).
    pub fn list<'a>(
        &'a self,
        kind: &KindInfo,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.slots(kind, ns).map(|v| &**v)
    }

    /// The stored handles of a kind, optionally within one namespace, in key order.
    fn slots<'a>(
        &'a self,
        kind: &KindInfo,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Rc<Value>> + 'a {
        use std::ops::Bound;
        let bound = ns.map_or(Bound::Unbounded, Bound::Included);
        self.resources
            .get(kind.plural)
            .into_iter()
            .flat_map(move |r| r.range::<str, _>((bound, bound)))
            .flat_map(|(_, names)| names.values().map(Slot::get))
    }

    /// Shared handles on the objects of a kind, optionally within one namespace, in key order.
    pub fn list_shared_in<'a>(
        &'a self,
        kind: &KindInfo,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Rc<Value>> + 'a {
        self.slots(kind, ns)
    }

    /// Shared handles on every object of a kind, in key order (namespace, then name).
    pub fn iter_shared<'a>(&'a self, kind: &KindInfo) -> impl Iterator<Item = &'a Rc<Value>> + 'a {
        self.slots(kind, None)
    }

    /// Shared handles on the objects of a kind within one namespace, in name order.
    pub fn list_shared(&self, kind: &KindInfo, ns: &str) -> Vec<Rc<Value>> {
        self.slots(kind, Some(ns)).cloned().collect()
    }

    /// Number of objects stored.
    pub fn len(&self) -> usize {
        self.uids.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.uids.is_empty()
    }

    /// Number of objects of a kind.
    pub fn count(&self, kind: &KindInfo) -> usize {
        self.resources
            .get(kind.plural)
            .map_or(0, |r| r.values().map(OrdMap::len).sum())
    }

    /// Writes an object (create or replace), stamping a new `metadata.resourceVersion`.
    /// Returns the stored copy.
    pub fn put(&mut self, kind: &KindInfo, obj: Value) -> &Value {
        self.put_shared(kind, obj)
    }

    /// [`Store::put`], handing back a shared handle on the stored object.
    pub fn put_shared(&mut self, kind: &KindInfo, mut obj: Value) -> &Rc<Value> {
        self.counts.stamp(kind.plural, &mut obj);
        let key = (
            meta::namespace(&obj).to_string(),
            meta::name(&obj).to_string(),
        );
        let r: ObjRef = (kind.plural, key.0.clone(), key.1.clone());
        let old_slot = self
            .resources
            .get(kind.plural)
            .and_then(|res| res.get(&key.0)?.get(&key.1));
        if kind.plural == "pods"
            && (is_bound(&obj) || old_slot.is_some_and(|o| !o.is_unbuilt() && is_bound(o.get())))
        {
            self.counts.placements += 1;
        }
        // The pod as it was, for the Services that selected it.
        let old_pod = old_slot
            .filter(|o| kind.plural == "pods" && !o.is_unbuilt())
            .map(|o| o.get().clone());
        let old = old_slot.map(index_keys);
        let (mut owners, was_uncontrolled) = match old {
            Some((uid, owners)) => {
                let was = self.unindex(&r, Some(&uid), &owners);
                (owners, was)
            }
            None => (Vec::new(), self.unindex(&r, None, &[])),
        };
        let (new_owners, uncontrolled) = self.index(&r, &obj);
        owners.extend(new_owners);
        self.route(&Change {
            plural: kind.plural,
            ns: &key.0,
            name: &key.1,
            owners: Owners::Listed(&owners),
            uncontrolled: was_uncontrolled || uncontrolled,
            removed: false,
            pods: [old_pod.as_deref(), Some(&obj)],
        });
        let names = self
            .resources
            .entry(kind.plural)
            .or_default()
            .entry(key.0)
            .or_default();
        match names.entry(key.1) {
            imbl::ordmap::Entry::Occupied(mut e) => {
                e.insert(Slot::ready(Rc::new(obj)));
                e.into_mut().get()
            }
            imbl::ordmap::Entry::Vacant(e) => e.insert(Slot::ready(Rc::new(obj))).get(),
        }
    }

    /// [`Store::put`] for an object kept as a typed record until something reads it. `make`
    /// receives the new resourceVersion. Such objects have no owners and are never pods.
    pub fn put_lazy(
        &mut self,
        kind: &KindInfo,
        ns: &str,
        name: &str,
        make: impl FnOnce(String) -> Rc<dyn LazyObject>,
    ) {
        let obj = make(self.counts.write(kind.plural, false));
        let uid = obj.uid().to_string();
        let res = self.resources.entry(kind.plural).or_default();
        if !res.contains_key(ns) {
            res.insert(ns.to_string(), OrdMap::new());
        }
        let old = res
            .get_mut(ns)
            .expect("made just above")
            .insert(name.to_string(), Slot::lazy(obj));
        let r: ObjRef = (kind.plural, ns.to_string(), name.to_string());
        if let Some(old) = old {
            let (old_uid, old_owners) = index_keys(&old);
            self.unindex(&r, Some(&old_uid), &old_owners);
        }
        if !uid.is_empty() {
            self.uids.insert(uid, r);
        }
    }

    /// Changes a stored object in place, with the resourceVersion and index upkeep of
    /// [`Store::put`]. Nothing is copied when no one else holds the object. `f` must leave its
    /// namespace, name, uid, ownerReferences and labels alone: only the indexes that follow other
    /// fields (being deleted, a pod's node) are brought up to date.
    pub fn modify(
        &mut self,
        kind: &KindInfo,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Value),
    ) -> Option<&Rc<Value>> {
        let plural = kind.plural;
        let obj = Rc::make_mut(Self::slot_mut(&mut self.resources, plural, ns, name)?);
        #[cfg(debug_assertions)]
        let identity = (
            meta::uid(obj).to_string(),
            owner_uids(obj),
            meta::path(obj, &["metadata", "labels"]).cloned(),
        );
        let was_bound = plural == "pods" && is_bound(obj);
        f(obj);
        if was_bound || plural == "pods" && is_bound(obj) {
            self.counts.placements += 1;
        }
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            identity,
            (
                meta::uid(obj).to_string(),
                owner_uids(obj),
                meta::path(obj, &["metadata", "labels"]).cloned()
            ),
            "Store::modify changed an object's uid, owners or labels"
        );
        self.counts.stamp(plural, obj);
        let deleting = meta::is_deleting(obj);
        let unscheduled =
            plural == "pods" && meta::str_at(obj, &["spec", "nodeName"]).is_none() && !deleting;
        let owners = owner_uids(obj);
        let r: ObjRef = (plural, ns.to_string(), name.to_string());
        if !owners.is_empty() && owners.iter().all(|o| !self.uids.contains_key(o)) {
            self.maybe_orphans.insert(r.clone());
        }
        if plural == "pods" {
            let key = (r.1.clone(), r.2.clone());
            if unscheduled {
                self.unscheduled_pods.insert(key.clone());
                self.written_unscheduled.insert(key.clone());
            } else {
                self.unscheduled_pods.remove(&key);
            }
            self.written_pods.insert(key);
        }
        if deleting {
            self.deleting.insert(r.clone());
        } else {
            self.deleting.remove(&r);
        }
        // A second handle for a moment: the indexes read the object while they change.
        if let Some(obj) = self.slot(plural, ns, name).cloned() {
            self.index_annotations(&r, &obj);
            self.route_in_place(plural, ns, name, &obj);
        }
        self.slot(plural, ns, name)
    }

    /// Gets an object by its place.
    pub fn get_ref(&self, r: &ObjRef) -> Option<&Value> {
        self.slot(r.0, &r.1, &r.2).map(|v| &**v)
    }

    /// Replaces an object's `status` in place (a status write: no index changes); false when it
    /// was already that status or the object is gone.
    pub fn set_status(&mut self, kind: &KindInfo, ns: &str, name: &str, status: Value) -> bool {
        let Some(shared) = Self::slot_mut(&mut self.resources, kind.plural, ns, name) else {
            return false;
        };
        if shared.get("status") == Some(&status) {
            return false;
        }
        if kind.plural == "pods"
            && is_bound(shared)
            && is_terminal(shared.get("status").and_then(|s| s.get("phase")))
                != is_terminal(status.get("phase"))
        {
            self.counts.placements += 1;
        }
        let obj = Rc::make_mut(shared);
        obj["status"] = status;
        self.counts.stamp(kind.plural, obj);
        self.route_status_write(kind.plural, ns, name);
        true
    }

    /// Changes an object's status in place, as [`Store::set_status`] does, without building a
    /// whole new status: `f` edits the status map and says whether it changed anything. Only a
    /// change counts as a write (new resourceVersion).
    pub fn update_status(
        &mut self,
        kind: &KindInfo,
        ns: &str,
        name: &str,
        f: impl FnOnce(&mut Map<String, Value>) -> bool,
    ) -> bool {
        let Some(shared) = Self::slot_mut(&mut self.resources, kind.plural, ns, name) else {
            return false;
        };
        let obj = Rc::make_mut(shared);
        // Whether the pod is on a node and its phase was terminal: what the scheduler counts.
        let placed = (kind.plural == "pods" && is_bound(obj))
            .then(|| is_terminal(obj.get("status").and_then(|s| s.get("phase"))));
        let Some(fields) = obj.as_object_mut() else {
            return false;
        };
        let status = fields
            .entry("status")
            .or_insert_with(|| Value::Object(Map::new()));
        if !status.is_object() {
            *status = Value::Object(Map::new());
        }
        let Some(map) = status.as_object_mut() else {
            return false;
        };
        if !f(map) {
            if map.is_empty() {
                fields.remove("status");
            }
            return false;
        }
        if placed.is_some_and(|was| was != is_terminal(map.get("phase"))) {
            self.counts.placements += 1;
        }
        self.counts.stamp(kind.plural, obj);
        self.route_status_write(kind.plural, ns, name);
        true
    }

    /// Removes an object, returning it.
    pub fn remove(&mut self, kind: &KindInfo, ns: &str, name: &str) -> Option<Rc<Value>> {
        self.take(kind, ns, name).map(Slot::into_rc)
    }

    /// Removes an object without handing it back (nor building it, if it was never read).
    pub fn discard(&mut self, kind: &KindInfo, ns: &str, name: &str) -> bool {
        self.take(kind, ns, name).is_some()
    }

    /// Takes an object's slot out of the store, with index and counter upkeep.
    fn take(&mut self, kind: &KindInfo, ns: &str, name: &str) -> Option<Slot> {
        let res = self.resources.get_mut(kind.plural)?;
        let names = res.get_mut(ns)?;
        let slot = names.remove(name)?;
        if names.is_empty() {
            res.remove(ns);
        }
        let r: ObjRef = (kind.plural, ns.to_string(), name.to_string());
        if kind.plural == "pods" && !slot.is_unbuilt() && is_bound(slot.get()) {
            self.counts.placements += 1;
        }
        let (uid, owners) = index_keys(&slot);
        let uncontrolled = self.unindex(&r, Some(&uid), &owners);
        if kind.plural == "daemonsets" {
            self.forget_daemonset(&uid);
        }
        for d in self.dependents_of(&uid) {
            self.maybe_orphans.insert(d);
        }
        self.counts.removal(kind.plural);
        self.route(&Change {
            plural: kind.plural,
            ns,
            name,
            owners: Owners::Listed(&owners),
            uncontrolled,
            removed: true,
            pods: [(!slot.is_unbuilt()).then(|| &**slot.get()), None],
        });
        Some(slot)
    }

    /// Number of writes so far: changes when anything was created, updated or removed.
    pub fn writes(&self) -> u64 {
        self.counts.writes
    }

    /// Number of removals so far.
    pub fn removals(&self) -> u64 {
        self.counts.removals
    }

    /// Number of writes of objects marked for deletion so far.
    pub fn deleting_writes(&self) -> u64 {
        self.counts.deleting_writes
    }

    /// Number of writes to objects of `plural` so far.
    pub fn kind_writes(&self, plural: &str) -> u64 {
        self.counts.kind_writes.get(plural).copied().unwrap_or(0)
    }

    /// The newest resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.counts.last_rv
    }

    /// Every (resource plural, object) pair that may name owners, for garbage collection
    /// scans (objects still kept as records have no ownerReferences and are left out).
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.resources.iter().flat_map(|(k, r)| {
            r.values()
                .flat_map(|m| m.values())
                .filter(|s| !s.is_unbuilt())
                .map(move |v| (*k, &**v.get()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::api::kinds;
    use std::cell::Cell;

    struct Counted {
        uid: String,
        rv: String,
        builds: Rc<Cell<u32>>,
    }

    impl LazyObject for Counted {
        fn build(&self) -> Value {
            self.builds.set(self.builds.get() + 1);
            serde_json::json!({"kind": "Event", "metadata": {"name": "e", "namespace": "default",
                "resourceVersion": self.rv, "uid": self.uid}})
        }

        fn uid(&self) -> &str {
            &self.uid
        }
    }

    /// A lazily stored object is built once, on first read, with the resourceVersion the
    /// store gave it; discarding one that was never read does not build it and forgets its uid.
    #[test]
    fn lazy_objects_are_built_once_on_first_read() {
        let builds = Rc::new(Cell::new(0));
        let k = kinds::by_kind("Event").expect("kind");
        let mut store = Store::default();
        for (name, uid) in [("e", "u-1"), ("f", "u-2")] {
            store.put_lazy(k, "default", name, |rv| {
                Rc::new(Counted {
                    uid: uid.into(),
                    rv,
                    builds: builds.clone(),
                })
            });
        }
        assert!(store.contains(k, "default", "e") && store.has_uid("u-1"));
        assert_eq!(builds.get(), 0);
        let e = store.get(k, "default", "e").expect("stored").clone();
        assert_eq!(
            meta::str_at(&e, &["metadata", "resourceVersion"]),
            Some("1001")
        );
        store.get(k, "default", "e");
        assert_eq!(builds.get(), 1);
        assert!(store.discard(k, "default", "f"));
        assert_eq!(builds.get(), 1);
        assert!(!store.contains(k, "default", "f") && !store.has_uid("u-2"));
        assert_eq!(store.count(k), 1);
    }
}
