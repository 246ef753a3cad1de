//! The root file system of an image: its userland, what `/bin/sh` is, the programs on its PATH and
//! the files the course touches (`/etc/os-release`, `/etc/passwd`, nginx's configuration and
//! pages, ...), with their modes and owners, as the real image has them.
//!
//! Shipped images name a [`Family`] (described in Rust data, one file per image family, built
//! once per thread and shared); a lab author's image (`registry.push(ref, #{files: ...})`) carries
//! its own [`RootFs`] built on a family ([`custom`]). Programs' binaries are not files here: the
//! `programs` map says which paths hold which program.

mod alpine;
mod apps;
mod bookworm;
mod build;
mod busybox;
mod ceph;
pub mod custom;
mod debian;
mod family;
mod kube;
mod mongo;
mod nginx;
mod nginx_texts;
mod rhel;
mod ubuntu;

use std::collections::BTreeMap;
use std::rc::Rc;

use sha2::{Digest, Sha256};

pub use family::Family;

use crate::shell::{Dialect, Userland};

/// One entry of an image's file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// Absolute, normalised path (`/etc/passwd`).
    pub path: String,
    /// Permission bits, e.g. `0o644` (with `0o1000` sticky, `0o4000` setuid).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// What it is.
    pub kind: FileKind,
}

/// What a file system entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file and its bytes.
    File(Rc<[u8]>),
    /// A directory.
    Dir,
    /// A symbolic link and its target, as stored (relative or absolute).
    Symlink(String),
}

/// The root file system of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootFs {
    /// The distribution: `busybox`, `debian`, `alpine`, `ubuntu`, `ubi`, `ol` (Oracle Linux),
    /// `scratch`.
    pub os: String,
    /// Whose `ls`/`cat`/`rm` the image has.
    pub userland: Userland,
    /// What `/bin/sh` is; `None`: the image has no shell.
    pub sh: Option<Dialect>,
    /// Absolute path on disk → program name (`/usr/bin/ls` → `ls`, `/bin/sh` → `sh`). A path
    /// under a directory symlink (`/bin` → `usr/bin` in merged-/usr images) is listed at its real
    /// place only; [`RootFs::find_program`] follows the links.
    pub programs: BTreeMap<String, String>,
    /// The files, directories and symlinks the course touches (not the programs' binaries),
    /// sorted by path.
    pub files: Vec<ImageFile>,
    /// Real sizes of program binaries (real path → bytes), where a source gives them: the
    /// placeholder written for the program reports this size (`ls -l`, `stat`, `du`).
    pub sizes: BTreeMap<String, u64>,
}

/// How many symbolic links a lookup follows before giving up (Linux's `MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Follows symbolic links in `path`, component by component: `link_at(p)` gives the target of
/// the link at `p`, if `p` is one. `None` after [`MAX_LINKS`] links (a loop).
pub fn resolve_with(path: &str, link_at: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut pending: Vec<String> = normalize("/", path)
        .split('/')
        .filter(|c| !c.is_empty())
        .rev()
        .map(str::to_string)
        .collect();
    let mut done = String::new();
    let mut hops = 0;
    while let Some(c) = pending.pop() {
        if c == ".." {
            if let Some(i) = done.rfind('/') {
                done.truncate(i);
            }
            continue;
        }
        if c == "." {
            continue;
        }
        let next = format!("{done}/{c}");
        match link_at(&next) {
            Some(target) => {
                hops += 1;
                if hops > MAX_LINKS {
                    return None;
                }
                if target.starts_with('/') {
                    done.clear();
                }
                for t in target.split('/').filter(|t| !t.is_empty()).rev() {
                    pending.push(t.to_string());
                }
            }
            None => done = next,
        }
    }
    Some(if done.is_empty() { "/".into() } else { done })
}

/// The PATH the container runtime gives a process whose image sets none (containerd's
/// `oci.WithDefaultPathEnv`).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Joins `path` onto `cwd` (when relative) and removes `.`, `..` and repeated slashes.
pub use crate::shell::vfs::normalize;

