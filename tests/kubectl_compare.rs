//! kubelab against the real kubectl v1.32 for what kubectl does offline: `create deployment
//! --dry-run=client -o yaml|json|name|jsonpath` and flag/usage errors. Byte-identical output
//! and the same exit status are required. Skipped (with a message) when kubectl is not on PATH.

mod common;

use common::{have_kubectl, kubelab, real};

const CREATE_DEPLOYMENT: &[&str] = &[
    "kubectl create deployment mongo --image=mongo:4.2 --replicas=10 --dry-run=client -o yaml",
    "kubectl create deployment mongo --image=mongo:4.2 --replicas=10 --dry-run=client -o json",
    "kubectl create deployment nginx --image=nginx:1.7.9 --port=80 --dry-run=client -o yaml",
    "kubectl create deployment nginx --image=nginx:1.7.9 --port=80 --dry-run=client -o json",
    "kubectl create deployment multi --image=nginx --image=redis:5.0.4 --image=busybox --dry-run=client -o yaml",
    "kubectl create deployment multi --image=nginx --image=redis --port=6379 --dry-run=client -o json",
    "kubectl create deployment lab -n lab --image=httpd --dry-run=client -o yaml",
    "kubectl create deployment sleeper --image=busybox --dry-run=client -o yaml -- sleep 3600",
    "kubectl create deployment sleeper --image=busybox --dry-run=client -o json -- sh -c 'echo hi; sleep 10'",
    "kubectl create deployment zero --image=nginx --replicas=0 --dry-run=client -o yaml",
    "kubectl create deployment local --image=localhost:5000/team/app:v1 --dry-run=client -o yaml",
    "kubectl create deployment pinned --image=nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31 --dry-run=client -o yaml",
    "kubectl create deployment my.app --image=nginx --dry-run=client -o yaml",
    "kubectl create deployment c --image=nginx --dry-run=client -o yaml --save-config",
    "kubectl create deployment short --image=nginx --dry-run=client -oyaml",
    "kubectl create deployment long --image=nginx --dry-run=client --output=json",
    "kubectl create deployment --image=nginx --replicas=2 --dry-run=client -o yaml flagsfirst",
    "kubectl create deployment rflag -r 3 --image nginx --dry-run=client -o yaml",
    "kubectl create deployment named --image=nginx --dry-run=client -o name",
    "kubectl create deployment plain --image=nginx --dry-run=client",
    "kubectl create deployment 123 --image=nginx --dry-run=client -o yaml",
    "kubectl create deployment yes --image=nginx --dry-run=client -o yaml",
    "kubectl create deployment http-go --image=gasbugs/http-go:v1 --port=8080 --replicas=3 --dry-run=client -o yaml",
    "kubectl create deployment jp --image=nginx --dry-run=client -o jsonpath='{.spec.template.spec.containers[0].name}'",
    "kubectl create deployment jp --image=nginx --image=redis --dry-run=client -o jsonpath='{range .spec.template.spec.containers[*]}{.name}={.image}{\"\\n\"}{end}'",
    "kubectl create deployment neg --image=nginx --replicas=-1 --dry-run=client -o yaml",
    "kubectl create deployment quoted --image=nginx --dry-run=client -o yaml -- echo 'a: b' '#x' '' 10 true",
];

const ERRORS: &[&str] = &[
    "kubectl get pods --foo",
    "kubectl get pods -x",
    "kubectl get pods -n",
    "kubectl create deployment x --image=y --replicas=abc",
    "kubectl create deployment x --image=y --port=abc",
    "kubectl rollout foo",
    "kubectl rollout status deploy/x --timeout=10",
    "kubectl create deployment --image=nginx",
    "kubectl create deployment a b --image=x",
    "kubectl create deployment x --image=y --dry-run=bogus",
    "kubectl create deployment x --image=y --dry-run=client -o bogus",
    "kubectl create deployment x --image=a --image=b --dry-run=client -- cmd",
    "kubectl get pods --all-namespaces=maybe",
    "kubectl apply",
    "kubectl create deployment x --image=y --dry-run=client -o jsonpath='{.a'",
    "kubectl create deployment x --image=y --dry-run=client -o jsonpath",
    "kubectl create deployment x --image=y --dry-run=client -o custom-columns=NAME:.metadata.name",
];

fn compare(lines: &[&str]) {
    if !have_kubectl() {
        eprintln!("kubectl is not on PATH: skipping the comparison with the real kubectl");
        return;
    }
    let mut failures = Vec::new();
    for line in lines {
        let want = real(line);
        let got = kubelab(line);
        if want != got {
            failures.push(format!(
                "$ {line}\n--- kubectl (status {})\n{}{}--- kubelab (status {})\n{}{}",
                want.2, want.0, want.1, got.2, got.0, got.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        lines.len(),
        failures.join("\n")
    );
}

#[test]
fn create_deployment_dry_run_matches_kubectl() {
    assert!(CREATE_DEPLOYMENT.len() >= 20);
    compare(CREATE_DEPLOYMENT);
}

#[test]
fn flag_and_usage_errors_match_kubectl() {
    assert!(ERRORS.len() >= 10);
    compare(ERRORS);
}
