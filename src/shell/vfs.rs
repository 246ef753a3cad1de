//! The student's virtual workstation files: an in-memory tree rooted at `/`, with the home
//! directory `/home/student` and the device `/dev/null` (reads as empty, swallows writes).
//! Nothing here touches the host's file system. Sizes are capped so a runaway loop cannot
//! exhaust memory.

use std::collections::BTreeMap;

/// The student's home directory.
pub const HOME: &str = "/home/student";

/// The null device.
pub const DEV_NULL: &str = "/dev/null";

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

#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Dir,
    /// `/dev/null`: empty to read, discards writes, owned by root.
    Null,
}

/// A file-system error; `Display` is the C library's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VfsError {
    /// ENOENT.
    NotFound,
    /// EISDIR.
    IsDir,
    /// ENOTDIR.
    NotDir,
    /// EEXIST.
    Exists,
    /// ENOTEMPTY.
    NotEmpty,
    /// ENOSPC (kubelab's size cap).
    NoSpace,
    /// EACCES (what the student may not remove: `/dev/null`).
    PermissionDenied,
    /// EROFS: a read-only mount (a container's ConfigMap or Secret volume).
    ReadOnly,
}

impl std::fmt::Display for VfsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VfsError::NotFound => "No such file or directory",
            VfsError::IsDir => "Is a directory",
            VfsError::NotDir => "Not a directory",
            VfsError::Exists => "File exists",
            VfsError::NotEmpty => "Directory not empty",
            VfsError::NoSpace => "No space left on device",
            VfsError::PermissionDenied => "Permission denied",
            VfsError::ReadOnly => "Read-only file system",
        })
    }
}

/// The files.
#[derive(Debug, Clone)]
pub struct Vfs {
    entries: BTreeMap<String, Entry>,
    bytes: usize,
    limits: VfsLimits,
    /// Directories mounted read-only (a container's ConfigMap and Secret volumes): nothing in
    /// or under them may be written, created, removed or renamed (EROFS).
    read_only: Vec<String>,
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

impl Vfs {
    /// `/`, `/tmp`, `/home` and the home directory, empty.
    pub fn new() -> Vfs {
        let mut v = Vfs::bare();
        for d in ["/tmp", "/home", HOME] {
            v.entries.insert(d.to_string(), Entry::Dir);
        }
        v
    }

    /// Only `/`, `/dev` and `/dev/null` (a container's root before its image is laid on it).
    pub fn bare() -> Vfs {
        let mut v = Vfs {
            entries: BTreeMap::new(),
            bytes: 0,
            limits: VfsLimits::default(),
            read_only: Vec::new(),
        };
        for d in ["/", "/dev"] {
            v.entries.insert(d.to_string(), Entry::Dir);
        }
        v.entries.insert(DEV_NULL.to_string(), Entry::Null);
        v
    }

    /// Marks the directory `path` (normalized) and everything under it read-only.
    pub fn add_read_only(&mut self, path: &str) {
        self.read_only.push(path.to_string());
    }

