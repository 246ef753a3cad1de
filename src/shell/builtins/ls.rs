//! `ls`: GNU coreutils' (per-listing column widths) and busybox's (fixed widths), with
//! `-l -a -A -d -h -i -n -1 -R -r -t -S -L`.

use std::collections::BTreeSet;

use super::Out;
use super::fsfmt::{Names, busybox_human, gnu_human, ls_date, quote};
use crate::shell::Userland;
use crate::shell::exec::{BufId, Exec};
use crate::shell::vfs::{Kind, Stat, VfsError, join};

/// Lines `ls -R` may list before it stops with kubelab's notice.
const MAX_LISTED: usize = 100_000;

#[derive(Default)]
struct Opts {
    all: bool,
    almost: bool,
    dir: bool,
    long: bool,
    human: bool,
    inode: bool,
    numeric: bool,
    recursive: bool,
    reverse: bool,
    by_time: bool,
    by_size: bool,
    follow: bool,
}

/// GNU ls's short options (those kubelab lacks are refused plainly, not as invalid).
const GNU_SHORT: &str = "abcdfghiklmnopqrstuvwxABCDFGHILNQRSTUXZ1";
/// busybox ls's short options.
const BB_SHORT: &str = "1AaCxdLHRFplinshrSXvctuwe";

fn parse(userland: Userland, args: &[String]) -> Result<(Opts, Vec<String>), Out> {
    let mut o = Opts::default();
    let mut names = Vec::new();
    let mut done = false;
    let (gnu, valid) = match userland {
        Userland::Gnu => (true, GNU_SHORT),
        Userland::Busybox => (false, BB_SHORT),
    };
    let invalid = |c: char| -> Out {
        if gnu {
            Out::err(
                format!("ls: invalid option -- '{c}'\nTry 'ls --help' for more information.\n"),
                2,
            )
        } else {
            Out::err(
                format!(
                    "ls: invalid option -- '{c}'\nkubelab: busybox ls: wrong usage (busybox's usage text is not shown)\n"
                ),
                1,
            )
        }
    };
    for a in args {
        if done || a == "-" || !a.starts_with('-') {
            names.push(a.clone());
            continue;
        }
        if a == "--" {
            done = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            match long {
                "all" => o.all = true,
                "almost-all" => o.almost = true,
                "directory" => o.dir = true,
                "human-readable" => o.human = true,
                "inode" => o.inode = true,
                "numeric-uid-gid" => {
                    o.numeric = true;
                    o.long = true;
                }
                "recursive" => o.recursive = true,
                "reverse" => o.reverse = true,
                "dereference" => o.follow = true,
                "color=never" | "color=no" | "color=none" | "color=auto" | "color=tty"
                | "color=if-tty" => {}
                _ if gnu => {
                    let name = long.split('=').next().unwrap_or(long);
                    let known = [
                        "author",
                        "block-size",
                        "classify",
                        "color",
                        "format",
                        "full-time",
                        "group-directories-first",
                        "hide",
                        "ignore",
                        "indicator-style",
                        "quoting-style",
                        "si",
                        "size",
                        "sort",
                        "time",
                        "time-style",
                        "width",
                        "context",
                        "escape",
                        "literal",
                        "hyperlink",
                        "zero",
                        "file-type",
                        "ignore-backups",
                        "kibibytes",
                        "no-group",
                        "hide-control-chars",
                        "show-control-chars",
                        "quote-name",
                        "tabsize",
                        "dired",
                        "dereference-command-line",
                        "dereference-command-line-symlink-to-dir",
                        "help",
                        "version",
                    ];
                    return Err(if known.contains(&name) {
                        Out::err(format!("kubelab: ls: --{name} is not supported\n"), 2)
                    } else {
                        Out::err(
                            format!(
                                "ls: unrecognized option '{a}'\nTry 'ls --help' for more information.\n"
                            ),
                            2,
                        )
                    });
                }
                _ => {
                    return Err(Out::err(
                        format!(
                            "ls: unrecognized option '{a}'\nkubelab: busybox ls: wrong usage (busybox's usage text is not shown)\n"
                        ),
                        1,
                    ));
                }
            }
            continue;
        }
        for c in a[1..].chars() {
            match c {
                'a' => o.all = true,
                'A' => o.almost = true,
                'd' => o.dir = true,
                'l' => o.long = true,
                'h' => o.human = true,
                'i' => o.inode = true,
                'n' => {
                    o.numeric = true;
                    o.long = true;
                }
                '1' => {}
                'R' => o.recursive = true,
                'r' => o.reverse = true,
                't' => {
                    o.by_time = true;
                    o.by_size = false;
                }
                'S' => {
                    o.by_size = true;
                    o.by_time = false;
                }
                'L' => o.follow = true,
                c if valid.contains(c) => {
                    return Err(Out::err(format!("kubelab: ls: -{c} is not supported\n"), 2));
                }
                c => return Err(invalid(c)),
            }
        }
    }
    Ok((o, names))
}

