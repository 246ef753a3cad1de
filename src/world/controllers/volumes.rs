//! The PersistentVolume binder (`k/k pkg/controller/volume/persistentvolume/pv_controller.go`),
//! dynamic provisioning by the provisioners running in the world, reclaiming released volumes,
//! and the pvc/pv-protection finalizers.

use serde_json::{Value, json};

use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::quantity::Quantity;
use crate::world::api::selector::Selector;
use crate::world::clock::rfc3339;
use crate::world::events::Source;

/// Virtual time a provisioner needs to create a volume.
pub const PROVISION_MS: i64 = 1_500;

fn binder() -> Source {
    Source::component("persistentvolume-controller")
}

/// Access modes as a sorted set of short names (RWO, ROX, RWX, RWOP order).
fn modes(obj: &Value, path: &[&str]) -> Vec<String> {
    let order = [
        "ReadWriteOnce",
        "ReadOnlyMany",
        "ReadWriteMany",
        "ReadWriteOncePod",
    ];
    let have: Vec<String> = meta::path(obj, path)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    order
        .iter()
        .filter(|m| have.iter().any(|h| h == *m))
        .map(|m| m.to_string())
        .collect()
}

/// The class of a PV or claim: the beta annotation, else `storageClassName`, else "".
pub fn class_of(obj: &Value) -> String {
    meta::annotation(obj, "volume.beta.kubernetes.io/storage-class")
        .or_else(|| meta::str_at(obj, &["spec", "storageClassName"]))
        .unwrap_or("")
        .to_string()
}

/// A volume's capacity, exactly (`resource.Quantity` comparison at any scale).
fn capacity(pv: &Value) -> Quantity {
    quantity_at(pv, &["spec", "capacity", "storage"])
}

fn request(pvc: &Value) -> Quantity {
    quantity_at(pvc, &["spec", "resources", "requests", "storage"])
}

fn quantity_at(obj: &Value, path: &[&str]) -> Quantity {
    meta::path(obj, path)
        .and_then(|v| Quantity::from_json(v).ok())
        .unwrap_or_else(|| Quantity::from_i128(0))
}

fn volume_mode(obj: &Value) -> &str {
    meta::str_at(obj, &["spec", "volumeMode"]).unwrap_or("Filesystem")
}

fn claim_ref_matches(pv: &Value, pvc: &Value) -> bool {
    meta::str_at(pv, &["spec", "claimRef", "name"]) == Some(meta::name(pvc))
        && meta::str_at(pv, &["spec", "claimRef", "namespace"]) == Some(meta::namespace(pvc))
        && meta::str_at(pv, &["spec", "claimRef", "uid"])
            .is_none_or(|u| u.is_empty() || u == meta::uid(pvc))
}

/// `FindMatchingVolume`: the smallest suitable PV in the smallest access-mode group.
fn find_match<'a>(pvc: &Value, pvs: &'a [Value]) -> Option<&'a Value> {
    let want_modes = modes(pvc, &["spec", "accessModes"]);
    let want = request(pvc);
    let class = class_of(pvc);
    let selector = meta::path(pvc, &["spec", "selector"]).map(Selector::from_label_selector);
    let mut best: Option<(usize, Quantity, &Value)> = None;
    for pv in pvs {
        let pv_modes = modes(pv, &["spec", "accessModes"]);
        if !want_modes.iter().all(|m| pv_modes.contains(m)) || meta::is_deleting(pv) {
            continue;
        }
        if meta::path(pv, &["spec", "claimRef"]).is_some() && !claim_ref_matches(pv, pvc) {
            continue;
        }
        if capacity(pv) < want || volume_mode(pv) != volume_mode(pvc) {
            continue;
        }
        if claim_ref_matches(pv, pvc) {
            return Some(pv);
        }
        if meta::str_at(pv, &["status", "phase"]) != Some("Available") {
            continue;
        }
        if selector
            .as_ref()
            .is_some_and(|s| !s.matches(&meta::labels(pv)))
            || class_of(pv) != class
        {
            continue;
        }
        let (n, cap) = (pv_modes.len(), capacity(pv));
        if best.as_ref().is_none_or(|b| (n, &cap) < (b.0, &b.1)) {
            best = Some((n, cap, pv));
        }
    }
    best.map(|b| b.2)
}

fn event_once(world: &mut World, obj: &Value, ty: &str, reason: &str, msg: &str, src: &Source) {
    if !world.has_event(meta::uid(obj), reason, Some(msg)) {
        world.record_event(obj, None, ty, reason, msg, src);
    }
}

