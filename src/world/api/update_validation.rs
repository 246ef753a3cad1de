//! Update validation: what may change in a stored object, with kube-apiserver 1.32's messages
//! (default feature gates) — `ValidatePodUpdate`, `ValidatePersistentVolumeClaimUpdate`,
//! `ValidatePersistentVolumeUpdate` (`k/k pkg/apis/core/validation/validation.go`),
//! `ValidateStatefulSetUpdate` (`pkg/apis/apps/validation`), `ValidateJobUpdate`
//! (`pkg/apis/batch/validation`), ConfigMap/Secret `immutable`, and the Service's cluster IPs
//! (`validateUpgradeDowngradeClusterIPs`, after the registry strategy's `normalizeClusterIPs`).
//! The diffs in the pod, PVC and PV messages are go-cmp reports ([`super::gocmp`]).

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::error::{ApiError, FieldCause, cause};
use super::go_values::go_value;
use super::gocmp;
use super::gocmp::quote as go_quote;
use super::meta::{self, path};
use super::quantity::Quantity;
use super::validation::go_label_selector;

const POD_UPDATABLE: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";
const PVC_IMMUTABLE: &str = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";
const STS_FORBIDDEN: &str = "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
const IMMUTABLE_SET: &str = "Forbidden: field is immutable when `immutable` is set";
const BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// What the registry strategies copy from the stored object before validating an update:
/// a Service's allocated cluster IPs and node ports when the new object leaves them out
/// (`patchAllocatedValues`), then `normalizeClusterIPs`.
pub fn prepare_update(kind: &str, new: &mut Value, old: &Value) {
    if kind != kinds::SERVICE {
        return;
    }
    let old_ip = meta::str_at(old, &["spec", "clusterIP"])
        .unwrap_or("")
        .to_string();
    let old_ips = path(old, &["spec", "clusterIPs"]).cloned();
    let new_ip = meta::str_at(new, &["spec", "clusterIP"])
        .unwrap_or("")
        .to_string();
    let new_ips = path(new, &["spec", "clusterIPs"]).cloned();
    let needs_ip = |s: &Value| meta::str_at(s, &["spec", "type"]) != Some("ExternalName");
    if needs_ip(old) && needs_ip(new) {
        if new_ip.is_empty() && !old_ip.is_empty() && path(new, &["spec", "clusterIP"]).is_none() {
            meta::set_path(new, &["spec", "clusterIP"], json!(old_ip));
        }
        if new_ips.is_none()
            && let Some(ips) = &old_ips
        {
            meta::set_path(new, &["spec", "clusterIPs"], ips.clone());
        }
        // Node ports of ports with the same number and protocol.
        let old_ports = path(old, &["spec", "ports"])
            .and_then(Value::as_array)
            .cloned();
        if let (Some(olds), Some(news)) = (old_ports, path_mut_array(new, &["spec", "ports"])) {
            for p in news.iter_mut() {
                if p.get("nodePort").and_then(Value::as_i64).unwrap_or(0) != 0 {
                    continue;
                }
                let same = olds.iter().find(|o| {
                    o.get("port") == p.get("port")
                        && o.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                            == p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                });
                if let Some(np) = same
                    .and_then(|o| o.get("nodePort"))
                    .filter(|n| !n.is_null())
                {
                    p["nodePort"] = np.clone();
                }
            }
        }
    }
    // normalizeClusterIPs: clusterIP changed while clusterIPs did not.
    let ip_now = meta::str_at(new, &["spec", "clusterIP"])
        .unwrap_or("")
        .to_string();
    if ip_now != old_ip && path(new, &["spec", "clusterIPs"]) == old_ips.as_ref() {
        if ip_now.is_empty() {
            meta::remove_path(new, &["spec", "clusterIPs"]);
        } else {
            meta::set_path(new, &["spec", "clusterIPs"], json!([ip_now]));
        }
    }
}

