//! File commands: `ls`, `mkdir`, `rm`, `rmdir`, `cp`, `mv`, `touch`, `cd`.

use super::Out;
use crate::shell::exec::Exec;
use crate::shell::vfs::{VfsError, file_name};

fn split_flags(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut rest = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.starts_with('-') && a.len() > 1 {
            flags.push_str(a.trim_start_matches('-'));
        } else {
            rest.push(a.clone());
        }
    }
    (flags, rest)
}

/// `ls` checks every operand before it lists anything, so its errors come first: it writes them
/// to `err` as it finds them.
pub(super) fn ls(x: &mut Exec<'_>, args: &[String], err: crate::shell::exec::BufId) -> Out {
    let (flags, mut names) = split_flags(args);
    let all = flags.contains('a');
    let long = flags.contains('l');
    if names.is_empty() {
        names.push(".".into());
    }
    let mut out = String::new();
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for n in &names {
        let p = x.state.resolve(n);
        if !x.state.vfs.exists(&p) {
            if busybox(x) {
                x.write(
                    err,
                    format!("ls: {n}: No such file or directory\n").as_bytes(),
                );
                status = 1;
            } else {
                x.write(
                    err,
                    format!("ls: cannot access '{n}': No such file or directory\n").as_bytes(),
                );
                status = 2;
            }
        } else if x.state.vfs.is_dir(&p) {
            dirs.push((n.clone(), p));
        } else {
            files.push((n.clone(), p));
        }
    }
    let line = |x: &Exec<'_>, name: &str, path: &str| -> String {
        if !long {
            return format!("{name}\n");
        }
        // A container's files are root's (the workstation's, the student's).
        let owner = if x.state.profile.programs.is_some() {
            "root"
        } else {
            "student"
        };
        let (mode, links, size) = if x.state.vfs.is_dir(path) {
            ("drwxr-xr-x", 2, "4096".to_string())
        } else if x.state.vfs.is_device(path) {
            ("crw-rw-rw-", 1, "1, 3".to_string())
        } else {
            let size = x.state.vfs.read(path).map(|b| b.len()).unwrap_or(0);
            ("-rw-r--r--", 1, size.to_string())
        };
        let owner = if x.state.vfs.is_device(path) {
            "root"
        } else {
            owner
        };
        if busybox(x) {
            // busybox's fixed columns: `%-10s %4d %-8s %-8s %8llu`.
            format!("{mode:<10} {links:>4} {owner:<8} {owner:<8} {size:>8} Mar  3 09:00 {name}\n")
        } else {
            format!("{mode} {links} {owner} {owner} {size} Mar  3 09:00 {name}\n")
        }
    };
    for (n, p) in &files {
        out.push_str(&line(x, n, p));
    }
    let several = names.len() > 1;
    for (i, (n, p)) in dirs.iter().enumerate() {
        if several {
            if i > 0 || !files.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("{n}:\n"));
        }
        let mut entries = x.state.vfs.read_dir(p).unwrap_or_default();
        if all {
            entries.insert(0, "..".into());
            entries.insert(0, ".".into());
        } else {
            entries.retain(|e| !e.starts_with('.'));
        }
        if long {
            out.push_str(&format!("total {}\n", entries.len() * 4));
        }
        for e in entries {
            let child = if e == "." || e == ".." {
                p.clone()
            } else {
                format!("{}/{e}", p.trim_end_matches('/'))
            };
            out.push_str(&line(x, &e, &child));
        }
    }
    Out {
        stdout: out.into_bytes(),
        stderr: vec![],
        status,
    }
}

