//! The default world (contract section 4): a control-plane node and two workers, the usual
//! namespaces, a default StorageClass, the OpenShift `openshift` namespace, and registries holding
//! the course's images.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::World;
use super::clock::{DEFAULT_START, Timer, rfc3339};
use super::kube_system;
use super::nodes::NodeRuntime;
use super::nodes::image_gc;
use super::registry::defaults::default_registry;
use super::seed::Seed;

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
        "kind": kinds::NODE,
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

/// Which cluster a lab's world is (`world` item of the lab language; docs/lab-language.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Flavour {
    /// kubelab's world before labs chose: a kubeadm cluster that also serves OpenShift's API
    /// (the `openshift` namespace with its sample ImageStreams, `oc` kinds).
    #[default]
    Default,
    /// A plain kubeadm cluster: no OpenShift namespace or kinds.
    Kubernetes,
    /// An OpenShift cluster: the `openshift-*` namespaces a student sees first.
    OpenShift,
}

impl Flavour {
    /// The flavour a lab names (`kubernetes`, `openshift`), if any.
    pub fn parse(name: &str) -> Option<Flavour> {
        match name {
            "kubernetes" => Some(Flavour::Kubernetes),
            "openshift" => Some(Flavour::OpenShift),
            _ => None,
        }
    }
}

/// The seed the cluster's installation draws from: what the default world holds before the lab
/// starts is the same whatever the lab's seed, and does not use up the lab's stream.
const INSTALL_SEED: u64 = 0x6b75_6265_6164_6d00;

/// Where the lab's stream starts: the draws the default world made of it before kube-system was
/// populated (issue 17), so that every name and uid a lab generates stays what it was.
pub const LAB_STREAM_START: u64 = 54;

/// How long `kubeadm init` and the add-ons take to come up, and the workers to join after.
const INSTALL_MS: i64 = 60_000;

