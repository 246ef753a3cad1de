//! The object store: API objects keyed by resource, namespace and name, as etcd holds them.
//!
//! The store knows nothing of defaulting, validation or controllers; it only keeps objects,
//! hands out resourceVersions and counts writes so the world knows when controllers must run.

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::api::kinds::KindInfo;
use super::api::meta;

mod counts;
mod queues;
mod slot;
use counts::Counts;
pub use queues::Queue;
use queues::{Change, Queues};
pub use slot::LazyObject;
use slot::Slot;

/// Key of an object within one resource: (namespace, name); namespace is empty when cluster-scoped.
pub type ObjKey = (String, String);

/// An object's place: (resource plural, namespace, name).
pub type ObjRef = (&'static str, String, String);

/// The objects of one resource: namespace ("" when cluster-scoped) -> name -> object.
type Resource = BTreeMap<String, BTreeMap<String, Slot>>;

/// Resources whose objects controllers adopt: the store indexes those without a controller.
const ADOPTABLE: [&str; 2] = ["pods", "replicasets"];

/// Annotations whose objects the store indexes (the image trigger controller's).
const INDEXED_ANNOTATIONS: [&str; 1] = ["image.openshift.io/triggers"];

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
    uids: BTreeMap<String, ObjRef>,
    /// owner uid -> objects whose ownerReferences name it.
    dependents: BTreeMap<String, BTreeSet<ObjRef>>,
    /// Objects of the [`ADOPTABLE`] resources without a controller reference: resource plural
    /// -> (namespace, name).
    uncontrolled: BTreeMap<&'static str, BTreeSet<ObjKey>>,
    /// Pods with no node yet that are not being deleted (the scheduler's queue).
    unscheduled_pods: BTreeSet<ObjKey>,
    /// Pods created or updated (not status writes) since the kubelets last looked: their work
    /// list.
    written_pods: BTreeSet<ObjKey>,
    /// Pods with no node yet written (not status writes) since the scheduler last looked.
    written_unscheduled: BTreeSet<ObjKey>,
    /// Objects marked for deletion (deletionTimestamp set).
    deleting: BTreeSet<ObjRef>,
    /// Objects that may have lost all their owners since the garbage collector last looked.
    maybe_orphans: BTreeSet<ObjRef>,
    /// What the controllers that sync one object at a time have to look at.
    queues: Queues,
    /// Objects carrying one of the [`INDEXED_ANNOTATIONS`]: annotation -> objects.
    annotated: BTreeMap<&'static str, BTreeSet<ObjRef>>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            resources: BTreeMap::new(),
            counts: Counts {
                last_rv: 1000,
                ..Counts::default()
            },
            uids: BTreeMap::new(),
            dependents: BTreeMap::new(),
            uncontrolled: BTreeMap::new(),
            unscheduled_pods: BTreeSet::new(),
            written_pods: BTreeSet::new(),
            written_unscheduled: BTreeSet::new(),
            deleting: BTreeSet::new(),
            maybe_orphans: BTreeSet::new(),
            queues: Queues::default(),
            annotated: BTreeMap::new(),
        }
    }
}