    /// EROFS when `path` is in or under a read-only directory.
    fn writable(&self, path: &str) -> Result<(), VfsError> {
        let inside = |ro: &String| {
            path == ro
                || ro == "/"
                || path
                    .strip_prefix(ro.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        if self.read_only.iter().any(inside) {
            return Err(VfsError::ReadOnly);
        }
        Ok(())
    }

    /// Every path with its content (`None` for a directory or a device), in path order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&[u8]>)> {
        self.entries.iter().map(|(k, e)| {
            (
                k.as_str(),
                match e {
                    Entry::File(b) => Some(b.as_slice()),
                    Entry::Dir | Entry::Null => None,
                },
            )
        })
    }

    /// Sets the caps.
    pub fn with_limits(mut self, limits: VfsLimits) -> Vfs {
        self.limits = limits;
        self
    }

    /// Whether `path` (normalized) exists.
    pub fn exists(&self, path: &str) -> bool {
        self.entries.contains_key(path)
    }

    /// Whether `path` is a regular file.
    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::File(_)))
    }

    /// Whether `path` is a device (`/dev/null`).
    pub fn is_device(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::Null))
    }

    /// Whether removing or moving `path` would take a device with it (EACCES for the student).
    fn holds_device(&self, path: &str) -> bool {
        path == "/"
            || DEV_NULL == path
            || DEV_NULL
                .strip_prefix(path)
                .is_some_and(|r| r.starts_with('/'))
    }

    /// Whether `path` is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        matches!(self.entries.get(path), Some(Entry::Dir))
    }

    /// A file's content.
    pub fn read(&self, path: &str) -> Result<&[u8], VfsError> {
        match self.entries.get(path) {
            Some(Entry::File(b)) => Ok(b),
            Some(Entry::Null) => Ok(&[]),
            Some(Entry::Dir) => Err(VfsError::IsDir),
            None => Err(VfsError::NotFound),
        }
    }

    fn check_parent(&self, path: &str) -> Result<(), VfsError> {
        match self.entries.get(&parent(path)) {
            Some(Entry::Dir) => Ok(()),
            Some(Entry::File(_) | Entry::Null) => Err(VfsError::NotDir),
            None => Err(VfsError::NotFound),
        }
    }

    /// Writes (or, with `append`, appends to) a file.
    pub fn write(&mut self, path: &str, data: &[u8], append: bool) -> Result<(), VfsError> {
        self.check_parent(path)?;
        if !self.is_device(path) {
            self.writable(path)?;
        }
        let old = match self.entries.get(path) {
            Some(Entry::Null) => return Ok(()),
            Some(Entry::Dir) => return Err(VfsError::IsDir),
            Some(Entry::File(b)) => b.len(),
            None => {
                if self.entries.len() >= self.limits.max_entries {
                    return Err(VfsError::NoSpace);
                }
                0
            }
        };
        let new_len = if append { old + data.len() } else { data.len() };
        if self.bytes - old + new_len > self.limits.max_bytes {
            return Err(VfsError::NoSpace);
        }
        self.bytes = self.bytes - old + new_len;
        match self
            .entries
            .entry(path.to_string())
            .or_insert_with(|| Entry::File(Vec::new()))
        {
            Entry::File(b) => {
                if !append {
                    b.clear();
                }
                b.extend_from_slice(data);
            }
            Entry::Dir | Entry::Null => return Err(VfsError::IsDir),
        }
        Ok(())
    }

    /// Creates a directory (its parent must exist).
    pub fn mkdir(&mut self, path: &str) -> Result<(), VfsError> {
        if self.entries.contains_key(path) {
            return Err(VfsError::Exists);
        }
        self.check_parent(path)?;
        self.writable(path)?;
        if self.entries.len() >= self.limits.max_entries {
            return Err(VfsError::NoSpace);
        }
        self.entries.insert(path.to_string(), Entry::Dir);
        Ok(())
    }

    /// Creates a directory and its missing parents (a loop: paths may be deep).
    pub fn mkdir_all(&mut self, path: &str) -> Result<(), VfsError> {
        let mut missing = Vec::new();
        let mut p = path.to_string();
        while !self.is_dir(&p) {
            if self.exists(&p) {
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

    /// The names in a directory, sorted.
    pub fn read_dir(&self, path: &str) -> Result<Vec<String>, VfsError> {
        match self.entries.get(path) {
            Some(Entry::Dir) => {}
            Some(Entry::File(_) | Entry::Null) => return Err(VfsError::NotDir),
            None => return Err(VfsError::NotFound),
        }
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        Ok(self
            .entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len() && !k[prefix.len()..].contains('/'))
            .map(|(k, _)| k[prefix.len()..].to_string())
            .collect())
    }

    /// Removes a file (not a directory).
    pub fn remove_file(&mut self, path: &str) -> Result<(), VfsError> {
        match self.entries.get(path) {
            Some(Entry::File(_)) if self.writable(path).is_err() => Err(VfsError::ReadOnly),
            Some(Entry::File(b)) => {
                self.bytes -= b.len();
                self.entries.remove(path);
                Ok(())
            }
            Some(Entry::Null) => Err(VfsError::PermissionDenied),
            Some(Entry::Dir) => Err(VfsError::IsDir),
            None => Err(VfsError::NotFound),
        }
    }

    /// Removes an empty directory.
    pub fn remove_dir(&mut self, path: &str) -> Result<(), VfsError> {
        if !self.is_dir(path) {
            return Err(if self.exists(path) {
                VfsError::NotDir
            } else {
                VfsError::NotFound
            });
        }
        if !self.read_dir(path)?.is_empty() {
            return Err(VfsError::NotEmpty);
        }
        self.writable(path)?;
        self.entries.remove(path);
        Ok(())
    }

    /// Removes a file or a directory tree.
    pub fn remove_all(&mut self, path: &str) -> Result<(), VfsError> {
        if !self.exists(path) {
            return Err(VfsError::NotFound);
        }
        if self.holds_device(path) {
            return Err(VfsError::PermissionDenied);
        }
        self.writable(path)?;
        let prefix = format!("{path}/");
        if self.read_only.iter().any(|ro| ro.starts_with(&prefix)) {
            // A read-only mount inside: it cannot be removed.
            return Err(VfsError::ReadOnly);
        }
        let doomed: Vec<String> = self
            .entries
            .keys()
            .filter(|k| *k == path || k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in doomed {
            if let Some(Entry::File(b)) = self.entries.remove(&k) {
                self.bytes -= b.len();
            }
        }
        Ok(())
    }

    /// Renames a file or directory tree.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<(), VfsError> {
        if !self.exists(from) {
            return Err(VfsError::NotFound);
        }
        if self.holds_device(from) || self.is_device(to) {
            return Err(VfsError::PermissionDenied);
        }
        self.writable(from)?;
        self.writable(to)?;
        self.check_parent(to)?;
        let prefix = format!("{from}/");
        let moved: Vec<String> = self
            .entries
            .keys()
            .filter(|k| *k == from || k.starts_with(&prefix))
            .cloned()
            .collect();
        if self.is_dir(to) {
            return Err(VfsError::IsDir);
        }
        for k in moved {
            let e = self.entries.remove(&k).expect("listed");
            let nk = format!("{to}{}", &k[from.len()..]);
            if let Some(Entry::File(b)) = self.entries.insert(nk, e) {
                self.bytes -= b.len();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_and_dirs() {
        let mut v = Vfs::new();
        v.write("/home/student/a.yaml", b"x", false).unwrap();
        v.write("/home/student/a.yaml", b"y", true).unwrap();
        assert_eq!(v.read("/home/student/a.yaml").unwrap(), b"xy");
        v.mkdir_all("/home/student/d/e").unwrap();
        assert_eq!(v.read_dir(HOME).unwrap(), vec!["a.yaml", "d"]);
        assert_eq!(v.write("/nope/x", b"", false), Err(VfsError::NotFound));
        assert_eq!(normalize("/home/student", "../x/./y"), "/home/x/y");
        v.remove_all("/home/student/d").unwrap();
        assert_eq!(v.read_dir(HOME).unwrap(), vec!["a.yaml"]);
    }

    #[test]
    fn read_only_directories_refuse_every_change() {
        let mut v = Vfs::bare();
        v.mkdir_all("/etc/config").unwrap();
        v.write("/etc/config/MODE", b"prod", false).unwrap();
        v.add_read_only("/etc/config");
        let ro = Err(VfsError::ReadOnly);
        assert_eq!(v.write("/etc/config/MODE", b"x", false), ro);
        assert_eq!(v.write("/etc/config/new", b"x", false), ro);
        assert_eq!(v.mkdir("/etc/config/d"), ro);
        assert_eq!(v.remove_file("/etc/config/MODE"), ro);
        assert_eq!(v.remove_all("/etc"), ro);
        assert_eq!(v.rename("/etc/config/MODE", "/etc/m"), ro);
        assert_eq!(v.read("/etc/config/MODE").unwrap(), b"prod");
        // Next to it, everything is writable; /dev/null still swallows writes.
        v.write("/etc/configx", b"x", false).unwrap();
        v.write(DEV_NULL, b"x", false).unwrap();
        assert_eq!(VfsError::ReadOnly.to_string(), "Read-only file system");
    }

    #[test]
    fn dev_null_reads_empty_and_swallows_writes() {
        let mut v = Vfs::new();
        assert_eq!(v.read(DEV_NULL).unwrap(), b"");
        v.write(DEV_NULL, b"gone", true).unwrap();
        assert_eq!(v.read(DEV_NULL).unwrap(), b"");
        assert!(v.exists(DEV_NULL) && !v.is_file(DEV_NULL) && !v.is_dir(DEV_NULL));
        assert_eq!(v.read_dir("/dev").unwrap(), vec!["null"]);
        assert_eq!(v.remove_file(DEV_NULL), Err(VfsError::PermissionDenied));
        assert_eq!(v.remove_all("/dev"), Err(VfsError::PermissionDenied));
        assert_eq!(
            v.rename(DEV_NULL, "/tmp/n"),
            Err(VfsError::PermissionDenied)
        );
        assert_eq!(v.write("/dev/null/x", b"", false), Err(VfsError::NotDir));
    }
}
