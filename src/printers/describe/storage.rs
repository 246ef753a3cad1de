//! `kubectl describe pvc|pv|storageclass` (`kubectl pkg/describe/describe.go`:
//! `describePersistentVolumeClaim`, `describePersistentVolume`, `describeStorageClass`).

use crate::world::api::kinds;
use serde_json::Value;

use super::batch::format_labels;
use super::common::{annotations_multiline, events, labels_multiline};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, Writer};
use crate::printers::age::age;
use crate::printers::table::{access_modes, storage_class_of};
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::Millis;

/// Go's `%v` of a string slice: `[a b]`.
fn go_slice(v: Option<&Value>) -> String {
    let items: Vec<&str> = v
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!("[{}]", items.join(" "))
}

fn str_at<'a>(obj: &'a Value, keys: &[&str]) -> &'a str {
    meta::str_at(obj, keys).unwrap_or("")
}

/// `Status:` with `Terminating (lasts <age>)` while being deleted.
fn status(w: &mut Writer, obj: &Value, now: Millis) {
    match meta::str_at(obj, &["metadata", "deletionTimestamp"]) {
        Some(t) => w.line(
            LEVEL_0,
            &format!("Status:\tTerminating (lasts {})", age(Some(t), now)),
        ),
        None => w.line(
            LEVEL_0,
            &format!("Status:\t{}", str_at(obj, &["status", "phase"])),
        ),
    }
}

/// `printPodsMultiline`: the pods using a claim, by name.
fn pods_multiline(w: &mut Writer, title: &str, mut pods: Vec<String>) {
    w.write(LEVEL_0, &format!("{title}:\t"));
    if pods.is_empty() {
        w.write_line("<none>");
        return;
    }
    pods.sort();
    for (i, p) in pods.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write_line(p);
    }
}

/// `getPodsForPVC`: pods of the namespace mounting the claim, then pods owning it.
fn pods_for_claim(world: &World, pvc: &Value) -> Vec<String> {
    let name = meta::name(pvc);
    let pods: Vec<&Value> = world
        .object_list(kinds::POD, meta::namespace(pvc))
        .collect();
    let mut out: Vec<String> = Vec::new();
    for p in &pods {
        let vols = meta::path(p, &["spec", "volumes"]).and_then(Value::as_array);
        for v in vols.into_iter().flatten() {
            if meta::str_at(v, &["persistentVolumeClaim", "claimName"]) == Some(name) {
                out.push(meta::name(p).to_string());
            }
        }
    }
    let owners = meta::path(pvc, &["metadata", "ownerReferences"]).and_then(Value::as_array);
    for o in owners.into_iter().flatten() {
        if meta::str_at(o, &["kind"]) != Some("Pod") {
            continue;
        }
        let uid = meta::str_at(o, &["uid"]).unwrap_or("");
        if let Some(p) = pods.iter().find(|p| meta::uid(p) == uid)
            && !out.iter().any(|n| n == meta::name(p))
        {
            out.push(meta::name(p).to_string());
        }
    }
    out
}

