//! Issue 20's groundwork end to end through the workstation: a raw disk added to a worker shows
//! in lsblk as the seed prints it; git clone of rook and kubectl create -f of its manifests;
//! without a cloud, a gce-pd claim stays Pending with the PV controller's event, and on GKE it
//! binds to a zonal disk.

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

#[test]
fn an_added_disk_is_an_empty_disk_in_lsblk() {
    let mut w = default_world::build(1);
    w.node_disks
        .entry("worker-1".into())
        .or_default()
        .push(AddedDisk {
            name: "sdb".into(),
            size: 100 << 30,
        });
    let mut ws = Workstation::new(w);
    let (out, _, status) = run(&mut ws, "oc debug node/worker-1 -- chroot /host lsblk");
    assert_eq!(status, 0);
    assert!(
        out.contains("└─sda2   8:2    0  100G  0 part /\nsdb      8:16   0  100G  0 disk \n"),
        "{out}"
    );
    // The other worker has none.
    let (out, _, _) = run(
        &mut ws,
        "oc debug node/worker-2 -- chroot /host lsblk -d -o NAME",
    );
    assert!(!out.contains("sdb"), "{out}");
}

#[test]
fn the_seed_clones_rook_and_creates_its_manifests() {
    let mut ws = Workstation::new(default_world::build(1));
    let (_, err, status) = run(
        &mut ws,
        "git clone --single-branch --branch release-1.7 https://github.com/rook/rook.git",
    );
    assert_eq!((err.as_str(), status), ("Cloning into 'rook'...\n", 0));
    let (_, _, status) = run(&mut ws, "cd rook/cluster/examples/kubernetes/ceph");
    assert_eq!(status, 0);
    let (out, err, status) = run(
        &mut ws,
        "kubectl create -f crds.yaml -f common.yaml -f operator.yaml",
    );
    assert_eq!(status, 1, "{err}");
    assert!(
        out.contains("deployment.apps/rook-ceph-operator created"),
        "{out}"
    );
    assert_eq!(
        err,
        "error: resource mapping not found for name: \"00-rook-privileged\" namespace: \"\" from \"common.yaml\": no matches for kind \"PodSecurityPolicy\" in version \"policy/v1beta1\"\nensure CRDs are installed first\n"
    );
    assert_eq!(
        out.lines().filter(|l| l.ends_with(" created")).count(),
        15 + 59 + 2
    );
    let (out, _, status) = run(
        &mut ws,
        "kubectl create -f cluster.yaml -f toolbox.yaml -f csi/rbd/storageclass.yaml",
    );
    assert_eq!(status, 0, "{out}");
    let (out, _, _) = run(
        &mut ws,
        "kubectl -n rook-ceph get cephcluster rook-ceph -o jsonpath='{.spec.mon.count} {.spec.storage.useAllDevices}'",
    );
    assert_eq!(out, "3 true");
    let (out, _, _) = run(
        &mut ws,
        "kubectl get sc rook-ceph-block -o jsonpath='{.provisioner}'",
    );
    assert_eq!(out, "rook-ceph.rbd.csi.ceph.com");
}

const CLAIM: &str = "cat <<EOF | kubectl apply -f -
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: storage-class
provisioner: kubernetes.io/gce-pd
parameters:
  type: pd-ssd
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: mongodb-pvc
spec:
  storageClassName: storage-class
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1500Mi
EOF";

#[test]
fn gce_pd_waits_without_a_cloud_and_binds_on_gke() {
    let mut ws = Workstation::new(default_world::build(1));
    run(&mut ws, CLAIM);
    run(&mut ws, "sleep 10");
    let (out, _, _) = run(
        &mut ws,
        "kubectl get pvc mongodb-pvc -o jsonpath='{.status.phase}'",
    );
    assert_eq!(out, "Pending");
    let (out, _, _) = run(&mut ws, "kubectl describe pvc mongodb-pvc");
    assert!(
        out.contains("external provisioner 'kubernetes.io/gce-pd'"),
        "{out}"
    );

    let mut w = default_world::build(1);
    w.use_gke();
    let mut ws = Workstation::new(w);
    run(&mut ws, CLAIM);
    run(&mut ws, "sleep 10");
    let (out, _, _) = run(
        &mut ws,
        "kubectl get pv -o jsonpath='{.items[0].spec.capacity.storage} {.items[0].spec.gcePersistentDisk.fsType} {.items[0].metadata.annotations.pv\\.kubernetes\\.io/migrated-to}'",
    );
    // 1500Mi is a 2 GiB disk.
    assert_eq!(out, "2Gi ext4 pd.csi.storage.gke.io");
    let (out, _, _) = run(
        &mut ws,
        "kubectl get sc standard-rwo -o jsonpath='{.metadata.annotations.storageclass\\.kubernetes\\.io/is-default-class}'",
    );
    assert_eq!(out, "true");
}
