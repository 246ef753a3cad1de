//! A container's file system for one command, laid out as the runtime and the kubelet lay it
//! out: the image's files (shared, never written) under the container instance's writable
//! layer (overlayfs), the kubelet's files bind-mounted (`/etc/hostname`, `/etc/hosts`,
//! `/etc/resolv.conf`), then the volumes mounted on top, each a mount of its own (`mount`, `df`
//! and `/proc/mounts` list them). When the command returns, what it wrote is put back where it
//! belongs: the writable layer, and each writable volume's store. The world is single-threaded
//! and nothing else runs while a command runs, so this is exact.

use crate::world::api::kinds;
use std::collections::BTreeSet;
use std::rc::Rc;

use serde_json::Value;

use crate::shell::Vfs;
use crate::shell::vfs::{Cred, Kind, Layer as Overlay, MountInfo, Node, Tree};
use crate::world::World;
use crate::world::api::meta;
use crate::world::clock::{civil, parse_rfc3339};
use crate::world::nodes::atomic_volumes::Payload;
use crate::world::nodes::container_fs::{self, Backing};
use crate::world::registry::rootfs::{FileKind, RootFs};

/// A container instance's writable layer (overlayfs's upper directory): what it wrote over the
/// image's files, and the image's paths it removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    /// What was written.
    pub upper: Tree,
    /// The image's paths removed (with everything below them).
    pub whiteouts: BTreeSet<String>,
}

impl Layer {
    /// Whether the container changed nothing.
    pub fn is_empty(&self) -> bool {
        self.upper.is_empty() && self.whiteouts.is_empty()
    }
}

/// The size `df` shows for the node's disk (the overlay root, hostPath, disk-backed volumes).
const NODE_DISK: u64 = 60 << 30;
/// The size of a pod's tmpfs volumes (the kubelet sizes them by the node's memory).
const TMPFS: u64 = 7_853_936 << 10;

/// A volume as mounted for one command.
pub(super) struct Mounted {
    path: String,
    /// The key of its files in `World::volume_data`, for volumes that keep what is written.
    store: Option<String>,
    /// The path inside the volume that is mounted (`subPath`).
    sub_path: Option<String>,
}

/// The image's files as one tree (its programs as executable files, where the image has no
/// file of its own there), stamped with the image's build time.
pub(super) fn image_tree(rootfs: &RootFs, built: i64) -> std::sync::Arc<Tree> {
    let mut t = Tree::new(Node::dir(0o755, 0, 0, built));
    for f in &rootfs.files {
        let node = match &f.kind {
            FileKind::Dir => Node::dir(f.mode, f.uid, f.gid, built),
            FileKind::File(b) => Node::file(b, f.mode, f.uid, f.gid, built),
            FileKind::Symlink(target) => Node::symlink(target, f.uid, f.gid, built),
        };
        t.put(&f.path, node);
    }
    for path in rootfs.programs.keys() {
        let Some(real) = rootfs.resolve(path) else {
            continue;
        };
        if t.get(&real).is_none() {
            let mut n = Node::file(b"\x7fELF\x02\x01\x01", 0o755, 0, 0, built);
            if let Some(size) = rootfs.sizes.get(&real) {
                n = n.with_apparent_size(*size);
            }
            t.put(&real, n);
        }
    }
    std::sync::Arc::new(t)
}

/// An image tree kept: the file system, its build time, the tree.
type KeptTree = (Rc<RootFs>, i64, std::sync::Arc<Tree>);

thread_local! {
    /// The image trees built lately, most recent last: an image's files never change, and every
    /// command in a container lays them out (kubelab's cache; the tree is only read).
    static IMAGE_TREES: std::cell::RefCell<Vec<KeptTree>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// How many image trees [`IMAGE_TREES`] keeps.
const IMAGE_TREES_KEPT: usize = 8;

/// [`image_tree`], from the cache when the same file system was laid out lately.
fn cached_image_tree(rootfs: &Rc<RootFs>, built: i64) -> std::sync::Arc<Tree> {
    IMAGE_TREES.with(|c| {
        let mut c = c.borrow_mut();
        if let Some(i) = c
            .iter()
            .position(|(r, b, _)| Rc::ptr_eq(r, rootfs) && *b == built)
        {
            let e = c.remove(i);
            let t = e.2.clone();
            c.push(e);
            return t;
        }
        let t = image_tree(rootfs, built);
        if c.len() >= IMAGE_TREES_KEPT {
            c.remove(0);
        }
        c.push((rootfs.clone(), built, t.clone()));
        t
    })
}

/// The atomic writer's timestamped directory name for files written at `secs`, with a suffix
/// drawn from `seed` (os.MkdirTemp's random number, here fixed by the pod).
fn atomic_dir(secs: i64, seed: &str) -> String {
    let (y, mo, d, h, mi, s, _) = civil(secs * 1000);
    let suffix = seed.bytes().fold(2_166_136_261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16_777_619)
    });
    format!("..{y:04}_{mo:02}_{d:02}_{h:02}_{mi:02}_{s:02}.{suffix}")
}