/// One entry to show: the name as listed, its stat, a link's target.
struct Entry {
    name: String,
    stat: Stat,
    target: Option<String>,
}

fn order(a: &Entry, b: &Entry, o: &Opts) -> std::cmp::Ordering {
    let key = if o.by_size {
        b.stat.size.cmp(&a.stat.size)
    } else if o.by_time {
        b.stat.node.mtime.cmp(&a.stat.node.mtime)
    } else {
        std::cmp::Ordering::Equal
    };
    key.then_with(|| a.name.as_bytes().cmp(b.name.as_bytes()))
}

fn sort(entries: &mut [Entry], o: &Opts) {
    entries.sort_by(|a, b| order(a, b, o));
    if o.reverse {
        entries.reverse();
    }
}

/// The lines of one listing (a directory's entries, or the file operands).
/// `sized`: the entries whose cells set the column widths (GNU's file operands are laid out
/// with the directory operands too, as it stats them all before it lists any).
fn render(
    x: &Exec<'_>,
    names: &Names,
    entries: &[Entry],
    sized: &[&Entry],
    o: &Opts,
    out: &mut String,
) {
    let userland = x.state.profile.userland;
    if !o.long {
        for e in entries {
            if o.inode {
                match userland {
                    Userland::Gnu => out.push_str(&format!("{} ", e.stat.node.ino)),
                    Userland::Busybox => out.push_str(&format!("{:>7} ", e.stat.node.ino)),
                }
            }
            out.push_str(&e.name);
            out.push('\n');
        }
        return;
    }
    let now = x.state.vfs.now();
    let owner = |id: u32, user: bool| -> (String, bool) {
        if o.numeric {
            return (id.to_string(), true);
        }
        let n = if user {
            names.user(id)
        } else {
            names.group(id)
        };
        let numeric = n == id.to_string();
        (n, numeric)
    };
    let size_of = |e: &Entry| -> String {
        if o.human {
            match userland {
                Userland::Gnu => gnu_human(e.stat.size),
                Userland::Busybox => busybox_human(e.stat.size),
            }
        } else {
            e.stat.size.to_string()
        }
    };
    match userland {
        Userland::Busybox => {
            for e in entries {
                if o.inode {
                    out.push_str(&format!("{:>7} ", e.stat.node.ino));
                }
                out.push_str(&format!(
                    "{:<10} {:>4} ",
                    e.stat.node.mode_string(),
                    e.stat.nlink
                ));
                if o.numeric {
                    out.push_str(&format!("{:<8} {:<8} ", e.stat.node.uid, e.stat.node.gid));
                } else {
                    let u: String = names.user(e.stat.node.uid).chars().take(8).collect();
                    let g: String = names.group(e.stat.node.gid).chars().take(8).collect();
                    out.push_str(&format!("{u:<8} {g:<8} "));
                }
                match e.stat.node.kind {
                    Kind::CharDev(ma, mi) => out.push_str(&format!("{ma:>4}, {mi:>3} ")),
                    _ if o.human => out.push_str(&format!("{:>7} ", size_of(e))),
                    _ => out.push_str(&format!("{:>9} ", e.stat.size)),
                }
                out.push_str(&ls_date(userland, e.stat.node.mtime, now));
                out.push(' ');
                out.push_str(&e.name);
                if let Some(t) = &e.target {
                    out.push_str(" -> ");
                    out.push_str(t);
                }
                out.push('\n');
            }
        }
        Userland::Gnu => {
            struct Row {
                ino: String,
                mode: String,
                nlink: String,
                user: (String, bool),
                group: (String, bool),
                size: Result<String, (String, String)>,
                date: String,
            }
            let row = |e: &Entry| Row {
                ino: e.stat.node.ino.to_string(),
                mode: e.stat.node.mode_string(),
                nlink: e.stat.nlink.to_string(),
                user: owner(e.stat.node.uid, true),
                group: owner(e.stat.node.gid, false),
                size: match e.stat.node.kind {
                    Kind::CharDev(ma, mi) => Err((ma.to_string(), mi.to_string())),
                    _ => Ok(size_of(e)),
                },
                date: ls_date(userland, e.stat.node.mtime, now),
            };
            let rows: Vec<Row> = entries.iter().map(row).collect();
            let all: Vec<Row> = sized.iter().map(|e| row(e)).collect();
            let w = |f: &dyn Fn(&Row) -> usize| rows.iter().chain(&all).map(f).max().unwrap_or(0);
            let ino_w = w(&|r| r.ino.len());
            let nlink_w = w(&|r| r.nlink.len());
            let user_w = w(&|r| r.user.0.len());
            let group_w = w(&|r| r.group.0.len());
            let major_w = w(&|r| r.size.as_ref().err().map_or(0, |d| d.0.len()));
            let minor_w = w(&|r| r.size.as_ref().err().map_or(0, |d| d.1.len()));
            let dev_w = if major_w > 0 {
                major_w + 2 + minor_w
            } else {
                0
            };
            let size_w = w(&|r| r.size.as_ref().map_or(0, String::len)).max(dev_w);
            let col = |(s, numeric): &(String, bool), width: usize| {
                if *numeric {
                    format!("{s:>width$} ")
                } else {
                    format!("{s:<width$} ")
                }
            };
            for (r, e) in rows.iter().zip(entries) {
                if o.inode {
                    out.push_str(&format!("{:>ino_w$} ", r.ino));
                }
                out.push_str(&format!("{} {:>nlink_w$} ", r.mode, r.nlink));
                out.push_str(&col(&r.user, user_w));
                out.push_str(&col(&r.group, group_w));
                match &r.size {
                    Ok(s) => out.push_str(&format!("{s:>size_w$} ")),
                    Err((ma, mi)) => {
                        let mw = major_w + size_w.saturating_sub(dev_w);
                        out.push_str(&format!("{ma:>mw$}, {mi:>minor_w$} "));
                    }
                }
                out.push_str(&r.date);
                out.push(' ');
                out.push_str(&e.name);
                if let Some(t) = &e.target {
                    out.push_str(" -> ");
                    out.push_str(t);
                }
                out.push('\n');
            }
        }
    }
}

