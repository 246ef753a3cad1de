//! The Kubernetes objects the rook 1.7 operator creates, with rook's names, labels, images and
//! the fields students look at (rook `pkg/operator/ceph/csi/spec.go` and its templates,
//! `cluster/mon/spec.go`, `cluster/mgr/spec.go`, `cluster/osd/spec.go` and
//! `provision_spec.go`, `cluster/crash/add.go`), in kubelab's words. kubelab leaves out the
//! host-path volumes, probes and init containers of the daemons (docs/rook.md).

use crate::world::api::kinds;
use serde_json::{Value, json};

/// The Ceph image of the cluster (cluster.yaml's `cephVersion.image`).
pub const CEPH_IMAGE: &str = "quay.io/ceph/ceph:v16.2.6";
/// The operator's image.
pub const ROOK_IMAGE: &str = "rook/ceph:v1.7.11";
/// ceph-csi and the sidecars (operator.yaml's commented defaults, `csi/spec.go`).
pub const CSI_IMAGE: &str = "quay.io/cephcsi/cephcsi:v3.4.0";
const REGISTRAR: &str = "k8s.gcr.io/sig-storage/csi-node-driver-registrar:v2.3.0";
const PROVISIONER: &str = "k8s.gcr.io/sig-storage/csi-provisioner:v3.0.0";
const RESIZER: &str = "k8s.gcr.io/sig-storage/csi-resizer:v1.3.0";
const ATTACHER: &str = "k8s.gcr.io/sig-storage/csi-attacher:v3.3.0";
const SNAPSHOTTER: &str = "k8s.gcr.io/sig-storage/csi-snapshotter:v4.2.0";

/// The RBD driver's name (`<operator namespace>.rbd.csi.ceph.com`).
pub fn rbd_driver(ns: &str) -> String {
    format!("{ns}.rbd.csi.ceph.com")
}

/// The CephFS driver's name.
pub fn cephfs_driver(ns: &str) -> String {
    format!("{ns}.cephfs.csi.ceph.com")
}

fn owned(mut obj: Value, owner: &Value) -> Value {
    obj["metadata"]["ownerReferences"] = json!([crate::world::api::meta::controller_ref(owner)]);
    obj
}

fn container(name: &str, image: &str, args: &[String]) -> Value {
    json!({"name": name, "image": image, "imagePullPolicy": "IfNotPresent", "args": args})
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// ConfigMap `rook-ceph-csi-config` (`csi/cluster_config.go`): the clusters' monitors.
pub fn csi_config(ns: &str, json_list: &str, owner: &Value) -> Value {
    owned(
        json!({"apiVersion": "v1", "kind": kinds::CONFIG_MAP,
            "metadata": {"name": "rook-ceph-csi-config", "namespace": ns},
            "data": {"csi-cluster-config-json": json_list}}),
        owner,
    )
}

/// DaemonSet `csi-rbdplugin` or `csi-cephfsplugin` (driver-registrar, the plugin, the
/// liveness metrics: 3/3).
pub fn plugin_daemonset(ns: &str, fs: &str, owner: &Value) -> Value {
    let app = format!("csi-{fs}plugin");
    let driver = if fs == "rbd" {
        rbd_driver(ns)
    } else {
        cephfs_driver(ns)
    };
    let sock = format!("--kubelet-registration-path=/var/lib/kubelet/plugins/{driver}/csi.sock");
    let containers = vec![
        container(
            "driver-registrar",
            REGISTRAR,
            &args(&["--v=0", "--csi-address=/csi/csi.sock", &sock]),
        ),
        container(
            &app,
            CSI_IMAGE,
            &args(&[
                "--nodeid=$(NODE_ID)",
                "--endpoint=$(CSI_ENDPOINT)",
                "--v=0",
                &format!("--type={fs}"),
                "--nodeserver=true",
                &format!("--drivername={driver}"),
                "--pidlimit=-1",
                "--metricsport=9090",
                "--metricspath=/metrics",
                "--enablegrpcmetrics=false",
                "--stagingpath=/var/lib/kubelet/plugins/kubernetes.io/csi/pv/",
            ]),
        ),
        container(
            "liveness-prometheus",
            CSI_IMAGE,
            &args(&[
                "--type=liveness",
                "--endpoint=$(CSI_ENDPOINT)",
                &format!(
                    "--metricsport={}",
                    if fs == "rbd" { "9080" } else { "9081" }
                ),
                "--metricspath=/metrics",
                "--polltime=60s",
                "--timeout=3s",
            ]),
        ),
    ];
    owned(
        json!({"apiVersion": "apps/v1", "kind": kinds::DAEMON_SET,
        "metadata": {"name": app, "namespace": ns},
        "spec": {
            "selector": {"matchLabels": {"app": app}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"app": app, "contains": format!("{app}-metrics")}},
                "spec": {"serviceAccountName": format!("rook-csi-{fs}-plugin-sa"),
                    "hostNetwork": true, "hostPID": true, "dnsPolicy": "ClusterFirstWithHostNet",
                    "priorityClassName": "system-node-critical",
                    "containers": containers},
            },
        }}),
        owner,
    )
}