fn set_pv_phase(pv: &mut Value, phase: &str, now: &str) {
    if meta::str_at(pv, &["status", "phase"]) != Some(phase) {
        meta::set_path(pv, &["status", "phase"], json!(phase));
        meta::set_path(pv, &["status", "lastPhaseTransitionTime"], json!(now));
    }
}

fn bind(world: &mut World, pvc: &Value, pv: &Value) {
    let now = rfc3339(world.now());
    let mut pv = pv.clone();
    let prebound = claim_ref_matches(&pv, pvc) && meta::path(&pv, &["spec", "claimRef"]).is_some();
    meta::set_path(
        &mut pv,
        &["spec", "claimRef"],
        json!({"apiVersion": "v1", "kind": kinds::PERSISTENT_VOLUME_CLAIM, "name": meta::name(pvc), "namespace": meta::namespace(pvc),
            "resourceVersion": meta::str_at(pvc, &["metadata", "resourceVersion"]).unwrap_or(""), "uid": meta::uid(pvc)}),
    );
    if !prebound {
        meta::set_annotation(&mut pv, "pv.kubernetes.io/bound-by-controller", "yes");
    }
    set_pv_phase(&mut pv, "Bound", &now);
    let pv = world.write(pv);
    let mut c = pvc.clone();
    let set_by_controller = meta::str_at(&c, &["spec", "volumeName"]).is_none();
    meta::set_path(&mut c, &["spec", "volumeName"], json!(meta::name(&pv)));
    meta::set_annotation(&mut c, "pv.kubernetes.io/bind-completed", "yes");
    if set_by_controller {
        meta::set_annotation(&mut c, "pv.kubernetes.io/bound-by-controller", "yes");
    }
    meta::set_path(&mut c, &["status", "phase"], json!("Bound"));
    meta::set_path(
        &mut c,
        &["status", "accessModes"],
        meta::path(&pv, &["spec", "accessModes"])
            .cloned()
            .unwrap_or(json!([])),
    );
    meta::set_path(
        &mut c,
        &["status", "capacity"],
        meta::path(&pv, &["spec", "capacity"])
            .cloned()
            .unwrap_or(json!({})),
    );
    world.write_discard(c);
}

/// One pass of the binder over every claim and volume.
pub fn run(world: &mut World) {
    let (Some(pvc_kind), Some(pv_kind)) = (
        kinds::by_kind(kinds::PERSISTENT_VOLUME_CLAIM),
        kinds::by_kind(kinds::PERSISTENT_VOLUME),
    ) else {
        return;
    };
    let claims: Vec<Value> = world.store.list(pvc_kind, None).cloned().collect();
    for pvc in claims {
        if meta::is_deleting(&pvc) {
            continue;
        }
        sync_claim(world, &pvc);
    }
    let volumes: Vec<Value> = world.store.list(pv_kind, None).cloned().collect();
    for pv in volumes {
        sync_volume(world, &pv);
    }
    protection(world);
}

