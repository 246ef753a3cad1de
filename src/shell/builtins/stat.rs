//! `stat`: GNU coreutils' default format and busybox's, `-L`, and `-c FORMAT` with the common
//! sequences.

use super::Out;
use super::fsfmt::{Names, busybox_usage, full_time, gnu_usage, quote};
use crate::shell::Userland;
use crate::shell::exec::Exec;
use crate::shell::vfs::{Kind, Stat};

/// busybox's `st_dev` as one number (glibc's `makedev`).
fn makedev(major: u32, minor: u32) -> u64 {
    let (ma, mi) = (major as u64, minor as u64);
    ((ma & 0xfff) << 8) | ((ma & !0xfff) << 32) | (mi & 0xff) | ((mi & !0xff) << 12)
}

fn default_format(
    userland: Userland,
    name: &str,
    st: &Stat,
    target: Option<&str>,
    names: &Names,
) -> String {
    let n = &st.node;
    let file = match (userland, target) {
        (Userland::Gnu, Some(t)) => format!("{name} -> {t}"),
        (Userland::Busybox, Some(t)) => format!("'{name}' -> '{t}'"),
        (_, None) => name.to_string(),
    };
    let dev = match userland {
        Userland::Gnu => format!("{},{}", st.dev.0, st.dev.1),
        Userland::Busybox => {
            let d = makedev(st.dev.0, st.dev.1);
            format!("{d:x}h/{d}d")
        }
    };
    let links = match n.kind {
        Kind::CharDev(ma, mi) => format!("{:<5} Device type: {ma},{mi}", st.nlink),
        _ => st.nlink.to_string(),
    };
    let mut s = format!(
        "  File: {file}\n  Size: {:<10}\tBlocks: {:<10} IO Block: 4096   {}\nDevice: {dev}\tInode: {:<10}  Links: {links}\nAccess: ({:04o}/{})  Uid: ({:>5}/{:>8})   Gid: ({:>5}/{:>8})\nAccess: {}\nModify: {}\nChange: {}\n",
        st.size,
        st.blocks,
        n.type_name(),
        n.ino,
        n.perm,
        n.mode_string(),
        n.uid,
        names.user(n.uid),
        n.gid,
        names.group(n.gid),
        full_time(n.atime),
        full_time(n.mtime),
        full_time(n.ctime),
    );
    if userland == Userland::Gnu {
        s.push_str(&format!(" Birth: {}\n", full_time(n.btime)));
    }
    s
}

/// `-c FORMAT`: `%n %N %s %b %B %a %A %f %F %h %i %u %U %g %G %x %X %y %Y %z %Z %w %W %d %D
/// %t %T %o %%`; anything else is refused plainly.
fn custom(
    fmt: &str,
    name: &str,
    st: &Stat,
    target: Option<&str>,
    names: &Names,
) -> Result<String, char> {
    let n = &st.node;
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else {
            out.push('%');
            break;
        };
        let (rdev_ma, rdev_mi) = match n.kind {
            Kind::CharDev(a, b) => (a, b),
            _ => (0, 0),
        };
        out.push_str(&match spec {
            '%' => "%".into(),
            'n' => name.into(),
            'N' => match target {
                Some(t) => format!("{} -> {}", quote(name), quote(t)),
                None => quote(name),
            },
            's' => st.size.to_string(),
            'b' => st.blocks.to_string(),
            'B' => "512".into(),
            'o' => "4096".into(),
            'a' => format!("{:o}", n.perm),
            'A' => n.mode_string(),
            'f' => format!("{:x}", n.mode()),
            'F' => n.type_name().into(),
            'h' => st.nlink.to_string(),
            'i' => n.ino.to_string(),
            'u' => n.uid.to_string(),
            'U' => names.user(n.uid),
            'g' => n.gid.to_string(),
            'G' => names.group(n.gid),
            'x' => full_time(n.atime),
            'X' => n.atime.to_string(),
            'y' => full_time(n.mtime),
            'Y' => n.mtime.to_string(),
            'z' => full_time(n.ctime),
            'Z' => n.ctime.to_string(),
            'w' => full_time(n.btime),
            'W' => n.btime.to_string(),
            'd' => makedev(st.dev.0, st.dev.1).to_string(),
            'D' => format!("{:x}", makedev(st.dev.0, st.dev.1)),
            't' => format!("{rdev_ma:x}"),
            'T' => format!("{rdev_mi:x}"),
            other => return Err(other),
        });
    }
    out.push('\n');
    Ok(out)
}

pub(super) fn stat(x: &mut Exec<'_>, args: &[String]) -> Out {
    let userland = x.state.profile.userland;
    let gnu = userland == Userland::Gnu;
    let mut follow = false;
    let mut format: Option<String> = None;
    let mut files = Vec::new();
    let mut it = args.iter();
    let mut done = false;
    while let Some(a) = it.next() {
        if done || !a.starts_with('-') || a == "-" {
            files.push(a.clone());
            continue;
        }
        match a.as_str() {
            "--" => done = true,
            "-L" | "--dereference" => follow = true,
            "-c" | "--format" => match it.next() {
                Some(f) => format = Some(f.clone()),
                None if gnu => {
                    return Out::err(
                        "stat: option requires an argument -- 'c'
Try 'stat --help' for more information.
",
                        1,
                    );
                }
                None => return busybox_usage("stat"),
            },
            s if s.starts_with("--format=") => format = Some(s["--format=".len()..].to_string()),
            s if s.starts_with("-c") => format = Some(s[2..].to_string()),
            s => return Out::err(format!("kubelab: stat: {s} is not supported\n"), 1),
        }
    }
    if files.is_empty() {
        return if gnu {
            gnu_usage("stat", "missing operand")
        } else {
            busybox_usage("stat")
        };
    }
    let names = Names::load(x);
    let mut out = String::new();
    let mut err = String::new();
    for f in &files {
        let p = x.state.resolve(f);
        let st = if follow {
            x.state.vfs.stat(&p)
        } else {
            x.state.vfs.lstat(&p)
        };
        let st = match st {
            Ok(s) => s,
            Err(e) => {
                err.push_str(&if gnu {
                    format!("stat: cannot statx {}: {e}\n", quote(f))
                } else {
                    format!("stat: can't stat '{f}': {e}\n")
                });
                continue;
            }
        };
        let target = match &st.node.kind {
            Kind::Symlink(t) => Some(t.clone()),
            _ => None,
        };
        match &format {
            None => out.push_str(&default_format(userland, f, &st, target.as_deref(), &names)),
            Some(fmt) => match custom(fmt, f, &st, target.as_deref(), &names) {
                Ok(s) => out.push_str(&s),
                Err(c) => {
                    return Out::err(
                        format!("kubelab: stat: the format sequence %{c} is not supported\n"),
                        1,
                    );
                }
            },
        }
    }
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}
