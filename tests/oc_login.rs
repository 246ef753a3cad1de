//! `oc login`, `oc whoami` and `oc logout` against users a lab defines (what `cluster.add_user`
//! does), and `kubectl` working as them afterwards: openshift/oc's messages, the kubeconfig
//! entries oc writes, RBAC deciding for the logged-in user.

use kubelab::workstation::Workstation;
use kubelab::world::default_world;

fn session() -> Workstation {
    let mut w = default_world::build(1);
    w.auth.add_user("developer", vec![], "developer");
    Workstation::new(w)
}

fn run(ws: &mut Workstation, line: &str) -> (String, i32) {
    let r = ws.run(line);
    (String::from_utf8(r.combined).expect("utf-8"), r.status)
}

#[test]
fn login_logout_and_whoami() {
    let mut ws = session();
    assert_eq!(
        run(&mut ws, "oc login -u developer -p wrong"),
        (
            "Login failed (401 Unauthorized)\nVerify you have provided the correct credentials.\n"
                .into(),
            1
        )
    );
    assert_eq!(
        run(&mut ws, "oc login -u developer -p developer"),
        (
            "Login successful.\n\nYou don't have any projects. You can try to create a new project, by running\n\n    oc new-project <projectname>\n\n".into(),
            0
        )
    );
    assert_eq!(run(&mut ws, "oc whoami"), ("developer\n".into(), 0));
    assert_eq!(
        run(&mut ws, "oc whoami --show-server"),
        ("https://api.ocp4.example.com:6443\n".into(), 0)
    );
    assert_eq!(
        run(&mut ws, "oc whoami --show-context"),
        ("/api-ocp4-example-com:6443/developer\n".into(), 0)
    );
    let (t, s) = run(&mut ws, "oc whoami -t");
    assert_eq!(s, 0);
    assert!(
        t.starts_with("sha256~") && t.len() == "sha256~".len() + 43 + 1,
        "{t}"
    );
    assert_eq!(
        run(&mut ws, "kubectl get pods"),
        ("Error from server (Forbidden): pods is forbidden: User \"developer\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n".into(), 1)
    );
    assert_eq!(
        run(&mut ws, "kubectl auth can-i get /healthz"),
        ("yes\n".into(), 0)
    );
    assert_eq!(
        run(&mut ws, "oc logout"),
        (
            "Logged \"developer\" out on \"https://api.ocp4.example.com:6443\"\n".into(),
            0
        )
    );
    assert_eq!(
        run(&mut ws, "oc whoami"),
        (
            "error: You must be logged in to the server (Unauthorized)\n".into(),
            1
        )
    );
    assert_eq!(
        run(&mut ws, "oc logout"),
        (
            "error: You must have a token in order to logout.\n".into(),
            1
        )
    );
    // Back to the admin's context: the admin's rights again.
    assert_eq!(
        run(
            &mut ws,
            "kubectl config use-context kubernetes-admin@kubernetes"
        ),
        (
            "Switched to context \"kubernetes-admin@kubernetes\".\n".into(),
            0
        )
    );
    assert_eq!(run(&mut ws, "oc whoami"), ("kubernetes-admin\n".into(), 0));
}

#[test]
fn login_lists_the_projects_the_user_may_see() {
    let mut ws = session();
    for line in [
        "kubectl create namespace team-a",
        "kubectl create namespace team-b",
        "kubectl create rolebinding dev-edit --clusterrole=edit --user=developer -n team-a",
        "kubectl create rolebinding dev-view --clusterrole=view --user=developer -n team-b",
    ] {
        assert_eq!(run(&mut ws, line).1, 0, "{line}");
    }
    let (out, s) = run(&mut ws, "oc login -u developer -p developer");
    assert_eq!(s, 0);
    assert_eq!(
        out,
        "Login successful.\n\nYou have access to the following projects and can switch between them with 'oc project <projectname>':\n\n  * team-a\n    team-b\n\nUsing project \"team-a\".\n"
    );
    assert_eq!(
        run(&mut ws, "kubectl config current-context"),
        ("team-a/api-ocp4-example-com:6443/developer\n".into(), 0)
    );
    assert_eq!(
        run(&mut ws, "kubectl create configmap c -n team-a"),
        ("configmap/c created\n".into(), 0)
    );
    let (out, s) = run(&mut ws, "kubectl create configmap c -n team-b");
    assert_eq!(s, 1);
    assert_eq!(
        out,
        "error: failed to create configmap: configmaps is forbidden: User \"developer\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"team-b\"\n"
    );
    // The file on the workstation is the kubeconfig oc wrote.
    let (cat, _) = run(&mut ws, "cat ~/.kube/config");
    assert!(
        cat.contains("- context:\n    cluster: api-ocp4-example-com:6443\n    namespace: team-a\n    user: developer/api-ocp4-example-com:6443\n  name: team-a/api-ocp4-example-com:6443/developer\n"),
        "{cat}"
    );
}

#[test]
fn a_logged_in_user_provisions_its_own_projects() {
    let mut ws = session();
    assert_eq!(run(&mut ws, "oc login -u developer -p developer").1, 0);
    assert_eq!(
        run(&mut ws, "kubectl auth whoami"),
        (
            "ATTRIBUTE   VALUE\nUsername    developer\nGroups      [system:authenticated:oauth system:authenticated]\n".into(),
            0
        )
    );
    let (out, s) = run(&mut ws, "oc new-project mine");
    assert_eq!(s, 0, "{out}");
    assert!(
        out.starts_with("Now using project \"mine\" on server"),
        "{out}"
    );
    assert_eq!(
        run(&mut ws, "kubectl create deployment web --image=nginx"),
        ("deployment.apps/web created\n".into(), 0)
    );
    assert_eq!(
        run(
            &mut ws,
            "kubectl get rolebinding admin -o jsonpath='{.subjects[0].name}'"
        ),
        ("developer".into(), 0)
    );
    assert_eq!(
        run(&mut ws, "kubectl get pods -n default"),
        ("Error from server (Forbidden): pods is forbidden: User \"developer\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n".into(), 1)
    );
    // A user authenticated by a plain token (not through OAuth) may not.
    assert_eq!(
        run(&mut ws, "kubectl config use-context developer@kubernetes"),
        ("Switched to context \"developer@kubernetes\".\n".into(), 0)
    );
    assert_eq!(
        run(&mut ws, "oc new-project other"),
        (
            "Error from server (Forbidden): You may not request a new project via this API.\n"
                .into(),
            1
        )
    );
}
