//! Controllers with the upstream algorithms, run level-triggered: after any change every
//! controller syncs every object it owns, in a fixed order, until a whole round changes nothing.

pub mod deployment;
pub mod endpoints;
pub mod gc;
pub mod namespace;
pub mod replicaset;
pub mod statefulset;
pub mod volumes;

use super::World;
use super::nodes::{kubelet, scheduler};

/// Rounds after which settling stops (a controller fight would otherwise never end).
const MAX_ROUNDS: usize = 2000;

/// Runs every controller until nothing changes at the current instant.
pub fn settle(world: &mut World) {
    for _ in 0..MAX_ROUNDS {
        if !round(world) {
            return;
        }
    }
    world.notices.push(format!(
        "kubelab: controllers did not settle after {MAX_ROUNDS} rounds; continuing"
    ));
}

/// One round: every controller syncs everything once. True if anything changed.
pub fn round(world: &mut World) -> bool {
    let before = world.store.writes();
    deployment::run(world);
    replicaset::run(world);
    statefulset::run(world);
    gc::run(world);
    volumes::run(world);
    endpoints::run(world);
    crate::world::openshift::import::run(world);
    crate::world::openshift::triggers::run(world);
    namespace::run(world);
    scheduler::run(world);
    kubelet::run(world);
    world.store.writes() != before
}

/// A named timer fired (extension controllers register names).
pub fn on_named_timer(world: &mut World, name: &str) {
    let parts: Vec<&str> = name.splitn(3, '/').collect();
    match parts.as_slice() {
        ["provision", ns, claim] => volumes::provision(world, ns, claim),
        ["import", ns, name] => crate::world::openshift::import::on_scheduled(world, ns, name),
        _ => {}
    }
}
