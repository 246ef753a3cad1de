//! What the simulated Ceph cluster is, as its monitors would know it: the mons and their
//! quorum, the mgr, the OSDs (one per empty disk rook prepared), the pools and the RBD images
//! the CSI driver made. The rook operator (`operator.rs`) writes it as it brings daemons up;
//! the toolbox's `ceph` and `rados` (`world/runtime/ceph/`) read it.

use std::collections::{BTreeMap, BTreeSet};

use crate::world::clock::Millis;

/// Every Ceph cluster of the world, by the namespace of its CephCluster, and the operator pods
/// whose start-up log was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rook {
    pub clusters: BTreeMap<String, CephState>,
    /// Operator pods (uids) that logged their start.
    pub started: BTreeSet<String>,
}

/// Where the operator is in bringing a cluster up (rook's `reconcileCephDaemons` order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    #[default]
    Mons,
    Mgr,
    Osds,
    Ready,
    /// The cluster failed validation (too few nodes for the mons): nothing more is done.
    Failed,
}

/// A monitor: its id (`a`), node and address (its Service's cluster IP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mon {
    pub id: String,
    pub node: String,
    pub ip: String,
}

/// An OSD on one disk of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Osd {
    pub id: u32,
    pub node: String,
    pub device: String,
    pub bytes: u64,
}

/// A pool: `device_health_metrics` (the mgr's) or a CephBlockPool's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: u32,
    pub name: String,
    pub size: u32,
    pub pgs: u32,
}

/// An RBD image the CSI driver created for a PersistentVolume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RbdImage {
    pub pool: String,
    pub name: String,
    pub pv: String,
    pub bytes: u64,
}

/// One Ceph cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CephState {
    pub cluster: String,
    pub cluster_uid: String,
    pub fsid: String,
    pub step: Step,
    pub mons: Vec<Mon>,
    pub quorum_since: Option<Millis>,
    pub mgr_since: Option<Millis>,
    pub osds: Vec<Osd>,
    pub osds_since: Option<Millis>,
    pub pools: Vec<Pool>,
    pub images: Vec<RbdImage>,
}

/// BlueStore's own use of an OSD's device before any data (its DB and WAL): what `ceph df`
/// shows as used on an empty cluster. UNSURE: real Pacific OSDs on 100 GiB disks report about
/// 1 GiB each right after creation; kubelab takes 1 GiB.
pub const OSD_OVERHEAD: u64 = 1 << 30;

/// Bytes an RBD image holds on a fresh ext4 file system (the journal and metadata mkfs wrote):
/// UNSURE, a modelled figure (about 1/64 of the image, at least 4 MiB).
pub fn image_used(img: &RbdImage, data: u64) -> u64 {
    (img.bytes / 64).max(4 << 20) + data
}

impl CephState {
    /// A pool by name.
    pub fn pool(&self, name: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.name == name)
    }

    /// Raw capacity of the OSDs.
    pub fn raw_total(&self) -> u64 {
        self.osds.iter().map(|o| o.bytes).sum()
    }

    /// The next pool id.
    pub fn next_pool_id(&self) -> u32 {
        self.pools.iter().map(|p| p.id).max().unwrap_or(0) + 1
    }
}
