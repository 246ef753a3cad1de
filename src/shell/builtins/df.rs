//! `df` (`-h`, `-k`, `-a`, `-T` for GNU) and `mount` (the table, as `dev on dir type fs (opts)`),
//! from the file system's mount table.

use super::Out;
use super::fsfmt::{busybox_human, gnu_human};
use crate::shell::Userland;
use crate::shell::exec::Exec;
use crate::shell::vfs::MountView;

/// File systems `df` leaves out without `-a` (GNU's dummy ones; busybox's have no blocks).
const PSEUDO: &[&str] = &[
    "proc",
    "sysfs",
    "cgroup",
    "cgroup2",
    "devpts",
    "mqueue",
    "securityfs",
    "debugfs",
    "tracefs",
    "pstore",
    "bpf",
    "configfs",
    "fusectl",
    "hugetlbfs",
    "autofs",
    "binfmt_misc",
];

struct Row {
    source: String,
    fstype: String,
    path: String,
    total_k: u64,
    used_k: u64,
    avail_k: u64,
}

fn row(m: &MountView) -> Row {
    let total_k = m.info.size / 1024;
    let used_k = m.used.div_ceil(1024).min(total_k);
    Row {
        source: m.info.source.clone(),
        fstype: m.info.fstype.clone(),
        path: m.path.clone(),
        total_k,
        used_k,
        avail_k: total_k - used_k,
    }
}