pub(super) fn mkdir(x: &mut Exec<'_>, args: &[String]) -> Out {
    let (flags, names) = split_flags(args);
    if names.is_empty() {
        return Out::err(
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n",
            1,
        );
    }
    let mut err = String::new();
    for n in &names {
        let p = x.state.resolve(n);
        let r = if flags.contains('p') {
            x.state.vfs.mkdir_all(&p)
        } else {
            x.state.vfs.mkdir(&p)
        };
        if let Err(e) = r {
            if busybox(x) {
                err.push_str(&format!("mkdir: can't create directory '{n}': {e}\n"));
            } else {
                err.push_str(&format!("mkdir: cannot create directory ‘{n}’: {e}\n"));
            }
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn rm(x: &mut Exec<'_>, args: &[String]) -> Out {
    const TRY: &str = "Try 'rm --help' for more information.\n";
    let (mut force, mut recursive, mut dirs, mut verbose) = (false, false, false, false);
    let mut preserve_root = true;
    let mut names = Vec::new();
    let mut options_done = false;
    for a in args {
        if options_done || a == "-" || !a.starts_with('-') {
            names.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => options_done = true,
            "--force" => force = true,
            "--recursive" => recursive = true,
            "--dir" => dirs = true,
            "--verbose" => verbose = true,
            "--preserve-root" | "--preserve-root=all" => preserve_root = true,
            "--no-preserve-root" => preserve_root = false,
            "--interactive" | "--one-file-system" => {
                return Out::err(format!("kubelab: rm: {a} is not supported\n"), 1);
            }
            s if s.starts_with("--") => {
                return Out::err(format!("rm: unrecognized option '{s}'\n{TRY}"), 1);
            }
            s => {
                for c in s[1..].chars() {
                    match c {
                        'f' => force = true,
                        'r' | 'R' => recursive = true,
                        'd' => dirs = true,
                        'v' => verbose = true,
                        'i' | 'I' => {
                            return Out::err(
                                format!(
                                    "kubelab: rm: -{c} (asking before removing) is not supported\n"
                                ),
                                1,
                            );
                        }
                        other => {
                            return Out::err(format!("rm: invalid option -- '{other}'\n{TRY}"), 1);
                        }
                    }
                }
            }
        }
    }
    if names.is_empty() && !force {
        return Out::err(format!("rm: missing operand\n{TRY}"), 1);
    }
    let mut err = String::new();
    let mut out = String::new();
    for n in &names {
        let p = x.state.resolve(n);
        if n.is_empty() || !x.state.vfs.exists(&p) {
            if !force {
                err.push_str(&format!(
                    "rm: {} '{n}': No such file or directory\n",
                    cannot_remove(x)
                ));
            }
            continue;
        }
        let last = n.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let non_empty_dir = x.state.vfs.read_dir(&p).is_ok_and(|e| !e.is_empty());
        if dirs && !recursive && non_empty_dir {
            err.push_str(&format!("rm: cannot remove '{n}': Directory not empty\n"));
            continue;
        }
        if (recursive || dirs)
            && (last == "." || last == "..")
            && !n.trim_end_matches('/').is_empty()
        {
            err.push_str(&format!(
                "rm: refusing to remove '.' or '..' directory: skipping '{n}'\n"
            ));
            continue;
        }
        if recursive && p == "/" {
            if !preserve_root {
                err.push_str("kubelab: rm: --no-preserve-root is not supported\n");
                continue;
            }
            let same = if n == "/" {
                String::new()
            } else {
                " (same as '/')".to_string()
            };
            err.push_str(&format!(
                "rm: it is dangerous to operate recursively on '{n}'{same}\nrm: use --no-preserve-root to override this failsafe\n"
            ));
            continue;
        }
        let is_dir = x.state.vfs.is_dir(&p);
        let r = if is_dir {
            if recursive {
                let removed = if verbose {
                    removal_order(x, &p, n)
                } else {
                    vec![]
                };
                let r = x.state.vfs.remove_all(&p);
                if r.is_ok() {
                    for (shown, dir) in removed {
                        let kind = if dir { "directory " } else { "" };
                        out.push_str(&format!("removed {kind}'{shown}'\n"));
                    }
                    continue;
                }
                r
            } else if dirs {
                x.state.vfs.remove_dir(&p)
            } else {
                Err(VfsError::IsDir)
            }
        } else {
            x.state.vfs.remove_file(&p)
        };
        match r {
            Err(VfsError::NotFound) if force => {}
            // busybox `remove_file`: "'%s' is a directory" without -r.
            Err(VfsError::IsDir) if busybox(x) => {
                err.push_str(&format!("rm: '{n}' is a directory\n"))
            }
            Err(e) => err.push_str(&format!("rm: {} '{n}': {e}\n", cannot_remove(x))),
            Ok(()) if verbose => out.push_str(&format!(
                "removed {}'{n}'\n",
                if is_dir { "directory " } else { "" }
            )),
            Ok(()) => {}
        }
    }
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

/// What `rm -rv` reports for a tree, children first (names as the student wrote the root).
fn removal_order(x: &Exec<'_>, path: &str, shown: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    // (path, shown, children listed yet): a stack, so deep trees cost no recursion.
    let mut stack = vec![(path.to_string(), shown.to_string(), false)];
    while let Some((p, s, listed)) = stack.pop() {
        if listed || !x.state.vfs.is_dir(&p) {
            let dir = x.state.vfs.is_dir(&p);
            out.push((s, dir));
            continue;
        }
        stack.push((p.clone(), s.clone(), true));
        for e in x
            .state
            .vfs
            .read_dir(&p)
            .unwrap_or_default()
            .into_iter()
            .rev()
        {
            stack.push((
                format!("{}/{e}", p.trim_end_matches('/')),
                format!("{}/{e}", s.trim_end_matches('/')),
                false,
            ));
        }
    }
    out
}

pub(super) fn rmdir(x: &mut Exec<'_>, args: &[String]) -> Out {
    let (_, names) = split_flags(args);
    let mut err = String::new();
    for n in &names {
        if let Err(e) = x.state.vfs.remove_dir(&x.state.resolve(n)) {
            err.push_str(&format!("rmdir: failed to remove '{n}': {e}\n"));
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn cp_mv(x: &mut Exec<'_>, cmd: &str, args: &[String]) -> Out {
    let (flags, names) = split_flags(args);
    if names.len() < 2 {
        return Out::err(
            format!(
                "{cmd}: missing destination file operand after '{}'\nTry '{cmd} --help' for more information.\n",
                names.first().cloned().unwrap_or_default()
            ),
            1,
        );
    }
    let (srcs, dst) = names.split_at(names.len() - 1);
    let dst_path = x.state.resolve(&dst[0]);
    let into_dir = x.state.vfs.is_dir(&dst_path);
    let mut err = String::new();
    for s in srcs {
        let sp = x.state.resolve(s);
        if !x.state.vfs.exists(&sp) {
            err.push_str(&format!(
                "{cmd}: cannot stat '{s}': No such file or directory\n"
            ));
            continue;
        }
        let target = if into_dir {
            format!("{}/{}", dst_path.trim_end_matches('/'), file_name(&sp))
        } else {
            dst_path.clone()
        };
        if x.state.vfs.is_dir(&sp) && target.starts_with(&format!("{sp}/")) {
            let shown = if into_dir {
                format!("{}/{}", dst[0].trim_end_matches('/'), file_name(&sp))
            } else {
                dst[0].clone()
            };
            if cmd == "cp" {
                // GNU makes the copy's top directory before it finds the loop.
                let _ = x.state.vfs.mkdir(&target);
            }
            err.push_str(&if cmd == "mv" {
                format!("mv: cannot move '{s}' to a subdirectory of itself, '{shown}'\n")
            } else {
                format!("cp: cannot copy a directory, '{s}', into itself, '{shown}'\n")
            });
            continue;
        }
        let r = if cmd == "mv" {
            x.state.vfs.rename(&sp, &target)
        } else if x.state.vfs.is_dir(&sp) {
            if !flags.contains('r') && !flags.contains('R') && !flags.contains('a') {
                err.push_str(&format!("cp: -r not specified; omitting directory '{s}'\n"));
                continue;
            }
            copy_tree(x, &sp, &target)
        } else {
            let data = x.state.vfs.read(&sp).map(<[u8]>::to_vec);
            data.and_then(|d| x.state.vfs.write(&target, &d, false))
        };
        if let Err(e) = r {
            err.push_str(&format!(
                "{cmd}: cannot create regular file '{}': {e}\n",
                dst[0]
            ));
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

fn copy_tree(x: &mut Exec<'_>, from: &str, to: &str) -> Result<(), VfsError> {
    // A work list, so deep trees cost no recursion.
    let mut todo = vec![(from.to_string(), to.to_string())];
    while let Some((f, t)) = todo.pop() {
        if x.state.vfs.is_dir(&f) {
            x.state.vfs.mkdir_all(&t)?;
            for e in x.state.vfs.read_dir(&f)? {
                todo.push((format!("{f}/{e}"), format!("{t}/{e}")));
            }
        } else {
            let d = x.state.vfs.read(&f)?.to_vec();
            x.state.vfs.write(&t, &d, false)?;
        }
    }
    Ok(())
}

pub(super) fn touch(x: &mut Exec<'_>, args: &[String]) -> Out {
    let (_, names) = split_flags(args);
    if names.is_empty() {
        return Out::err(
            "touch: missing file operand\nTry 'touch --help' for more information.\n",
            1,
        );
    }
    let mut err = String::new();
    for n in &names {
        let p = x.state.resolve(n);
        if !x.state.vfs.exists(&p)
            && let Err(e) = x.state.vfs.write(&p, b"", true)
        {
            err.push_str(&format!("touch: cannot touch '{n}': {e}\n"));
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn cd(x: &mut Exec<'_>, args: &[String]) -> Out {
    let target = match args.first().map(String::as_str) {
        None | Some("~") => x
            .state
            .var("HOME")
            .unwrap_or(crate::shell::vfs::HOME)
            .to_string(),
        Some("-") => x.state.var("OLDPWD").unwrap_or(".").to_string(),
        Some(p) => p.to_string(),
    };
    let p = &x.state.profile;
    let prefix = crate::shell::dialect::prefix(p, x.line);
    if args.len() > 1 && p.dialect != crate::shell::Dialect::Ash {
        return Out::err(format!("{prefix}cd: too many arguments\n"), 1);
    }
    match x.state.set_cwd(&target) {
        Ok(()) => Out::status(0),
        Err(e) => {
            let p = &x.state.profile;
            match p.dialect {
                // busybox ash: `ash_msg_and_raise_error("can't cd to %s", ...)`, with the
                // script's line (0 in a `-c` string).
                crate::shell::Dialect::Ash => {
                    let line = match (x.state.interactive, x.state.command_string) {
                        (true, _) => String::new(),
                        (false, true) => "line 0: ".into(),
                        (false, false) => format!("line {}: ", x.line),
                    };
                    Out::err(
                        format!("{}: cd: {line}can't cd to {target}: {e}\n", p.name),
                        2,
                    )
                }
                // dash: `sh_error("can't cd to %s", dest)`.
                crate::shell::Dialect::Dash => {
                    Out::err(format!("{prefix}cd: can't cd to {target}\n"), 2)
                }
                _ => Out::err(format!("{prefix}cd: {target}: {e}\n"), 1),
            }
        }
    }
}

/// Whether the shell's utilities are busybox's (their own error wording).
fn busybox(x: &Exec<'_>) -> bool {
    x.state.profile.userland == crate::shell::Userland::Busybox
}

/// How rm words a file it cannot remove: coreutils' `cannot remove`, busybox's `can't remove`.
fn cannot_remove(x: &Exec<'_>) -> &'static str {
    if busybox(x) {
        "can't remove"
    } else {
        "cannot remove"
    }
}
