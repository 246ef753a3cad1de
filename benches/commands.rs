//! Command-level benchmarks through the workstation (shell + kubectl front end + world):
//! the course's mongo exercise end to end (target: under 5 ms), the latency of one
//! `kubectl get pods` on 300 pods, and a session of 500 `kubectl create deployment` lines
//! (its cost grows with its length, not its square), with one more such command in the
//! world it leaves next to the same command in a fresh world; `helm install` of the
//! `helm create` chart (target: a few milliseconds).

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kubelab::workstation::{Workstation, run_script};
use kubelab::world::default_world;

const MONGO: &str = "kubectl create deployment mongo --image=mongo:4.2 --replicas=10
kubectl patch deployment mongo -p '{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\",\"maxUnavailable\":\"50%\"}}}}'
kubectl rollout status deployment/mongo
kubectl set image deployment/mongo mongo=mongo:4.4 --record
kubectl rollout status deployment/mongo
kubectl rollout history deployment/mongo
kubectl rollout undo deployment/mongo
kubectl rollout status deployment/mongo
kubectl rollout history deployment/mongo
";

/// `n` lines of `kubectl create deployment dI --image=nginx --replicas=3`.
fn deployments(n: usize) -> String {
    (1..=n)
        .map(|i| format!("kubectl create deployment d{i} --image=nginx --replicas=3\n"))
        .collect()
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("commands");
    g.bench_function("default_world", |b| b.iter(|| default_world::build(1)));
    let base = Workstation::new(default_world::build(1));
    g.bench_function("mongo_exercise_on_built_world", |b| {
        b.iter(|| {
            let mut ws = base.clone();
            run_script(&mut ws, MONGO, false)
        })
    });
    g.bench_function("mongo_exercise", |b| {
        b.iter(|| {
            let mut ws = Workstation::new(default_world::build(1));
            run_script(&mut ws, MONGO, false)
        })
    });
    let mut ws = Workstation::new(default_world::build(1));
    run_script(
        &mut ws,
        "kubectl create deployment web --image=nginx:1.7.9 --replicas=300\nsleep 60\n",
        false,
    );
    g.bench_function("get_pods_300_with_think_time", |b| {
        b.iter(|| ws.run("kubectl get pods"))
    });
    g.bench_function("get_pods_300", |b| {
        b.iter(|| {
            kubelab::workstation::run_on(
                &mut ws.world,
                &mut ws.shell,
                &mut ws.config,
                "kubectl get pods",
                b"",
                false,
            )
        })
    });
    // `helm install` of the `helm create` chart from the workstation's files: locate, load,
    // render, store the release Secret, create the objects (the repository and chart are made
    // once; each iteration installs into a copy of that workstation).
    let mut chart = Workstation::new(default_world::build(1));
    run_script(&mut chart, "helm create mychart\n", false);
    g.bench_function("helm_install_default_chart", |b| {
        b.iter_batched(
            || chart.clone(),
            |mut ws| {
                let out = ws.run("helm install web ./mychart");
                (ws, out)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
    let mut g = c.benchmark_group("commands");
    g.sample_size(10);
    let script = deployments(500);
    g.bench_function("create_deployments_500", |b| {
        b.iter(|| {
            let mut ws = Workstation::new(default_world::build(1));
            run_script(&mut ws, &script, false)
        })
    });
    // One more command in a fresh world and in the world the session leaves; the
    // workstations are handed back so that dropping them is not timed.
    let one_more = "kubectl create deployment extra --image=nginx --replicas=3\n";
    // One input first, so that both see the think time before the command.
    let mut fresh = Workstation::new(default_world::build(1));
    run_script(&mut fresh, "true\n", false);
    g.bench_function("create_deployment_first", |b| {
        b.iter_batched(
            || fresh.clone(),
            |mut ws| {
                let out = run_script(&mut ws, one_more, false);
                (ws, out)
            },
            BatchSize::LargeInput,
        )
    });
    let mut full = Workstation::new(default_world::build(1));
    run_script(&mut full, &script, false);
    g.bench_function("create_deployment_after_500", |b| {
        b.iter_batched(
            || full.clone(),
            |mut ws| {
                let out = run_script(&mut ws, one_more, false);
                (ws, out)
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(commands, benches);
criterion_main!(commands);
