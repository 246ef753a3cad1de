//! The HorizontalPodAutoscaler controller at the world level, with cases after upstream's
//! `pkg/controller/podautoscaler/horizontal_test.go` (written in our own words): the scale-up
//! limit, the scale-down stabilization window, min/max, a missing CPU request, a missing
//! target, `behavior` policies, and a world without metrics-server.

use kubelab::world::World;
use kubelab::world::api::meta;
use serde_json::{Value, json};

fn deployment(replicas: i64, resources: Value) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": resources}]}}}})
}

fn hpa(target: &str, min: i64, max: i64, extra: Value) -> Value {
    let mut h = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": min, "maxReplicas": max,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}}}]}});
    if let (Some(spec), Some(more)) = (h["spec"].as_object_mut(), extra.as_object()) {
        for (k, v) in more {
            spec.insert(k.clone(), v.clone());
        }
    }
    h
}

fn replicas(w: &World) -> i64 {
    meta::int_at(
        w.object("Deployment", "default", "web").unwrap(),
        &["spec", "replicas"],
    )
    .unwrap()
}

fn hpa_events(w: &World) -> Vec<String> {
    let h = w
        .object("HorizontalPodAutoscaler", "default", "web")
        .unwrap();
    let mut evs: Vec<(String, String)> = w
        .events_for(meta::uid(h))
        .iter()
        .map(|e| {
            (
                meta::str_at(e, &["firstTimestamp"])
                    .unwrap_or("")
                    .to_string(),
                format!(
                    "{} {}",
                    meta::str_at(e, &["reason"]).unwrap_or(""),
                    meta::str_at(e, &["message"]).unwrap_or("")
                ),
            )
        })
        .collect();
    evs.sort();
    evs.into_iter().map(|(_, m)| m).collect()
}

fn condition(w: &World, t: &str) -> (String, String) {
    let h = w
        .object("HorizontalPodAutoscaler", "default", "web")
        .unwrap();
    let c = meta::condition(h, t).cloned().unwrap_or(Value::Null);
    (
        meta::str_at(&c, &["status"]).unwrap_or("").to_string(),
        meta::str_at(&c, &["reason"]).unwrap_or("").to_string(),
    )
}

fn load(w: &mut World, cpu: i64) {
    let now = w.now();
    w.metrics
        .loads
        .entry(("default".into(), "app=web".into()))
        .or_default()
        .push((now, cpu));
}

#[test]
fn scales_up_at_most_to_twice_or_four_then_waits_five_minutes_to_scale_down() {
    let mut w = World::new(1);
    w.create(deployment(1, json!({"requests": {"cpu": "100m"}})), false)
        .unwrap();
    w.advance(30_000);
    load(&mut w, 400);
    w.create(hpa("web", 1, 10, json!({})), false).unwrap();
    // The first sync is one period after the create.
    w.advance(14_000);
    assert_eq!(replicas(&w), 1);
    w.advance(2_000);
    // 401 % of the request against 50 %: 9 wanted, at most max(2 x 1, 4) = 4 at once.
    assert_eq!(replicas(&w), 4);
    assert_eq!(
        condition(&w, "ScalingLimited"),
        ("True".into(), "ScaleUpLimit".into())
    );
    w.advance(120_000);
    // Then 8 (twice 4), then the highest recommendation of the window (9, which the limit held
    // back); 400m shared by 9 pods is 45 % of their requests: within the tolerance.
    assert_eq!(replicas(&w), 9);
    let evs = hpa_events(&w);
    assert!(
        evs.contains(
            &"SuccessfulRescale New size: 4; reason: cpu resource utilization (percentage of request) above target"
                .to_string()
        ),
        "{evs:#?}"
    );
    assert!(
        evs.iter()
            .any(|e| e.starts_with("SuccessfulRescale New size: 8;")),
        "{evs:#?}"
    );
    // The load stops: the highest recommendation of the last 5 minutes holds the count.
    load(&mut w, 0);
    w.advance(240_000);
    assert_eq!(replicas(&w), 9);
    assert_eq!(
        condition(&w, "AbleToScale"),
        ("True".into(), "ScaleDownStabilized".into())
    );
    w.advance(90_000);
    assert_eq!(replicas(&w), 1);
    assert!(
        hpa_events(&w).contains(
            &"SuccessfulRescale New size: 1; reason: All metrics below target".to_string()
        )
    );
}

#[test]
fn replicas_outside_min_and_max_are_brought_back() {
    let mut w = World::new(1);
    w.create(deployment(7, json!({"requests": {"cpu": "100m"}})), false)
        .unwrap();
    w.create(hpa("web", 2, 5, json!({})), false).unwrap();
    w.advance(16_000);
    assert_eq!(replicas(&w), 5);
    assert!(hpa_events(&w).contains(
        &"SuccessfulRescale New size: 5; reason: Current number of replicas above Spec.MaxReplicas"
            .to_string()
    ));
}