fn sync_claim(world: &mut World, pvc: &Value) {
    let (Some(pv_kind), Some(sc_kind)) = (
        kinds::by_kind(kinds::PERSISTENT_VOLUME),
        kinds::by_kind(kinds::STORAGE_CLASS),
    ) else {
        return;
    };
    let now = rfc3339(world.now());
    let phase = meta::str_at(pvc, &["status", "phase"]).unwrap_or("Pending");
    if phase == "Bound" {
        let vname = meta::str_at(pvc, &["spec", "volumeName"]).unwrap_or("");
        let ok = world
            .store
            .get(pv_kind, "", vname)
            .is_some_and(|pv| claim_ref_matches(pv, pvc));
        if !ok && phase != "Lost" {
            let mut c = pvc.clone();
            meta::set_path(&mut c, &["status", "phase"], json!("Lost"));
            let c = world.write(c);
            world.record_event(
                &c,
                None,
                "Warning",
                "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
                &binder(),
            );
        }
        return;
    }
    if phase == "Lost" {
        return;
    }
    let pvs: Vec<Value> = world.store.list(pv_kind, None).cloned().collect();
    if let Some(vname) = meta::str_at(pvc, &["spec", "volumeName"]).map(str::to_string) {
        let Some(pv) = pvs.iter().find(|p| meta::name(p) == vname) else {
            return;
        };
        if meta::path(pv, &["spec", "claimRef"]).is_some() && !claim_ref_matches(pv, pvc) {
            event_once(
                world,
                pvc,
                "Warning",
                "FailedBinding",
                &format!("volume \"{vname}\" already bound to a different claim."),
                &binder(),
            );
            return;
        }
        let reason = if capacity(pv) < request(pvc) {
            Some("requested PV is too small")
        } else if class_of(pv) != class_of(pvc) {
            Some("storageClassName does not match")
        } else if volume_mode(pv) != volume_mode(pvc) {
            Some("incompatible volumeMode")
        } else if !modes(pvc, &["spec", "accessModes"])
            .iter()
            .all(|m| modes(pv, &["spec", "accessModes"]).contains(m))
        {
            Some("incompatible accessMode")
        } else {
            None
        };
        match reason {
            Some(r) => event_once(
                world,
                pvc,
                "Warning",
                "VolumeMismatch",
                &format!("Cannot bind to requested volume \"{vname}\": {r}"),
                &binder(),
            ),
            None => bind(world, pvc, pv),
        }
        return;
    }
    let class = class_of(pvc);
    let sc = if class.is_empty() {
        None
    } else {
        world.store.get(sc_kind, "", &class).cloned()
    };
    let wffc = sc
        .as_ref()
        .and_then(|s| s.get("volumeBindingMode"))
        .and_then(Value::as_str)
        == Some("WaitForFirstConsumer");
    let selected_node =
        meta::annotation(pvc, "volume.kubernetes.io/selected-node").map(str::to_string);
    if !(wffc && selected_node.is_none())
        && let Some(pv) = find_match(pvc, &pvs)
    {
        let pv = pv.clone();
        bind(world, pvc, &pv);
        return;
    }
    if class.is_empty() {
        if meta::path(pvc, &["spec", "storageClassName"]).is_none()
            && let Some(default) = world.default_storage_class()
        {
            let mut c = pvc.clone();
            meta::set_path(&mut c, &["spec", "storageClassName"], json!(default));
            world.write_discard(c);
            return;
        }
        event_once(
            world,
            pvc,
            "Normal",
            "FailedBinding",
            "no persistent volumes available for this claim and no storage class is set",
            &binder(),
        );
        return;
    }
    let Some(sc) = sc else {
        event_once(
            world,
            pvc,
            "Warning",
            "ProvisioningFailed",
            &format!("storageclass.storage.k8s.io \"{class}\" not found"),
            &binder(),
        );
        return;
    };
    if wffc && selected_node.is_none() {
        let users: Vec<String> = pods_using(world, meta::namespace(pvc), meta::name(pvc));
        match users.first() {
            Some(p) => event_once(
                world,
                pvc,
                "Normal",
                "WaitForPodScheduled",
                &format!("waiting for pod {p} to be scheduled"),
                &binder(),
            ),
            None => event_once(
                world,
                pvc,
                "Normal",
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding",
                &binder(),
            ),
        }
        return;
    }
    // CSI migration: on a cloud, an in-tree provisioner is served by its CSI driver.
    let provisioner =
        world.serving_provisioner(sc.get("provisioner").and_then(Value::as_str).unwrap_or(""));
    if meta::annotation(pvc, "volume.kubernetes.io/storage-provisioner").is_none() {
        let mut c = pvc.clone();
        meta::set_annotation(
            &mut c,
            "volume.beta.kubernetes.io/storage-provisioner",
            &provisioner,
        );
        meta::set_annotation(
            &mut c,
            "volume.kubernetes.io/storage-provisioner",
            &provisioner,
        );
        let c = world.write(c);
        world.record_event(
            &c,
            None,
            "Normal",
            "ExternalProvisioning",
            &format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."),
            &binder(),
        );
        if world.provisioners.contains(&provisioner) {
            let src = Source::component(&format!(
                "{provisioner}_{}",
                world.provisioner_instance(&provisioner)
            ));
            world.record_event(
                &c,
                None,
                "Normal",
                "Provisioning",
                &format!(
                    "External provisioner is provisioning volume for claim \"{}/{}\"",
                    meta::namespace(&c),
                    meta::name(&c)
                ),
                &src,
            );
            world.clock.after(
                PROVISION_MS,
                crate::world::clock::Timer::Named(format!(
                    "provision/{}/{}",
                    meta::namespace(&c),
                    meta::name(&c)
                )),
            );
        }
        let _ = now;
    }
}

/// Pods (not finished) that mount a claim.
pub fn pods_using(world: &World, ns: &str, claim: &str) -> Vec<String> {
    world
        .object_list(kinds::POD, ns)
        .filter(|p| {
            !matches!(
                meta::str_at(p, &["status", "phase"]),
                Some("Succeeded" | "Failed")
            )
        })
        .filter(|p| {
            meta::path(p, &["spec", "volumes"])
                .and_then(Value::as_array)
                .is_some_and(|vs| {
                    vs.iter().any(|v| {
                        meta::str_at(v, &["persistentVolumeClaim", "claimName"]) == Some(claim)
                    })
                })
        })
        .map(|p| meta::name(p).to_string())
        .collect()
}

