//! Building a [`RootFs`]: entries by path (a later entry replaces an earlier one, as a later image
//! layer does), parent directories made as needed, programs placed in directories.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::{FileKind, ImageFile, RootFs};
use crate::shell::{Dialect, Userland};

/// A root file system under construction.
#[derive(Debug, Clone)]
pub struct Builder {
    pub os: String,
    pub userland: Userland,
    pub sh: Option<Dialect>,
    pub programs: BTreeMap<String, String>,
    pub files: BTreeMap<String, ImageFile>,
    pub sizes: BTreeMap<String, u64>,
}

fn parent(path: &str) -> Option<&str> {
    let i = path.rfind('/')?;
    if i == 0 {
        if path.len() > 1 { Some("/") } else { None }
    } else {
        Some(&path[..i])
    }
}

impl Builder {
    /// An empty file system (no directories at all: `FROM scratch`).
    pub fn new(os: &str, userland: Userland, sh: Option<Dialect>) -> Builder {
        Builder {
            os: os.into(),
            userland,
            sh,
            programs: BTreeMap::new(),
            files: BTreeMap::new(),
            sizes: BTreeMap::new(),
        }
    }

    /// Records the real sizes of program binaries (`(path, bytes)`, paths where the binaries
    /// really are, not links to them).
    pub fn sizes(&mut self, sizes: &[(&str, u64)]) -> &mut Self {
        for (p, n) in sizes {
            self.sizes.insert((*p).to_string(), *n);
        }
        self
    }

    /// Continues from a finished file system (`FROM base`).
    pub fn from(base: &RootFs) -> Builder {
        Builder {
            os: base.os.clone(),
            userland: base.userland,
            sh: base.sh,
            programs: base.programs.clone(),
            files: base
                .files
                .iter()
                .map(|f| (f.path.clone(), f.clone()))
                .collect(),
            sizes: base.sizes.clone(),
        }
    }

    /// Makes the parent directories of `path` that are missing (0755 root), as `mkdir -p`.
    fn parents(&mut self, path: &str) {
        let mut missing = Vec::new();
        let mut p = parent(path);
        while let Some(d) = p {
            if d == "/" || self.files.contains_key(d) {
                break;
            }
            missing.push(d.to_string());
            p = parent(d);
        }
        for d in missing {
            self.put(&d, 0o755, 0, 0, FileKind::Dir);
        }
    }

    fn put(&mut self, path: &str, mode: u32, uid: u32, gid: u32, kind: FileKind) {
        self.files.insert(
            path.to_string(),
            ImageFile {
                path: path.to_string(),
                mode,
                uid,
                gid,
                kind,
            },
        );
    }

    /// A directory (replacing whatever was at `path`).
    pub fn dir(&mut self, path: &str, mode: u32, uid: u32, gid: u32) -> &mut Self {
        self.parents(path);
        self.put(path, mode, uid, gid, FileKind::Dir);
        self
    }

    /// Directories 0755 root:root.
    pub fn dirs(&mut self, paths: &[&str]) -> &mut Self {
        for p in paths {
            self.dir(p, 0o755, 0, 0);
        }
        self
    }

    /// A regular file.
    pub fn file(&mut self, path: &str, mode: u32, uid: u32, gid: u32, content: &str) -> &mut Self {
        self.file_bytes(path, mode, uid, gid, content.as_bytes())
    }

    /// A regular file from bytes.
    pub fn file_bytes(
        &mut self,
        path: &str,
        mode: u32,
        uid: u32,
        gid: u32,
        content: &[u8],
    ) -> &mut Self {
        self.parents(path);
        self.put(path, mode, uid, gid, FileKind::File(Rc::from(content)));
        self
    }

    /// A 0644 root:root file.
    pub fn text(&mut self, path: &str, content: &str) -> &mut Self {
        self.file(path, 0o644, 0, 0, content)
    }

    /// A symbolic link (mode 0777, root).
    pub fn link(&mut self, path: &str, target: &str) -> &mut Self {
        self.parents(path);
        self.put(path, 0o777, 0, 0, FileKind::Symlink(target.to_string()));
        self
    }

    /// Programs `names` in directory `dir` (each under its own name).
    pub fn programs(&mut self, dir: &str, names: &[&str]) -> &mut Self {
        if !names.is_empty() {
            self.parents(&format!("{dir}/-"));
        }
        for n in names {
            self.programs.insert(format!("{dir}/{n}"), n.to_string());
        }
        self
    }

    /// One program at an absolute path, named after its last component.
    pub fn program(&mut self, path: &str) -> &mut Self {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.parents(path);
        self.programs.insert(path.to_string(), name.to_string());
        self
    }

