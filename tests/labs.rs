//! Every shipped lab passes `kubelab run` (snapshot of its transcript) and `kubelab lint`, and
//! wrong student sessions get the partial scores they deserve.

use kubelab::lab;
use kubelab::runner::{grade, lint, report, run};

fn load(name: &str) -> lab::Lab {
    let path = format!("labs/{name}");
    lab::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn labs_run_clean_and_match_their_snapshots() {
    insta::glob!("../labs", "*.lab", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let lab = load(name);
        let report = run::run_lab(&lab, 1, false);
        assert!(report.ok(), "{name} does not pass:\n{}", report.text);
        insta::assert_snapshot!(report.text);
    });
}

#[test]
fn labs_lint_clean() {
    for e in std::fs::read_dir("labs").unwrap() {
        let p = e.unwrap().path();
        let lab = load(p.file_name().unwrap().to_str().unwrap());
        assert_eq!(lint::lint(&lab, 1), Vec::<String>::new(), "{}", p.display());
    }
}

/// The labs translated into Korean: each must keep its Korean texts.
const TRANSLATED: &[&str] = &[
    "config-env",
    "config-mounts",
    "daemonset",
    "drain",
    "gke-storageclass",
    "helm-charts",
    "helm-dependencies",
    "helm-test",
    "hpa",
    "http-go-rollback",
    "image-identity",
    "image-streams",
    "image-triggers",
    "ingress",
    "init-and-sidecar",
    "init-waits",
    "jenkins-deployment",
    "jobs",
    "mongo-persistence",
    "mongo-rollout",
    "nfs-volume",
    "pause-resume",
    "plain-kubernetes",
    "pv-pvc-httpd",
    "quotas",
    "rbac",
    "recreate-vs-rolling",
    "redis-config",
    "rook-ceph",
    "statefulset",
    "storageclass",
];

/// Every lab runs in Korean with full marks (the checks do not depend on the language) and
/// lints clean; no lab translates some texts and not others; the translated labs have Korean
/// throughout. A lab still in English only is named on stderr.
#[test]
fn labs_in_korean_run_clean_lint_clean_and_are_translated_throughout() {
    for e in std::fs::read_dir("labs").unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let base = load(&name);
        assert_eq!(
            lab::translations::missing(&base),
            Vec::<String>::new(),
            "{name}"
        );
        let ko = base.localized(lab::Lang::Ko);
        if TRANSLATED.contains(&name.trim_end_matches(".lab")) {
            assert_eq!(base.languages(), vec![lab::Lang::Ko], "{name}");
            assert_ne!(ko.title, base.title, "{name}");
        } else if base.languages().is_empty() {
            eprintln!("note: labs/{name} has no Korean texts yet");
        }
        let report = run::run_lab(&ko, 1, false);
        assert!(
            report.ok(),
            "{name} does not pass in Korean:\n{}",
            report.text
        );
        assert_eq!(lint::lint(&ko, 1), Vec::<String>::new(), "{name}");
    }
}

fn score(lab: &str, session: &str) -> (u32, Vec<u32>, Vec<Option<String>>) {
    let l = load(lab);
    let g = grade::grade(&l, "session", session, 1);
    (
        g.earned,
        g.checks.iter().map(|c| c.earned).collect(),
        g.checks.iter().map(|c| c.reason.clone()).collect(),
    )
}

#[test]
fn mongo_wrong_sessions() {
    // Nothing done.
    assert_eq!(score("mongo-rollout.lab", "").0, 0);
    // Created and patched, never rolled: 2 + 1 (pods), no history.
    let (e, per, reasons) = score(
        "mongo-rollout.lab",
        "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\nkubectl patch deployment mongo -p '{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\",\"maxUnavailable\":\"50%\"}}}}'\nsleep 30\n",
    );
    assert_eq!((e, per.clone()), (3, vec![2, 0, 0, 1]), "{reasons:?}");
    assert_eq!(
        reasons[2].as_deref(),
        Some("rollout history should list at least two revisions")
    );
    // Rolled out and back without recording: everything but the change causes.
    let (e, per, reasons) = score(
        "mongo-rollout.lab",
        "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\nkubectl patch deployment mongo -p '{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\",\"maxUnavailable\":\"50%\"}}}}'\nkubectl set image deployment/mongo mongo=mongo:4.4\nkubectl rollout status deployment/mongo\nkubectl rollout undo deployment/mongo\nkubectl rollout status deployment/mongo\n",
    );
    assert_eq!((e, per), (6, vec![2, 3, 0, 1]));
    assert!(
        reasons[2]
            .as_deref()
            .unwrap()
            .contains("has no change cause"),
        "{reasons:?}"
    );
    // Garbage, an endless loop and a huge line: still a score.
    let garbage = format!(
        "this is not a command\nwhile true; do sleep 1; done\necho {}\nkubectl create deployment mongo --image=mongo:4.2 --replicas=10\nsleep 30\n",
        "x".repeat(200_000)
    );
    assert_eq!(score("mongo-rollout.lab", &garbage).1, vec![0, 0, 0, 1]);
}

