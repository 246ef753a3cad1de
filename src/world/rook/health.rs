//! The Ceph cluster's health and usage as the mons and the mgr compute them, from the state and
//! the daemons' pods: which mons are in quorum and OSDs up (their Deployments' pods ready),
//! the placement groups' states (a pool of size N with `failureDomain: host` needs N hosts with
//! an OSD up: fewer leave its PGs undersized), the health checks (`PGMap::get_health_checks`,
//! `OSDMap::check_health`, the mon's `MON_DOWN`, the mgr's `MGR_DOWN`, `TOO_FEW_OSDS`) and the
//! bytes stored.

use super::state::{CephState, OSD_OVERHEAD, Pool, image_used};
use crate::world::World;
use crate::world::api::meta;

/// One health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub code: &'static str,
    pub severity: &'static str,
    pub summary: String,
}

/// The cluster's health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub status: &'static str,
    pub checks: Vec<Check>,
}

fn deployment_ready(world: &World, ns: &str, name: &str) -> bool {
    world
        .object("Deployment", ns, name)
        .and_then(|d| meta::int_at(d, &["status", "readyReplicas"]))
        .unwrap_or(0)
        > 0
}

/// The namespace of a state (its CephCluster's).
fn ns_of(world: &World, state: &CephState) -> String {
    world
        .rook
        .clusters
        .iter()
        .find(|(_, s)| s.cluster_uid == state.cluster_uid)
        .map(|(n, _)| n.clone())
        .unwrap_or_default()
}

/// Mon ids in quorum (their pods run), in id order.
pub fn quorum(world: &World, state: &CephState) -> Vec<String> {
    let ns = ns_of(world, state);
    state
        .mons
        .iter()
        .filter(|m| deployment_ready(world, &ns, &format!("rook-ceph-mon-{}", m.id)))
        .map(|m| m.id.clone())
        .collect()
}

/// Whether mgr `a` runs.
pub fn mgr_up(world: &World, state: &CephState) -> bool {
    state.mgr_since.is_some() && deployment_ready(world, &ns_of(world, state), "rook-ceph-mgr-a")
}

/// Ids of the OSDs that are up.
pub fn osds_up(world: &World, state: &CephState) -> Vec<u32> {
    let ns = ns_of(world, state);
    state
        .osds
        .iter()
        .filter(|o| deployment_ready(world, &ns, &format!("rook-ceph-osd-{}", o.id)))
        .map(|o| o.id)
        .collect()
}

/// Hosts with an OSD up.
fn hosts_up(world: &World, state: &CephState) -> usize {
    let up = osds_up(world, state);
    let mut hosts: Vec<&str> = state
        .osds
        .iter()
        .filter(|o| up.contains(&o.id))
        .map(|o| o.node.as_str())
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts.len()
}

/// What a pool holds: (objects, bytes stored). Objects of an RBD pool used by the CSI driver:
/// `rbd_directory`, `rbd_info`, `csi.volumes.default`, per image `rbd_id.*`, `rbd_header.*`
/// and `csi.volume.*`, and one object per 4 MiB written (UNSURE: a model of RBD's layout).
pub fn pool_usage(world: &World, state: &CephState, pool: &Pool) -> (u64, u64) {
    let images: Vec<_> = state
        .images
        .iter()
        .filter(|i| i.pool == pool.name)
        .collect();
    if images.is_empty() {
        return (0, 0);
    }
    let mut objects = 3u64;
    let mut stored = 0u64;
    for img in images {
        let data = world
            .volume_data
            .get(&format!("pv/{}", img.pv))
            .map_or(0, |t| t.bytes() as u64);
        let used = image_used(img, data);
        stored += used;
        objects += 3 + used.div_ceil(4 << 20);
    }
    (objects, stored)
}

/// Raw bytes used on the OSDs: their own overhead and every pool's data times its size.
pub fn raw_used(world: &World, state: &CephState) -> u64 {
    let data: u64 = state
        .pools
        .iter()
        .map(|p| pool_usage(world, state, p).1 * p.size as u64)
        .sum();
    state.osds.len() as u64 * OSD_OVERHEAD + data
}

