//! An image's root file system: its userland, its `/bin/sh`, the programs on its PATH and the
//! files the course touches.
//!
//! PLACEHOLDER: this is the minimal version `World::exec` is built against (two families, chosen
//! by the image's name: busybox images, everything else Debian-like). The full module (every
//! shipped image described in data, lab authors' files and programs) replaces it with this same
//! API.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::shell::{Dialect, Userland};
use crate::world::registry::ImageSpec;

/// One file of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFile {
    /// Absolute path.
    pub path: String,
    /// Permission bits (`0o755`).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// Group.
    pub gid: u32,
    /// What it is.
    pub kind: FileKind,
}

/// A file's kind and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file.
    File(Rc<[u8]>),
    /// A directory.
    Dir,
    /// A symbolic link to this target.
    Symlink(String),
}

/// An image's root file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootFs {
    /// `/etc/os-release`'s ID (`busybox`, `debian`).
    pub os: String,
    /// Whose utilities it has.
    pub userland: Userland,
    /// What `/bin/sh` is, if the image has one.
    pub sh: Option<Dialect>,
    /// Executables: absolute path -> program name (`/bin/sh` -> `dash` on Debian).
    pub programs: BTreeMap<String, String>,
    /// Its files (directories first, then files, in path order).
    pub files: Vec<ImageFile>,
}

impl RootFs {
    /// Looks `name` up as execve(2) through a shell or the runtime does: a name with a `/` is a
    /// path (relative to `cwd`), otherwise each directory of `path_env` in turn (an empty entry
    /// is `cwd`). Returns (absolute path, program name).
    pub fn find_program(&self, name: &str, path_env: &str, cwd: &str) -> Option<(String, String)> {
        if name.is_empty() {
            return None;
        }
        if name.contains('/') {
            let abs = crate::shell::vfs::normalize(cwd, name);
            return self.programs.get(&abs).map(|p| (abs, p.clone()));
        }
        for dir in path_env.split(':') {
            let dir = if dir.is_empty() { cwd } else { dir };
            let abs = crate::shell::vfs::normalize(cwd, &format!("{dir}/{name}"));
            if let Some(p) = self.programs.get(&abs) {
                return Some((abs, p.clone()));
            }
        }
        None
    }
}

/// busybox 1.36's applets (the official image links every one into `/bin`).
const BUSYBOX_APPLETS: &[&str] = &[
    "[",
    "[[",
    "addgroup",
    "adduser",
    "ar",
    "arch",
    "arp",
    "ash",
    "awk",
    "base32",
    "base64",
    "basename",
    "bc",
    "blkid",
    "bunzip2",
    "bzcat",
    "bzip2",
    "cal",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "chroot",
    "cksum",
    "clear",
    "cmp",
    "comm",
    "cp",
    "cpio",
    "crond",
    "crontab",
    "cut",
    "date",
    "dc",
    "dd",
    "deluser",
    "df",
    "diff",
    "dirname",
    "dmesg",
    "dnsdomainname",
    "dos2unix",
    "du",
    "echo",
    "ed",
    "egrep",
    "env",
    "expand",
    "expr",
    "factor",
    "fallocate",
    "false",
    "fgrep",
    "find",
    "flock",
    "fold",
    "free",
    "fsync",
    "ftpget",
    "ftpput",
    "fuser",
    "getopt",
    "grep",
    "groups",
    "gunzip",
    "gzip",
    "halt",
    "hd",
    "head",
    "hexdump",
    "hostid",
    "hostname",
    "httpd",
    "hush",
    "id",
    "ifconfig",
    "init",
    "install",
    "ip",
    "ipcalc",
    "kill",
    "killall",
    "last",
    "less",
    "link",
    "ln",
    "logger",
    "login",
    "logname",
    "ls",
    "lsof",
    "md5sum",
    "mkdir",
    "mkfifo",
    "mknod",
    "mktemp",
    "more",
    "mount",
    "mv",
    "nc",
    "netstat",
    "nice",
    "nl",
    "nohup",
    "nproc",
    "nslookup",
    "od",
    "passwd",
    "paste",
    "patch",
    "pgrep",
    "pidof",
    "ping",
    "ping6",
    "pkill",
    "pmap",
    "poweroff",
    "printenv",
    "printf",
    "ps",
    "pstree",
    "pwd",
    "pwdx",
    "readlink",
    "realpath",
    "reboot",
    "renice",
    "reset",
    "rev",
    "rm",
    "rmdir",
    "route",
    "sed",
    "seq",
    "setsid",
    "sh",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "shred",
    "shuf",
    "sleep",
    "sort",
    "split",
    "stat",
    "strings",
    "stty",
    "su",
    "sum",
    "sync",
    "sysctl",
    "tac",
    "tail",
    "tar",
    "tee",
    "telnet",
    "test",
    "tftp",
    "time",
    "timeout",
    "top",
    "touch",
    "tr",
    "traceroute",
    "true",
    "truncate",
    "tty",
    "umount",
    "uname",
    "uniq",
    "unix2dos",
    "unlink",
    "unxz",
    "unzip",
    "uptime",
    "usleep",
    "uudecode",
    "uuencode",
    "vi",
    "watch",
    "wc",
    "wget",
    "which",
    "who",
    "whoami",
    "xargs",
    "xxd",
    "xz",
    "xzcat",
    "yes",
    "zcat",
];

