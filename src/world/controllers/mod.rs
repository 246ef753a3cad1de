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
use super::store::Queue;

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

/// Whether a controller has anything to look at: something it watches was written (or, for
/// time-sensitive controllers, the clock moved) since its last run.
fn due(world: &mut World, name: &'static str, watches: &[&str], time_sensitive: bool) -> bool {
    let writes: u64 = watches
        .iter()
        .map(|w| match *w {
            "@removals" => world.store.removals(),
            "@deleting" => world.store.deleting_writes(),
            k => world.store.kind_writes(k),
        })
        .sum();
    let resyncs = if time_sensitive {
        world.resyncs_fired
    } else {
        0
    };
    let mark = (writes, resyncs);
    let last = world
        .controller_marks
        .entry(name)
        .or_insert((u64::MAX, u64::MAX));
    if *last == mark {
        return false;
    }
    *last = mark;
    true
}

/// One round: every controller syncs everything it watches once. True if anything changed.
pub fn round(world: &mut World) -> bool {
    world.stats.rounds += 1;
    let before = world.store.writes();
    // The Deployment and ReplicaSet controllers sync what is on their work queues (the store
    // queues what each write concerns, `store::queues`; resyncs they asked for queue the
    // object again). What they watch as a whole still counts for objects whose last sync
    // failed, and for deployments past their progress deadline: those are synced again
    // whenever it changed, as a level-triggered pass over every object would.
    if due(
        world,
        "deployment",
        &["deployments", "replicasets", "@removals"],
        true,
    ) {
        let now = world.now();
        world.store.requeue_retries(Queue::Deployments, now);
    }
    if world.store.has_queued(Queue::Deployments) {
        deployment::run(world);
    }
    if due(world, "replicaset", &["replicasets", "pods"], true) {
        let now = world.now();
        world.store.requeue_retries(Queue::ReplicaSets, now);
    }
    if world.store.has_queued(Queue::ReplicaSets) {
        replicaset::run(world);
    }
    if due(
        world,
        "statefulset",
        &[
            "statefulsets",
            "pods",
            "controllerrevisions",
            "persistentvolumeclaims",
        ],
        true,
    ) {
        statefulset::run(world);
    }
    if due(world, "gc", &["@removals", "@deleting"], false) || world.store.has_maybe_orphans() {
        gc::run(world);
    }
    if due(
        world,
        "volumes",
        &[
            "persistentvolumeclaims",
            "persistentvolumes",
            "storageclasses",
            "pods",
        ],
        false,
    ) {
        volumes::run(world);
    }
    if due(world, "endpoints", &["services", "pods"], false) {
        endpoints::run(world);
    }
    if due(world, "imports", &["imagestreams"], false) {
        crate::world::openshift::import::run(world);
    }
    if due(
        world,
        "triggers",
        &[
            "imagestreams",
            "deployments",
            "statefulsets",
            "daemonsets",
            "cronjobs",
        ],
        false,
    ) {
        crate::world::openshift::triggers::run(world);
    }
    if due(
        world,
        "namespace",
        &["namespaces", "@removals", "services"],
        false,
    ) || world.any_namespace_terminating()
    {
        namespace::run(world);
    }
    if due(
        world,
        "scheduler",
        &[
            "pods",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
        ],
        false,
    ) {
        scheduler::run(world);
    }
    if due(world, "kubelet", &["pods"], false) {
        kubelet::run(world);
    }
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