thread_local! {
    /// Default worlds already built on this thread, by flavour: building one hashes every image
    /// of the registry and starts kube-system's pods, cloning one is cheaper. Worlds are
    /// deterministic and independent of the lab's seed until the lab starts, so a clone is the
    /// same world.
    static BUILT: std::cell::RefCell<Vec<(Flavour, World)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Builds the default world (a clone of one built before on this thread).
pub fn build(seed: u64) -> World {
    build_flavour(seed, Flavour::Default)
}

/// Builds the world of `flavour` for a lab seeded with `seed`.
pub fn build_flavour(seed: u64, flavour: Flavour) -> World {
    let base = BUILT.with(|b| {
        b.borrow()
            .iter()
            .find(|(f, _)| *f == flavour)
            .map(|(_, w)| w.clone())
    });
    let mut w = match base {
        Some(w) => w,
        None => {
            let w = build_base(flavour);
            BUILT.with(|b| b.borrow_mut().push((flavour, w.clone())));
            w
        }
    };
    w.seed = Seed::new(seed).skipped(LAB_STREAM_START);
    w
}

/// Builds the default world from scratch.
pub fn build_fresh(seed: u64) -> World {
    let mut w = build_base(Flavour::Default);
    w.seed = Seed::new(seed).skipped(LAB_STREAM_START);
    w
}

fn add_node(
    w: &mut World,
    i: usize,
    name: &str,
    control_plane: bool,
    created: &str,
    flavour: Flavour,
) {
    let ip = format!("10.0.0.{}", 10 + i);
    let mut obj = node_object(name, control_plane, &ip, created);
    if flavour == Flavour::OpenShift {
        // OpenShift 4's node roles.
        let role = if control_plane { "master" } else { "worker" };
        obj["metadata"]["labels"][format!("node-role.kubernetes.io/{role}")] = json!("");
    }
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
    if let Some(lease) = kube_system::node_lease(w, name, DEFAULT_START) {
        let _ = w.create_internal(lease);
    }
}

/// Maximum nodes a world holds (`World::join_worker`'s bound).
pub const MAX_NODES: usize = 16;

impl World {
    /// A worker joins the cluster now (`kubeadm join`, as the installation's workers did): its
    /// Node object with the next address and pod subnet, its runtime, its lease; the
    /// DaemonSets' pods follow at the next settle. Errors name what is wrong.
    pub fn join_worker(&mut self, name: &str) -> Result<(), String> {
        let valid = !name.is_empty()
            && name.len() <= 63
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !name.starts_with(['-', '.'])
            && !name.ends_with(['-', '.']);
        if !valid {
            return Err(format!(
                "\"{name}\" is not a valid node name (a DNS subdomain)"
            ));
        }
        if self.nodes.contains_key(name) {
            return Err(format!("node \"{name}\" already exists"));
        }
        if self.nodes.len() >= MAX_NODES {
            return Err(format!("kubelab's worlds hold at most {MAX_NODES} nodes"));
        }
        // The next index after every node's (addresses and pod subnets stay distinct).
        let i = self
            .nodes
            .values()
            .map(|n| n.pod_subnet as usize + 1)
            .max()
            .unwrap_or(0);
        let created = rfc3339(self.now());
        let flavour = self.flavour;
        add_node(self, i, name, false, &created, flavour);
        self.settle();
        Ok(())
    }
}

/// The cluster as the course's administrators left it, ten days before the class: `kubeadm
/// init` on the control plane with flannel and metrics-server, then the workers joining.
fn build_base(flavour: Flavour) -> World {
    // The workers join ten days before the class (the nodes' AGE), once the control plane is up.
    let installed = DEFAULT_START - CLUSTER_AGE_MS - INSTALL_MS;
    let mut w = World::empty(INSTALL_SEED, installed);
    w.flavour = flavour;
    w.registry = default_registry();
    kube_system::images::push(&mut w.registry);
    w.provisioners.insert("rancher.io/local-path".to_string());
    let created = rfc3339(w.now());
    let mut namespaces: Vec<&str> = kube_system::NAMESPACES.to_vec();
    if flavour != Flavour::OpenShift {
        namespaces.push(kube_system::CNI_NAMESPACE);
    }
    if flavour != Flavour::Kubernetes {
        namespaces.push("openshift");
    }
    for ns in namespaces {
        let _ = w.create_internal(
            json!({"apiVersion": "v1", "kind": kinds::NAMESPACE, "metadata": {"name": ns}}),
        );
    }
    // The API server's bootstrap policy.
    for obj in super::rbac::bootstrap::objects(flavour != Flavour::Kubernetes) {
        let _ = w.create_internal(obj);
    }
    let (cp, cp_is_cp) = NODES[0];
    add_node(&mut w, 0, cp, cp_is_cp, &created, flavour);
    kube_system::install(&mut w, cp, flavour != Flavour::OpenShift);
    w.advance(INSTALL_MS);
    let joined = rfc3339(w.now());
    for (i, (name, is_cp)) in NODES.iter().enumerate().skip(1) {
        add_node(&mut w, i, name, *is_cp, &joined, flavour);
    }
    if flavour == Flavour::OpenShift {
        kube_system::openshift::install(&mut w);
    }
    let _ = w.create_internal(json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": kinds::STORAGE_CLASS,
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }));
    if flavour != Flavour::Kubernetes {
        openshift_samples(&mut w);
    }
    w.advance(INSTALL_MS);
    w.settle();
    w.clock.set(DEFAULT_START);
    w.settle();
    // The installation's events are older than the API server's event TTL (one hour).
    w.forget_events();
    w
}

/// OpenShift samples in the `openshift` namespace (`oc get istag -n openshift | grep php`).
fn openshift_samples(w: &mut World) {
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
            "apiVersion": "image.openshift.io/v1", "kind": kinds::IMAGE_STREAM,
            "metadata": {"name": name, "namespace": "openshift"},
            "spec": {"tags": tags},
        }));
    }
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
