//! The rook 1.7 operator (`rook ceph operator` in `rook/ceph:v1.7.11`), a controller of the
//! world that runs while its pod runs: on a CephCluster it starts the CSI drivers, then the
//! mons one at a time (each waits for the one before to run), the mgr, the OSD prepare Jobs and
//! one OSD per empty disk, the crash collectors and budgets, and writes the cluster's status;
//! it reconciles CephBlockPools into pools. Its log lines are rook's (capnslog's format, the
//! messages of `pkg/operator/ceph/`), written into the operator pod's log as it goes.

use serde_json::{Value, json};

use super::objects as o;
use super::state::{CephState, Mon, Osd, Pool, Step};
use crate::world::World;
use crate::world::api::{kinds, meta};
use crate::world::clock::rfc3339_micro;

/// The mon ids in order (`a`, `b`, `c`, ...).
const MON_IDS: &[&str] = &["a", "b", "c", "d", "e"];

/// The running operator pod: (uid, namespace).
fn operator_pod(world: &World) -> Option<(String, String)> {
    let k = world.kind_named("Pod")?;
    for pod in world.store.list(k, Some("rook-ceph")) {
        if meta::labels(pod).get("app").map(String::as_str) != Some("rook-ceph-operator")
            || meta::is_deleting(pod)
        {
            continue;
        }
        let running = world.pods.get(meta::uid(pod)).is_some_and(|rt| {
            rt.containers
                .iter()
                .any(|c| c.name == "rook-ceph-operator" && c.is_running())
        });
        if running {
            return Some((meta::uid(pod).to_string(), meta::namespace(pod).to_string()));
        }
    }
    None
}

/// Writes a log line of the operator (`YYYY-MM-DD HH:MM:SS.ffffff L | pkg: message`).
fn log(world: &mut World, pod: &str, level: char, pkg: &str, msg: &str) {
    let now = world.now();
    let stamp = rfc3339_micro(now).replace('T', " ").replace('Z', "");
    if let Some(rt) = world.pods.get_mut(pod)
        && let Some(c) = rt
            .containers
            .iter_mut()
            .find(|c| c.name == "rook-ceph-operator")
    {
        c.logs
            .at(now)
            .push(format!("{stamp} {level} | {pkg}: {msg}"));
    }
}

/// The operator's start-up lines (`cmd/rook/rook/rook.go`, `cmd/rook/ceph/operator.go`,
/// `pkg/operator/ceph/operator.go`, `cr_manager.go`, the controllers' `successfully started`).
fn log_start(world: &mut World, pod: &str) {
    let i = |w: &mut World, pkg: &str, m: &str| log(w, pod, 'I', pkg, m);
    i(
        world,
        "rookcmd",
        "starting Rook v1.7.11 with arguments '/usr/local/bin/rook ceph operator'",
    );
    i(
        world,
        "rookcmd",
        "flag values: --enable-machine-disruption-budget=false, --help=false, --kubeconfig=, --log-level=INFO, --operator-image=, --service-account=",
    );
    i(world, "cephcmd", "starting Rook-Ceph operator");
    i(
        world,
        "operator",
        "watching all namespaces for ceph cluster CRs",
    );
    i(
        world,
        "operator",
        "setting up the controller-runtime manager",
    );
    for c in [
        "ceph-cluster-controller",
        "ceph-crashcollector-controller",
        "ceph-block-pool-controller",
    ] {
        i(world, c, "successfully started");
    }
    i(
        world,
        "ceph-cluster-controller",
        "enabling hotplug orchestration",
    );
    i(world, "operator", "starting the controller-runtime manager");
}

