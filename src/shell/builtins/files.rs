//! File commands: `mkdir`, `rm`, `rmdir`, `cp`, `mv`, `touch`, `cd` (`ls` is in `ls.rs`).

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
            err.push_str(
                &if x.state.profile.userland == crate::shell::Userland::Busybox {
                    format!("mkdir: can't create directory '{n}': {e}\n")
                } else {
                    format!("mkdir: cannot create directory ‘{n}’: {e}\n")
                },
            );
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
    let cannot = if x.state.profile.userland == crate::shell::Userland::Busybox {
        "can't"
    } else {
        "cannot"
    };
    for n in &names {
        let p = x.state.resolve(n);
        if n.is_empty() || !x.state.vfs.lexists(&p) {
            if !force {
                err.push_str(&format!(
                    "rm: {cannot} remove '{n}': No such file or directory\n"
                ));
            }
            continue;
        }
        let last = n.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let non_empty_dir =
            !x.state.vfs.is_symlink(&p) && x.state.vfs.read_dir(&p).is_ok_and(|e| !e.is_empty());
        if dirs && !recursive && non_empty_dir {
            err.push_str(&format!("rm: {cannot} remove '{n}': Directory not empty\n"));
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
        // A link is removed itself, whatever it points to.
        let is_dir = x.state.vfs.lstat(&p).is_ok_and(|s| s.node.is_dir());
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
            Err(VfsError::IsDir) if x.state.profile.userland == crate::shell::Userland::Busybox => {
                err.push_str(&format!("rm: '{n}' is a directory\n"))
            }
            Err(e) => err.push_str(&format!("rm: {cannot} remove '{n}': {e}\n")),
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
    // Links are removed, not followed.
    let is_dir = |p: &str| x.state.vfs.lstat(p).is_ok_and(|s| s.node.is_dir());
    while let Some((p, s, listed)) = stack.pop() {
        if listed || !is_dir(&p) {
            let dir = is_dir(&p);
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
        // Links inside the tree are copied as links, as `cp -r` does.
        if f != from
            && let Ok(target) = x.state.vfs.readlink(&f)
        {
            x.state.vfs.symlink(&target, &t)?;
            continue;
        }
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
    let gnu = x.state.profile.userland == crate::shell::Userland::Gnu;
    let (mut no_create, mut only_a, mut only_m, mut nofollow) = (false, false, false, false);
    let mut when: Option<i64> = None;
    let mut names = Vec::new();
    let mut it = args.iter();
    let mut done = false;
    let bad_date = |d: &str| {
        if gnu {
            Out::err(format!("touch: invalid date format ‘{d}’\n"), 1)
        } else {
            Out::err(format!("touch: invalid date '{d}'\n"), 1)
        }
    };
    while let Some(a) = it.next() {
        if done || !a.starts_with('-') || a == "-" {
            names.push(a.clone());
            continue;
        }
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if a.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        match flag {
            "--" => done = true,
            "-c" | "--no-create" => no_create = true,
            "-a" => only_a = true,
            "-m" => only_m = true,
            "-h" | "--no-dereference" => nofollow = true,
            "-d" | "--date" | "-t" => {
                let Some(v) = inline.or_else(|| it.next().cloned()) else {
                    return Out::err(format!("kubelab: touch: {flag} needs a value\n"), 1);
                };
                let t = if flag == "-t" {
                    super::fsfmt::parse_stamp(&v, x.state.vfs.now())
                } else {
                    super::fsfmt::parse_date(&v)
                };
                match t {
                    Some(t) => when = Some(t),
                    None if flag == "-t" && gnu => {
                        return Out::err(format!("touch: invalid date format ‘{v}’\n"), 1);
                    }
                    None => return bad_date(&v),
                }
            }
            s => {
                let mut ok = true;
                for c in s[1..].chars() {
                    match c {
                        'c' => no_create = true,
                        'a' => only_a = true,
                        'm' => only_m = true,
                        'h' => nofollow = true,
                        _ => ok = false,
                    }
                }
                if !ok || s.starts_with("--") {
                    return Out::err(format!("kubelab: touch: {s} is not supported\n"), 1);
                }
            }
        }
    }
    if names.is_empty() {
        return if gnu {
            Out::err(
                "touch: missing file operand\nTry 'touch --help' for more information.\n",
                1,
            )
        } else {
            super::fsfmt::busybox_usage("touch")
        };
    }
    let now = x.state.vfs.now();
    let t = when.unwrap_or(now);
    let mut err = String::new();
    for n in &names {
        let p = x.state.resolve(n);
        let st = if nofollow {
            x.state.vfs.lstat(&p)
        } else {
            x.state.vfs.stat(&p)
        };
        let r = match st {
            Ok(st) => {
                let atime = if only_m && !only_a { st.node.atime } else { t };
                let mtime = if only_a && !only_m { st.node.mtime } else { t };
                if nofollow {
                    x.state.vfs.lset_times(&p, atime, mtime)
                } else {
                    x.state.vfs.set_times(&p, atime, mtime)
                }
            }
            Err(_) if nofollow => Err(VfsError::NotFound),
            Err(_) if no_create => Ok(()),
            Err(_) => x.state.vfs.write(&p, b"", true).and_then(|()| {
                if when.is_some() {
                    x.state.vfs.set_times(&p, t, t)
                } else {
                    Ok(())
                }
            }),
        };
        if let Err(e) = r {
            err.push_str(&if gnu {
                format!("touch: cannot touch '{n}': {e}\n")
            } else {
                format!("touch: {n}: {e}\n")
            });
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
