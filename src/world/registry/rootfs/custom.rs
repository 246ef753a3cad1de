//! A lab author's root file system (`registry.push(ref, #{base, files, programs})`): a shipped
//! family (or another image's file system) with files, directories, symlinks and programs added,
//! as `COPY` into a `FROM` image would: a parent directory that is a symlink is followed
//! (`/bin/app` lands in `/usr/bin/app` in a merged-/usr image), missing parents are made 0755
//! root, a later entry replaces an earlier one. Bounded: [`MAX_ENTRIES`] entries and
//! [`MAX_BYTES`] bytes of content per push, [`MAX_PROGRAMS`] programs.

use super::build::Builder;
use super::{FileKind, RootFs, normalize, resolve_with};

/// Files, directories and symlinks one push may add.
pub const MAX_ENTRIES: usize = 256;
/// Bytes of file content one push may add, all files together (256 KiB).
pub const MAX_BYTES: usize = 256 * 1024;
/// Programs one push may add.
pub const MAX_PROGRAMS: usize = 256;
/// The longest path accepted (Linux's `PATH_MAX`).
const MAX_PATH: usize = 4096;

/// What a lab author puts at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file.
    File {
        content: String,
        mode: u32,
        uid: u32,
        gid: u32,
    },
    /// A directory.
    Dir { mode: u32, uid: u32, gid: u32 },
    /// A symbolic link to `target`.
    Symlink { target: String },
}

/// Checks a path a lab author gave: absolute, not `/`, no `..`, bounded.
pub fn check_path(what: &str, path: &str) -> Result<String, String> {
    if !path.starts_with('/') {
        return Err(format!(
            "{what} path `{path}` must be absolute (start with /)"
        ));
    }
    if path.len() > MAX_PATH || path.contains('\0') {
        return Err(format!(
            "{what} path `{}` is not a valid path",
            path.chars().take(60).collect::<String>()
        ));
    }
    if path.split('/').any(|c| c == "..") {
        return Err(format!("{what} path `{path}` must not contain `..`"));
    }
    if path.split('/').any(|c| c.len() > 255) {
        return Err(format!(
            "{what} path `{path}` has a name longer than 255 bytes"
        ));
    }
    let n = normalize("/", path);
    if n == "/" {
        return Err(format!("{what} path `{path}` names the root directory"));
    }
    Ok(n)
}

/// Where `path` lands in `b`: its parent directory with the symlinks followed.
fn place(b: &Builder, what: &str, path: &str) -> Result<String, String> {
    let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
    let link_at = |p: &str| match b.files.get(p).map(|f| &f.kind) {
        Some(FileKind::Symlink(t)) => Some(t.clone()),
        _ => None,
    };
    let real_parent = resolve_with(if parent.is_empty() { "/" } else { parent }, link_at)
        .ok_or_else(|| format!("{what} path `{path}`: too many levels of symbolic links"))?;
    // Every existing ancestor must be a directory.
    let mut p = String::new();
    for c in real_parent.split('/').filter(|c| !c.is_empty()) {
        p.push('/');
        p.push_str(c);
        if let Some(f) = b.files.get(&p)
            && !matches!(f.kind, FileKind::Dir)
        {
            return Err(format!("{what} path `{path}`: {p} is not a directory"));
        }
    }
    Ok(if real_parent == "/" {
        format!("/{name}")
    } else {
        format!("{real_parent}/{name}")
    })
}