/// One pass of the operator (the world's controller round runs it when what it watches was
/// written).
pub fn run(world: &mut World) {
    let Some(ck) = world.kind_named("CephCluster") else {
        return;
    };
    let Some((pod, op_ns)) = operator_pod(world) else {
        world.provisioners.remove(&o::rbd_driver("rook-ceph"));
        return;
    };
    if !world.rook.started.contains(&pod) {
        world.rook.started.insert(pod.clone());
        log_start(world, &pod);
    }
    let clusters: Vec<Value> = world.store.list(ck, None).cloned().collect();
    // A deleted CephCluster's Ceph cluster is gone (its daemons go with the garbage collector).
    world.rook.clusters.retain(|ns, s| {
        clusters
            .iter()
            .any(|c| meta::namespace(c) == ns && meta::uid(c) == s.cluster_uid)
    });
    for c in clusters {
        if meta::is_deleting(&c) {
            continue;
        }
        reconcile_cluster(world, &pod, &op_ns, &c);
    }
    if let Some(pk) = world.kind_named("CephBlockPool") {
        let pools: Vec<Value> = world.store.list(pk, None).cloned().collect();
        for p in pools {
            reconcile_pool(world, &pod, &p);
        }
    }
    // Images whose PV is gone were deleted with it (the Delete reclaim policy).
    for state in world.rook.clusters.values_mut() {
        state.images.retain(|i| {
            world
                .store
                .get(
                    kinds::by_kind(kinds::PERSISTENT_VOLUME).expect("PV kind"),
                    "",
                    &i.pv,
                )
                .is_some()
        });
    }
    // The RBD provisioner answers claims once its pods run.
    let driver = o::rbd_driver(&op_ns);
    let available = world
        .object("Deployment", &op_ns, "csi-rbdplugin-provisioner")
        .and_then(|d| meta::int_at(d, &["status", "availableReplicas"]))
        .unwrap_or(0)
        > 0;
    if available {
        world.provisioners.insert(driver);
    } else {
        world.provisioners.remove(&driver);
    }
}

fn create(world: &mut World, obj: Value) -> bool {
    let kind = meta::kind(&obj).to_string();
    if world
        .object(&kind, meta::namespace(&obj), meta::name(&obj))
        .is_some()
    {
        return false;
    }
    world.create_internal(obj).is_ok()
}

fn ready(world: &World, ns: &str, name: &str) -> bool {
    world
        .object("Deployment", ns, name)
        .and_then(|d| meta::int_at(d, &["status", "readyReplicas"]))
        .unwrap_or(0)
        > 0
}

/// Writes the CephCluster's status (phase, message, the condition of the step).
fn set_status(world: &mut World, cluster: &Value, phase: &str, message: &str, reason: &str) {
    let Some(mut c) = world
        .object("CephCluster", meta::namespace(cluster), meta::name(cluster))
        .cloned()
    else {
        return;
    };
    if meta::str_at(&c, &["status", "message"]) == Some(message) {
        return;
    }
    let now = crate::world::clock::rfc3339(world.now());
    let mut conditions: Vec<Value> = meta::path(&c, &["status", "conditions"])
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for cond in conditions.iter_mut() {
        cond["status"] = json!("False");
    }
    let ty = if phase == "Ready" {
        "Ready"
    } else {
        "Progressing"
    };
    conditions.retain(|x| x["type"] != ty);
    conditions.push(json!({"lastHeartbeatTime": now, "lastTransitionTime": now,
        "message": message, "reason": reason, "status": "True", "type": ty}));
    c["status"]["phase"] = json!(phase);
    c["status"]["message"] = json!(message);
    c["status"]["state"] = json!(if phase == "Ready" {
        "Created"
    } else {
        "Creating"
    });
    c["status"]["conditions"] = json!(conditions);
    world.write_discard(c);
}

