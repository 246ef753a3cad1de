//! Scaling events and paused deployments (`sync.go` `sync`, `scale`, `isScalingEvent`):
//! proportional scaling of a rollout in progress.

use serde_json::Value;

use super::Obj;

use super::rolling::{refresh, refresh_one};
use super::util::*;
use super::{all_rss_and_sync_revision, cleanup, scale_rs, scale_rs_and_record, split, status};
use crate::world::World;
use crate::world::api::meta;

/// `isScalingEvent`: an active ReplicaSet's desired-replicas annotation differs from the spec.
pub fn is_scaling_event(_world: &World, d: &Value, rss: &[Obj]) -> bool {
    let (new_rs, old) = split(d, rss);
    let n = replicas(d);
    old.iter()
        .chain(new_rs.iter())
        .filter(|rs| replicas(rs) > 0)
        .any(|rs| {
            meta::annotation(rs, DESIRED_REPLICAS)
                .and_then(|s| s.parse::<i64>().ok())
                .is_some_and(|desired| desired != n)
        })
}

/// `sync`: scale, clean up when paused, and write status.
pub fn sync(world: &mut World, d: Obj, rss: Vec<Obj>) {
    let (new_rs, old, d) = all_rss_and_sync_revision(world, d, &rss, false);
    scale(world, &d, new_rs.as_ref(), &old);
    let old = refresh(world, &old);
    if meta::bool_at(&d, &["spec", "paused"]) == Some(true) {
        cleanup(world, &old, &d);
    }
    let old = refresh(world, &old);
    let new_rs = new_rs.and_then(|n| refresh_one(world, &n));
    let mut all = old;
    all.extend(new_rs.clone());
    status::sync_deployment_status(world, &all, new_rs.as_deref(), d);
}

fn scale(world: &mut World, d: &Value, new_rs: Option<&Obj>, old: &[Obj]) {
    let n = replicas(d);
    // FindActiveOrLatest.
    if new_rs.is_some() || !old.is_empty() {
        let mut olds: Vec<Obj> = old.to_vec();
        olds.sort_by(|a, b| by_creation(b, a));
        let mut active: Vec<Obj> = olds.iter().filter(|rs| replicas(rs) > 0).cloned().collect();
        if let Some(nr) = new_rs
            && replicas(nr) > 0
        {
            active.push(nr.clone());
        }
        let target = match active.len() {
            0 => Some(new_rs.cloned().unwrap_or_else(|| olds[0].clone())),
            1 => Some(active[0].clone()),
            _ => None,
        };
        if let Some(rs) = target {
            if replicas(&rs) != n {
                scale_rs_and_record(world, &rs, n, d);
            }
            return;
        }
    }
    if is_saturated(d, new_rs.map(|r| &**r)) {
        for rs in old.iter().filter(|rs| replicas(rs) > 0) {
            scale_rs_and_record(world, rs, 0, d);
        }
        return;
    }
    if meta::str_at(d, &["spec", "strategy", "type"]).unwrap_or("RollingUpdate") != "RollingUpdate"
    {
        return;
    }
    let mut all: Vec<Obj> = old
        .iter()
        .chain(new_rs)
        .filter(|rs| replicas(rs) > 0)
        .cloned()
        .collect();
    let total: i64 = all.iter().map(|rs| replicas(rs)).sum();
    let allowed = if n > 0 { n + max_surge(d) } else { 0 };
    let to_add = allowed - total;
    let op = match to_add.signum() {
        1 => {
            // ReplicaSetsBySizeNewer: larger first, ties newest first.
            all.sort_by(|a, b| {
                replicas(b)
                    .cmp(&replicas(a))
                    .then_with(|| by_creation(b, a))
            });
            "up"
        }
        -1 => {
            // ReplicaSetsBySizeOlder: larger first, ties oldest first.
            all.sort_by(|a, b| {
                replicas(b)
                    .cmp(&replicas(a))
                    .then_with(|| by_creation(a, b))
            });
            "down"
        }
        _ => "",
    };
    let mut added = 0;
    let mut sizes: Vec<i64> = Vec::new();
    for rs in &all {
        if to_add != 0 {
            let p = proportion(rs, d, to_add, added);
            sizes.push(replicas(rs) + p);
            added += p;
        } else {
            sizes.push(replicas(rs));
        }
    }
    for (i, rs) in all.iter().enumerate() {
        if i == 0 && to_add != 0 {
            sizes[0] = (sizes[0] + to_add - added).max(0);
        }
        scale_rs(world, rs, sizes[i], d, op);
    }
}

/// `GetProportion` / `getReplicaSetFraction`.
fn proportion(rs: &Value, d: &Value, to_add: i64, added: i64) -> i64 {
    let spec = replicas(rs);
    if spec == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let n = replicas(d);
    let fraction = if n == 0 {
        -spec
    } else {
        let max_now = n + max_surge(d);
        let before = meta::annotation(rs, MAX_REPLICAS)
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|v| *v != 0)
            .unwrap_or_else(|| status_int(d, "replicas"));
        if before == 0 {
            0
        } else {
            let x = (spec * max_now) as f64 / before as f64;
            (x + 0.5).floor() as i64 - spec
        }
    };
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}
