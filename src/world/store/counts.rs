//! The store's counters: resourceVersions handed out and writes counted, so the world knows
//! when controllers must run.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::world::api::meta;

/// What the store counts: the last resourceVersion handed out, and writes (in all, by
/// resource, removals, writes to objects being deleted) so the world knows when controllers
/// must run.
#[derive(Debug, Clone, Default)]
pub(super) struct Counts {
    pub(super) last_rv: u64,
    pub(super) writes: u64,
    pub(super) removals: u64,
    pub(super) deleting_writes: u64,
    pub(super) kind_writes: BTreeMap<&'static str, u64>,
    /// Changes to what pods hold on nodes (see `Store::placements`).
    pub(super) placements: u64,
}

impl Counts {
    /// Counts a write to a resource; returns the object's new resourceVersion.
    pub(super) fn write(&mut self, plural: &'static str, deleting: bool) -> String {
        self.last_rv += 1;
        self.writes += 1;
        *self.kind_writes.entry(plural).or_default() += 1;
        if deleting {
            self.deleting_writes += 1;
        }
        self.last_rv.to_string()
    }

    /// Counts a removal.
    pub(super) fn removal(&mut self, plural: &'static str) {
        self.writes += 1;
        self.removals += 1;
        *self.kind_writes.entry(plural).or_default() += 1;
    }

    /// [`Counts::write`], stamping the new resourceVersion on the object.
    pub(super) fn stamp(&mut self, plural: &'static str, obj: &mut Value) {
        let rv = self.write(plural, meta::is_deleting(obj));
        meta::set_path(obj, &["metadata", "resourceVersion"], Value::String(rv));
    }
}
