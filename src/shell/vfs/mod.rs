//! The shell's files: an in-memory POSIX file system. Nothing here touches the host's file
//! system.
//!
//! A [`Vfs`] is a mount table: a root layer at `/` and, on top of it, other layers mounted at
//! paths (a mount hides what was below it there). A layer ([`Layer`]) is a writable [`Tree`],
//! over an immutable shared lower tree when it is an overlay (a container's root: the image's
//! files under its own writes), with whiteouts for what was deleted from below. Entries are
//! files, directories, symbolic links (followed in path lookup, at most 40 on one path, then
//! ELOOP) and character devices (`/dev/null`), each with a mode, an owner, times and an inode
//! number ([`Node`]).
//!
//! Time: a `Vfs` keeps the virtual time it stamps writes with ([`Vfs::set_now`]); the shell sets
//! it from `Host::now()` before each simple command, so a file's mtime is when the command that
//! wrote it ran. Owner: new entries belong to the Vfs's [`Cred`] (the student, uid 1000, on the
//! workstation; root in a container), with `0666`/`0777` less its umask. Permission bits are
//! recorded and shown; they are not enforced (kubelab's shells run as the files' owner or root).
//!
//! Sizes are capped ([`VfsLimits`]: bytes and entries of every layer's writable tree) so a
//! runaway loop cannot exhaust memory.

mod error;
mod lookup;
mod mount;
mod node;
mod ops;
#[cfg(test)]
mod tests;
mod tree;

use std::sync::Arc;

pub use error::VfsError;
pub use lookup::Stat;
pub use mount::{MountInfo, MountView};
pub use node::{Cred, Kind, Node, mode_string};
pub use tree::{Layer, Tree};

use mount::Mount;

/// The student's home directory.
pub const HOME: &str = "/home/student";

/// The null device.
pub const DEV_NULL: &str = "/dev/null";

/// The virtual time a new workstation's files carry (2025-03-03 09:00:00 UTC, when its clock
/// starts).
pub const START: i64 = 1_740_992_400;

/// Symbolic links followed on one path before ELOOP (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINKS: usize = 40;

/// The longest target a symbolic link may have (Linux's `PATH_MAX` less its NUL).
pub const MAX_LINK_TARGET: usize = 4095;

/// Caps on what the files may hold.
#[derive(Debug, Clone, Copy)]
pub struct VfsLimits {
    /// Total bytes of all files.
    pub max_bytes: usize,
    /// Number of files and directories.
    pub max_entries: usize,
}

impl Default for VfsLimits {
    fn default() -> Self {
        VfsLimits {
            max_bytes: 64 << 20,
            max_entries: 10_000,
        }
    }
}

/// The files.
#[derive(Debug, Clone)]
pub struct Vfs {
    /// In mount order; the first is the root, at `/`.
    mounts: Vec<Mount>,
    limits: VfsLimits,
    now: i64,
    cred: Cred,
}

impl Default for Vfs {
    fn default() -> Self {
        Vfs::new()
    }
}

