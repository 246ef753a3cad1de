//! The rolling-update algorithm at the world level: ReplicaSet sizes after each controller
//! round, as upstream computes them (reference kubernetes.md §1.6).

use kubelab::world::World;
use kubelab::world::api::kinds;
use kubelab::world::api::meta;
use serde_json::{Value, json};

fn deployment(name: &str, image: &str, replicas: i64, strategy: Value) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}}, "strategy": strategy,
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": name, "image": image}]}}},
    })
}

/// (spec, status.availableReplicas) of every ReplicaSet of a deployment, oldest revision first.
fn rs_sizes(w: &World, name: &str) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64, i64)> = w
        .object_list("ReplicaSet", "default")
        .filter(|rs| meta::controller_of(rs).is_some_and(|(_, n, _)| n == name))
        .map(|rs| {
            let rev: i64 = meta::annotation(rs, "deployment.kubernetes.io/revision")
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            (
                rev,
                meta::int_at(rs, &["spec", "replicas"]).unwrap_or(0),
                meta::int_at(rs, &["status", "availableReplicas"]).unwrap_or(0),
            )
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, s, a)| (s, a)).collect()
}

fn set_image(w: &mut World, name: &str, image: &str) {
    let k = kinds::by_kind("Deployment").unwrap();
    let mut d = w.get(k, "default", name).unwrap();
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image);
    w.update(d, false).unwrap();
}

fn running(w: &World, name: &str) -> usize {
    w.object_list("Pod", "default")
        .filter(|p| meta::name(p).starts_with(&format!("{name}-")))
        .filter(|p| {
            meta::str_at(p, &["status", "phase"]) == Some("Running") && !meta::is_deleting(p)
        })
        .count()
}

fn ready_world(name: &str, image: &str, replicas: i64, strategy: Value) -> World {
    let mut w = World::new(42);
    w.create(deployment(name, image, replicas, strategy), false)
        .unwrap();
    w.advance(60_000);
    assert_eq!(running(&w, name), replicas as usize);
    w
}

#[test]
fn mongo_10_replicas_50_50_scales_new_5_old_5_first() {
    let strategy = json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "50%", "maxUnavailable": "50%"}});
    let mut w = ready_world("mongo", "mongo:4.2", 10, strategy);
    assert_eq!(rs_sizes(&w, "mongo"), vec![(10, 10)]);
    w.settle_on_write = false;
    set_image(&mut w, "mongo", "mongo:4.4");
    // Sync 1: the new RS is created at 5 and the old one scaled down to 5 in the same sync.
    w.settle_round();
    assert_eq!(
        rs_sizes(&w, "mongo")
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        vec![5, 5]
    );
    // Sync 2: the new RS goes to 10.
    w.settle_round();
    assert_eq!(
        rs_sizes(&w, "mongo")
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        vec![5, 10]
    );
    w.settle_on_write = true;
    w.settle();
    assert_eq!(
        rs_sizes(&w, "mongo")
            .iter()
            .map(|s| s.0)
            .collect::<Vec<_>>(),
        vec![5, 10]
    );
    w.advance(60_000);
    assert_eq!(rs_sizes(&w, "mongo"), vec![(0, 0), (10, 10)]);
    assert_eq!(running(&w, "mongo"), 10);
    let d = w.object("Deployment", "default", "mongo").unwrap();
    assert_eq!(
        meta::annotation(d, "deployment.kubernetes.io/revision"),
        Some("2")
    );
}

#[test]
fn defaults_with_3_replicas_go_one_at_a_time() {
    let mut w = ready_world("web", "nginx:1.25", 3, json!({}));
    set_image(&mut w, "web", "nginx:1.27");
    // surge 1, unavailable 0: new 1, old stays 3 until the new pod is available.
    assert_eq!(
        rs_sizes(&w, "web").iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![3, 1]
    );
    let mut seen = vec![rs_sizes(&w, "web").iter().map(|s| s.0).collect::<Vec<_>>()];
    for _ in 0..200 {
        if !w.step(w.now() + 120_000) {
            break;
        }
        let s: Vec<i64> = rs_sizes(&w, "web").iter().map(|s| s.0).collect();
        if seen.last() != Some(&s) {
            seen.push(s);
        }
    }
    // Each instant a new pod becomes available, the old RS is scaled down and the new one up
    // (two syncs at the same instant), as in reference table B.
    assert_eq!(seen, vec![vec![3, 1], vec![2, 2], vec![1, 3], vec![0, 3]]);
}

#[test]
fn defaults_with_4_replicas() {
    let mut w = ready_world("web", "nginx:1.25", 4, json!({}));
    w.settle_on_write = false;
    set_image(&mut w, "web", "nginx:1.27");
    w.settle_round();
    // surge 1, unavailable 1: new at 1 and old 4 -> 3 in the first sync.
    assert_eq!(
        rs_sizes(&w, "web").iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![3, 1]
    );
    w.settle_round();
    assert_eq!(
        rs_sizes(&w, "web").iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![3, 2]
    );
    w.settle_on_write = true;
    w.advance(120_000);
    assert_eq!(rs_sizes(&w, "web"), vec![(0, 0), (4, 4)]);
}

#[test]
fn recreate_scales_old_to_zero_before_creating_new() {
    let mut w = ready_world("web", "nginx:1.25", 3, json!({"type": "Recreate"}));
    w.settle_on_write = false;
    set_image(&mut w, "web", "nginx:1.27");
    w.settle_round();
    assert_eq!(rs_sizes(&w, "web"), vec![(0, 3)]);
    w.settle_on_write = true;
    w.settle();
    // Old pods are terminating: no new ReplicaSet yet.
    assert_eq!(rs_sizes(&w, "web").len(), 1);
    w.advance(60_000);
    assert_eq!(rs_sizes(&w, "web"), vec![(0, 0), (3, 3)]);
}

#[test]
fn bad_image_backs_off_and_exceeds_the_progress_deadline() {
    let mut w = ready_world("web", "nginx:1.25", 3, json!({}));
    set_image(&mut w, "web", "nginx:9.99-missing");
    w.advance(30_000);
    let bad: Vec<String> = w
        .object_list("Pod", "default")
        .filter_map(|p| {
            meta::path(
                p,
                &[
                    "status",
                    "containerStatuses",
                    "0",
                    "state",
                    "waiting",
                    "reason",
                ],
            )
            .and_then(Value::as_str)
            .map(str::to_string)
        })
        .collect();
    assert!(
        bad.iter()
            .any(|r| r == "ImagePullBackOff" || r == "ErrImagePull"),
        "{bad:?}"
    );
    w.advance(600_000);
    let d = w.object("Deployment", "default", "web").unwrap();
    let cond = meta::condition(d, "Progressing").unwrap();
    assert_eq!(cond["reason"], "ProgressDeadlineExceeded");
    assert_eq!(cond["status"], "False");
}

#[test]
fn absurd_replica_counts_are_capped() {
    let mut w = World::new(1);
    w.create(
        deployment("big", "nginx:1.25", 100_000_000, json!({})),
        false,
    )
    .unwrap();
    let pods = w.object_list("Pod", "default").count();
    assert!(pods <= 2000, "{pods}");
    assert!(w.notices.iter().any(|n| n.contains("at most")));
}
