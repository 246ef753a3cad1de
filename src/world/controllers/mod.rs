//! Controllers with the upstream algorithms, run in rounds in a fixed order until a whole round
//! changes nothing. A controller runs in a round only when something it watches changed; the
//! Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, endpoints, node lifecycle,
//! taint eviction and disruption controllers then sync only the objects on their work queues
//! (`store::queues`), the scheduler only the pending pods that may now fit, and the others
//! every object they own.

use crate::world::api::kinds;
pub mod backoff;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslices;
pub mod gc;
pub mod hpa;
pub mod job;
pub mod namespace;
pub mod nodelifecycle;
pub mod quota;
pub mod replicaset;
pub mod replication_controller;
pub mod statefulset;
pub mod taint_eviction;
pub mod volumes;

#[cfg(test)]
mod node_costs;
#[cfg(test)]
mod queue_costs;

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

/// Deletes a pod its controller no longer wants and records `SuccessfulDelete` (`Deleted pod:
/// NAME`) on the owner, as the DaemonSet and Job controllers do.
pub(crate) fn delete_owned_pod(
    world: &mut World,
    owner: &serde_json::Value,
    pod: &serde_json::Value,
    source: &crate::world::events::Source,
) {
    use crate::world::api::meta;
    let Some(k) = crate::world::api::kinds::by_kind(kinds::POD) else {
        return;
    };
    if world
        .delete_internal(k, meta::namespace(pod), meta::name(pod))
        .is_ok()
    {
        world.record_event(
            owner,
            None,
            "Normal",
            "SuccessfulDelete",
            &format!("Deleted pod: {}", meta::name(pod)),
            source,
        );
    }
}

/// Syncs the objects on a work queue in key order, counting each sync in `World::stats` (the
/// StatefulSet, DaemonSet, Job and CronJob controllers; see `store::queues` for what queues
/// them). An object queued ahead during the pass is synced in it, one queued behind in the next
/// round, as a pass over every object in key order would. An object whose sync wrote anything
/// (an event included) is synced again the next time the controller is due, as such a pass
/// would have done; one whose sync changed nothing waits for a write that concerns it or for
/// the instant it asked for (`World::requeue_at`).
pub(crate) fn sync_queue(world: &mut World, q: Queue, sync: fn(&mut World, &str, &str)) {
    let mut after: Option<(String, String)> = None;
    while let Some(key) = world.store.next_queued(q, after.as_ref()) {
        world.stats.syncs += 1;
        let before = world.store.writes();
        sync(world, &key.0, &key.1);
        if world.store.writes() != before {
            world.store.retry(q, &key.0, &key.1);
        }
        after = Some(key);
    }
}

/// Runs a queued controller for a round: the objects to retry go back on its queue when
/// something it watches changed (`due`), then it syncs its queue if that holds anything.
fn run_queued(world: &mut World, due: bool, q: Queue, run: fn(&mut World)) {
    if due {
        let now = world.now();
        world.store.requeue_retries(q, now);
    }
    if world.store.has_queued(q) {
        run(world);
    }
}

/// Whether a controller has anything to look at: something it watches was written (or, for
/// time-sensitive controllers, the clock moved) since its last run.
///
/// It is asked about thirty times a round: when nothing at all was written or removed since the
/// controller was last asked (the store's count of writes unchanged), what it watches is
/// unchanged too, and only the resyncs are compared, without summing the kinds' counts.
fn due(world: &mut World, name: &'static str, watches: &[&str], time_sensitive: bool) -> bool {
    let s = &world.store;
    let global = s.writes();
    let resyncs = if time_sensitive {
        world.resyncs_fired
    } else {
        0
    };
    let last = world.controller_marks.entry(name).or_insert(Mark {
        watched: u64::MAX,
        resyncs: u64::MAX,
        global: u64::MAX,
    });
    if last.global == global {
        if last.resyncs == resyncs {
            return false;
        }
        last.resyncs = resyncs;
        return true;
    }
    let watched: u64 = watches
        .iter()
        .map(|w| match *w {
            "@removals" => s.removals(),
            "@deleting" => s.deleting_writes(),
            k => s.kind_writes(k),
        })
        .sum();
    last.global = global;
    if (last.watched, last.resyncs) == (watched, resyncs) {
        return false;
    }
    (last.watched, last.resyncs) = (watched, resyncs);
    true
}

/// What a controller's [`due`] check saw the last time it was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    /// The writes to what it watches.
    watched: u64,
    /// The resync timers fired (0 for controllers that are not time-sensitive).
    resyncs: u64,
    /// The store's writes (every write and removal counts there, whatever its kind).
    global: u64,
}

