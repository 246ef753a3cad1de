//! kubelab as students start it: the release binary run as a whole process (issue 19's "fast
//! from the first keystroke"). `kubelab shell` with nothing on its standard input (an empty
//! start: loading the binary, building the default world with its kube-system, exiting;
//! target ≤ 3 ms), and the same reading the course's mongo exercise, 13 command lines (target
//! ≤ 5 ms for the whole session). `cargo bench --bench process` builds the binary with the bench
//! profile (release settings) and measures wall time per process, spawn and exit included.

use std::io::Write as _;
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

/// The mongo exercise as a student types it: create, patch the strategy, watch the rollout,
/// change the image, look at the history, undo, and look at what is left.
const MONGO: &str = "kubectl create deployment mongo --image=mongo:4.2 --replicas=10
kubectl patch deployment mongo -p '{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\",\"maxUnavailable\":\"50%\"}}}}'
kubectl rollout status deployment/mongo
kubectl set image deployment/mongo mongo=mongo:4.4 --record
kubectl rollout status deployment/mongo
kubectl rollout history deployment/mongo
kubectl rollout undo deployment/mongo
kubectl rollout status deployment/mongo
kubectl rollout history deployment/mongo
kubectl get deploy mongo -o yaml
kubectl describe deploy mongo
kubectl get rs
kubectl get pods
";

/// Runs `kubelab shell` with `input` on its standard input; panics unless it succeeds with
/// some output (a benchmark of a process that failed would measure nothing).
fn shell(input: &str) -> usize {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .arg("shell")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubelab runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("kubelab reads");
    }
    let out = child.wait_with_output().expect("kubelab exits");
    assert!(out.status.success(), "kubelab shell failed");
    out.stdout.len()
}

fn benches(c: &mut Criterion) {
    assert!(shell(MONGO) > 1000, "the mongo session printed too little");
    let mut g = c.benchmark_group("process");
    g.sample_size(30);
    g.bench_function("empty_start", |b| b.iter(|| shell("")));
    g.bench_function("mongo_session", |b| b.iter(|| shell(MONGO)));
    g.finish();
}

criterion_group!(process, benches);
criterion_main!(process);