#[test]
fn jenkins_wrong_sessions() {
    let create = "cat <<EOF | kubectl apply -f -\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deploy-jenkins\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: jenkins-test\n  template:\n    metadata:\n      labels:\n        app: jenkins-test\n    spec:\n      containers:\n      - name: jenkins\n        image: jenkins/jenkins:lts\nEOF\nsleep 30\n";
    assert_eq!(score("jenkins-deployment.lab", create).1, vec![2, 0, 0]);
    // Scaled straight to 10 with scale: the reason says to use edit.
    let (_, per, reasons) = score(
        "jenkins-deployment.lab",
        &format!("{create}kubectl scale deployment deploy-jenkins --replicas=10\n"),
    );
    assert_eq!(per, vec![2, 0, 0]);
    assert_eq!(
        reasons[2].as_deref(),
        Some("use kubectl edit to go to 10 replicas")
    );
}

#[test]
fn http_go_and_pause_wrong_sessions() {
    let deploy =
        "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\nsleep 20\n";
    assert_eq!(score("http-go-rollback.lab", deploy).1, vec![2, 0, 0, 0]);
    let undo_plain = format!(
        "{deploy}kubectl patch deployment http-go -p '{{\"spec\": {{\"minReadySeconds\": 10}}}}'\nkubectl set image deployment http-go http-go=gasbugs/http-go:v3\nkubectl rollout status deployment http-go\nkubectl rollout undo deployment http-go\nkubectl rollout status deployment http-go\n"
    );
    assert_eq!(
        score("http-go-rollback.lab", &undo_plain).1,
        vec![2, 1, 3, 0]
    );
    // Updated without pausing.
    let (e, per, _) = score(
        "pause-resume.lab",
        "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\nkubectl set image deployment http-go http-go=gasbugs/http-go:v2\nsleep 30\n",
    );
    assert_eq!((e, per), (2, vec![0, 2]));
}

#[test]
fn recreate_wrong_session() {
    // Both rolled with RollingUpdate: only the images check passes.
    let s = "kubectl create deployment web-rolling --image=nginx:1.25 --replicas=4\nkubectl create deployment web-recreate --image=nginx:1.25 --replicas=4\nsleep 20\nkubectl set image deployment/web-rolling nginx=nginx:1.27\nkubectl set image deployment/web-recreate nginx=nginx:1.27\nsleep 60\n";
    assert_eq!(score("recreate-vs-rolling.lab", s).1, vec![0, 3, 0]);
}

#[test]
fn grade_formats() {
    let l = load("mongo-rollout.lab");
    let g = grade::grade(
        &l,
        "alice.txt",
        "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\n",
        1,
    );
    let json = report::to_json(&l, std::slice::from_ref(&g));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["sessions"][0]["session"], "alice.txt");
    assert_eq!(v["sessions"][0]["total"], 8);
    let junit = report::to_junit(&l, &[g]);
    assert!(
        junit.contains("<testsuite name=\"alice.txt\" tests=\"4\""),
        "{junit}"
    );
    assert!(junit.contains("<failure"));
}

#[test]
fn recorded_session_grades_like_the_live_check() {
    use kubelab::runner::student::StudentSession;
    let lab = load("mongo-rollout.lab");
    let mut s = StudentSession::start(lab.clone(), 1, false).unwrap();
    for input in [
        "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\n",
        "hint\n",
        "kubectl set image deployment/mongo mongo=mongo:4.4 --record\n",
        "reset\n",
        "kubectl create deployment mongo --image=mongo:4.2 --replicas=10\n",
        "kubectl patch deployment mongo -p '{\"spec\":{\"strategy\":{\"rollingUpdate\":{\"maxSurge\":\"50%\",\"maxUnavailable\":\"50%\"}}}}'\n",
        "check\n",
        "sleep 30\n",
    ] {
        s.input(input);
    }
    let live: Vec<u32> = lab
        .checks
        .iter()
        .map(|c| s.session.check(c).earned)
        .collect();
    let graded = grade::grade(&lab, "rec", &s.record_text(), 1);
    assert_eq!(
        graded.checks.iter().map(|c| c.earned).collect::<Vec<_>>(),
        live
    );
    assert_eq!(live, vec![2, 0, 0, 1]);
}

const FLAWED: &str = r#"lab "Flawed"

task "Make a config map" {
    $ kubectl create configmap app --from-literal=k=v
    configmap/app made

    $ frobnicate --now

    check 1 "always" { true }
    check 1 "never" { false }
    check 2 "the config map exists" { cluster.exists("configmap", "app") }
}
"#;

#[test]
fn lint_reports_checks_that_cannot_fail_or_cannot_pass_and_missing_commands() {
    let lab = lab::parse("flawed.lab", FLAWED).unwrap_or_else(|d| panic!("{d}"));
    let problems = lint::lint(&lab, 1);
    assert_eq!(
        problems,
        vec![
            "flawed.lab:7: the reference solution uses what kubelab does not have: kubelab: command not found: frobnicate".to_string(),
            "flawed.lab:9: check \"always\" already passes after setup alone: it cannot fail".to_string(),
            "flawed.lab:10: check \"never\" fails after the reference solution".to_string(),
        ]
    );
}

