//! What the file tools (`ls`, `stat`, `df`, `chown`) share: owner names from `/etc/passwd` and
//! `/etc/group`, dates as `ls` and `stat` print them, human-readable sizes in GNU's and
//! busybox's roundings.

use std::collections::BTreeMap;

use crate::calendar::{MONTHS, civil};
use crate::shell::Userland;
use crate::shell::exec::Exec;

/// User and group names by id.
pub(super) struct Names {
    users: BTreeMap<u32, String>,
    groups: BTreeMap<u32, String>,
}

/// `name:x:id:...` lines of a passwd or group file.
fn id_file(text: &str) -> BTreeMap<u32, String> {
    let mut m = BTreeMap::new();
    for l in text.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() >= 3
            && let Ok(id) = f[2].parse::<u32>()
        {
            m.entry(id).or_insert_with(|| f[0].to_string());
        }
    }
    m
}

impl Names {
    /// The names of the shell's `/etc/passwd` and `/etc/group`; the workstation has none, and
    /// knows root (0) and the student (1000).
    pub(super) fn load(x: &Exec<'_>) -> Names {
        let read = |p: &str| {
            x.state
                .vfs
                .read(p)
                .ok()
                .map(|b| id_file(&String::from_utf8_lossy(b)))
        };
        let default = || BTreeMap::from([(0, "root".to_string()), (1000, "student".to_string())]);
        Names {
            users: read("/etc/passwd").unwrap_or_else(default),
            groups: read("/etc/group").unwrap_or_else(default),
        }
    }

    /// A user's name, or its number.
    pub(super) fn user(&self, uid: u32) -> String {
        self.users.get(&uid).cloned().unwrap_or(uid.to_string())
    }

    /// A group's name, or its number.
    pub(super) fn group(&self, gid: u32) -> String {
        self.groups.get(&gid).cloned().unwrap_or(gid.to_string())
    }

    /// The id of a user name (or a number).
    pub(super) fn uid_of(&self, name: &str) -> Option<u32> {
        self.users
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| *id)
            .or_else(|| name.parse().ok())
    }

    /// The id of a group name (or a number).
    pub(super) fn gid_of(&self, name: &str) -> Option<u32> {
        self.groups
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(id, _)| *id)
            .or_else(|| name.parse().ok())
    }
}

/// `ls -l`'s date (UTC, C locale): `Mar  3 09:00` for a recent time, `Mar  3  2024` for one
/// older than six months or in the future. GNU's six months are half a Gregorian year and a
/// time after now is the future; busybox's are 182.5 days and it allows 15 minutes ahead.
pub(super) fn ls_date(userland: Userland, t: i64, now: i64) -> String {
    let (y, mo, d, h, mi, _, _) = civil(t.saturating_mul(1000));
    let age = now.saturating_sub(t);
    let recent = match userland {
        Userland::Gnu => (0..31_556_952 / 2).contains(&age),
        Userland::Busybox => age < 3600 * 24 * 365 / 2 && age > -15 * 60,
    };
    let mon = MONTHS[(mo - 1) as usize];
    if recent {
        format!("{mon} {d:>2} {h:02}:{mi:02}")
    } else {
        format!("{mon} {d:>2}  {y}")
    }
}

/// `stat`'s time: `2025-03-03 09:00:00.000000000 +0000` (busybox's too).
pub(super) fn full_time(t: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t.saturating_mul(1000));
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.000000000 +0000")
}

const UNITS: [&str; 9] = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"];

/// GNU's `-h` (`ls -h`, `df -h`): powers of 1024 rounded up, one decimal below 10
/// (`4.0K`, `12K`, `1.5M`), bytes as they are.
pub(super) fn gnu_human(n: u64) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let mut e = 1;
    let mut d: u128 = 1024;
    let n = n as u128;
    while n >= d * 1024 && e < 8 {
        d *= 1024;
        e += 1;
    }
    loop {
        let tenths = (n * 10).div_ceil(d);
        if tenths < 100 {
            return format!("{}.{}{}", tenths / 10, tenths % 10, UNITS[e]);
        }
        let whole = n.div_ceil(d);
        if whole < 1024 || e == 8 {
            return format!("{whole}{}", UNITS[e]);
        }
        d *= 1024;
        e += 1;
    }
}

/// busybox's `make_human_readable_str(n, 1, 0)`: `0`, bytes below 1 KiB, else one decimal
/// rounded to nearest (`4.0K`, `36.7G`).
pub(super) fn busybox_human(n: u64) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut val = n;
    let mut frac = 0;
    let mut u = 0;
    while val >= 1024 && u < 8 {
        u += 1;
        frac = ((val % 1024) * 10 + 512) / 1024;
        val /= 1024;
    }
    if frac >= 10 {
        val += 1;
        frac = 0;
    }
    if u == 0 {
        val.to_string()
    } else {
        format!("{val}.{frac}{}", UNITS[u])
    }
}

