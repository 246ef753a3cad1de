//! Reading a container's files from outside (lab checks): what the container's programs would
//! read.

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
}
