//! The garbage collector: deletes objects whose owners are all gone (background cascade),
//! drives foreground deletion (`foregroundDeletion` finalizer), and removes objects whose
//! deletion has no finalizers left.

use serde_json::Value;
use std::collections::BTreeSet;

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;

/// One pass over every object.
pub fn run(world: &mut World) {
    let uids: BTreeSet<String> = world
        .store
        .all()
        .map(|(_, o)| meta::uid(o).to_string())
        .collect();
    let mut orphans: Vec<(&'static str, String, String)> = Vec::new();
    let mut finalize: Vec<(&'static str, String, String)> = Vec::new();
    let mut foreground: Vec<(String, &'static str, String, String)> = Vec::new();
    for (plural, o) in world.store.all() {
        let orphaned = meta::path(o, &["metadata", "ownerReferences"])
            .and_then(Value::as_array)
            .is_some_and(|refs| {
                !refs.is_empty()
                    && refs.iter().all(|r| {
                        r.get("uid")
                            .and_then(Value::as_str)
                            .is_none_or(|u| !uids.contains(u))
                    })
            });
        if orphaned && !meta::is_deleting(o) {
            orphans.push((
                plural,
                meta::namespace(o).to_string(),
                meta::name(o).to_string(),
            ));
        }
        if meta::is_deleting(o) && plural != "pods" && plural != "namespaces" {
            let fins: Vec<&str> = meta::path(o, &["metadata", "finalizers"])
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if fins.is_empty() {
                finalize.push((
                    plural,
                    meta::namespace(o).to_string(),
                    meta::name(o).to_string(),
                ));
            } else if fins.contains(&"foregroundDeletion") {
                foreground.push((
                    meta::uid(o).to_string(),
                    plural,
                    meta::namespace(o).to_string(),
                    meta::name(o).to_string(),
                ));
            }
        }
    }
    for (plural, ns, name) in orphans {
        if let Some(k) = kinds::KINDS.iter().find(|k| k.plural == plural) {
            let _ = world.delete_internal(k, &ns, &name);
        }
    }
    for (plural, ns, name) in finalize {
        if let Some(k) = kinds::KINDS.iter().find(|k| k.plural == plural) {
            world.remove_object(k, &ns, &name);
        }
    }
    for (uid, plural, ns, name) in foreground {
        let dependents: Vec<(&'static str, String, String, bool)> = world
            .store
            .all()
            .filter(|(_, o)| meta::owner_uids(o).contains(&uid))
            .map(|(p, o)| {
                (
                    p,
                    meta::namespace(o).to_string(),
                    meta::name(o).to_string(),
                    meta::is_deleting(o),
                )
            })
            .collect();
        if dependents.is_empty() {
            let Some(k) = kinds::KINDS.iter().find(|k| k.plural == plural) else {
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
                if let Some(k) = kinds::KINDS.iter().find(|k| k.plural == p) {
                    let _ = world.delete_foreground_internal(k, &dns, &dname);
                }
            }
        }
    }
}