/// `describePersistentVolumeClaim`.
pub fn pvc(world: &World, pvc: &Value, evs: &[Value], now: Millis) -> String {
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(pvc)));
    w.line(LEVEL_0, &format!("Namespace:\t{}", meta::namespace(pvc)));
    w.line(
        LEVEL_0,
        &format!("StorageClass:\t{}", storage_class_of(pvc)),
    );
    status(&mut w, pvc, now);
    let volume = str_at(pvc, &["spec", "volumeName"]);
    w.line(LEVEL_0, &format!("Volume:\t{volume}"));
    labels_multiline(&mut w, "Labels", meta::path(pvc, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(pvc, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Finalizers:\t{}",
            go_slice(meta::path(pvc, &["metadata", "finalizers"]))
        ),
    );
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            str_at(pvc, &["status", "capacity", "storage"]).to_string(),
            access_modes(meta::path(pvc, &["status", "accessModes"])),
        )
    };
    w.line(LEVEL_0, &format!("Capacity:\t{capacity}"));
    w.line(LEVEL_0, &format!("Access Modes:\t{modes}"));
    if let Some(m) = meta::str_at(pvc, &["spec", "volumeMode"]) {
        w.line(LEVEL_0, &format!("VolumeMode:\t{m}"));
    }
    if let Some(ds) = meta::path(pvc, &["spec", "dataSource"]).filter(|v| v.is_object()) {
        w.line(LEVEL_0, "DataSource:");
        if let Some(g) = meta::str_at(ds, &["apiGroup"]) {
            w.line(LEVEL_1, &format!("APIGroup:\t{g}"));
        }
        w.line(LEVEL_1, &format!("Kind:\t{}", str_at(ds, &["kind"])));
        w.line(LEVEL_1, &format!("Name:\t{}", str_at(ds, &["name"])));
    }
    pods_multiline(&mut w, "Used By", pods_for_claim(world, pvc));
    let conds = meta::path(pvc, &["status", "conditions"]).and_then(Value::as_array);
    if let Some(conds) = conds.filter(|c| !c.is_empty()) {
        w.line(LEVEL_0, "Conditions:");
        w.line(
            LEVEL_1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage",
        );
        w.line(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------",
        );
        for c in conds {
            let time = |k: &str| match meta::str_at(c, &[k]) {
                Some(t) => super::common::time_of(Some(t)),
                // Go's zero time in RFC1123Z.
                None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
            };
            w.line(
                LEVEL_1,
                &format!(
                    "{} \t{} \t{} \t{} \t{} \t{}",
                    str_at(c, &["type"]),
                    str_at(c, &["status"]),
                    time("lastProbeTime"),
                    time("lastTransitionTime"),
                    str_at(c, &["reason"]),
                    str_at(c, &["message"])
                ),
            );
        }
    }
    events(&mut w, evs, now);
    w.finish()
}

/// `printVolumeNodeAffinity`.
fn node_affinity(w: &mut Writer, pv: &Value) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let Some(req) = meta::path(pv, &["spec", "nodeAffinity", "required"]).filter(|r| r.is_object())
    else {
        w.write_line("<none>");
        return;
    };
    w.write_line("");
    w.write(LEVEL_1, "Required Terms:\t");
    let terms = req
        .get("nodeSelectorTerms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if terms.is_empty() {
        w.write_line("<none>");
        return;
    }
    w.write_line("");
    for (i, term) in terms.iter().enumerate() {
        w.write(LEVEL_2, &format!("Term {i}:\t"));
        let exprs = term
            .get("matchExpressions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if exprs.is_empty() {
            w.write_line("<none>");
            continue;
        }
        for (j, e) in exprs.iter().enumerate() {
            if j != 0 {
                w.write(LEVEL_2, "\t");
            }
            let mut s = format!(
                "{} {}",
                str_at(e, &["key"]),
                str_at(e, &["operator"]).to_ascii_lowercase()
            );
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !values.is_empty() {
                s.push_str(&format!(" [{}]", values.join(", ")));
            }
            w.write(LEVEL_0, &format!("{s}\n"));
        }
    }
}

/// The `Source:` block of the volume source, in describePersistentVolume's order; None when
/// the volume has none kubectl knows (it prints `<unknown>`).
fn source(pv: &Value) -> Option<String> {
    let spec = pv.get("spec")?;
    let b = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    if let Some(h) = spec.get("hostPath") {
        return Some(format!(
            "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}",
            str_at(h, &["path"]),
            meta::str_at(h, &["type"]).unwrap_or("<none>")
        ));
    }
    if let Some(other) = super::pv_sources::source(spec) {
        return Some(other);
    }
    if let Some(n) = spec.get("nfs") {
        return Some(format!(
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{}\n    Path:\t{}\n    ReadOnly:\t{}",
            str_at(n, &["server"]),
            str_at(n, &["path"]),
            b(n.get("readOnly"))
        ));
    }
    if let Some(other) = super::pv_sources::source_after_nfs(spec) {
        return Some(other);
    }
    if let Some(l) = spec.get("local") {
        return Some(format!(
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t{}",
            str_at(l, &["path"])
        ));
    }
    if let Some(other) = super::pv_sources::source_after_local(spec) {
        return Some(other);
    }
    if let Some(c) = spec.get("csi") {
        let attrs = meta::string_map(c, &["volumeAttributes"]);
        let mut s = format!(
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{}\n    FSType:\t{}\n    VolumeHandle:\t{}\n    ReadOnly:\t{}\n    VolumeAttributes:\t",
            str_at(c, &["driver"]),
            str_at(c, &["fsType"]),
            str_at(c, &["volumeHandle"]),
            b(c.get("readOnly"))
        );
        if attrs.is_empty() {
            s.push_str("<none>");
        } else {
            let lines: Vec<String> = attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            s.push_str(&lines.join("\n    \t"));
        }
        return Some(s);
    }
    None
}