fn owner_uids(obj: &Value) -> Vec<String> {
    meta::path(obj, &["metadata", "ownerReferences"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("uid").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether an object may have no controller: no owner reference with `controller: true` and
/// a uid, or none with a kind, a name and a uid as well (the two readings of `meta` agree on
/// well-formed references; the index holds both, and its readers check with their own).
fn maybe_uncontrolled(obj: &Value) -> bool {
    let Some(refs) = meta::path(obj, &["metadata", "ownerReferences"]).and_then(Value::as_array)
    else {
        return true;
    };
    let is_controller = |r: &&Value| r.get("controller").and_then(Value::as_bool) == Some(true);
    let has = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).is_some();
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
fn is_bound(pod: &Value) -> bool {
    meta::str_at(pod, &["spec", "nodeName"]).is_some()
}

/// Whether a pod's `status.phase` is terminal (it holds nothing on its node any more).
fn is_terminal(phase: Option<&Value>) -> bool {
    matches!(phase.and_then(Value::as_str), Some("Succeeded" | "Failed"))
}

/// What a stored object contributes to the indexes: its uid and the uids it names as owners
/// (none for an unbuilt record, which owns nothing and is not owned).
fn index_keys(slot: &Slot) -> (String, Vec<String>) {
    let owners = if slot.is_unbuilt() {
        Vec::new()
    } else {
        owner_uids(slot.get())
    };
    (slot.uid().to_string(), owners)
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
            .map_or(0, |r| r.values().map(BTreeMap::len).sum())
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
            owners: &owners,
            uncontrolled: was_uncontrolled || uncontrolled,
            removed: false,
        });
        let names = self
            .resources
            .entry(kind.plural)
            .or_default()
            .entry(key.0)
            .or_default();
        match names.entry(key.1) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                e.insert(Slot::ready(Rc::new(obj)));
                e.into_mut().get()
            }
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(Slot::ready(Rc::new(obj))).get()
            }
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
            res.insert(ns.to_string(), BTreeMap::new());
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
    /// namespace, name, uid and ownerReferences alone: only the indexes that follow other
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
        let identity = (meta::uid(obj).to_string(), owner_uids(obj));
        let was_bound = plural == "pods" && is_bound(obj);
        f(obj);
        if was_bound || plural == "pods" && is_bound(obj) {
            self.counts.placements += 1;
        }
        #[cfg(debug_assertions)]
        debug_assert_eq!(
            identity,
            (meta::uid(obj).to_string(), owner_uids(obj)),
            "Store::modify changed an object's uid or owners"
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
        if let Some(obj) = self.slot(plural, ns, name).cloned() {
            self.index_annotations(&r, &obj);
        }
        self.route_in_place(plural, ns, name, &owners);
        self.slot(plural, ns, name)
    }

    /// Routes a write that left an object's owners as they were (see [`Store::route`]).
    fn route_in_place(&mut self, plural: &'static str, ns: &str, name: &str, owners: &[String]) {
        let uncontrolled = self
            .uncontrolled
            .get(plural)
            .is_some_and(|set| set.contains(&(ns.to_string(), name.to_string())));
        self.route(&Change {
            plural,
            ns,
            name,
            owners,
            uncontrolled,
            removed: false,
        });
    }

    /// Takes an object out of the indexes; true if it was indexed as having no controller.
    fn unindex(&mut self, r: &ObjRef, uid: Option<&str>, owners: &[String]) -> bool {
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
        if ADOPTABLE.contains(&r.0) {
            let key = (r.1.clone(), r.2.clone());
            if let Some(set) = self.uncontrolled.get_mut(r.0) {
                was_uncontrolled = set.remove(&key);
            }
            if r.0 == "pods" {
                self.unscheduled_pods.remove(&key);
            }
        }
        self.deleting.remove(r);
        for set in self.annotated.values_mut() {
            set.remove(r);
        }
        was_uncontrolled
    }

    /// Puts an object in the indexes; its owner uids, and whether it is indexed as having no
    /// controller.
    fn index(&mut self, r: &ObjRef, obj: &Value) -> (Vec<String>, bool) {
        let uid = meta::uid(obj);
        if !uid.is_empty() {
            self.uids.insert(uid.to_string(), r.clone());
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
                .insert((r.1.clone(), r.2.clone()));
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
    fn index_annotations(&mut self, r: &ObjRef, obj: &Value) {
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
            .into_iter()
            .flat_map(move |set| set.range((ns.to_string(), String::new())..))
            .take_while(move |(n, _)| n == ns)
            .map(|(_, name)| name.as_str())
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

    /// Pods with no node yet written since the last call (status writes aside), in key order;
    /// some may have a node by now.
    pub fn take_written_unscheduled(&mut self) -> BTreeSet<ObjKey> {
        std::mem::take(&mut self.written_unscheduled)
    }

    /// The first pod with no node (not being deleted) after `after`, in key order.
    pub fn unscheduled_after(&self, after: Option<&ObjKey>) -> Option<&ObjKey> {
        use std::ops::Bound;
        let bound = after.map_or(Bound::Unbounded, Bound::Excluded);
        self.unscheduled_pods
            .range((bound, Bound::Unbounded))
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

    /// Routes a status write (owners unchanged); only the queued resources need the owners.
    /// A pending pod's status is the scheduler's business too.
    fn route_status_write(&mut self, plural: &'static str, ns: &str, name: &str) {
        if !matches!(plural, "deployments" | "replicasets" | "pods") {
            return;
        }
        if plural == "pods" && self.slot(plural, ns, name).is_some_and(|p| !is_bound(p)) {
            let key = (ns.to_string(), name.to_string());
            if self.unscheduled_pods.contains(&key) {
                self.written_unscheduled.insert(key);
            }
        }
        let owners = self
            .slot(plural, ns, name)
            .map(|o| owner_uids(o))
            .unwrap_or_default();
        self.route_in_place(plural, ns, name, &owners);
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
        for d in self.dependents_of(&uid) {
            self.maybe_orphans.insert(d);
        }
        self.counts.removal(kind.plural);
        self.route(&Change {
            plural: kind.plural,
            ns,
            name,
            owners: &owners,
            uncontrolled,
            removed: true,
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
