//! Issue 20's operator end to end through the workstation: the seed's commands bring up a Ceph
//! cluster on three workers with an empty disk each (mons a/b/c one per node, mgr a, one OSD per
//! disk, HEALTH_OK), the toolbox reads it, a `rook-ceph-block` claim binds to an RBD image with
//! ceph-csi's PV fields, and a drained node leaves the cluster degraded; with the default two
//! workers the third mon finds no node and the cluster stays at "Configuring Ceph Mons".

use kubelab::workstation::Workstation;
use kubelab::world::default_world;
use kubelab::world::nodes::block_devices::AddedDisk;

fn run(ws: &mut Workstation, line: &str) -> (String, String, i32) {
    let o = ws.run(line);
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status,
    )
}

fn ok(ws: &mut Workstation, line: &str) -> String {
    let (out, err, status) = run(ws, line);
    assert_eq!(status, 0, "{line}: {out}{err}");
    out
}

/// A world with `workers` workers, each with an empty 100 GiB `sdb`, and rook installed.
fn installed(workers: usize) -> Workstation {
    let mut w = default_world::build(1);
    for i in 3..=workers {
        w.join_worker(&format!("worker-{i}")).unwrap();
    }
    for i in 1..=workers {
        w.node_disks
            .entry(format!("worker-{i}"))
            .or_default()
            .push(AddedDisk {
                name: "sdb".into(),
                size: 100 << 30,
            });
    }
    let mut ws = Workstation::new(w);
    ok(
        &mut ws,
        "git clone --single-branch --branch release-1.7 https://github.com/rook/rook.git",
    );
    ok(&mut ws, "cd rook/cluster/examples/kubernetes/ceph");
    // The PodSecurityPolicy is refused (1.32 has no policy/v1beta1): status 1, the rest made.
    let _ = run(
        &mut ws,
        "kubectl create -f crds.yaml -f common.yaml -f operator.yaml",
    );
    ok(
        &mut ws,
        "kubectl -n rook-ceph rollout status deploy/rook-ceph-operator",
    );
    ok(&mut ws, "kubectl create -f cluster.yaml");
    ws
}

fn ready(ws: &mut Workstation) {
    ok(
        ws,
        "kubectl -n rook-ceph wait --for=jsonpath='{.status.phase}'=Ready cephcluster/rook-ceph --timeout=600s",
    );
}

fn ceph(ws: &mut Workstation, args: &str) -> String {
    ok(
        ws,
        &format!("kubectl -n rook-ceph exec deploy/rook-ceph-tools -- {args}"),
    )
}

