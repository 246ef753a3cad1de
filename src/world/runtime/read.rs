//! Reading a container's or a volume's files from outside (lab checks): what the container's
//! programs would read, or what a persistent volume keeps when no pod mounts it.

use serde_json::Value;

use crate::world::World;
use crate::world::api::meta;

use super::files;

impl World {
    /// The content of `path` in container `container` of `pod` as its programs see it (its
    /// image, writable layer and volumes; links followed). `Ok(None)`: no such file. An error
    /// names why the container has no files to read (unknown, or not created yet).
    pub fn container_file(
        &self,
        pod: &Value,
        container: &str,
        path: &str,
    ) -> Result<Option<Vec<u8>>, String> {
        let created = self.pods.get(meta::uid(pod)).and_then(|r| {
            r.containers
                .iter()
                .find(|c| c.name == container)
                .map(|c| !c.container_id.is_empty())
        });
        match created {
            None if super::super::nodes::container_fs::container(pod, container).is_none() => {
                return Err(format!(
                    "pod \"{}\" has no container \"{container}\"",
                    meta::name(pod)
                ));
            }
            Some(true) => {}
            _ => {
                return Err(format!(
                    "container \"{container}\" of pod \"{}\" has not been created yet",
                    meta::name(pod)
                ));
            }
        }
        let t = self.target(pod, container);
        let (vfs, _) = files::assemble(
            self,
            pod,
            container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{}/{path}", t.cwd.trim_end_matches('/'))
        };
        Ok(vfs.read(&path).ok().map(<[u8]>::to_vec))
    }

    /// The content of `path` (from the volume's root) in what the PersistentVolume `pv` keeps,
    /// mounted or not. `Ok(None)`: no such file. An error for an unknown PV or one whose files
    /// are on each node (a hostPath volume without node affinity).
    pub fn pv_file(&self, pv: &str, path: &str) -> Result<Option<Vec<u8>>, String> {
        let Some(obj) = self.object("PersistentVolume", "", pv) else {
            return Err(format!("persistentvolume \"{pv}\" not found"));
        };
        let key = if let Some(nfs) = meta::path(obj, &["spec", "nfs"]) {
            format!(
                "nfs/{}{}",
                nfs.get("server").and_then(Value::as_str).unwrap_or(""),
                nfs.get("path").and_then(Value::as_str).unwrap_or("")
            )
        } else if meta::path(obj, &["spec", "hostPath"]).is_some()
            && meta::path(obj, &["spec", "nodeAffinity"]).is_none()
        {
            return Err(format!(
                "persistentvolume \"{pv}\" is a hostPath volume: its files are on each node's disk; read them through a pod that mounts it"
            ));
        } else {
            format!("pv/{pv}")
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
        let path = super::super::nodes::container_fs::normalize(path);
        Ok(vfs.read(&path).ok().map(<[u8]>::to_vec))
    }
}