/// Joins `path` to `cwd` and removes `.`, `..` and repeated slashes.
pub fn normalize(cwd: &str, path: &str) -> String {
    let full = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in full.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// The parent directory of a normalized path.
pub fn parent(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => path[..i].to_string(),
    }
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// `dir/name` for a normalized directory.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

impl Vfs {
    /// The workstation: `/`, `/dev/null`, `/tmp`, `/home` and the home directory (empty,
    /// the student's), on one ext4 root as big as the size cap.
    pub fn new() -> Vfs {
        let now = START;
        let mut t = Tree::new(Node::dir(0o755, 0, 0, now));
        t.insert("/dev", Node::dir(0o755, 0, 0, now));
        t.insert(DEV_NULL, Node::new(Kind::CharDev(1, 3), 0o666, 0, 0, now));
        t.insert("/home", Node::dir(0o755, 0, 0, now));
        t.insert(HOME, Node::dir(0o755, 1000, 1000, now));
        t.insert("/tmp", Node::dir(0o1777, 0, 0, now));
        let limits = VfsLimits::default();
        let info = MountInfo::new("/dev/sda1", "ext4", "rw,relatime")
            .with_size(limits.max_bytes as u64)
            .with_dev(8, 1);
        Vfs::from_root(Layer::plain(t), info, Cred::STUDENT)
    }

    /// Only `/` and `/dev/null`, root's: a placeholder until a container's files are laid out.
    pub fn bare() -> Vfs {
        let now = START;
        let mut t = Tree::new(Node::dir(0o755, 0, 0, now));
        t.insert("/dev", Node::dir(0o755, 0, 0, now));
        t.insert(DEV_NULL, Node::new(Kind::CharDev(1, 3), 0o666, 0, 0, now));
        Vfs::from_root(
            Layer::plain(t),
            MountInfo::new("overlay", "overlay", "rw,relatime"),
            Cred::ROOT,
        )
    }

    /// A file system whose root is `layer`, mounted as `info`, written as `cred`.
    pub fn from_root(layer: Layer, info: MountInfo, cred: Cred) -> Vfs {
        Vfs {
            mounts: vec![Mount {
                path: "/".into(),
                layer,
                info,
            }],
            limits: VfsLimits::default(),
            now: START,
            cred,
        }
    }

    /// A container's root: an empty writable layer over the image's files (`lower`, shared),
    /// mounted as `overlay` read-write, written as root.
    pub fn overlay(lower: Arc<Tree>) -> Vfs {
        Vfs::from_root(
            Layer::overlay(lower),
            MountInfo::new("overlay", "overlay", "rw,relatime"),
            Cred::ROOT,
        )
    }

    /// Sets the caps (and the workstation root's size, which `df` shows, to the byte cap).
    pub fn with_limits(mut self, limits: VfsLimits) -> Vfs {
        self.limits = limits;
        if self.mounts[0].info.source == "/dev/sda1" {
            self.mounts[0].info.size = limits.max_bytes as u64;
        }
        self
    }

    /// The virtual time writes are stamped with.
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Sets the virtual time writes are stamped with (the shell does, before each command).
    pub fn set_now(&mut self, now: i64) {
        self.now = now;
    }

    /// Whom new entries belong to.
    pub fn cred(&self) -> Cred {
        self.cred
    }

    /// Sets whom new entries belong to.
    pub fn set_cred(&mut self, cred: Cred) {
        self.cred = cred;
    }

    /// The root layer (a container's writes are its upper tree and whiteouts).
    pub fn root_layer(&self) -> &Layer {
        &self.mounts[0].layer
    }

    /// Takes the root layer out, leaving an empty one.
    pub fn take_root_layer(&mut self) -> Layer {
        std::mem::take(&mut self.mounts[0].layer)
    }

    /// Mounts `tree` at `path` (absolute, normalized; symbolic links on it are followed). The
    /// mount point is made if it is missing, as the container runtime does (a directory, or an
    /// empty file when `tree`'s root is not a directory); what was there is hidden until the
    /// mount is taken away.
    pub fn mount(&mut self, path: &str, mut tree: Tree, info: MountInfo) -> Result<(), VfsError> {
        if tree.get("/").is_none() {
            tree.insert("/", Node::dir(0o755, 0, 0, self.now));
        }
        let root_is_dir = tree.get("/").is_some_and(Node::is_dir);
        let at = self.make_mount_point(path, root_is_dir)?;
        self.mounts.push(Mount {
            path: at,
            layer: Layer::plain(tree),
            info,
        });
        Ok(())
    }

    /// Takes the latest mount at `path` away and gives its tree back (with what was written to
    /// it) and its description; `None` if nothing but the root is mounted there.
    pub fn unmount(&mut self, path: &str) -> Option<(Tree, MountInfo)> {
        let at = self.resolve(path, true).ok()?;
        let i = self.mounts.iter().rposition(|m| m.path == at)?;
        if i == 0 {
            return None;
        }
        let m = self.mounts.remove(i);
        Some((m.layer.upper, m.info))
    }

    /// The mount table, in mount order (the root first).
    pub fn mounts(&self) -> Vec<MountView> {
        self.mounts
            .iter()
            .map(|m| MountView {
                path: m.path.clone(),
                info: m.info.clone(),
                used: m.info.used.unwrap_or_else(|| {
                    m.layer
                        .upper
                        .iter()
                        .map(|(_, n)| match &n.kind {
                            Kind::File(b) => (b.len() as u64).div_ceil(4096) * 4096,
                            _ => 0,
                        })
                        .sum()
                }),
            })
            .collect()
    }

    /// `/proc/mounts`: `source path fstype options 0 0` per mount.
    pub fn proc_mounts(&self) -> String {
        self.mounts
            .iter()
            .map(|m| {
                format!(
                    "{} {} {} {} 0 0\n",
                    m.info.source, m.path, m.info.fstype, m.info.options
                )
            })
            .collect()
    }
}
