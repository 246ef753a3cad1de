//! RollingUpdate (`k/k pkg/controller/deployment/rolling.go`): scale the new ReplicaSet up within
//! maxSurge, scale old ones down within maxUnavailable, one phase per sync.

use crate::world::api::kinds;
use serde_json::Value;

use super::Obj;

use super::util::*;
use super::{all_rss_and_sync_revision, cleanup, scale_rs_and_record, status};
use crate::world::World;
use crate::world::api::meta;

/// `NewRSNewReplicas`.
pub fn new_rs_new_replicas(d: &Value, all: &[Obj], new_rs: &Value) -> i64 {
    let n = replicas(d);
    if meta::str_at(d, &["spec", "strategy", "type"]) == Some("Recreate") {
        return n;
    }
    let surge = meta::scaled_int_or_percent(
        meta::path(d, &["spec", "strategy", "rollingUpdate", "maxSurge"]),
        n,
        true,
    )
    .unwrap_or(0);
    let current: i64 = all.iter().map(|rs| replicas(rs)).sum();
    let max_total = n + surge;
    if current >= max_total {
        return replicas(new_rs);
    }
    let up = (max_total - current).min(n - replicas(new_rs));
    replicas(new_rs) + up
}

/// `rolloutRolling`.
pub fn rollout(world: &mut World, d: Obj, rss: Vec<Obj>) {
    let (new_rs, old, d) = all_rss_and_sync_revision(world, d, &rss, true);
    let mut all = old.clone();
    if let Some(n) = &new_rs {
        all.push(n.clone());
    }
    let Some(new_rs) = new_rs else {
        status::sync_rollout_status(world, &all, None, d);
        return;
    };
    if reconcile_new(world, &all, &new_rs, &d) {
        let all = refresh(world, &all);
        let new_rs = refresh_one(world, &new_rs);
        status::sync_rollout_status(world, &all, new_rs.as_deref(), d);
        return;
    }
    let active_old: Vec<Obj> = old.iter().filter(|rs| replicas(rs) > 0).cloned().collect();
    if reconcile_old(world, &all, active_old, &new_rs, &d) {
        let all = refresh(world, &all);
        let new_rs = refresh_one(world, &new_rs);
        status::sync_rollout_status(world, &all, new_rs.as_deref(), d);
        return;
    }
    let st = d.get("status").cloned().unwrap_or(Value::Null);
    if status::deployment_complete(&d, &st) {
        cleanup(world, &old, &d);
    }
    let all = refresh(world, &all);
    let new_rs = refresh_one(world, &new_rs);
    status::sync_rollout_status(world, &all, new_rs.as_deref(), d);
}

/// Re-reads ReplicaSets from the store (dropping deleted ones).
pub(crate) fn refresh(world: &World, rss: &[Obj]) -> Vec<Obj> {
    rss.iter().filter_map(|rs| refresh_one(world, rs)).collect()
}

pub(crate) fn refresh_one(world: &World, rs: &Value) -> Option<Obj> {
    let k = crate::world::api::kinds::by_kind(kinds::REPLICA_SET)?;
    world
        .store
        .get_shared(k, meta::namespace(rs), meta::name(rs))
}

fn reconcile_new(world: &mut World, all: &[Obj], new_rs: &Obj, d: &Value) -> bool {
    let n = replicas(d);
    let cur = replicas(new_rs);
    if cur == n {
        return false;
    }
    if cur > n {
        return scale_rs_and_record(world, new_rs, n, d).0;
    }
    let count = new_rs_new_replicas(d, all, new_rs);
    scale_rs_and_record(world, new_rs, count, d).0
}

fn reconcile_old(world: &mut World, all: &[Obj], old: Vec<Obj>, new_rs: &Obj, d: &Value) -> bool {
    let old_count: i64 = old.iter().map(|rs| replicas(rs)).sum();
    if old_count == 0 {
        return false;
    }
    let all_count: i64 = all.iter().map(|rs| replicas(rs)).sum();
    let min_available = replicas(d) - max_unavailable(d);
    let new_unavailable = replicas(new_rs) - status_int(new_rs, "availableReplicas");
    let max_scaled_down = all_count - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return false;
    }
    let (old, cleaned) = cleanup_unhealthy(world, old, d, max_scaled_down);
    let mut all2 = old.clone();
    all2.push(new_rs.clone());
    let scaled = scale_down_old(world, &all2, old, d);
    cleaned + scaled > 0
}

fn cleanup_unhealthy(world: &mut World, mut old: Vec<Obj>, d: &Value, max: i64) -> (Vec<Obj>, i64) {
    old.sort_by(|a, b| by_creation(a, b));
    let mut total = 0;
    for rs in old.iter_mut() {
        if total >= max {
            break;
        }
        let spec = replicas(rs);
        let avail = status_int(rs, "availableReplicas");
        if spec == 0 || spec == avail {
            continue;
        }
        let down = (max - total).min(spec - avail);
        let (_, updated) = scale_rs_and_record(world, rs, spec - down, d);
        total += down;
        *rs = updated;
    }
    (old, total)
}

fn scale_down_old(world: &mut World, all: &[Obj], mut old: Vec<Obj>, d: &Value) -> i64 {
    let min_available = replicas(d) - max_unavailable(d);
    let available: i64 = all
        .iter()
        .map(|rs| status_int(rs, "availableReplicas"))
        .sum();
    if available <= min_available {
        return 0;
    }
    old.sort_by(|a, b| by_creation(a, b));
    let budget = available - min_available;
    let mut total = 0;
    for rs in &old {
        if total >= budget {
            break;
        }
        let spec = replicas(rs);
        if spec == 0 {
            continue;
        }
        let down = spec.min(budget - total);
        scale_rs_and_record(world, rs, spec - down, d);
        total += down;
    }
    total
}
