//! `ceph` and `rados` in the rook toolbox (`rook/ceph:v1.7.11`, Ceph 16.2.6 Pacific): the
//! commands of the seed and the rook quickstart over the simulated cluster of the pod's
//! namespace (`world/rook/state.rs`, `world/rook/health.rs`): `ceph status` (`-s`), `ceph
//! health`, `ceph fsid`, `ceph osd status`, `ceph osd tree`, `ceph osd pool ls`, `ceph osd
//! pool stats [POOL]`, `ceph df`, `rados df`. Layouts: Monitor.cc `get_cluster_status`,
//! PGMap.cc `print_summary`/`dump_cluster_stats`/`dump_pool_stats_full`/
//! `dump_pool_stats_and_io_rate`, OSDMap.cc's tree dumper, the mgr's status module, rados.cc
//! (docs/rook-research.md §3). Other commands get kubelab's notice.

pub mod format;

use format::{Align, bytes, mgr_bytes, mgr_dimless, percent, pretty_table, text_table, timespan};

use crate::world::World;
use crate::world::rook::health;
use crate::world::rook::state::{CephState, OSD_OVERHEAD};

/// What a command printed: (stdout, stderr, status).
pub type Output = (String, String, i32);

/// Runs `ceph ARGS` or `rados ARGS` (`program`) against the cluster of namespace `ns`.
pub fn run(world: &World, ns: &str, image: &str, program: &str, args: &[String]) -> Output {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let not_simulated = || {
        (
            String::new(),
            format!(
                "kubelab does not simulate {program} {} in {image}\n",
                words.join(" ")
            ),
            126,
        )
    };
    let Some(state) = world.rook.clusters.get(ns) else {
        return (
            String::new(),
            "[errno 2] RADOS object not found (error connecting to the cluster)\n".into(),
            1,
        );
    };
    if health::quorum(world, state).is_empty() {
        return (
            String::new(),
            "[errno 110] RADOS timed out (error connecting to the cluster)\n".into(),
            1,
        );
    }
    let out = match (program, words.as_slice()) {
        ("ceph", ["status"] | ["-s"] | ["s"]) => status(world, state),
        ("ceph", ["health"]) => health_line(world, state),
        ("ceph", ["fsid"]) => format!("{}\n", state.fsid),
        ("ceph", ["osd", "status"]) => osd_status(world, state),
        ("ceph", ["osd", "tree"]) => osd_tree(world, state),
        ("ceph", ["osd", "pool", "ls"]) => state
            .pools
            .iter()
            .map(|p| format!("{}\n", p.name))
            .collect(),
        ("ceph", ["osd", "pool", "stats"]) => pool_stats(world, state, None),
        ("ceph", ["osd", "pool", "stats", name]) => {
            if state.pool(name).is_none() {
                return (
                    String::new(),
                    format!("Error ENOENT: unrecognized pool '{name}'\n"),
                    2,
                );
            }
            pool_stats(world, state, Some(name))
        }
        ("ceph", ["df"]) => df(world, state),
        ("rados", ["df"]) => rados_df(world, state),
        _ => return not_simulated(),
    };
    (out, String::new(), 0)
}

/// `ceph health`: the status and the checks' summaries.
fn health_line(world: &World, state: &CephState) -> String {
    let r = health::report(world, state);
    if r.checks.is_empty() {
        return format!("{}\n", r.status);
    }
    let s: Vec<&str> = r.checks.iter().map(|c| c.summary.as_str()).collect();
    format!("{} {}\n", r.status, s.join("; "))
}