/// `describePersistentVolume`.
pub fn pv(pv: &Value, evs: &[Value], now: Millis) -> Option<String> {
    let source = source(pv);
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(pv)));
    labels_multiline(&mut w, "Labels", meta::path(pv, &["metadata", "labels"]));
    annotations_multiline(
        &mut w,
        "Annotations",
        meta::path(pv, &["metadata", "annotations"]),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Finalizers:\t{}",
            go_slice(meta::path(pv, &["metadata", "finalizers"]))
        ),
    );
    w.line(LEVEL_0, &format!("StorageClass:\t{}", storage_class_of(pv)));
    status(&mut w, pv, now);
    let claim = match meta::path(pv, &["spec", "claimRef"]).filter(|c| c.is_object()) {
        Some(c) => format!("{}/{}", str_at(c, &["namespace"]), str_at(c, &["name"])),
        None => String::new(),
    };
    w.line(LEVEL_0, &format!("Claim:\t{claim}"));
    w.line(
        LEVEL_0,
        &format!(
            "Reclaim Policy:\t{}",
            str_at(pv, &["spec", "persistentVolumeReclaimPolicy"])
        ),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Access Modes:\t{}",
            access_modes(meta::path(pv, &["spec", "accessModes"]))
        ),
    );
    if let Some(m) = meta::str_at(pv, &["spec", "volumeMode"]) {
        w.line(LEVEL_0, &format!("VolumeMode:\t{m}"));
    }
    w.line(
        LEVEL_0,
        &format!(
            "Capacity:\t{}",
            meta::str_at(pv, &["spec", "capacity", "storage"]).unwrap_or("0")
        ),
    );
    node_affinity(&mut w, pv);
    w.line(
        LEVEL_0,
        &format!("Message:\t{}", str_at(pv, &["status", "message"])),
    );
    w.line(LEVEL_0, "Source:");
    match source {
        Some(s) => w.line(LEVEL_2, &s),
        None => w.line(LEVEL_1, "<unknown>"),
    }
    events(&mut w, evs, now);
    Some(w.finish())
}

/// `describeStorageClass`; None for a class with `allowedTopologies` (not described by
/// kubelab).
pub fn storage_class(sc: &Value, evs: &[Value], now: Millis) -> Option<String> {
    if sc.get("allowedTopologies").is_some_and(|t| !t.is_null()) {
        return None;
    }
    let mut w = Writer::default();
    w.line(LEVEL_0, &format!("Name:\t{}", meta::name(sc)));
    // storageutil.IsDefaultAnnotationText: the GA annotation, else the beta one.
    let default = [
        "storageclass.kubernetes.io/is-default-class",
        "storageclass.beta.kubernetes.io/is-default-class",
    ]
    .iter()
    .any(|a| meta::annotation(sc, a) == Some("true"));
    w.line(
        LEVEL_0,
        &format!("IsDefaultClass:\t{}", if default { "Yes" } else { "No" }),
    );
    w.line(
        LEVEL_0,
        &format!(
            "Annotations:\t{}",
            format_labels(sc, &["metadata", "annotations"])
        ),
    );
    w.line(
        LEVEL_0,
        &format!("Provisioner:\t{}", str_at(sc, &["provisioner"])),
    );
    w.line(
        LEVEL_0,
        &format!("Parameters:\t{}", format_labels(sc, &["parameters"])),
    );
    let expansion = match sc.get("allowVolumeExpansion").and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    w.line(LEVEL_0, &format!("AllowVolumeExpansion:\t{expansion}"));
    let options: Vec<&str> = sc
        .get("mountOptions")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if options.is_empty() {
        w.line(LEVEL_0, "MountOptions:\t<none>");
    } else {
        w.line(LEVEL_0, "MountOptions:");
        for o in options {
            w.line(LEVEL_1, o);
        }
    }
    if let Some(p) = meta::str_at(sc, &["reclaimPolicy"]) {
        w.line(LEVEL_0, &format!("ReclaimPolicy:\t{p}"));
    }
    if let Some(m) = meta::str_at(sc, &["volumeBindingMode"]) {
        w.line(LEVEL_0, &format!("VolumeBindingMode:\t{m}"));
    }
    events(&mut w, evs, now);
    Some(w.finish())
}