/// One round: every controller syncs everything it watches once. True if anything changed.
pub fn round(world: &mut World) -> bool {
    world.stats.rounds += 1;
    let before = world.store.writes();
    // The Deployment and ReplicaSet controllers sync what is on their work queues (the store
    // queues what each write concerns, `store::queues`; resyncs they asked for queue the
    // object again). What they watch as a whole still counts for objects whose last sync
    // failed, for deployments past their progress deadline and for objects at kubelab's
    // limits: those are synced again whenever it changed, as a pass over every object was.
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
        "replicationcontroller",
        &["replicationcontrollers", "pods"],
        true,
    ) {
        replication_controller::run(world);
    }
    // The workload controllers of issue 17 work from queues too; what they watch as a whole
    // puts back the objects whose last sync wrote something.
    let d = due(
        world,
        "statefulset",
        &[
            "statefulsets",
            "pods",
            "controllerrevisions",
            "persistentvolumeclaims",
        ],
        true,
    );
    run_queued(world, d, Queue::StatefulSets, statefulset::run);
    let d = due(
        world,
        "daemonset",
        &["daemonsets", "pods", "nodes", "controllerrevisions"],
        true,
    );
    run_queued(world, d, Queue::DaemonSets, daemonset::run);
    let d = due(world, "cronjob", &["cronjobs", "jobs"], true);
    run_queued(world, d, Queue::CronJobs, cronjob::run);
    let d = due(world, "job", &["jobs", "pods"], true);
    run_queued(world, d, Queue::Jobs, job::run);
    if d {
        job::release_orphans(world);
    }
    if due(world, "hpa", &["horizontalpodautoscalers"], true) {
        hpa::run(world);
    }
    if due(world, "gc", &["@removals", "@deleting"], false) || world.store.has_maybe_orphans() {
        gc::run(world);
    }
    // The rook operator (`world/rook/operator.rs`), while its pod runs.
    if due(
        world,
        "rook",
        &[
            "cephclusters",
            "cephblockpools",
            "deployments",
            "jobs",
            "nodes",
            "pods",
            "persistentvolumes",
        ],
        false,
    ) {
        crate::world::rook::operator::run(world);
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
    if due(
        world,
        "endpoints",
        &["services", "pods", "@removals"],
        false,
    ) {
        endpoints::run(world);
    }
    // Issue 17's traffic: load balancer addresses, then the ingress controller's status.
    if due(world, "loadbalancers", &["services"], false) {
        crate::world::traffic::load_balancers::run(world);
    }
    if due(
        world,
        "ingress",
        &["ingresses", "ingressclasses", "services", "pods"],
        false,
    ) {
        crate::world::traffic::ingress::run(world);
    }
    if due(world, "routes", &["routes"], false) {
        crate::world::openshift::routes::run(world);
    }
    if due(world, "quota", quota::WATCHES, false) {
        quota::run(world);
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
    // Issue 17's node controllers: node taints, NoExecute evictions, budgets' status.
    if due(world, "nodelifecycle", &["nodes"], false) {
        nodelifecycle::run(world);
    }
    if due(world, "taint_eviction", &["nodes", "pods"], true) {
        taint_eviction::run(world);
    }
    let d = due(world, "disruption", &["poddisruptionbudgets", "pods"], true);
    run_queued(world, d, Queue::Budgets, disruption::run);
    if due(
        world,
        "scheduler",
        &[
            "pods",
            "nodes",
            "persistentvolumeclaims",
            "persistentvolumes",
            "storageclasses",
        ],
        true,
    ) {
        scheduler::run(world);
    }
    if due(
        world,
        "kubelet",
        &["pods", "configmaps", "secrets", "nodes"],
        false,
    ) {
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

#[cfg(test)]
mod tests {
    use crate::world::{Stats, World};
    use serde_json::json;

    /// Creates a Deployment of three nginx replicas, as `kubectl create deployment` does, and
    /// lets a second pass (a student's think time).
    fn create_deployment(world: &mut World, name: &str) {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}},
        });
        world.create(d, false).expect("created");
        world.advance(1000);
    }

    /// The work one more deployment costs in a world that already holds `n` of them.
    fn cost_of_one_more(n: usize) -> Stats {
        let mut world = World::new(7);
        for i in 0..n {
            create_deployment(&mut world, &format!("d{i}"));
        }
        let before = world.stats;
        create_deployment(&mut world, "last");
        world.stats.since(before)
    }

    /// The work one more Service and its deployment cost next to `n` others in the same
    /// namespace, each Service selecting its own deployment's pods.
    fn cost_of_one_more_service(n: usize) -> Stats {
        let mut world = World::new(7);
        let service = |world: &mut World, name: &str| {
            let s = json!({"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}});
            world.create(s, false).expect("created");
        };
        for i in 0..n {
            service(&mut world, &format!("d{i}"));
            create_deployment(&mut world, &format!("d{i}"));
        }
        let before = world.stats;
        service(&mut world, "last");
        create_deployment(&mut world, "last");
        world.stats.since(before)
    }

    /// The endpoints controller syncs the Services that select a changed pod, not every
    /// Service of the namespace: one more Service costs the same among 200 as among 100.
    #[test]
    fn cost_of_a_service_does_not_grow_with_the_world() {
        let (small, large) = (cost_of_one_more_service(100), cost_of_one_more_service(200));
        assert_eq!(small, large);
        assert!(large.syncs < 30, "{large:?}");
    }

    /// A command's work does not grow with the objects it does not touch: with the nodes full
    /// either way, one more deployment syncs as many objects and tries as many pending pods
    /// among 200 deployments (600 pods, most pending) as among 100.
    #[test]
    fn cost_of_a_deployment_does_not_grow_with_the_world() {
        let (small, large) = (cost_of_one_more(100), cost_of_one_more(200));
        assert_eq!(small, large);
        assert!(large.syncs < 20 && large.scheduling_tries < 10, "{large:?}");
    }
}
