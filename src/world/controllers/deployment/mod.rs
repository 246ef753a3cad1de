//! The Deployment controller (`k/k pkg/controller/deployment`): claims ReplicaSets, finds or
//! creates the new ReplicaSet (revisions, annotations), handles pause, scaling events with
//! proportional scaling, and rolls out with RollingUpdate or Recreate.

pub mod recreate;
pub mod rolling;
pub mod scale;
pub mod status;
pub mod util;

use serde_json::{Value, json};
use std::rc::Rc;

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;
use crate::world::clock::rfc3339;
use crate::world::events::Source;
use crate::world::store::Queue;
use util::*;

/// A ReplicaSet as the store shares it: read without copying; a write stores a new one.
pub(crate) type Obj = Rc<Value>;

/// The event source of this controller.
pub fn source() -> Source {
    Source::component("deployment-controller")
}

/// Syncs the Deployments on the work queue, in key order (see `store::queues`: the others
/// would change nothing). A deployment queued by a sync further on in this pass is synced in
/// it, as a pass over every deployment would; one queued behind, in the next.
pub fn run(world: &mut World) {
    let mut after: Option<(String, String)> = None;
    while let Some(key) = world.store.next_queued(Queue::Deployments, after.as_ref()) {
        world.stats.syncs += 1;
        sync(world, &key.0, &key.1);
        after = Some(key);
    }
}

/// The ReplicaSets a deployment owns, adopting matching orphans.
fn claim_replicasets(world: &mut World, d: &Value) -> Vec<Obj> {
    let Some(rs_kind) = kinds::by_kind(kinds::REPLICA_SET) else {
        return vec![];
    };
    let uid = meta::uid(d).to_string();
    let selector = meta::path(d, &["spec", "selector"])
        .map(Selector::from_label_selector)
        .unwrap_or_default();
    let ns = meta::namespace(d);
    // Only the ReplicaSets that name this deployment as an owner and those without a
    // controller can be claimed: the store indexes both (in name order, as a scan would
    // visit them).
    let candidates: Vec<Obj> = {
        let mut names: Vec<&str> = world
            .store
            .dependents_iter(&uid)
            .filter(|r| r.0 == "replicasets" && r.1 == ns)
            .map(|r| r.2.as_str())
            .chain(world.store.uncontrolled_iter("replicasets", ns))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter_map(|n| world.store.get_shared(rs_kind, ns, n))
            .collect()
    };
    let mut owned = Vec::new();
    for rs in candidates {
        match meta::controller_of(&rs) {
            Some((_, _, owner)) if owner == uid => owned.push(rs),
            None if !meta::is_deleting(&rs)
                && !selector.is_empty()
                && selector.matches(&meta::labels(&rs)) =>
            {
                let mut rs = (*rs).clone();
                let mut refs: Vec<Value> = meta::path(&rs, &["metadata", "ownerReferences"])
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                refs.push(meta::controller_ref(d));
                meta::set_path(
                    &mut rs,
                    &["metadata", "ownerReferences"],
                    Value::Array(refs),
                );
                owned.push(world.write_shared(rs));
            }
            _ => {}
        }
    }
    owned
}

fn sync(world: &mut World, ns: &str, name: &str) {
    let Some(k) = kinds::by_kind(kinds::DEPLOYMENT) else {
        return;
    };
    // Shared with the store: copied only when the controller writes it.
    let Some(d) = world.store.get_shared(k, ns, name) else {
        return;
    };
    if meta::is_deleting(&d) {
        return;
    }
    let sel = meta::path(&d, &["spec", "selector"])
        .map(Selector::from_label_selector)
        .unwrap_or_default();
    if sel.is_empty() {
        // Synced again whenever the controller looks at anything, as a pass over every
        // deployment did: the warning is recorded again once pruned from the events.
        world.store.retry(Queue::Deployments, ns, name);
        let msg = "This deployment is selecting all pods. A non-empty selector is required.";
        if !world.has_event(meta::uid(&d), "SelectingAll", None) {
            world.record_event(&d, None, "Warning", "SelectingAll", msg, &source());
        }
        return;
    }
    let rss = claim_replicasets(world, &d);
    let d = check_paused_conditions(world, d);
    if meta::bool_at(&d, &["spec", "paused"]) == Some(true) {
        scale::sync(world, d, rss);
        return;
    }
    if scale::is_scaling_event(world, &d, &rss) {
        scale::sync(world, d, rss);
        return;
    }
    match meta::str_at(&d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") {
        "Recreate" => recreate::rollout(world, d, rss),
        _ => rolling::rollout(world, d, rss),
    }
}

