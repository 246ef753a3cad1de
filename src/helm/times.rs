//! Go's time formats helm prints, for the virtual clock (UTC, as the workstation's zone):
//! RFC 3339 with nanoseconds (`time.RFC3339Nano`, trailing zeros of the fraction dropped),
//! `time.ANSIC` (`Mon Jan _2 15:04:05 2006`) and `time.Time.String()`.

use crate::calendar::civil;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn fraction(ms: i64) -> String {
    let f = ms.rem_euclid(1000);
    if f == 0 {
        return String::new();
    }
    let s = format!(".{f:03}");
    s.trim_end_matches('0').to_string()
}

/// `2025-03-03T09:00:05.12Z`.
pub fn rfc3339_nano(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(ms);
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}Z",
        fraction(ms)
    )
}

/// `Mon Mar  3 09:00:05 2025`.
pub fn ansic(ms: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(ms);
    format!(
        "{} {} {d:>2} {h:02}:{mi:02}:{s:02} {y}",
        WEEKDAYS[wd as usize],
        MONTHS[mo as usize - 1]
    )
}

/// `2025-03-03 09:00:05.12 +0000 UTC`.
pub fn go_string(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(ms);
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{} +0000 UTC",
        fraction(ms)
    )
}

/// Parses what [`rfc3339_nano`] writes (any fraction, `Z` or an offset); milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    crate::world::clock::parse_rfc3339(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_layouts() {
        let t = 1_741_006_805_120; // 2025-03-03T13:00:05.12Z
        assert_eq!(rfc3339_nano(t), "2025-03-03T13:00:05.12Z");
        assert_eq!(ansic(t), "Mon Mar  3 13:00:05 2025");
        assert_eq!(go_string(t), "2025-03-03 13:00:05.12 +0000 UTC");
        assert_eq!(rfc3339_nano(1_741_006_805_000), "2025-03-03T13:00:05Z");
    }
}
