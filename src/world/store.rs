//! The object store: API objects keyed by resource, namespace and name, as etcd holds them.
//!
//! The store knows nothing of defaulting, validation or controllers; it only keeps objects,
//! hands out resourceVersions and counts writes so the world knows when controllers must run.

use serde_json::Value;
use std::collections::BTreeMap;

use super::api::kinds::KindInfo;
use super::api::meta;

/// Key of an object within one resource: (namespace, name); namespace is empty when cluster-scoped.
pub type ObjKey = (String, String);

/// All objects of the world.
#[derive(Debug, Clone)]
pub struct Store {
    resources: BTreeMap<&'static str, BTreeMap<ObjKey, Value>>,
    last_rv: u64,
    writes: u64,
    removals: u64,
    deleting_writes: u64,
    kind_writes: BTreeMap<&'static str, u64>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            resources: BTreeMap::new(),
            last_rv: 1000,
            writes: 0,
            removals: 0,
            deleting_writes: 0,
            kind_writes: BTreeMap::new(),
        }
    }
}

impl Store {
    /// Gets an object.
    pub fn get(&self, kind: &KindInfo, ns: &str, name: &str) -> Option<&Value> {
        self.resources
            .get(kind.plural)?
            .get(&(ns.to_string(), name.to_string()))
    }

    /// Whether an object exists.
    pub fn contains(&self, kind: &KindInfo, ns: &str, name: &str) -> bool {
        self.get(kind, ns, name).is_some()
    }

    /// Objects of a kind, optionally within one namespace, in key order (namespace, then name).
    pub fn list<'a>(
        &'a self,
        kind: &KindInfo,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Value> + 'a {
        self.resources
            .get(kind.plural)
            .into_iter()
            .flat_map(|m| m.iter())
            .filter(move |((o_ns, _), _)| ns.is_none_or(|n| n == o_ns))
            .map(|(_, v)| v)
    }

    /// Number of objects of a kind.
    pub fn count(&self, kind: &KindInfo) -> usize {
        self.resources.get(kind.plural).map_or(0, BTreeMap::len)
    }

    /// Writes an object (create or replace), stamping a new `metadata.resourceVersion`.
    /// Returns the stored copy.
    pub fn put(&mut self, kind: &KindInfo, mut obj: Value) -> &Value {
        self.last_rv += 1;
        self.writes += 1;
        *self.kind_writes.entry(kind.plural).or_default() += 1;
        if meta::is_deleting(&obj) {
            self.deleting_writes += 1;
        }
        meta::set_path(
            &mut obj,
            &["metadata", "resourceVersion"],
            Value::String(self.last_rv.to_string()),
        );
        let key = (
            meta::namespace(&obj).to_string(),
            meta::name(&obj).to_string(),
        );
        let map = self.resources.entry(kind.plural).or_default();
        match map.entry(key) {
            std::collections::btree_map::Entry::Occupied(mut e) => {
                e.insert(obj);
                e.into_mut()
            }
            std::collections::btree_map::Entry::Vacant(e) => e.insert(obj),
        }
    }

    /// Removes an object, returning it.
    pub fn remove(&mut self, kind: &KindInfo, ns: &str, name: &str) -> Option<Value> {
        let removed = self
            .resources
            .get_mut(kind.plural)?
            .remove(&(ns.to_string(), name.to_string()));
        if removed.is_some() {
            self.writes += 1;
            self.removals += 1;
            *self.kind_writes.entry(kind.plural).or_default() += 1;
        }
        removed
    }

    /// Number of writes so far: changes when anything was created, updated or removed.
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// Number of removals so far.
    pub fn removals(&self) -> u64 {
        self.removals
    }

    /// Number of writes of objects marked for deletion so far.
    pub fn deleting_writes(&self) -> u64 {
        self.deleting_writes
    }

    /// Number of writes to objects of `plural` so far.
    pub fn kind_writes(&self, plural: &str) -> u64 {
        self.kind_writes.get(plural).copied().unwrap_or(0)
    }

    /// The newest resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.last_rv
    }

    /// Every (resource plural, object) pair, for garbage collection scans.
    pub fn all(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.resources
            .iter()
            .flat_map(|(k, m)| m.values().map(move |v| (*k, v)))
    }
}