fn path_mut_array<'a>(obj: &'a mut Value, keys: &[&str]) -> Option<&'a mut Vec<Value>> {
    let mut cur = obj;
    for k in keys {
        cur = cur.get_mut(*k)?;
    }
    cur.as_array_mut()
}

/// The errors of an update of `old` into `new` (both defaulted; `new` carries the old status).
/// An error of kubelab's own when the real message cannot be reproduced.
pub fn validate_update(kind: &str, new: &Value, old: &Value) -> Result<Vec<FieldCause>, ApiError> {
    let mut errs = Vec::new();
    match kind {
        kinds::POD => pod(new, old, &mut errs),
        kinds::PERSISTENT_VOLUME_CLAIM => pvc(new, old, &mut errs),
        kinds::PERSISTENT_VOLUME => pv(new, old, &mut errs),
        kinds::STATEFUL_SET => statefulset(new, old, &mut errs),
        kinds::CONFIG_MAP | kinds::SECRET => immutable_data(kind, new, old, &mut errs),
        kinds::SERVICE => service(new, old, &mut errs),
        kinds::JOB => job(new, old, &mut errs)?,
        _ => {}
    }
    Ok(errs)
}

fn pod(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let count = |o: &Value, list: &str| {
        path(o, &["spec", list])
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    for list in ["containers", "initContainers"] {
        if count(new, list) != count(old, list) {
            errs.push(cause(
                format!("spec.{list}"),
                "Forbidden: pod updates may not add or remove containers",
            ));
            return;
        }
    }
    let new_ads = path(new, &["spec", "activeDeadlineSeconds"]).filter(|v| !v.is_null());
    let old_ads = path(old, &["spec", "activeDeadlineSeconds"]).and_then(Value::as_i64);
    match new_ads.map(|v| v.as_i64().unwrap_or(-1)) {
        Some(n) => {
            if !(0..=i64::from(i32::MAX)).contains(&n) {
                errs.push(cause(
                    "spec.activeDeadlineSeconds",
                    format!("Invalid value: {n}: must be between 0 and 2147483647, inclusive"),
                ));
                return;
            }
            if let Some(o) = old_ads
                && o < n
            {
                errs.push(cause(
                    "spec.activeDeadlineSeconds",
                    format!("Invalid value: {n}: must be less than or equal to previous value"),
                ));
                return;
            }
        }
        None if old_ads.is_some() => errs.push(cause(
            "spec.activeDeadlineSeconds",
            "Invalid value: \"null\": must not update from a positive integer to nil value",
        )),
        None => {}
    }
    only_added_tolerations(new, old, errs);
    let old_spec = old.get("spec").cloned().unwrap_or(Value::Null);
    let mut munged = new.get("spec").cloned().unwrap_or(Value::Null);
    for list in ["containers", "initContainers"] {
        if let (Some(ms), Some(os)) = (
            munged.get_mut(list).and_then(Value::as_array_mut),
            old_spec.get(list).and_then(Value::as_array),
        ) {
            for (m, o) in ms.iter_mut().zip(os) {
                match o.get("image") {
                    Some(img) => m["image"] = img.clone(),
                    None => {
                        if let Some(mm) = m.as_object_mut() {
                            mm.remove("image");
                        }
                    }
                }
            }
        }
    }
    for k in ["activeDeadlineSeconds", "schedulingGates", "tolerations"] {
        copy_field(&mut munged, &old_spec, k);
    }
    let old_tgps = old_spec
        .get("terminationGracePeriodSeconds")
        .and_then(Value::as_i64);
    if old_tgps.is_some_and(|t| t < 0)
        && munged
            .get("terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            == Some(1)
    {
        copy_field(&mut munged, &old_spec, "terminationGracePeriodSeconds");
    }
    if munged != old_spec {
        let d = gocmp::diff(
            &go_value("core.PodSpec", Some(&old_spec)),
            &go_value("core.PodSpec", Some(&munged)),
        );
        errs.push(cause("spec", format!("Forbidden: {POD_UPDATABLE}\n{d}")));
    }
}

/// `validateOnlyAddedTolerations`: every old toleration is still there (its
/// `tolerationSeconds` may change).
fn only_added_tolerations(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let list = |o: &Value| -> Vec<Value> {
        path(o, &["spec", "tolerations"])
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let without_seconds = |t: &Value| {
        let mut t = t.clone();
        if let Some(m) = t.as_object_mut() {
            m.remove("tolerationSeconds");
        }
        t
    };
    let news: Vec<Value> = list(new).iter().map(without_seconds).collect();
    for o in list(old) {
        if !news.contains(&without_seconds(&o)) {
            errs.push(cause(
                "spec.tolerations",
                "Forbidden: existing toleration can not be modified except its tolerationSeconds",
            ));
            return;
        }
    }
}

/// Sets `to[key]` to `from[key]` (or removes it when `from` has none).
fn copy_field(to: &mut Value, from: &Value, key: &str) {
    let Some(m) = to.as_object_mut() else { return };
    match from.get(key) {
        Some(v) => {
            m.insert(key.to_string(), v.clone());
        }
        None => {
            m.remove(key);
        }
    }
}

fn storage_request(o: &Value) -> Option<Quantity> {
    path(o, &["spec", "resources", "requests", "storage"]).and_then(|v| Quantity::from_json(v).ok())
}

fn pvc(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let mut old_spec = old.get("spec").cloned().unwrap_or(json!({}));
    let mut new_spec = new.get("spec").cloned().unwrap_or(json!({}));
    if meta::str_at(old, &["spec", "volumeName"])
        .unwrap_or("")
        .is_empty()
    {
        // volumeName may be set once.
        copy_field(&mut old_spec, &new_spec, "volumeName");
    }
    let old_ann = meta::annotation(old, BETA_STORAGE_CLASS);
    let new_ann = meta::annotation(new, BETA_STORAGE_CLASS);
    let old_sc = path(old, &["spec", "storageClassName"]).and_then(Value::as_str);
    let new_sc = path(new, &["spec", "storageClassName"]).and_then(Value::as_str);
    let upgrade_from_annotation = old_ann.is_some()
        && old_sc.is_none()
        && new_sc.is_some()
        && new_sc == old_ann
        && (new_ann.is_none() || new_ann == old_ann);
    if upgrade_from_annotation {
        if let Some(m) = new_spec.as_object_mut() {
            m.remove("storageClassName");
        }
    } else {
        if new_ann != old_ann {
            errs.push(cause(
                format!("metadata.annotations[{BETA_STORAGE_CLASS}]"),
                format!(
                    "Invalid value: {}: field is immutable",
                    go_quote(new_ann.unwrap_or(""))
                ),
            ));
        }
        let upgrade_from_nil =
            new_sc.is_some() && old_sc.is_none() && (old_ann.is_none() || new_sc == old_ann);
        if upgrade_from_nil && let Some(m) = new_spec.as_object_mut() {
            m.remove("storageClassName");
        }
    }
    let bound = meta::str_at(new, &["status", "phase"]) == Some("Bound");
    if bound && path(&new_spec, &["resources", "requests"]).is_some_and(|r| !r.is_null()) {
        let old_storage = path(old, &["spec", "resources", "requests", "storage"]).cloned();
        if let Some(r) = new_spec
            .get_mut("resources")
            .and_then(|r| r.get_mut("requests"))
            .and_then(Value::as_object_mut)
        {
            match old_storage {
                Some(s) => {
                    r.insert("storage".into(), s);
                }
                None => {
                    r.remove("storage");
                }
            }
        }
    }
    let old_vac = old_spec.get("volumeAttributesClassName").cloned();
    if let Some(m) = new_spec.as_object_mut() {
        match old_vac {
            Some(v) => {
                m.insert("volumeAttributesClassName".into(), v);
            }
            None => {
                m.remove("volumeAttributesClassName");
            }
        }
    }
    if !semantic_eq(&new_spec, &old_spec) {
        let d = gocmp::diff(
            &go_value("core.PersistentVolumeClaimSpec", Some(&old_spec)),
            &go_value("core.PersistentVolumeClaimSpec", Some(&new_spec)),
        );
        errs.push(cause("spec", format!("Forbidden: {PVC_IMMUTABLE}\n{d}")));
    }
    // RecoverVolumeExpansionFailure is on by default in 1.32 (beta): a request may shrink, but
    // not to the capacity in status or below.
    if let (Some(o), Some(n)) = (storage_request(old), storage_request(new))
        && n < o
    {
        let status = path(old, &["status", "capacity", "storage"])
            .and_then(|v| Quantity::from_json(v).ok())
            .unwrap_or_else(|| Quantity::from_i128(0));
        if n <= status {
            errs.push(cause(
                "spec.resources.requests.storage",
                "Forbidden: field can not be less than status.capacity",
            ));
        }
    }
    immutable_volume_mode(new, old, errs);
}

/// Equality as `apiequality.Semantic` sees it: quantities by value.
fn semantic_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| semantic_eq(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| semantic_eq(v, w))
        }
        (Value::String(x), Value::String(y)) if x != y => {
            matches!((Quantity::parse(x), Quantity::parse(y)), (Ok(p), Ok(q)) if p == q)
        }
        _ => a == b,
    }
}