fn has_progress_deadline(d: &Value) -> bool {
    meta::int_at(d, &["spec", "progressDeadlineSeconds"]).is_some_and(|s| s != i32::MAX as i64)
}

/// Writes a deployment's status (and annotations) back; returns the stored object.
pub(crate) fn write_status(world: &mut World, d: Obj) -> Obj {
    world.write_shared(Rc::unwrap_or_clone(d))
}

/// `checkPausedConditions`.
fn check_paused_conditions(world: &mut World, mut d: Obj) -> Obj {
    if !has_progress_deadline(&d) {
        return d;
    }
    let status = d.get("status").cloned().unwrap_or(json!({}));
    let cond_reason = get_condition(&status, "Progressing")
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        .map(str::to_string);
    if cond_reason.as_deref() == Some("ProgressDeadlineExceeded") {
        return d;
    }
    let paused = meta::bool_at(&d, &["spec", "paused"]) == Some(true);
    let paused_cond = cond_reason.as_deref() == Some("DeploymentPaused");
    let now = rfc3339(world.now());
    let mut status = status;
    if paused && !paused_cond {
        set_condition(
            &mut status,
            new_condition(
                "Progressing",
                "Unknown",
                "DeploymentPaused",
                "Deployment is paused",
                &now,
            ),
        );
    } else if !paused && paused_cond {
        set_condition(
            &mut status,
            new_condition(
                "Progressing",
                "Unknown",
                "DeploymentResumed",
                "Deployment is resumed",
                &now,
            ),
        );
    } else {
        return d;
    }
    Rc::make_mut(&mut d)["status"] = status;
    write_status(world, d)
}

/// Splits owned ReplicaSets into the new one (oldest whose template equals the deployment's,
/// ignoring the hash label) and the old ones.
pub(crate) fn split(d: &Value, rss: &[Obj]) -> (Option<Obj>, Vec<Obj>) {
    let tpl = meta::path(d, &["spec", "template"]).unwrap_or(&Value::Null);
    let mut sorted: Vec<&Obj> = rss.iter().collect();
    sorted.sort_by(|a, b| by_creation(a, b));
    let new = sorted
        .iter()
        .find(|rs| meta::path(rs, &["spec", "template"]).is_some_and(|t| equal_ignore_hash(t, tpl)))
        .map(|v| Rc::clone(v));
    let new_uid = new.as_ref().map(|n| meta::uid(n).to_string());
    let old = rss
        .iter()
        .filter(|rs| Some(meta::uid(rs).to_string()) != new_uid)
        .cloned()
        .collect();
    (new, old)
}

/// `copyDeploymentAnnotationsToReplicaSet` + revision bookkeeping (`SetNewReplicaSetAnnotations`).
fn set_new_rs_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    let mut changed = false;
    for (k, v) in meta::annotations(d) {
        if skip_copy(&k) || meta::annotation(rs, &k) == Some(v.as_str()) {
            continue;
        }
        meta::set_annotation(rs, &k, &v);
        changed = true;
    }
    let old_rev_str = meta::annotation(rs, REVISION).map(str::to_string);
    let old_rev: i64 = match &old_rev_str {
        Some(s) => match s.parse() {
            Ok(v) => v,
            Err(_) => return false,
        },
        None => 0,
    };
    if old_rev < new_revision {
        meta::set_annotation(rs, REVISION, &new_revision.to_string());
        changed = true;
        if let Some(old) = old_rev_str {
            let history = meta::annotation(rs, REVISION_HISTORY)
                .unwrap_or("")
                .to_string();
            if history.is_empty() {
                meta::set_annotation(rs, REVISION_HISTORY, &old);
            } else {
                let mut parts: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                let mut start = 0;
                while total > 2000 && start < parts.len() {
                    total -= parts[start].len() + 1;
                    start += 1;
                }
                if total <= 2000 {
                    parts = parts.split_off(start);
                    parts.push(&old);
                    meta::set_annotation(rs, REVISION_HISTORY, &parts.join(","));
                }
            }
        }
    }
    if !exists {
        let n = replicas(d);
        if set_replicas_annotations(rs, n, n + max_surge(d)) {
            changed = true;
        }
    }
    changed
}