#[test]
fn three_workers_give_three_mons_a_mgr_three_osds_and_health_ok() {
    let mut ws = installed(3);
    ready(&mut ws);
    let out = ok(&mut ws, "kubectl -n rook-ceph get cephcluster");
    assert!(
        out.contains("Ready   Cluster created successfully   HEALTH_OK"),
        "{out}"
    );
    // Mons on three different nodes, pinned there.
    let nodes = ok(
        &mut ws,
        "kubectl -n rook-ceph get pods -l app=rook-ceph-mon -o jsonpath='{.items[*].spec.nodeName}'",
    );
    let mut n: Vec<&str> = nodes.split_whitespace().collect();
    n.sort();
    assert_eq!(n, ["worker-1", "worker-2", "worker-3"]);
    let osds = ok(
        &mut ws,
        "kubectl -n rook-ceph get deploy -l app=rook-ceph-osd -o name",
    );
    assert_eq!(osds.lines().count(), 3, "{osds}");
    let jobs = ok(&mut ws, "kubectl -n rook-ceph get jobs");
    assert!(
        jobs.contains("rook-ceph-osd-prepare-worker-1   Complete   1/1"),
        "{jobs}"
    );
    // The operator's log follows rook's steps in order.
    let log = ok(
        &mut ws,
        "kubectl -n rook-ceph logs deploy/rook-ceph-operator",
    );
    let steps = [
        "I | rookcmd: starting Rook v1.7.11 with arguments '/usr/local/bin/rook ceph operator'",
        "I | ceph-cluster-controller: reconciling ceph cluster in namespace \"rook-ceph\"",
        "I | ceph-csi: successfully started CSI Ceph RBD driver",
        "I | op-mon: creating mon a",
        "I | op-mon: creating mon b",
        "I | op-mon: creating mon c",
        "I | op-mon: mons created: 3",
        "I | op-mgr: start running mgr",
        "I | op-osd: 3 of the 4 storage nodes are valid",
        "I | op-osd: creating OSD 2 on node \"worker-3\"",
        "I | ceph-cluster-controller: done reconciling ceph cluster in namespace \"rook-ceph\"",
    ];
    let mut at = 0;
    for s in steps {
        let i = log[at..]
            .find(s)
            .unwrap_or_else(|| panic!("{s:?} not after byte {at} of:\n{log}"));
        at += i + s.len();
    }
    // The toolbox starts once the mon secret and endpoints exist, and reads the cluster.
    ok(&mut ws, "kubectl create -f toolbox.yaml");
    ok(
        &mut ws,
        "kubectl -n rook-ceph rollout status deploy/rook-ceph-tools",
    );
    let status = ceph(&mut ws, "ceph status");
    assert!(status.starts_with("  cluster:\n    id:     "), "{status}");
    assert!(
        status.contains(
            "    health: HEALTH_OK\n \n  services:\n    mon: 3 daemons, quorum a,b,c (age "
        ),
        "{status}"
    );
    assert!(status.contains("    pools:   1 pools, 1 pgs\n    objects: 0 objects, 0 B\n    usage:   3 GiB used, 297 GiB / 300 GiB avail\n    pgs:     1 active+clean\n \n"), "{status}");
    let osd = ceph(&mut ws, "ceph osd status");
    assert!(
        osd.starts_with("ID  HOST       USED  AVAIL  WR OPS  WR DATA  RD OPS  RD DATA  STATE      \n 0  worker-1  1024M  99.0G      0        0       0        0   exists,up  \n"),
        "{osd}"
    );
    let (_, err, status) = run(
        &mut ws,
        "kubectl -n rook-ceph exec deploy/rook-ceph-tools -- ceph orch ls",
    );
    assert_eq!(
        (err.as_str(), status),
        (
            "kubelab does not simulate ceph orch ls in rook/ceph:v1.7.11\ncommand terminated with exit code 126\n",
            126
        )
    );
}

#[test]
fn a_rook_ceph_block_claim_binds_to_an_rbd_image_and_ceph_df_shows_it() {
    let mut ws = installed(3);
    ready(&mut ws);
    ok(&mut ws, "kubectl create -f toolbox.yaml");
    ok(&mut ws, "kubectl create -f csi/rbd/storageclass.yaml");
    ok(&mut ws, "sleep 5");
    ok(
        &mut ws,
        "kubectl create -f - <<EOF\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: mongo-pvc\nspec:\n  storageClassName: rook-ceph-block\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 2Gi\nEOF",
    );
    ok(&mut ws, "sleep 5");
    let phase = ok(
        &mut ws,
        "kubectl get pvc mongo-pvc -o jsonpath='{.status.phase}'",
    );
    assert_eq!(phase, "Bound");
    let csi = ok(
        &mut ws,
        "kubectl get pv -o jsonpath='{.items[0].spec.csi.volumeHandle} {.items[0].spec.csi.volumeAttributes.imageName} {.items[0].spec.csi.nodeStageSecretRef.name}'",
    );
    let parts: Vec<&str> = csi.split(' ').collect();
    assert!(
        parts[0].starts_with("0001-0009-rook-ceph-0000000000000002-"),
        "{csi}"
    );
    // The image is named after the handle's uuid.
    assert_eq!(parts[1], format!("csi-vol-{}", &parts[0][37..]));
    assert_eq!(parts[2], "rook-csi-rbd-node");
    let df = ceph(&mut ws, "ceph df");
    assert!(df.contains("\nreplicapool             2   32  "), "{df}");
    let status = ceph(&mut ws, "ceph status");
    assert!(
        status.contains("    pools:   2 pools, 33 pgs\n"),
        "{status}"
    );
    assert!(
        status.contains("    pgs:     33 active+clean\n"),
        "{status}"
    );
    // Deleting the claim deletes the PV and its image (reclaim policy Delete).
    ok(&mut ws, "kubectl delete pvc mongo-pvc");
    ok(&mut ws, "sleep 5");
    let df = ceph(&mut ws, "ceph df");
    assert!(
        df.contains("\nreplicapool             2   32     0 B        0   0 B      0     94 GiB\n"),
        "{df}"
    );
}