#[test]
fn bless_rewrites_only_the_expected_output_that_differs() {
    let lab = lab::parse("flawed.lab", FLAWED).unwrap_or_else(|d| panic!("{d}"));
    let plain = run::run_lab(&lab, 1, false);
    assert!(plain.blessed.is_none());
    assert!(plain.mismatches >= 1);
    let blessed = run::run_lab(&lab, 1, true)
        .blessed
        .expect("bless rewrote the lab");
    assert!(blessed.contains("    configmap/app created\n"), "{blessed}");
    assert!(!blessed.contains("configmap/app made"), "{blessed}");
    // Everything but the rewritten expected outputs is kept as written.
    assert!(blessed.contains("check 1 \"never\" { false }"), "{blessed}");
    let again = lab::parse("flawed.lab", &blessed).unwrap_or_else(|d| panic!("{d}"));
    let replay = run::run_lab(&again, 1, false);
    assert_eq!(replay.mismatches, 0, "{}", replay.text);
}

#[test]
fn failed_asserts_read_the_same_in_a_task_and_after_the_last() {
    let text = r#"lab "Asserts"

task "One" {
    $ echo hi
    hi

    assert "in a task" { 3 }
}

assert "after the tasks" { 3 }
assert "with a reason" { "no deployment yet" }
"#;
    let lab = lab::parse("asserts.lab", text).unwrap_or_else(|d| panic!("{d}"));
    let report = run::run_lab(&lab, 1, false);
    assert_eq!(report.failed_asserts, 3, "{}", report.text);
    assert!(
        report
            .text
            .contains("!! assert in a task: FAILED (got 3)\n"),
        "{}",
        report.text
    );
    assert!(
        report
            .text
            .contains("!! assert after the tasks: FAILED (got 3)\n"),
        "{}",
        report.text
    );
    assert!(
        report
            .text
            .contains("!! assert with a reason: FAILED (no deployment yet)\n"),
        "{}",
        report.text
    );
}

#[test]
fn redis_wrong_sessions() {
    let pod = "kubectl apply -f https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/config/redis-pod.yaml\nsleep 20\n";
    // The pod started before its ConfigMap had the settings: redis read the file once.
    let late = format!(
        "kubectl create configmap example-redis-config --from-literal=redis-config=''\n{pod}kubectl create configmap example-redis-config --from-literal=redis-config=$'maxmemory 2mb\\nmaxmemory-policy allkeys-lru\\n' --dry-run=client -o yaml | kubectl apply -f -\nsleep 90\n"
    );
    assert_eq!(score("redis-config.lab", &late).1, vec![0, 0, 0]);
    // Recreating the pod reads the new file.
    let recreated = format!("{late}kubectl delete pod redis\n{pod}");
    assert_eq!(score("redis-config.lab", &recreated).1, vec![2, 2, 0]);
    // 2m is not 2mb.
    let units = format!(
        "kubectl create configmap example-redis-config --from-literal=redis-config=$'maxmemory 2m\\nmaxmemory-policy allkeys-lru\\n'\n{pod}"
    );
    assert_eq!(score("redis-config.lab", &units).1, vec![0, 2, 0]);
}

#[test]
fn mongo_persistence_wrong_sessions() {
    assert_eq!(score("mongo-persistence.lab", "").0, 0);
    // The document stored through the shell's session, the pod never recreated.
    let setup = "cat > pv.yaml <<'EOF'\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: mongodb-pv\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /mnt/mongo\nEOF\nkubectl create -f pv.yaml\nkubectl create -f - <<'EOF'\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mongodb-pvc\nspec:\n  resources:\n    requests:\n      storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\nEOF\ncat > pod.yaml <<'EOF'\napiVersion: v1\nkind: Pod\nmetadata:\n  name: mongodb\nspec:\n  containers:\n  - image: mongo:4.4\n    name: mongodb\n    volumeMounts:\n    - name: data\n      mountPath: /data/db\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: mongodb-pvc\nEOF\nkubectl create -f pod.yaml\nsleep 10\nkubectl exec -it mongodb -- mongo\nuse mystore\ndb.foo.insert({name:'foo'})\nexit\n";
    let (e, per, reasons) = score("mongo-persistence.lab", setup);
    assert_eq!((e, per), (5, vec![2, 3, 0, 0]), "{reasons:?}");
    assert_eq!(
        reasons[2].as_deref(),
        Some("delete the pod mongodb and create it again")
    );
    // Recreated: the document is still there.
    let again =
        format!("{setup}kubectl delete pod mongodb\nkubectl create -f pod.yaml\nsleep 10\n");
    assert_eq!(score("mongo-persistence.lab", &again).1, vec![2, 3, 3, 0]);
    // The same with an emptyDir instead of the claim: the document is gone with the pod.
    let empty = again.replace(
        "    persistentVolumeClaim:\n      claimName: mongodb-pvc\n",
        "    emptyDir: {}\n",
    );
    assert_eq!(score("mongo-persistence.lab", &empty).1, vec![2, 0, 0, 0]);
}