fn immutable_volume_mode(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let n = path(new, &["spec", "volumeMode"]).and_then(Value::as_str);
    let o = path(old, &["spec", "volumeMode"]).and_then(Value::as_str);
    if n != o {
        let shown = n.map_or("\"null\"".to_string(), go_quote);
        errs.push(cause(
            "volumeMode",
            format!("Invalid value: {shown}: field is immutable"),
        ));
    }
}

const PV_SOURCES: &[&str] = &[
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "hostPath",
    "glusterfs",
    "nfs",
    "rbd",
    "quobyte",
    "iscsi",
    "flexVolume",
    "cinder",
    "cephfs",
    "fc",
    "flocker",
    "azureFile",
    "vsphereVolume",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "storageos",
    "csi",
];

fn pv(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let source = |o: &Value| {
        let mut m = serde_json::Map::new();
        for k in PV_SOURCES {
            if let Some(v) = path(o, &["spec", k]).filter(|v| !v.is_null()) {
                m.insert((*k).to_string(), v.clone());
            }
        }
        Value::Object(m)
    };
    let (mut ns, os) = (source(new), source(old));
    // A CSI volume may gain a controllerExpandSecretRef.
    if path(&os, &["csi"]).is_some()
        && path(&os, &["csi", "controllerExpandSecretRef"]).is_none()
        && let Some(csi) = ns.get_mut("csi").and_then(Value::as_object_mut)
    {
        csi.remove("controllerExpandSecretRef");
    }
    if ns != os {
        let d = gocmp::diff(
            &go_value("core.PersistentVolumeSource", Some(&os)),
            &go_value("core.PersistentVolumeSource", Some(&ns)),
        );
        errs.push(cause(
            "spec.persistentvolumesource",
            format!("Forbidden: spec.persistentvolumesource is immutable after creation\n{d}"),
        ));
    }
    immutable_volume_mode(new, old, errs);
}

