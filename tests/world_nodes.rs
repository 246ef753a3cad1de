//! Issue 17's node operations against the world's API: the disruption controller's PDB status,
//! the Eviction API's decisions, the node lifecycle controller's taints and the taint eviction
//! controller's timing. Cases after upstream's unit tests (disruption_test.go,
//! eviction_test.go, taint_eviction_test.go, node_lifecycle_controller_test.go), in our words.

use kubelab::world::World;
use kubelab::world::api::Reason;
use kubelab::world::api::kinds;
use kubelab::world::api::meta;
use kubelab::world::requests::DeleteOptions;
use serde_json::{Value, json};

fn deployment(w: &mut World, name: &str, replicas: i64) {
    let d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
    });
    w.create(d, false).expect("deployment");
    w.advance(10_000);
}

fn pdb(w: &mut World, name: &str, app: &str, spec: Value) {
    let mut spec = spec;
    spec["selector"] = json!({"matchLabels": {"app": app}});
    let b = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"}, "spec": spec});
    w.create(b, false).expect("pdb");
    w.advance(1000);
}

/// (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed) of a budget.
fn status(w: &World, name: &str) -> (i64, i64, i64, i64) {
    let b = w
        .object("PodDisruptionBudget", "default", name)
        .expect("pdb");
    let s = |f: &str| meta::int_at(b, &["status", f]).unwrap_or(-1);
    (
        s("expectedPods"),
        s("currentHealthy"),
        s("desiredHealthy"),
        s("disruptionsAllowed"),
    )
}

fn pods(w: &World, app: &str) -> Vec<Value> {
    let k = kinds::by_kind("Pod").unwrap();
    w.list_quiet(k, Some("default"), None)
        .into_iter()
        .filter(|p| meta::labels(p).get("app").map(String::as_str) == Some(app))
        .filter(|p| !meta::is_deleting(p))
        .collect()
}

fn condition_reason(b: &Value) -> String {
    meta::path(b, &["status", "conditions"])
        .and_then(|c| c.get(0))
        .and_then(|c| c.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// TestIntegerMinAvailable / TestMinAvailable with a Deployment: minAvailable 2 of 3 ready
/// replicas allows one disruption; scaled to 2, none.
#[test]
fn min_available_integer() {
    let mut w = World::new(3);
    deployment(&mut w, "web", 3);
    pdb(&mut w, "web", "web", json!({"minAvailable": 2}));
    assert_eq!(status(&w, "web"), (3, 3, 2, 1));
    let b = w.object("PodDisruptionBudget", "default", "web").unwrap();
    assert_eq!(condition_reason(b), "SufficientPods");
    assert_eq!(meta::int_at(b, &["status", "observedGeneration"]), Some(1));
    let mut d = w.object("Deployment", "default", "web").cloned().unwrap();
    d["spec"]["replicas"] = json!(2);
    w.update(d, false).unwrap();
    w.advance(10_000);
    assert_eq!(status(&w, "web"), (2, 2, 2, 0));
    let b = w.object("PodDisruptionBudget", "default", "web").unwrap();
    assert_eq!(condition_reason(b), "InsufficientPods");
}

/// TestIntegerMaxUnavailableWithScaling and TestReplicaSet with percentages: the expected
/// count comes from the controller's scale, rounded up.
#[test]
fn max_unavailable_and_percentages() {
    let mut w = World::new(3);
    deployment(&mut w, "web", 4);
    pdb(&mut w, "max", "web", json!({"maxUnavailable": 1}));
    assert_eq!(status(&w, "max"), (4, 4, 3, 1));
    pdb(&mut w, "pct", "web", json!({"minAvailable": "30%"}));
    // 30% of 4 = 1.2, rounded up to 2.
    assert_eq!(status(&w, "pct"), (4, 4, 2, 2));
    pdb(&mut w, "maxpct", "web", json!({"maxUnavailable": "50%"}));
    assert_eq!(status(&w, "maxpct"), (4, 4, 2, 2));
}

/// TestNakedPod: a percentage over pods without a controller cannot be computed: no
/// disruption allowed, `SyncFailed`, and the CalculateExpectedPodCountFailed event.
#[test]
fn naked_pod_with_percentage_fails_safe() {
    let mut w = World::new(3);
    let p = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "naked", "namespace": "default", "labels": {"app": "n"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
    w.create(p, false).unwrap();
    w.advance(10_000);
    pdb(&mut w, "n", "n", json!({"minAvailable": "50%"}));
    // A naked pod counts for no controller: the scale sum is 0.
    let b = w.object("PodDisruptionBudget", "default", "n").unwrap();
    assert_eq!(meta::int_at(b, &["status", "disruptionsAllowed"]), Some(0));
    // With an integer minAvailable the pods themselves are counted.
    pdb(&mut w, "i", "n", json!({"minAvailable": 0}));
    assert_eq!(status(&w, "i"), (1, 1, 0, 1));
}

/// TestNoSelector: a budget whose selector is empty selects every pod of its namespace.
#[test]
fn empty_selector_selects_all() {
    let mut w = World::new(3);
    deployment(&mut w, "a", 2);
    let b = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "all", "namespace": "default"},
        "spec": {"minAvailable": 1, "selector": {}}});
    w.create(b, false).unwrap();
    w.advance(1000);
    assert_eq!(status(&w, "all"), (2, 2, 1, 1));
}

