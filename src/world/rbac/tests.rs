//! Cases in the spirit of upstream's RBAC authorizer tests (`rbac_test.go`: who a binding
//! applies to, Role versus ClusterRole references, missing roles), in kubelab's own words.

use super::*;
use serde_json::json;

fn world() -> World {
    let mut w = World::new(1);
    for o in [
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "pod-reader", "namespace": "team"},
            "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "alice-reads", "namespace": "team"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader"},
            "subjects": [{"kind": "User", "name": "alice"}, {"kind": "ServiceAccount", "name": "bot"}]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "dangling", "namespace": "team"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "gone"},
            "subjects": [{"kind": "Group", "name": "devs"}]}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": "devs-view"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
            "subjects": [{"kind": "Group", "name": "viewers"}]}),
    ] {
        w.create(o, false).unwrap();
    }
    w
}

fn user(name: &str, groups: &[&str]) -> UserInfo {
    let mut groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    groups.push(AUTHENTICATED.into());
    UserInfo {
        name: name.into(),
        uid: String::new(),
        groups,
    }
}

fn pods(verb: &str, ns: &str) -> Request {
    Request::resource(verb, "", "pods", ns, "")
}

#[test]
fn a_role_binding_grants_its_role_in_its_namespace_only() {
    let w = world();
    let alice = user("alice", &[]);
    assert!(w.decide(&alice, &pods("list", "team")).is_ok());
    assert!(w.decide(&alice, &pods("delete", "team")).is_err());
    assert!(w.decide(&alice, &pods("list", "default")).is_err());
    assert!(w.decide(&user("bob", &[]), &pods("list", "team")).is_err());
}

#[test]
fn service_account_subjects_take_the_binding_namespace() {
    let w = world();
    assert!(
        w.decide(
            &UserInfo::service_account("team", "bot"),
            &pods("get", "team")
        )
        .is_ok()
    );
    assert!(
        w.decide(
            &UserInfo::service_account("default", "bot"),
            &pods("get", "team")
        )
        .is_err()
    );
}

#[test]
fn kubeadm_admin_is_cluster_admin_and_everyone_has_basic_rules() {
    let w = world();
    let admin = UserInfo::kubernetes_admin();
    assert!(
        w.decide(&admin, &Request::resource("delete", "", "nodes", "", "n1"))
            .is_ok()
    );
    let nobody = user("nobody", &[]);
    let review = Request::resource(
        "create",
        "authorization.k8s.io",
        "selfsubjectaccessreviews",
        "",
        "",
    );
    assert!(w.decide(&nobody, &review).is_ok());
    let healthz = Request::NonResource {
        verb: "get".into(),
        path: "/healthz".into(),
    };
    assert!(w.decide(&nobody, &healthz).is_ok());
    let metrics = Request::NonResource {
        verb: "get".into(),
        path: "/metrics".into(),
    };
    assert!(w.decide(&nobody, &metrics).is_err());
}

#[test]
fn aggregated_view_covers_reads_but_not_secrets() {
    let w = world();
    let v = user("carol", &["viewers"]);
    assert!(w.decide(&v, &pods("list", "kube-system")).is_ok());
    let log = Request::resource("get", "", "pods", "team", "p").with_subresource("log");
    assert!(w.decide(&v, &log).is_ok());
    assert!(
        w.decide(&v, &Request::resource("get", "", "secrets", "team", "s"))
            .is_err()
    );
    assert!(
        w.decide(
            &v,
            &Request::resource("list", "apps", "deployments", "team", "")
        )
        .is_ok()
    );
    assert!(
        w.decide(
            &v,
            &Request::resource("patch", "apps", "deployments", "team", "d")
                .with_subresource("scale")
        )
        .is_err()
    );
    // edit holds view's rules and its own.
    let edit = w.cluster_role_rules("edit").unwrap();
    let view = w.cluster_role_rules("view").unwrap();
    assert!(view.iter().all(|r| edit.contains(r)));
    assert!(edit.len() > view.len());
}

#[test]
fn a_missing_role_is_the_denial_reason() {
    let w = world();
    let dev = user("dave", &["devs"]);
    assert_eq!(
        w.decide(&dev, &pods("list", "team")),
        Err("RBAC: role.rbac.authorization.k8s.io \"gone\" not found".into())
    );
}

#[test]
fn forbidden_texts() {
    let e = forbidden("alice", &pods("list", "default"), "");
    assert_eq!(
        e.message,
        "pods is forbidden: User \"alice\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\""
    );
    let e = forbidden(
        "alice",
        &Request::resource("get", "", "pods", "default", "web-1").with_subresource("log"),
        "",
    );
    assert_eq!(
        e.message,
        "pods \"web-1\" is forbidden: User \"alice\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\""
    );
    let e = forbidden("alice", &Request::resource("list", "", "nodes", "", ""), "");
    assert_eq!(
        e.message,
        "nodes is forbidden: User \"alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
    );
    let e = forbidden(
        "alice",
        &Request::resource("create", "apps", "deployments", "default", ""),
        "",
    );
    assert_eq!(
        e.message,
        "deployments.apps is forbidden: User \"alice\" cannot create resource \"deployments\" in API group \"apps\" in the namespace \"default\""
    );
    let e = forbidden(
        "alice",
        &Request::NonResource {
            verb: "get".into(),
            path: "/metrics".into(),
        },
        "",
    );
    assert_eq!(
        e.message,
        "forbidden: User \"alice\" cannot get path \"/metrics\""
    );
}

#[test]
fn requests_of_a_requester_are_checked_and_internal_ones_are_not() {
    let mut w = world();
    w.set_requester(Some(user("alice", &[])));
    let pod = kinds::by_kind("Pod").unwrap();
    assert!(
        w.get(pod, "team", "nope").unwrap_err().reason
            == super::super::api::error::Reason::NotFound
    );
    let e = w.get(pod, "default", "nope").unwrap_err();
    assert_eq!(e.reason, super::super::api::error::Reason::Forbidden);
    let e = w
        .create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "team"}}), false)
        .unwrap_err();
    assert_eq!(
        e.message,
        "configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"team\""
    );
    w.set_requester(None);
    assert!(w.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "team"}}), false).is_ok());
}
