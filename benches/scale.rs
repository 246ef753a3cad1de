//! Benchmarks of cost proportional to change (issue 15): a session of 2,000 `kubectl create
//! deployment` lines (target: under 1 s, the last command no slower than the first), a world of
//! 10,000 pods on 100 nodes (`kubectl get pods -A` under 50 ms, a 1,000-replica rollout in it
//! no slower than in an empty world: `world/rollout_1000_replicas`), a 10,000-replica rollout
//! with room for the pods (under 1 s). The memory a running pod costs (target: under 10 KB,
//! with its events and its share of its ReplicaSet) is printed once, measured with the
//! allocator's gauge.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kubelab::workstation::{Workstation, run_on, run_script};
use kubelab::world::World;
use kubelab::world::api::kinds;
use kubelab::world::default_world;
use kubelab::world::nodes::NodeRuntime;
use serde_json::json;

/// `n` lines of `kubectl create deployment dI --image=nginx`.
fn deployments(n: usize) -> String {
    (1..=n)
        .map(|i| format!("kubectl create deployment d{i} --image=nginx\n"))
        .collect()
}

/// The default world with `workers` worker nodes (worker-1, worker-2 and copies of them),
/// each with room for `room` pods, and room for `max_pods` pods in kubelab's bounds.
fn world_with_nodes(workers: usize, room: usize, max_pods: usize) -> World {
    let mut w = default_world::build(1);
    w.timings.max_pods = max_pods;
    w.timings.max_pods_per_controller = max_pods as i64;
    let nk = kinds::by_kind("Node").expect("kind");
    let template = w.get(nk, "", "worker-1").expect("node");
    for i in 3..=workers {
        let name = format!("worker-{i}");
        let mut node = template.clone();
        let m = &mut node["metadata"];
        m["name"] = json!(name);
        m["labels"]["kubernetes.io/hostname"] = json!(name);
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "managedFields",
        ] {
            m.as_object_mut().map(|o| o.remove(k));
        }
        node["spec"]["podCIDR"] = json!(format!("10.244.{i}.0/24"));
        node["spec"]["podCIDRs"] = json!([format!("10.244.{i}.0/24")]);
        let status = node["status"].clone();
        w.create_internal(node).expect("node created");
        let mut stored = w.get(nk, "", &name).expect("node");
        stored["status"] = status;
        w.write(stored);
        w.nodes.insert(
            name.clone(),
            NodeRuntime::new(&name, i as u32, 50 * 1_000_000_000),
        );
    }
    for i in 1..=workers {
        let mut node = w.get(nk, "", &format!("worker-{i}")).expect("node");
        node["status"]["allocatable"]["pods"] = json!(room.to_string());
        node["status"]["capacity"]["pods"] = json!(room.to_string());
        w.write(node);
    }
    w.settle();
    w
}

