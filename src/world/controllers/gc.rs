//! The garbage collector: deletes objects whose owners are all gone (background cascade),
//! drives foreground deletion (`foregroundDeletion` finalizer), and removes objects whose
//! deletion has no finalizers left.

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;

/// One pass over what changed: objects that may have lost their owners, and objects marked for
/// deletion (the store keeps both lists, so the collector never scans every object).
pub fn run(world: &mut World) {
    let mut orphans: Vec<(&'static str, String, String)> = Vec::new();
    let mut finalize: Vec<(&'static str, String, String)> = Vec::new();
    let mut foreground: Vec<(String, &'static str, String, String)> = Vec::new();
    for r in world.store.take_maybe_orphans() {
        let Some(o) = world.store.get_ref(&r) else {
            continue;
        };
        let owners = meta::owner_uids(o);
        let orphaned = !owners.is_empty() && owners.iter().all(|u| !world.store.has_uid(u));
        if orphaned && !meta::is_deleting(o) {
            orphans.push(r);
        }
    }
    for r in world.store.deleting() {
        let (plural, ns, name) = r.clone();
        if plural == "pods" || plural == "namespaces" {
            continue;
        }
        let Some(o) = world.store.get_ref(&r) else {
            continue;
        };
        let fins: Vec<&str> = meta::path(o, &["metadata", "finalizers"])
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if fins.is_empty() {
            finalize.push((plural, ns, name));
        } else if fins.contains(&"foregroundDeletion") {
            foreground.push((meta::uid(o).to_string(), plural, ns, name));
        }
    }
    for (plural, ns, name) in orphans {
        if let Some(k) = world.kind_with_plural(plural) {
            let _ = world.delete_internal(k, &ns, &name);
        }
    }
    for (plural, ns, name) in finalize {
        if let Some(k) = world.kind_with_plural(plural) {
            world.remove_object(k, &ns, &name);
        }
    }
    for (uid, plural, ns, name) in foreground {
        let dependents: Vec<(&'static str, String, String, bool)> = world
            .store
            .dependents_of(&uid)
            .into_iter()
            .filter_map(|r| {
                let deleting = meta::is_deleting(world.store.get_ref(&r)?);
                Some((r.0, r.1, r.2, deleting))
            })
            .collect();
        if dependents.is_empty() {
            let Some(k) = world.kind_with_plural(plural) else {
                continue;
            };
            if let Some(mut o) = world.store.get(k, &ns, &name).cloned() {
                let rest: Vec<Value> = meta::path(&o, &["metadata", "finalizers"])
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter(|f| f.as_str() != Some("foregroundDeletion"))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                if rest.is_empty() {
                    world.remove_object(k, &ns, &name);
                } else {
                    meta::set_path(&mut o, &["metadata", "finalizers"], Value::Array(rest));
                    world.write_discard(o);
                }
            }
        } else {
            for (p, dns, dname, deleting) in dependents {
                if deleting {
                    continue;
                }
                if let Some(k) = world.kind_with_plural(p) {
                    let _ = world.delete_foreground_internal(k, &dns, &dname);
                }
            }
        }
    }
}
