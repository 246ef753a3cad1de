//! The API server's `managedFields` bookkeeping for the world's objects
//! ([`super::api::managed_fields`]): entries of user writes kept beside the objects (by uid) and
//! shown in `metadata.managedFields` when a client asks (`kubectl get --show-managed-fields`),
//! since kubectl hides them otherwise.
//!
//! Objects the components create (a ReplicaSet's pods, nodes, namespaces) are not recorded as
//! they are created, to keep the controllers' hot paths free of it: their creator's entry is
//! derived when shown, from the object as it is then, minus the fields later writers own.

use crate::world::api::kinds;
use serde_json::{Value, json};
use std::rc::Rc;

use super::World;
use super::api::kinds::KindInfo;
use super::api::managed_fields::{self, Entry, FieldSet, Writer};
use super::api::meta;
use super::clock::rfc3339;
use super::requests::has_status_subresource;

/// What is recorded of one object.
#[derive(Debug, Clone, Default)]
pub struct Managed {
    /// Whether a user request created it (otherwise a component did).
    pub created_by_user: bool,
    /// The entries of the user writes, in the order they were first made.
    pub entries: Vec<Entry>,
}

impl World {
    /// Sets the field manager of the following user requests (None: requests that send none).
    pub fn set_field_writer(&mut self, writer: Option<Writer>) {
        self.field_writer = writer;
    }

    /// Records a user write (create when `old` is None) by the current field manager.
    pub(crate) fn record_user_write(&mut self, kind: &KindInfo, old: Option<&Value>, new: &Value) {
        let uid = meta::uid(new);
        if uid.is_empty() {
            return;
        }
        let mut m: Managed = self
            .managed
            .get(uid)
            .map(|e| (**e).clone())
            .unwrap_or_default();
        if old.is_none() {
            m.created_by_user = true;
        }
        let Some(w) = self.field_writer.clone() else {
            if old.is_none() {
                self.managed.insert(uid.to_string(), Rc::new(m));
            }
            return;
        };
        let (changed, removed) =
            managed_fields::changes(kind.kind, old, new, strips_status(kind.kind, old.is_none()));
        let time = rfc3339(self.clock.now());
        managed_fields::record(
            &mut m.entries,
            &w,
            &kind.api_version(),
            &time,
            &changed,
            &removed,
        );
        self.managed.insert(uid.to_string(), Rc::new(m));
    }

    /// Forgets the entries of a removed object.
    pub(crate) fn forget_managed(&mut self, uid: &str) {
        self.managed.remove(uid);
    }

    /// The object with its `metadata.managedFields`: the creator's entry when a component
    /// created it, the recorded entries, and the entries of the components that write its status
    /// and annotations, oldest first.
    pub fn with_managed_fields(&self, obj: &Value) -> Value {
        let recorded = self.managed.get(meta::uid(obj));
        let mut entries: Vec<Entry> = recorded.map(|m| m.entries.clone()).unwrap_or_default();
        let kind = meta::kind(obj);
        if !recorded.is_some_and(|m| m.created_by_user)
            && let Some(c) = creator_entry(kind, obj, &entries)
        {
            entries.insert(0, c);
        }
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

/// Status is reset by the main resource's strategy, except a Node's on create.
fn strips_status(kind: &str, create: bool) -> bool {
    has_status_subresource(kind) && !(create && kind == kinds::NODE)
}

/// The entry of the component that created an object: what the object holds now, as created
/// from the zero value, less the fields the recorded writers own.
fn creator_entry(kind: &str, obj: &Value, recorded: &[Entry]) -> Option<Entry> {
    let manager = match kind {
        kinds::EVENT => return None,
        kinds::NODE => "kubelet",
        kinds::NAMESPACE => "kube-apiserver",
        kinds::SERVICE if meta::name(obj) == "kubernetes" => "kube-apiserver",
        _ => "kube-controller-manager",
    };
    let (mut set, _) = managed_fields::changes(kind, None, obj, strips_status(kind, true));
    let owned: FieldSet = recorded
        .iter()
        .flat_map(|e| e.set.iter().cloned())
        .collect();
    set.retain(|p| !owned.contains(p));
    if set.is_empty() {
        return None;
    }
    Some(Entry {
        manager: manager.to_string(),
        api_version: obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("v1")
            .to_string(),
        time: meta::str_at(obj, &["metadata", "creationTimestamp"])
            .unwrap_or("")
            .to_string(),
        subresource: None,
        set,
    })
}