    /// Removes programs (a package purged, an applet the variant lacks).
    pub fn without_programs(&mut self, dir: &str, names: &[&str]) -> &mut Self {
        for n in names {
            self.programs.remove(&format!("{dir}/{n}"));
        }
        self
    }

    /// Removes an entry (and everything under it when it is a directory).
    pub fn remove(&mut self, path: &str) -> &mut Self {
        let prefix = format!("{path}/");
        self.files
            .retain(|p, _| p != path && !p.starts_with(&prefix));
        self
    }

    /// The finished file system.
    pub fn finish(self) -> RootFs {
        RootFs {
            os: self.os,
            userland: self.userland,
            sh: self.sh,
            programs: self.programs,
            files: self.files.into_values().collect(),
            sizes: self.sizes,
        }
    }
}

/// The Filesystem Hierarchy skeleton most distributions share, with the real modes: `/tmp` and
/// `/var/tmp` 1777, `/root` 0700, the rest 0755 root.
pub fn fhs(b: &mut Builder) {
    b.dirs(&[
        "/boot",
        "/dev",
        "/etc",
        "/home",
        "/media",
        "/mnt",
        "/opt",
        "/proc",
        "/run",
        "/srv",
        "/sys",
        "/usr",
        "/usr/bin",
        "/usr/include",
        "/usr/lib",
        "/usr/local",
        "/usr/local/bin",
        "/usr/local/etc",
        "/usr/local/games",
        "/usr/local/include",
        "/usr/local/lib",
        "/usr/local/sbin",
        "/usr/local/share",
        "/usr/local/src",
        "/usr/sbin",
        "/usr/share",
        "/usr/src",
        "/var",
        "/var/backups",
        "/var/cache",
        "/var/lib",
        "/var/local",
        "/var/log",
        "/var/opt",
        "/var/spool",
    ]);
    b.dir("/tmp", 0o1777, 0, 0);
    b.dir("/var/tmp", 0o1777, 0, 0);
    b.dir("/root", 0o700, 0, 0);
}

/// `/bin`, `/sbin`, `/lib`, `/lib64` as symlinks into `/usr` (merged /usr: Debian 12, Ubuntu
/// 20.04+, RHEL/UBI 8+).
pub fn merged_usr(b: &mut Builder) {
    b.dirs(&["/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64"]);
    b.link("/bin", "usr/bin");
    b.link("/sbin", "usr/sbin");
    b.link("/lib", "usr/lib");
    b.link("/lib64", "usr/lib64");
}

/// `/bin`, `/sbin`, `/lib` as real directories (Debian ≤ 11 non-merged, Ubuntu 18.04, Alpine).
pub fn split_usr(b: &mut Builder) {
    b.dirs(&["/bin", "/sbin", "/lib", "/usr/bin", "/usr/sbin", "/usr/lib"]);
}

/// Adds a line to a text file (made 0644 root when missing), keeping its mode and owner.
pub fn append_line(b: &mut Builder, path: &str, line: &str) {
    let (mode, uid, gid, mut text) = match b.files.get(path) {
        Some(ImageFile {
            mode,
            uid,
            gid,
            kind: FileKind::File(c),
            ..
        }) => (*mode, *uid, *gid, String::from_utf8_lossy(c).into_owned()),
        _ => (0o644, 0, 0, String::new()),
    };
    text.push_str(line);
    text.push('\n');
    b.file(path, mode, uid, gid, &text);
}

/// Adds a user as `useradd`/`adduser` writes it: `/etc/passwd` and, when `group` is new, an
/// `/etc/group` line. (`/etc/shadow` is not described: its dates are the build's.)
#[allow(clippy::too_many_arguments)]
pub fn add_user(
    b: &mut Builder,
    user: &str,
    uid: u32,
    group: &str,
    gid: u32,
    gecos: &str,
    home: &str,
    shell: &str,
) {
    append_line(
        b,
        "/etc/passwd",
        &format!("{user}:x:{uid}:{gid}:{gecos}:{home}:{shell}"),
    );
    add_group(b, group, gid);
}

/// Adds a group line unless the group exists.
pub fn add_group(b: &mut Builder, group: &str, gid: u32) {
    let exists = match b.files.get("/etc/group") {
        Some(ImageFile {
            kind: FileKind::File(c),
            ..
        }) => String::from_utf8_lossy(c)
            .lines()
            .any(|l| l.split(':').next() == Some(group)),
        _ => false,
    };
    if !exists {
        append_line(b, "/etc/group", &format!("{group}:x:{gid}:"));
    }
}