/// A Debian image's programs in `/usr/bin` (bash, dash, GNU coreutils, grep, sed, findutils,
/// and the other Essential packages).
const DEBIAN_USR_BIN: &[&str] = &[
    "[",
    "arch",
    "b2sum",
    "base32",
    "base64",
    "basename",
    "bash",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "cksum",
    "clear",
    "cmp",
    "comm",
    "cp",
    "csplit",
    "cut",
    "dash",
    "date",
    "dd",
    "df",
    "diff",
    "dir",
    "dirname",
    "du",
    "echo",
    "egrep",
    "env",
    "expand",
    "expr",
    "factor",
    "false",
    "fgrep",
    "find",
    "fmt",
    "fold",
    "getent",
    "grep",
    "groups",
    "gunzip",
    "gzip",
    "head",
    "hostid",
    "hostname",
    "id",
    "install",
    "join",
    "kill",
    "link",
    "ln",
    "logname",
    "ls",
    "md5sum",
    "mkdir",
    "mkfifo",
    "mknod",
    "mktemp",
    "more",
    "mount",
    "mv",
    "nice",
    "nl",
    "nohup",
    "nproc",
    "numfmt",
    "od",
    "paste",
    "pathchk",
    "pinky",
    "pr",
    "printenv",
    "printf",
    "ptx",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "run-parts",
    "sed",
    "seq",
    "sh",
    "sha1sum",
    "sha224sum",
    "sha256sum",
    "sha384sum",
    "sha512sum",
    "shred",
    "shuf",
    "sleep",
    "sort",
    "split",
    "stat",
    "stty",
    "su",
    "sum",
    "sync",
    "tac",
    "tail",
    "tar",
    "tee",
    "tempfile",
    "test",
    "timeout",
    "touch",
    "tr",
    "true",
    "truncate",
    "tsort",
    "tty",
    "umount",
    "uname",
    "unexpand",
    "uniq",
    "unlink",
    "users",
    "vdir",
    "wc",
    "which",
    "who",
    "whoami",
    "xargs",
    "yes",
    "zcat",
];

/// Programs an image adds to its family's: (image name prefix, program, absolute path).
const IMAGE_PROGRAMS: &[(&str, &str, &str)] = &[
    ("nginx", "nginx", "/usr/sbin/nginx"),
    ("nginx:", "curl", "/usr/bin/curl"),
    ("k8s.gcr.io/nginx-slim", "nginx", "/usr/sbin/nginx"),
    ("registry.k8s.io/nginx-slim", "nginx", "/usr/sbin/nginx"),
    ("httpd", "httpd", "/usr/local/apache2/bin/httpd"),
    (
        "httpd",
        "httpd-foreground",
        "/usr/local/bin/httpd-foreground",
    ),
    ("httpd", "apachectl", "/usr/local/apache2/bin/apachectl"),
    ("redis", "redis-server", "/usr/local/bin/redis-server"),
    ("redis", "redis-cli", "/usr/local/bin/redis-cli"),
    (
        "redis",
        "docker-entrypoint.sh",
        "/usr/local/bin/docker-entrypoint.sh",
    ),
    // Built on golang (buildpack-deps:scm): curl, wget and git are there.
    ("gasbugs/http-go", "curl", "/usr/bin/curl"),
    ("gasbugs/http-go", "wget", "/usr/bin/wget"),
    ("gasbugs/http-go", "git", "/usr/bin/git"),
    ("mongo:4", "mongo", "/usr/bin/mongo"),
    ("mongo", "mongod", "/usr/bin/mongod"),
    ("mongo:7", "mongosh", "/usr/bin/mongosh"),
    (
        "mongo",
        "docker-entrypoint.sh",
        "/usr/local/bin/docker-entrypoint.sh",
    ),
];

fn dir(path: &str) -> ImageFile {
    ImageFile {
        path: path.into(),
        mode: 0o755,
        uid: 0,
        gid: 0,
        kind: FileKind::Dir,
    }
}

fn file(path: &str, mode: u32, content: &[u8]) -> ImageFile {
    ImageFile {
        path: path.into(),
        mode,
        uid: 0,
        gid: 0,
        kind: FileKind::File(Rc::from(content)),
    }
}