/// `getAllReplicaSetsAndSyncRevision`: (new RS, old RSs, deployment as now stored).
pub(crate) fn all_rss_and_sync_revision(
    world: &mut World,
    mut d: Obj,
    rss: &[Obj],
    create: bool,
) -> (Option<Obj>, Vec<Obj>, Obj) {
    let (existing, old) = split(&d, rss);
    let max_old = old.iter().map(|rs| revision(rs)).max().unwrap_or(0);
    let new_revision = max_old + 1;
    let now = rfc3339(world.now());
    if let Some(rs) = existing {
        // Try the annotations on a copy of the annotations alone: the whole ReplicaSet is
        // copied only when it must be written.
        let mut probe = json!({"metadata": {}});
        if let Some(a) = meta::path(&rs, &["metadata", "annotations"]) {
            probe["metadata"]["annotations"] = a.clone();
        }
        let ann = set_new_rs_annotations(&d, &mut probe, new_revision, true);
        let mrs = meta::path(&d, &["spec", "minReadySeconds"]);
        let mrs_changed = meta::path(&rs, &["spec", "minReadySeconds"]) != mrs;
        if ann || mrs_changed {
            let mrs = mrs.cloned();
            let mut copy = (*rs).clone();
            set_new_rs_annotations(&d, &mut copy, new_revision, true);
            match mrs {
                Some(v) => meta::set_path(&mut copy, &["spec", "minReadySeconds"], v),
                None => {
                    meta::remove_path(&mut copy, &["spec", "minReadySeconds"]);
                }
            }
            let stored = world.write_shared(copy);
            return (Some(stored), old, d);
        }
        let rev = meta::annotation(&rs, REVISION).unwrap_or("").to_string();
        let mut needs = false;
        if meta::annotation(&d, REVISION) != Some(rev.as_str()) {
            meta::set_annotation(Rc::make_mut(&mut d), REVISION, &rev);
            needs = true;
        }
        let mut st = d.get("status").cloned().unwrap_or(json!({}));
        if has_progress_deadline(&d) && get_condition(&st, "Progressing").is_none() {
            set_condition(
                &mut st,
                new_condition(
                    "Progressing",
                    "True",
                    "FoundNewReplicaSet",
                    &format!("Found new replica set \"{}\"", meta::name(&rs)),
                    &now,
                ),
            );
            Rc::make_mut(&mut d)["status"] = st;
            needs = true;
        }
        if needs {
            d = write_status(world, d);
        }
        return (Some(rs), old, d);
    }
    if !create {
        return (None, old, d);
    }
    // Create the new ReplicaSet.
    let collision = meta::int_at(&d, &["status", "collisionCount"]);
    let mut tpl = meta::path(&d, &["spec", "template"])
        .cloned()
        .unwrap_or(json!({}));
    let hash = compute_hash(&tpl, collision);
    let labels = meta::path_mut(&mut tpl, &["metadata", "labels"]);
    if !labels.is_object() {
        *labels = json!({});
    }
    labels[HASH_LABEL] = json!(hash);
    let labels_v = labels.clone();
    let mut selector = meta::path(&d, &["spec", "selector"])
        .cloned()
        .unwrap_or(json!({}));
    meta::set_path(&mut selector, &["matchLabels", HASH_LABEL], json!(hash));
    let rs_name = format!("{}-{hash}", meta::name(&d));
    let mut spec = json!({"replicas": 0, "selector": selector, "template": tpl});
    if let Some(m) = meta::path(&d, &["spec", "minReadySeconds"]) {
        spec["minReadySeconds"] = m.clone();
    }
    let mut rs = json!({
        "apiVersion": "apps/v1",
        "kind": kinds::REPLICA_SET,
        "metadata": {"name": rs_name, "namespace": meta::namespace(&d), "labels": labels_v, "ownerReferences": [meta::controller_ref(&d)]},
        "spec": spec,
    });
    let mut all: Vec<Obj> = old.clone();
    all.push(Rc::new(rs.clone()));
    let count = rolling::new_rs_new_replicas(&d, &all, &rs);
    rs["spec"]["replicas"] = json!(count);
    set_new_rs_annotations(&d, &mut rs, new_revision, false);
    let created = match world.create_internal(rs) {
        Ok(c) => c,
        Err(e) => {
            let existing = kinds::by_kind(kinds::REPLICA_SET)
                .and_then(|k| world.store.get_shared(k, meta::namespace(&d), &rs_name));
            if let Some(ex) = existing {
                let same_owner =
                    meta::controller_of(&ex).map(|(_, _, u)| u) == Some(meta::uid(&d).to_string());
                let same_tpl = meta::path(&ex, &["spec", "template"])
                    .zip(meta::path(&d, &["spec", "template"]))
                    .is_some_and(|(a, b)| equal_ignore_hash(a, b));
                if same_owner && same_tpl {
                    return (Some(ex), old, d);
                }
                let c = collision.unwrap_or(0) + 1;
                meta::set_path(
                    Rc::make_mut(&mut d),
                    &["status", "collisionCount"],
                    json!(c),
                );
                let d = write_status(world, d);
                return (None, old, d);
            }
            let msg = format!(
                "Failed to create new replica set \"{rs_name}\": {}",
                e.message
            );
            // Tried again whenever the controller looks at anything, as a level-triggered
            // controller would.
            world
                .store
                .retry(Queue::Deployments, meta::namespace(&d), meta::name(&d));
            let mut st = d.get("status").cloned().unwrap_or(json!({}));
            set_condition(
                &mut st,
                new_condition("Progressing", "False", "ReplicaSetCreateError", &msg, &now),
            );
            Rc::make_mut(&mut d)["status"] = st;
            let d = write_status(world, d);
            world.record_event(
                &d,
                None,
                "Warning",
                "ReplicaSetCreateError",
                &msg,
                &source(),
            );
            return (None, old, d);
        }
    };
    if count > 0 {
        world.record_event(
            &d,
            None,
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled up replica set {rs_name} to {count}"),
            &source(),
        );
    }
    meta::set_annotation(Rc::make_mut(&mut d), REVISION, &new_revision.to_string());
    if has_progress_deadline(&d) {
        let mut st = d.get("status").cloned().unwrap_or(json!({}));
        set_condition(
            &mut st,
            new_condition(
                "Progressing",
                "True",
                "NewReplicaSetCreated",
                &format!("Created new replica set \"{rs_name}\""),
                &now,
            ),
        );
        Rc::make_mut(&mut d)["status"] = st;
    }
    let d = write_status(world, d);
    (Some(created), old, d)
}