fn statefulset(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let old_spec = old.get("spec").cloned().unwrap_or(json!({}));
    let mut munged = new.get("spec").cloned().unwrap_or(json!({}));
    for k in [
        "replicas",
        "template",
        "updateStrategy",
        "minReadySeconds",
        "ordinals",
        "persistentVolumeClaimRetentionPolicy",
    ] {
        copy_field(&mut munged, &old_spec, k);
    }
    if !semantic_eq(&munged, &old_spec) {
        errs.push(cause("spec", format!("Forbidden: {STS_FORBIDDEN}")));
    }
}

fn immutable_data(kind: &str, new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    if kind == kinds::SECRET {
        let (n, o) = (
            meta::str_at(new, &["type"]).unwrap_or(""),
            meta::str_at(old, &["type"]).unwrap_or(""),
        );
        if n != o {
            errs.push(cause(
                "type",
                format!("Invalid value: {}: field is immutable", go_quote(n)),
            ));
        }
    }
    if meta::bool_at(old, &["immutable"]) != Some(true) {
        return;
    }
    if meta::bool_at(new, &["immutable"]) != Some(true) {
        errs.push(cause("immutable", IMMUTABLE_SET));
    }
    let sections: &[&str] = if kind == kinds::SECRET {
        &["data"]
    } else {
        &["data", "binaryData"]
    };
    for s in sections {
        if new.get(*s) != old.get(*s) {
            errs.push(cause(*s, IMMUTABLE_SET));
        }
    }
}

