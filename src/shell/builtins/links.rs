//! `ln -s` and `readlink`. kubelab has no hard links: `ln` without `-s` says so.

use super::Out;
use super::fsfmt::{busybox_usage, gnu_usage, quote};
use crate::shell::Userland;
use crate::shell::exec::Exec;
use crate::shell::vfs::{VfsError, file_name};

pub(super) fn ln(x: &mut Exec<'_>, args: &[String]) -> Out {
    let gnu = x.state.profile.userland == Userland::Gnu;
    let (mut symbolic, mut force, mut verbose, mut no_deref) = (false, false, false, false);
    let mut names = Vec::new();
    let mut done = false;
    for a in args {
        if done || !a.starts_with('-') || a == "-" {
            names.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => done = true,
            "--symbolic" => symbolic = true,
            "--force" => force = true,
            "--verbose" => verbose = true,
            "--no-dereference" | "--no-target-directory" => no_deref = true,
            s if s.starts_with("--") => {
                return Out::err(format!("kubelab: ln: {s} is not supported\n"), 1);
            }
            s => {
                for c in s[1..].chars() {
                    match c {
                        's' => symbolic = true,
                        'f' => force = true,
                        'v' => verbose = true,
                        'n' | 'T' => no_deref = true,
                        c => return Out::err(format!("kubelab: ln: -{c} is not supported\n"), 1),
                    }
                }
            }
        }
    }
    if names.is_empty() || (!gnu && names.len() < 2) {
        return if gnu {
            gnu_usage("ln", "missing file operand")
        } else {
            busybox_usage("ln")
        };
    }
    if !symbolic {
        return Out::err("kubelab does not support hard links (ln without -s)\n", 1);
    }
    // `ln -s T` links in the working directory; `ln -s T... DIR` links inside DIR.
    let (targets, dest) = if names.len() == 1 {
        (&names[..], None)
    } else {
        let (t, d) = names.split_at(names.len() - 1);
        (t, Some(d[0].clone()))
    };
    let dest_dir = dest.as_ref().is_some_and(|d| {
        let p = x.state.resolve(d);
        if no_deref {
            x.state.vfs.is_dir(&p) && !x.state.vfs.is_symlink(&p)
        } else {
            x.state.vfs.is_dir(&p)
        }
    });
    if targets.len() > 1 && !dest_dir {
        let d = dest.unwrap_or_default();
        return if gnu {
            Out::err(format!("ln: target {}: Not a directory\n", quote(&d)), 1)
        } else {
            Out::err(format!("ln: {d}: Not a directory\n"), 1)
        };
    }
    let mut out = String::new();
    let mut err = String::new();
    for t in targets {
        let link = match &dest {
            None => format!("./{}", file_name(t)),
            Some(d) if dest_dir => format!("{}/{}", d.trim_end_matches('/'), file_name(t)),
            Some(d) => d.clone(),
        };
        let p = x.state.resolve(&link);
        if force && x.state.vfs.lexists(&p) && !x.state.vfs.lstat(&p).is_ok_and(|s| s.node.is_dir())
        {
            let _ = x.state.vfs.remove_file(&p);
        }
        match x.state.vfs.symlink(t, &p) {
            Ok(()) => {
                if verbose {
                    out.push_str(&format!("{} -> {}\n", quote(&link), quote(t)));
                }
            }
            Err(e) => err.push_str(&if gnu && t.is_empty() {
                format!(
                    "ln: failed to create symbolic link {} -> '': {e}\n",
                    quote(&link)
                )
            } else if gnu {
                format!("ln: failed to create symbolic link {}: {e}\n", quote(&link))
            } else {
                let shown = if dest.is_none() {
                    t.as_str()
                } else {
                    link.as_str()
                };
                format!("ln: {shown}: {e}\n")
            }),
        }
    }
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn readlink(x: &mut Exec<'_>, args: &[String]) -> Out {
    let gnu = x.state.profile.userland == Userland::Gnu;
    let (mut canon, mut must_exist, mut no_newline, mut verbose) = (false, false, false, false);
    let mut names = Vec::new();
    let mut done = false;
    for a in args {
        if done || !a.starts_with('-') || a == "-" {
            names.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => done = true,
            "--canonicalize" => canon = true,
            "--canonicalize-existing" => {
                canon = true;
                must_exist = true;
            }
            "--no-newline" => no_newline = true,
            "--verbose" => verbose = true,
            s if s.starts_with("--") => {
                return Out::err(format!("kubelab: readlink: {s} is not supported\n"), 1);
            }
            s => {
                for c in s[1..].chars() {
                    match c {
                        'f' => canon = true,
                        'e' if gnu => {
                            canon = true;
                            must_exist = true;
                        }
                        'n' => no_newline = true,
                        'v' => verbose = true,
                        'q' | 's' if gnu => verbose = false,
                        c => {
                            return Out::err(
                                format!("kubelab: readlink: -{c} is not supported\n"),
                                1,
                            );
                        }
                    }
                }
            }
        }
    }
    if names.is_empty() {
        return if gnu {
            gnu_usage("readlink", "missing operand")
        } else {
            busybox_usage("readlink")
        };
    }
    if !gnu && names.len() > 1 {
        return busybox_usage("readlink");
    }
    let mut out = String::new();
    let mut err = String::new();
    let mut status = 0;
    for n in &names {
        let p = x.state.resolve(n);
        let r = if canon {
            x.state.vfs.resolve(&p, true).and_then(|real| {
                if must_exist && !x.state.vfs.lexists(&real) {
                    Err(VfsError::NotFound)
                } else {
                    Ok(real)
                }
            })
        } else {
            x.state.vfs.readlink(&p)
        };
        match r {
            Ok(s) => {
                out.push_str(&s);
                if !no_newline || names.len() > 1 {
                    out.push('\n');
                }
            }
            Err(e) => {
                status = 1;
                if verbose {
                    err.push_str(&format!("readlink: {n}: {e}\n"));
                }
            }
        }
    }
    Out {
        stdout: out.into_bytes(),
        stderr: err.into_bytes(),
        status,
    }
}
