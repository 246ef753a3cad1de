//! Finding things: which mount a path is on, following symbolic links, and what an entry's
//! `stat` says.

use super::mount::{covers, relative};
use super::node::{Kind, Node};
use super::{MAX_SYMLINKS, Vfs, VfsError, join, parent};

/// What `stat(2)` answers for an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// The entry (its kind, mode, owner, times, inode number).
    pub node: Node,
    /// `st_size`: bytes of a file, a link's target length, a directory's size on its file
    /// system (4096, or tmpfs's 40 + 20 per entry).
    pub size: u64,
    /// `st_blocks`, in 512-byte units.
    pub blocks: u64,
    /// `st_nlink`: 1, or 2 + subdirectories for a directory (1 for an overlay's merged one).
    pub nlink: u64,
    /// `st_dev` of the mount it is on.
    pub dev: (u32, u32),
}

impl Vfs {
    /// The mount `path` (physical: no symbolic links) is on, and the path inside it.
    pub(super) fn locate(&self, path: &str) -> (usize, String) {
        let i = self
            .mounts
            .iter()
            .rposition(|m| covers(&m.path, path))
            .unwrap_or(0);
        (i, relative(&self.mounts[i].path, path))
    }

    /// The entry at a physical path.
    pub(super) fn node_at(&self, path: &str) -> Option<&Node> {
        let (i, rel) = self.locate(path);
        self.mounts[i].layer.get(&rel)
    }

    /// The physical path of `path` (absolute, normalized): every symbolic link on the way
    /// followed, and the last one too when `follow_last`. The last component need not exist
    /// (its directory does); a missing directory on the way is ENOENT, a file ENOTDIR, more
    /// than 40 links ELOOP. A link's `..` is taken physically.
    pub fn resolve(&self, path: &str, follow_last: bool) -> Result<String, VfsError> {
        // Components still to walk, the next on top.
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .rev()
            .map(str::to_string)
            .collect();
        let mut cur = String::from("/");
        let mut hops = 0;
        while let Some(c) = pending.pop() {
            match c.as_str() {
                "." => continue,
                ".." => {
                    cur = parent(&cur);
                    continue;
                }
                _ => {}
            }
            let next = join(&cur, &c);
            let last = pending.is_empty();
            match self.node_at(&next).map(|n| &n.kind) {
                None if last => return Ok(next),
                None => return Err(VfsError::NotFound),
                Some(Kind::Symlink(t)) if !last || follow_last => {
                    hops += 1;
                    if hops > MAX_SYMLINKS {
                        return Err(VfsError::Loop);
                    }
                    if t.is_empty() {
                        return Err(VfsError::NotFound);
                    }
                    // So the path walked stays bounded (40 links of at most 4095 bytes).
                    if t.len() > super::MAX_LINK_TARGET {
                        return Err(VfsError::NameTooLong);
                    }
                    if t.starts_with('/') {
                        cur = "/".into();
                    }
                    pending.extend(
                        t.split('/')
                            .filter(|c| !c.is_empty())
                            .rev()
                            .map(str::to_string),
                    );
                }
                Some(Kind::Dir) => cur = next,
                Some(_) if last => cur = next,
                Some(_) => return Err(VfsError::NotDir),
            }
        }
        Ok(cur)
    }

    /// The entry `path` names, links followed (`follow`) or not.
    fn entry(&self, path: &str, follow: bool) -> Result<(String, &Node), VfsError> {
        let p = self.resolve(path, follow)?;
        match self.node_at(&p) {
            Some(n) => Ok((p, n)),
            None => Err(VfsError::NotFound),
        }
    }

    /// Whether `path` (normalized) exists, links followed (a dangling link does not).
    pub fn exists(&self, path: &str) -> bool {
        self.entry(path, true).is_ok()
    }

    /// Whether `path` exists, a link itself counting (`rm`, `ln`).
    pub fn lexists(&self, path: &str) -> bool {
        self.entry(path, false).is_ok()
    }