/// Deployment `csi-rbdplugin-provisioner` or `csi-cephfsplugin-provisioner` (6/6), with
/// required anti-affinity on `app` per host.
pub fn provisioner_deployment(ns: &str, fs: &str, replicas: i64, owner: &Value) -> Value {
    let app = format!("csi-{fs}plugin-provisioner");
    let plugin = format!("csi-{fs}plugin");
    let driver = if fs == "rbd" {
        rbd_driver(ns)
    } else {
        cephfs_driver(ns)
    };
    let sidecar_args = |extra: &[&str]| {
        let mut a = args(&[
            "--csi-address=$(ADDRESS)",
            "--v=0",
            "--timeout=150s",
            "--leader-election=true",
            "--leader-election-namespace=rook-ceph",
        ]);
        a.extend(args(extra));
        a
    };
    let provisioner = container(
        "csi-provisioner",
        PROVISIONER,
        &sidecar_args(&[
            "--retry-interval-start=500ms",
            "--default-fstype=ext4",
            "--extra-create-metadata=true",
        ]),
    );
    let resizer = container(
        "csi-resizer",
        RESIZER,
        &sidecar_args(&["--handle-volume-inuse-error=false"]),
    );
    let attacher = container("csi-attacher", ATTACHER, &sidecar_args(&[]));
    let snapshotter = container("csi-snapshotter", SNAPSHOTTER, &sidecar_args(&[]));
    let plugin_c = container(
        &plugin,
        CSI_IMAGE,
        &args(&[
            "--nodeid=$(NODE_ID)",
            "--endpoint=$(CSI_ENDPOINT)",
            "--v=0",
            &format!("--type={fs}"),
            "--controllerserver=true",
            &format!("--drivername={driver}"),
            "--pidlimit=-1",
            "--metricsport=9090",
            "--metricspath=/metrics",
            "--enablegrpcmetrics=false",
        ]),
    );
    let liveness = container(
        "liveness-prometheus",
        CSI_IMAGE,
        &args(&[
            "--type=liveness",
            "--endpoint=$(CSI_ENDPOINT)",
            &format!(
                "--metricsport={}",
                if fs == "rbd" { "9080" } else { "9081" }
            ),
            "--metricspath=/metrics",
            "--polltime=60s",
            "--timeout=3s",
        ]),
    );
    // The templates' container order (rbd: provisioner first; cephfs: attacher first).
    let containers = if fs == "rbd" {
        vec![
            provisioner,
            resizer,
            attacher,
            snapshotter,
            plugin_c,
            liveness,
        ]
    } else {
        vec![
            attacher,
            snapshotter,
            resizer,
            provisioner,
            plugin_c,
            liveness,
        ]
    };
    owned(
        json!({"apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
        "metadata": {"name": app, "namespace": ns},
        "spec": {
            "replicas": replicas,
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": {"app": app}},
            "template": {
                "metadata": {"labels": {"app": app, "contains": format!("{plugin}-metrics")}},
                "spec": {
                    "serviceAccountName": format!("rook-csi-{fs}-provisioner-sa"),
                    "priorityClassName": "system-cluster-critical",
                    "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                        {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": [app]}]},
                         "topologyKey": "kubernetes.io/hostname"}]}},
                    "containers": containers,
                },
            },
        }}),
        owner,
    )
}

