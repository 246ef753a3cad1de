//! StatefulSet revisions (`k/k pkg/controller/history`, `stateful_set_utils.go`): the
//! ControllerRevision of a template, its hash (FNV-1 32 over the raw patch and the collision
//! count), and revision numbering (an equal older revision is renumbered to the newest).

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::meta;
use crate::world::seed::{fnv1_32, safe_encode_u32};

/// The raw data of a revision: `{"spec":{"template":{…,"$patch":"replace"}}}`.
pub fn patch_of(set: &Value) -> Value {
    let mut tpl = meta::path(set, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    tpl["$patch"] = json!("replace");
    json!({"spec": {"template": tpl}})
}

/// The hash suffix of a revision of `data` with a collision count.
pub fn hash(data: &Value, collision: i64) -> String {
    let mut bytes = serde_json::to_vec(data).unwrap_or_default();
    bytes.extend_from_slice(collision.to_string().as_bytes());
    safe_encode_u32(fnv1_32(&bytes))
}

/// The revisions owned by a set, lowest revision first.
pub fn owned(world: &World, set: &Value) -> Vec<Value> {
    let uid = meta::uid(set);
    let mut v: Vec<Value> = world
        .object_list(kinds::CONTROLLER_REVISION, meta::namespace(set))
        .filter(|r| meta::controller_of(r).is_some_and(|(_, _, u)| u == uid))
        .cloned()
        .collect();
    v.sort_by_key(|r| {
        (
            meta::int_at(r, &["revision"]).unwrap_or(0),
            meta::name(r).to_string(),
        )
    });
    v
}

/// Finds or creates the revision of the set's current template; returns (update revision
/// object, all revisions after the change).
pub fn ensure_update_revision(
    world: &mut World,
    set: &Value,
    revisions: &[Value],
) -> Option<(Value, Vec<Value>)> {
    let data = patch_of(set);
    let max = revisions
        .iter()
        .filter_map(|r| meta::int_at(r, &["revision"]))
        .max()
        .unwrap_or(0);
    if let Some(existing) = revisions
        .iter()
        .rev()
        .find(|r| r.get("data") == Some(&data))
    {
        let rev = meta::int_at(existing, &["revision"]).unwrap_or(0);
        if rev < max {
            let mut e = existing.clone();
            e["revision"] = json!(max + 1);
            let e = world.write(e);
            return Some((e, owned(world, set)));
        }
        return Some((existing.clone(), revisions.to_vec()));
    }
    let collision = meta::int_at(set, &["status", "collisionCount"]).unwrap_or(0);
    let h = hash(&data, collision);
    let mut labels = meta::path(set, &["spec", "template", "metadata", "labels"])
        .cloned()
        .unwrap_or(json!({}));
    labels["controller.kubernetes.io/hash"] = json!(h);
    let rev = json!({
        "apiVersion": "apps/v1",
        "kind": kinds::CONTROLLER_REVISION,
        "metadata": {"name": format!("{}-{h}", meta::name(set)), "namespace": meta::namespace(set), "labels": labels, "ownerReferences": [meta::controller_ref(set)]},
        "data": data,
        "revision": max + 1,
    });
    let created = world.create_internal(rev).ok()?;
    Some(((*created).clone(), owned(world, set)))
}

/// The set with the template of a revision applied (`ApplyRevision`).
pub fn apply(set: &Value, revision: &Value) -> Value {
    let mut s = set.clone();
    if let Some(tpl) = meta::path(revision, &["data", "spec", "template"]) {
        let mut tpl = tpl.clone();
        if let Some(m) = tpl.as_object_mut() {
            m.remove("$patch");
        }
        s["spec"]["template"] = tpl;
    }
    s
}
