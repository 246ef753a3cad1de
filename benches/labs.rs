//! Lab benchmarks: parse + run + grade of the mongo lab (target: under 5 ms), and grading
//! 1,000 sessions (target: over 1,000 sessions per second on 2 cores).

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
    g.finish();
}

criterion_group!(labs, benches);
criterion_main!(labs);
