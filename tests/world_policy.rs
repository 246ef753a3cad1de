//! ResourceQuota and LimitRange admission at the world level, with cases after upstream's
//! admission tests (`plugin/pkg/admission/limitranger/admission_test.go`,
//! `plugin/pkg/admission/resourcequota/admission_test.go`), written in our own words, and the
//! ReplicaSet's report of a create the quota refuses.

use kubelab::world::api::meta;
use kubelab::world::{Reason, World};
use serde_json::{Value, json};

fn pod(name: &str, resources: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx", "resources": resources}]}})
}

fn quota(name: &str, spec: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name}, "spec": spec})
}

fn limit_range(items: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr"}, "spec": {"limits": items}})
}

fn used(w: &World, name: &str) -> Value {
    meta::path(
        w.object("ResourceQuota", "default", name).unwrap(),
        &["status", "used"],
    )
    .cloned()
    .unwrap_or(Value::Null)
}

fn refused(w: &mut World, obj: Value) -> String {
    let e = w.create(obj, false).unwrap_err();
    assert_eq!(e.reason, Reason::Forbidden, "{}", e.message);
    e.message
}

#[test]
fn below_the_limit_is_admitted_and_charged() {
    let mut w = World::new(1);
    w.create(
        quota(
            "q",
            json!({"hard": {"cpu": "3", "memory": "100Gi", "pods": "5"}}),
        ),
        false,
    )
    .unwrap();
    w.create(
        pod("a", json!({"requests": {"cpu": "1", "memory": "50Gi"}})),
        false,
    )
    .unwrap();
    // No settling between the two: the second create sees the first one's charge.
    w.settle_on_write = false;
    w.create(
        pod("b", json!({"requests": {"cpu": "100m", "memory": "2Gi"}})),
        false,
    )
    .unwrap();
    assert_eq!(
        used(&w, "q"),
        json!({"cpu": "1100m", "memory": "52Gi", "pods": "2"})
    );
}

#[test]
fn a_dry_run_is_checked_but_not_charged() {
    let mut w = World::new(2);
    w.create(quota("q", json!({"hard": {"pods": "1"}})), false)
        .unwrap();
    w.settle_on_write = false;
    w.create(pod("a", json!({})), true).unwrap();
    assert_eq!(used(&w, "q"), json!({"pods": "0"}));
}

#[test]
fn above_the_limit_is_refused_with_what_exceeds() {
    let mut w = World::new(3);
    w.create(
        quota(
            "q",
            json!({"hard": {"cpu": "1", "memory": "1Gi", "pods": "5"}}),
        ),
        false,
    )
    .unwrap();
    let msg = refused(
        &mut w,
        pod("big", json!({"requests": {"cpu": "2", "memory": "512Mi"}})),
    );
    assert_eq!(
        msg,
        "pods \"big\" is forbidden: exceeded quota: q, requested: cpu=2, used: cpu=0, limited: cpu=1"
    );
}

#[test]
fn a_compute_quota_makes_every_container_state_it() {
    let mut w = World::new(4);
    w.create(
        quota(
            "q",
            json!({"hard": {"requests.cpu": "1", "limits.memory": "1Gi"}}),
        ),
        false,
    )
    .unwrap();
    let msg = refused(&mut w, pod("p", json!({"requests": {"cpu": "100m"}})));
    assert_eq!(
        msg,
        "pods \"p\" is forbidden: failed quota: q: must specify limits.memory for: c"
    );
    // A limit alone is enough: the request defaults to it.
    w.create(
        pod("ok", json!({"limits": {"cpu": "100m", "memory": "64Mi"}})),
        false,
    )
    .unwrap();
}

#[test]
fn no_quota_no_check() {
    let mut w = World::new(5);
    w.create(pod("p", json!({})), false).unwrap();
}

#[test]
fn scoped_quotas_charge_only_their_pods() {
    let mut w = World::new(6);
    w.create(
        quota(
            "terminating",
            json!({"hard": {"pods": "1"}, "scopes": ["Terminating"]}),
        ),
        false,
    )
    .unwrap();
    w.create(
        quota(
            "best-effort",
            json!({"hard": {"pods": "1"}, "scopes": ["BestEffort"]}),
        ),
        false,
    )
    .unwrap();
    // Long-running and burstable: neither quota applies.
    w.create(
        pod("burstable", json!({"requests": {"cpu": "100m"}})),
        false,
    )
    .unwrap();
    w.create(
        pod("burstable2", json!({"requests": {"cpu": "100m"}})),
        false,
    )
    .unwrap();
    w.create(pod("be", json!({})), false).unwrap();
    let msg = refused(&mut w, pod("be2", json!({})));
    assert!(msg.contains("exceeded quota: best-effort"), "{msg}");
    let mut deadline = pod("job", json!({"requests": {"cpu": "100m"}}));
    deadline["spec"]["activeDeadlineSeconds"] = json!(60);
    w.create(deadline.clone(), false).unwrap();
    deadline["metadata"]["name"] = json!("job2");
    let msg = refused(&mut w, deadline);
    assert!(msg.contains("exceeded quota: terminating"), "{msg}");
    assert_eq!(used(&w, "terminating"), json!({"pods": "1"}));
    assert_eq!(used(&w, "best-effort"), json!({"pods": "1"}));
}

