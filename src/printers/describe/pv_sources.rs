//! The `Source:` block of `kubectl describe pv` for the in-tree volume sources other than
//! hostPath, NFS, local and CSI (storage.rs): kubectl 1.32's `print*PersistentVolumeSource`
//! layouts, each value printed as Go's `%v` prints it (`[a b]` slices, `map[k:v]` maps,
//! `&SecretReference{Name:x,Namespace:y,}` references, `nil`). Fields the apiserver defaults
//! (RBD's pool, user and keyring, ISCSI's interface, AzureDisk's kind, type, caching and
//! read-only, ScaleIO's storage mode and type) read as their defaults when the stored object
//! lacks them.

use serde_json::Value;

/// A string field, "" when absent.
fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A string field with the apiserver's default.
fn sd<'a>(v: &'a Value, key: &str, default: &'a str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
        .unwrap_or(default)
}

/// A bool field as Go prints it.
fn b(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// An integer field as Go prints it.
fn i(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// A `[]string` as `%v` prints it.
fn slice(v: &Value, key: &str) -> String {
    let items: Vec<&str> = v
        .get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!("[{}]", items.join(" "))
}

/// A `map[string]string` as `%v` prints it (keys sorted).
fn map(v: &Value, key: &str) -> String {
    let mut pairs: Vec<(String, String)> = v
        .get(key)
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, x)| (k.clone(), x.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    pairs.sort();
    let parts: Vec<String> = pairs.iter().map(|(k, x)| format!("{k}:{x}")).collect();
    format!("map[{}]", parts.join(" "))
}

/// A `*SecretReference` as `%v` prints it.
fn secret_ref(v: &Value, key: &str) -> String {
    match v.get(key).filter(|r| r.is_object()) {
        Some(r) => format!(
            "&SecretReference{{Name:{},Namespace:{},}}",
            s(r, "name"),
            s(r, "namespace")
        ),
        None => "nil".into(),
    }
}

/// The block of the first of these sources `spec` has, in describePersistentVolume's order
/// (after hostPath, which storage.rs takes first).
pub fn source(spec: &Value) -> Option<String> {
    if let Some(g) = spec.get("gcePersistentDisk") {
        return Some(format!(
            "Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)\n    PDName:\t{}\n    FSType:\t{}\n    Partition:\t{}\n    ReadOnly:\t{}",
            s(g, "pdName"),
            s(g, "fsType"),
            i(g, "partition"),
            b(g, "readOnly")
        ));
    }
    if let Some(a) = spec.get("awsElasticBlockStore") {
        return Some(format!(
            "Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)\n    VolumeID:\t{}\n    FSType:\t{}\n    Partition:\t{}\n    ReadOnly:\t{}",
            s(a, "volumeID"),
            s(a, "fsType"),
            i(a, "partition"),
            b(a, "readOnly")
        ));
    }
    None
}

/// The sources describePersistentVolume takes after NFS, in its order.
pub fn source_after_nfs(spec: &Value) -> Option<String> {
    if let Some(x) = spec.get("iscsi") {
        return Some(format!(
            "Type:\tISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)\n    TargetPortal:\t{}\n    IQN:\t{}\n    Lun:\t{}\n    ISCSIInterface\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n    Portals:\t{}\n    DiscoveryCHAPAuth:\t{}\n    SessionCHAPAuth:\t{}\n    SecretRef:\t{}\n    InitiatorName:\t{}",
            s(x, "targetPortal"),
            s(x, "iqn"),
            i(x, "lun"),
            sd(x, "iscsiInterface", "default"),
            s(x, "fsType"),
            b(x, "readOnly"),
            slice(x, "portals"),
            b(x, "chapAuthDiscovery"),
            b(x, "chapAuthSession"),
            secret_ref(x, "secretRef"),
            x.get("initiatorName")
                .and_then(Value::as_str)
                .unwrap_or("<none>")
        ));
    }
    if let Some(g) = spec.get("glusterfs") {
        return Some(format!(
            "Type:\tGlusterfs (a Glusterfs mount on the host that shares a pod's lifetime)\n    EndpointsName:\t{}\n    EndpointsNamespace:\t{}\n    Path:\t{}\n    ReadOnly:\t{}",
            s(g, "endpoints"),
            g.get("endpointsNamespace")
                .and_then(Value::as_str)
                .unwrap_or("<unset>"),
            s(g, "path"),
            b(g, "readOnly")
        ));
    }
    if let Some(r) = spec.get("rbd") {
        return Some(format!(
            "Type:\tRBD (a Rados Block Device mount on the host that shares a pod's lifetime)\n    CephMonitors:\t{}\n    RBDImage:\t{}\n    FSType:\t{}\n    RBDPool:\t{}\n    RadosUser:\t{}\n    Keyring:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}",
            slice(r, "monitors"),
            s(r, "image"),
            s(r, "fsType"),
            sd(r, "pool", "rbd"),
            sd(r, "user", "admin"),
            sd(r, "keyring", "/etc/ceph/keyring"),
            secret_ref(r, "secretRef"),
            b(r, "readOnly")
        ));
    }
    if let Some(q) = spec.get("quobyte") {
        return Some(format!(
            "Type:\tQuobyte (a Quobyte mount on the host that shares a pod's lifetime)\n    Registry:\t{}\n    Volume:\t{}\n    ReadOnly:\t{}",
            s(q, "registry"),
            s(q, "volume"),
            b(q, "readOnly")
        ));
    }
    if let Some(v) = spec.get("vsphereVolume") {
        return Some(format!(
            "Type:\tvSphereVolume (a Persistent Disk resource in vSphere)\n    VolumePath:\t{}\n    FSType:\t{}\n    StoragePolicyName:\t{}",
            s(v, "volumePath"),
            s(v, "fsType"),
            s(v, "storagePolicyName")
        ));
    }
    if let Some(c) = spec.get("cinder") {
        return Some(format!(
            "Type:\tCinder (a Persistent Disk resource in OpenStack)\n    VolumeID:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n    SecretRef:\t{}",
            s(c, "volumeID"),
            s(c, "fsType"),
            b(c, "readOnly"),
            secret_ref(c, "secretRef")
        ));
    }
    if let Some(d) = spec.get("azureDisk") {
        return Some(format!(
            "Type:\tAzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)\n    DiskName:\t{}\n    DiskURI:\t{}\n    Kind: \t{}\n    FSType:\t{}\n    CachingMode:\t{}\n    ReadOnly:\t{}",
            s(d, "diskName"),
            s(d, "diskURI"),
            sd(d, "kind", "Shared"),
            sd(d, "fsType", "ext4"),
            sd(d, "cachingMode", "ReadWrite"),
            b(d, "readOnly")
        ));
    }
    if let Some(p) = spec.get("photonPersistentDisk") {
        return Some(format!(
            "Type:\tPhotonPersistentDisk (a Persistent Disk resource in photon platform)\n    PdID:\t{}\n    FSType:\t{}",
            s(p, "pdID"),
            s(p, "fsType")
        ));
    }
    if let Some(p) = spec.get("portworxVolume") {
        return Some(format!(
            "Type:\tPortworxVolume (a Portworx Volume resource)\n    VolumeID:\t{}",
            s(p, "volumeID")
        ));
    }
    if let Some(x) = spec.get("scaleIO") {
        let secret = x.get("secretRef").filter(|r| r.is_object());
        return Some(format!(
            "Type:\tScaleIO (a persistent volume backed by a block device in ScaleIO)\n    Gateway:\t{}\n    System:\t{}\n    Protection Domain:\t{}\n    Storage Pool:\t{}\n    Storage Mode:\t{}\n    VolumeName:\t{}\n    SecretName:\t{}\n    SecretNamespace:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}",
            s(x, "gateway"),
            s(x, "system"),
            s(x, "protectionDomain"),
            s(x, "storagePool"),
            sd(x, "storageMode", "ThinProvisioned"),
            s(x, "volumeName"),
            secret.map(|r| s(r, "name")).unwrap_or(""),
            secret.map(|r| s(r, "namespace")).unwrap_or(""),
            sd(x, "fsType", "xfs"),
            b(x, "readOnly")
        ));
    }
    None
}

/// The sources describePersistentVolume takes after local, in its order.
pub fn source_after_local(spec: &Value) -> Option<String> {
    if let Some(c) = spec.get("cephfs") {
        return Some(format!(
            "Type:\tCephFS (a CephFS mount on the host that shares a pod's lifetime)\n    Monitors:\t{}\n    Path:\t{}\n    User:\t{}\n    SecretFile:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}",
            slice(c, "monitors"),
            s(c, "path"),
            s(c, "user"),
            s(c, "secretFile"),
            secret_ref(c, "secretRef"),
            b(c, "readOnly")
        ));
    }
    if let Some(x) = spec.get("storageos") {
        return Some(format!(
            "Type:\tStorageOS (a StorageOS Persistent Disk resource)\n    VolumeName:\t{}\n    VolumeNamespace:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}",
            s(x, "volumeName"),
            s(x, "volumeNamespace"),
            s(x, "fsType"),
            b(x, "readOnly")
        ));
    }
    if let Some(fc) = spec.get("fc") {
        let wwns: Vec<&str> = fc
            .get("targetWWNs")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        return Some(format!(
            "Type:\tFC (a Fibre Channel disk)\n    TargetWWNs:\t{}\n    LUN:\t{}\n    FSType:\t{}\n    ReadOnly:\t{}",
            wwns.join(", "),
            fc.get("lun")
                .and_then(Value::as_i64)
                .map(|l| l.to_string())
                .unwrap_or_else(|| "<none>".into()),
            s(fc, "fsType"),
            b(fc, "readOnly")
        ));
    }
    if let Some(a) = spec.get("azureFile") {
        return Some(format!(
            "Type:\tAzureFile (an Azure File Service mount on the host and bind mount to the pod)\n    SecretName:\t{}\n    SecretNamespace:\t{}\n    ShareName:\t{}\n    ReadOnly:\t{}",
            s(a, "secretName"),
            s(a, "secretNamespace"),
            s(a, "shareName"),
            b(a, "readOnly")
        ));
    }
    if let Some(f) = spec.get("flexVolume") {
        return Some(format!(
            "Type:\tFlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)\n    Driver:\t{}\n    FSType:\t{}\n    SecretRef:\t{}\n    ReadOnly:\t{}\n    Options:\t{}",
            s(f, "driver"),
            s(f, "fsType"),
            secret_ref(f, "secretRef"),
            b(f, "readOnly"),
            map(f, "options")
        ));
    }
    if let Some(f) = spec.get("flocker") {
        return Some(format!(
            "Type:\tFlocker (a Flocker volume mounted by the Flocker agent)\n    DatasetName:\t{}\n    DatasetUUID:\t{}",
            s(f, "datasetName"),
            s(f, "datasetUUID")
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn go_values_print_as_percent_v() {
        let v = json!({"m": ["a", "b"], "o": {"z": "1", "a": "2"}, "r": {"name": "s", "namespace": "n"}});
        assert_eq!(slice(&v, "m"), "[a b]");
        assert_eq!(slice(&v, "none"), "[]");
        assert_eq!(map(&v, "o"), "map[a:2 z:1]");
        assert_eq!(map(&v, "none"), "map[]");
        assert_eq!(secret_ref(&v, "r"), "&SecretReference{Name:s,Namespace:n,}");
        assert_eq!(secret_ref(&v, "none"), "nil");
    }

    #[test]
    fn rbd_reads_the_apiservers_defaults() {
        let spec = json!({"rbd": {"monitors": ["10.0.0.1:6789", "10.0.0.2:6789"], "image": "foo"}});
        assert_eq!(
            source_after_nfs(&spec).unwrap(),
            "Type:\tRBD (a Rados Block Device mount on the host that shares a pod's lifetime)\n    CephMonitors:\t[10.0.0.1:6789 10.0.0.2:6789]\n    RBDImage:\tfoo\n    FSType:\t\n    RBDPool:\trbd\n    RadosUser:\tadmin\n    Keyring:\t/etc/ceph/keyring\n    SecretRef:\tnil\n    ReadOnly:\tfalse"
        );
    }
}