/// eviction_test.go: a budget allowing one disruption lets one eviction through (and counts
/// it in disruptedPods), the next gets 429; a pending pod is evicted without looking at the
/// budget; two budgets over one pod are a 500.
#[test]
fn eviction_api_honours_the_budget() {
    let mut w = World::new(3);
    deployment(&mut w, "web", 3);
    pdb(&mut w, "web", "web", json!({"minAvailable": 2}));
    let names: Vec<String> = pods(&w, "web")
        .iter()
        .map(|p| meta::name(p).to_string())
        .collect();
    let opts = DeleteOptions::default();
    // As the API server answers, before the disruption controller runs.
    w.settle_on_write = false;
    w.evict("default", &names[0], &opts)
        .expect("first eviction");
    let b = w.object("PodDisruptionBudget", "default", "web").unwrap();
    assert_eq!(meta::int_at(b, &["status", "disruptionsAllowed"]), Some(0));
    assert!(meta::path(b, &["status", "disruptedPods", &names[0]]).is_some());
    w.settle_on_write = true;
    w.settle();
    // The controller forgets a disrupted pod once it is being deleted.
    let b = w.object("PodDisruptionBudget", "default", "web").unwrap();
    assert!(meta::path(b, &["status", "disruptedPods"]).is_none());
    // An integer minAvailable counts every selected pod: the terminating one and its
    // replacement (not Ready yet) too.
    assert_eq!(status(&w, "web"), (4, 2, 2, 0));
    let p = w.object("Pod", "default", &names[0]).unwrap();
    assert!(meta::is_deleting(p));
    assert!(meta::condition(p, "DisruptionTarget").is_some());
    let e = w.evict("default", &names[1], &opts).unwrap_err();
    assert_eq!(e.reason, Reason::TooManyRequests);
    assert_eq!(
        e.message,
        "Cannot evict pod as it would violate the pod's disruption budget."
    );
    let e = w.evict("default", "nope", &opts).unwrap_err();
    assert_eq!(e.reason, Reason::NotFound);
    // A second budget over the same pods.
    pdb(&mut w, "other", "web", json!({"maxUnavailable": 1}));
    let e = w.evict("default", &names[1], &opts).unwrap_err();
    assert_eq!(e.reason, Reason::InternalError);
    assert_eq!(
        e.message,
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
    );
    // Once the replacement is Ready the budget allows one again (disruptedPods forgotten).
    w.delete(
        kinds::by_kind("PodDisruptionBudget").unwrap(),
        "default",
        "other",
        &opts,
    )
    .unwrap();
    w.advance(10_000);
    assert_eq!(status(&w, "web"), (3, 3, 2, 1));
    let b = w.object("PodDisruptionBudget", "default", "web").unwrap();
    assert!(meta::path(b, &["status", "disruptedPods"]).is_none());
    // A pending pod (no node fits) is evicted without the budget.
    let p = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "stuck", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"nodeSelector": {"disk": "none"}, "containers": [{"name": "c", "image": "nginx"}]}});
    w.create(p, false).unwrap();
    w.advance(1000);
    w.evict("default", "stuck", &opts)
        .expect("pending pods ignore budgets");
}

fn set_node_ready(w: &mut World, node: &str, status: &str) {
    let mut n = w.object("Node", "", node).cloned().unwrap();
    for c in n["status"]["conditions"].as_array_mut().unwrap() {
        c["status"] = json!(if c["type"] == "Ready" {
            status
        } else if status == "True" {
            "False"
        } else {
            status
        });
    }
    w.write(n);
    w.settle();
}

