//! procps-ng `ps` (the `procps` package of Debian and Ubuntu, `procps-ng` of RHEL/UBI), as the
//! images that install it have it: mongo (Ubuntu bionic, focal, jammy: procps 3.3.12, 3.3.16,
//! 3.3.17), jenkins (Debian stretch and bookworm: 3.3.12, 4.0.2), gasbugs/http-go (stretch:
//! 3.3.12) and the ubi9 s2i images (procps-ng 3.3.17). The columns kubelab prints are the same
//! in all of them. What courses type: `ps`, `ps -e` (`-A`), `ps -f`, `ps -ef`, `ps aux`; other
//! options are kubelab's notice.
//!
//! Sources (procps-ng, read at v3.3.16 and v4.0.2 of the github.com/warmchang/procps mirror of
//! gitlab.com/procps-ng/procps): `ps/sortformat.c` (`generate_sysv_list`: `pid tname time ucmd`,
//! with `-f` `uid_hack pid ppid c stime tname time cmd`), `ps/display.c` and `ps/parser.c` (`u`
//! is `user pid pcpu pmem vsz rss tname stat start_time bsdtime args`), `ps/output.c` (the
//! `format_array` widths and justification, the `pr_*` printers, `show_one_proc`'s column
//! layout), `ps/select.c` (without a selection: the processes of ps's effective user on ps's
//! terminal, `0xaa00`), `proc/sysinfo.c` (`get_pid_digits`: PID columns as wide as the digits
//! of `pid_max - 1`, here 7: the nodes' Ubuntu 22.04 systemd sets `kernel.pid_max` to 4194304).
//!
//! Values a real system would measure are kubelab's, chosen to be plausible and the same at
//! every run: VSZ and RSS are fixed figures per program (an idle x86_64 process of that
//! program; [`facts`]); CPU time grows with the process's age at a fixed rate per program
//! (mongod 0.5 %, everything else nothing), from which TIME, `%CPU` and `C` follow as ps
//! computes them; `%MEM` is RSS over the node's memory (`status.capacity.memory`, the node's
//! MemTotal); START and STIME are when the process started in virtual time (PID 1: its
//! container's start; a command: now), in UTC as the containers' clocks are. Clock ticks are
//! 100 a second (`Hertz`). A terminal's width is not known to kubelab: with `kubectl exec -t`,
//! ps's lines are not cut to the terminal's width as they would be.

use super::ps::Proc;
use crate::world::clock::Millis;

/// The machine `ps` reads: the time now and the memory total.
#[derive(Debug, Clone, Copy)]
pub(super) struct Machine {
    pub now: Millis,
    /// MemTotal in kB.
    pub mem_total_kb: u64,
}

/// What kubelab gives a program for the values a real ps measures: (VSZ kB, RSS kB, whether
/// it has several threads, CPU use in thousandths of its life).
pub(super) fn facts(comm: &str) -> (u64, u64, bool, u64) {
    match comm {
        "mongod" => (1_566_332, 98_044, true, 5),
        "mongos" => (1_048_576, 24_460, true, 1),
        "java" => (4_312_636, 412_128, true, 5),
        // A Go program (gasbugs/http-go's `main`): the runtime's reserved arenas, a few threads.
        "main" => (710_960, 5_956, true, 0),
        "bash" => (4_116, 3_412, false, 0),
        "sh" | "dash" => (2_612, 588, false, 0),
        "sleep" => (2_508, 580, false, 0),
        "ps" => (5_904, 2_912, false, 0),
        _ => (2_608, 596, false, 0),
    }
}

/// The name the kernel keeps for a process (`comm`): its program's file name, at most 15
/// bytes (`TASK_COMM_LEN`).
fn comm(p: &Proc) -> String {
    let first = p.argv.first().map(String::as_str).unwrap_or("");
    let name = first.rsplit('/').next().unwrap_or(first);
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// Which processes ps lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Select {
    /// Ps's effective user on ps's terminal (none without one).
    Ours,
    All,
}

/// Which columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `PID TTY TIME CMD`.
    Default,
    /// `-f`.
    Full,
    /// BSD `u`.
    User,
}

/// How a column's values are placed (`CF_RIGHT`, `CF_LEFT`, `CF_USER` with names,
/// `CF_UNLIMITED` last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Just {
    Right,
    Left,
    User,
    Unlimited,
}

/// The options kubelab reads: `ps`, `-e`/`-A`, `-f` and their bundles, BSD `aux`.
fn parse(args: &[String]) -> Option<(Select, Format)> {
    let (mut all, mut full, mut bsd) = (false, false, None);
    for a in args {
        if let Some(opts) = a.strip_prefix('-') {
            if opts.is_empty() || bsd.is_some() {
                return None;
            }
            for c in opts.chars() {
                match c {
                    'e' | 'A' => all = true,
                    'f' => full = true,
                    _ => return None,
                }
            }
        } else {
            let mut letters: Vec<char> = a.chars().collect();
            letters.sort_unstable();
            if letters != ['a', 'u', 'x'] || all || full || bsd.is_some() {
                return None;
            }
            bsd = Some(());
        }
    }
    Some(match (bsd, all, full) {
        (Some(()), _, _) => (Select::All, Format::User),
        (None, true, true) => (Select::All, Format::Full),
        (None, true, false) => (Select::All, Format::Default),
        (None, false, true) => (Select::Ours, Format::Full),
        (None, false, false) => (Select::Ours, Format::Default),
    })
}

