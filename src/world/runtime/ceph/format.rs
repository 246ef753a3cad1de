//! Ceph's ways of printing numbers and tables: `byte_u_t` (`0 B`, `3.0 GiB`, `297 GiB`: IEC
//! units, at most 7 characters with the unit), `timespan_str` (`90s`, `3m`, `2h`, `5d`), the
//! mgr's `format_bytes`/`format_dimless` (`20.4M`, `   0 `: five characters), `percentify`, and
//! the `TextTable` layout (columns as wide as their widest cell, two spaces between them).

/// `byte_u_t`: bytes with an IEC unit.
pub fn bytes(v: u64) -> String {
    const U: [&str; 7] = [" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"];
    let mut n = v;
    let mut index = 0;
    while n >= 1024 && index < 6 {
        n /= 1024;
        index += 1;
    }
    let mult = 1u64 << (10 * index);
    if index == 0 || v.is_multiple_of(mult) {
        return format!("{n}{}", U[index]);
    }
    let x = v as f64 / mult as f64;
    let mut s = String::new();
    for precision in (0..=2).rev() {
        s = format!("{x:.precision$}{}", U[index]);
        if s.len() <= 7 {
            break;
        }
    }
    s
}

/// `timespan_str`: a duration in ceph's short form.
pub fn timespan(ms: i64) -> String {
    let ms = ms.max(0) as u64;
    if ms < 2000 {
        let s = ms as f64 / 1000.0;
        // C++ stream output of a float: up to 6 significant digits, no trailing zeros.
        let mut t = format!("{s:.6}");
        let digits = t.chars().filter(char::is_ascii_digit).count();
        if digits > 6 {
            t = format!("{s:.5}");
        }
        let t = t.trim_end_matches('0').trim_end_matches('.');
        return format!("{t}s");
    }
    // Each unit while the count stays under its bound (seconds, minutes, hours, days, weeks,
    // months of 30 days), then years of 365 days.
    const UNITS: [(u64, u64, &str); 6] = [
        (1, 120, "s"),
        (60, 120, "m"),
        (3_600, 48, "h"),
        (86_400, 14, "d"),
        (7 * 86_400, 12, "w"),
        (30 * 86_400, 24, "M"),
    ];
    let sec = ms / 1000;
    for (size, bound, unit) in UNITS {
        if sec / size < bound {
            return format!("{}{unit}", sec / size);
        }
    }
    format!("{}y", sec / (365 * 86_400))
}

/// The mgr's `format_units` (`mgr_util.py`) in `width` characters.
fn format_units(n: f64, width: usize, factor: f64) -> String {
    const UNITS: [&str; 7] = [" ", "k", "M", "G", "T", "P", "E"];
    let mut unit = 0;
    while unit < 6 && format!("{}", (n / factor.powi(unit as i32)).floor() as i64).len() > width - 1
    {
        unit += 1;
    }
    let body = if unit > 0 {
        let full = format!("{:.6}", n / factor.powi(unit as i32));
        let mut t: String = full.chars().take(width - 1).collect();
        if t.ends_with('.') {
            t.pop();
            t = format!(" {t}");
        }
        t
    } else {
        format!("{:>w$}", n as i64, w = width - 1)
    };
    format!("{body}{}", UNITS[unit])
}

/// `format_bytes(n, 5)`.
pub fn mgr_bytes(n: u64) -> String {
    format_units(n as f64, 5, 1024.0)
}

/// `format_dimless(n, 5)`.
pub fn mgr_dimless(n: u64) -> String {
    format_units(n as f64, 5, 1000.0)
}

/// `percentify`: `0` under 0.01, else two decimals.
pub fn percent(v: f64) -> String {
    if v < 0.01 {
        "0".into()
    } else {
        format!("{v:.2}")
    }
}

/// Column alignment.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A `TextTable`: the header and rows, each column as wide as its widest cell, two spaces
/// between columns (the headers take their column's alignment).
pub fn text_table(cols: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = cols.iter().map(|(h, _)| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(widths.len()) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let w = widths[i];
            match cols[i].1 {
                Align::Left => s.push_str(&format!("{c:<w$}")),
                Align::Right => s.push_str(&format!("{c:>w$}")),
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(cols.iter().map(|(h, _)| *h).collect());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// A PrettyTable without borders, no left padding and two spaces of right padding (the mgr's
/// `ceph osd status`): every cell, the last included, is followed by two spaces.
pub fn pretty_table(cols: &[(&str, Align)], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = cols.iter().map(|(h, _)| h.len()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(widths.len()) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths[i];
            match cols[i].1 {
                Align::Left => s.push_str(&format!("{c:<w$}  ")),
                Align::Right => s.push_str(&format!("{c:>w$}  ")),
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(cols.iter().map(|(h, _)| *h).collect());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_units_as_ceph_prints_them() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(19), "19 B");
        assert_eq!(bytes(12 << 10), "12 KiB");
        assert_eq!(bytes(3 << 30), "3 GiB");
        assert_eq!(bytes((3 << 30) + (1 << 20)), "3.0 GiB");
        assert_eq!(bytes(300 << 30), "300 GiB");
        assert_eq!(bytes((297 << 30) - 5), "297 GiB");
        assert_eq!(bytes(1229), "1.2 KiB");
    }

    #[test]
    fn timespans_and_mgr_units() {
        assert_eq!(timespan(90_000), "90s");
        assert_eq!(timespan(180_000), "3m");
        assert_eq!(timespan(7_200_000), "2h");
        assert_eq!(timespan(5 * 86_400_000), "5d");
        assert_eq!(timespan(500), "0.5s");
        // Each unit's bound (ceph's `timespan_str`): 119s, then minutes; 47h, then days;
        // 13d, then weeks; 11w, then months; 23M, then years.
        assert_eq!(timespan(119_000), "119s");
        assert_eq!(timespan(120_000), "2m");
        assert_eq!(timespan(47 * 3_600_000), "47h");
        assert_eq!(timespan(48 * 3_600_000), "2d");
        assert_eq!(timespan(14 * 86_400_000), "2w");
        assert_eq!(timespan(84 * 86_400_000), "2M");
        assert_eq!(timespan(720 * 86_400_000), "1y");
        assert_eq!(mgr_dimless(0), "   0 ");
        assert_eq!(mgr_bytes(21_390_950), "20.4M");
        assert_eq!(mgr_bytes(99 << 30), "99.0G");
        assert_eq!(percent(0.001), "0");
        assert_eq!(percent(1.0), "1.00");
    }
}