pub(super) fn df(x: &mut Exec<'_>, args: &[String]) -> Out {
    let gnu = x.state.profile.userland == Userland::Gnu;
    let (mut human, mut all, mut types) = (false, false, false);
    let mut operands = Vec::new();
    for a in args {
        match a.as_str() {
            "--human-readable" => human = true,
            "--all" => all = true,
            "--print-type" if gnu => types = true,
            s if s.starts_with('-') && s.len() > 1 && !s.starts_with("--") => {
                for c in s[1..].chars() {
                    match c {
                        'h' => human = true,
                        'k' => human = false,
                        'a' => all = true,
                        'T' if gnu => types = true,
                        c => return Out::err(format!("kubelab: df: -{c} is not supported\n"), 1),
                    }
                }
            }
            s if s.starts_with("--") => {
                return Out::err(format!("kubelab: df: {s} is not supported\n"), 1);
            }
            _ => operands.push(a.clone()),
        }
    }
    let mounts = x.state.vfs.mounts();
    let mut rows: Vec<Row> = Vec::new();
    let mut err = String::new();
    if operands.is_empty() {
        for m in &mounts {
            if !all && (PSEUDO.contains(&m.info.fstype.as_str()) || (!gnu && m.info.size == 0)) {
                continue;
            }
            let r = row(m);
            // GNU shows a device once, at its shortest mount point.
            if gnu
                && !all
                && r.source.starts_with('/')
                && let Some(i) = rows.iter().position(|o| o.source == r.source)
            {
                if r.path.len() < rows[i].path.len() {
                    rows[i] = r;
                }
                continue;
            }
            rows.push(r);
        }
    } else {
        for n in &operands {
            let p = x.state.resolve(n);
            match x.state.vfs.resolve(&p, true) {
                Ok(real) if x.state.vfs.lexists(&real) => {
                    let m = mounts
                        .iter()
                        .rev()
                        .find(|m| {
                            m.path == "/"
                                || real == m.path
                                || real.starts_with(&format!("{}/", m.path))
                        })
                        .unwrap_or(&mounts[0]);
                    rows.push(row(m));
                }
                Ok(_) | Err(_) => err.push_str(&if gnu {
                    format!("df: {n}: No such file or directory\n")
                } else {
                    format!("df: {n}: can't find mount point\n")
                }),
            }
        }
    }
    let out = if gnu {
        gnu_table(&rows, human, types)
    } else {
        busybox_table(&rows, human)
    };
    let out = if rows.is_empty() && gnu {
        String::new()
    } else {
        out
    };
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

fn percent(used: u64, avail: u64, round_up: bool) -> Option<u64> {
    let total = used + avail;
    if total == 0 {
        return None;
    }
    Some(if round_up {
        (used * 100).div_ceil(total)
    } else {
        (used * 100 + total / 2) / total
    })
}

/// GNU's table: each column as wide as its widest cell (Filesystem at least 14, the numbers at
/// least 5), numbers on the right, the last column unpadded.
fn gnu_table(rows: &[Row], human: bool, types: bool) -> String {
    let num = |k: u64| {
        if human {
            gnu_human(k * 1024)
        } else {
            k.to_string()
        }
    };
    let mut table: Vec<Vec<String>> = vec![{
        let mut h = vec!["Filesystem".to_string()];
        if types {
            h.push("Type".into());
        }
        if human {
            h.extend(["Size", "Used", "Avail"].map(String::from));
        } else {
            h.extend(["1K-blocks", "Used", "Available"].map(String::from));
        }
        h.extend(["Use%", "Mounted on"].map(String::from));
        h
    }];
    for r in rows {
        let mut c = vec![r.source.clone()];
        if types {
            c.push(r.fstype.clone());
        }
        c.push(num(r.total_k));
        c.push(num(r.used_k));
        c.push(num(r.avail_k));
        c.push(match percent(r.used_k, r.avail_k, true) {
            Some(p) => format!("{p}%"),
            None => "-".into(),
        });
        c.push(r.path.clone());
        table.push(c);
    }
    let ncols = table[0].len();
    let first_num = if types { 2 } else { 1 };
    let widths: Vec<usize> = (0..ncols)
        .map(|i| {
            let min = match i {
                0 => 14,
                i if i >= first_num && i < ncols - 2 => 5,
                i if i == ncols - 2 => 4,
                _ => 0,
            };
            table.iter().map(|r| r[i].len()).max().unwrap_or(0).max(min)
        })
        .collect();
    let mut out = String::new();
    for r in &table {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            let w = widths[i];
            if i > 0 {
                line.push(' ');
            }
            if i == ncols - 1 {
                line.push_str(cell);
            } else if i < first_num {
                line.push_str(&format!("{cell:<w$}"));
            } else {
                line.push_str(&format!("{cell:>w$}"));
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// busybox's table: `%-20s %9s %9s %9s %3u%% %s` (a longer device name goes on a line of its
/// own).
fn busybox_table(rows: &[Row], human: bool) -> String {
    let mut out = if human {
        "Filesystem                Size      Used Available Use% Mounted on\n".to_string()
    } else {
        "Filesystem           1K-blocks      Used Available Use% Mounted on\n".to_string()
    };
    for r in rows {
        out.push_str(&format!("{:<20}", r.source));
        if r.source.len() > 20 {
            out.push_str(&format!("\n{:20}", ""));
        }
        let pct = percent(r.used_k, r.avail_k, false).unwrap_or(0);
        if human {
            out.push_str(&format!(
                " {:>9} {:>9} {:>9} {pct:>3}% {}\n",
                busybox_human(r.total_k * 1024),
                busybox_human(r.used_k * 1024),
                busybox_human(r.avail_k * 1024),
                r.path
            ));
        } else {
            out.push_str(&format!(
                " {:>9} {:>9} {:>9} {pct:>3}% {}\n",
                r.total_k, r.used_k, r.avail_k, r.path
            ));
        }
    }
    out
}

pub(super) fn mount(x: &mut Exec<'_>, args: &[String]) -> Out {
    if !args.is_empty() {
        return Out::err(
            "kubelab: mount: only listing the mounts (mount with no arguments) is supported\n",
            1,
        );
    }
    let out: String = x
        .state
        .vfs
        .mounts()
        .iter()
        .map(|m| {
            format!(
                "{} on {} type {} ({})\n",
                m.info.source, m.path, m.info.fstype, m.info.options
            )
        })
        .collect();
    Out::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_root(used_k: u64, avail_k: u64) -> Vec<Row> {
        vec![Row {
            source: "/dev/vda".into(),
            fstype: "ext4".into(),
            path: "/".into(),
            total_k: 264_212_084,
            used_k,
            avail_k,
        }]
    }

    /// The tables GNU coreutils 9.1 and busybox 1.35 printed for the same disk (its reserved
    /// blocks make Used + Available less than the size).
    #[test]
    fn tables_as_the_real_df_prints_them() {
        let rows = host_root(37_990_176, 57_295_712);
        assert_eq!(
            gnu_table(&rows, false, false),
            "Filesystem     1K-blocks     Used Available Use% Mounted on\n/dev/vda       264212084 37990176  57295712  40% /\n"
        );
        assert_eq!(
            gnu_table(&rows, true, false),
            "Filesystem      Size  Used Avail Use% Mounted on\n/dev/vda        252G   37G   55G  40% /\n"
        );
        let rows = host_root(38_465_172, 56_820_716);
        assert_eq!(
            busybox_table(&rows, false),
            "Filesystem           1K-blocks      Used Available Use% Mounted on\n/dev/vda             264212084  38465172  56820716  40% /\n"
        );
        assert_eq!(
            busybox_table(&rows, true),
            "Filesystem                Size      Used Available Use% Mounted on\n/dev/vda                252.0G     36.7G     54.2G  40% /\n"
        );
    }
}
