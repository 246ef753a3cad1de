//! Recreate (`k/k pkg/controller/deployment/recreate.go`): scale every old ReplicaSet to zero,
//! wait until their pods are gone, then create and scale up the new one.

use crate::world::api::kinds;
use serde_json::Value;

use super::Obj;

use super::rolling::{refresh, refresh_one};
use super::util::*;
use super::{all_rss_and_sync_revision, cleanup, scale_rs_and_record, status};
use crate::world::World;
use crate::world::api::meta;
use crate::world::controllers::replicaset::dependents;

/// `rolloutRecreate`.
pub fn rollout(world: &mut World, d: Obj, rss: Vec<Obj>) {
    let (new_rs, old, d) = all_rss_and_sync_revision(world, d, &rss, false);
    let mut all = old.clone();
    all.extend(new_rs.clone());
    let mut scaled = false;
    for rs in old.iter().filter(|rs| replicas(rs) > 0) {
        if scale_rs_and_record(world, rs, 0, &d).0 {
            scaled = true;
        }
    }
    if scaled || old_pods_running(world, new_rs.as_deref(), &old) {
        let all = refresh(world, &all);
        let new_rs = new_rs.and_then(|n| refresh_one(world, &n));
        status::sync_rollout_status(world, &all, new_rs.as_deref(), d);
        return;
    }
    let (new_rs, old, d) = if new_rs.is_none() {
        all_rss_and_sync_revision(world, d, &rss, true)
    } else {
        (new_rs, old, d)
    };
    let mut all = old.clone();
    all.extend(new_rs.clone());
    if let Some(n) = &new_rs {
        scale_rs_and_record(world, n, replicas(&d), &d);
    }
    let st = d.get("status").cloned().unwrap_or(Value::Null);
    if status::deployment_complete(&d, &st) {
        cleanup(world, &old, &d);
    }
    let all = refresh(world, &all);
    let new_rs = new_rs.and_then(|n| refresh_one(world, &n));
    status::sync_rollout_status(world, &all, new_rs.as_deref(), d);
}

/// `oldPodsRunning`: old ReplicaSets still report pods, or a pod of an old ReplicaSet is not in
/// a terminal phase (terminating pods count).
fn old_pods_running(world: &World, new_rs: Option<&Value>, old: &[Obj]) -> bool {
    if old.iter().map(|rs| status_int(rs, "replicas")).sum::<i64>() > 0 {
        return true;
    }
    let old_uids: Vec<&str> = old.iter().map(|rs| meta::uid(rs)).collect();
    let new_uid = new_rs.map(meta::uid);
    let ns = meta::namespace(
        old.first()
            .map(|rs| &**rs)
            .or(new_rs)
            .unwrap_or(&Value::Null),
    );
    // Only pods that name an old ReplicaSet as an owner can count (the owners index).
    old_uids
        .iter()
        .flat_map(|u| dependents(world, u, kinds::POD, ns))
        .any(|p| {
            let owner = meta::controller_of(p).map(|(_, _, u)| u);
            let Some(owner) = owner else { return false };
            if Some(owner.as_str()) == new_uid || !old_uids.contains(&owner.as_str()) {
                return false;
            }
            !matches!(
                meta::str_at(p, &["status", "phase"]),
                Some("Failed" | "Succeeded")
            )
        })
}
