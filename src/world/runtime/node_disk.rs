//! A node's own disk, as hostPath volumes see it: the node's operating system (Ubuntu 22.04,
//! as the nodes report in `osImage`), the kubelet's directories, then what pods wrote through
//! hostPath volumes. It is one tree per node in `World::volume_data` under `node/<name>`; a
//! hostPath volume mounts the entry at its path, so two volumes of the same node that overlap
//! see each other's files, and a pod on another node sees another disk.

use std::rc::Rc;

use crate::shell::vfs::{Kind, Node, Tree};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::clock::parse_rfc3339;
use crate::world::registry::rootfs::Family;

/// The key of a node's disk in `World::volume_data`.
pub(crate) fn key(node: &str) -> String {
    format!("node/{node}")
}

/// The node's directories the kubelet and the container runtime make.
const NODE_DIRS: &[&str] = &[
    "/etc/kubernetes/manifests",
    "/var/lib/containerd",
    "/var/lib/kubelet/pods",
    "/var/log/containers",
    "/var/log/pods",
];

/// The sockets a node has (the file tree has no socket entries): containerd's.
const SOCKETS: &[&str] = &["/run/containerd/containerd.sock"];

/// Whether `path` is one of the node's sockets (`/var/run` is a link to `/run`).
pub(crate) fn is_socket(path: &str) -> bool {
    let p = crate::world::nodes::container_fs::normalize(path);
    let p = p
        .strip_prefix("/var")
        .filter(|r| r.starts_with("/run/"))
        .unwrap_or(&p);
    SOCKETS.contains(&p)
}

/// A node's disk as nothing has written it yet (its files dated when the node joined).
pub(super) fn fresh(world: &World, node: &str) -> Tree {
    (*fresh_shared(world, node)).clone()
}

/// How many fresh node disks [`FRESH`] keeps (one per join time: the default world's control
/// plane and its workers joined at two instants).
const FRESH_KEPT: usize = 4;

thread_local! {
    /// Fresh node disks by join time (seconds), most recent last: the disk depends on nothing
    /// else, and laying out Ubuntu's files was a third of a process's start-up when every
    /// hostPath check of kube-system's pods did it again (kubelab's cache; the tree is only read).
    static FRESH: std::cell::RefCell<Vec<(i64, Rc<Tree>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// [`fresh`], shared: built once per join time and thread.
fn fresh_shared(world: &World, node: &str) -> Rc<Tree> {
    let built = world
        .object(kinds::NODE, "", node)
        .and_then(|n| meta::str_at(n, &["metadata", "creationTimestamp"]))
        .and_then(parse_rfc3339)
        .unwrap_or(0)
        .div_euclid(1000);
    if let Some(t) = FRESH.with(|c| {
        c.borrow()
            .iter()
            .find(|(b, _)| *b == built)
            .map(|(_, t)| t.clone())
    }) {
        return t;
    }
    let mut t = (*super::files::image_tree(&Family::Ubuntu2204.rootfs(), built)).clone();
    for d in NODE_DIRS {
        t.put(d, Node::dir(0o755, 0, 0, built));
    }
    let t = Rc::new(t);
    FRESH.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= FRESH_KEPT {
            c.remove(0);
        }
        c.push((built, t.clone()));
    });
    t
}

/// What kind of entry the node has at `path` (links followed): the hostPath type checker's
/// question. `None`: nothing there.
pub(crate) fn kind_at(world: &World, node: &str, path: &str) -> Option<Kind> {
    let probe = |t: &Tree| {
        let p = super::files::resolve_in(t, path);
        t.get(&p).map(|n| n.kind.clone())
    };
    match world.volume_data.get(&key(node)) {
        Some(t) => probe(t),
        None => probe(&fresh_shared(world, node)),
    }
}

/// Makes `path` on the node's disk as the kubelet's `DirectoryOrCreate` (`mkdir -p`, 0755) or
/// `FileOrCreate` (an empty file, 0644) does, when nothing is there.
pub(crate) fn create(world: &mut World, node: &str, path: &str, file: bool) {
    if kind_at(world, node, path).is_some() {
        return;
    }
    let k = key(node);
    let mut t = match world.volume_data.get(&k) {
        Some(t) => (**t).clone(),
        None => fresh(world, node),
    };
    let p = super::files::resolve_in(&t, path);
    if t.get(&p).is_some() {
        return;
    }
    let now = world.now().div_euclid(1000);
    let node = if file {
        Node::file(b"", 0o644, 0, 0, now)
    } else {
        Node::dir(0o755, 0, 0, now)
    };
    t.put(&p, node);
    world.volume_data.insert(k, Rc::new(t));
}
