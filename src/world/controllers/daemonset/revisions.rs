//! A DaemonSet's ControllerRevisions (`constructHistory`, `cleanupHistory` in
//! `k/k pkg/controller/daemon/update.go`): the revision of the current template is named
//! `<ds>-<hash>` with the template's `ComputeHash` (FNV-1a, with the collision count) and
//! labelled `controller-revision-hash`; an equal older revision is renumbered to the newest;
//! revisions no pod uses beyond `revisionHistoryLimit` are deleted, oldest first.

use serde_json::{Value, json};

use super::super::deployment::util::compute_hash;
use super::super::statefulset::revisions::{owned, patch_of};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;

/// The hash of the DaemonSet's current template.
pub fn current_hash(ds: &Value) -> String {
    let tpl = meta::path(ds, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    compute_hash(&tpl, meta::int_at(ds, &["status", "collisionCount"]))
}

/// Finds or creates the revision of the current template; returns its hash.
pub fn ensure_current(world: &mut World, ds: &Value) -> Option<String> {
    let revs = owned(world, ds);
    let data = patch_of(ds);
    let max = revs
        .iter()
        .filter_map(|r| meta::int_at(r, &["revision"]))
        .max()
        .unwrap_or(0);
    if let Some(existing) = revs.iter().rev().find(|r| r.get("data") == Some(&data)) {
        let hash = meta::labels(existing)
            .get("controller-revision-hash")
            .cloned()
            .unwrap_or_else(|| current_hash(ds));
        if meta::int_at(existing, &["revision"]).unwrap_or(0) < max {
            let mut e = existing.clone();
            e["revision"] = json!(max + 1);
            world.write_discard(e);
        }
        return Some(hash);
    }
    let hash = current_hash(ds);
    let mut labels = meta::path(ds, &["spec", "template", "metadata", "labels"])
        .cloned()
        .filter(Value::is_object)
        .unwrap_or(json!({}));
    labels["controller-revision-hash"] = json!(hash);
    let rev = json!({
        "apiVersion": "apps/v1",
        "kind": kinds::CONTROLLER_REVISION,
        "metadata": {"name": format!("{}-{hash}", meta::name(ds)), "namespace": meta::namespace(ds),
            "labels": labels, "ownerReferences": [meta::controller_ref(ds)]},
        "data": data,
        "revision": max + 1,
    });
    world.create_internal(rev).ok()?;
    Some(hash)
}

/// Deletes revisions no live pod uses beyond the history limit, lowest revision first. `live`
/// lists the revision hashes of the DaemonSet's pods; it is asked only when there are more
/// revisions than the limit.
pub fn cleanup(
    world: &mut World,
    ds: &Value,
    current: &str,
    live: impl FnOnce(&World) -> Vec<String>,
) {
    let limit = meta::int_at(ds, &["spec", "revisionHistoryLimit"]).unwrap_or(10);
    let revs = owned(world, ds);
    if revs.len() as i64 <= limit {
        return;
    }
    let live = live(world);
    let old: Vec<&Value> = revs
        .iter()
        .filter(|r| {
            let h = meta::labels(r)
                .get("controller-revision-hash")
                .cloned()
                .unwrap_or_default();
            h != current && !live.contains(&h)
        })
        .collect();
    let excess = old.len() as i64 - limit;
    let Some(k) = kinds::by_kind(kinds::CONTROLLER_REVISION) else {
        return;
    };
    for r in old.into_iter().take(excess.max(0) as usize) {
        world.remove_object(k, meta::namespace(r), meta::name(r));
    }
}