/// The root file system of an image.
pub fn rootfs_of(spec: &ImageSpec) -> Rc<RootFs> {
    // `content` starts with the image's first reference (`busybox:1.36/amd64`); images pushed by
    // labs name themselves however they like and are taken as Debian-like.
    let name = spec.content.as_str();
    let busybox = name.starts_with("busybox");
    let mut programs = BTreeMap::new();
    let mut files = Vec::new();
    let dirs: &[&str] = if busybox {
        &[
            "/bin",
            "/etc",
            "/home",
            "/root",
            "/tmp",
            "/usr",
            "/usr/sbin",
            "/var",
            "/var/spool",
            "/var/www",
        ]
    } else {
        &[
            "/bin",
            "/boot",
            "/etc",
            "/home",
            "/lib",
            "/media",
            "/mnt",
            "/opt",
            "/root",
            "/run",
            "/sbin",
            "/srv",
            "/tmp",
            "/usr",
            "/usr/bin",
            "/usr/lib",
            "/usr/local",
            "/usr/local/bin",
            "/usr/local/sbin",
            "/usr/sbin",
            "/usr/share",
            "/var",
            "/var/log",
            "/var/tmp",
        ]
    };
    files.extend(dirs.iter().map(|d| dir(d)));
    let (os, userland, sh) = if busybox {
        programs.insert("/bin/busybox".to_string(), "busybox".to_string());
        for a in BUSYBOX_APPLETS {
            programs.insert(format!("/bin/{a}"), a.to_string());
        }
        ("busybox", Userland::Busybox, Dialect::Ash)
    } else {
        for p in DEBIAN_USR_BIN {
            let prog = if *p == "sh" { "dash" } else { p };
            // Merged /usr: /bin is a link to /usr/bin.
            programs.insert(format!("/usr/bin/{p}"), prog.to_string());
            programs.insert(format!("/bin/{p}"), prog.to_string());
        }
        ("debian", Userland::Gnu, Dialect::Dash)
    };
    for (prefix, prog, path) in IMAGE_PROGRAMS {
        if name.starts_with(prefix) {
            programs.insert(path.to_string(), prog.to_string());
            let parent = crate::shell::vfs::parent(path);
            let mut p = String::new();
            for part in parent.split('/').filter(|s| !s.is_empty()) {
                p.push('/');
                p.push_str(part);
                if !files.iter().any(|f| f.path == p) {
                    files.push(dir(&p));
                }
            }
        }
    }
    for path in programs.keys() {
        if busybox || path.starts_with("/usr/") || !path.starts_with("/bin/") {
            files.push(file(path, 0o755, b""));
        }
    }
    // The pages the images serve over HTTP are the files the web server reads.
    let docroot = if name.starts_with("httpd") {
        Some("/usr/local/apache2/htdocs")
    } else if name.starts_with("nginx") || name.contains("/nginx-slim") {
        Some("/usr/share/nginx/html")
    } else {
        None
    };
    if let (Some(root), Some(body)) = (docroot, spec.behavior.http.get(&80)) {
        let mut p = String::new();
        for part in root.split('/').filter(|s| !s.is_empty()) {
            p.push('/');
            p.push_str(part);
            if !files.iter().any(|f| f.path == p) {
                files.push(dir(&p));
            }
        }
        files.push(file(&format!("{root}/index.html"), 0o644, body.as_bytes()));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Rc::new(RootFs {
        os: os.into(),
        userland,
        sh: Some(sh),
        programs,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_lookup() {
        let bb = rootfs_of(&ImageSpec::new("busybox:1.36/amd64", 1, 0));
        assert_eq!(bb.userland, Userland::Busybox);
        assert_eq!(
            bb.find_program("sh", "/usr/bin:/bin", "/"),
            Some(("/bin/sh".into(), "sh".into()))
        );
        assert_eq!(bb.find_program("bash", "/usr/bin:/bin", "/"), None);
        assert_eq!(bb.find_program("git", "/usr/bin:/bin", "/"), None);
        let deb = rootfs_of(&ImageSpec::new("nginx:1.27/amd64", 1, 0));
        assert_eq!(
            deb.find_program("sh", "/usr/local/bin:/usr/bin:/bin", "/"),
            Some(("/usr/bin/sh".into(), "dash".into()))
        );
        assert_eq!(
            deb.find_program("/bin/bash", "", "/"),
            Some(("/bin/bash".into(), "bash".into()))
        );
        assert_eq!(
            deb.find_program("nginx", "/usr/local/sbin:/usr/sbin:/usr/bin", "/"),
            Some(("/usr/sbin/nginx".into(), "nginx".into()))
        );
        assert!(deb.find_program("redis-cli", "/usr/bin", "/").is_none());
    }
}
