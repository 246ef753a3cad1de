//! A cloud under the cluster (a world option: `cluster.cloud("gke")`): Google Kubernetes Engine's
//! storage as a 1.32 cluster has it. The in-tree `kubernetes.io/gce-pd` provisioner is migrated
//! to the PD CSI driver `pd.csi.storage.gke.io` (the PV controller waits for the CSI driver's
//! external provisioner, which creates the disk and writes the PV back in in-tree form); the
//! default classes are `standard` (gce-pd, Immediate), `standard-rwo` (the default, pd-balanced)
//! and `premium-rwo` (pd-ssd), both WaitForFirstConsumer; nodes carry their zone and region
//! labels. Sources: kubernetes' `pv_controller.go`, csi-translation-lib's `gce_pd.go` and
//! `in_tree_volume.go`, external-provisioner's controller, the GCE PD CSI driver
//! (docs/rook.md, /work/notes' reference). Without the option, a claim of an unknown
//! provisioner stays Pending with the PV controller's ExternalProvisioning event.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::World;
use super::api::meta;

/// The in-tree plugin GKE migrates.
pub const GCE_PD: &str = "kubernetes.io/gce-pd";
/// The CSI driver that serves it (csi-translation-lib's `GCEPDDriverName`).
pub const PD_CSI: &str = "pd.csi.storage.gke.io";
/// The topology key the PD CSI driver reports (`TopologyKeyZone`).
const GKE_ZONE_KEY: &str = "topology.gke.io/zone";

/// The cloud a world runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    /// `gke`.
    pub name: String,
    /// The Google Cloud project (disk handles name it).
    pub project: String,
    /// The region (`us-central1`).
    pub region: String,
    /// The zones the nodes are spread over, in order.
    pub zones: Vec<String>,
}

impl Cloud {
    /// GKE in `us-central1`, nodes spread over zones a, b and c.
    pub fn gke() -> Cloud {
        Cloud {
            name: "gke".into(),
            project: "kubelab-course".into(),
            region: "us-central1".into(),
            zones: ["us-central1-a", "us-central1-b", "us-central1-c"]
                .iter()
                .map(|z| z.to_string())
                .collect(),
        }
    }
}

/// The default classes of a GKE cluster (GKE's addon manager keeps them).
fn gke_classes() -> Vec<Value> {
    let csi_class = |name: &str, disk: &str, default: bool| {
        let mut annotations = json!({
            "components.gke.io/component-name": "pdcsi",
            "components.gke.io/component-version": "0.21.7",
            "components.gke.io/layer": "addon",
        });
        if default {
            annotations["storageclass.kubernetes.io/is-default-class"] = json!("true");
        }
        json!({
            "apiVersion": "storage.k8s.io/v1",
            "kind": kinds::STORAGE_CLASS,
            "metadata": {
                "name": name,
                "annotations": annotations,
                "labels": {
                    "addonmanager.kubernetes.io/mode": "EnsureExists",
                    "k8s-app": "gcp-compute-persistent-disk-csi-driver",
                },
            },
            "provisioner": PD_CSI,
            "parameters": {"type": disk},
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": true,
        })
    };
    vec![
        json!({
            "apiVersion": "storage.k8s.io/v1",
            "kind": kinds::STORAGE_CLASS,
            "metadata": {
                "name": "standard",
                "labels": {"addonmanager.kubernetes.io/mode": "EnsureExists"},
            },
            "provisioner": GCE_PD,
            "parameters": {"type": "pd-standard"},
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
            "allowVolumeExpansion": true,
        }),
        csi_class("standard-rwo", "pd-balanced", true),
        csi_class("premium-rwo", "pd-ssd", false),
    ]
}

impl World {
    /// Puts the world on GKE: the nodes get zones, the local-path provisioner and its class
    /// go, GKE's classes and the PD CSI driver come. Idempotent.
    pub fn use_gke(&mut self) {
        let cloud = Cloud::gke();
        let names: Vec<String> = self.nodes.keys().cloned().collect();
        for (i, name) in names.iter().enumerate() {
            let Some(node) = self.object(kinds::NODE, "", name).cloned() else {
                continue;
            };
            let zone = cloud.zones[i % cloud.zones.len()].clone();
            let mut n = node;
            let labels = meta::path_mut(&mut n, &["metadata", "labels"]);
            if !labels.is_object() {
                *labels = json!({});
            }
            labels["topology.kubernetes.io/zone"] = json!(zone);
            labels["topology.kubernetes.io/region"] = json!(cloud.region);
            labels["failure-domain.beta.kubernetes.io/zone"] = json!(zone);
            labels["failure-domain.beta.kubernetes.io/region"] = json!(cloud.region);
            labels[GKE_ZONE_KEY] = json!(zone);
            labels["cloud.google.com/gke-nodepool"] = json!("default-pool");
            labels["node.kubernetes.io/instance-type"] = json!("e2-medium");
            labels["beta.kubernetes.io/instance-type"] = json!("e2-medium");
            let _ = self.write(n);
        }
        if let Some(sc) = self.object(kinds::STORAGE_CLASS, "", "standard")
            && sc.get("provisioner").and_then(Value::as_str) == Some("rancher.io/local-path")
            && let Some(k) = super::api::kinds::by_kind(kinds::STORAGE_CLASS)
        {
            let _ = self.delete_internal(k, "", "standard");
        }
        self.provisioners.remove("rancher.io/local-path");
        self.provisioners.insert(PD_CSI.to_string());
        for sc in gke_classes() {
            let _ = self.create_internal(sc);
        }
        self.cloud = Some(cloud);
    }

