//! `kubelab grade`, `run` and `lint` run sessions and labs in worker processes: a normal session
//! grades exactly as in process, and a worker that hangs, crashes or answers nonsense costs only
//! its own session, reported with the reason, while the batch goes on.

use std::time::Duration;

use kubelab::cli::worker::{self, Isolation};
use kubelab::runner::grade;

fn lab() -> kubelab::lab::Lab {
    kubelab::lab::load("labs/mongo-rollout.lab").expect("lab")
}

fn sessions() -> Vec<(String, String)> {
    vec![
        (
            "good".into(),
            "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\nkubectl set image deployment/mongo mongo=mongo:4.4\nsleep 5\n".into(),
        ),
        ("empty".into(), String::new()),
        (
            "notes".into(),
            "echo hi\nexit 3\nkubectl create deployment never --image=nginx\n".into(),
        ),
    ]
}

fn kubelab() -> Isolation {
    Isolation {
        program: env!("CARGO_BIN_EXE_kubelab").into(),
        args: vec![],
        timeout: Duration::from_secs(120),
    }
}

/// A fake worker: `sh -c SCRIPT` (the worker's own argument becomes `$0`).
fn fake(script: &str, timeout: Duration) -> Isolation {
    Isolation {
        program: "/bin/sh".into(),
        args: vec!["-c".into(), script.into()],
        timeout,
    }
}

#[test]
fn workers_grade_exactly_as_in_process_and_in_order() {
    let l = lab();
    let s = sessions();
    let want: Vec<_> = s.iter().map(|(n, t)| grade::grade(&l, n, t, 1)).collect();
    for jobs in [1, 2, 3] {
        let got = worker::grade_in_workers(&l, &s, 1, jobs, &kubelab(), &|| {});
        assert_eq!(got, want, "jobs {jobs}");
    }
}

#[test]
fn a_worker_that_crashes_costs_only_its_session() {
    let l = lab();
    let got = worker::grade_in_workers(
        &l,
        &sessions(),
        1,
        2,
        &fake("kill -ABRT $$", Duration::from_secs(60)),
        &|| {},
    );
    assert_eq!(got.len(), 3);
    for (g, (name, _)) in got.iter().zip(sessions()) {
        assert_eq!(g.session, name);
        assert_eq!(
            g.note.as_deref(),
            Some("kubelab crashed while replaying this session (killed by signal 6)")
        );
        assert_eq!((g.earned, g.total, g.checks.len()), (0, 8, 4));
    }
}

#[test]
fn a_worker_that_hangs_is_stopped_at_the_ceiling() {
    let l = lab();
    let started = std::time::Instant::now();
    let got = worker::grade_in_workers(
        &l,
        &sessions()[..2],
        1,
        2,
        &fake("sleep 60", Duration::from_secs(1)),
        &|| {},
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    for g in &got {
        assert_eq!(
            g.note.as_deref(),
            Some("kubelab stopped grading this session after 1 s of wall-clock time")
        );
    }
}

#[test]
fn a_worker_that_answers_nonsense_is_replaced() {
    let l = lab();
    let got = worker::grade_in_workers(
        &l,
        &sessions()[..1],
        1,
        1,
        &fake(
            "read lab; read job; echo nonsense; exit 0",
            Duration::from_secs(60),
        ),
        &|| {},
    );
    assert_eq!(
        got[0].note.as_deref(),
        Some(
            "kubelab's grading process answered something unreadable (a kubelab bug: please report it)"
        )
    );
}

#[test]
fn a_lab_that_hangs_or_crashes_is_reported() {
    assert_eq!(
        worker::run_lab_worker(
            &fake("sleep 60", Duration::from_secs(1)),
            &[],
            "running this lab"
        ),
        Err("kubelab stopped running this lab after 1 s of wall-clock time".into())
    );
    assert_eq!(
        worker::run_lab_worker(
            &fake("kill -SEGV $$", Duration::from_secs(60)),
            &[],
            "linting this lab"
        ),
        Err("kubelab crashed while linting this lab (killed by signal 11)".into())
    );
    assert_eq!(
        worker::run_lab_worker(&fake("exit 1", Duration::from_secs(60)), &[], "x"),
        Ok(1)
    );
}