/// A provisioning timer fired: create the volume for the claim.
pub fn provision(world: &mut World, ns: &str, claim: &str) {
    let Some(pvc) = world
        .object(kinds::PERSISTENT_VOLUME_CLAIM, ns, claim)
        .cloned()
    else {
        return;
    };
    if meta::str_at(&pvc, &["spec", "volumeName"]).is_some() || meta::is_deleting(&pvc) {
        return;
    }
    let class = class_of(&pvc);
    let Some(sc) = world.object(kinds::STORAGE_CLASS, "", &class).cloned() else {
        return;
    };
    let provisioner = sc
        .get("provisioner")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let name = format!("pvc-{}", meta::uid(&pvc));
    let node = meta::annotation(&pvc, "volume.kubernetes.io/selected-node").map(str::to_string);
    let mut pv = json!({
        "apiVersion": "v1", "kind": kinds::PERSISTENT_VOLUME,
        "metadata": {"name": name, "annotations": {"pv.kubernetes.io/provisioned-by": provisioner}},
        "spec": {
            "accessModes": meta::path(&pvc, &["spec", "accessModes"]).cloned().unwrap_or(json!(["ReadWriteOnce"])),
            "capacity": {"storage": meta::str_at(&pvc, &["spec", "resources", "requests", "storage"]).unwrap_or("1Gi")},
            "claimRef": {"apiVersion": "v1", "kind": kinds::PERSISTENT_VOLUME_CLAIM, "name": claim, "namespace": ns,
                "resourceVersion": meta::str_at(&pvc, &["metadata", "resourceVersion"]).unwrap_or(""), "uid": meta::uid(&pvc)},
            "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy").and_then(Value::as_str).unwrap_or("Delete"),
            "storageClassName": class,
            "volumeMode": volume_mode(&pvc),
        },
    });
    // The RBD driver of a rook cluster (`world/rook/rbd.rs`).
    let rbd = world.rbd_volume(&mut pv, &sc, &pvc);
    if let Some(Err(why)) = rbd {
        let src = Source::component(&format!(
            "{provisioner}_{}",
            world.provisioner_instance(&provisioner)
        ));
        world.record_event(
            &pvc,
            None,
            "Warning",
            "ProvisioningFailed",
            &format!("failed to provision volume with StorageClass \"{class}\": {why}"),
            &src,
        );
        world.clock.after(
            10 * PROVISION_MS,
            crate::world::clock::Timer::Named(format!("provision/{ns}/{claim}")),
        );
        return;
    }
    if rbd.is_some() {
        // ceph-csi's image (`world/rook/rbd.rs`).
    } else if world.cloud_pv(&mut pv, &provisioner, "", node.as_deref()) {
        // The cloud's disk (`world/cloud.rs`).
    } else if let Some(n) = &node {
        if provisioner == "rancher.io/local-path" {
            meta::set_annotation(&mut pv, "local.path.provisioner/selected-node", n);
            pv["spec"]["hostPath"] = json!({"path": format!("/opt/local-path-provisioner/{name}_{ns}_{claim}"), "type": "DirectoryOrCreate"});
        }
        pv["spec"]["nodeAffinity"] = json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [n]}]}]}});
    } else if provisioner == "rancher.io/local-path" {
        pv["spec"]["hostPath"] = json!({"path": format!("/opt/local-path-provisioner/{name}_{ns}_{claim}"), "type": "DirectoryOrCreate"});
    } else {
        pv["spec"]["csi"] = json!({"driver": provisioner, "volumeHandle": name});
    }
    let provisioner = world.serving_provisioner(&provisioner);
    if world.create_internal(pv).is_ok() {
        let src = Source::component(&format!(
            "{provisioner}_{}",
            world.provisioner_instance(&provisioner)
        ));
        world.record_event(
            &pvc,
            None,
            "Normal",
            "ProvisioningSucceeded",
            &format!("Successfully provisioned volume {name}"),
            &src,
        );
    }
}

