//! StatefulSets, claims and volumes at the world level.

use kubelab::world::World;
use kubelab::world::api::meta;
use serde_json::{Value, json};

fn sts(replicas: i64) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
        "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "serviceName": "nginx", "replicas": replicas,
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"terminationGracePeriodSeconds": 10,
                "containers": [{"name": "nginx", "image": "k8s.gcr.io/nginx-slim:0.8", "ports": [{"containerPort": 80, "name": "web"}],
                    "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}})
}

fn pods(w: &World) -> Vec<String> {
    w.object_list("Pod", "default")
        .map(|p| meta::name(p).to_string())
        .collect()
}

fn phase(w: &World, kind: &str, name: &str) -> String {
    w.object(
        kind,
        if kind == "PersistentVolume" {
            ""
        } else {
            "default"
        },
        name,
    )
    .and_then(|o| meta::str_at(o, &["status", "phase"]))
    .unwrap_or("")
    .to_string()
}

#[test]
fn statefulset_creates_in_order_with_claims_that_outlive_it() {
    let mut w = World::new(3);
    w.create(sts(3), false).unwrap();
    // Only web-0 first: it must be Running and Ready before web-1 is created.
    assert_eq!(pods(&w), vec!["web-0"]);
    w.advance(3_000);
    assert_eq!(pods(&w).len(), 1, "web-0 still starting");
    w.advance(60_000);
    assert_eq!(pods(&w), vec!["web-0", "web-1", "web-2"]);
    for i in 0..3 {
        assert_eq!(
            phase(&w, "PersistentVolumeClaim", &format!("www-web-{i}")),
            "Bound"
        );
    }
    let s = w.object("StatefulSet", "default", "web").unwrap();
    assert_eq!(meta::int_at(s, &["status", "readyReplicas"]), Some(3));
    // Scale down from the highest ordinal.
    let mut s = s.clone();
    s["spec"]["replicas"] = json!(1);
    w.update(s, false).unwrap();
    w.advance(60_000);
    assert_eq!(pods(&w), vec!["web-0"]);
    assert_eq!(phase(&w, "PersistentVolumeClaim", "www-web-2"), "Bound");
}

#[test]
fn manual_pv_binds_to_matching_claim_and_is_released() {
    let mut w = World::new(3);
    w.create(json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "mongodb-pv"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"], "persistentVolumeReclaimPolicy": "Retain",
            "hostPath": {"path": "/data/mongo"}}}), false).unwrap();
    assert_eq!(phase(&w, "PersistentVolume", "mongodb-pv"), "Available");
    w.create(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "mongodb-pvc"},
        "spec": {"resources": {"requests": {"storage": "1Gi"}}, "accessModes": ["ReadWriteOnce"], "storageClassName": ""}}), false).unwrap();
    assert_eq!(phase(&w, "PersistentVolumeClaim", "mongodb-pvc"), "Bound");
    assert_eq!(phase(&w, "PersistentVolume", "mongodb-pv"), "Bound");
    let k = kubelab::world::api::kinds::by_kind("PersistentVolumeClaim").unwrap();
    w.delete(k, "default", "mongodb-pvc", &Default::default())
        .unwrap();
    assert!(
        w.object("PersistentVolumeClaim", "default", "mongodb-pvc")
            .is_none()
    );
    assert_eq!(phase(&w, "PersistentVolume", "mongodb-pv"), "Released");
}