/// Writes `status.ceph` (health, capacity) from the Ceph state.
fn set_health(world: &mut World, cluster: &Value) {
    let ns = meta::namespace(cluster).to_string();
    let Some(state) = world.rook.clusters.get(&ns) else {
        return;
    };
    let report = super::health::report(world, state);
    let total = state.raw_total();
    let used = super::health::raw_used(world, state);
    let Some(mut c) = world
        .object("CephCluster", &ns, meta::name(cluster))
        .cloned()
    else {
        return;
    };
    let now = crate::world::clock::rfc3339(world.now());
    let mut details = serde_json::Map::new();
    for check in &report.checks {
        details.insert(
            check.code.to_string(),
            json!({"message": check.summary, "severity": check.severity}),
        );
    }
    let mut ceph = json!({"health": report.status, "lastChecked": now,
        "capacity": {"bytesAvailable": total.saturating_sub(used), "bytesTotal": total,
            "bytesUsed": used, "lastUpdated": now}});
    if !details.is_empty() {
        ceph["details"] = Value::Object(details);
    }
    let same = meta::path(&c, &["status", "ceph", "health"]) == Some(&ceph["health"])
        && meta::path(&c, &["status", "ceph", "capacity", "bytesUsed"])
            == Some(&ceph["capacity"]["bytesUsed"])
        && meta::path(&c, &["status", "ceph", "details"]) == ceph.get("details");
    if same {
        return;
    }
    c["status"]["ceph"] = ceph;
    c["status"]["version"] = json!({"image": o::CEPH_IMAGE, "version": "16.2.6-0"});
    c["status"]["storage"] = json!({"deviceClasses": [{"name": "hdd"}]});
    world.write_discard(c);
}

/// Nodes a Ceph daemon may run on: schedulable, without taints (cluster.yaml sets no
/// placement or tolerations), Ready.
fn storage_nodes(world: &World) -> Vec<String> {
    let Some(k) = world.kind_named("Node") else {
        return Vec::new();
    };
    world
        .store
        .list(k, None)
        .filter(|n| meta::bool_at(n, &["spec", "unschedulable"]) != Some(true))
        .filter(|n| {
            meta::path(n, &["spec", "taints"])
                .and_then(Value::as_array)
                .is_none_or(|t| {
                    t.iter()
                        .all(|t| t["effect"] != "NoSchedule" && t["effect"] != "NoExecute")
                })
        })
        .map(|n| meta::name(n).to_string())
        .collect()
}

fn reconcile_cluster(world: &mut World, pod: &str, op_ns: &str, cluster: &Value) {
    let ns = meta::namespace(cluster).to_string();
    let i = |w: &mut World, pkg: &str, m: &str| log(w, pod, 'I', pkg, m);
    // A CephCluster created again is a new cluster.
    if world
        .rook
        .clusters
        .get(&ns)
        .is_some_and(|s| s.cluster_uid != meta::uid(cluster))
    {
        world.rook.clusters.remove(&ns);
    }
    if !world.rook.clusters.contains_key(&ns) {
        let fsid = world.seed.uid();
        world.rook.clusters.insert(
            ns.clone(),
            CephState {
                cluster: meta::name(cluster).to_string(),
                cluster_uid: meta::uid(cluster).to_string(),
                fsid: fsid.clone(),
                ..Default::default()
            },
        );
        i(
            world,
            "ceph-cluster-controller",
            &format!("reconciling ceph cluster in namespace {ns:?}"),
        );
        start_csi(world, pod, op_ns);
        i(
            world,
            "ceph-cluster-controller",
            "clusterInfo not yet found, must be a new cluster.",
        );
        // `preClusterStartValidation`, before the version is detected (`cluster.go`).
        let count = meta::int_at(cluster, &["spec", "mon", "count"]).unwrap_or(3);
        let nodes = world.object_list("Node", "").count();
        let multiple =
            meta::bool_at(cluster, &["spec", "mon", "allowMultiplePerNode"]) == Some(true);
        if !multiple && count as usize > nodes {
            let err = format!(
                "failed to reconcile cluster \"{}\": failed to configure local ceph cluster: failed to perform validation before cluster creation: cannot start {count} mons on {nodes} node(s) when allowMultiplePerNode is false",
                meta::name(cluster)
            );
            log(
                world,
                pod,
                'E',
                "ceph-cluster-controller",
                &format!(
                    "failed to reconcile CephCluster \"{ns}/{}\". {err}",
                    meta::name(cluster)
                ),
            );
            world.record_event(
                cluster,
                None,
                "Warning",
                "ReconcileFailed",
                &err,
                &crate::world::events::Source::component("rook-ceph-cluster-controller"),
            );
            if let Some(state) = world.rook.clusters.get_mut(&ns) {
                state.step = Step::Failed;
            }
            return;
        }
        set_status(
            world,
            cluster,
            "Progressing",
            "Detecting Ceph version",
            "ClusterProgressing",
        );
        i(
            world,
            "ceph-cluster-controller",
            "detecting the ceph image version for image quay.io/ceph/ceph:v16.2.6...",
        );
        i(
            world,
            "ceph-cluster-controller",
            "detected ceph image version: \"16.2.6-0 pacific\"",
        );
        i(
            world,
            "ceph-cluster-controller",
            "validating ceph version from provided image",
        );
        set_status(
            world,
            cluster,
            "Progressing",
            "Configuring the Ceph cluster",
            "ClusterProgressing",
        );
        set_status(
            world,
            cluster,
            "Progressing",
            "Configuring Ceph Mons",
            "ClusterProgressing",
        );
        i(world, "op-mon", "start running mons");
        i(world, "op-mon", "creating mon secrets for a new cluster");
        let (mon_key, admin_key) = (keyring_key(world), keyring_key(world));
        create(
            world,
            o::mon_secret(&ns, &fsid, &mon_key, &admin_key, cluster),
        );
        create(world, o::mon_endpoints(&ns, &[], cluster));
        i(world, "op-mon", &format!("targeting the mon count {count}"));
    }
    let step = world.rook.clusters[&ns].step;
    match step {
        Step::Mons => mons(world, pod, &ns, cluster),
        Step::Mgr => mgr(world, pod, &ns, cluster),
        Step::Osds => osds(world, pod, &ns, cluster),
        Step::Failed => {}
        Step::Ready => {
            crash_collectors(world, &ns, cluster);
            set_health(world, cluster);
        }
    }
}