#[test]
fn a_container_without_a_cpu_request_stops_scaling() {
    let mut w = World::new(1);
    w.create(deployment(1, json!({})), false).unwrap();
    w.advance(40_000);
    w.create(hpa("web", 1, 5, json!({})), false).unwrap();
    w.advance(16_000);
    let evs = hpa_events(&w);
    let pod = evs
        .iter()
        .find_map(|e| e.strip_prefix("FailedGetResourceMetric failed to get cpu utilization: missing request for cpu in container nginx of Pod "))
        .unwrap_or_else(|| panic!("{evs:#?}"));
    assert!(pod.starts_with("web-"), "{pod}");
    assert!(evs.iter().any(|e| e.starts_with(
        "FailedComputeMetricsReplicas invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu"
    )));
    assert_eq!(
        condition(&w, "ScalingActive"),
        ("False".into(), "FailedGetResourceMetric".into())
    );
}

#[test]
fn a_missing_target_cannot_be_scaled() {
    let mut w = World::new(1);
    w.create(hpa("nope", 1, 5, json!({})), false).unwrap();
    w.advance(16_000);
    assert_eq!(
        hpa_events(&w),
        vec!["FailedGetScale deployments.apps \"nope\" not found".to_string()]
    );
    assert_eq!(
        condition(&w, "AbleToScale"),
        ("False".into(), "FailedGetScale".into())
    );
}

#[test]
fn behavior_policies_limit_the_rate() {
    let mut w = World::new(1);
    w.create(deployment(6, json!({"requests": {"cpu": "100m"}})), false)
        .unwrap();
    w.advance(40_000);
    // Scale down one pod a minute, without a stabilization window.
    let behavior = json!({"behavior": {"scaleDown": {"stabilizationWindowSeconds": 0,
        "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}});
    w.create(hpa("web", 1, 10, behavior), false).unwrap();
    let stored = w
        .object("HorizontalPodAutoscaler", "default", "web")
        .unwrap();
    // The API server fills the rest of the behavior in.
    assert_eq!(
        meta::path(stored, &["spec", "behavior", "scaleUp", "policies"]).cloned(),
        Some(json!([{"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15}]))
    );
    w.advance(16_000);
    assert_eq!(replicas(&w), 5);
    assert_eq!(
        condition(&w, "ScalingLimited"),
        ("True".into(), "ScaleDownLimit".into())
    );
    w.advance(30_000);
    assert_eq!(replicas(&w), 5);
    w.advance(31_000);
    assert_eq!(replicas(&w), 4);
}

#[test]
fn without_metrics_server_there_are_no_metrics() {
    let mut w = World::new(1);
    w.metrics.no_metrics_server = true;
    w.create(deployment(1, json!({"requests": {"cpu": "100m"}})), false)
        .unwrap();
    w.advance(40_000);
    w.create(hpa("web", 1, 5, json!({})), false).unwrap();
    w.advance(16_000);
    assert!(hpa_events(&w).contains(&"FailedGetResourceMetric failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)".to_string()));
}

#[test]
fn metrics_come_after_a_scrape_share_loads_and_stop_at_the_cpu_limit() {
    use kubelab::world::metrics;
    let mut w = World::new(1);
    w.create(
        deployment(
            2,
            json!({"requests": {"cpu": "100m"}, "limits": {"cpu": "200m"}}),
        ),
        false,
    )
    .unwrap();
    w.advance(5_000);
    // Running, but not seen by two scrapes yet.
    assert!(metrics::list_pod_metrics(&w, Some("default")).is_empty());
    w.advance(30_000);
    let idle = metrics::list_pod_metrics(&w, Some("default"));
    assert_eq!(idle.len(), 2);
    assert!(idle.iter().all(|m| m.totals().0 == 1));
    // 300m shared by the two pods: 150m each plus their idle 1m.
    load(&mut w, 300);
    // Seen from the next scrape on.
    assert!(
        metrics::list_pod_metrics(&w, Some("default"))
            .iter()
            .all(|m| m.totals().0 == 1)
    );
    w.advance(15_000);
    let shared: Vec<i64> = metrics::list_pod_metrics(&w, Some("default"))
        .iter()
        .map(|m| m.totals().0)
        .collect();
    assert_eq!(shared, vec![151, 151]);
    // 1000m: each pod is throttled at its 200m limit.
    load(&mut w, 1000);
    w.advance(15_000);
    assert!(
        metrics::list_pod_metrics(&w, Some("default"))
            .iter()
            .all(|m| m.totals().0 == 200)
    );
    // A usage set for one container replaces its figures.
    let first = idle[0].name.clone();
    w.metrics.usage.insert(
        ("default".into(), first.clone(), "nginx".into()),
        (42, 64 * 1024 * 1024),
    );
    let m = metrics::pod_metrics(&w, "default", &first).unwrap();
    assert_eq!(m.totals(), (42, 64 * 1024 * 1024));
}