/// `ceph status`.
fn status(world: &World, state: &CephState) -> String {
    let now = world.now();
    let r = health::report(world, state);
    let mut s = format!(
        "  cluster:\n    id:     {}\n    health: {}\n",
        state.fsid, r.status
    );
    for c in &r.checks {
        s.push_str(&format!("            {}\n", c.summary));
    }
    s.push_str(" \n  services:\n");
    let q = health::quorum(world, state);
    let age = timespan(now - state.quorum_since.unwrap_or(now));
    let mut mon = format!(
        "    mon: {} daemons, quorum {} (age {age})",
        state.mons.len(),
        q.join(",")
    );
    let out: Vec<&str> = state
        .mons
        .iter()
        .filter(|m| !q.contains(&m.id))
        .map(|m| m.id.as_str())
        .collect();
    if !out.is_empty() {
        mon.push_str(&format!(", out of quorum: {}", out.join(", ")));
    }
    s.push_str(&mon);
    s.push('\n');
    match state.mgr_since {
        Some(since) if health::mgr_up(world, state) => {
            s.push_str(&format!(
                "    mgr: a(active, since {})\n",
                timespan(now - since)
            ));
        }
        Some(since) => s.push_str(&format!(
            "    mgr: no daemons active (since {})\n",
            timespan(now - since)
        )),
        None => s.push_str("    mgr: no daemons active\n"),
    }
    let up = health::osds_up(world, state);
    let n = state.osds.len();
    match state.osds_since {
        Some(since) if n > 0 => {
            let t = timespan(now - since);
            s.push_str(&format!(
                "    osd: {n} osds: {} up (since {t}), {n} in (since {t})\n",
                up.len()
            ));
        }
        _ => s.push_str("    osd: 0 osds: 0 up, 0 in\n"),
    }
    s.push_str(" \n  data:\n");
    let pgs: u32 = state.pools.iter().map(|p| p.pgs).sum();
    let (objects, stored): (u64, u64) = state
        .pools
        .iter()
        .map(|p| health::pool_usage(world, state, p))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let total = state.raw_total();
    let used = health::raw_used(world, state);
    s.push_str(&format!(
        "    pools:   {} pools, {pgs} pgs\n",
        state.pools.len()
    ));
    s.push_str(&format!(
        "    objects: {objects} objects, {}\n",
        bytes(stored)
    ));
    s.push_str(&format!(
        "    usage:   {} used, {} / {} avail\n",
        bytes(used),
        bytes(total.saturating_sub(used)),
        bytes(total)
    ));
    if pgs > 0 {
        let states = health::pg_states(world, state);
        let width = states
            .iter()
            .map(|(_, c)| c.to_string().len())
            .max()
            .unwrap_or(1);
        let mut lines: Vec<String> = Vec::new();
        let (bad, all) = health::degraded(world, state);
        if bad > 0 {
            lines.push(format!(
                "{bad}/{all} objects degraded ({:.3}%)",
                bad as f64 * 100.0 / all as f64
            ));
        }
        for (name, count) in &states {
            lines.push(format!("{:<width$} {name}", count));
        }
        for (i, l) in lines.iter().enumerate() {
            if i == 0 {
                s.push_str(&format!("    pgs:     {l}\n"));
            } else {
                s.push_str(&format!("             {l}\n"));
            }
        }
    }
    s.push_str(" \n");
    s
}

/// Bytes an OSD has used: its own overhead and its share of the pools' data.
fn osd_used(world: &World, state: &CephState) -> u64 {
    let n = state.osds.len().max(1) as u64;
    let data = health::raw_used(world, state) - state.osds.len() as u64 * OSD_OVERHEAD;
    OSD_OVERHEAD + data / n
}

/// `ceph osd status` (the mgr's status module).
fn osd_status(world: &World, state: &CephState) -> String {
    let up = health::osds_up(world, state);
    let used = osd_used(world, state);
    let rows: Vec<Vec<String>> = state
        .osds
        .iter()
        .map(|o| {
            let is_up = up.contains(&o.id);
            let (host, u, a) = if is_up {
                (
                    o.node.clone(),
                    mgr_bytes(used),
                    mgr_bytes(o.bytes.saturating_sub(used)),
                )
            } else {
                (String::new(), mgr_bytes(0), mgr_bytes(0))
            };
            vec![
                o.id.to_string(),
                host,
                u,
                a,
                mgr_dimless(0),
                mgr_bytes(0),
                mgr_dimless(0),
                mgr_bytes(0),
                if is_up { "exists,up" } else { "exists" }.to_string(),
            ]
        })
        .collect();
    let r = Align::Right;
    pretty_table(
        &[
            ("ID", r),
            ("HOST", Align::Left),
            ("USED", r),
            ("AVAIL", r),
            ("WR OPS", r),
            ("WR DATA", r),
            ("RD OPS", r),
            ("RD DATA", r),
            ("STATE", Align::Left),
        ],
        &rows,
    )
}

