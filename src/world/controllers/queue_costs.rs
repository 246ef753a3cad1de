//! The work one more workload costs among many (issue 15): the StatefulSet, DaemonSet, Job and
//! CronJob controllers sync what their work queues hold, so one more object of their kind
//! costs the same among 200 of them as among 100.

use crate::world::api::kinds;
use crate::world::{Stats, World};
use serde_json::{Value, json};

/// A StatefulSet of one nginx pod.
fn statefulset(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kinds::STATEFUL_SET,
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": 1, "serviceName": name,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

/// A DaemonSet of nginx on the nodes that take it.
fn daemonset(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kinds::DAEMON_SET,
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

/// A Job whose one pod runs on (nginx does not exit).
fn job(name: &str) -> Value {
    json!({"apiVersion": "batch/v1", "kind": kinds::JOB,
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "nginx"}]}}}})
}

/// A CronJob every five minutes.
fn cronjob(name: &str) -> Value {
    json!({"apiVersion": "batch/v1", "kind": kinds::CRON_JOB,
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}})
}

/// The default world with room for 1,000 pods on each node (so that 200 DaemonSets all run,
/// and a full node does not change what one more object costs).
fn roomy_world() -> World {
    let mut world = World::new(7);
    let nk = crate::world::api::kinds::by_kind(kinds::NODE).expect("kind");
    let names: Vec<String> = world
        .store
        .list(nk, None)
        .map(|n| crate::world::api::meta::name(n).to_string())
        .collect();
    for name in names {
        let mut node = world.get(nk, "", &name).expect("node");
        node["status"]["allocatable"]["pods"] = json!("1000");
        node["status"]["capacity"]["pods"] = json!("1000");
        world.write(node);
    }
    world.settle();
    world
}

/// The work one more object made by `make` costs in a world that already holds `n` of them,
/// each created as a user would and given a second (a student's think time).
fn cost_of_one_more(n: usize, make: fn(&str) -> Value) -> Stats {
    let mut world = roomy_world();
    let create = |world: &mut World, name: &str| {
        world.create(make(name), false).expect("created");
        world.advance(1000);
    };
    for i in 0..n {
        create(&mut world, &format!("w{i}"));
    }
    let before = world.stats;
    create(&mut world, "last");
    world.stats.since(before)
}

fn assert_flat(make: fn(&str) -> Value) {
    let (small, large) = (cost_of_one_more(100, make), cost_of_one_more(200, make));
    assert_eq!(small, large);
    assert!(large.syncs < 40, "{large:?}");
}

#[test]
fn one_more_statefulset_costs_the_same_among_200() {
    assert_flat(statefulset);
}

#[test]
fn one_more_daemonset_costs_the_same_among_200() {
    assert_flat(daemonset);
}

#[test]
fn one_more_job_costs_the_same_among_200() {
    assert_flat(job);
}

#[test]
fn one_more_cronjob_costs_the_same_among_200() {
    assert_flat(cronjob);
}
