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
            x.write(
                err,
                format!("ls: cannot access '{n}': No such file or directory\n").as_bytes(),
            );
            status = 2;
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
        if x.state.vfs.is_dir(path) {
            format!("drwxr-xr-x 2 student student 4096 Mar  3 09:00 {name}\n")
        } else {
            let size = x.state.vfs.read(path).map(|b| b.len()).unwrap_or(0);
            format!("-rw-r--r-- 1 student student {size} Mar  3 09:00 {name}\n")
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
            err.push_str(&format!("mkdir: cannot create directory ‘{n}’: {e}\n"));
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn rm(x: &mut Exec<'_>, args: &[String]) -> Out {
    let (flags, names) = split_flags(args);
    let force = flags.contains('f');
    let recursive = flags.contains('r') || flags.contains('R');
    if names.is_empty() && !force {
        return Out::err(
            "rm: missing operand\nTry 'rm --help' for more information.\n",
            1,
        );
    }
    let mut err = String::new();
    for n in &names {
        let p = x.state.resolve(n);
        let r = if x.state.vfs.is_dir(&p) {
            if recursive {
                x.state.vfs.remove_all(&p)
            } else {
                Err(VfsError::IsDir)
            }
        } else {
            x.state.vfs.remove_file(&p)
        };
        match r {
            Err(VfsError::NotFound) if force => {}
            Err(e) => err.push_str(&format!("rm: cannot remove '{n}': {e}\n")),
            Ok(()) => {}
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
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
    x.state.vfs.mkdir_all(to)?;
    for e in x.state.vfs.read_dir(from)? {
        let (f, t) = (format!("{from}/{e}"), format!("{to}/{e}"));
        if x.state.vfs.is_dir(&f) {
            copy_tree(x, &f, &t)?;
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
    if args.len() > 1 {
        return Out::err("kubelab: cd: too many arguments\n", 1);
    }
    match x.state.set_cwd(&target) {
        Ok(()) => Out::status(0),
        Err(e) => Out::err(format!("kubelab: cd: {target}: {e}\n"), 1),
    }
}
