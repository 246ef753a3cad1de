//! The kubelet's image garbage collection (`imageGCHighThresholdPercent` 85,
//! `imageGCLowThresholdPercent` 80, `imageMinimumGCAge` 2m, checked every 5 minutes): above the
//! high threshold, unused images are removed least recently used first until usage is at or
//! below the low threshold. An image used by any container on the node is never removed.

use crate::world::api::kinds;
use std::collections::BTreeSet;

use crate::world::World;
use crate::world::clock::{Millis, Timer};
use crate::world::events::Source;

/// How often the kubelet checks disk usage.
pub const PERIOD_MS: Millis = 5 * 60 * 1000;
/// Usage at which collection starts.
pub const HIGH_PERCENT: u64 = 85;
/// Usage collection frees down to.
pub const LOW_PERCENT: u64 = 80;
/// Images younger than this are kept.
pub const MIN_AGE_MS: Millis = 2 * 60 * 1000;

/// Runs one garbage collection pass on `node` and schedules the next; returns the removed digests.
pub fn run(world: &mut World, node: &str) -> Vec<String> {
    world.clock.after(
        PERIOD_MS,
        Timer::NodeHousekeeping {
            node: node.to_string(),
        },
    );
    collect(world, node)
}

/// One pass without rescheduling.
pub fn collect(world: &mut World, node: &str) -> Vec<String> {
    let now = world.now();
    let in_use: BTreeSet<String> = world
        .pods
        .values()
        .filter(|p| p.node == node)
        .flat_map(|p| p.containers.iter().map(|c| c.image_id.clone()))
        .collect();
    let Some(rt) = world.nodes.get_mut(node) else {
        return vec![];
    };
    if rt.disk_percent() < HIGH_PERCENT {
        return vec![];
    }
    let target = rt.disk_capacity * LOW_PERCENT / 100;
    let need = rt.disk_used().saturating_sub(target);
    let before = rt.disk_used();
    let mut candidates: Vec<(Millis, String)> = rt
        .images
        .values()
        .filter(|i| now - i.pulled_at >= MIN_AGE_MS)
        .filter(|i| {
            !i.repo_digests.iter().any(|d| in_use.contains(d)) && !in_use.contains(&i.digest)
        })
        .map(|i| (i.last_used, i.digest.clone()))
        .collect();
    candidates.sort();
    let mut removed = Vec::new();
    for (_, digest) in candidates {
        if rt.disk_used() <= target {
            break;
        }
        rt.images.remove(&digest);
        removed.push(digest);
    }
    let still_high = rt.disk_used() > target;
    let freed = before.saturating_sub(rt.disk_used());
    if still_high && let Some(obj) = world.object(kinds::NODE, "", node).cloned() {
        world.record_event(
                &obj,
                None,
                "Warning",
                "FreeDiskSpaceFailed",
                &format!("Failed to garbage collect required amount of images. Attempted to free {need} bytes, but only found {freed} bytes eligible to free."),
                &Source::on_host("kubelet", node),
            );
    }
    removed
}