/// Service `csi-rbdplugin-metrics` / `csi-cephfsplugin-metrics`.
pub fn metrics_service(ns: &str, fs: &str, owner: &Value) -> Value {
    let plugin = format!("csi-{fs}plugin");
    let (grpc, live) = if fs == "rbd" {
        (9090, 9080)
    } else {
        (9091, 9081)
    };
    owned(
        json!({"apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {"name": format!("{plugin}-metrics"), "namespace": ns, "labels": {"app": "csi-metrics"}},
        "spec": {"selector": {"contains": format!("{plugin}-metrics")},
            "ports": [
                {"name": "csi-http-metrics", "port": 8080, "protocol": "TCP", "targetPort": grpc},
                {"name": "csi-grpc-metrics", "port": 8081, "protocol": "TCP", "targetPort": live},
            ]}}),
        owner,
    )
}

/// CSIDriver object (`csi/csidriver.go`).
pub fn csi_driver(name: &str, fs_group_policy: &str) -> Value {
    json!({"apiVersion": "storage.k8s.io/v1", "kind": "CSIDriver",
        "metadata": {"name": name},
        "spec": {"attachRequired": true, "podInfoOnMount": false, "fsGroupPolicy": fs_group_policy}})
}

/// Labels of a Ceph daemon's pods (`controller/spec.go` CephDaemonAppLabels).
fn daemon_labels(app: &str, cluster_ns: &str, kind: &str, id: &str) -> Value {
    json!({
        "app": app,
        "ceph_daemon_id": id,
        "ceph_daemon_type": kind,
        kind: id,
        "rook_cluster": cluster_ns,
    })
}

fn daemon_deployment(
    name: &str,
    ns: &str,
    labels: Value,
    selector: Value,
    spec: Value,
    owner: &Value,
) -> Value {
    let mut dep_labels = labels.clone();
    dep_labels["ceph-version"] = json!("16.2.6-0");
    dep_labels["rook-version"] = json!("v1.7.11");
    owned(
        json!({"apiVersion": "apps/v1", "kind": kinds::DEPLOYMENT,
            "metadata": {"name": name, "namespace": ns, "labels": dep_labels},
            "spec": {"replicas": 1, "strategy": {"type": "Recreate"},
                "selector": {"matchLabels": selector},
                "template": {"metadata": {"name": name, "labels": labels}, "spec": spec}}}),
        owner,
    )
}

/// Service `rook-ceph-mon-<id>` (msgr1 6789, msgr2 3300).
pub fn mon_service(ns: &str, id: &str, owner: &Value) -> Value {
    let mut labels = daemon_labels("rook-ceph-mon", ns, "mon", id);
    labels["mon_cluster"] = json!(ns);
    owned(
        json!({"apiVersion": "v1", "kind": kinds::SERVICE,
        "metadata": {"name": format!("rook-ceph-mon-{id}"), "namespace": ns, "labels": labels},
        "spec": {"selector": {"app": "rook-ceph-mon", "mon": id, "mon_cluster": ns, "rook_cluster": ns, "ceph_daemon_id": id},
            "ports": [
                {"name": "tcp-msgr1", "port": 6789, "protocol": "TCP", "targetPort": 6789},
                {"name": "tcp-msgr2", "port": 3300, "protocol": "TCP", "targetPort": 3300},
            ]}}),
        owner,
    )
}

