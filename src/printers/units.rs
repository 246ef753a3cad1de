//! docker/go-units and apimachinery duration helpers used by oc printers.

use crate::world::clock::Millis;

/// go-units `HumanDuration` (callers append ` ago`).
pub fn human_duration(ms: Millis) -> String {
    let secs = ms / 1000;
    if secs < 1 {
        return "Less than a second".into();
    }
    if secs == 1 {
        return "1 second".into();
    }
    if secs < 60 {
        return format!("{secs} seconds");
    }
    let minutes = secs / 60;
    if minutes == 1 {
        return "About a minute".into();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours = ((ms as f64) / 3_600_000.0 + 0.5) as i64;
    if hours == 1 {
        return "About an hour".into();
    }
    if hours < 48 {
        return format!("{hours} hours");
    }
    if hours < 24 * 7 * 2 {
        return format!("{} days", hours / 24);
    }
    if hours < 24 * 30 * 2 {
        return format!("{} weeks", hours / 24 / 7);
    }
    if hours < 24 * 365 * 2 {
        return format!("{} months", hours / 24 / 30);
    }
    format!("{} years", (ms / 3_600_000) / 24 / 365)
}

/// apimachinery `ShortHumanDuration` (one implementation, in `age`).
pub use super::age::short_human_duration;

/// Go `%.<prec>g`.
fn go_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let exp = v.abs().log10().floor() as i32;
    if exp < -4 || exp >= prec as i32 {
        let s = format!("{:.*e}", prec.saturating_sub(1), v);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        let e: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    let decimals = (prec as i32 - 1 - exp).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// go-units `HumanSizeWithPrecision` with decimal units.
pub fn human_size_precision(size: f64, prec: usize) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    let mut s = size;
    let mut i = 0;
    while s >= 1000.0 && i < units.len() - 1 {
        s /= 1000.0;
        i += 1;
    }
    format!("{}{}", go_g(s, prec), units[i])
}

/// go-units `HumanSize` (`%.4g`).
pub fn human_size(size: f64) -> String {
    human_size_precision(size, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_units() {
        assert_eq!(human_duration(180_000), "3 minutes");
        assert_eq!(human_duration(60_000), "About a minute");
        assert_eq!(human_duration(500), "Less than a second");
        assert_eq!(human_size(39_390_000.0), "39.39MB");
        assert_eq!(human_size(1699.0), "1.699kB");
        assert_eq!(human_size(500.0), "500B");
        assert_eq!(human_size_precision(448_000_000.0, 3), "448MB");
        assert_eq!(human_size_precision(83_200_000.0, 3), "83.2MB");
        assert_eq!(short_human_duration(400 * 86_400_000), "1y");
    }
}
