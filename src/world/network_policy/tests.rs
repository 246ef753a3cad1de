//! Cases after upstream's NetworkPolicy semantics (the `networking/v1` API documentation and
//! the cases of the network policy e2e suite, `test/e2e/network/netpol`): isolation per
//! direction, peers OR-ed across entries and AND-ed within one, ports by number, name and
//! range, ipBlock with exceptions; in kubelab's own words.

use super::*;
use serde_json::json;

fn world(policies: &[Value]) -> World {
    let mut w = World::new(1);
    for ns in [("x", "a"), ("y", "b")] {
        w.create(
            json!({"apiVersion": "v1", "kind": "Namespace",
                "metadata": {"name": ns.0, "labels": {"ns": ns.1}}}),
            false,
        )
        .unwrap();
    }
    for p in policies {
        w.create(p.clone(), false).unwrap();
    }
    w
}

fn policy(ns: &str, name: &str, spec: Value) -> Value {
    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns}, "spec": spec})
}

fn pod(ns: &str, app: &str, ip: &str) -> Value {
    json!({"metadata": {"name": app, "namespace": ns, "labels": {"app": app}},
        "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080}]}]},
        "status": {"podIP": ip}})
}

#[test]
fn without_policies_everything_passes() {
    let w = world(&[]);
    let (a, b) = (pod("x", "a", "10.244.1.2"), pod("y", "b", "10.244.2.2"));
    assert!(allows(&w, Peer::Pod(&a), &b, 80, "TCP"));
    assert!(allows(&w, Peer::Host("192.168.49.2"), &b, 80, "TCP"));
}

#[test]
fn default_deny_ingress_isolates_only_ingress() {
    let w = world(&[policy("x", "deny", json!({"podSelector": {}}))]);
    let (a, a2) = (pod("x", "a", "10.244.1.2"), pod("x", "a2", "10.244.1.3"));
    let b = pod("y", "b", "10.244.2.2");
    assert!(!allows(&w, Peer::Pod(&b), &a, 80, "TCP"));
    assert!(!allows(&w, Peer::Pod(&a2), &a, 80, "TCP"));
    // The policy's type is Ingress alone (defaulted): a's own connections go out.
    assert!(allows(&w, Peer::Pod(&a), &b, 80, "TCP"));
}

#[test]
fn egress_type_without_rules_denies_every_egress() {
    let w = world(&[policy(
        "x",
        "deny-out",
        json!({"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"]}),
    )]);
    let (a, a2) = (pod("x", "a", "10.244.1.2"), pod("x", "a2", "10.244.1.3"));
    assert!(!allows(&w, Peer::Pod(&a), &a2, 80, "TCP"));
    assert!(allows(&w, Peer::Pod(&a2), &a, 80, "TCP"));
}

