//! Discovery entries for custom resources as `&'static KindInfo`, the type every layer passes
//! around for built-in kinds. An entry is made once per distinct set of names (interned for the
//! life of the process, shared by every world and every snapshot), so repeating a CRD's
//! creation costs nothing and the memory kept is bounded by [`MAX_ENTRIES`].

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use crate::world::api::kinds::KindInfo;

/// At most this many distinct custom resource entries per process.
pub const MAX_ENTRIES: usize = 4096;

/// The verbs a custom resource's discovery entry lists (apiextensions-apiserver's
/// discovery controller, `customresource_discovery_controller.go`), in its order, which
/// `kubectl api-resources -o wide` prints as it is.
pub const CUSTOM_VERBS: &[&str] = &[
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "create",
    "update",
    "watch",
];

/// What a custom resource's discovery entry says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Names {
    /// `spec.names.kind`.
    pub kind: String,
    /// `spec.group`.
    pub group: String,
    /// The served version discovery prefers.
    pub version: String,
    /// `spec.names.plural`.
    pub plural: String,
    /// `spec.names.singular`.
    pub singular: String,
    /// `spec.names.shortNames`.
    pub short_names: Vec<String>,
    /// `spec.scope == Namespaced`.
    pub namespaced: bool,
    /// `spec.names.categories`.
    pub categories: Vec<String>,
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_all(v: &[String]) -> &'static [&'static str] {
    Box::leak(
        v.iter()
            .map(|s| leak(s))
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// The process-wide entry for `names`; None once [`MAX_ENTRIES`] distinct entries exist.
pub fn intern(names: &Names) -> Option<&'static KindInfo> {
    static TABLE: OnceLock<Mutex<BTreeMap<Names, &'static KindInfo>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut table = table.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(k) = table.get(names) {
        return Some(k);
    }
    if table.len() >= MAX_ENTRIES {
        return None;
    }
    let info: &'static KindInfo = Box::leak(Box::new(KindInfo {
        kind: leak(&names.kind),
        group: leak(&names.group),
        version: leak(&names.version),
        plural: leak(&names.plural),
        singular: leak(&names.singular),
        short_names: leak_all(&names.short_names),
        namespaced: names.namespaced,
        verbs: CUSTOM_VERBS,
        categories: leak_all(&names.categories),
    }));
    table.insert(names.clone(), info);
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_names_same_entry() {
        let n = Names {
            kind: "CronTab".into(),
            group: "stable.example.com".into(),
            version: "v1".into(),
            plural: "crontabs".into(),
            singular: "crontab".into(),
            short_names: vec!["ct".into()],
            namespaced: true,
            categories: vec![],
        };
        let a = intern(&n).unwrap();
        let b = intern(&n.clone()).unwrap();
        assert!(std::ptr::eq(a, b));
        assert_eq!(a.qualified_plural(), "crontabs.stable.example.com");
        assert_eq!(a.qualified_singular(), "crontab.stable.example.com");
    }
}