/// A CRUSH weight: the device's size in TiB, five decimals.
fn weight(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 40) as f64
}

/// `ceph osd tree`.
fn osd_tree(world: &World, state: &CephState) -> String {
    let up = health::osds_up(world, state);
    let total: f64 = state.osds.iter().map(|o| weight(o.bytes)).sum();
    let mut rows: Vec<Vec<String>> = vec![vec![
        "-1".into(),
        String::new(),
        format!("{total:.5}"),
        "root default".into(),
        String::new(),
        String::new(),
        String::new(),
    ]];
    let mut hosts: Vec<&str> = state.osds.iter().map(|o| o.node.as_str()).collect();
    hosts.dedup();
    for (i, h) in hosts.iter().enumerate() {
        let w: f64 = state
            .osds
            .iter()
            .filter(|o| o.node == *h)
            .map(|o| weight(o.bytes))
            .sum();
        rows.push(vec![
            format!("-{}", 3 + 2 * i),
            String::new(),
            format!("{w:.5}"),
            format!("    host {h}"),
            String::new(),
            String::new(),
            String::new(),
        ]);
        for o in state.osds.iter().filter(|o| o.node == *h) {
            rows.push(vec![
                o.id.to_string(),
                "hdd".into(),
                format!("{:.5}", weight(o.bytes)),
                format!("        osd.{}", o.id),
                if up.contains(&o.id) { "up" } else { "down" }.into(),
                "1.00000".into(),
                "1.00000".into(),
            ]);
        }
    }
    let r = Align::Right;
    text_table(
        &[
            ("ID", r),
            ("CLASS", r),
            ("WEIGHT", r),
            ("TYPE NAME", Align::Left),
            ("STATUS", r),
            ("REWEIGHT", r),
            ("PRI-AFF", r),
        ],
        &rows,
    )
}

/// `ceph osd pool stats [POOL]`.
fn pool_stats(world: &World, state: &CephState, only: Option<&str>) -> String {
    let hosts = {
        let up = health::osds_up(world, state);
        let mut h: Vec<&str> = state
            .osds
            .iter()
            .filter(|o| up.contains(&o.id))
            .map(|o| o.node.as_str())
            .collect();
        h.dedup();
        h.len() as u64
    };
    let mut s = String::new();
    for p in state
        .pools
        .iter()
        .filter(|p| only.is_none_or(|n| n == p.name))
    {
        s.push_str(&format!("pool {} id {}\n", p.name, p.id));
        let (objects, _) = health::pool_usage(world, state, p);
        let copies = objects * p.size as u64;
        let bad = objects * (p.size as u64).saturating_sub(hosts.min(p.size as u64));
        if bad > 0 {
            s.push_str(&format!(
                "  {bad}/{copies} objects degraded ({:.3}%)\n",
                bad as f64 * 100.0 / copies as f64
            ));
        } else {
            s.push_str("  nothing is going on\n");
        }
        s.push('\n');
    }
    s
}

/// What a pool may still take: the OSDs' free space above the full ratio (0.95), divided by
/// its replication.
fn max_avail(world: &World, state: &CephState, size: u32) -> u64 {
    let total = state.raw_total();
    let used = health::raw_used(world, state);
    let reserve = total / 20;
    total.saturating_sub(used).saturating_sub(reserve) / size.max(1) as u64
}