/// A ConfigMap, Secret or projected volume as the kubelet's atomic writer lays it out: the
/// files in a timestamped directory, `..data` pointing at it, and a link per key.
fn atomic_tree(files: &Payload, tmpfs: bool, at: i64, seed: &str) -> Tree {
    let root_mode = if tmpfs { 0o1777 } else { 0o777 };
    let mut t = Tree::new(Node::dir(root_mode, 0, 0, at));
    let ts = atomic_dir(at, &format!("{seed}/{at}"));
    t.put(&format!("/{ts}"), Node::dir(0o755, 0, 0, at));
    for (key, (data, mode)) in files {
        t.put(&format!("/{ts}/{key}"), Node::file(data, *mode, 0, 0, at));
    }
    t.put("/..data", Node::symlink(&ts, 0, 0, at));
    for key in files.keys() {
        // `a/b/c` gets real directories `a/b` and the link `a/b/c -> ../../..data/a/b/c`.
        let depth = key.matches('/').count();
        let target = format!("{}..data/{key}", "../".repeat(depth));
        t.put(&format!("/{key}"), Node::symlink(&target, 0, 0, at));
    }
    t
}

/// The part of `/proc` kubelab builds: PID 1's command line (its argv, each ending in NUL, as
/// `ps` shows it).
fn proc_tree(world: &World, pod: &Value, container: &str, at: i64) -> Tree {
    let mut t = Tree::new(Node::dir(0o555, 0, 0, at));
    let main = world
        .pods
        .get(meta::uid(pod))
        .and_then(|r| r.containers.iter().find(|c| c.name == container))
        .and_then(|c| c.process.as_ref());
    if let Some(p) = main {
        // What the image's entrypoint execs, where kubelab follows it (mongo's mongod).
        let argv = super::ps::main_process(&p.argv, "0").map_or_else(|| p.argv.clone(), |m| m.0);
        let mut cmdline = Vec::new();
        for a in &argv {
            cmdline.extend_from_slice(a.as_bytes());
            cmdline.push(0);
        }
        t.put("/1", Node::dir(0o555, 0, 0, at));
        t.put("/1/cmdline", Node::file(&cmdline, 0o444, 0, 0, at));
    }
    t
}

/// `path` inside `tree` with the tree's symbolic links followed, component by component (an
/// absolute link from the tree's root; bounded as the kernel's 40).
pub(super) fn resolve_in(tree: &Tree, path: &str) -> String {
    let mut todo: Vec<String> = container_fs::normalize(path)
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(str::to_string)
        .collect();
    let mut cur = String::new();
    let mut links = 0;
    while let Some(c) = todo.pop() {
        let next = format!("{cur}/{c}");
        match tree.get(&next).map(|n| &n.kind) {
            Some(Kind::Symlink(target)) if links < 40 => {
                links += 1;
                if target.starts_with('/') {
                    cur.clear();
                }
                todo.extend(
                    target
                        .split('/')
                        .filter(|c| !c.is_empty() && *c != ".")
                        .rev()
                        .map(str::to_string),
                );
            }
            _ if c == ".." => {
                cur = match cur.rfind('/') {
                    Some(i) => cur[..i].to_string(),
                    None => String::new(),
                };
            }
            _ => cur = next,
        }
    }
    if cur.is_empty() { "/".into() } else { cur }
}

/// What a `subPath` mount of a tree shows: the entry at `sub` (links inside the tree
/// followed, as the bind mount of the resolved path is), or a new empty directory as the
/// kubelet makes one where nothing is (with the volume root's mode).
fn sub_tree(tree: &Tree, sub: &str, at: i64) -> Tree {
    let path = resolve_in(tree, sub);
    match tree.subtree(&path) {
        Some(t) if !matches!(t.get("/").map(|n| &n.kind), Some(Kind::Symlink(_))) => t,
        _ => {
            let mode = tree.get("/").map_or(0o755, |n| n.mode() & 0o7777);
            Tree::new(Node::dir(mode, 0, 0, at))
        }
    }
}

/// What a store holds, or an empty directory for a volume not written yet.
fn store_tree(world: &World, key: &str, at: i64, tmpfs: bool) -> Tree {
    match world.volume_data.get(key) {
        Some(t) => (**t).clone(),
        None => match key.strip_prefix("node/") {
            Some(node) => super::node_disk::fresh(world, node),
            None => Tree::new(Node::dir(if tmpfs { 0o1777 } else { 0o777 }, 0, 0, at)),
        },
    }
}