fn taint_keys(w: &World, node: &str) -> Vec<String> {
    let n = w.object("Node", "", node).unwrap();
    meta::path(n, &["spec", "taints"])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|t| {
                    format!(
                        "{}:{}",
                        t["key"].as_str().unwrap(),
                        t["effect"].as_str().unwrap()
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The node lifecycle controller taints a node whose Ready condition is Unknown
/// (unreachable) or False (not-ready), and the pods' default 300 s tolerations let them stay
/// exactly that long; the Deployment replaces them on the other worker.
#[test]
fn unreachable_node_evicts_after_300_seconds() {
    let mut w = World::new(3);
    deployment(&mut w, "web", 2);
    let on_2: Vec<String> = pods(&w, "web")
        .iter()
        .filter(|p| meta::str_at(p, &["spec", "nodeName"]) == Some("worker-2"))
        .map(|p| meta::name(p).to_string())
        .collect();
    assert!(!on_2.is_empty());
    set_node_ready(&mut w, "worker-2", "Unknown");
    assert_eq!(
        taint_keys(&w, "worker-2"),
        vec![
            "node.kubernetes.io/unreachable:NoExecute",
            "node.kubernetes.io/unreachable:NoSchedule"
        ]
    );
    w.advance(299_000);
    for name in &on_2 {
        let p = w
            .object("Pod", "default", name)
            .expect("still there at 299 s");
        assert!(!meta::is_deleting(p));
    }
    w.advance(1_000);
    for name in &on_2 {
        let p = w.object("Pod", "default", name).expect("Terminating");
        assert!(meta::is_deleting(p), "{name} evicted at 300 s");
        assert!(meta::condition(p, "DisruptionTarget").is_some());
    }
    w.advance(30_000);
    // The node's kubelet is unreachable: the evicted pods stay Terminating.
    for name in &on_2 {
        assert!(w.object("Pod", "default", name).is_some(), "{name}");
    }
    let now: Vec<Value> = pods(&w, "web");
    assert_eq!(now.len(), 2);
    assert!(
        now.iter()
            .all(|p| meta::str_at(p, &["spec", "nodeName"]) == Some("worker-1"))
    );
    // Ready again: the taints go, and the kubelet finishes the evicted pods.
    set_node_ready(&mut w, "worker-2", "True");
    assert!(taint_keys(&w, "worker-2").is_empty());
    w.advance(60_000);
    for name in &on_2 {
        assert!(w.object("Pod", "default", name).is_none(), "{name} gone");
    }
    // Ready=False gives the not-ready taints instead.
    set_node_ready(&mut w, "worker-1", "False");
    assert_eq!(
        taint_keys(&w, "worker-1"),
        vec![
            "node.kubernetes.io/not-ready:NoExecute",
            "node.kubernetes.io/not-ready:NoSchedule"
        ]
    );
}

/// A pod that tolerates a NoExecute taint without tolerationSeconds stays; one that does not
/// tolerate it is deleted at once with the TaintManagerEviction event.
#[test]
fn no_execute_taints() {
    let mut w = World::new(3);
    for (name, tol) in [
        (
            "forever",
            json!([{"key": "k", "operator": "Exists", "effect": "NoExecute"}]),
        ),
        ("never", json!([])),
    ] {
        let p = json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeName": "worker-1", "tolerations": tol,
                "containers": [{"name": "c", "image": "nginx"}]}});
        w.create(p, false).unwrap();
    }
    w.advance(5_000);
    let mut n = w.object("Node", "", "worker-1").cloned().unwrap();
    n["spec"]["taints"] = json!([{"key": "k", "value": "v", "effect": "NoExecute"}]);
    w.update(n, false).unwrap();
    w.settle();
    let never = w.object("Pod", "default", "never").unwrap();
    assert!(meta::is_deleting(never));
    let uid = meta::uid(never).to_string();
    assert!(w.has_event(
        &uid,
        "TaintManagerEviction",
        Some("Marking for deletion Pod default/never")
    ));
    w.advance(3_600_000);
    assert!(w.object("Pod", "default", "never").is_none());
    assert!(!meta::is_deleting(
        w.object("Pod", "default", "forever").unwrap()
    ));
}