/// Creates a deployment of `replicas` nginx pods and lets two minutes pass. The create is
/// the API server's internal one (defaulted and admitted as a user's): kubelab's bound on
/// the objects a user may create (`world/budget.rs`, 10,000, pods included) would refuse it
/// in a world of 10,000 pods.
fn create(w: &mut World, name: &str, replicas: usize) {
    w.create_internal(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                "template": {"metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}}))
        .expect("create");
    w.advance(120_000);
}

/// Rolls a deployment made by [`create`] out to a new image and lets ten minutes pass.
fn roll(w: &mut World, name: &str) {
    let k = kinds::by_kind("Deployment").expect("kind");
    let mut d = w.get(k, "default", name).expect("get");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    w.update(d, false).expect("update");
    w.advance(600_000);
}

/// A world of 10,000 running pods (ten deployments of 1,000) on 100 nodes with room for
/// 150 pods each.
fn world_of_10000_pods() -> World {
    let mut w = world_with_nodes(100, 150, 20_000);
    for i in 0..10 {
        create(&mut w, &format!("load{i}"), 1000);
    }
    w
}

/// Bytes held per running pod of a deployment of `replicas`, events and ReplicaSet included.
fn bytes_per_pod(replicas: usize) -> isize {
    let mut w = world_with_nodes(2, replicas, replicas * 2);
    let watch = kubelab::alloc_gauge::watch();
    create(&mut w, "big", replicas);
    let held = kubelab::alloc_gauge::held();
    drop(watch);
    let running = w
        .object_list("Pod", "default")
        .filter(|p| p["status"]["phase"] == "Running")
        .count();
    assert_eq!(running, replicas);
    held / replicas as isize
}

fn benches(c: &mut Criterion) {
    for n in [2_000, 10_000] {
        eprintln!(
            "scale: {} bytes per running pod in a {n}-replica deployment",
            bytes_per_pod(n)
        );
    }
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    let script = deployments(2000);
    g.bench_function("create_deployments_2000", |b| {
        b.iter(|| {
            let mut ws = Workstation::new(default_world::build(1));
            run_script(&mut ws, &script, false)
        })
    });
    let one_more = "kubectl create deployment extra --image=nginx\n";
    let mut full = Workstation::new(default_world::build(1));
    run_script(&mut full, &script, false);
    g.bench_function("create_deployment_after_2000", |b| {
        b.iter_batched(
            || full.clone(),
            |mut ws| {
                let out = run_script(&mut ws, one_more, false);
                (ws, out)
            },
            BatchSize::LargeInput,
        )
    });
    drop(full);
    let loaded = world_of_10000_pods();
    let mut ws = Workstation::new(loaded.clone());
    g.bench_function("get_pods_all_10000_on_100_nodes", |b| {
        b.iter(|| {
            run_on(
                &mut ws.world,
                &mut ws.shell,
                &mut ws.config,
                "kubectl get pods -A",
                b"",
                false,
            )
        })
    });
    drop(ws);
    g.bench_function("rollout_1000_replicas_among_10000_pods", |b| {
        b.iter_batched(
            || loaded.clone(),
            |mut w| {
                create(&mut w, "big", 1000);
                roll(&mut w, "big");
                w
            },
            BatchSize::LargeInput,
        )
    });
    drop(loaded);
    let empty = world_with_nodes(100, 150, 20_000);
    g.bench_function("rollout_10000_replicas", |b| {
        b.iter_batched(
            || empty.clone(),
            |mut w| {
                create(&mut w, "big", 10_000);
                roll(&mut w, "big");
                w
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// A DaemonSet tolerating every taint on 1,000 nodes: its 1,000 pods created and running,
/// then a rolling update with `maxUnavailable: 10%` to the end (issue 17: well under a
/// second).
fn daemonset_benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("scale");
    g.sample_size(10);
    let nodes = world_with_nodes(1000, 110, 20_000);
    g.bench_function("daemonset_rollout_1000_nodes", |b| {
        b.iter_batched(
            || nodes.clone(),
            |mut w| {
                w.create_internal(json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
                    "metadata": {"name": "agent", "namespace": "default"},
                    "spec": {"selector": {"matchLabels": {"app": "agent"}},
                        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
                        "template": {"metadata": {"labels": {"app": "agent"}},
                            "spec": {"tolerations": [{"operator": "Exists"}],
                                "containers": [{"name": "c", "image": "nginx:1.25"}]}}}}))
                    .expect("create");
                w.advance(120_000);
                let k = kinds::by_kind("DaemonSet").expect("kind");
                let mut d = w.get(k, "default", "agent").expect("get");
                d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
                w.update(d, false).expect("update");
                w.advance(600_000);
                let d = w.get(k, "default", "agent").expect("get");
                assert_eq!(d["status"]["updatedNumberScheduled"], json!(1001));
                assert_eq!(d["status"]["numberAvailable"], json!(1001));
                w
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(scale, daemonset_benches, benches);
criterion_main!(scale);
