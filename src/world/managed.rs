//! The API server's `managedFields` bookkeeping for the world's objects
//! ([`super::api::managed_fields`]): entries kept beside the objects (by uid) and shown in
//! `metadata.managedFields` when a client asks (`kubectl get --show-managed-fields`), since
//! kubectl hides them otherwise.

use serde_json::{Value, json};
use std::rc::Rc;

use super::World;
use super::api::kinds::KindInfo;
use super::api::managed_fields::{self, Entry, Writer};
use super::api::meta;
use super::clock::rfc3339;
use super::requests::has_status_subresource;

impl World {
    /// Sets the field manager of the following user requests (None: requests that send none).
    pub fn set_field_writer(&mut self, writer: Option<Writer>) {
        self.field_writer = writer;
    }

    /// Records a user write (create when `old` is None) by the current field manager.
    pub(crate) fn record_user_write(&mut self, kind: &KindInfo, old: Option<&Value>, new: &Value) {
        if let Some(w) = self.field_writer.clone() {
            self.record_write(kind, old, new, &w);
        }
    }

    /// Records an object created by a controller (pods of a ReplicaSet...), under the
    /// component that creates it.
    pub(crate) fn record_internal_create(&mut self, kind: &KindInfo, new: &Value) {
        let manager = match kind.kind {
            "Event" => return,
            "Node" => "kubelet",
            "Namespace" => "kube-apiserver",
            _ => "kube-controller-manager",
        };
        let w = Writer {
            manager: manager.to_string(),
            subresource: None,
        };
        self.record_write(kind, None, new, &w);
    }

    fn record_write(&mut self, kind: &KindInfo, old: Option<&Value>, new: &Value, w: &Writer) {
        let uid = meta::uid(new);
        if uid.is_empty() {
            return;
        }
        // Status is reset by the main resource's strategy, except a Node's on create.
        let strip_status =
            has_status_subresource(kind.kind) && !(old.is_none() && kind.kind == "Node");
        let (changed, removed) = managed_fields::changes(kind.kind, old, new, strip_status);
        let mut entries: Vec<Entry> = self
            .managed
            .get(uid)
            .map(|e| (**e).clone())
            .unwrap_or_default();
        let time = rfc3339(self.clock.now());
        managed_fields::record(
            &mut entries,
            w,
            &kind.api_version(),
            &time,
            &changed,
            &removed,
        );
        self.managed.insert(uid.to_string(), Rc::new(entries));
    }

    /// Forgets the entries of a removed object.
    pub(crate) fn forget_managed(&mut self, uid: &str) {
        self.managed.remove(uid);
    }

    /// The object with its `metadata.managedFields`: the recorded entries and the status
    /// entry of the component that writes its status, oldest first.
    pub fn with_managed_fields(&self, obj: &Value) -> Value {
        let mut entries: Vec<Entry> = self
            .managed
            .get(meta::uid(obj))
            .map(|e| (**e).clone())
            .unwrap_or_default();
        let kind = meta::kind(obj);
        entries.extend(managed_fields::revision_entry(kind, obj));
        entries.extend(managed_fields::status_entry(kind, obj));
        entries.sort_by(|a, b| a.time.cmp(&b.time));
        let mut out = obj.clone();
        if !entries.is_empty() {
            let list: Vec<Value> = entries.iter().map(managed_fields::entry_json).collect();
            meta::set_path(&mut out, &["metadata", "managedFields"], json!(list));
        }
        out
    }
}
