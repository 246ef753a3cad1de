//! The rook 1.7 example manifests seed 004 installs (`cluster/examples/kubernetes/ceph/` of
//! `https://github.com/rook/rook.git`, branch `release-1.7`), served by the world's git host
//! (`world/git_hosts.rs`). They are written in kubelab's own words, with the real kinds, names,
//! namespaces, labels, images and the fields the seed and the operator use (docs/rook.md).

pub mod daemons;
pub mod health;
pub mod objects;
pub mod operator;
pub mod rbd;
pub mod state;

pub use state::Rook;

/// Where the examples live in the repository.
pub const EXAMPLES: &str = "cluster/examples/kubernetes/ceph";

/// The repository's files: path, content.
pub const FILES: &[(&str, &str)] = &[
    (
        "cluster/examples/kubernetes/ceph/crds.yaml",
        include_str!("crds.yaml"),
    ),
    (
        "cluster/examples/kubernetes/ceph/common.yaml",
        include_str!("common.yaml"),
    ),
    (
        "cluster/examples/kubernetes/ceph/operator.yaml",
        include_str!("operator.yaml"),
    ),
    (
        "cluster/examples/kubernetes/ceph/cluster.yaml",
        include_str!("cluster.yaml"),
    ),
    (
        "cluster/examples/kubernetes/ceph/toolbox.yaml",
        include_str!("toolbox.yaml"),
    ),
    (
        "cluster/examples/kubernetes/ceph/csi/rbd/storageclass.yaml",
        include_str!("csi/rbd/storageclass.yaml"),
    ),
];