/// Deployment `rook-ceph-mon-<id>`, pinned to its node.
pub fn mon_deployment(ns: &str, id: &str, node: &str, ip: &str, owner: &Value) -> Value {
    let mut labels = daemon_labels("rook-ceph-mon", ns, "mon", id);
    labels["mon_cluster"] = json!(ns);
    let selector = json!({"app": "rook-ceph-mon", "mon": id, "mon_cluster": ns, "rook_cluster": ns, "ceph_daemon_id": id});
    let mon = json!({"name": "mon", "image": CEPH_IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["ceph-mon"],
        "args": ["--fsid=$(ROOK_FSID)", "--keyring=/etc/ceph/keyring-store/keyring",
            "--log-to-stderr=true", "--err-to-stderr=true", "--mon-cluster-log-to-stderr=true",
            "--log-stderr-prefix=debug ", "--default-log-to-file=false",
            "--default-mon-cluster-log-to-file=false", "--mon-host=$(ROOK_CEPH_MON_HOST)",
            "--mon-initial-members=$(ROOK_CEPH_MON_INITIAL_MEMBERS)", format!("--id={id}"),
            "--setuser=ceph", "--setgroup=ceph", "--foreground",
            format!("--public-addr={ip}"), "--setuser-match-path=/var/lib/ceph/mon/ceph-{id}/store.db",
            "--public-bind-addr=$(ROOK_POD_IP)"],
        "ports": [{"containerPort": 3300, "name": "tcp-msgr2", "protocol": "TCP"},
                  {"containerPort": 6789, "name": "tcp-msgr1", "protocol": "TCP"}]});
    let spec = json!({"nodeSelector": {"kubernetes.io/hostname": node},
        "containers": [mon], "restartPolicy": "Always", "priorityClassName": "system-node-critical"});
    daemon_deployment(
        &format!("rook-ceph-mon-{id}"),
        ns,
        labels,
        selector,
        spec,
        owner,
    )
}

/// Deployment `rook-ceph-mgr-a` (one container, `mgr`: `mgr.count` is 1).
pub fn mgr_deployment(ns: &str, id: &str, owner: &Value) -> Value {
    let mut labels = daemon_labels("rook-ceph-mgr", ns, "mgr", id);
    labels["instance"] = json!(id);
    let selector = json!({"app": "rook-ceph-mgr", "ceph_daemon_id": id, "mgr": id, "instance": id, "rook_cluster": ns});
    let mgr = json!({"name": "mgr", "image": CEPH_IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["ceph-mgr"],
        "args": ["--fsid=$(ROOK_FSID)", "--keyring=/etc/ceph/keyring-store/keyring",
            "--log-to-stderr=true", "--err-to-stderr=true", "--mon-cluster-log-to-stderr=true",
            "--log-stderr-prefix=debug ", "--default-log-to-file=false",
            "--default-mon-cluster-log-to-file=false", "--mon-host=$(ROOK_CEPH_MON_HOST)",
            "--mon-initial-members=$(ROOK_CEPH_MON_INITIAL_MEMBERS)", format!("--id={id}"),
            "--setuser=ceph", "--setgroup=ceph", "--client-mount-uid=0", "--client-mount-gid=0",
            "--foreground", "--public-addr=$(ROOK_POD_IP)"],
        "ports": [{"containerPort": 6800, "name": "mgr", "protocol": "TCP"},
                  {"containerPort": 9283, "name": "http-metrics", "protocol": "TCP"},
                  {"containerPort": 8443, "name": "dashboard", "protocol": "TCP"}]});
    let spec = json!({"serviceAccountName": "rook-ceph-mgr", "containers": [mgr],
        "restartPolicy": "Always", "priorityClassName": "system-cluster-critical"});
    daemon_deployment(
        &format!("rook-ceph-mgr-{id}"),
        ns,
        labels,
        selector,
        spec,
        owner,
    )
}

/// Services `rook-ceph-mgr` (metrics) and `rook-ceph-mgr-dashboard` (https, 8443).
pub fn mgr_services(ns: &str, owner: &Value) -> Vec<Value> {
    let selector = json!({"app": "rook-ceph-mgr", "rook_cluster": ns});
    let labels = json!({"app": "rook-ceph-mgr", "rook_cluster": ns});
    vec![
        owned(
            json!({"apiVersion": "v1", "kind": kinds::SERVICE,
                "metadata": {"name": "rook-ceph-mgr", "namespace": ns, "labels": labels},
                "spec": {"selector": selector, "ports": [{"name": "http-metrics", "port": 9283, "protocol": "TCP", "targetPort": 9283}]}}),
            owner,
        ),
        owned(
            json!({"apiVersion": "v1", "kind": kinds::SERVICE,
                "metadata": {"name": "rook-ceph-mgr-dashboard", "namespace": ns, "labels": labels},
                "spec": {"selector": selector, "ports": [{"name": "https-dashboard", "port": 8443, "protocol": "TCP", "targetPort": 8443}]}}),
            owner,
        ),
    ]
}

