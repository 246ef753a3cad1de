//! The person's own editor on the host, at the interactive prompt only. What runs is ONE
//! program, found by its name in the host's `PATH` (absolute directories only) and refused when
//! it resolves to a shell or interpreter, started directly (never through a shell) with the
//! checked plain options, then `--`, then ONE temporary file: a copy made in a new private
//! directory (mode 0700, the file 0600, not executable) under the host's temporary directory,
//! read back when the editor exits and then removed.

use std::io::Read as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::Outcome;
use super::command::not_an_editor;

/// The most an edited file may hold when read back (what the workstation's files may hold).
const MAX_EDITED: u64 = 64 << 20;

/// Finds `name` in `path` (the host's `PATH`): an executable regular file in an absolute
/// directory.
fn find_on_path(path: Option<&std::ffi::OsStr>, name: &str) -> Option<PathBuf> {
    std::env::split_paths(path?)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A new private directory for one edit.
fn private_dir() -> Result<PathBuf, String> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = std::env::temp_dir();
    let mut last = String::new();
    for _ in 0..100 {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("kubelab-edit-{}-{n}", std::process::id()));
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) => last = e.to_string(),
        }
    }
    Err(format!(
        "cannot create a private directory in {}: {last}",
        base.display()
    ))
}

/// A file name safe on any host: letters, digits, `.`, `-`, `_` (others become `-`).
fn safe_name(file_name: &str) -> String {
    let s: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    match s.trim_start_matches('.') {
        "" => "file".into(),
        t => t.to_string(),
    }
}

/// Runs the checked editor command line `argv` on a copy of `content` (None: the file does
/// not exist yet) named like `file_name`.
pub(super) fn run(
    argv: &[String],
    file_name: &str,
    content: Option<&[u8]>,
) -> Result<Outcome, String> {
    run_with_path(
        std::env::var_os("PATH").as_deref(),
        argv,
        file_name,
        content,
    )
}

fn run_with_path(
    path: Option<&std::ffi::OsStr>,
    argv: &[String],
    file_name: &str,
    content: Option<&[u8]>,
) -> Result<Outcome, String> {
    let name = &argv[0];
    let Some(program) = find_on_path(path, name) else {
        return Ok(Outcome::NotFound);
    };
    // What the name resolves to must not be a shell either (`editor` -> /bin/bash); busybox and
    // toybox pick their applet by the name they are started with, which was checked.
    let real = std::fs::canonicalize(&program).unwrap_or_else(|_| program.clone());
    let real_name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if not_an_editor(&real_name) && !matches!(real_name.as_str(), "busybox" | "toybox") {
        return Err(format!(
            "kubelab runs only an editor program on the host, not {name:?} ({} is a shell, interpreter or launcher)",
            real.display()
        ));
    }
    let dir = private_dir()?;
    let result = edit_in(&dir, &program, argv, file_name, content);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn edit_in(
    dir: &Path,
    program: &Path,
    argv: &[String],
    file_name: &str,
    content: Option<&[u8]>,
) -> Result<Outcome, String> {
    let file = dir.join(safe_name(file_name));
    if let Some(c) = content {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&file)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        std::io::Write::write_all(&mut f, c)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    let status = std::process::Command::new(program)
        .args(&argv[1..])
        .arg("--")
        .arg(&file)
        .status()
        .map_err(|e| format!("cannot start the editor {}: {e}", program.display()))?;
    let status = match (
        status.code(),
        std::os::unix::process::ExitStatusExt::signal(&status),
    ) {
        (Some(c), _) => c,
        (None, Some(s)) => 128 + s,
        (None, None) => 1,
    };
    let content = match std::fs::File::open(&file) {
        Ok(f) => {
            let mut buf = Vec::new();
            f.take(MAX_EDITED + 1)
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            if buf.len() as u64 > MAX_EDITED {
                return Err(format!(
                    "the edited file is larger than {} MiB, more than the workstation's files may hold",
                    MAX_EDITED >> 20
                ));
            }
            Some(buf)
        }
        Err(_) => None,
    };
    Ok(Outcome::Ran { status, content })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("kubectl-edit-abc.yaml"), "kubectl-edit-abc.yaml");
        assert_eq!(safe_name("a b;$(x).yaml"), "a-b---x-.yaml");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name(".bashrc"), "bashrc");
    }

    fn host_path() -> Option<std::ffi::OsString> {
        std::env::var_os("PATH")
    }

    #[test]
    fn one_program_on_one_copy() {
        // `true` leaves the copy as it was; a missing program is reported, not run.
        let path = host_path();
        if find_on_path(path.as_deref(), "true").is_none() {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"skipped: no `true` on this computer's PATH\n",
            );
            return;
        }
        assert_eq!(
            run(&argv(&["true"]), "x.yaml", Some(b"a: 1\n")),
            Ok(Outcome::Ran {
                status: 0,
                content: Some(b"a: 1\n".to_vec())
            })
        );
        assert_eq!(
            run(&argv(&["false"]), "new.txt", None),
            Ok(Outcome::Ran {
                status: 1,
                content: None
            })
        );
        assert_eq!(
            run(&argv(&["kubelab-no-such-editor"]), "x", None),
            Ok(Outcome::NotFound)
        );
        // `touch -- FILE` creates the new file: the editor's work comes back.
        if find_on_path(path.as_deref(), "touch").is_some() {
            assert_eq!(
                run(&argv(&["touch"]), "new.txt", None),
                Ok(Outcome::Ran {
                    status: 0,
                    content: Some(Vec::new())
                })
            );
        }
        // Relative directories in PATH are never searched.
        assert_eq!(
            find_on_path(Some(std::ffi::OsStr::new(".:bin")), "true"),
            None
        );
    }

    #[test]
    fn a_name_that_resolves_to_a_shell_is_refused() {
        let path = host_path();
        let Some(sh) = find_on_path(path.as_deref(), "sh") else {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"skipped: no `sh` on this computer's PATH\n",
            );
            return;
        };
        let dir = private_dir().unwrap();
        let link = dir.join("myeditor");
        std::os::unix::fs::symlink(std::fs::canonicalize(sh).unwrap(), &link).unwrap();
        let err = run_with_path(
            Some(dir.as_os_str()),
            &argv(&["myeditor"]),
            "x",
            Some(b"id\n"),
        )
        .unwrap_err();
        assert!(
            err.starts_with("kubelab runs only an editor program on the host, not \"myeditor\""),
            "{err}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