#[test]
fn a_pod_selector_peer_is_the_policys_namespace() {
    let w = world(&[policy(
        "x",
        "from-c",
        json!({"podSelector": {"matchLabels": {"app": "a"}},
            "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "c"}}}]}]}),
    )]);
    let a = pod("x", "a", "10.244.1.2");
    assert!(allows(
        &w,
        Peer::Pod(&pod("x", "c", "10.244.1.4")),
        &a,
        80,
        "TCP"
    ));
    // Same labels in another namespace: not selected.
    assert!(!allows(
        &w,
        Peer::Pod(&pod("y", "c", "10.244.2.4")),
        &a,
        80,
        "TCP"
    ));
    // Outside the pod network: only ipBlock can match.
    assert!(!allows(&w, Peer::Host("10.244.1.4"), &a, 80, "TCP"));
}

#[test]
fn namespace_and_pod_selectors_and_within_a_peer_or_across_peers() {
    let and = policy(
        "x",
        "and",
        json!({"podSelector": {"matchLabels": {"app": "a"}},
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"ns": "b"}},
                "podSelector": {"matchLabels": {"app": "c"}}}]}]}),
    );
    let w = world(&[and]);
    let a = pod("x", "a", "10.244.1.2");
    assert!(allows(
        &w,
        Peer::Pod(&pod("y", "c", "10.244.2.4")),
        &a,
        80,
        "TCP"
    ));
    assert!(!allows(
        &w,
        Peer::Pod(&pod("y", "d", "10.244.2.5")),
        &a,
        80,
        "TCP"
    ));
    assert!(!allows(
        &w,
        Peer::Pod(&pod("x", "c", "10.244.1.4")),
        &a,
        80,
        "TCP"
    ));
    let or = policy(
        "x",
        "or",
        json!({"podSelector": {"matchLabels": {"app": "a"}},
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"ns": "b"}}},
                {"podSelector": {"matchLabels": {"app": "c"}}}]}]}),
    );
    let w = world(&[or]);
    assert!(allows(
        &w,
        Peer::Pod(&pod("y", "d", "10.244.2.5")),
        &a,
        80,
        "TCP"
    ));
    assert!(allows(
        &w,
        Peer::Pod(&pod("x", "c", "10.244.1.4")),
        &a,
        80,
        "TCP"
    ));
    assert!(!allows(
        &w,
        Peer::Pod(&pod("x", "d", "10.244.1.5")),
        &a,
        80,
        "TCP"
    ));
    // An empty namespaceSelector is every namespace.
    let all = policy(
        "x",
        "all-ns",
        json!({"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]}),
    );
    let w = world(&[all]);
    assert!(allows(
        &w,
        Peer::Pod(&pod("y", "d", "10.244.2.5")),
        &a,
        80,
        "TCP"
    ));
    assert!(!allows(&w, Peer::Host("192.168.49.2"), &a, 80, "TCP"));
}

#[test]
fn ports_by_number_name_range_and_protocol() {
    let w = world(&[policy(
        "x",
        "ports",
        json!({"podSelector": {},
            "ingress": [{"ports": [{"port": 80}, {"port": "http"},
                {"port": 9000, "endPort": 9010}, {"protocol": "UDP", "port": 53}]}]}),
    )]);
    let (a, c) = (pod("x", "a", "10.244.1.2"), pod("x", "c", "10.244.1.4"));
    for (port, proto, ok) in [
        (80, "TCP", true),
        (8080, "TCP", true),
        (9000, "TCP", true),
        (9010, "TCP", true),
        (9011, "TCP", false),
        (53, "UDP", true),
        (53, "TCP", false),
        (443, "TCP", false),
    ] {
        assert_eq!(
            allows(&w, Peer::Pod(&c), &a, port, proto),
            ok,
            "{port}/{proto}"
        );
    }
}

#[test]
fn ip_blocks_with_exceptions() {
    let w = world(&[policy(
        "x",
        "cidr",
        json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock":
            {"cidr": "192.168.0.0/16", "except": ["192.168.49.0/24"]}}]}]}),
    )]);
    let a = pod("x", "a", "10.244.1.2");
    assert!(allows(&w, Peer::Host("192.168.1.9"), &a, 80, "TCP"));
    assert!(!allows(&w, Peer::Host("192.168.49.2"), &a, 80, "TCP"));
    assert!(!allows(&w, Peer::Host("10.0.0.1"), &a, 80, "TCP"));
    assert!(cidr_contains(
        "10.244.0.0/16",
        "10.244.3.7".parse().unwrap()
    ));
    assert!(cidr_contains("0.0.0.0/0", "1.2.3.4".parse().unwrap()));
    assert!(cidr_contains("10.0.0.1", "10.0.0.1".parse().unwrap()));
    assert!(!cidr_contains("10.0.0.0/33", "10.0.0.1".parse().unwrap()));
    assert!(!cidr_contains("fd00::/8", "10.0.0.1".parse().unwrap()));
}

#[test]
fn both_ends_must_allow() {
    let w = world(&[
        policy(
            "x",
            "a-out",
            json!({"podSelector": {"matchLabels": {"app": "a"}}, "policyTypes": ["Egress"],
                "egress": [{"to": [{"namespaceSelector": {"matchLabels": {"ns": "b"}}}]}]}),
        ),
        policy(
            "y",
            "b-in",
            json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {}}]}]}),
        ),
    ]);
    let (a, b) = (pod("x", "a", "10.244.1.2"), pod("y", "b", "10.244.2.2"));
    // a may send to y, but y takes only its own namespace's pods.
    assert!(!allows(&w, Peer::Pod(&a), &b, 80, "TCP"));
    let b2 = pod("y", "b2", "10.244.2.3");
    assert!(allows(&w, Peer::Pod(&b2), &b, 80, "TCP"));
}

#[test]
fn host_network_pods_are_neither_isolated_nor_selected() {
    let w = world(&[policy("x", "deny", json!({"podSelector": {}}))]);
    let mut h = pod("x", "a", "192.168.49.2");
    h["spec"]["hostNetwork"] = json!(true);
    assert!(allows(
        &w,
        Peer::Pod(&pod("y", "b", "10.244.2.2")),
        &h,
        80,
        "TCP"
    ));
}
