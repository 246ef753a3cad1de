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
    "kubectl create deployment v --image=nginx --validate --dry-run=client -o name",
    "kubectl create deployment v --image=nginx --validate=False --dry-run=client -o name",
    "kubectl create deployment v --image=nginx --validate=warn --dry-run=client -o name",
    "kubectl create deployment v --image=nginx --validate=ignore --dry-run=client -o name",
    "kubectl create deployment v --image=nginx --validate=1 --dry-run=client -o name",
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
    "kubectl create deployment x --image=y --validate=maybe",
    "kubectl create deployment x --image=y --validate=maybe --dry-run=client -o yaml",
    "kubectl create deployment x --image=y --validate= --dry-run=client",
    "kubectl create deployment x --image=y --validate=Strict --dry-run=client",
    "kubectl create -f nothing.yaml --validate=nope",
    "kubectl create -f nothing.yaml --validate=nope -o bogus",
    "kubectl apply -f nothing.yaml --validate=nope -o bogus",
    "kubectl create deployment x --image=y --dry-run=client -o bogus",
    "kubectl create deployment x --image=a --image=b --dry-run=client -- cmd",
    "kubectl get pods --all-namespaces=maybe",
    "kubectl apply",
    "kubectl create deployment x --image=y --dry-run=client -o jsonpath='{.a'",
    "kubectl create deployment x --image=y --dry-run=client -o jsonpath",
    "kubectl create deployment x --image=y --dry-run=client -o custom-columns=NAME:.metadata.name",
    "kubectl logs",
    "kubectl logs a b c",
    "kubectl exec",
    "kubectl exec x",
    "kubectl exec x y",
    "kubectl cp",
    "kubectl cp a",
    "kubectl cp a b",
    "kubectl cp :a b",
    "kubectl cp a/b/c:x y",
    "kubectl cp x:a y:b",
    "kubectl cp x: y",
    "kubectl cp missing x:/tmp",
    "kubectl cp a b --retries=x",
    "kubectl cp --help",
    "kubectl cp -h",
    "kubectl attach --help",
    "kubectl",
    "kubectl -n x",
    "kubectl rollout",
    "kubectl rollout --help",
    "kubectl rollout status --help",
    "kubectl set",
    "kubectl set --help",
    "kubectl set foo",
    "kubectl create secret",
    "kubectl get -h",
    "kubectl create --help",
    "kubectl create deployment --help",
    "kubectl logs --help",
    "kubectl explain --help",
    "kubectl attach",
    "kubectl attach a b c",
    "kubectl attach x --pod-running-timeout=0s",
    "kubectl attach --pod-running-timeout=-1s",
    "kubectl attach x --pod-running-timeout=abc",
];

fn compare(lines: &[&str]) {
    if !have_kubectl() {
        common::skipped("kubectl not found; no comparison with the real kubectl");
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

/// Files both sides create before each configmap/secret line (kubelab in its workstation,
/// kubectl in a temporary directory).
const DATA_SETUP: &str = "mkdir -p d/sub && printf 'hello\\nworld\\n' > d/a.txt && printf 'x=1\\n' > d/b.conf && printf 'inner\\n' > d/sub/c && printf '# comment\\nK1=v1\\n  K2=v 2\\n\\nK3=\\nK4=a=b\\n' > e.env && printf 'bad key=1\\n' > bad.env && printf 'true' > flag.txt && printf '007' > num.txt";

const CREATE_DATA: &[&str] = &[
    "kubectl create configmap c --from-literal=n=10 --from-literal=b=true --from-literal=e= --from-literal=m=a=b --from-literal=u=한글 --from-literal='ml=line1\nline2' --dry-run=client -o yaml",
    "kubectl create configmap c --from-literal=n=10 --from-literal=b=true --from-literal=e= --from-literal=u=한글 --dry-run=client -o json",
    "kubectl create configmap c --from-literal=y=yes --from-literal=o=off --from-literal=z=null --from-literal=f=1.5 --from-literal=h=0x1F --from-literal=t='~' --dry-run=client -o yaml",
    "kubectl create configmap c --from-file=d --dry-run=client -o yaml",
    "kubectl create configmap c --from-file=key2=d/a.txt --from-file=d/b.conf --from-file=flag.txt --from-file=num.txt --dry-run=client -o yaml",
    "kubectl create configmap c --from-env-file=e.env --dry-run=client -o yaml",
    "kubectl create configmap c --from-env-file=bad.env --dry-run=client -o yaml",
    "kubectl create configmap c --from-literal=a=1 --from-literal=a=2 --dry-run=client -o yaml",
    "kubectl create configmap c --from-literal='bad key=1' --dry-run=client",
    "kubectl create configmap c --from-env-file=e.env --from-literal=a=1 --dry-run=client",
    "kubectl create configmap c --from-file=nope --dry-run=client",
    "kubectl create configmap c --from-literal=onlykey --dry-run=client",
    "kubectl create configmap c --from-literal=a=1 --append-hash --dry-run=client -o yaml",
    "kubectl create configmap c -n lab --from-literal=a=1 --dry-run=client -o yaml",
    "kubectl create configmap empty --dry-run=client -o yaml",
    "kubectl create configmap c --from-literal=a=1 --dry-run=client",
    "kubectl create secret generic s --from-literal=user=admin --from-literal=pass='p@ss w0rd!' --from-literal=e= --dry-run=client -o yaml",
    "kubectl create secret generic s --from-literal=a=1 --type=kubernetes.io/basic-auth --dry-run=client -o json",
    "kubectl create secret generic s --from-file=d --from-file=k=flag.txt --dry-run=client -o yaml",
    "kubectl create secret generic s --from-env-file=e.env --dry-run=client -o yaml",
    "kubectl create secret generic s --from-literal=a=1 --append-hash --dry-run=client -o yaml",
    "kubectl create secret generic s --from-literal=a=1 --from-literal=a=2 --dry-run=client",
    "kubectl create secret generic s --from-literal='bad key=1' --dry-run=client",
    "kubectl create secret generic s --from-literal=a=1 --dry-run=client -o name",
];

#[test]
fn create_configmap_and_secret_dry_run_match_kubectl() {
    assert!(CREATE_DATA.len() >= 15);
    if !have_kubectl() {
        common::skipped("kubectl not found; no comparison with the real kubectl");
        return;
    }
    let dir = std::env::temp_dir().join(format!("kubelab-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Vec::new();
    for line in CREATE_DATA {
        let want = real(&format!("cd {} && {DATA_SETUP} && {line}", dir.display()));
        let got = kubelab(&format!("{DATA_SETUP}\n{line}\n"));
        if want != got {
            failures.push(format!(
                "$ {line}\n--- kubectl (status {})\n{}{}--- kubelab (status {})\n{}{}",
                want.2, want.0, want.1, got.2, got.0, got.1
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        CREATE_DATA.len(),
        failures.join("\n")
    );
}
