//! Relative times as kubectl prints them (`apimachinery pkg/util/duration`: `HumanDuration`
//! and `ShortHumanDuration`). Every age, LAST SEEN and duration kubectl prints goes through
//! these two functions.
//!
//! Go computes `int(d.Seconds())`, which truncates toward zero: a clock skew of up to 1.999 s
//! in the future prints `0s`, and only from two whole seconds on `<invalid>`.

use crate::world::clock::{Millis, parse_rfc3339};

/// `HumanDuration` of a duration in milliseconds.
pub fn human_duration(ms: Millis) -> String {
    // Truncation toward zero, as Go's int(d.Seconds()).
    let secs = ms / 1000;
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 192 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = hours / 24;
        let d = days % 365;
        return if d == 0 {
            format!("{}y", days / 365)
        } else {
            format!("{}y{d}d", days / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// `ShortHumanDuration` of a duration in milliseconds (`1m`, `5h`, `3d`, `2y`).
pub fn short_human_duration(ms: Millis) -> String {
    let secs = ms / 1000;
    if secs < -1 {
        return "<invalid>".into();
    }
    if secs < 0 {
        return "0s".into();
    }
    if secs < 60 {
        return format!("{secs}s");
    }
    let m = secs / 60;
    if m < 60 {
        return format!("{m}m");
    }
    let h = m / 60;
    if h < 24 {
        return format!("{h}h");
    }
    if h < 24 * 365 {
        return format!("{}d", h / 24);
    }
    format!("{}y", h / 24 / 365)
}

/// The AGE cell of a timestamp (`<unknown>` when missing or malformed).
pub fn age(timestamp: Option<&str>, now: Millis) -> String {
    match timestamp.and_then(parse_rfc3339) {
        Some(t) => human_duration(now - t),
        None => "<unknown>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_upstream_table() {
        let s = 1000;
        for (ms, want) in [
            (0, "0s"),
            (45 * s, "45s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (123 * s, "2m3s"),
            (599 * s, "9m59s"),
            (600 * s, "10m"),
            (179 * 60 * s, "179m"),
            (3 * 3600 * s, "3h"),
            ((5 * 3600 + 7 * 60) * s, "5h7m"),
            (47 * 3600 * s, "47h"),
            (48 * 3600 * s, "2d"),
            ((3 * 24 + 5) * 3600 * s, "3d5h"),
            (8 * 24 * 3600 * s, "8d"),
            (729 * 24 * 3600 * s, "729d"),
            (730 * 24 * 3600 * s, "2y"),
            (-500, "0s"),
            (-1000, "0s"),
            (-1999, "0s"),
            (-2000, "<invalid>"),
            (-3000, "<invalid>"),
            (1999, "1s"),
        ] {
            assert_eq!(human_duration(ms), want, "{ms}");
        }
    }

    #[test]
    fn short_form_truncates_as_go() {
        let s = 1000;
        for (ms, want) in [
            (-1999, "0s"),
            (-2000, "<invalid>"),
            (59 * s, "59s"),
            (60 * s, "1m"),
            (3599 * s, "59m"),
            (3600 * s, "1h"),
            (86_399 * s, "23h"),
            (86_400 * s, "1d"),
            (364 * 86_400 * s, "364d"),
            (365 * 86_400 * s, "1y"),
            (800 * 86_400 * s, "2y"),
        ] {
            assert_eq!(short_human_duration(ms), want, "{ms}");
        }
    }
}
