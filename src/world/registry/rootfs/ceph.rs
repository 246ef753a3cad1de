//! The Ceph images rook 1.7 runs: `quay.io/ceph/ceph:v16.2.6` (CentOS Stream 8 with the Ceph
//! daemons and tools) and `rook/ceph:v1.7.11`, built on it with the `rook` binary, the
//! toolbox script and tini. UNSURE: the images' full program sets; these are the programs
//! rook's manifests and the seed run, plus the basic userland.

use super::RootFs;
use super::build::Builder;

fn ceph_base() -> Builder {
    let mut b = super::rhel::el_base("centos");
    b.text("/etc/redhat-release", "CentOS Stream release 8\n");
    b.programs(
        "/usr/bin",
        &[
            "ceph",
            "ceph-authtool",
            "ceph-conf",
            "ceph-mgr",
            "ceph-mon",
            "ceph-osd",
            "ceph-volume",
            "ceph-crash",
            "rados",
            "radosgw-admin",
            "rbd",
            "ps",
            "lsblk",
        ],
    );
    b.dirs(&["/etc/ceph", "/var/lib/ceph", "/var/log/ceph"]);
    b
}

/// `quay.io/ceph/ceph:v16.2.6`.
pub fn ceph16() -> RootFs {
    ceph_base().finish()
}

/// `rook/ceph:v1.7.11`.
pub fn rook_ceph17() -> RootFs {
    let mut b = ceph_base();
    b.programs("/usr/local/bin", &["rook", "toolbox.sh"]);
    b.program("/tini");
    b.dirs(&["/etc/rook", "/var/lib/rook"]);
    b.finish()
}

/// `quay.io/cephcsi/cephcsi:v3.4.0`: the Ceph base with the CSI driver's binary.
pub fn cephcsi34() -> RootFs {
    let mut b = ceph_base();
    b.programs("/usr/local/bin", &["cephcsi"]);
    b.finish()
}

/// The Kubernetes CSI sidecars rook 1.7 deploys (`k8s.gcr.io/sig-storage/...`): distroless
/// static images holding their one binary at the root. One tree holds the five binaries, so
/// each image has its own program.
pub fn csi_sidecars() -> RootFs {
    let mut b = Builder::new("distroless", crate::shell::Userland::Busybox, None);
    for p in [
        "/csi-attacher",
        "/csi-node-driver-registrar",
        "/csi-provisioner",
        "/csi-resizer",
        "/csi-snapshotter",
    ] {
        b.program(p);
    }
    b.finish()
}
