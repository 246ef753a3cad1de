//! The default world (contract section 4): a control-plane node and two workers, the usual
//! namespaces, a default StorageClass, the OpenShift `openshift` namespace, and registries holding
//! the course's images.

use serde_json::{Value, json};

use super::World;
use super::clock::{DEFAULT_START, Timer, rfc3339};
use super::nodes::NodeRuntime;
use super::nodes::image_gc;
use super::registry::defaults::default_registry;

/// How long before the class the cluster was installed (node and namespace AGE).
pub const CLUSTER_AGE_MS: i64 = 10 * 86_400_000;

/// Node names of the default world.
pub const NODES: &[(&str, bool)] = &[
    ("control-plane", true),
    ("worker-1", false),
    ("worker-2", false),
];

fn node_object(name: &str, control_plane: bool, ip: &str, created: &str) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    let mut spec = json!({"podCIDR": "", "podCIDRs": []});
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        spec["taints"] =
            json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    }
    let cond = |ty: &str, status: &str, reason: &str, msg: &str| json!({"lastHeartbeatTime": created, "lastTransitionTime": created, "message": msg, "reason": reason, "status": status, "type": ty});
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "labels": labels,
            "name": name,
        },
        "spec": spec,
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "2", "ephemeral-storage": "47266578354", "hugepages-2Mi": "0", "memory": "3928608Ki", "pods": "110"},
            "capacity": {"cpu": "2", "ephemeral-storage": "51287520Ki", "hugepages-2Mi": "0", "memory": "4031008Ki", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "",
                "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "5.15.0-126-generic",
                "kubeProxyVersion": "v1.32.4",
                "kubeletVersion": "v1.32.4",
                "machineID": "",
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS",
                "systemUUID": "",
            },
        },
    })
}

thread_local! {
    /// Default worlds already built on this thread, by seed: building one hashes every image
    /// of the registry, cloning one is cheaper. Worlds are deterministic, so a clone is the
    /// same world.
    static BUILT: std::cell::RefCell<Vec<(u64, World)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Builds the default world (a clone of one built before on this thread with the same seed).
pub fn build(seed: u64) -> World {
    if let Some(w) = BUILT.with(|b| {
        b.borrow()
            .iter()
            .find(|(s, _)| *s == seed)
            .map(|(_, w)| w.clone())
    }) {
        return w;
    }
    let w = build_fresh(seed);
    BUILT.with(|b| {
        let mut b = b.borrow_mut();
        if b.len() >= 4 {
            b.remove(0);
        }
        b.push((seed, w.clone()));
    });
    w
}

/// Builds the default world from scratch.
pub fn build_fresh(seed: u64) -> World {
    let mut w = World::empty(seed, DEFAULT_START - CLUSTER_AGE_MS);
    w.registry = default_registry();
    w.provisioners.insert("rancher.io/local-path".to_string());
    let created = rfc3339(w.now());
    for ns in [
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "openshift",
    ] {
        let _ = w.create_internal(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        );
    }
    for (i, (name, cp)) in NODES.iter().enumerate() {
        let ip = format!("10.0.0.{}", 10 + i);
        let mut obj = node_object(name, *cp, &ip, &created);
        obj["spec"]["podCIDR"] = json!(format!("10.244.{i}.0/24"));
        obj["spec"]["podCIDRs"] = json!([format!("10.244.{i}.0/24")]);
        // Nodes keep the status they are created with (node strategy).
        let _ = w.create_internal(obj);
        w.nodes.insert(
            name.to_string(),
            NodeRuntime::new(name, i as u32, 50 * 1_000_000_000),
        );
        w.clock.after(
            image_gc::PERIOD_MS,
            Timer::NodeHousekeeping {
                node: name.to_string(),
            },
        );
    }
    let _ = w.create_internal(json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }));
    // OpenShift samples in the `openshift` namespace (`oc get istag -n openshift | grep php`).
    for (name, tags) in [
        (
            "php",
            vec![
                ("8.1-ubi9", "registry.access.redhat.com/ubi9/php-81:1-50"),
                ("latest", "registry.access.redhat.com/ubi9/php-81:latest"),
            ],
        ),
        (
            "nginx",
            vec![
                (
                    "1.20-ubi9",
                    "registry.access.redhat.com/ubi9/nginx-120:1-112",
                ),
                ("latest", "registry.access.redhat.com/ubi9/nginx-120:latest"),
            ],
        ),
        (
            "ubi9",
            vec![("latest", "registry.access.redhat.com/ubi9/ubi:latest")],
        ),
    ] {
        let tags: Vec<Value> = tags
            .iter()
            .map(|(t, from)| json!({"name": t, "from": {"kind": "DockerImage", "name": from}, "referencePolicy": {"type": "Local"}}))
            .collect();
        let _ = w.create_internal(json!({
            "apiVersion": "image.openshift.io/v1", "kind": "ImageStream",
            "metadata": {"name": name, "namespace": "openshift"},
            "spec": {"tags": tags},
        }));
    }
    w.settle();
    w.clock.set(DEFAULT_START);
    w.settle();
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_world_is_deterministic_and_complete() {
        let a = build(1);
        let b = build(1);
        assert_eq!(format!("{:?}", a.store), format!("{:?}", b.store));
        assert!(a.object("Node", "", "worker-1").is_some());
        assert!(a.object("ServiceAccount", "default", "default").is_some());
        assert!(
            a.object("ConfigMap", "kube-system", "kube-root-ca.crt")
                .is_some()
        );
        assert_eq!(a.now(), DEFAULT_START);
        assert_eq!(a.default_storage_class().as_deref(), Some("standard"));
    }
}