    /// The provisioner that serves a class's `provisioner` (CSI migration: `kubernetes.io/gce-pd`
    /// is served by the PD CSI driver on GKE).
    pub fn serving_provisioner(&self, provisioner: &str) -> String {
        match &self.cloud {
            Some(c) if c.name == "gke" && provisioner == GCE_PD => PD_CSI.to_string(),
            _ => provisioner.to_string(),
        }
    }

    /// The zone of a node (its `topology.kubernetes.io/zone` label).
    fn node_zone(&self, node: &str) -> Option<String> {
        self.object(kinds::NODE, "", node)
            .and_then(|n| meta::labels(n).get("topology.kubernetes.io/zone").cloned())
    }

    /// On a cloud, shapes the PV the PD CSI driver makes for a claim (`pv`: the generic PV with
    /// name, claim, capacity, class): the disk in the selected node's zone (or, for Immediate
    /// binding, a zone picked from the claim's uid), capacity in whole GiB as the disk is sized,
    /// in-tree form for a migrated class. Returns false when the world has no cloud or the
    /// driver is not the cloud's.
    pub fn cloud_pv(
        &self,
        pv: &mut Value,
        class_provisioner: &str,
        fs_type: &str,
        node: Option<&str>,
    ) -> bool {
        let Some(cloud) = &self.cloud else {
            return false;
        };
        if self.serving_provisioner(class_provisioner) != PD_CSI {
            return false;
        }
        let name = meta::name(pv).to_string();
        let zone = match node.and_then(|n| self.node_zone(n)) {
            Some(z) => z,
            None => {
                // Immediate binding: a zone of the nodes that run workloads.
                let mut zones: Vec<String> = self
                    .nodes
                    .keys()
                    .filter(|n| {
                        self.object(kinds::NODE, "", n).is_some_and(|o| {
                            !meta::labels(o).contains_key("node-role.kubernetes.io/control-plane")
                        })
                    })
                    .filter_map(|n| self.node_zone(n))
                    .collect();
                zones.sort();
                zones.dedup();
                if zones.is_empty() {
                    zones = cloud.zones.clone();
                }
                let h = super::seed::fnv1a32(name.as_bytes()) as usize;
                zones[h % zones.len()].clone()
            }
        };
        // Disks are sized in whole GiB (the driver rounds the request up).
        let requested = meta::str_at(pv, &["spec", "capacity", "storage"])
            .and_then(super::api::quantity::parse_units)
            .map(|b| b.clamp(0, 1 << 50) as u64)
            .unwrap_or(1 << 30);
        let gib = requested.div_ceil(1 << 30).max(1);
        pv["spec"]["capacity"] = json!({"storage": format!("{gib}Gi")});
        let fs = if fs_type.is_empty() { "ext4" } else { fs_type };
        if class_provisioner == GCE_PD {
            // The provisioner writes the volume back in the in-tree form the class asked for
            // (TranslateCSIPVToInTree), and the PV controller notes the migration.
            pv["spec"]["gcePersistentDisk"] = json!({"pdName": name, "fsType": fs});
            pv["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]},
                {"key": "topology.kubernetes.io/region", "operator": "In", "values": [cloud.region]},
            ]}]}});
            pv["metadata"]["labels"] = json!({
                "topology.kubernetes.io/region": cloud.region,
                "topology.kubernetes.io/zone": zone,
            });
            pv["metadata"]["annotations"] = json!({
                "pv.kubernetes.io/migrated-to": PD_CSI,
                "pv.kubernetes.io/provisioned-by": GCE_PD,
            });
        } else {
            // `<start ms>-<random>-<driver>`: the provisioner's start, when the cluster was made.
            let identity = format!("1740128460000-8081-{PD_CSI}");
            pv["spec"]["csi"] = json!({
                "driver": PD_CSI,
                "fsType": fs,
                "volumeAttributes": {"storage.kubernetes.io/csiProvisionerIdentity": identity},
                "volumeHandle": format!("projects/{}/zones/{zone}/disks/{name}", cloud.project),
            });
            pv["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
                {"key": GKE_ZONE_KEY, "operator": "In", "values": [zone]},
            ]}]}});
            pv["metadata"]["annotations"] = json!({"pv.kubernetes.io/provisioned-by": PD_CSI});
        }
        true
    }
}