/// A Ceph key (`AQ` + base64 of 38 bytes), from the seed.
fn keyring_key(world: &mut World) -> String {
    use base64::Engine as _;
    let mut bytes = vec![1u8, 0];
    while bytes.len() < 28 {
        bytes.extend(world.seed.next_u64().to_le_bytes());
    }
    bytes.truncate(28);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The CSI drivers (`csi/csi.go` ValidateAndConfigureDrivers), on the first CephCluster.
fn start_csi(world: &mut World, pod: &str, op_ns: &str) {
    let Some(owner) = world
        .object("Deployment", op_ns, "rook-ceph-operator")
        .cloned()
    else {
        return;
    };
    if world.object("DaemonSet", op_ns, "csi-rbdplugin").is_some() {
        return;
    }
    let i = |w: &mut World, m: &str| log(w, pod, 'I', "ceph-csi", m);
    create(world, o::csi_config(op_ns, "[]", &owner));
    i(
        world,
        "successfully created csi config map \"rook-ceph-csi-config\"",
    );
    i(world, "Kubernetes version is 1.32");
    i(
        world,
        "detecting the ceph csi image version for image \"quay.io/cephcsi/cephcsi:v3.4.0\"",
    );
    i(world, "Detected ceph CSI image version: \"v3.4.0\"");
    let replicas = if world.nodes.len() > 1 { 2 } else { 1 };
    create(world, o::plugin_daemonset(op_ns, "rbd", &owner));
    create(
        world,
        o::provisioner_deployment(op_ns, "rbd", replicas, &owner),
    );
    i(world, "successfully started CSI Ceph RBD driver");
    create(world, o::metrics_service(op_ns, "rbd", &owner));
    create(world, o::plugin_daemonset(op_ns, "cephfs", &owner));
    create(
        world,
        o::provisioner_deployment(op_ns, "cephfs", replicas, &owner),
    );
    i(world, "successfully started CSI CephFS driver");
    create(world, o::metrics_service(op_ns, "cephfs", &owner));
    for (driver, policy) in [
        (o::rbd_driver(op_ns), "ReadWriteOnceWithFSType"),
        (o::cephfs_driver(op_ns), "None"),
    ] {
        // kubelab does not serve CSIDriver objects yet: the line is written only when one is.
        if create(world, o::csi_driver(&driver, policy)) {
            i(
                world,
                &format!("CSIDriver object created for driver {driver:?}"),
            );
        }
    }
}

/// Mons one at a time: assign a node without a mon, its Service, its Deployment, wait for it.
fn mons(world: &mut World, pod: &str, ns: &str, cluster: &Value) {
    let count = meta::int_at(cluster, &["spec", "mon", "count"])
        .unwrap_or(3)
        .clamp(1, MON_IDS.len() as i64) as usize;
    let i = |w: &mut World, m: &str| log(w, pod, 'I', "op-mon", m);
    let have = world.rook.clusters[ns].mons.len();
    if let Some(last) = world.rook.clusters[ns].mons.last().cloned() {
        if !ready(world, ns, &format!("rook-ceph-mon-{}", last.id)) {
            return;
        }
        let ids: Vec<String> = world.rook.clusters[ns]
            .mons
            .iter()
            .map(|m| m.id.clone())
            .collect();
        let state = world.rook.clusters.get_mut(ns).expect("cluster state");
        if state.quorum_since.is_none() || have > 1 {
            state.quorum_since = Some(world.clock.now());
        }
        let list = format!("[{}]", ids.join(" "));
        i(world, &format!("mons running: {list}"));
        i(world, &format!("Monitors in quorum: {list}"));
        if have == 1 {
            log(
                world,
                pod,
                'I',
                "op-config",
                "setting \"global\"=\"osd_pool_default_pg_autoscale_mode\"=\"on\" option to the mon configuration database",
            );
            log(
                world,
                pod,
                'I',
                "op-config",
                "successfully set \"global\"=\"osd_pool_default_pg_autoscale_mode\"=\"on\" option to the mon configuration database",
            );
        }
    }
    if have >= count {
        i(world, &format!("mons created: {have}"));
        create(
            world,
            o::budget(ns, "rook-ceph-mon-pdb", "rook-ceph-mon", cluster),
        );
        csi_secrets(world, pod, ns, cluster);
        world.rook.clusters.get_mut(ns).expect("state").step = Step::Mgr;
        set_status(
            world,
            cluster,
            "Progressing",
            "Configuring Ceph Mgr(s)",
            "ClusterProgressing",
        );
        mgr(world, pod, ns, cluster);
        return;
    }
    let id = MON_IDS[have];
    let taken: Vec<String> = world.rook.clusters[ns]
        .mons
        .iter()
        .map(|m| m.node.clone())
        .collect();
    let Some(node) = storage_nodes(world)
        .into_iter()
        .find(|n| !taken.contains(n))
    else {
        // No schedulable node is without a mon: rook's canary for this mon could not be placed
        // and the cluster stays at "Configuring Ceph Mons" (kubelab creates no canaries).
        return;
    };
    i(
        world,
        &format!("assignmon: mon {id} assigned to node {node}"),
    );
    i(world, &format!("creating mon {id}"));
    let Ok(svc) = world.create_internal(o::mon_service(ns, id, cluster)) else {
        return;
    };
    let ip = meta::str_at(&svc, &["spec", "clusterIP"])
        .unwrap_or("")
        .to_string();
    i(
        world,
        &format!("mon {id:?} endpoint is [v2:{ip}:3300,v1:{ip}:6789]"),
    );
    let state = world.rook.clusters.get_mut(ns).expect("state");
    state.mons.push(Mon {
        id: id.to_string(),
        node: node.clone(),
        ip: ip.clone(),
    });
    let list: Vec<(String, String, String)> = state
        .mons
        .iter()
        .map(|m| (m.id.clone(), m.node.clone(), m.ip.clone()))
        .collect();
    let ids: Vec<&str> = list.iter().map(|m| m.0.as_str()).collect();
    let ids = format!("[{}]", ids.join(" "));
    if let Some(mut cm) = world
        .object("ConfigMap", ns, "rook-ceph-mon-endpoints")
        .cloned()
    {
        let fresh = o::mon_endpoints(ns, &list, cluster);
        cm["data"] = fresh["data"].clone();
        world.write_discard(cm);
        i(
            world,
            &format!(
                "saved mon endpoints to config map map[csi-cluster-config-json:{} data:{} mapping:{} maxMonId:{}]",
                fresh["data"]["csi-cluster-config-json"]
                    .as_str()
                    .unwrap_or(""),
                fresh["data"]["data"].as_str().unwrap_or(""),
                fresh["data"]["mapping"].as_str().unwrap_or(""),
                fresh["data"]["maxMonId"].as_str().unwrap_or(""),
            ),
        );
    }
    create(world, o::mon_deployment(ns, id, &node, &ip, cluster));
    i(world, &format!("waiting for mon quorum with {ids}"));
}

/// The CSI users' Secrets and the CSI config's monitors (`csi/secrets.go`).
fn csi_secrets(world: &mut World, pod: &str, ns: &str, cluster: &Value) {
    for (name, user) in [
        ("rook-csi-rbd-provisioner", "csi-rbd-provisioner"),
        ("rook-csi-rbd-node", "csi-rbd-node"),
        ("rook-csi-cephfs-provisioner", "csi-cephfs-provisioner"),
        ("rook-csi-cephfs-node", "csi-cephfs-node"),
    ] {
        log(
            world,
            pod,
            'I',
            "cephclient",
            &format!("getting or creating ceph auth key \"client.{user}\""),
        );
        let key = keyring_key(world);
        create(world, o::csi_secret(ns, name, user, &key, cluster));
    }
    log(
        world,
        pod,
        'I',
        "ceph-csi",
        &format!("created kubernetes csi secrets for cluster {ns:?}"),
    );
    let mons: Vec<(String, String, String)> = world.rook.clusters[ns]
        .mons
        .iter()
        .map(|m| (m.id.clone(), m.node.clone(), m.ip.clone()))
        .collect();
    if let Some(mut cm) = world
        .object("ConfigMap", "rook-ceph", "rook-ceph-csi-config")
        .cloned()
    {
        cm["data"]["csi-cluster-config-json"] = json!(o::csi_cluster_json(ns, &mons));
        world.write_discard(cm);
    }
}

fn mgr(world: &mut World, pod: &str, ns: &str, cluster: &Value) {
    let i = |w: &mut World, m: &str| log(w, pod, 'I', "op-mgr", m);
    if world.object("Deployment", ns, "rook-ceph-mgr-a").is_none() {
        i(world, "start running mgr");
        create(world, o::mgr_deployment(ns, "a", cluster));
        for s in o::mgr_services(ns, cluster) {
            create(world, s);
        }
        i(world, "setting services to point to mgr \"a\"");
        return;
    }
    if !ready(world, ns, "rook-ceph-mgr-a") {
        return;
    }
    // The modules are configured in goroutines (`mgr.go` configureModules); kubelab writes
    // their lines in one fixed order.
    i(world, "successful modules: balancer");
    i(world, "successful modules: mgr module(s) from the spec");
    i(world, "successful modules: prometheus");
    i(world, "setting ceph dashboard \"admin\" login creds");
    i(world, "successfully set ceph dashboard creds");
    i(world, "successful modules: dashboard");
    let now = world.now();
    let state = world.rook.clusters.get_mut(ns).expect("state");
    state.mgr_since = Some(now);
    // The mgr's devicehealth module creates its pool (Pacific).
    if state.pool("device_health_metrics").is_none() {
        let id = state.next_pool_id();
        state.pools.push(Pool {
            id,
            name: "device_health_metrics".into(),
            size: 3,
            pgs: 1,
        });
    }
    state.step = Step::Osds;
    set_status(
        world,
        cluster,
        "Progressing",
        "Configuring Ceph OSDs",
        "ClusterProgressing",
    );
    osds(world, pod, ns, cluster);
}

fn osds(world: &mut World, pod: &str, ns: &str, cluster: &Value) {
    let i = |w: &mut World, m: &str| log(w, pod, 'I', "op-osd", m);
    let nodes = storage_nodes(world);
    let all = world.object_list("Node", "").count();
    let started = nodes.iter().any(|n| {
        world
            .object("Job", ns, &format!("rook-ceph-osd-prepare-{n}"))
            .is_some()
    });
    if !started {
        i(world, &format!("start running osds in namespace {ns:?}"));
        i(
            world,
            "wait timeout for healthy OSDs during upgrade or restart is \"10m0s\"",
        );
        i(world, "start provisioning the OSDs on PVCs, if needed");
        i(
            world,
            "no storageClassDeviceSets defined to configure OSDs on PVCs",
        );
        i(world, "start provisioning the OSDs on nodes, if needed");
        i(
            world,
            &format!("{} of the {all} storage nodes are valid", nodes.len()),
        );
        for n in &nodes {
            create(world, o::prepare_job(ns, n, cluster));
            i(
                world,
                &format!("started OSD provisioning job for node {n:?}"),
            );
        }
        return;
    }
    // Every prepare job done: one OSD per empty disk, in node order.
    let done = nodes.iter().all(|n| {
        world
            .object("Job", ns, &format!("rook-ceph-osd-prepare-{n}"))
            .and_then(|j| meta::int_at(j, &["status", "succeeded"]))
            .unwrap_or(0)
            > 0
    });
    if !done {
        return;
    }
    let mut id = 0u32;
    for n in &nodes {
        let disks = world.node_disks.get(n).cloned().unwrap_or_default();
        i(
            world,
            &format!("OSD orchestration status for node {n} is \"completed\""),
        );
        for d in disks {
            i(world, &format!("creating OSD {id} on node {n:?}"));
            let msg = format!("Processing OSD {id} on node {n:?}");
            set_status(world, cluster, "Progressing", &msg, "ClusterProgressing");
            create(world, o::osd_deployment(ns, id, n, &d.name, cluster));
            let state = world.rook.clusters.get_mut(ns).expect("state");
            state.osds.push(Osd {
                id,
                node: n.clone(),
                device: d.name.clone(),
                bytes: d.size,
            });
            id += 1;
        }
    }
    create(
        world,
        o::budget(ns, "rook-ceph-osd", "rook-ceph-osd", cluster),
    );
    let now = world.now();
    let state = world.rook.clusters.get_mut(ns).expect("state");
    state.osds_since = Some(now);
    state.step = Step::Ready;
    i(world, "finished running OSDs in namespace \"rook-ceph\"");
    crash_collectors(world, ns, cluster);
    log(
        world,
        pod,
        'I',
        "ceph-cluster-controller",
        "done reconciling ceph cluster in namespace \"rook-ceph\"",
    );
    set_status(
        world,
        cluster,
        "Ready",
        "Cluster created successfully",
        "ClusterCreated",
    );
    world.record_event(
        cluster,
        None,
        "Normal",
        "ReconcileSucceeded",
        &format!(
            "successfully configured CephCluster \"{ns}/{}\"",
            meta::name(cluster)
        ),
        &crate::world::events::Source::component("rook-ceph-cluster-controller"),
    );
    set_health(world, cluster);
}

/// A crash collector on every node that runs a Ceph daemon (`crash/add.go`).
fn crash_collectors(world: &mut World, ns: &str, cluster: &Value) {
    let state = &world.rook.clusters[ns];
    let mut nodes: Vec<String> = state.mons.iter().map(|m| m.node.clone()).collect();
    nodes.extend(state.osds.iter().map(|o| o.node.clone()));
    nodes.sort();
    nodes.dedup();
    for n in nodes {
        create(world, o::crash_deployment(ns, &n, cluster));
    }
}

/// A CephBlockPool becomes a pool once its cluster is ready (`pool/controller.go`).
fn reconcile_pool(world: &mut World, pod: &str, pool: &Value) {
    let ns = meta::namespace(pool).to_string();
    let name = meta::name(pool).to_string();
    let Some(state) = world.rook.clusters.get_mut(&ns) else {
        return;
    };
    if state.step != Step::Ready || state.pool(&name).is_some() {
        return;
    }
    let size = meta::int_at(pool, &["spec", "replicated", "size"])
        .unwrap_or(3)
        .clamp(1, 10) as u32;
    let id = state.next_pool_id();
    state.pools.push(Pool {
        id,
        name: name.clone(),
        size,
        pgs: 32,
    });
    log(
        world,
        pod,
        'I',
        "ceph-block-pool-controller",
        &format!("creating pool {name:?} in namespace {ns:?}"),
    );
    log(
        world,
        pod,
        'I',
        "cephclient",
        &format!("creating replicated pool {name} succeeded"),
    );
    let mut p = pool.clone();
    p["status"] = json!({"phase": "Ready"});
    world.write_discard(p);
}