/// Job `rook-ceph-osd-prepare-<node>` (`provision_spec.go`): the `provision` container runs
/// `rook ceph osd provision` on the node and completes.
pub fn prepare_job(ns: &str, node: &str, owner: &Value) -> Value {
    let name = format!("rook-ceph-osd-prepare-{node}");
    let labels =
        json!({"app": "rook-ceph-osd-prepare", "ceph.rook.io/pvc": "", "rook_cluster": ns});
    let provision = json!({"name": "provision", "image": ROOK_IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["/usr/local/bin/rook"], "args": ["ceph", "osd", "provision"],
        "env": [{"name": "ROOK_NODE_NAME", "value": node}, {"name": "ROOK_CLUSTER_ID", "value": crate::world::api::meta::uid(owner)},
                {"name": "ROOK_DATA_DEVICES", "value": "[{\"id\":\"all\",\"storeConfig\":{\"osdsPerDevice\":1}}]"}],
        "securityContext": {"privileged": true, "runAsUser": 0}});
    let mut job = owned(
        json!({"apiVersion": "batch/v1", "kind": kinds::JOB,
            "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"template": {"metadata": {"name": "rook-ceph-osd", "labels": labels},
                "spec": {"serviceAccountName": "rook-ceph-osd", "restartPolicy": "OnFailure",
                    "nodeSelector": {"kubernetes.io/hostname": node},
                    "containers": [provision]}}}}),
        owner,
    );
    job["metadata"]["labels"]["ceph-version"] = json!("16.2.6-0");
    job["metadata"]["labels"]["rook-version"] = json!("v1.7.11");
    job
}

/// Deployment `rook-ceph-osd-<id>` on its node.
pub fn osd_deployment(ns: &str, id: u32, node: &str, device: &str, owner: &Value) -> Value {
    let sid = id.to_string();
    let mut labels = daemon_labels("rook-ceph-osd", ns, "osd", &sid);
    labels["ceph-osd-id"] = json!(sid);
    labels["failure-domain"] = json!(node);
    labels["portable"] = json!("false");
    labels["topology-location-host"] = json!(node);
    labels["topology-location-root"] = json!("default");
    labels["device-class"] = json!("hdd");
    let selector = json!({"app": "rook-ceph-osd", "ceph-osd-id": sid, "rook_cluster": ns});
    let osd = json!({"name": "osd", "image": CEPH_IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["ceph-osd"],
        "args": ["--foreground", format!("--id={id}"), "--fsid=$(ROOK_FSID)",
            "--setuser=ceph", "--setgroup=ceph", "--crush-location=root=default host=".to_string() + node,
            "--log-to-stderr=true", "--err-to-stderr=true", "--mon-cluster-log-to-stderr=true",
            "--log-stderr-prefix=debug ", "--default-log-to-file=false",
            "--default-mon-cluster-log-to-file=false"],
        "env": [{"name": "ROOK_BLOCK_PATH", "value": format!("/dev/{device}")}],
        "securityContext": {"privileged": true, "runAsUser": 0}});
    let spec = json!({"serviceAccountName": "rook-ceph-osd", "nodeSelector": {"kubernetes.io/hostname": node},
        "containers": [osd], "restartPolicy": "Always", "priorityClassName": "system-node-critical"});
    daemon_deployment(
        &format!("rook-ceph-osd-{id}"),
        ns,
        labels,
        selector,
        spec,
        owner,
    )
}

