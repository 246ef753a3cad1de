//! The metadata every kind shares: names, labels, owners, deletion.

use super::{array_of, bool_of, get, map_of, map_str, str_of};
use serde_json::{Map, Value};

/// A read-only view of any object's `metadata`.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    obj: &'a Value,
    md: &'a Value,
}

impl<'a> Meta<'a> {
    /// The metadata of `obj` (an object without metadata reads as empty).
    pub fn of(obj: &'a Value) -> Self {
        Meta {
            obj,
            md: get(obj, "metadata").unwrap_or(&super::NULL),
        }
    }

    /// The whole object.
    pub fn object(&self) -> &'a Value {
        self.obj
    }

    /// `kind`, empty if absent.
    pub fn kind(&self) -> &'a str {
        str_of(self.obj, "kind").unwrap_or("")
    }

    /// `metadata.name`, empty if absent.
    pub fn name(&self) -> &'a str {
        str_of(self.md, "name").unwrap_or("")
    }

    /// `metadata.namespace`, empty if absent (cluster-scoped objects).
    pub fn namespace(&self) -> &'a str {
        str_of(self.md, "namespace").unwrap_or("")
    }

    /// `metadata.uid`, empty if absent.
    pub fn uid(&self) -> &'a str {
        str_of(self.md, "uid").unwrap_or("")
    }

    /// `metadata.labels`.
    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        map_of(self.md, "labels")
    }

    /// One label.
    pub fn label(&self, key: &str) -> Option<&'a str> {
        map_str(self.labels(), key)
    }

    /// One annotation.
    pub fn annotation(&self, key: &str) -> Option<&'a str> {
        map_str(map_of(self.md, "annotations"), key)
    }

    /// Whether `metadata.deletionTimestamp` is set.
    pub fn is_deleting(&self) -> bool {
        get(self.md, "deletionTimestamp").is_some_and(|v| !v.is_null())
    }

    /// `metadata.ownerReferences`.
    pub fn owners(&self) -> impl Iterator<Item = OwnerRef<'a>> + 'a {
        array_of(self.md, "ownerReferences").iter().map(OwnerRef)
    }

    /// The owner reference with `controller: true`, if any.
    pub fn controller(&self) -> Option<OwnerRef<'a>> {
        self.owners().find(|o| o.is_controller())
    }
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, Copy)]
pub struct OwnerRef<'a>(&'a Value);

impl<'a> OwnerRef<'a> {
    /// `kind`, empty if absent.
    pub fn kind(&self) -> &'a str {
        str_of(self.0, "kind").unwrap_or("")
    }

    /// `name`, empty if absent.
    pub fn name(&self) -> &'a str {
        str_of(self.0, "name").unwrap_or("")
    }

    /// `uid`, empty if absent.
    pub fn uid(&self) -> &'a str {
        str_of(self.0, "uid").unwrap_or("")
    }

    /// `controller`, false if absent.
    pub fn is_controller(&self) -> bool {
        bool_of(self.0, "controller") == Some(true)
    }
}
