//! A container's file system for one command: the image's files, the kubelet's files
//! (`/etc/hostname`, ...), the container instance's writable layer, then its volumes mounted on
//! top, laid out as one [`Vfs`]; and, when the command returns, what changed put back where it
//! belongs (the writable layer, the volumes' stores). The world is single-threaded and nothing
//! else runs while a command runs, so this is exact.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::shell::Vfs;
use crate::shell::vfs::parent;
use crate::world::World;
use crate::world::nodes::container_fs::{self, Backing};
use crate::world::registry::rootfs::{FileKind, RootFs};

/// One entry of a writable layer (overlayfs's upper directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerEntry {
    /// A file written or changed.
    File(Vec<u8>),
    /// A directory made.
    Dir,
    /// Something of the image removed (a whiteout).
    Whiteout,
}

/// A container instance's writable layer, by path.
pub type Layer = BTreeMap<String, LayerEntry>;

/// A volume as mounted for one command.
pub(super) struct Mounted {
    path: String,
    read_only: bool,
    /// The key of its files in `World::volume_data`, for volumes that keep what is written.
    store: Option<String>,
}

/// Whether `path` is `dir` or under it.
fn under(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Writes a file, making its parent directories (errors are the Vfs's caps: the file is left
/// out, as a full disk would).
fn put(vfs: &mut Vfs, path: &str, data: &[u8]) {
    let _ = vfs.mkdir_all(&parent(path));
    let _ = vfs.write(path, data, false);
}

/// The image's files and the kubelet's: what the writable layer lies on.
fn lower(pod: &Value, rootfs: &RootFs) -> Vfs {
    let mut vfs = Vfs::bare();
    for f in &rootfs.files {
        match &f.kind {
            FileKind::Dir => {
                let _ = vfs.mkdir_all(&f.path);
            }
            FileKind::File(b) => put(&mut vfs, &f.path, b),
            // The Vfs has no links yet: the image's links are left out.
            FileKind::Symlink(_) => {}
        }
    }
    for (path, data) in container_fs::base_files(pod) {
        put(&mut vfs, &path, &data);
    }
    vfs
}

/// Lays out the container's files. Returns the files and the mounts, to put back afterwards.
pub(super) fn assemble(
    world: &World,
    pod: &Value,
    container: &str,
    rootfs: &RootFs,
    layer: Option<&Layer>,
) -> (Vfs, Vec<Mounted>) {
    let mut vfs = lower(pod, rootfs);
    for (path, e) in layer.into_iter().flatten() {
        match e {
            LayerEntry::Dir => {
                let _ = vfs.mkdir_all(path);
            }
            LayerEntry::File(b) => put(&mut vfs, path, b),
            LayerEntry::Whiteout => {
                let _ = vfs.remove_all(path);
            }
        }
    }
    let mut mounted = Vec::new();
    let Some(spec) = container_fs::container(pod, container) else {
        return (vfs, mounted);
    };
    let mut mounts = container_fs::mounts(world, pod, spec);
    // Outer mounts first, so a nested mount lies on top of its parent's files.
    mounts.reverse();
    for m in mounts {
        if m.path.is_empty() {
            continue;
        }
        // A mount hides what the image (or the layer) had at its path.
        if vfs.exists(&m.path) {
            let _ = vfs.remove_all(&m.path);
        }
        let _ = vfs.mkdir_all(&m.path);
        let (fixed, store) = match &m.backing {
            Backing::Fixed(files) => (true, {
                for (rel, data) in files {
                    put(&mut vfs, &format!("{}/{rel}", m.path), data);
                }
                None
            }),
            Backing::Store(key) => {
                for (rel, data) in world.volume_data.get(key).into_iter().flatten() {
                    let path = format!("{}/{}", m.path, rel.trim_end_matches('/'));
                    if rel.ends_with('/') {
                        let _ = vfs.mkdir_all(&path);
                    } else {
                        put(&mut vfs, &path, data);
                    }
                }
                (false, Some(key.clone()))
            }
        };
        // ConfigMap, Secret and projected volumes are always mounted read-only.
        let read_only = m.read_only || fixed;
        if read_only {
            vfs.add_read_only(&m.path);
        }
        mounted.push(Mounted {
            path: m.path,
            read_only,
            store,
        });
    }
    (vfs, mounted)
}

/// Puts back what a command changed: into each writable volume's store, and into the
/// container instance's writable layer (returned: what differs from the image's files).
pub(super) fn write_back(
    world: &mut World,
    pod: &Value,
    rootfs: &RootFs,
    vfs: &Vfs,
    mounted: &[Mounted],
) -> Layer {
    for m in mounted.iter().filter(|m| !m.read_only) {
        let Some(key) = &m.store else { continue };
        let prefix = format!("{}/", m.path);
        let mut files = BTreeMap::new();
        for (path, data) in vfs.entries() {
            let Some(rel) = path.strip_prefix(&prefix) else {
                continue;
            };
            // A nested mount's files are its own volume's.
            if mounted
                .iter()
                .any(|o| o.path.len() > m.path.len() && under(path, &o.path))
            {
                continue;
            }
            match data {
                Some(b) => files.insert(rel.to_string(), b.to_vec()),
                None => files.insert(format!("{rel}/"), Vec::new()),
            };
        }
        if world.volume_data.get(key) != Some(&files) {
            world.volume_data.insert(key.clone(), files);
        }
    }
    let base = lower(pod, rootfs);
    let mounted_at = |p: &str| mounted.iter().any(|m| under(p, &m.path));
    let mut layer = Layer::new();
    for (path, data) in vfs.entries() {
        if mounted_at(path) {
            continue;
        }
        match data {
            Some(b) if base.read(path).ok() != Some(b) || !base.is_file(path) => {
                layer.insert(path.to_string(), LayerEntry::File(b.to_vec()));
            }
            None if !base.exists(path) && vfs.is_dir(path) => {
                layer.insert(path.to_string(), LayerEntry::Dir);
            }
            _ => {}
        }
    }
    for (path, _) in base.entries() {
        if !vfs.exists(path) && !mounted_at(path) {
            // Only the top of a removed tree needs its whiteout.
            let covered = layer
                .range(..path.to_string())
                .next_back()
                .is_some_and(|(p, e)| *e == LayerEntry::Whiteout && under(path, p));
            if !covered {
                layer.insert(path.to_string(), LayerEntry::Whiteout);
            }
        }
    }
    layer
}
