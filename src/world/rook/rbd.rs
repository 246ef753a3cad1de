//! The RBD CSI driver's side of dynamic provisioning (`rook-ceph.rbd.csi.ceph.com`): an image
//! `csi-vol-<uuid>` in the class's pool and the PV ceph-csi v3.4.0 and external-provisioner
//! v3.0.0 write (docs/rook-research.md §4.2): the `csi` source with the volume handle
//! `0001-0009-rook-ceph-<pool id, 16 hex>-<uuid>`, the secrets' references and the volume
//! attributes (the class's parameters without the `csi.storage.k8s.io/` ones, the claim's and
//! PV's names, `imageName`, `journalPool`, the provisioner's identity).

use serde_json::{Value, json};

use super::state::RbdImage;
use crate::world::World;
use crate::world::api::meta;

impl World {
    /// Fills `pv` for a claim of an RBD class: `None` when the class is not served by an RBD
    /// driver of a rook cluster, `Some(Err(why))` when ceph-csi cannot create the image yet.
    pub fn rbd_volume(
        &mut self,
        pv: &mut Value,
        sc: &Value,
        pvc: &Value,
    ) -> Option<Result<(), String>> {
        let provisioner = sc.get("provisioner").and_then(Value::as_str)?;
        let op_ns = provisioner.strip_suffix(".rbd.csi.ceph.com")?.to_string();
        let params = sc.get("parameters").cloned().unwrap_or(json!({}));
        let param = |k: &str| {
            params
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let cluster = param("clusterID");
        let pool = param("pool");
        let Some(state) = self.rook.clusters.get(&cluster) else {
            return Some(Err(format!(
                "rpc error: code = InvalidArgument desc = failed to fetch monitor list using clusterID ({cluster}): missing configuration for cluster ID \"{cluster}\""
            )));
        };
        let Some(pool_id) = state.pool(&pool).map(|p| p.id) else {
            return Some(Err(format!(
                "rpc error: code = NotFound desc = pool not found: pool ({pool}) not found in Ceph cluster"
            )));
        };
        let uuid = self.seed.uid();
        let handle = format!("0001-{:04x}-{cluster}-{pool_id:016x}-{uuid}", cluster.len());
        let name = meta::name(pv).to_string();
        let image = format!("csi-vol-{uuid}");
        let started = self
            .object("Deployment", &op_ns, "csi-rbdplugin-provisioner")
            .and_then(|d| meta::str_at(d, &["metadata", "creationTimestamp"]))
            .and_then(crate::world::clock::parse_rfc3339)
            .unwrap_or(0);
        let identity = format!(
            "{started}-{}-{provisioner}",
            crate::world::seed::fnv1a32(provisioner.as_bytes()) % 10000
        );
        let mut attrs = serde_json::Map::new();
        if let Some(p) = params.as_object() {
            for (k, v) in p {
                if !k.starts_with("csi.storage.k8s.io/") {
                    attrs.insert(k.clone(), v.clone());
                }
            }
        }
        attrs.insert("csi.storage.k8s.io/pv/name".into(), json!(name));
        attrs.insert("csi.storage.k8s.io/pvc/name".into(), json!(meta::name(pvc)));
        attrs.insert(
            "csi.storage.k8s.io/pvc/namespace".into(),
            json!(meta::namespace(pvc)),
        );
        attrs.insert("imageName".into(), json!(image));
        attrs.insert("journalPool".into(), json!(pool));
        attrs.insert(
            "storage.kubernetes.io/csiProvisionerIdentity".into(),
            json!(identity),
        );
        let secret = |n: &str, ns: &str| json!({"name": param(n), "namespace": param(ns)});
        let mut csi = json!({
            "driver": provisioner,
            "fsType": match param("csi.storage.k8s.io/fstype") { f if f.is_empty() => "ext4".to_string(), f => f },
            "volumeAttributes": attrs,
            "volumeHandle": handle,
        });
        if !param("csi.storage.k8s.io/controller-expand-secret-name").is_empty() {
            csi["controllerExpandSecretRef"] = secret(
                "csi.storage.k8s.io/controller-expand-secret-name",
                "csi.storage.k8s.io/controller-expand-secret-namespace",
            );
        }
        if !param("csi.storage.k8s.io/node-stage-secret-name").is_empty() {
            csi["nodeStageSecretRef"] = secret(
                "csi.storage.k8s.io/node-stage-secret-name",
                "csi.storage.k8s.io/node-stage-secret-namespace",
            );
        }
        pv["spec"]["csi"] = csi;
        let bytes = meta::str_at(pv, &["spec", "capacity", "storage"])
            .and_then(crate::world::api::quantity::parse_units)
            .map(|b| b.clamp(0, 1 << 50) as u64)
            .unwrap_or(1 << 30);
        if let Some(state) = self.rook.clusters.get_mut(&cluster) {
            state.images.push(RbdImage {
                pool,
                name: image,
                pv: name,
                bytes,
            });
        }
        Some(Ok(()))
    }
}

/// The pod of a rook RBD provisioner's Deployment that leads (the first by name), for the
/// events' source (`<driver>_<pod>_<uuid>`).
pub fn provisioner_pod(world: &World, provisioner: &str) -> Option<String> {
    let ns = provisioner.strip_suffix(".rbd.csi.ceph.com")?;
    world
        .object_list("Pod", ns)
        .find(|p| {
            meta::labels(p).get("app").map(String::as_str) == Some("csi-rbdplugin-provisioner")
        })
        .map(|p| meta::name(p).to_string())
}
