//! What a PersistentVolume keeps, apart from any pod: read for lab checks, erased by the
//! `Delete` reclaim policy, scrubbed by `Recycle` (upstream's recycler pod runs
//! `rm -rf /scrub/..?* /scrub/.[!.]* /scrub/*` over the volume).

use crate::world::api::kinds;
use std::rc::Rc;

use serde_json::Value;

use crate::shell::vfs::{Node, Tree};
use crate::world::World;
use crate::world::api::meta;

use super::node_disk;

/// Where a PV's files live: (store key, path in it). A hostPath PV without node affinity is a
/// path on every node's disk (`None` for the key's node part: the caller picks the nodes).
enum Place {
    Store(String),
    OnNodes(String),
    /// A directory of an NFS export's store (`super::nfs_store`).
    InStore(String, String),
}

fn place(world: &World, pv: &Value) -> Place {
    if let Some(nfs) = meta::path(pv, &["spec", "nfs"]) {
        return match super::nfs_store(
            world,
            nfs.get("server").and_then(Value::as_str).unwrap_or(""),
            nfs.get("path").and_then(Value::as_str).unwrap_or(""),
        ) {
            (key, Some(below)) => Place::InStore(key, below),
            (key, None) => Place::Store(key),
        };
    }
    match meta::str_at(pv, &["spec", "hostPath", "path"]) {
        Some(p) if meta::path(pv, &["spec", "nodeAffinity"]).is_none() => {
            Place::OnNodes(p.to_string())
        }
        _ => Place::Store(format!("pv/{}", meta::name(pv))),
    }
}

impl World {
    /// The content of `path` (from the volume's root) in what the PersistentVolume `pv` keeps,
    /// mounted or not. `Ok(None)`: no such file. An error for an unknown PV or one whose files
    /// are on each node (a hostPath volume without node affinity).
    pub fn pv_file(&self, pv: &str, path: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(obj) = self.object(kinds::PERSISTENT_VOLUME, "", pv) else {
            return Err(format!("persistentvolume \"{pv}\" not found"));
        };
        let (key, path) = match place(self, obj) {
            Place::Store(k) => (k, path.to_string()),
            Place::InStore(k, below) => (k, format!("{below}/{path}")),
            Place::OnNodes(_) => {
                return Err(format!(
                    "persistentvolume \"{pv}\" is a hostPath volume: its files are on each node's disk; read them through a pod that mounts it"
                ));
            }
        };
        let Some(tree) = self.volume_data.get(&key) else {
            return Ok(None);
        };
        use crate::shell::vfs::{Cred, Layer, MountInfo};
        let vfs = crate::shell::Vfs::from_root(
            Layer::plain((**tree).clone()),
            MountInfo::new("pv", "pv", "ro"),
            Cred::ROOT,
        );
        let path = super::super::nodes::container_fs::normalize(&path);
        Ok(vfs.read(&path).ok().map(<[u8]>::to_vec))
    }

    /// The `Delete` reclaim policy: the volume's own storage goes with it (an NFS export or a
    /// node's directory is not the PV's to erase).
    pub(crate) fn erase_volume(&mut self, pv: &Value) {
        if let Place::Store(k) = place(self, pv)
            && k.starts_with("pv/")
        {
            self.volume_data.remove(&k);
        }
    }

    /// The `Recycle` reclaim policy: everything in the volume is removed, the volume's root
    /// stays (for a hostPath volume, on every node's disk that has the path).
    pub(crate) fn scrub_volume(&mut self, pv: &Value) {
        let now = self.now().div_euclid(1000);
        match place(self, pv) {
            Place::InStore(k, below) => {
                let Some(t) = self.volume_data.get(&k) else {
                    return;
                };
                let p = super::files::resolve_in(t, &below);
                let Some(root) = t.subtree(&p).and_then(|sub| sub.get("/").cloned()) else {
                    return;
                };
                if root.is_dir() {
                    let mut whole = (**t).clone();
                    whole.graft(&p, Tree::new(root));
                    self.volume_data.insert(k, Rc::new(whole));
                }
            }
            Place::Store(k) => {
                if let Some(t) = self.volume_data.get(&k) {
                    let root = t
                        .get("/")
                        .cloned()
                        .unwrap_or_else(|| Node::dir(0o777, 0, 0, now));
                    self.volume_data.insert(k, Rc::new(Tree::new(root)));
                }
            }
            Place::OnNodes(path) => {
                let nodes: Vec<String> = self
                    .volume_data
                    .keys()
                    .filter_map(|k| k.strip_prefix("node/").map(str::to_string))
                    .collect();
                for n in nodes {
                    let k = node_disk::key(&n);
                    let Some(t) = self.volume_data.get(&k) else {
                        continue;
                    };
                    let p = super::files::resolve_in(t, &path);
                    let Some(mut sub) = t.subtree(&p) else {
                        continue;
                    };
                    let root = sub.get("/").cloned();
                    let Some(root) = root.filter(|r| r.is_dir()) else {
                        continue;
                    };
                    sub = Tree::new(root);
                    let mut whole = (**t).clone();
                    whole.graft(&p, sub);
                    self.volume_data.insert(k, Rc::new(whole));
                }
            }
        }
    }
}