/// `ceph df`.
fn df(world: &World, state: &CephState) -> String {
    let total = state.raw_total();
    let used = health::raw_used(world, state);
    let avail = total.saturating_sub(used);
    let pct = percent(used as f64 * 100.0 / total.max(1) as f64);
    let raw_row = |class: &str| {
        vec![
            class.to_string(),
            bytes(total),
            bytes(avail),
            bytes(used),
            bytes(used),
            pct.clone(),
        ]
    };
    let r = Align::Right;
    let mut s = String::from("--- RAW STORAGE ---\n");
    s.push_str(&text_table(
        &[
            ("CLASS", Align::Left),
            ("SIZE", r),
            ("AVAIL", r),
            ("USED", r),
            ("RAW USED", r),
            ("%RAW USED", r),
        ],
        &[raw_row("hdd"), raw_row("TOTAL")],
    ));
    s.push_str(" \n--- POOLS ---\n");
    let rows: Vec<Vec<String>> = state
        .pools
        .iter()
        .map(|p| {
            let (objects, stored) = health::pool_usage(world, state, p);
            let pused = stored * p.size as u64;
            let max = max_avail(world, state, p.size);
            let pct = if pused == 0 {
                0.0
            } else {
                pused as f64 * 100.0 / (pused + max * p.size as u64) as f64
            };
            vec![
                p.name.clone(),
                p.id.to_string(),
                p.pgs.to_string(),
                bytes(stored),
                objects.to_string(),
                bytes(pused),
                percent(pct),
                bytes(max),
            ]
        })
        .collect();
    s.push_str(&text_table(
        &[
            ("POOL", Align::Left),
            ("ID", r),
            ("PGS", r),
            ("STORED", r),
            ("OBJECTS", r),
            ("USED", r),
            ("%USED", r),
            ("MAX AVAIL", r),
        ],
        &rows,
    ));
    s
}

/// `rados df`.
fn rados_df(world: &World, state: &CephState) -> String {
    let (bad_hosts, up) = {
        let up = health::osds_up(world, state);
        let mut h: Vec<&str> = state
            .osds
            .iter()
            .filter(|o| up.contains(&o.id))
            .map(|o| o.node.as_str())
            .collect();
        h.dedup();
        (0, h.len() as u64)
    };
    let _ = bad_hosts;
    let mut total_objects = 0;
    let rows: Vec<Vec<String>> = state
        .pools
        .iter()
        .map(|p| {
            let (objects, stored) = health::pool_usage(world, state, p);
            total_objects += objects;
            let degraded = objects * (p.size as u64).saturating_sub(up.min(p.size as u64));
            vec![
                p.name.clone(),
                bytes(stored * p.size as u64),
                objects.to_string(),
                "0".into(),
                (objects * p.size as u64).to_string(),
                "0".into(),
                "0".into(),
                degraded.to_string(),
                "0".into(),
                bytes(0),
                "0".into(),
                bytes(0),
                bytes(0),
                bytes(0),
            ]
        })
        .collect();
    let r = Align::Right;
    let mut s = text_table(
        &[
            ("POOL_NAME", Align::Left),
            ("USED", r),
            ("OBJECTS", r),
            ("CLONES", r),
            ("COPIES", r),
            ("MISSING_ON_PRIMARY", r),
            ("UNFOUND", r),
            ("DEGRADED", r),
            ("RD_OPS", r),
            ("RD", r),
            ("WR_OPS", r),
            ("WR", r),
            ("USED COMPR", r),
            ("UNDER COMPR", r),
        ],
        &rows,
    );
    let total = state.raw_total();
    let used = health::raw_used(world, state);
    s.push('\n');
    s.push_str(&format!("total_objects    {total_objects}\n"));
    s.push_str(&format!("total_used       {}\n", bytes(used)));
    s.push_str(&format!(
        "total_avail      {}\n",
        bytes(total.saturating_sub(used))
    ));
    s.push_str(&format!("total_space      {}\n", bytes(total)));
    s
}