/// Deployment `rook-ceph-crashcollector-<node>` (`crash/add.go`).
pub fn crash_deployment(ns: &str, node: &str, owner: &Value) -> Value {
    let labels = json!({"app": "rook-ceph-crashcollector", "ceph_daemon_id": "crash",
        "ceph_daemon_type": "crashcollector", "crashcollector": "crash",
        "kubernetes.io/hostname": node, "node_name": node, "rook_cluster": ns});
    let selector = json!({"app": "rook-ceph-crashcollector", "kubernetes.io/hostname": node, "node_name": node});
    let crash = json!({"name": "ceph-crash", "image": CEPH_IMAGE, "imagePullPolicy": "IfNotPresent",
        "command": ["ceph-crash"]});
    let spec = json!({"nodeSelector": {"kubernetes.io/hostname": node}, "containers": [crash],
        "restartPolicy": "Always", "priorityClassName": "system-node-critical"});
    daemon_deployment(
        &format!("rook-ceph-crashcollector-{node}"),
        ns,
        labels,
        selector,
        spec,
        owner,
    )
}

/// A PodDisruptionBudget rook manages (`rook-ceph-mon-pdb`, `rook-ceph-osd`).
pub fn budget(ns: &str, name: &str, app: &str, owner: &Value) -> Value {
    owned(
        json!({"apiVersion": "policy/v1", "kind": kinds::POD_DISRUPTION_BUDGET,
            "metadata": {"name": name, "namespace": ns},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app": app}}}}),
        owner,
    )
}

/// Secret `rook-ceph-mon` (`cluster/mon/mon.go`): the cluster's fsid and keys.
pub fn mon_secret(ns: &str, fsid: &str, mon_key: &str, admin_key: &str, owner: &Value) -> Value {
    use base64::Engine as _;
    let b = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    owned(
        json!({"apiVersion": "v1", "kind": kinds::SECRET, "type": "kubernetes.io/rook",
            "metadata": {"name": "rook-ceph-mon", "namespace": ns},
            "data": {"admin-secret": b(admin_key), "ceph-secret": b(admin_key),
                "ceph-username": b("client.admin"), "fsid": b(fsid), "mon-secret": b(mon_key)}}),
        owner,
    )
}

/// A Secret holding one CSI user's key (`csi/secrets.go`).
pub fn csi_secret(ns: &str, name: &str, user: &str, key: &str, owner: &Value) -> Value {
    use base64::Engine as _;
    let b = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let id_key = if name.contains("cephfs") {
        "adminID"
    } else {
        "userID"
    };
    let key_key = if name.contains("cephfs") {
        "adminKey"
    } else {
        "userKey"
    };
    owned(
        json!({"apiVersion": "v1", "kind": kinds::SECRET, "type": "kubernetes.io/rook",
            "metadata": {"name": name, "namespace": ns},
            "data": {id_key: b(user), key_key: b(key)}}),
        owner,
    )
}

/// ConfigMap `rook-ceph-mon-endpoints` (`data` is what the toolbox mounts).
pub fn mon_endpoints(ns: &str, mons: &[(String, String, String)], owner: &Value) -> Value {
    let data: Vec<String> = mons
        .iter()
        .map(|(id, _, ip)| format!("{id}={ip}:6789"))
        .collect();
    let mut mapping = serde_json::Map::new();
    for (id, node, _) in mons {
        mapping.insert(
            id.clone(),
            json!({"Name": node, "Hostname": node, "Address": ""}),
        );
    }
    let max_id = mons.len() as i64 - 1;
    owned(
        json!({"apiVersion": "v1", "kind": kinds::CONFIG_MAP,
            "metadata": {"name": "rook-ceph-mon-endpoints", "namespace": ns},
            "data": {"data": data.join(","),
                "mapping": json!({"node": mapping}).to_string(),
                "maxMonId": max_id.to_string(),
                "csi-cluster-config-json": csi_cluster_json(ns, mons)}}),
        owner,
    )
}

/// The CSI config's cluster entry: `[{"clusterID":"rook-ceph","monitors":[...]}]`.
pub fn csi_cluster_json(ns: &str, mons: &[(String, String, String)]) -> String {
    let monitors: Vec<String> = mons.iter().map(|(_, _, ip)| format!("{ip}:6789")).collect();
    json!([{"clusterID": ns, "monitors": monitors}]).to_string()
}
