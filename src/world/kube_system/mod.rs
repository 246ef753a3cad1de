//! What a kubeadm 1.32 cluster holds before anyone uses it: kube-system's control plane (static
//! pods mirrored by the kubelet), CoreDNS and its `kube-dns` Service, kube-proxy, the flannel
//! CNI (namespace `kube-flannel`), metrics-server, their ConfigMaps and ServiceAccounts, the
//! built-in PriorityClasses, kube-public's `cluster-info` and kube-node-lease's node Leases
//! (`../shared/reference/cluster-breadth.md` section 1).
//!
//! These are ordinary objects: the controllers own them (the Deployment and DaemonSet
//! controllers keep their pods, the kubelets run them) and a student may look at, delete or
//! break them. The default world installs them as `kubeadm init` does, before the workers join
//! (`default_world.rs`), so CoreDNS runs on the control-plane node.

use crate::world::api::kinds;
pub mod addons;
pub mod config_maps;
pub mod control_plane;
pub mod images;
pub mod openshift;

use serde_json::{Value, json};

use super::World;
use super::api::meta;
use super::clock::{Millis, rfc3339};

/// The namespaces of every cluster.
pub const NAMESPACES: &[&str] = &["default", "kube-node-lease", "kube-public", "kube-system"];

/// flannel's namespace (kubeadm clusters).
pub const CNI_NAMESPACE: &str = "kube-flannel";

/// The PriorityClasses every cluster has (`pkg/apis/scheduling`: `SystemPriorityClasses`).
fn priority_classes() -> Vec<Value> {
    [
        (
            "system-cluster-critical",
            2_000_000_000,
            "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
        ),
        (
            "system-node-critical",
            2_000_001_000,
            "Used for system critical pods that must not be moved from their current node.",
        ),
    ]
    .into_iter()
    .map(|(name, value, description)| {
        json!({
            "apiVersion": "scheduling.k8s.io/v1", "kind": kinds::PRIORITY_CLASS,
            "metadata": {"name": name},
            "value": value, "description": description, "preemptionPolicy": "PreemptLowerPriority",
        })
    })
    .collect()
}

fn service_account(ns: &str, name: &str, labels: Option<Value>) -> Value {
    let mut o = json!({"apiVersion": "v1", "kind": kinds::SERVICE_ACCOUNT, "metadata": {"name": name, "namespace": ns}});
    if let Some(l) = labels {
        o["metadata"]["labels"] = l;
    }
    o
}

/// Creates an object of the installation; an object the world refuses is a bug of this module
/// (caught by the tests, which check every object is there).
fn create(w: &mut World, obj: Value) {
    let _ = w.create_internal(obj);
}

/// `kubeadm init` on `node` (already registered), then the CNI and metrics-server: everything
/// but the node Leases, which follow each node ([`node_lease`]). An OpenShift cluster
/// (`kubeadm` false) has the PriorityClasses and the controllers' accounts only: its control
/// plane, DNS and network live in `openshift-*` namespaces ([`openshift`]).
pub fn install(w: &mut World, node: &str, kubeadm: bool) {
    let Some(n) = w.object(kinds::NODE, "", node).cloned() else {
        return;
    };
    let node_uid = meta::uid(&n).to_string();
    let ip = meta::path(&n, &["status", "addresses", "0", "address"])
        .and_then(Value::as_str)
        .unwrap_or("10.0.0.10")
        .to_string();
    for pc in priority_classes() {
        create(w, pc);
    }
    // The controller-manager's own accounts, then kubeadm's add-ons' and the CNI's.
    for name in addons::CONTROLLER_ACCOUNTS {
        create(w, service_account("kube-system", name, None));
    }
    if !kubeadm {
        return;
    }
    let day = rfc3339(w.now())[..10].to_string();
    for cm in config_maps::all(&day) {
        create(w, cm);
    }
    create(w, service_account("kube-system", "coredns", None));
    create(w, service_account("kube-system", "kube-proxy", None));
    create(
        w,
        service_account(
            "kube-system",
            "metrics-server",
            Some(json!({"k8s-app": "metrics-server"})),
        ),
    );
    create(
        w,
        service_account(
            "kube-flannel",
            "flannel",
            Some(json!({"k8s-app": "flannel"})),
        ),
    );
    // The kubelet mirrors the static pods as soon as the API server answers.
    let seen = seen_stamp(w.now());
    for (component, image, cpu) in control_plane::COMPONENTS {
        create(
            w,
            control_plane::mirror_pod(component, image, cpu, node, &node_uid, &ip, &seen),
        );
    }
    create(w, addons::kube_dns());
    create(w, addons::coredns());
    create(w, addons::kube_proxy());
    create(w, addons::flannel());
    create(w, addons::metrics_server_service());
    create(w, addons::metrics_server());
}

/// The kubelet's `kubernetes.io/config.seen` stamp (RFC 3339 with nanoseconds).
fn seen_stamp(t: Millis) -> String {
    let s = rfc3339(t);
    format!("{}.{:03}000000Z", &s[..s.len() - 1], t.rem_euclid(1000))
}

/// The Lease the kubelet of `node` renews in `kube-node-lease` (every 10 s; kubelab writes
/// the last renewal before `renewed`).
pub fn node_lease(w: &World, node: &str, renewed: Millis) -> Option<Value> {
    let n = w.object(kinds::NODE, "", node)?;
    let renew = renewed - 2_000 - (meta::name(n).len() as Millis * 137) % 1_000;
    let s = rfc3339(renew);
    Some(json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": kinds::LEASE,
        "metadata": {
            "name": node, "namespace": "kube-node-lease",
            "ownerReferences": [{"apiVersion": "v1", "kind": kinds::NODE, "name": node, "uid": meta::uid(n)}],
        },
        "spec": {
            "holderIdentity": node,
            "leaseDurationSeconds": 40,
            "renewTime": format!("{}.{:06}Z", &s[..s.len() - 1], renew.rem_euclid(1000) * 1000 + 412),
        },
    }))
}

#[cfg(test)]
mod tests;