/// PID columns' width (`get_pid_digits` with `pid_max` 4194304).
const PID_WIDTH: usize = 7;

/// The columns of a format: header, width, placement.
fn columns(f: Format) -> Vec<(&'static str, usize, Just)> {
    use Just::*;
    match f {
        Format::Default => vec![
            ("PID", PID_WIDTH, Right),
            ("TTY", 8, Left),
            ("TIME", 8, Right),
            ("CMD", 15, Unlimited),
        ],
        Format::Full => vec![
            ("UID", 8, User),
            ("PID", PID_WIDTH, Right),
            ("PPID", PID_WIDTH, Right),
            ("C", 2, Right),
            ("STIME", 5, Right),
            ("TTY", 8, Left),
            ("TIME", 8, Right),
            ("CMD", 27, Unlimited),
        ],
        Format::User => vec![
            ("USER", 8, User),
            ("PID", PID_WIDTH, Right),
            ("%CPU", 4, Right),
            ("%MEM", 4, Right),
            ("VSZ", 6, Right),
            ("RSS", 5, Right),
            ("TTY", 8, Left),
            ("STAT", 4, Left),
            ("START", 5, Right),
            ("TIME", 6, Right),
            ("COMMAND", 27, Unlimited),
        ],
    }
}

/// `show_one_proc`: the values placed in their columns, a column that overflows pushing the
/// next ones right and the next ones taking the room back when they can.
fn line(cols: &[(&'static str, usize, Just)], values: &[String]) -> String {
    let (mut correct, mut actual, mut dospace) = (0usize, 0usize, 0usize);
    let mut out = String::new();
    for (i, ((_, width, just), v)) in cols.iter().zip(values).enumerate() {
        let amount = v.chars().count();
        let leftpad = match just {
            Just::Right => width.saturating_sub(amount),
            Just::Left | Just::User | Just::Unlimited => 0,
        };
        let mut space = (correct + leftpad).saturating_sub(actual);
        if correct + leftpad <= actual {
            space = dospace;
        }
        let space = space.min(144);
        out.extend(std::iter::repeat_n(' ', space));
        out.push_str(v);
        if i + 1 == cols.len() {
            break;
        }
        actual += space + amount;
        correct += width + 1;
        dospace = 1;
    }
    out.push('\n');
    out
}

/// The process's CPU time in clock ticks.
fn ticks(p: &Proc, m: Machine) -> u64 {
    let (_, _, _, rate) = facts(&comm(p));
    let age = (m.now - p.started).max(0) as u64;
    age.saturating_mul(rate) / 10_000
}

/// `pr_stime`: `%H:%M` today, `%b%d` this year, else `%Y` (UTC).
fn stime(p: &Proc, m: Machine) -> String {
    let (y, mo, d, h, mi, _, _) = crate::calendar::civil(p.started);
    let (ny, nmo, nd, ..) = crate::calendar::civil(m.now);
    if (y, mo, d) == (ny, nmo, nd) {
        format!("{h:02}:{mi:02}")
    } else if y == ny {
        format!("{}{d:02}", crate::calendar::MONTHS[(mo - 1) as usize])
    } else {
        format!("{y}")
    }
}

/// `pr_stat`: the state, `s` for a session leader, `l` with threads, `+` in the foreground.
fn stat(p: &Proc) -> String {
    let mut s = String::from(if p.running { "R" } else { "S" });
    if p.session_leader {
        s.push('s');
    }
    if facts(&comm(p)).2 {
        s.push('l');
    }
    if p.foreground {
        s.push('+');
    }
    s
}

/// `do_pr_name`: a name longer than its column is cut with a `+`.
fn name(user: &str, width: usize) -> String {
    if user.chars().count() <= width {
        return user.to_string();
    }
    let mut s: String = user.chars().take(width - 1).collect();
    s.push('+');
    s
}

fn values(f: Format, p: &Proc, m: Machine) -> Vec<String> {
    let t = ticks(p, m);
    let secs = t / 100;
    let age = ((m.now - p.started).max(0) / 1000) as u64;
    let permille = (t * 10).checked_div(age).unwrap_or(0);
    let tty = p.tty.clone().unwrap_or_else(|| "?".into());
    let time = {
        let (dd, hh, mm, ss) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
        let days = if dd > 0 {
            format!("{dd}-")
        } else {
            String::new()
        };
        format!("{days}{hh:02}:{mm:02}:{ss:02}")
    };
    let args = if p.argv.is_empty() {
        format!("[{}]", comm(p))
    } else {
        p.argv.join(" ")
    };
    match f {
        Format::Default => vec![p.pid.to_string(), tty, time, comm(p)],
        Format::Full => vec![
            name(&p.user, 8),
            p.pid.to_string(),
            p.ppid.to_string(),
            format!("{:>2}", (permille / 10).min(99)),
            stime(p, m),
            tty,
            time,
            args,
        ],
        Format::User => {
            let (vsz, rss, _, _) = facts(&comm(p));
            let pmem = (rss * 1000 / m.mem_total_kb.max(1)).min(999);
            let pcpu = if permille > 999 {
                format!("{}", permille / 10)
            } else {
                format!("{}.{}", permille / 10, permille % 10)
            };
            vec![
                name(&p.user, 8),
                p.pid.to_string(),
                pcpu,
                format!("{:>2}.{}", pmem / 10, pmem % 10),
                vsz.to_string(),
                rss.to_string(),
                tty,
                stat(p),
                stime(p, m),
                format!("{:>3}:{:02}", secs / 60, secs % 60),
                args,
            ]
        }
    }
}

/// `ps ARGS` (after its name) over the container's processes; `me` is ps's own. The table, or
/// the options kubelab does not simulate (for its notice).
pub(super) fn procps_ps(
    args: &[String],
    procs: &[Proc],
    me: &Proc,
    m: Machine,
) -> Result<String, String> {
    let Some((select, format)) = parse(args) else {
        return Err(format!("ps {}", args.join(" ")));
    };
    let cols = columns(format);
    let headers: Vec<String> = cols.iter().map(|c| c.0.to_string()).collect();
    let mut out = line(&cols, &headers);
    let mut procs = procs.to_vec();
    procs.sort_by_key(|p| p.pid);
    for p in procs
        .iter()
        .filter(|p| select == Select::All || (p.user == me.user && p.tty == me.tty))
    {
        out.push_str(&line(&cols, &values(format, p, m)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    /// 2025-03-03T09:00:00Z.
    const START: Millis = 1_740_992_400_000;

    fn procs(tty: Option<&str>) -> Vec<Proc> {
        let mut mongod = Proc::new(1, "mongodb", v("mongod --bind_ip_all"), START);
        mongod.session_leader = true;
        let mut ps = Proc::new(2, "root", v("ps aux"), START + 600_000);
        ps.running = true;
        ps.tty = tty.map(String::from);
        ps.foreground = tty.is_some();
        vec![mongod, ps]
    }

    fn machine() -> Machine {
        Machine {
            now: START + 600_000,
            mem_total_kb: 4_031_008,
        }
    }

    #[test]
    fn the_headers_as_procps_lays_them_out() {
        let t = |a: &str| {
            let ps = procs(None);
            let args: Vec<String> = a.split_whitespace().map(String::from).collect();
            procps_ps(&args, &ps, &ps[1], machine()).unwrap()
        };
        assert_eq!(t("").lines().next(), Some("    PID TTY          TIME CMD"));
        assert_eq!(
            t("-ef").lines().next(),
            Some("UID          PID    PPID  C STIME TTY          TIME CMD")
        );
        assert_eq!(
            t("aux").lines().next(),
            Some("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND")
        );
    }

    #[test]
    fn rows_and_selection() {
        let ps = procs(None);
        let m = machine();
        assert_eq!(
            procps_ps(&[], &ps, &ps[1], m).unwrap(),
            "    PID TTY          TIME CMD\n      2 ?        00:00:00 ps\n"
        );
        assert_eq!(
            procps_ps(&v("aux"), &ps, &ps[1], m).unwrap(),
            "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n\
             mongodb        1  0.5  2.4 1566332 98044 ?       Ssl  09:00   0:03 mongod --bind_ip_all\n\
             root           2  0.0  0.0   5904  2912 ?        Rs   09:10   0:00 ps aux\n"
        );
        assert_eq!(
            procps_ps(&v("-ef"), &ps, &ps[1], m).unwrap(),
            "UID          PID    PPID  C STIME TTY          TIME CMD\n\
             mongodb        1       0  0 09:00 ?        00:00:03 mongod --bind_ip_all\n\
             root           2       0  0 09:10 ?        00:00:00 ps aux\n"
        );
        let ps = procs(Some("pts/0"));
        assert_eq!(
            procps_ps(&v("-e"), &ps, &ps[1], m).unwrap(),
            "    PID TTY          TIME CMD\n      1 ?        00:00:03 mongod\n      2 pts/0    00:00:00 ps\n"
        );
        assert_eq!(
            procps_ps(&v("-o pid"), &ps, &ps[1], m),
            Err("ps -o pid".into())
        );
        assert_eq!(procps_ps(&v("ax"), &ps, &ps[1], m), Err("ps ax".into()));
    }

    #[test]
    fn long_names_and_old_processes() {
        assert_eq!(name("systemd-network", 8), "systemd+");
        assert_eq!(name("mongodb", 8), "mongodb");
        let mut p = Proc::new(1, "root", v("sleep 3600"), START);
        let m = Machine {
            now: START + 3 * 86_400_000,
            mem_total_kb: 1,
        };
        assert_eq!(stime(&p, m), "Mar03");
        p.started = START - 365 * 86_400_000;
        assert_eq!(stime(&p, m), "2024");
        assert_eq!(ticks(&p, m), 0);
    }
}
