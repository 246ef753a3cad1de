//! Lab benchmarks: parse + run + grade of the mongo lab (target: under 5 ms), grading 1,000
//! sessions (target: over 1,000 sessions per second on 2 cores), the snapshot each command's
//! boundary takes, and loading a 1 MB lab.

use criterion::{Criterion, criterion_group, criterion_main};
use kubelab::lab;
use kubelab::runner::{grade, run};

fn benches(c: &mut Criterion) {
    let text = std::fs::read_to_string("labs/mongo-rollout.lab").expect("lab");
    let session = "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\nkubectl set image deployment/mongo mongo=mongo:4.4\nsleep 5\n";
    let mut g = c.benchmark_group("labs");
    g.bench_function("mongo_parse_run_grade", |b| {
        b.iter(|| {
            let l = lab::parse("labs/mongo-rollout.lab", &text).expect("parse");
            let r = run::run_lab(&l, 1, false);
            let gr = grade::grade(&l, "s", session, 1);
            (r.ok(), gr.earned)
        })
    });
    let l = lab::parse("labs/mongo-rollout.lab", &text).expect("parse");
    let sessions: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("s{i}"), session.to_string()))
        .collect();
    g.sample_size(10);
    g.bench_function("grade_1000_sessions", |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                let chunks: Vec<&[(String, String)]> =
                    sessions.chunks(sessions.len().div_ceil(2)).collect();
                for chunk in chunks {
                    let l = &l;
                    s.spawn(move || {
                        chunk
                            .iter()
                            .map(|(n, t)| grade::grade(l, n, t, 1).earned)
                            .sum::<u32>()
                    });
                }
            })
        })
    });
    // What a command's snapshot costs (the command boundary clones the workstation before each
    // input): the mongo lab after its reference solution, and a world running 300 pods.
    let mut mongo = kubelab::runner::LabSession::start(&l, 1).expect("start");
    for step in l.steps() {
        mongo.run(&step.command);
    }
    g.sample_size(100);
    g.bench_function("snapshot_mongo_workstation", |b| {
        b.iter(|| std::hint::black_box(mongo.ws.clone()))
    });
    let mut big = kubelab::workstation::Workstation::new(kubelab::world::default_world::build(1));
    big.run("kubectl create deployment web --image=nginx --replicas=300");
    big.run("sleep 120");
    big.run("kubectl create configmap c --from-literal=a=b");
    g.bench_function("snapshot_300_pods_workstation", |b| {
        b.iter(|| std::hint::black_box(big.clone()))
    });
    // Loading a 1 MB lab with an error on its last line (positions from a line index: this
    // was quadratic, 13 s).
    let mut big = String::from("lab \"big\"\n\n");
    let mut n = 0;
    while big.len() < 1_000_000 {
        big.push_str(&format!(
            "task \"t{n}\" {{\n    $ kubectl get pods\n    No resources found in default namespace.\n\n    check 1 \"c{n}\" {{ cluster.exists(\"pod\", \"p{n}\") }}\n}}\n\n"
        ));
        n += 1;
    }
    big.push_str("chek 1 \"bad\" { true }\n");
    g.sample_size(10);
    g.bench_function("parse_1mb_lab_error_at_end", |b| {
        b.iter(|| lab::parse("big.lab", &big).expect_err("typo"))
    });
    g.finish();
}

criterion_group!(labs, benches);
criterion_main!(labs);
