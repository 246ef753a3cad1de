//! The controllers' rate-limited retries (`workqueue.DefaultControllerRateLimiter`'s
//! per-item exponential back-off: 5 ms doubling per failure in a row, at most 1000 s): a sync
//! that fails (a pod create refused by admission) is queued again after the back-off, and a
//! sync that succeeds forgets the failures (`Forget`).

use crate::world::World;
use crate::world::clock::Millis;
use crate::world::store::Queue;

const BASE_MS: Millis = 5;
const MAX_MS: Millis = 1_000_000;

fn key(q: Queue, ns: &str, name: &str) -> String {
    format!("{q:?}/{ns}/{name}")
}

/// `AddRateLimited`: the object is synced again after its back-off.
pub fn failed(world: &mut World, q: Queue, ns: &str, name: &str) {
    let k = key(q, ns, name);
    let n = world.sync_failures.get(&k).copied().unwrap_or(0);
    world.sync_failures.insert(k, n.saturating_add(1));
    let delay = BASE_MS.saturating_mul(1 << n.min(30)).min(MAX_MS);
    let at = world.now() + delay;
    world.requeue_at(q, ns, name, at);
}

/// `Forget`: the sync succeeded.
pub fn forget(world: &mut World, q: Queue, ns: &str, name: &str) {
    let k = key(q, ns, name);
    if world.sync_failures.contains_key(&k) {
        world.sync_failures.remove(&k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_then_reset() {
        let mut w = World::new(1);
        let t0 = w.now();
        failed(&mut w, Queue::ReplicaSets, "default", "web");
        failed(&mut w, Queue::ReplicaSets, "default", "web");
        assert_eq!(w.sync_failures.get("ReplicaSets/default/web"), Some(&2));
        forget(&mut w, Queue::ReplicaSets, "default", "web");
        assert!(w.sync_failures.is_empty());
        assert_eq!(w.now(), t0);
    }
}
