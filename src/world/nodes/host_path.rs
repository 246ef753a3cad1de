//! The kubelet's hostPath type checks (upstream `pkg/volume/hostpath/host_path.go`,
//! `checkTypeInternal`): a volume with a `type` needs that kind of entry on the node's disk
//! (`world/runtime/node_disk.rs`); `DirectoryOrCreate` and `FileOrCreate` make it first.

use serde_json::Value;

use crate::shell::vfs::Kind;
use crate::world::World;
use crate::world::api::meta;
use crate::world::runtime::node_disk;

/// The pod's hostPath volumes: (volume name, path, type).
fn volumes(pod: &Value) -> impl Iterator<Item = (&str, &str, &str)> {
    meta::path(pod, &["spec", "volumes"])
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| {
            let hp = v.get("hostPath")?;
            Some((
                v.get("name")?.as_str()?,
                hp.get("path").and_then(Value::as_str).unwrap_or(""),
                hp.get("type").and_then(Value::as_str).unwrap_or(""),
            ))
        })
}

/// The first volume whose type check fails on the pod's node: (volume, message).
pub fn check(world: &World, pod: &Value) -> Option<(String, String)> {
    let node = meta::str_at(pod, &["spec", "nodeName"])?;
    volumes(pod).find_map(|(name, path, ty)| {
        let kind = node_disk::kind_at(world, node, path);
        let (ok, what) = match ty {
            // Made before the check (`make`), so only an entry of the other kind fails.
            "DirectoryOrCreate" => (
                kind.is_none() || matches!(kind, Some(Kind::Dir)),
                "a directory",
            ),
            "Directory" => (matches!(kind, Some(Kind::Dir)), "a directory"),
            "FileOrCreate" => (!matches!(kind, Some(Kind::Dir)), "a file"),
            "File" => (matches!(kind, Some(Kind::File(_))), "a file"),
            "Socket" => (node_disk::is_socket(path), "a socket file"),
            "CharDevice" => (
                matches!(kind, Some(Kind::CharDev(..))),
                "a character device",
            ),
            "BlockDevice" => (false, "a block device"),
            _ => (true, ""),
        };
        (!ok).then(|| {
            (
                name.to_string(),
                format!("hostPath type check failed: {path} is not {what}"),
            )
        })
    })
}

/// Makes what `DirectoryOrCreate` and `FileOrCreate` volumes name on the node when missing.
pub fn make(world: &mut World, pod: &Value) {
    let Some(node) = meta::str_at(pod, &["spec", "nodeName"]) else {
        return;
    };
    for (_, path, ty) in volumes(pod) {
        match ty {
            "DirectoryOrCreate" => node_disk::create(world, node, path, false),
            "FileOrCreate" => node_disk::create(world, node, path, true),
            _ => {}
        }
    }
}
