//! The installed cluster: every object is there and running, on the nodes kubeadm's order puts
//! them on, in each flavour; the lab's stream is untouched.

use crate::world::World;
use crate::world::api::meta;
use crate::world::default_world::{self, Flavour, LAB_STREAM_START};
use crate::world::seed::Seed;

fn pods(w: &World, ns: &str) -> Vec<(String, String, String, String)> {
    let k = crate::world::api::kinds::by_kind("Pod").expect("pods");
    w.store
        .list(k, Some(ns))
        .map(|p| {
            (
                meta::name(p).to_string(),
                meta::str_at(p, &["spec", "nodeName"])
                    .unwrap_or("")
                    .to_string(),
                meta::str_at(p, &["status", "phase"])
                    .unwrap_or("")
                    .to_string(),
                meta::str_at(p, &["status", "podIP"])
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn kubeadm_s_kube_system_runs_where_kubeadm_puts_it() {
    let w = default_world::build(1);
    let sys = pods(&w, "kube-system");
    assert_eq!(sys.len(), 10, "{sys:?}");
    assert!(
        sys.iter().all(|(_, _, phase, _)| phase == "Running"),
        "{sys:?}"
    );
    for c in [
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
    ] {
        let name = format!("{c}-control-plane");
        let (_, node, _, ip) = sys.iter().find(|p| p.0 == name).expect("mirror pod");
        assert_eq!((node.as_str(), ip.as_str()), ("control-plane", "10.0.0.10"));
        let pod = w.object("Pod", "kube-system", &name).expect("pod");
        assert_eq!(
            meta::str_at(pod, &["metadata", "ownerReferences", "0", "kind"]),
            Some("Node")
        );
        assert!(meta::annotation(pod, "kubernetes.io/config.mirror").is_some());
        assert_eq!(meta::str_at(pod, &["spec", "serviceAccountName"]), None);
        assert_eq!(
            meta::int_at(pod, &["spec", "priority"]),
            Some(2_000_001_000)
        );
    }
    // CoreDNS came up before the workers joined; the DaemonSets run everywhere.
    let on = |prefix: &str| -> Vec<&str> {
        sys.iter()
            .filter(|p| p.0.starts_with(prefix))
            .map(|p| p.1.as_str())
            .collect()
    };
    assert_eq!(on("coredns-"), ["control-plane", "control-plane"]);
    assert_eq!(on("metrics-server-"), ["control-plane"]);
    let mut proxies = on("kube-proxy-");
    proxies.sort();
    assert_eq!(proxies, ["control-plane", "worker-1", "worker-2"]);
    assert_eq!(pods(&w, "kube-flannel").len(), 3);
    let dns = w
        .object("Service", "kube-system", "kube-dns")
        .expect("kube-dns");
    assert_eq!(
        meta::str_at(dns, &["spec", "clusterIP"]),
        Some("10.96.0.10")
    );
    for (ns, cm) in [
        ("kube-system", "coredns"),
        ("kube-system", "kubeadm-config"),
        ("kube-system", "kubelet-config"),
        ("kube-system", "kube-proxy"),
        ("kube-public", "cluster-info"),
        ("kube-flannel", "kube-root-ca.crt"),
    ] {
        assert!(w.object("ConfigMap", ns, cm).is_some(), "{ns}/{cm}");
    }
    for node in ["control-plane", "worker-1", "worker-2"] {
        assert!(
            w.object("Lease", "kube-node-lease", node).is_some(),
            "{node}"
        );
    }
    assert!(w.object("ClusterRole", "", "view").is_some());
    assert!(
        w.object("ClusterRoleBinding", "", "kubeadm:cluster-admins")
            .is_some()
    );
    // Nothing of the installation is left for the students' `get events`.
    let events = crate::world::api::kinds::by_kind("Event").expect("events");
    assert_eq!(w.store.count(events), 0);
}

#[test]
fn the_lab_s_stream_starts_where_it_did_before_kube_system() {
    for seed in [1, 7, 12_345] {
        let mut w = default_world::build(seed);
        let mut expected = Seed::new(seed).skipped(LAB_STREAM_START);
        assert_eq!(w.seed.uid(), expected.uid());
    }
    // The installation is the same whatever the lab's seed.
    let (a, b) = (default_world::build(1), default_world::build(2));
    assert_eq!(pods(&a, "kube-system"), pods(&b, "kube-system"));
}

#[test]
fn a_plain_world_has_no_openshift_an_openshift_world_no_kubeadm() {
    let k = default_world::build_flavour(1, Flavour::Kubernetes);
    assert!(k.object("Namespace", "", "openshift").is_none());
    assert!(k.resolve_kind("imagestreams").is_none());
    assert!(k.resolve_kind("deployments").is_some());
    assert!(k.object("ClusterRole", "", "self-provisioner").is_none());
    assert_eq!(pods(&k, "kube-system").len(), 10);

    let o = default_world::build_flavour(1, Flavour::OpenShift);
    assert!(o.resolve_kind("imagestreams").is_some());
    assert!(pods(&o, "kube-system").is_empty());
    assert!(o.object("Namespace", "", "kube-flannel").is_none());
    let routers = pods(&o, "openshift-ingress");
    assert_eq!(routers.len(), 2);
    let mut nodes: Vec<&str> = routers.iter().map(|r| r.1.as_str()).collect();
    nodes.sort();
    assert_eq!(nodes, ["worker-1", "worker-2"]);
    assert!(routers.iter().all(|r| r.2 == "Running"));
    assert!(
        pods(&o, "openshift-console")
            .iter()
            .all(|p| p.1 == "control-plane" && p.2 == "Running")
    );
    assert_eq!(pods(&o, "openshift-image-registry").len(), 1);
    let node = o.object("Node", "", "worker-1").expect("node");
    assert!(meta::labels(node).contains_key("node-role.kubernetes.io/worker"));
}