#[test]
fn a_drained_node_leaves_the_cluster_degraded() {
    let mut ws = installed(3);
    ready(&mut ws);
    ok(&mut ws, "kubectl create -f toolbox.yaml");
    ok(&mut ws, "kubectl create -f csi/rbd/storageclass.yaml");
    ok(&mut ws, "sleep 5");
    // The toolbox may run on worker-3: drain another node if so.
    let tools = ok(
        &mut ws,
        "kubectl -n rook-ceph get pod -l app=rook-ceph-tools -o jsonpath='{.items[0].spec.nodeName}'",
    );
    let node = if tools == "worker-3" {
        "worker-2"
    } else {
        "worker-3"
    };
    ok(
        &mut ws,
        &format!("kubectl drain {node} --ignore-daemonsets --delete-emptydir-data --force"),
    );
    ok(&mut ws, "sleep 30");
    let health = ceph(&mut ws, "ceph health");
    assert!(health.starts_with("HEALTH_WARN "), "{health}");
    assert!(
        health.contains("1 osds down; 1 host (1 osds) down"),
        "{health}"
    );
    assert!(
        health.contains("Degraded data redundancy: 33 pgs undersized"),
        "{health}"
    );
    let status = ceph(&mut ws, "ceph status");
    assert!(status.contains("osd: 3 osds: 2 up (since "), "{status}");
    assert!(
        status.contains("    pgs:     33 active+undersized\n"),
        "{status}"
    );
    let out = ok(&mut ws, "kubectl -n rook-ceph get cephcluster");
    assert!(out.contains("HEALTH_WARN"), "{out}");
}

#[test]
fn two_workers_cannot_hold_three_mons() {
    let mut ws = installed(2);
    ok(&mut ws, "sleep 120");
    let out = ok(&mut ws, "kubectl -n rook-ceph get cephcluster");
    assert!(out.contains("Progressing   Configuring Ceph Mons"), "{out}");
    let mons = ok(
        &mut ws,
        "kubectl -n rook-ceph get deploy -l app=rook-ceph-mon -o name",
    );
    assert_eq!(
        mons,
        "deployment.apps/rook-ceph-mon-a\ndeployment.apps/rook-ceph-mon-b\n"
    );
}

#[test]
fn fewer_nodes_than_mons_fails_validation_as_rook_reports_it() {
    let mut ws = Workstation::new(default_world::build(1));
    ok(
        &mut ws,
        "git clone --single-branch --branch release-1.7 https://github.com/rook/rook.git",
    );
    ok(&mut ws, "cd rook/cluster/examples/kubernetes/ceph");
    let _ = run(
        &mut ws,
        "kubectl create -f crds.yaml -f common.yaml -f operator.yaml",
    );
    ok(
        &mut ws,
        "kubectl -n rook-ceph rollout status deploy/rook-ceph-operator",
    );
    ok(&mut ws, "kubectl delete node worker-2");
    ok(&mut ws, "kubectl create -f cluster.yaml");
    ok(&mut ws, "sleep 10");
    let err = "failed to reconcile cluster \"rook-ceph\": failed to configure local ceph cluster: failed to perform validation before cluster creation: cannot start 3 mons on 2 node(s) when allowMultiplePerNode is false";
    let log = ok(
        &mut ws,
        "kubectl -n rook-ceph logs deploy/rook-ceph-operator",
    );
    assert!(
        log.contains(&format!(
            " E | ceph-cluster-controller: failed to reconcile CephCluster \"rook-ceph/rook-ceph\". {err}\n"
        )),
        "{log}"
    );
    let events = ok(
        &mut ws,
        "kubectl -n rook-ceph get events --field-selector involvedObject.kind=CephCluster -o jsonpath='{.items[*].reason}: {.items[*].message}'",
    );
    assert_eq!(events, format!("ReconcileFailed: {err}"));
    let mons = ok(
        &mut ws,
        "kubectl -n rook-ceph get deploy -l app=rook-ceph-mon -o name",
    );
    assert_eq!(mons, "");
}