/// How a store's mount looks in the mount table.
fn store_info(key: &str, read_only: bool, tmpfs: bool, client: &str) -> MountInfo {
    let rw = if read_only { "ro" } else { "rw" };
    if tmpfs {
        return MountInfo::new(
            "tmpfs",
            "tmpfs",
            &format!("{rw},relatime,size={}k", TMPFS >> 10),
        )
        .with_size(TMPFS);
    }
    if let Some(rest) = key.strip_prefix("nfs/") {
        // `nfs/<server>/<path>`: the export as `mount` names it.
        let (server, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        return MountInfo::new(
            &format!("{server}:{path}"),
            "nfs4",
            // What Ubuntu 22.04's kernel negotiates with a plain `mount -t nfs` (the kubelet
            // gives no options), as /proc/mounts shows it.
            &format!("{rw},relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr={client},local_lock=none,addr={server}"),
        )
        .with_size(NODE_DISK);
    }
    node_disk(rw)
}

/// A mount from the node's disk, `rw` or `ro`.
fn node_disk(rw: &str) -> MountInfo {
    MountInfo::new("/dev/vda1", "ext4", &format!("{rw},relatime"))
        .with_size(NODE_DISK)
        .with_dev(252, 1)
}

/// When the pod's volumes were set up (its start), in Unix seconds.
fn pod_started(world: &World, pod: &Value) -> i64 {
    meta::str_at(pod, &["status", "startTime"])
        .and_then(parse_rfc3339)
        .unwrap_or_else(|| world.clock.now())
        .div_euclid(1000)
}

/// Lays out the container's files. Returns the files and the mounts, to put back afterwards.
pub(super) fn assemble(
    world: &World,
    pod: &Value,
    container: &str,
    rootfs: &Rc<RootFs>,
    built: i64,
    layer: Option<&Layer>,
) -> (Vfs, Vec<Mounted>) {
    let lower = cached_image_tree(rootfs, built);
    let mut root = Overlay::overlay(lower);
    if let Some(l) = layer {
        root.upper = l.upper.clone();
        root.whiteouts = l.whiteouts.clone();
    }
    let mut vfs = Vfs::from_root(
        root,
        MountInfo::new("overlay", "overlay", "rw,relatime")
            .with_size(NODE_DISK)
            .with_dev(0, 60),
        Cred::ROOT,
    );
    let started = pod_started(world, pod);
    vfs.set_now(world.clock.now().div_euclid(1000));
    let mut mounted = Vec::new();
    // The runtime's `proc` (what kubelab builds of it: `/proc/1/cmdline`; `/proc/mounts` is the
    // Vfs's mount table), read-only here: nothing written there is kept.
    let mut info = MountInfo::new("proc", "proc", "rw,nosuid,nodev,noexec,relatime");
    info.read_only = true;
    let _ = vfs.mount("/proc", proc_tree(world, pod, container, started), info);
    // The kubelet's files, each bind-mounted from the pod's directory on the node's disk, in
    // the order the kubelet gives them to the runtime (reference §2, `mount`).
    let mut base = container_fs::base_files(world, pod);
    base.insert("/dev/termination-log".into(), Vec::new());
    for path in [
        "/etc/hosts",
        "/dev/termination-log",
        "/etc/hostname",
        "/etc/resolv.conf",
    ] {
        let Some(data) = base.remove(path) else {
            continue;
        };
        let file = Tree::new(Node::file(&data, 0o644, 0, 0, started));
        if vfs.mount(path, file, node_disk("rw")).is_ok() {
            mounted.push(Mounted {
                path: path.to_string(),
                store: None,
                sub_path: None,
            });
        }
    }
    let Some(spec) = container_fs::container(pod, container) else {
        return (vfs, mounted);
    };
    // The node's address: an NFS mount names it as the client.
    let node_ip = meta::str_at(pod, &["spec", "nodeName"])
        .and_then(|n| world.object(kinds::NODE, "", n))
        .and_then(|n| meta::str_at(n, &["status", "addresses", "0", "address"]))
        .unwrap_or("")
        .to_string();
    for m in container_fs::mounts(world, pod, spec) {
        if m.path.is_empty() {
            continue;
        }
        let (tree, info, store) = match &m.backing {
            Backing::Fixed { files, tmpfs, at } => {
                let at = at.map_or(started, |a| a.div_euclid(1000));
                let mut tree = atomic_tree(files, *tmpfs, at, meta::uid(pod));
                if let Some(sub) = &m.sub_path {
                    tree = sub_tree(&tree, sub, at);
                }
                // ConfigMap, Secret and projected volumes are always mounted read-only.
                (tree, store_info("", true, *tmpfs, ""), None)
            }
            Backing::Store(key) => {
                let memory = key.starts_with("emptydir/") && m.tmpfs;
                let mut tree = store_tree(world, key, started, memory);
                if let Some(sub) = &m.sub_path {
                    tree = sub_tree(&tree, sub, started);
                }
                (
                    tree,
                    store_info(key, m.read_only, memory, &node_ip),
                    Some(key.clone()),
                )
            }
        };
        if vfs.mount(&m.path, tree, info).is_ok() {
            mounted.push(Mounted {
                path: m.path,
                store,
                sub_path: m.sub_path.map(|p| container_fs::normalize(&p)),
            });
        }
    }
    (vfs, mounted)
}

/// Puts back what a command changed: each writable volume's files into its store, and returns
/// the container instance's writable layer.
pub(super) fn write_back(world: &mut World, mut vfs: Vfs, mounted: &[Mounted]) -> Layer {
    // The last mount first: a nested mount is taken away before the one it lies on.
    for m in mounted.iter().rev() {
        let Some((tree, info)) = vfs.unmount(&m.path) else {
            continue;
        };
        let Some(key) = &m.store else { continue };
        if info.read_only {
            continue;
        }
        // A `subPath` mount goes back into its place in the volume.
        let tree = match &m.sub_path {
            Some(sub) => {
                let mut whole = store_tree(world, key, vfs.now(), false);
                whole.graft(sub, tree);
                whole
            }
            None => tree,
        };
        // A store that did not change stays shared with the world's snapshots.
        if world.volume_data.get(key).map(|t| &**t) != Some(&tree) {
            world.volume_data.insert(key.clone(), Rc::new(tree));
        }
    }
    let root = vfs.take_root_layer();
    Layer {
        upper: root.upper,
        whiteouts: root.whiteouts,
    }
}

/// An NFS server's own files, for a shell on it (`ssh`): `rootfs`'s files under the host's
/// writable layer, on the host's disk, and every store of the server's exports
/// (`nfs/<server><export>`, the same stores the pods mounting them use) mounted at its path,
/// shallowest first. Returns the files and the mounts, to put back with [`write_back`].
pub(super) fn host_fs(
    world: &World,
    server: &str,
    rootfs: &RootFs,
    built: i64,
    layer: Option<&Layer>,
) -> (Vfs, Vec<Mounted>) {
    let mut root = Overlay::overlay(image_tree(rootfs, built));
    if let Some(l) = layer {
        root.upper = l.upper.clone();
        root.whiteouts = l.whiteouts.clone();
    }
    let mut vfs = Vfs::from_root(root, node_disk("rw"), Cred::ROOT);
    let now = world.clock.now().div_euclid(1000);
    vfs.set_now(now);
    let prefix = format!("nfs/{server}/");
    let mut paths: Vec<(String, String)> = world
        .nfs_servers
        .get(server)
        .into_iter()
        .flatten()
        .map(|e| (e.clone(), format!("nfs/{server}{e}")))
        .chain(
            world
                .volume_data
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, _)| (k[prefix.len() - 1..].to_string(), k.clone())),
        )
        .map(|(p, k)| (p.trim_end_matches('/').to_string(), k))
        .filter(|(p, _)| p.starts_with('/') && p.len() > 1)
        .collect();
    paths.sort_by_key(|(p, _)| (p.matches('/').count(), p.clone()));
    paths.dedup_by(|a, b| a.0 == b.0);
    let mut mounted = Vec::new();
    for (path, key) in paths {
        let _ = vfs.mkdir_all(&path);
        let tree = store_tree(world, &key, now, false);
        if vfs.mount(&path, tree, node_disk("rw")).is_ok() {
            mounted.push(Mounted {
                path,
                store: Some(key),
                sub_path: None,
            });
        }
    }
    (vfs, mounted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_inside_a_volume_are_followed_for_a_sub_path() {
        let files: Payload = [("a/key".to_string(), (b"v".to_vec(), 0o600))].into();
        let t = atomic_tree(&files, false, 0, "uid");
        let path = resolve_in(&t, "a/key");
        assert!(path.starts_with("/..1970_01_01_00_00_00."), "{path}");
        assert!(path.ends_with("/a/key"));
        let sub = sub_tree(&t, "a/key", 0);
        assert_eq!(sub.get("/").map(Node::mode), Some(0o100600));
        // Nothing there: an empty directory with the volume's mode.
        assert!(
            sub_tree(&t, "missing", 0)
                .get("/")
                .is_some_and(Node::is_dir)
        );
    }
}