/// `total N`: the listing's blocks in KiB.
fn total(userland: Userland, entries: &[Entry], human: bool) -> String {
    let blocks: u64 = entries.iter().map(|e| e.stat.blocks).sum();
    match (userland, human) {
        (Userland::Gnu, false) => format!("total {}\n", blocks.div_ceil(2)),
        (Userland::Gnu, true) => format!("total {}\n", gnu_human(blocks * 512)),
        (Userland::Busybox, false) => format!("total {}\n", (blocks + 1) >> 1),
        (Userland::Busybox, true) => {
            let h = busybox_human(((blocks + 1) >> 1) * 1024);
            // Without the tenths, as busybox prints it here.
            let h = match h.split_once('.') {
                Some((whole, rest)) => format!("{whole}{}", &rest[1..]),
                None => h,
            };
            format!("total {h:<7}\n")
        }
    }
}

pub(super) fn ls(x: &mut Exec<'_>, args: &[String], err: BufId) -> Out {
    let userland = x.state.profile.userland;
    let (o, mut operands) = match parse(userland, args) {
        Ok(v) => v,
        Err(out) => return out,
    };
    let fail_status = if userland == Userland::Gnu { 2 } else { 1 };
    let several = operands.len() > 1;
    if operands.is_empty() {
        operands.push(".".into());
    }
    let names = Names::load(x);
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let report = |x: &mut Exec<'_>, n: &str, e: VfsError| {
        let msg = match userland {
            Userland::Gnu => format!("ls: cannot access {}: {e}\n", quote(n)),
            Userland::Busybox => format!("ls: {n}: {e}\n"),
        };
        x.write(err, msg.as_bytes());
    };
    for n in &operands {
        let p = x.state.resolve(n);
        // Operands are followed unless listed long or as themselves (GNU and busybox alike).
        let follow = o.follow || (!o.long && !o.dir) || n.ends_with('/');
        let st = if follow {
            x.state.vfs.stat(&p).or_else(|e| match e {
                VfsError::NotFound => x.state.vfs.lstat(&p).map_err(|_| e),
                e => Err(e),
            })
        } else {
            x.state.vfs.lstat(&p)
        };
        match st {
            Err(e) => {
                report(x, n, e);
                status = fail_status;
            }
            Ok(stat) => {
                let target = link_target(x, &p, &stat, &o);
                let e = Entry {
                    name: n.clone(),
                    stat,
                    target,
                };
                if e.stat.node.is_dir() && !o.dir {
                    dirs.push((e, p));
                } else {
                    files.push(e);
                }
            }
        }
    }
    sort(&mut files, &o);
    dirs.sort_by(|a, b| order(&a.0, &b.0, &o));
    if o.reverse {
        dirs.reverse();
    }
    let dir_paths: Vec<(String, String)> = dirs
        .iter()
        .map(|(e, p)| (e.name.clone(), p.clone()))
        .collect();
    let mut out = String::new();
    let mut printed = !files.is_empty();
    if !files.is_empty() {
        let sized: Vec<&Entry> = dirs.iter().map(|(e, _)| e).collect();
        render(x, &names, &files, &sized, &o, &mut out);
    }
    // A work list of directories to list (shown name, physical path), the next on top.
    let mut todo: Vec<(String, String)> = dir_paths.into_iter().rev().collect();
    let mut seen = BTreeSet::new();
    let mut listed = 0usize;
    let headers = several || o.recursive;
    while let Some((shown, p)) = todo.pop() {
        if o.follow && o.recursive {
            let real = x.state.vfs.resolve(&p, true).unwrap_or_else(|_| p.clone());
            if !seen.insert(real) {
                let msg = format!(
                    "ls: {}: not listing already-listed directory\n",
                    quote(&shown)
                );
                x.write(err, msg.as_bytes());
                status = fail_status;
                continue;
            }
        }
        if headers {
            if printed {
                out.push('\n');
            }
            out.push_str(&format!("{shown}:\n"));
        }
        printed = true;
        let children = match x.state.vfs.read_dir(&p) {
            Ok(c) => c,
            Err(e) => {
                let msg = match userland {
                    Userland::Gnu => format!("ls: cannot open directory {}: {e}\n", quote(&shown)),
                    Userland::Busybox => format!("ls: {shown}: {e}\n"),
                };
                x.write(err, msg.as_bytes());
                status = fail_status;
                continue;
            }
        };
        let mut names_here: Vec<String> = Vec::new();
        if o.all {
            names_here.push(".".into());
            names_here.push("..".into());
        }
        names_here.extend(
            children
                .into_iter()
                .filter(|c| o.all || o.almost || !c.starts_with('.')),
        );
        let mut entries = Vec::new();
        for c in names_here {
            let cp = match c.as_str() {
                "." => p.clone(),
                ".." => crate::shell::vfs::parent(&p),
                _ => join(&p, &c),
            };
            let st = if o.follow {
                x.state.vfs.stat(&cp).or_else(|_| x.state.vfs.lstat(&cp))
            } else {
                x.state.vfs.lstat(&cp)
            };
            if let Ok(stat) = st {
                let target = link_target(x, &cp, &stat, &o);
                entries.push(Entry {
                    name: c,
                    stat,
                    target,
                });
            }
        }
        sort(&mut entries, &o);
        if o.long {
            out.push_str(&total(userland, &entries, o.human));
        }
        render(x, &names, &entries, &[], &o, &mut out);
        listed += entries.len();
        if listed > MAX_LISTED || out.len() > super::room(x) {
            x.write(
                err,
                format!(
                    "kubelab: ls: stopped after listing {MAX_LISTED} entries, kubelab's limit\n"
                )
                .as_bytes(),
            );
            status = fail_status;
            break;
        }
        if o.recursive {
            let base = shown.trim_end_matches('/');
            let sub: Vec<(String, String)> = entries
                .iter()
                .filter(|e| e.name != "." && e.name != ".." && e.stat.node.is_dir())
                .map(|e| {
                    let shown = if base.is_empty() {
                        format!("/{}", e.name)
                    } else {
                        format!("{base}/{}", e.name)
                    };
                    (shown, join(&p, &e.name))
                })
                .collect();
            todo.extend(sub.into_iter().rev());
        }
    }
    Out {
        stdout: out.into_bytes(),
        stderr: vec![],
        status,
    }
}

/// A link's target, shown by `ls -l` (not when following links).
fn link_target(x: &Exec<'_>, path: &str, stat: &Stat, o: &Opts) -> Option<String> {
    if !o.long || !matches!(stat.node.kind, Kind::Symlink(_)) {
        return None;
    }
    x.state.vfs.readlink(path).ok()
}