impl RootFs {
    /// The entry at `path` (exact, not following links).
    pub fn file(&self, path: &str) -> Option<&ImageFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// `path` with every symbolic link of the image followed (directories and the last
    /// component alike); `None` on a loop. The result need not exist.
    pub fn resolve(&self, path: &str) -> Option<String> {
        resolve_with(path, |p| match self.file(p).map(|f| &f.kind) {
            Some(FileKind::Symlink(t)) => Some(t.clone()),
            _ => None,
        })
    }

    /// The program at `path` (absolute), following the image's symlinks.
    pub fn program_at(&self, path: &str) -> Option<&str> {
        if let Some(p) = self.programs.get(path) {
            return Some(p);
        }
        let real = self.resolve(path)?;
        self.programs.get(&real).map(String::as_str)
    }

    /// Looks `name` up as execve/the runtime does: an argument containing '/' is a path
    /// (absolute, or relative to `cwd`); else each directory of `path_env` (a $PATH value) in
    /// order (an empty entry is the current directory). Returns (absolute path, program name).
    pub fn find_program(&self, name: &str, path_env: &str, cwd: &str) -> Option<(String, String)> {
        if name.is_empty() {
            return None;
        }
        if name.contains('/') {
            let path = normalize(cwd, name);
            return self
                .program_at(&path)
                .map(|p| (path.clone(), p.to_string()));
        }
        for dir in path_env.split(':') {
            let dir = if dir.is_empty() { cwd } else { dir };
            let path = normalize(cwd, &format!("{dir}/{name}"));
            if let Some(p) = self.program_at(&path) {
                return Some((path, p.to_string()));
            }
        }
        None
    }

    /// Whether the image has a program named `name` anywhere (under any path).
    pub fn has_program(&self, name: &str) -> bool {
        self.programs.values().any(|p| p == name)
    }

    /// The distinct program names, sorted (what a shell profile's `programs` takes).
    pub fn program_names(&self) -> std::collections::BTreeSet<String> {
        self.programs.values().cloned().collect()
    }

    /// The text of the regular file at `path` (following links), if any.
    pub fn read(&self, path: &str) -> Option<&[u8]> {
        let real = self.resolve(path)?;
        match &self.file(&real)?.kind {
            FileKind::File(b) => Some(b),
            _ => None,
        }
    }

    /// A sha256 over everything this file system holds, in a canonical order (what a lab
    /// image's digest takes in).
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        let mut put = |b: &[u8]| {
            h.update((b.len() as u64).to_be_bytes());
            h.update(b);
        };
        put(self.os.as_bytes());
        put(format!("{:?}/{:?}", self.userland, self.sh).as_bytes());
        for (path, name) in &self.programs {
            put(path.as_bytes());
            put(name.as_bytes());
        }
        for f in &self.files {
            put(f.path.as_bytes());
            put(format!("{:o}:{}:{}", f.mode, f.uid, f.gid).as_bytes());
            match &f.kind {
                FileKind::File(b) => {
                    put(b"f");
                    put(b);
                }
                FileKind::Dir => put(b"d"),
                FileKind::Symlink(t) => {
                    put(b"l");
                    put(t.as_bytes());
                }
            }
        }
        crate::world::seed::hex(&h.finalize())
    }
}

/// Where an image's root file system comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootFsSource {
    /// A shipped family (not part of the digest: the image's `content` already names it).
    Shipped(Family),
    /// A lab author's file system (its [`RootFs::fingerprint`] is part of the digest).
    Custom(Rc<RootFs>),
}

impl Default for RootFsSource {
    fn default() -> Self {
        RootFsSource::Shipped(Family::DEFAULT)
    }
}

impl RootFsSource {
    /// The file system itself.
    pub fn get(&self) -> Rc<RootFs> {
        match self {
            RootFsSource::Shipped(f) => f.rootfs(),
            RootFsSource::Custom(r) => r.clone(),
        }
    }

    /// What the image digest takes in: nothing for shipped families (their digests predate root
    /// file systems and must not move), the fingerprint for a lab author's.
    pub fn digest_part(&self) -> Option<String> {
        match self {
            RootFsSource::Shipped(_) => None,
            RootFsSource::Custom(r) => Some(r.fingerprint()),
        }
    }
}

/// The root file system of an image (shared, immutable).
pub fn rootfs_of(spec: &crate::world::registry::ImageSpec) -> Rc<RootFs> {
    spec.rootfs.get()
}

#[cfg(test)]
mod tests;
