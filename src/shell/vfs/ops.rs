//! Changing things: writing files, making and removing entries, renaming, links, modes, owners
//! and times. Every change checks the mount is writable and the size caps.

use std::sync::Arc;

use super::mount::covers;
use super::node::{Kind, Node};
use super::{DEV_NULL, Vfs, VfsError, join, parent};

impl Vfs {
    /// The mount `path` (physical) is on, if it may be written.
    fn writable(&self, path: &str) -> Result<(usize, String), VfsError> {
        let (i, rel) = self.locate(path);
        if self.mounts[i].info.read_only {
            return Err(VfsError::ReadOnly);
        }
        Ok((i, rel))
    }

    /// Bytes and entries of every writable tree.
    fn usage(&self) -> (usize, usize) {
        self.mounts.iter().fold((0, 0), |(b, n), m| {
            (b + m.layer.upper.bytes(), n + m.layer.upper.len())
        })
    }

    fn room_for_entry(&self) -> Result<(), VfsError> {
        if self.usage().1 >= self.limits.max_entries {
            return Err(VfsError::NoSpace);
        }
        Ok(())
    }

    /// A directory's content changed: its mtime and ctime are now.
    fn touch_dir(&mut self, path: &str) {
        let now = self.now;
        let (i, rel) = self.locate(path);
        if let Some(n) = self.mounts[i].layer.get_mut(&rel) {
            n.mtime = now;
            n.ctime = now;
        }
    }

    /// The physical path where a new entry named by `path` goes: its directory must exist and
    /// nothing may be there yet (a dangling link counts as there).
    fn new_entry(&self, path: &str) -> Result<(String, usize, String), VfsError> {
        let p = self.resolve(path, false)?;
        if self.node_at(&p).is_some() {
            return Err(VfsError::Exists);
        }
        let (i, rel) = self.writable(&p)?;
        self.room_for_entry()?;
        Ok((p, i, rel))
    }

    /// Whether a mount sits at `path` or below it.
    fn holds_mount(&self, path: &str) -> bool {
        self.mounts[1..].iter().any(|m| covers(path, &m.path))
    }

    /// Whether removing or moving `path` would take a device (or `/`) with it (EACCES).
    fn holds_device(&self, path: &str) -> bool {
        if path == "/" || path == DEV_NULL {
            return true;
        }
        // A work list over the tree seen below `path`, so deep trees cost no recursion.
        let mut todo = vec![path.to_string()];
        while let Some(p) = todo.pop() {
            match self.node_at(&p).map(|n| &n.kind) {
                Some(Kind::CharDev(..)) => return true,
                Some(Kind::Dir) => {
                    let (i, rel) = self.locate(&p);
                    for c in self.mounts[i].layer.child_names(&rel) {
                        todo.push(join(&p, &c));
                    }
                }
                _ => {}
            }
        }
        false
    }

