//! Which pods a ReplicaSet deletes when it has too many (`getPodsToDelete` with
//! `ActivePodsWithRanks`).

use crate::world::api::kinds;
use crate::world::api::meta::Field;
use serde_json::Value;
use std::cmp::Ordering;

use super::{Active, dependents, is_active};
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::{Millis, parse_rfc3339};

/// What the deletion ranking needs of one pod (worked out only when pods are deleted).
struct PodInfo<'a> {
    name: &'a str,
    uid: &'a str,
    node: &'a str,
    phase: i32,
    ready_since: Option<Millis>,
    cost: i64,
    created: Millis,
    restarts: i64,
}

fn info(a: &Active) -> PodInfo<'_> {
    let p = &*a.pod;
    PodInfo {
        name: meta::name(p),
        uid: meta::uid(p),
        node: meta::str_at(p, &["spec", "nodeName"]).unwrap_or(""),
        phase: phase_ordinal(p),
        ready_since: a.ready_since,
        cost: meta::annotation(p, "controller.kubernetes.io/pod-deletion-cost")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        created: meta::str_at(p, &["metadata", "creationTimestamp"])
            .and_then(parse_rfc3339)
            .unwrap_or(0),
        restarts: max_restarts(p),
    }
}

fn phase_ordinal(p: &Value) -> i32 {
    match meta::str_at(p, &["status", "phase"]) {
        Some("Pending") | None => 0,
        Some("Unknown") => 1,
        Some("Running") => 2,
        _ => 3,
    }
}

fn log2_bucket(now: Millis, t: Millis) -> i64 {
    let d_ns = (now - t) as f64 * 1e6;
    if d_ns > 0.0 { d_ns.log2() as i64 } else { -1 }
}

fn max_restarts(p: &Value) -> i64 {
    meta::path(p, &["status", "containerStatuses"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.field("restartCount").and_then(Value::as_i64))
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// `getPodsToDelete` with `ActivePodsWithRanks` ordering: the names of the pods to delete.
pub(super) fn pods_to_delete(world: &World, rs: &Value, owned: &[Active], n: usize) -> Vec<String> {
    if n >= owned.len() {
        return owned
            .iter()
            .map(|p| meta::name(&p.pod).to_string())
            .collect();
    }
    let active: Vec<PodInfo> = owned.iter().map(info).collect();
    let now = world.now();
    // Related pods: the active pods of every ReplicaSet of the same owner (or of this one),
    // found through the owners index.
    let ns = meta::namespace(rs);
    let owner = meta::controller_of(rs).map(|(_, _, u)| u);
    let siblings: Vec<String> = match &owner {
        Some(o) => dependents(world, o, kinds::REPLICA_SET, ns)
            .filter(|r| meta::controller_of(r).map(|(_, _, u)| u).as_ref() == Some(o))
            .map(|r| meta::uid(r).to_string())
            .collect(),
        None => vec![meta::uid(rs).to_string()],
    };
    let mut related: Vec<&Value> = siblings
        .iter()
        .flat_map(|s| dependents(world, s, kinds::POD, ns))
        .collect();
    related.sort_by_key(|p| meta::name(p));
    related.dedup_by_key(|p| meta::name(p));
    let mut per_node: std::collections::BTreeMap<String, usize> = Default::default();
    for p in related {
        if is_active(p)
            && meta::controller_of(p).is_some_and(|(_, _, u)| siblings.contains(&u))
            && let Some(node) = meta::str_at(p, &["spec", "nodeName"])
        {
            *per_node.entry(node.to_string()).or_default() += 1;
        }
    }
    let rank = |p: &PodInfo| {
        if p.node.is_empty() {
            0
        } else {
            per_node.get(p.node).copied().unwrap_or(0)
        }
    };
    let ranked: Vec<(usize, &PodInfo)> = active.iter().map(|p| (rank(p), p)).collect();
    let ranked = merge_sort(ranked, &|x, y| by_rank(now, x, y));
    ranked
        .into_iter()
        .take(n)
        .map(|(_, p)| p.name.to_string())
        .collect()
}

/// `ActivePodsWithRanks.Less` as an ordering of (rank, pod) pairs.
fn by_rank(now: Millis, (ri, a): &(usize, &PodInfo), (rj, b): &(usize, &PodInfo)) -> Ordering {
    if a.node != b.node && (a.node.is_empty() || b.node.is_empty()) {
        return if a.node.is_empty() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let o = a.phase.cmp(&b.phase);
    if o != Ordering::Equal {
        return o;
    }
    if a.ready_since.is_some() != b.ready_since.is_some() {
        return if a.ready_since.is_none() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let o = a.cost.cmp(&b.cost);
    if o != Ordering::Equal {
        return o;
    }
    if ri != rj {
        return rj.cmp(ri);
    }
    if let (Some(ta), Some(tb)) = (a.ready_since, b.ready_since)
        && ta != tb
    {
        let diff = log2_bucket(now, ta) - log2_bucket(now, tb);
        return if diff == 0 {
            a.uid.cmp(b.uid)
        } else {
            diff.cmp(&0)
        };
    }
    let o = b.restarts.cmp(&a.restarts);
    if o != Ordering::Equal {
        return o;
    }
    if a.created != b.created {
        let diff = log2_bucket(now, a.created) - log2_bucket(now, b.created);
        return if diff == 0 {
            a.uid.cmp(b.uid)
        } else {
            diff.cmp(&0)
        };
    }
    Ordering::Equal
}

/// A stable merge sort that never panics. Upstream's ranking is not a total order (two pods
/// ready at different times in the same logarithmic bucket are ordered by uid, skipping the
/// criteria after it, so three pods can compare in a cycle); Go's sort takes that in its
/// stride, while Rust's `sort_by` may panic when it notices. On a consistent ordering this is
/// exactly what `sort_by` gives (a stable sort's result is unique).
fn merge_sort<T>(mut v: Vec<T>, cmp: &impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    if v.len() <= 1 {
        return v;
    }
    let right = merge_sort(v.split_off(v.len() / 2), cmp);
    let left = merge_sort(v, cmp);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut right = right.into_iter().peekable();
    for l in left {
        while let Some(r) = right.next_if(|r| cmp(r, &l) == Ordering::Less) {
            out.push(r);
        }
        out.push(l);
    }
    out.extend(right);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted as `sort_by` sorts when the ordering is consistent (stably), and without a
    /// panic when it is not.
    #[test]
    fn merge_sort_is_stable_and_takes_inconsistent_orderings() {
        let v: Vec<(i32, usize)> = [3, 1, 2, 1, 3, 0, 2].iter().copied().zip(0..).collect();
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        assert_eq!(merge_sort(v, &|a, b| a.0.cmp(&b.0)), want);
        // Rock, paper, scissors: every element beats the next one.
        let cycle: Vec<u32> = (0..200).map(|i| i % 3).collect();
        let beats = |a: &u32, b: &u32| match (b + 3 - a) % 3 {
            0 => Ordering::Equal,
            1 => Ordering::Less,
            _ => Ordering::Greater,
        };
        assert_eq!(merge_sort(cycle, &beats).len(), 200);
    }
}
