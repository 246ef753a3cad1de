//! The work one more change costs among many nodes (issue 15): the DaemonSet controller looks
//! at the nodes whose daemon pods or node object changed, the node lifecycle controller at the
//! nodes written, the taint eviction controller at the nodes written and the pods on tainted
//! nodes written, and the disruption controller syncs the budgets a pod or budget write
//! concerns; so one more change costs the same among 200 nodes (or budgets) as among 100.

use crate::world::api::{kinds, meta};
use crate::world::{Stats, World};
use serde_json::{Value, json};

/// The default world with `workers` worker nodes (worker-1, worker-2 and copies of them).
fn world_with_nodes(workers: usize) -> World {
    let mut w = World::new(7);
    let nk = kinds::by_kind(kinds::NODE).expect("kind");
    let template = w.get(nk, "", "worker-1").expect("node");
    for i in 3..=workers {
        let name = format!("worker-{i}");
        let mut node = template.clone();
        let m = &mut node["metadata"];
        m["name"] = json!(name);
        m["labels"]["kubernetes.io/hostname"] = json!(name);
        for k in ["uid", "resourceVersion", "creationTimestamp"] {
            m.as_object_mut().map(|o| o.remove(k));
        }
        let status = node["status"].clone();
        w.create_internal(node).expect("node created");
        let mut stored = w.get(nk, "", &name).expect("node");
        stored["status"] = status;
        w.write(stored);
        w.nodes.insert(
            name.clone(),
            crate::world::nodes::NodeRuntime::new(&name, i as u32, 50 * 1_000_000_000),
        );
    }
    w.settle();
    w
}

/// A DaemonSet of nginx on every worker (the control plane's taint is not tolerated).
fn daemonset() -> Value {
    json!({"apiVersion": "apps/v1", "kind": kinds::DAEMON_SET,
        "metadata": {"name": "agent", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
}

/// The work `change` costs (with a second to settle) among `n` workers running a DaemonSet.
fn cost_among(n: usize, change: fn(&mut World)) -> Stats {
    let mut world = world_with_nodes(n);
    world.create(daemonset(), false).expect("created");
    world.advance(60_000);
    let ds = kinds::by_kind(kinds::DAEMON_SET).expect("kind");
    let d = world.get(ds, "default", "agent").expect("ds");
    assert_eq!(d["status"]["numberAvailable"], json!(n), "{}", d["status"]);
    let before = world.stats;
    change(&mut world);
    world.advance(1000);
    world.stats.since(before)
}

fn assert_flat(change: fn(&mut World)) -> Stats {
    let (small, large) = (cost_among(100, change), cost_among(200, change));
    assert_eq!(small, large);
    assert!(large.looks < 20, "{large:?}");
    large
}

fn write_node(world: &mut World, name: &str, f: impl FnOnce(&mut Value)) {
    let nk = kinds::by_kind(kinds::NODE).expect("kind");
    let mut node = world.get(nk, "", name).expect("node");
    f(&mut node);
    world.write(node);
}

/// A node cordoned: the node lifecycle controller taints it, the DaemonSet controller looks
/// at it (its pod stays: the unschedulable taint is tolerated), the taint eviction
/// controller at it alone.
#[test]
fn a_cordoned_node_costs_the_same_among_200_nodes() {
    let s = assert_flat(|w| {
        write_node(w, "worker-7", |n| n["spec"]["unschedulable"] = json!(true));
    });
    assert!(s.looks > 0, "{s:?}");
}

/// A daemon pod deleted: the DaemonSet controller looks at its node and makes a new one.
#[test]
fn a_deleted_daemon_pod_costs_the_same_among_200_nodes() {
    assert_flat(|w| {
        let pk = kinds::by_kind(kinds::POD).expect("kind");
        let name = w
            .store
            .list(pk, Some("default"))
            .find(|p| meta::str_at(p, &["spec", "nodeName"]) == Some("worker-7"))
            .map(|p| meta::name(p).to_string())
            .expect("daemon pod on worker-7");
        w.delete_internal(pk, "default", &name).expect("deleted");
    });
}

/// A NoExecute taint on one node: its daemon pod (which does not tolerate it) is evicted and
/// not replaced; the taint eviction controller looks at the pods of that node only.
#[test]
fn a_no_execute_taint_costs_the_same_among_200_nodes() {
    assert_flat(|w| {
        write_node(w, "worker-7", |n| {
            n["spec"]["taints"] = json!([{"key": "k", "value": "v", "effect": "NoExecute"}]);
        });
    });
}

/// The work one more PodDisruptionBudget and its deployment cost among `n` others.
fn cost_of_one_more_budget(n: usize) -> Stats {
    let mut world = World::new(7);
    let add = |world: &mut World, name: &str| {
        let d = json!({"apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        world.create(d, false).expect("created");
        let pdb = json!({"apiVersion": "policy/v1", "kind": kinds::POD_DISRUPTION_BUDGET,
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": name}}}});
        world.create(pdb, false).expect("created");
        world.advance(1000);
    };
    for i in 0..n {
        add(&mut world, &format!("b{i}"));
    }
    let before = world.stats;
    add(&mut world, "last");
    world.stats.since(before)
}

/// The disruption controller syncs the budgets that select a changed pod, not every budget.
#[test]
fn one_more_budget_costs_the_same_among_200() {
    let (small, large) = (cost_of_one_more_budget(100), cost_of_one_more_budget(200));
    assert_eq!(small, large);
    assert!(large.syncs < 30, "{large:?}");
}
