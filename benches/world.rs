//! World-level benchmarks: a 1,000-replica rollout (target: under 200 ms). The two workers are
//! given room for 1,000 pods each (a real kubelet allows 110 by default), so the benchmark
//! measures a rollout, not 700 pods waiting for room.

use criterion::{Criterion, criterion_group, criterion_main};
use kubelab::world::World;
use kubelab::world::api::kinds;
use serde_json::json;

fn rollout(replicas: i64) {
    let mut w = World::new(1);
    let nk = kinds::by_kind("Node").expect("kind");
    for n in ["worker-1", "worker-2"] {
        let mut node = w.get(nk, "", n).expect("node");
        node["status"]["allocatable"]["pods"] = json!("1000");
        node["status"]["capacity"]["pods"] = json!("1000");
        w.write(node);
    }
    w.create(
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "big"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "big"}},
                "template": {"metadata": {"labels": {"app": "big"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}}}),
        false,
    )
    .expect("create");
    w.advance(120_000);
    let k = kinds::by_kind("Deployment").expect("kind");
    let mut d = w.get(k, "default", "big").expect("get");
    d["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.27");
    w.update(d, false).expect("update");
    w.advance(600_000);
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    g.sample_size(10);
    g.bench_function("rollout_1000_replicas", |b| b.iter(|| rollout(1000)));
    g.finish();
}

criterion_group!(world, benches);
criterion_main!(world);