fn service(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) {
    let is_external = |s: &Value| meta::str_at(s, &["spec", "type"]) == Some("ExternalName");
    if is_external(new) || is_external(old) {
        return;
    }
    let headless = |s: &Value| meta::str_at(s, &["spec", "clusterIP"]) == Some("None");
    if headless(new) && headless(old) {
        return;
    }
    let ips = |s: &Value| -> Vec<String> {
        path(s, &["spec", "clusterIPs"])
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (o, n) = (ips(old), ips(new));
    let shown = format!(
        "[]string{{{}}}",
        n.iter().map(|s| go_quote(s)).collect::<Vec<_>>().join(", ")
    );
    let shown = if n.is_empty() && path(new, &["spec", "clusterIPs"]).is_none() {
        "[]string(nil)".to_string()
    } else {
        shown
    };
    if o.len() == n.len() {
        for (i, ip) in o.iter().enumerate() {
            if *ip != n[i] {
                errs.push(cause(
                    format!("spec.clusterIPs[{i}]"),
                    format!("Invalid value: {shown}: may not change once set"),
                ));
            }
        }
    } else if o.len() > n.len() {
        if n.is_empty() {
            errs.push(cause(
                "spec.clusterIPs[0]",
                format!("Invalid value: {shown}: primary clusterIP can not be unset"),
            ));
        }
        if !o.is_empty() && !n.is_empty() && n[0] != o[0] {
            errs.push(cause(
                "spec.clusterIPs[0]",
                format!("Invalid value: {shown}: may not change once set"),
            ));
        }
    } else if !o.is_empty() && n[0] != o[0] {
        errs.push(cause(
            "spec.clusterIPs[0]",
            format!("Invalid value: {shown}: may not change once set"),
        ));
    }
}

fn job(new: &Value, old: &Value, errs: &mut Vec<FieldCause>) -> Result<(), ApiError> {
    if let (Some(o), Some(n)) = (
        path(old, &["spec", "selector"]),
        path(new, &["spec", "selector"]),
    ) && o != n
    {
        errs.push(cause(
            "spec.selector",
            format!(
                "Invalid value: {}: field is immutable",
                go_label_selector(n)
            ),
        ));
    }
    let completions = |o: &Value| path(o, &["spec", "completions"]).and_then(Value::as_i64);
    let indexed = meta::str_at(new, &["spec", "completionMode"]) == Some("Indexed");
    if completions(new) != completions(old) && !indexed {
        let shown = completions(new).map_or("\"null\"".to_string(), |c| c.to_string());
        errs.push(cause(
            "spec.completions",
            format!("Invalid value: {shown}: field is immutable"),
        ));
    }
    if path(new, &["spec", "template"]) != path(old, &["spec", "template"]) {
        // The real error prints the internal PodTemplateSpec with Go's %#v, pointer addresses
        // included: kubelab rejects the update as the API server does, but says so plainly.
        return Err(ApiError::kubelab_limit(
            "kubelab does not simulate the text of the API server's error for a change to a Job's spec.template (a Job's pod template is immutable; the real error prints the whole template as a Go value): delete the Job and create it again",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound_pvc(class: &str, storage: &str) -> Value {
        json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}, "storageClassName": class, "volumeMode": "Filesystem", "volumeName": "pv1"}, "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}}})
    }

    #[test]
    fn bound_claim_spec_is_immutable() {
        let old = bound_pvc("local-path", "1Gi");
        let new = bound_pvc("fast", "1Gi");
        let errs = validate_update("PersistentVolumeClaim", &new, &old).unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].field, "spec");
        assert!(errs[0].detail.starts_with(&format!(
            "Forbidden: {PVC_IMMUTABLE}\n  core.PersistentVolumeClaimSpec{{\n"
        )));
        assert!(errs[0].detail.contains(
            "- \tStorageClassName: &\"local-path\",\n+ \tStorageClassName: &\"fast\",\n"
        ));
    }

    #[test]
    fn bound_claim_may_grow() {
        let old = bound_pvc("local-path", "1Gi");
        let new = bound_pvc("local-path", "2Gi");
        assert!(
            validate_update("PersistentVolumeClaim", &new, &old)
                .unwrap()
                .is_empty()
        );
        let shrink = bound_pvc("local-path", "512Mi");
        let errs = validate_update("PersistentVolumeClaim", &shrink, &old).unwrap();
        assert_eq!(errs[0].field, "spec.resources.requests.storage");
    }

    #[test]
    fn statefulset_forbidden_fields() {
        let old = json!({"spec": {"replicas": 1, "serviceName": "a", "template": {}}});
        let new = json!({"spec": {"replicas": 3, "serviceName": "b", "template": {}}});
        let errs = validate_update("StatefulSet", &new, &old).unwrap();
        assert_eq!(errs[0].detail, format!("Forbidden: {STS_FORBIDDEN}"));
        let scaled = json!({"spec": {"replicas": 3, "serviceName": "a", "template": {}}});
        assert!(
            validate_update("StatefulSet", &scaled, &old)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn tolerations_may_only_be_added() {
        let t = json!({"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300});
        let old =
            json!({"spec": {"containers": [{"name": "c", "image": "i"}], "tolerations": [t]}});
        let mut longer = old.clone();
        longer["spec"]["tolerations"][0]["tolerationSeconds"] = json!(60);
        longer["spec"]["tolerations"]
            .as_array_mut()
            .unwrap()
            .push(json!({"key": "b", "operator": "Exists"}));
        assert!(validate_update("Pod", &longer, &old).unwrap().is_empty());
        let mut removed = old.clone();
        removed["spec"]["tolerations"] = json!([]);
        let errs = validate_update("Pod", &removed, &old).unwrap();
        assert_eq!(
            errs,
            vec![cause(
                "spec.tolerations",
                "Forbidden: existing toleration can not be modified except its tolerationSeconds"
            )]
        );
    }

    #[test]
    fn immutable_configmap() {
        let old = json!({"immutable": true, "data": {"a": "1"}});
        let new = json!({"immutable": true, "data": {"a": "2"}});
        let errs = validate_update("ConfigMap", &new, &old).unwrap();
        assert_eq!(errs, vec![cause("data", IMMUTABLE_SET)]);
    }

    #[test]
    fn service_cluster_ip() {
        let old = json!({"spec": {"clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"]}});
        let mut new = json!({"spec": {"clusterIP": "10.96.0.30", "clusterIPs": ["10.96.0.20"]}});
        prepare_update("Service", &mut new, &old);
        let errs = validate_update("Service", &new, &old).unwrap();
        assert_eq!(
            errs,
            vec![cause(
                "spec.clusterIPs[0]",
                "Invalid value: []string{\"10.96.0.30\"}: may not change once set"
            )]
        );
        let mut kept = json!({"spec": {}});
        prepare_update("Service", &mut kept, &old);
        assert!(validate_update("Service", &kept, &old).unwrap().is_empty());
    }
}