fn sync_volume(world: &mut World, pv: &Value) {
    let now = rfc3339(world.now());
    let phase = meta::str_at(pv, &["status", "phase"])
        .unwrap_or("Pending")
        .to_string();
    let Some(claim_ref) = meta::path(pv, &["spec", "claimRef"]).cloned() else {
        if phase != "Available" && phase != "Failed" {
            let mut p = pv.clone();
            set_pv_phase(&mut p, "Available", &now);
            world.write_discard(p);
        }
        return;
    };
    let ns = claim_ref
        .get("namespace")
        .and_then(Value::as_str)
        .unwrap_or("");
    let name = claim_ref.get("name").and_then(Value::as_str).unwrap_or("");
    let uid = claim_ref.get("uid").and_then(Value::as_str).unwrap_or("");
    let claim = world
        .object(kinds::PERSISTENT_VOLUME_CLAIM, ns, name)
        .cloned();
    match claim {
        Some(c) if uid.is_empty() || meta::uid(&c) == uid => {
            let bound = meta::str_at(&c, &["spec", "volumeName"]) == Some(meta::name(pv));
            let want = if bound { "Bound" } else { "Available" };
            if phase != want && phase != "Released" {
                let mut p = pv.clone();
                set_pv_phase(&mut p, want, &now);
                world.write_discard(p);
            }
        }
        _ if uid.is_empty() => {
            if phase != "Available" {
                let mut p = pv.clone();
                set_pv_phase(&mut p, "Available", &now);
                world.write_discard(p);
            }
        }
        _ => reclaim(world, pv, &phase, &now),
    }
}

fn reclaim(world: &mut World, pv: &Value, phase: &str, now: &str) {
    let policy = meta::str_at(pv, &["spec", "persistentVolumeReclaimPolicy"])
        .unwrap_or("Retain")
        .to_string();
    if phase == "Bound" || phase == "Available" || phase == "Pending" {
        let mut p = pv.clone();
        set_pv_phase(&mut p, "Released", now);
        world.write_discard(p);
        return;
    }
    if phase != "Released" {
        return;
    }
    match policy.as_str() {
        "Delete" => {
            if let Some(k) = kinds::by_kind(kinds::PERSISTENT_VOLUME) {
                let mut p = pv.clone();
                if let Some(f) = meta::path_mut(&mut p, &["metadata", "finalizers"]).as_array_mut()
                {
                    f.retain(|x| x.as_str() != Some("kubernetes.io/pv-protection"));
                }
                let p = world.write(p);
                world.erase_volume(&p);
                let _ = world.delete_internal(k, "", meta::name(&p));
            }
        }
        "Recycle" => {
            let recyclable = meta::path(pv, &["spec", "hostPath"]).is_some()
                || meta::path(pv, &["spec", "nfs"]).is_some();
            let mut p = pv.clone();
            if recyclable {
                world.scrub_volume(&p);
                meta::remove_path(&mut p, &["spec", "claimRef"]);
                set_pv_phase(&mut p, "Available", now);
                let p = world.write(p);
                world.record_event(
                    &p,
                    None,
                    "Normal",
                    "VolumeRecycled",
                    "Volume recycled",
                    &binder(),
                );
            } else {
                set_pv_phase(&mut p, "Failed", now);
                let p = world.write(p);
                world.record_event(
                    &p,
                    None,
                    "Warning",
                    "VolumeFailedRecycle",
                    "No recycler plugin found for the volume!",
                    &binder(),
                );
            }
        }
        _ => {}
    }
}

/// The pvc-protection and pv-protection controllers: finalizers come off once nothing uses the
/// object.
fn protection(world: &mut World) {
    let (Some(pvc_kind), Some(pv_kind)) = (
        kinds::by_kind(kinds::PERSISTENT_VOLUME_CLAIM),
        kinds::by_kind(kinds::PERSISTENT_VOLUME),
    ) else {
        return;
    };
    let deleting: Vec<Value> = world
        .store
        .list(pvc_kind, None)
        .filter(|c| meta::is_deleting(c))
        .cloned()
        .collect();
    for c in deleting {
        if pods_using(world, meta::namespace(&c), meta::name(&c)).is_empty() {
            drop_finalizer(world, c, "kubernetes.io/pvc-protection");
        }
    }
    let deleting: Vec<Value> = world
        .store
        .list(pv_kind, None)
        .filter(|p| meta::is_deleting(p))
        .cloned()
        .collect();
    for p in deleting {
        if meta::str_at(&p, &["status", "phase"]) != Some("Bound") {
            drop_finalizer(world, p, "kubernetes.io/pv-protection");
        }
    }
}

fn drop_finalizer(world: &mut World, mut obj: Value, f: &str) {
    let has = meta::path(&obj, &["metadata", "finalizers"])
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(f)));
    if !has {
        return;
    }
    if let Some(a) = meta::path_mut(&mut obj, &["metadata", "finalizers"]).as_array_mut() {
        a.retain(|x| x.as_str() != Some(f));
    }
    world.write_discard(obj);
}
