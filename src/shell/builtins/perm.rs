//! `chmod` (octal and symbolic modes) and `chown` (numeric ids and names from `/etc/passwd`
//! and `/etc/group`).

use super::Out;
use super::fsfmt::{Names, busybox_usage, gnu_usage, quote};
use crate::shell::Userland;
use crate::shell::exec::Exec;
use crate::shell::vfs::{VfsError, join};

/// Applies a mode (`755`, `u+x`, `go-w,a+X`) to `perm`; `None` if it does not parse.
pub(super) fn apply_mode(mode: &str, perm: u32, is_dir: bool, umask: u32) -> Option<u32> {
    if !mode.is_empty() && mode.chars().all(|c| c.is_digit(8)) {
        let v = u32::from_str_radix(mode, 8).ok()?;
        if v > 0o7777 {
            return None;
        }
        // GNU keeps a directory's set-id bits unless the mode names them (5 digits or more).
        let keep = if is_dir && mode.len() < 5 {
            perm & 0o6000 & !v
        } else {
            0
        };
        return Some(v | keep);
    }
    let mut perm = perm;
    for clause in mode.split(',') {
        let mut chars = clause.chars().peekable();
        let mut who = 0u32;
        while let Some(&c) = chars.peek() {
            who |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => break,
            };
            chars.next();
        }
        let explicit = who != 0;
        if !explicit {
            who = 0o7777;
        }
        let mut any_op = false;
        while let Some(op) = chars.next() {
            if !matches!(op, '+' | '-' | '=') {
                return None;
            }
            any_op = true;
            let mut bits = 0u32;
            // A copy of another class's bits: `g=u`.
            if let Some(&c) = chars.peek()
                && matches!(c, 'u' | 'g' | 'o')
            {
                chars.next();
                let v = match c {
                    'u' => (perm >> 6) & 7,
                    'g' => (perm >> 3) & 7,
                    _ => perm & 7,
                };
                bits = v * 0o111;
            } else {
                while let Some(&c) = chars.peek() {
                    bits |= match c {
                        'r' => 0o444,
                        'w' => 0o222,
                        'x' => 0o111,
                        'X' => {
                            if is_dir || perm & 0o111 != 0 {
                                0o111
                            } else {
                                0
                            }
                        }
                        's' => 0o6000,
                        't' => 0o1000,
                        _ => break,
                    };
                    chars.next();
                }
            }
            let mut mask = who & bits;
            if !explicit {
                // `+w` without a class: what the umask lets through.
                mask &= !umask | 0o7000;
            }
            match op {
                '+' => perm |= mask,
                '-' => perm &= !mask,
                _ => {
                    let clear = if explicit {
                        who & 0o777
                    } else {
                        0o777 & !umask
                    };
                    let keep_special = if is_dir { 0o6000 } else { 0 };
                    perm = (perm & !(clear | (who & 0o7000 & !keep_special))) | mask;
                }
            }
        }
        if !any_op {
            return None;
        }
    }
    Some(perm & 0o7777)
}

fn flags<'a>(args: &'a [String], allowed: &str) -> Result<(String, Vec<&'a String>), char> {
    let mut f = String::new();
    let mut rest = Vec::new();
    let mut done = false;
    for a in args {
        // `chmod -w f` is a mode, not a flag.
        if !done && a == "--" {
            done = true;
        } else if !done
            && a.len() > 1
            && a.starts_with('-')
            && a[1..].chars().all(|c| allowed.contains(c))
        {
            f.push_str(&a[1..]);
        } else if !done
            && a.starts_with('-')
            && a.len() > 1
            && !a[1..].starts_with(['r', 'w', 'x', 'X', 's', 't'])
        {
            return Err(a[1..].chars().next().unwrap_or('-'));
        } else {
            rest.push(a);
        }
    }
    Ok((f, rest))
}