    /// Whether `path` is a regular file (links followed).
    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.entry(path, true), Ok((_, n)) if matches!(n.kind, Kind::File(_)))
    }

    /// Whether `path` is a device (`/dev/null`).
    pub fn is_device(&self, path: &str) -> bool {
        matches!(self.entry(path, true), Ok((_, n)) if matches!(n.kind, Kind::CharDev(..)))
    }

    /// Whether `path` is a directory (links followed).
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.entry(path, true), Ok((_, n)) if n.is_dir())
    }

    /// Whether `path` itself is a symbolic link.
    pub fn is_symlink(&self, path: &str) -> bool {
        matches!(self.entry(path, false), Ok((_, n)) if matches!(n.kind, Kind::Symlink(_)))
    }

    /// Whether a physical path is on a `proc` mount (where only some files are built).
    pub(super) fn on_proc(&self, path: &str) -> bool {
        let (i, _) = self.locate(path);
        i > 0 && self.mounts[i].info.fstype == "proc"
    }

    /// `entry`, with what a `proc` mount lacks said to be kubelab's gap.
    fn proc_entry(&self, path: &str) -> Result<(String, &Node), VfsError> {
        match self.entry(path, true) {
            Err(VfsError::NotFound) if self.on_proc(path) => Err(VfsError::NotSimulated),
            r => r,
        }
    }

    /// A file's content (links followed; a device reads empty).
    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        match &self.proc_entry(path)?.1.kind {
            Kind::File(b) => Ok(b),
            Kind::CharDev(..) => Ok(&[]),
            Kind::Dir => Err(VfsError::IsDir),
            Kind::Symlink(_) => Err(VfsError::Loop),
        }
    }

    /// A symbolic link's target (EINVAL if `path` is not a link).
    pub fn readlink(&self, path: &str) -> Result<String, VfsError> {
        match &self.entry(path, false)?.1.kind {
            Kind::Symlink(t) => Ok(t.clone()),
            _ => Err(VfsError::Invalid),
        }
    }

    /// The names in a directory (links followed), sorted.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>, VfsError> {
        let (p, n) = self.proc_entry(path)?;
        if !n.is_dir() {
            return Err(VfsError::NotDir);
        }
        // A listing of /proc would show only what kubelab built of it.
        if self.on_proc(&p) {
            return Err(VfsError::NotSimulated);
        }
        let (i, rel) = self.locate(&p);
        Ok(self.mounts[i].layer.child_names(&rel))
    }

    /// `stat(2)`: the entry `path` names, links followed.
    pub fn stat(&self, path: &str) -> Result<Stat, VfsError> {
        let (p, _) = self.entry(path, true)?;
        Ok(self.stat_at(&p))
    }

    /// `lstat(2)`: the entry `path` names, a link itself.
    pub fn lstat(&self, path: &str) -> Result<Stat, VfsError> {
        let (p, _) = self.entry(path, false)?;
        Ok(self.stat_at(&p))
    }

    /// The stat of an entry that exists at a physical path.
    fn stat_at(&self, path: &str) -> Stat {
        let (i, rel) = self.locate(path);
        let m = &self.mounts[i];
        let node = m
            .layer
            .get(&rel)
            .cloned()
            .unwrap_or_else(|| Node::dir(0, 0, 0, 0));
        let tmpfs = m.info.is_tmpfs();
        let (size, nlink) = match &node.kind {
            Kind::Dir => {
                let names = m.layer.child_names(&rel);
                let subdirs = names
                    .iter()
                    .filter(|c| m.layer.get(&join(&rel, c)).is_some_and(Node::is_dir))
                    .count() as u64;
                let size = if tmpfs {
                    40 + 20 * names.len() as u64
                } else {
                    4096
                };
                let nlink = if m.layer.merged(&rel) { 1 } else { 2 + subdirs };
                (size, nlink)
            }
            // A proc file has no size: it is made when it is read.
            Kind::File(_) if m.info.fstype == "proc" => (0, 1),
            _ => (node.size(), 1),
        };
        let blocks = match &node.kind {
            Kind::File(_) if m.info.fstype == "proc" => 0,
            Kind::File(_) => node.size().div_ceil(4096) * 8,
            Kind::Dir if tmpfs => 0,
            Kind::Dir => 8,
            Kind::Symlink(t) if t.len() >= 60 && !tmpfs => 8,
            Kind::Symlink(_) | Kind::CharDev(..) => 0,
        };
        Stat {
            node,
            size,
            blocks,
            nlink,
            dev: m.info.dev,
        }
    }
}
