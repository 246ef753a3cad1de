//! What a lab's scripts may spend: host calls count against a block's operations, printing is
//! bounded, numbers are accepted where the Rhai API documents them, and a lab file's size never
//! makes loading it slow.

use kubelab::lab;
use kubelab::runner::LabSession;

fn lab(text: &str) -> lab::Lab {
    lab::parse("t.lab", text).expect("the lab parses")
}

#[test]
fn thousands_of_kubectl_calls_in_setup_run_out_of_operations() {
    let l = lab(
        "lab \"many calls\"\n\nsetup {\n    for i in 0..2000 {\n        cluster.kubectl(\"create configmap c\" + i);\n    }\n}\n\ncheck 1 \"x\" { true }\n",
    );
    let err = LabSession::start(&l, 1).err().expect("setup fails");
    assert_eq!(
        err,
        "setup failed: t.lab:5:9: this block used up its 2000000 operations (a command line run by cluster.kubectl, .oc, .shell or .apply counts 10000, cluster.advance 1000, each controller round 100, other host calls 100 and 10 per object returned)"
    );
}

#[test]
fn cheap_host_calls_in_a_loop_run_out_of_operations_too() {
    let l = lab(
        "lab \"reads\"\n\ncheck 1 \"loops\" {\n    let n = 0;\n    loop { n += cluster.list(\"nodes\").len(); }\n}\n",
    );
    let mut s = LabSession::start(&l, 1).expect("start");
    let c = s.check(&l.checks[0]);
    assert_eq!(c.earned, 0);
    let why = c.reason.expect("a reason");
    assert!(
        why.starts_with("t.lab:5:") && why.contains("this block used up its 2000000 operations"),
        "{why}"
    );
}

#[test]
fn a_check_that_prints_in_a_loop_stops_with_a_clear_message() {
    let l = lab(
        "lab \"prints\"\n\ncheck 1 \"prints\" {\n    loop { print(\"spam spam spam spam spam spam spam spam\"); }\n}\n",
    );
    let mut s = LabSession::start(&l, 1).expect("start");
    let c = s.check(&l.checks[0]);
    assert_eq!(
        c.reason.as_deref(),
        Some(
            "t.lab:4:12: print: this block printed more than 64 KiB (lab scripts may print 64 KiB per block and 1 MiB per session)"
        )
    );
    // What was printed is kept up to the limit.
    let kept: usize = s.take_prints().iter().map(|p| p.len() + 1).sum();
    assert!(kept <= 64 << 10, "{kept}");
    // The next block starts a new count.
    let l2 = lab("lab \"p\"\n\ncheck 1 \"one print\" { print(\"hello\"); true }\n");
    let c = s.check(&l2.checks[0]);
    assert_eq!((c.earned, c.reason), (1, None));
    assert_eq!(s.take_prints(), vec!["hello".to_string()]);
}

#[test]
fn advance_takes_a_duration_string_or_a_number_of_seconds() {
    let l = lab(
        "lab \"time\"\n\ncheck 1 \"advance\" {\n    let t0 = cluster.now();\n    cluster.advance(5);\n    cluster.advance(0.5);\n    cluster.advance(\"4.5\");\n    cluster.advance(\"1m\");\n    [t0, cluster.now()]\n}\n",
    );
    let mut s = LabSession::start(&l, 1).expect("start");
    let v = s.eval(&l.checks[0].block).expect("advance accepts numbers");
    let times: Vec<String> = v
        .into_array()
        .expect("array")
        .into_iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(times, ["2025-03-03T09:00:00Z", "2025-03-03T09:01:10Z"]);
    let bad = lab("lab \"t\"\n\ncheck 1 \"a\" { cluster.advance(-5); true }\n");
    let err = s.eval(&bad.checks[0].block).expect_err("negative");
    assert_eq!(
        err,
        "t.lab:3:23: Runtime error: cluster.advance: invalid duration -5: a number of seconds from 0 to 30 days"
    );
}

#[test]
fn fill_disk_takes_a_fractional_percentage() {
    let l = lab(
        "lab \"disk\"\n\ncheck 1 \"fill\" {\n    let n = cluster.node(\"worker-1\");\n    n.fill_disk(50.5);\n    n.disk_usage()\n}\n",
    );
    let mut s = LabSession::start(&l, 1).expect("start");
    let v = s
        .eval(&l.checks[0].block)
        .expect("fill_disk accepts a float");
    assert_eq!(v.as_int().expect("int"), 50);
}

#[test]
fn a_large_lab_reports_an_error_at_its_end_at_the_right_place() {
    let mut text = String::from("lab \"big\"\n\n");
    let mut n = 0;
    while text.len() < 1_000_000 {
        text.push_str(&format!(
            "task \"t{n}\" {{\n    $ kubectl get pods\n    No resources found in default namespace.\n\n    check 1 \"c{n}\" {{ cluster.exists(\"pod\", \"p{n}\") }}\n}}\n\n"
        ));
        n += 1;
    }
    let lines = text.lines().count();
    text.push_str("chek 1 \"bad\" { true }\n");
    let err = lab::parse("big.lab", &text)
        .expect_err("a typo")
        .to_string();
    assert!(
        err.contains(&format!("--> big.lab:{}:1", lines + 1)),
        "{err}"
    );
    assert!(err.contains("did you mean `check`?"), "{err}");
}

fn regression(name: &str) -> String {
    format!(
        "{}/tests/inputs/lab_regressions/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Labs that once hung or misgraded: each now gets a clear report from lint.
#[test]
fn hostile_labs_get_a_clear_report() {
    let err = lab::load(&regression("points-overflow.lab")).expect_err("points");
    assert!(err.contains("error: 4294967296 points do not fit"), "{err}");
    for (file, want) in [
        (
            "print-loop.lab",
            "print: this block printed more than 64 KiB",
        ),
        ("many-kubectl-calls.lab", "setup failed: "),
    ] {
        let l = lab::load(&regression(file)).expect("lab");
        let problems = kubelab::runner::lint::lint(&l, 1);
        assert!(
            problems.iter().any(|p| p.contains(want)),
            "{file}: {problems:?}"
        );
    }
}

/// `kubelab lint` finishes on a lab whose reference solution waits on a paused Deployment:
/// either the wait ends (at `--timeout` of virtual time) or the lab's wall-clock ceiling stops
/// it, and the report says which.
#[test]
fn lint_finishes_on_a_reference_solution_that_waits() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(["lint", "--lab-timeout", "20"])
        .arg(regression("paused-rollout-status.lab"))
        .output()
        .expect("kubelab");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with(": ok (1 check can fail and pass)\n")
            || text.ends_with(": kubelab stopped linting this lab after 20 s of wall-clock time\n"),
        "{text}"
    );
}