/// The paths a chmod or chown of `path` changes: `path`, and with `-R` everything under it.
fn targets(x: &Exec<'_>, path: &str, recursive: bool) -> Vec<String> {
    if recursive {
        walk(x, path)
    } else {
        vec![path.to_string()]
    }
}

/// How chmod and chown say an operand is not there, in GNU's or busybox's words.
fn cannot_access(cmd: &str, name: &str, e: &VfsError, gnu: bool) -> String {
    if gnu {
        format!("{cmd}: cannot access {}: {e}\n", quote(name))
    } else {
        format!("{cmd}: {name}: {e}\n")
    }
}

/// Every path under `path` (itself first), for `-R`; links are not followed.
fn walk(x: &Exec<'_>, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![path.to_string()];
    while let Some(p) = todo.pop() {
        if x.state.vfs.lstat(&p).is_ok_and(|s| s.node.is_dir()) {
            for c in x
                .state
                .vfs
                .read_dir(&p)
                .unwrap_or_default()
                .into_iter()
                .rev()
            {
                todo.push(join(&p, &c));
            }
        }
        out.push(p);
    }
    out
}

pub(super) fn chmod(x: &mut Exec<'_>, args: &[String]) -> Out {
    let gnu = x.state.profile.userland == Userland::Gnu;
    let (f, rest) = match flags(args, "Rfv") {
        Ok(v) => v,
        Err(c) => return Out::err(format!("kubelab: chmod: -{c} is not supported\n"), 1),
    };
    let (recursive, quiet, verbose) = (f.contains('R'), f.contains('f'), f.contains('v'));
    if rest.len() < 2 {
        return match (gnu, rest.first()) {
            (true, None) => gnu_usage("chmod", "missing operand"),
            (true, Some(m)) => gnu_usage("chmod", &format!("missing operand after ‘{m}’")),
            (false, _) => busybox_usage("chmod"),
        };
    }
    let mode = rest[0].as_str();
    let umask = x.state.vfs.cred().umask;
    if apply_mode(mode, 0, false, umask).is_none() {
        return if gnu {
            gnu_usage("chmod", &format!("invalid mode: ‘{mode}’"))
        } else {
            Out::err(format!("chmod: invalid mode '{mode}'\n"), 1)
        };
    }
    let mut err = String::new();
    let mut out = String::new();
    for n in &rest[1..] {
        let p = x.state.resolve(n);
        if let Err(e) = x.state.vfs.stat(&p) {
            err.push_str(&cannot_access("chmod", n, &e, gnu));
            continue;
        }
        let paths = targets(x, &p, recursive);
        for path in paths {
            // A link met while recursing is left alone, as chmod does.
            if path != p && x.state.vfs.is_symlink(&path) {
                continue;
            }
            let Ok(st) = x.state.vfs.stat(&path) else {
                continue;
            };
            let new =
                apply_mode(mode, st.node.perm, st.node.is_dir(), umask).unwrap_or(st.node.perm);
            let shown = format!("{}{}", n, &path[p.len()..]);
            match x.state.vfs.chmod(&path, new) {
                Ok(()) if verbose => out.push_str(&format!(
                    "mode of {} {} from {:04o} ({}) to {:04o} ({})\n",
                    quote(&shown),
                    if new == st.node.perm {
                        "retained as"
                    } else {
                        "changed"
                    },
                    st.node.perm,
                    &st.node.mode_string()[1..],
                    new,
                    &crate::shell::vfs::mode_string(st.node.mode() & !0o7777 | new)[1..],
                )),
                Ok(()) => {}
                Err(e) if !quiet => err.push_str(&if gnu {
                    format!("chmod: changing permissions of {}: {e}\n", quote(&shown))
                } else {
                    format!("chmod: {shown}: {e}\n")
                }),
                Err(_) => {}
            }
        }
    }
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn chown(x: &mut Exec<'_>, args: &[String]) -> Out {
    let gnu = x.state.profile.userland == Userland::Gnu;
    let (f, rest) = match flags(args, "Rhf") {
        Ok(v) => v,
        Err(c) => return Out::err(format!("kubelab: chown: -{c} is not supported\n"), 1),
    };
    let (recursive, nofollow, quiet) = (f.contains('R'), f.contains('h'), f.contains('f'));
    if rest.len() < 2 {
        return match (gnu, rest.first()) {
            (true, None) => gnu_usage("chown", "missing operand"),
            (true, Some(m)) => gnu_usage("chown", &format!("missing operand after ‘{m}’")),
            (false, _) => busybox_usage("chown"),
        };
    }
    let names = Names::load(x);
    let spec = rest[0].as_str();
    let (user, group) = match spec.split_once([':', '.']) {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let uid = if user.is_empty() {
        None
    } else {
        match names.uid_of(user) {
            Some(u) => Some(u),
            None => {
                return Out::err(
                    if gnu {
                        format!("chown: invalid user: ‘{spec}’\n")
                    } else {
                        format!("chown: unknown user {user}\n")
                    },
                    1,
                );
            }
        }
    };
    let gid = match group {
        None => None,
        Some("") if uid.is_some() => {
            return Out::err(
                "kubelab: chown: OWNER: (the owner's login group) is not supported\n",
                1,
            );
        }
        Some("") => None,
        Some(g) => match names.gid_of(g) {
            Some(g) => Some(g),
            None => {
                return Out::err(
                    if gnu {
                        format!("chown: invalid group: ‘{spec}’\n")
                    } else {
                        format!("chown: unknown group {g}\n")
                    },
                    1,
                );
            }
        },
    };
    let mut err = String::new();
    for n in &rest[1..] {
        let p = x.state.resolve(n);
        let exists = if nofollow {
            x.state.vfs.lstat(&p).map(|_| ())
        } else {
            x.state.vfs.stat(&p).map(|_| ())
        };
        if let Err(e) = exists {
            err.push_str(&cannot_access("chown", n, &e, gnu));
            continue;
        }
        let paths = targets(x, &p, recursive);
        for path in paths {
            let shown = format!("{}{}", n, &path[p.len()..]);
            let own = nofollow || (path != p && x.state.vfs.is_symlink(&path));
            match x.state.vfs.chown(&path, uid, gid, own) {
                Ok(()) | Err(VfsError::NotFound) => {}
                Err(e) if !quiet => err.push_str(&if gnu {
                    format!("chown: changing ownership of {}: {e}\n", quote(&shown))
                } else {
                    format!("chown: {shown}: {e}\n")
                }),
                Err(_) => {}
            }
        }
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::apply_mode;

    #[test]
    fn modes() {
        assert_eq!(apply_mode("755", 0o644, false, 0o022), Some(0o755));
        assert_eq!(apply_mode("u+x", 0o644, false, 0o022), Some(0o744));
        assert_eq!(apply_mode("+x", 0o644, false, 0o022), Some(0o755));
        assert_eq!(apply_mode("+w", 0o444, false, 0o022), Some(0o644));
        assert_eq!(apply_mode("go-r", 0o644, false, 0o022), Some(0o600));
        assert_eq!(apply_mode("a=r", 0o755, false, 0o022), Some(0o444));
        assert_eq!(apply_mode("u=rwx,g=rx,o=", 0o0, false, 0o022), Some(0o750));
        assert_eq!(apply_mode("a+X", 0o644, true, 0o022), Some(0o755));
        assert_eq!(apply_mode("a+X", 0o644, false, 0o022), Some(0o644));
        assert_eq!(apply_mode("u+s", 0o755, false, 0o022), Some(0o4755));
        assert_eq!(apply_mode("+t", 0o777, true, 0o022), Some(0o1777));
        assert_eq!(apply_mode("g=u", 0o740, false, 0o022), Some(0o770));
        assert_eq!(apply_mode("999", 0, false, 0o022), None);
        assert_eq!(apply_mode("u+q", 0, false, 0o022), None);
        assert_eq!(apply_mode("u", 0, false, 0o022), None);
    }
}