/// The placement groups by state: (state name, count), most first.
pub fn pg_states(world: &World, state: &CephState) -> Vec<(String, u32)> {
    let hosts = hosts_up(world, state) as u32;
    let mut counts: std::collections::BTreeMap<String, u32> = Default::default();
    for p in &state.pools {
        let (objects, _) = pool_usage(world, state, p);
        let min = p.size - p.size / 2;
        let name = if state.osds.is_empty() || hosts == 0 {
            "unknown".to_string()
        } else if hosts >= p.size {
            "active+clean".to_string()
        } else if hosts >= min {
            if objects > 0 {
                "active+undersized+degraded".to_string()
            } else {
                "active+undersized".to_string()
            }
        } else if objects > 0 {
            "undersized+degraded+peered".to_string()
        } else {
            "undersized+peered".to_string()
        };
        *counts.entry(name).or_insert(0) += p.pgs;
    }
    let mut v: Vec<(String, u32)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Objects degraded and the copies wanted: (degraded, total).
pub fn degraded(world: &World, state: &CephState) -> (u64, u64) {
    let hosts = hosts_up(world, state) as u64;
    let mut bad = 0;
    let mut total = 0;
    for p in &state.pools {
        let (objects, _) = pool_usage(world, state, p);
        total += objects * p.size as u64;
        bad += objects * (p.size as u64).saturating_sub(hosts.min(p.size as u64));
    }
    (bad, total)
}

/// Ceph's health: the checks that fail, in kubelab's fixed order (the real order is UNSURE,
/// docs/rook-research.md §3.1).
pub fn report(world: &World, state: &CephState) -> Report {
    let mut checks = Vec::new();
    let q = quorum(world, state);
    if q.len() < state.mons.len() && !q.is_empty() {
        checks.push(Check {
            code: "MON_DOWN",
            severity: "HEALTH_WARN",
            summary: format!(
                "{}/{} mons down, quorum {}",
                state.mons.len() - q.len(),
                state.mons.len(),
                q.join(",")
            ),
        });
    }
    if state.mgr_since.is_some() && !mgr_up(world, state) {
        checks.push(Check {
            code: "MGR_DOWN",
            severity: "HEALTH_WARN",
            summary: "no active mgr".into(),
        });
    }
    let up = osds_up(world, state);
    let down: Vec<_> = state.osds.iter().filter(|o| !up.contains(&o.id)).collect();
    if !down.is_empty() {
        checks.push(Check {
            code: "OSD_DOWN",
            severity: "HEALTH_WARN",
            summary: format!("{} osds down", down.len()),
        });
        let mut hosts: Vec<&str> = state
            .osds
            .iter()
            .map(|o| o.node.as_str())
            .filter(|h| {
                state
                    .osds
                    .iter()
                    .filter(|o| o.node == *h)
                    .all(|o| !up.contains(&o.id))
            })
            .collect();
        hosts.sort();
        hosts.dedup();
        if !hosts.is_empty() {
            let n: usize = down
                .iter()
                .filter(|o| hosts.contains(&o.node.as_str()))
                .count();
            checks.push(Check {
                code: "OSD_HOST_DOWN",
                severity: "HEALTH_WARN",
                summary: format!(
                    "{} host{} ({n} osds) down",
                    hosts.len(),
                    if hosts.len() == 1 { "" } else { "s" }
                ),
            });
        }
    }
    let states = pg_states(world, state);
    let count = |pred: &dyn Fn(&str) -> bool| -> u32 {
        states.iter().filter(|(s, _)| pred(s)).map(|(_, n)| n).sum()
    };
    let inactive = count(&|s| !s.contains("active"));
    if inactive > 0 {
        let summary = format!("Reduced data availability: {inactive} pgs inactive");
        checks.push(Check {
            code: "PG_AVAILABILITY",
            severity: "HEALTH_WARN",
            summary,
        });
    }
    let undersized = count(&|s| s.contains("undersized"));
    if undersized > 0 {
        let (bad, total) = degraded(world, state);
        let degraded_pgs = count(&|s| s.contains("degraded"));
        let mut parts = Vec::new();
        if bad > 0 {
            parts.push(format!(
                "{bad}/{total} objects degraded ({:.3}%)",
                bad as f64 * 100.0 / total.max(1) as f64
            ));
        }
        if degraded_pgs > 0 {
            parts.push(format!("{degraded_pgs} pgs degraded"));
        }
        parts.push(format!("{undersized} pgs undersized"));
        checks.push(Check {
            code: "PG_DEGRADED",
            severity: "HEALTH_WARN",
            summary: format!("Degraded data redundancy: {}", parts.join(", ")),
        });
    }
    // `osd_pool_default_size`.
    let want = 3;
    if !state.osds.is_empty() && (state.osds.len() as u32) < want {
        checks.push(Check {
            code: "TOO_FEW_OSDS",
            severity: "HEALTH_WARN",
            summary: format!(
                "OSD count {} < osd_pool_default_size {want}",
                state.osds.len()
            ),
        });
    }
    let status = if checks.is_empty() {
        "HEALTH_OK"
    } else {
        "HEALTH_WARN"
    };
    Report { status, checks }
}