#[test]
fn service_updates_are_charged_by_their_difference() {
    let mut w = World::new(7);
    w.create(
        quota(
            "q",
            json!({"hard": {"services": "5", "services.nodeports": "1"}}),
        ),
        false,
    )
    .unwrap();
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
        "spec": {"selector": {"app": "s"}, "ports": [{"port": 80}, {"port": 81}]}});
    w.create(svc, false).unwrap();
    let mut s = w.object("Service", "default", "s").unwrap().clone();
    s["spec"]["type"] = json!("NodePort");
    let e = w.update(s, false).unwrap_err();
    assert_eq!(
        e.message,
        "services \"s\" is forbidden: exceeded quota: q, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1"
    );
}

#[test]
fn claims_are_charged_per_storage_class() {
    let mut w = World::new(8);
    w.create(
        quota(
            "q",
            json!({"hard": {"gold.storageclass.storage.k8s.io/requests.storage": "1Gi"}}),
        ),
        false,
    )
    .unwrap();
    let claim = |name: &str, class: &str| {
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
            "spec": {"storageClassName": class, "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": "2Gi"}}}})
    };
    w.create(claim("silver", "silver"), false).unwrap();
    let msg = refused(&mut w, claim("gold", "gold"));
    assert_eq!(
        msg,
        "persistentvolumeclaims \"gold\" is forbidden: exceeded quota: q, requested: gold.storageclass.storage.k8s.io/requests.storage=2Gi, used: gold.storageclass.storage.k8s.io/requests.storage=0, limited: gold.storageclass.storage.k8s.io/requests.storage=1Gi"
    );
}

#[test]
fn limit_range_defaults_then_checks() {
    let mut w = World::new(9);
    w.create(
        limit_range(json!([{"type": "Container",
            "max": {"cpu": "1"}, "min": {"cpu": "50m"},
            "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "100m"}}])),
        false,
    )
    .unwrap();
    let p = w.create(pod("p", json!({})), false).unwrap();
    assert_eq!(
        meta::path(&p, &["spec", "containers"]).unwrap()[0]["resources"],
        json!({"limits": {"cpu": "500m"}, "requests": {"cpu": "100m"}})
    );
    assert_eq!(
        meta::annotation(&p, "kubernetes.io/limit-ranger"),
        Some("LimitRanger plugin set: cpu request for container c; cpu limit for container c")
    );
    let msg = refused(&mut w, pod("tiny", json!({"requests": {"cpu": "10m"}})));
    assert_eq!(
        msg,
        "pods \"tiny\" is forbidden: minimum cpu usage per Container is 50m, but request is 10m"
    );
    // A request above the default limit is invalid (validation runs after the defaults).
    let e = w
        .create(pod("high", json!({"requests": {"cpu": "800m"}})), false)
        .unwrap_err();
    assert_eq!(e.reason, Reason::Invalid);
    assert_eq!(
        e.to_string(),
        "The Pod \"high\" is invalid: spec.containers[0].resources.requests: Invalid value: \"800m\": must be less than or equal to cpu limit of 500m"
    );
}

#[test]
fn pod_items_limit_the_sum_and_claims_their_request() {
    let mut w = World::new(10);
    w.create(
        limit_range(json!([
            {"type": "Pod", "max": {"memory": "1Gi"}},
            {"type": "PersistentVolumeClaim", "max": {"storage": "1Gi"}}])),
        false,
    )
    .unwrap();
    let mut two = pod("two", json!({"limits": {"memory": "768Mi"}}));
    two["spec"]["containers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "d", "image": "nginx", "resources": {"limits": {"memory": "512Mi"}}}));
    assert_eq!(
        refused(&mut w, two),
        "pods \"two\" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1280Mi"
    );
    let claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}});
    assert_eq!(
        refused(&mut w, claim),
        "persistentvolumeclaims \"c\" is forbidden: maximum storage usage per PersistentVolumeClaim is 1Gi, but request is 5Gi"
    );
}

#[test]
fn a_replicaset_reports_the_refusal_and_retries_with_back_off() {
    let mut w = World::new(11);
    w.create(quota("q", json!({"hard": {"pods": "1"}})), false)
        .unwrap();
    w.create(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}),
        false,
    )
    .unwrap();
    w.advance(30_000);
    let d = w.object("Deployment", "default", "web").unwrap().clone();
    let c = meta::condition(&d, "ReplicaFailure").unwrap();
    assert_eq!(c["reason"], "FailedCreate");
    assert!(c["message"].as_str().unwrap().ends_with(
        "is forbidden: exceeded quota: q, requested: pods=1, used: pods=1, limited: pods=1"
    ));
    let failed: Vec<Value> = w
        .object_list("Event", "default")
        .filter(|e| e["reason"] == "FailedCreate")
        .cloned()
        .collect();
    // Nine distinct messages, then one combined event counting the rest.
    assert_eq!(failed.len(), 10);
    let combined = failed
        .iter()
        .find(|e| {
            e["message"]
                .as_str()
                .unwrap()
                .starts_with("(combined from similar events): Error creating: pods \"web-")
        })
        .unwrap();
    let retries = combined["count"].as_i64().unwrap();
    // 5 ms doubling: a dozen or so attempts in 30 s, not one per controller round.
    assert!((2..=15).contains(&retries), "{retries}");
    assert_eq!(
        w.object_list("Event", "default")
            .filter(|e| e["reason"] == "SuccessfulCreate")
            .count(),
        1
    );
    // Room made: the next retry creates the pod and the condition goes.
    let mut q = w.object("ResourceQuota", "default", "q").unwrap().clone();
    q["spec"]["hard"]["pods"] = json!("2");
    w.update(q, false).unwrap();
    w.advance(60_000);
    let d = w.object("Deployment", "default", "web").unwrap().clone();
    assert!(meta::condition(&d, "ReplicaFailure").is_none());
    assert_eq!(meta::int_at(&d, &["status", "availableReplicas"]), Some(2));
}