    /// Writes (or, with `append`, appends to) a file, links followed; a new file gets the
    /// Vfs's owner and `0666` less its umask.
    pub fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), VfsError> {
        let p = match self.resolve(path, true) {
            Err(VfsError::NotFound) if self.on_proc(path) => return Err(VfsError::NotSimulated),
            r => r?,
        };
        let old = match self.node_at(&p).map(|n| &n.kind) {
            Some(Kind::CharDev(..)) => return Ok(()),
            Some(Kind::Dir) => return Err(VfsError::IsDir),
            Some(Kind::Symlink(_)) => return Err(VfsError::Loop),
            Some(Kind::File(b)) => Some(b.len()),
            None => None,
        };
        let (i, rel) = self.writable(&p)?;
        if old.is_none() {
            self.room_for_entry()?;
        }
        let (bytes, _) = self.usage();
        let in_upper = self.mounts[i]
            .layer
            .upper
            .get(&rel)
            .map_or(0, Node::content_len) as usize;
        let new_len = if append {
            old.unwrap_or(0) + data.len()
        } else {
            data.len()
        };
        if bytes - in_upper + new_len > self.limits.max_bytes {
            return Err(VfsError::NoSpace);
        }
        let now = self.now;
        let c = self.cred;
        let layer = &mut self.mounts[i].layer;
        if old.is_some() {
            layer.get_mut(&rel).ok_or(VfsError::NotFound)?;
            layer.upper.update(&rel, |n| {
                if let Kind::File(b) = &mut n.kind {
                    let b = Arc::make_mut(b);
                    if !append {
                        b.clear();
                    }
                    b.extend_from_slice(data);
                }
                n.apparent = None;
                n.mtime = now;
                n.ctime = now;
            });
        } else {
            let n = Node::file(data, 0o666 & !c.umask, c.uid, c.gid, now);
            layer.insert(&rel, n);
            self.touch_dir(&parent(&p));
        }
        Ok(())
    }

    /// Creates a directory (its parent must exist); `0777` less the umask.
    pub fn mkdir(&mut self, path: &str) -> Result<(), VfsError> {
        let (p, i, rel) = self.new_entry(path)?;
        let c = self.cred;
        let n = Node::dir(0o777 & !c.umask, c.uid, c.gid, self.now);
        self.mounts[i].layer.insert(&rel, n);
        self.touch_dir(&parent(&p));
        Ok(())
    }

    /// Creates a directory and its missing parents (a loop: paths may be deep).
    pub fn mkdir_all(&mut self, path: &str) -> Result<(), VfsError> {
        let mut missing = Vec::new();
        let mut p = path.to_string();
        while !self.is_dir(&p) {
            if self.lexists(&p) {
                return Err(if missing.is_empty() {
                    VfsError::Exists
                } else {
                    VfsError::NotDir
                });
            }
            let up = parent(&p);
            missing.push(std::mem::replace(&mut p, up));
        }
        for d in missing.into_iter().rev() {
            self.mkdir(&d)?;
        }
        Ok(())
    }

    /// Makes a symbolic link at `path` to `target` (stored as written).
    pub fn symlink(&mut self, target: &str, path: &str) -> Result<(), VfsError> {
        if target.len() > super::MAX_LINK_TARGET {
            return Err(VfsError::NameTooLong);
        }
        if target.is_empty() {
            return Err(VfsError::NotFound);
        }
        let (p, i, rel) = self.new_entry(path)?;
        if self.usage().0 + target.len() > self.limits.max_bytes {
            return Err(VfsError::NoSpace);
        }
        let c = self.cred;
        let n = Node::symlink(target, c.uid, c.gid, self.now);
        self.mounts[i].layer.insert(&rel, n);
        self.touch_dir(&parent(&p));
        Ok(())
    }

    /// Checks `path` (physical) may be taken away: not a mount point, on a writable mount.
    fn removable(&self, path: &str) -> Result<(usize, String), VfsError> {
        if self.holds_mount(path) {
            return Err(VfsError::Busy);
        }
        self.writable(path)
    }

    /// Removes a file or a symbolic link (not a directory; a link itself, not its target).
    pub fn remove_file(&mut self, path: &str) -> Result<(), VfsError> {
        let p = self.resolve(path, false)?;
        match self.node_at(&p).map(|n| &n.kind) {
            None => return Err(VfsError::NotFound),
            Some(Kind::CharDev(..)) => return Err(VfsError::PermissionDenied),
            Some(Kind::Dir) => return Err(VfsError::IsDir),
            Some(_) => {}
        }
        let (i, rel) = self.removable(&p)?;
        self.mounts[i].layer.remove_tree(&rel);
        self.touch_dir(&parent(&p));
        Ok(())
    }

    /// Removes an empty directory.
    pub fn remove_dir(&mut self, path: &str) -> Result<(), VfsError> {
        let p = self.resolve(path, false)?;
        match self.node_at(&p) {
            None => return Err(VfsError::NotFound),
            Some(n) if !n.is_dir() => return Err(VfsError::NotDir),
            Some(_) => {}
        }
        if !self.read_dir(&p)?.is_empty() {
            return Err(VfsError::NotEmpty);
        }
        let (i, rel) = self.removable(&p)?;
        self.mounts[i].layer.remove_tree(&rel);
        self.touch_dir(&parent(&p));
        Ok(())
    }

    /// Removes a file, a link or a directory tree (a link itself, not what it points to).
    pub fn remove_all(&mut self, path: &str) -> Result<(), VfsError> {
        let p = self.resolve(path, false)?;
        if self.node_at(&p).is_none() {
            return Err(VfsError::NotFound);
        }
        if self.holds_device(&p) {
            return Err(VfsError::PermissionDenied);
        }
        let (i, rel) = self.removable(&p)?;
        self.mounts[i].layer.remove_tree(&rel);
        self.touch_dir(&parent(&p));
        Ok(())
    }

    /// Renames a file, link or directory tree (links themselves). Across mounts it copies and
    /// removes, as `mv` does after EXDEV.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), VfsError> {
        let src = self.resolve(from, false)?;
        if self.node_at(&src).is_none() {
            return Err(VfsError::NotFound);
        }
        let dst = self.resolve(to, false)?;
        if self.holds_device(&src) || self.is_device(&dst) {
            return Err(VfsError::PermissionDenied);
        }
        if self.node_at(&dst).is_some_and(Node::is_dir) {
            return Err(VfsError::IsDir);
        }
        if covers(&src, &dst) && src != "/" {
            return Err(VfsError::Invalid);
        }
        if src == dst {
            return Ok(());
        }
        self.removable(&src)?;
        self.removable(&dst)?;
        // What is seen below `src`, parents first (a work list: no recursion).
        let mut moved = Vec::new();
        let mut todo = vec![src.clone()];
        while let Some(p) = todo.pop() {
            let (i, rel) = self.locate(&p);
            let Some(n) = self.mounts[i].layer.get(&rel) else {
                continue;
            };
            if n.is_dir() {
                for c in self.mounts[i].layer.child_names(&rel).into_iter().rev() {
                    todo.push(join(&p, &c));
                }
            }
            moved.push((p.clone(), n.clone()));
        }
        let (si, srel) = self.locate(&src);
        self.mounts[si].layer.remove_tree(&srel);
        let (di, drel) = self.locate(&dst);
        self.mounts[di].layer.remove_tree(&drel);
        for (p, n) in moved {
            let (i, rel) = self.locate(&format!("{dst}{}", &p[src.len()..]));
            self.mounts[i].layer.insert(&rel, n);
        }
        self.touch_dir(&parent(&src));
        self.touch_dir(&parent(&dst));
        Ok(())
    }

    /// Applies `f` to the entry `path` names (links followed unless `nofollow`); its ctime is
    /// now.
    fn change(
        &mut self,
        path: &str,
        nofollow: bool,
        f: impl FnOnce(&mut Node),
    ) -> Result<(), VfsError> {
        let p = self.resolve(path, !nofollow)?;
        if self.node_at(&p).is_none() {
            return Err(VfsError::NotFound);
        }
        let (i, rel) = self.writable(&p)?;
        let now = self.now;
        let n = self.mounts[i]
            .layer
            .get_mut(&rel)
            .ok_or(VfsError::NotFound)?;
        f(n);
        n.ctime = now;
        Ok(())
    }

    /// `chmod`: sets the permission bits (`0o7777`) of what `path` names (links followed).
    /// Only the owner (or root) may (EPERM).
    pub fn chmod(&mut self, path: &str, perm: u32) -> Result<(), VfsError> {
        let c = self.cred;
        if c.uid != 0 && self.stat(path)?.node.uid != c.uid {
            return Err(VfsError::NotPermitted);
        }
        self.change(path, false, |n| n.perm = perm & 0o7777)
    }

    /// `chown`: sets the owner and/or group (`nofollow`: of a link itself, `chown -h`).
    pub fn chown(
        &mut self,
        path: &str,
        uid: Option<u32>,
        gid: Option<u32>,
        nofollow: bool,
    ) -> Result<(), VfsError> {
        // Only root gives a file away; an owner may set its group to its own.
        let c = self.cred;
        let st = if nofollow {
            self.lstat(path)?
        } else {
            self.stat(path)?
        };
        if c.uid != 0
            && (uid.is_some_and(|u| u != st.node.uid)
                || st.node.uid != c.uid
                || gid.is_some_and(|g| g != st.node.gid && g != c.gid))
        {
            return Err(VfsError::NotPermitted);
        }
        self.change(path, nofollow, |n| {
            if let Some(u) = uid {
                n.uid = u;
            }
            if let Some(g) = gid {
                n.gid = g;
            }
        })
    }

    /// `touch`: sets the access and modification times.
    pub fn set_times(&mut self, path: &str, atime: i64, mtime: i64) -> Result<(), VfsError> {
        self.change(path, false, |n| {
            n.atime = atime;
            n.mtime = mtime;
        })
    }

    /// `touch -h`: sets the times of a link itself.
    pub fn lset_times(&mut self, path: &str, atime: i64, mtime: i64) -> Result<(), VfsError> {
        self.change(path, true, |n| {
            n.atime = atime;
            n.mtime = mtime;
        })
    }

    /// Makes the mount point for a mount at `path` (directories on the way as needed, made as
    /// root `0755` whatever the mounts' read-only flags, as the runtime does), and returns its
    /// physical path.
    pub(super) fn make_mount_point(&mut self, path: &str, dir: bool) -> Result<String, VfsError> {
        let comps: Vec<&str> = path.split('/').filter(|c| !c.is_empty()).collect();
        let mut at = "/".to_string();
        for (k, c) in comps.iter().enumerate() {
            let p = self.resolve(&join(&at, c), true)?;
            if self.node_at(&p).is_none() {
                let now = self.now;
                let n = if dir || k + 1 < comps.len() {
                    Node::dir(0o755, 0, 0, now)
                } else {
                    Node::file(b"", 0o644, 0, 0, now)
                };
                let (i, rel) = self.locate(&p);
                self.mounts[i].layer.insert(&rel, n);
                self.touch_dir(&parent(&p));
            } else if k + 1 < comps.len() && !self.node_at(&p).is_some_and(Node::is_dir) {
                return Err(VfsError::NotDir);
            }
            at = p;
        }
        Ok(at)
    }
}