/// `base` with `entries` and `programs` added.
pub fn build(
    base: &RootFs,
    entries: &[(String, Entry)],
    programs: &[String],
) -> Result<RootFs, String> {
    if entries.len() > MAX_ENTRIES {
        return Err(format!(
            "`files` holds at most {MAX_ENTRIES} entries (this push has {})",
            entries.len()
        ));
    }
    let bytes: usize = entries
        .iter()
        .map(|(_, e)| match e {
            Entry::File { content, .. } => content.len(),
            _ => 0,
        })
        .sum();
    if bytes > MAX_BYTES {
        return Err(format!(
            "`files` content is limited to {MAX_BYTES} bytes in all (this push has {bytes})"
        ));
    }
    if programs.len() > MAX_PROGRAMS {
        return Err(format!(
            "`programs` holds at most {MAX_PROGRAMS} paths (this push has {})",
            programs.len()
        ));
    }
    let mut b = Builder::from(base);
    for (path, entry) in entries {
        let path = check_path("`files`", path)?;
        let at = place(&b, "`files`", &path)?;
        // An existing directory may be given again as a directory (new mode and owner, keeping
        // what it holds), not replaced by a file or a link.
        let existing_dir = b
            .files
            .get(&at)
            .is_some_and(|f| matches!(f.kind, FileKind::Dir));
        if existing_dir && !matches!(entry, Entry::Dir { .. }) {
            return Err(format!(
                "`files` path `{path}` is a directory in the base image"
            ));
        }
        if b.programs.contains_key(&at) && matches!(entry, Entry::Dir { .. }) {
            return Err(format!(
                "`files` path `{path}` is a program in the base image"
            ));
        }
        match entry {
            Entry::File {
                content,
                mode,
                uid,
                gid,
            } => {
                b.file(&at, *mode, *uid, *gid, content);
            }
            Entry::Dir { mode, uid, gid } => {
                b.dir(&at, *mode, *uid, *gid);
            }
            Entry::Symlink { target } => {
                if target.is_empty() || target.len() > MAX_PATH || target.contains('\0') {
                    return Err(format!("`files` entry `{path}`: `link` must be a path"));
                }
                b.link(&at, target);
            }
        }
    }
    for p in programs {
        let path = check_path("`programs`", p)?;
        let at = place(&b, "`programs`", &path)?;
        if b.files
            .get(&at)
            .is_some_and(|f| matches!(f.kind, FileKind::Dir))
        {
            return Err(format!("`programs` path `{p}` is a directory"));
        }
        b.program(&at);
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::registry::rootfs::Family;

    fn file(c: &str) -> Entry {
        Entry::File {
            content: c.into(),
            mode: 0o644,
            uid: 0,
            gid: 0,
        }
    }

    #[test]
    fn files_land_through_symlinked_parents_and_programs_are_found() {
        let base = Family::DebianBookworm.rootfs();
        let fs = build(
            &base,
            &[
                ("/app/index.html".into(), file("hi\n")),
                ("/bin/hello".into(), file("#!/bin/sh\necho hi\n")),
                (
                    "/app/logs".into(),
                    Entry::Dir {
                        mode: 0o777,
                        uid: 1000,
                        gid: 1000,
                    },
                ),
                (
                    "/app/current".into(),
                    Entry::Symlink {
                        target: "/app".into(),
                    },
                ),
            ],
            &["/bin/hello".into(), "/usr/local/bin/app".into()],
        )
        .unwrap();
        assert_eq!(fs.read("/app/index.html"), Some(&b"hi\n"[..]));
        // /bin is usr/bin in Debian 12: the file is at /usr/bin/hello.
        assert!(fs.file("/usr/bin/hello").is_some());
        assert!(fs.file("/bin/hello").is_none());
        assert_eq!(
            fs.find_program("hello", "/usr/local/bin:/usr/bin:/bin", "/"),
            Some(("/usr/bin/hello".into(), "hello".into()))
        );
        assert_eq!(
            fs.find_program("/bin/hello", "", "/"),
            Some(("/bin/hello".into(), "hello".into()))
        );
        assert_eq!(fs.file("/app").map(|f| f.mode), Some(0o755));
        assert_eq!(
            fs.file("/app/logs").map(|f| (f.mode, f.uid)),
            Some((0o777, 1000))
        );
        assert!(fs.find_program("app", "/usr/local/bin", "/").is_some());
        // The base is untouched and the new file system differs from it.
        assert!(base.file("/app").is_none());
        assert_ne!(fs.fingerprint(), base.fingerprint());
    }

    #[test]
    fn bad_paths_and_limits_are_refused() {
        let base = Family::Busybox136.rootfs();
        let e = build(&base, &[("app/x".into(), file(""))], &[]).unwrap_err();
        assert_eq!(e, "`files` path `app/x` must be absolute (start with /)");
        let e = build(&base, &[("/a/../etc".into(), file(""))], &[]).unwrap_err();
        assert_eq!(e, "`files` path `/a/../etc` must not contain `..`");
        let e = build(&base, &[("/etc/passwd/x".into(), file(""))], &[]).unwrap_err();
        assert_eq!(
            e,
            "`files` path `/etc/passwd/x`: /etc/passwd is not a directory"
        );
        let e = build(&base, &[("/tmp".into(), file(""))], &[]).unwrap_err();
        assert_eq!(e, "`files` path `/tmp` is a directory in the base image");
        let e = build(&base, &[("/".into(), file(""))], &[]).unwrap_err();
        assert_eq!(e, "`files` path `/` names the root directory");
        let many: Vec<(String, Entry)> = (0..=MAX_ENTRIES)
            .map(|i| (format!("/f{i}"), file("")))
            .collect();
        let e = build(&base, &many, &[]).unwrap_err();
        assert_eq!(e, "`files` holds at most 256 entries (this push has 257)");
        let big = "x".repeat(MAX_BYTES + 1);
        let e = build(&base, &[("/big".into(), file(&big))], &[]).unwrap_err();
        assert_eq!(
            e,
            "`files` content is limited to 262144 bytes in all (this push has 262145)"
        );
        let e = build(&base, &[], &["/tmp".into()]).unwrap_err();
        assert_eq!(e, "`programs` path `/tmp` is a directory");
    }
}