/// `scaleReplicaSetAndRecordEvent`.
pub(crate) fn scale_rs_and_record(
    world: &mut World,
    rs: &Obj,
    new_scale: i64,
    d: &Value,
) -> (bool, Obj) {
    let cur = replicas(rs);
    if cur == new_scale {
        return (false, rs.clone());
    }
    let op = if cur < new_scale { "up" } else { "down" };
    scale_rs(world, rs, new_scale, d, op)
}

/// `scaleReplicaSet`: sets replicas and the replica annotations, records the event.
pub(crate) fn scale_rs(
    world: &mut World,
    rs: &Obj,
    new_scale: i64,
    d: &Value,
    op: &str,
) -> (bool, Obj) {
    let cur = replicas(rs);
    let n = replicas(d);
    let mut copy = (**rs).clone();
    let ann = set_replicas_annotations(&mut copy, n, n + max_surge(d));
    let size = cur != new_scale;
    if !size && !ann {
        return (false, rs.clone());
    }
    copy["spec"]["replicas"] = json!(new_scale);
    let stored = world.write_shared(copy);
    if size {
        world.record_event(
            d,
            None,
            "Normal",
            "ScalingReplicaSet",
            &format!(
                "Scaled {op} replica set {} to {new_scale} from {cur}",
                meta::name(rs)
            ),
            &source(),
        );
    }
    (size, stored)
}

/// `cleanupDeployment`: deletes old ReplicaSets beyond `revisionHistoryLimit`.
pub(crate) fn cleanup(world: &mut World, old: &[Obj], d: &Value) {
    let Some(limit) = meta::int_at(d, &["spec", "revisionHistoryLimit"]) else {
        return;
    };
    let mut cleanable: Vec<&Obj> = old.iter().filter(|rs| !meta::is_deleting(rs)).collect();
    let diff = cleanable.len() as i64 - limit;
    if diff <= 0 {
        return;
    }
    cleanable.sort_by(|a, b| {
        revision(a)
            .cmp(&revision(b))
            .then_with(|| by_creation(a, b))
    });
    let Some(k) = kinds::by_kind(kinds::REPLICA_SET) else {
        return;
    };
    for rs in cleanable.into_iter().take(diff as usize) {
        let generation = meta::int_at(rs, &["metadata", "generation"]).unwrap_or(0);
        let observed = meta::int_at(rs, &["status", "observedGeneration"]).unwrap_or(0);
        if status_int(rs, "replicas") != 0 || replicas(rs) != 0 || generation > observed {
            continue;
        }
        let _ = world.delete_internal(k, meta::namespace(rs), meta::name(rs));
    }
}