/// A path or name as GNU quotes it in a message (`'a b'`, plain when nothing needs it is
/// still quoted by most tools; this is the `'...'` of `ls: cannot access '...'`).
pub(super) fn quote(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{s}\"")
    } else {
        format!("'{s}'")
    }
}

/// Days since 1970-01-01 of a date (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds of a UTC date and time, if it is one.
fn epoch(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    // Years far past what a 64-bit time holds are refused, as the C library does.
    if !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || s > 60
        || y.abs() > 1_000_000_000
    {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + (h * 3600 + mi * 60 + s) as i64)
}

/// `touch -d`'s dates kubelab reads: `@SECONDS`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (or
/// with `T`), in UTC (a trailing `Z` or ` UTC` is allowed).
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    if let Some(n) = s.strip_prefix('@') {
        return n.parse().ok();
    }
    let s = s.trim().trim_end_matches(" UTC").trim_end_matches('Z');
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let mo: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    if dp.next().is_some() {
        return None;
    }
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    if let Some(t) = time {
        let mut tp = t.split(':');
        h = tp.next()?.parse().ok()?;
        mi = tp.next()?.parse().ok()?;
        if let Some(x) = tp.next() {
            sec = x.split('.').next()?.parse().ok()?;
        }
    }
    epoch(y, mo, d, h, mi, sec)
}

/// `touch -t`'s `[[CC]YY]MMDDhhmm[.ss]` in UTC (a two-digit year is 1969-2068; none: this
/// year of `now`).
pub(crate) fn parse_stamp(s: &str, now: i64) -> Option<i64> {
    let (main, secs) = match s.split_once('.') {
        Some((m, ss)) if ss.len() == 2 => (m, ss.parse().ok()?),
        Some(_) => return None,
        None => (s, 0),
    };
    if !main.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| main[a..b].parse::<u32>().ok();
    let (y, rest) = match main.len() {
        8 => (civil(now.saturating_mul(1000)).0, 0),
        10 => {
            let yy = n(0, 2)? as i64;
            (if yy < 69 { 2000 + yy } else { 1900 + yy }, 2)
        }
        12 => (n(0, 4)? as i64, 4),
        _ => return None,
    };
    epoch(
        y,
        n(rest, rest + 2)?,
        n(rest + 2, rest + 4)?,
        n(rest + 4, rest + 6)?,
        n(rest + 6, rest + 8)?,
        secs,
    )
}

/// What busybox prints for a command line it cannot use (its usage text, on stderr, status 1):
/// kubelab says plainly that it does not show it.
pub(super) fn busybox_usage(cmd: &str) -> super::Out {
    super::Out::err(
        format!("kubelab: busybox {cmd}: wrong usage (busybox's usage text is not shown)\n"),
        1,
    )
}

/// GNU's `Try 'CMD --help' for more information.` error.
pub(super) fn gnu_usage(cmd: &str, msg: &str) -> super::Out {
    super::Out::err(
        format!("{cmd}: {msg}\nTry '{cmd} --help' for more information.\n"),
        1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes() {
        assert_eq!(gnu_human(5), "5");
        assert_eq!(gnu_human(4096), "4.0K");
        assert_eq!(gnu_human(1536), "1.5K");
        assert_eq!(gnu_human(10239), "10K");
        assert_eq!(gnu_human(12000), "12K");
        assert_eq!(gnu_human(1024 * 1024 - 1), "1.0M");
        assert_eq!(busybox_human(4096), "4.0K");
        assert_eq!(busybox_human(5), "5");
        // Rounded up past 1023 after the division, as busybox does.
        assert_eq!(busybox_human(1023 * 1024 + 1000), "1024.0K");
    }

    #[test]
    fn dates() {
        let now = 1_740_992_400; // 2025-03-03 09:00
        assert_eq!(ls_date(Userland::Gnu, now, now), "Mar  3 09:00");
        assert_eq!(
            ls_date(Userland::Gnu, now - 86_400 * 200, now),
            "Aug 15  2024"
        );
        assert_eq!(ls_date(Userland::Gnu, now + 60, now), "Mar  3  2025");
        assert_eq!(ls_date(Userland::Busybox, now + 60, now), "Mar  3 09:01");
        assert_eq!(full_time(now), "2025-03-03 09:00:00.000000000 +0000");
        assert_eq!(parse_date("2021-06-01 10:00:00"), Some(1_622_541_600));
        assert_eq!(parse_date("99999999999999999-01-01"), None);
        assert_eq!(parse_stamp("202101021530", now), Some(1_609_601_400));
        assert_eq!(
            ls_date(Userland::Gnu, i64::MIN, now),
            ls_date(Userland::Gnu, i64::MIN, now)
        );
        let _ = full_time(i64::MAX);
    }
}
