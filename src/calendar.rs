//! The proleptic Gregorian calendar in UTC: what a count of seconds since the Unix epoch reads
//! as. Shared by the world's clock (timestamps) and the shell (`date`); it imports nothing.

/// Days since 1970-01-01 to (year, month, day) — Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day, hour, minute, second, weekday 0=Sunday) of a time in milliseconds since
/// the epoch.
pub fn civil(t: i64) -> (i64, u32, u32, u32, u32, u32, u32) {
    let secs = t.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7) as u32;
    (
        y,
        m,
        d,
        (sod / 3600) as u32,
        (sod % 3600 / 60) as u32,
        (sod % 60) as u32,
        weekday,
    )
}

/// Abbreviated day names, Sunday first.
pub(crate) const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Abbreviated month names.
pub(crate) const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `date`'s default format in UTC: `Mon Mar  3 09:00:00 UTC 2025` (Unix seconds in).
pub fn unix_date(secs: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(secs * 1000);
    format!(
        "{} {} {d:>2} {h:02}:{mi:02}:{s:02} UTC {y}",
        WEEKDAYS[wd as usize],
        MONTHS[(mo - 1) as usize]
    )
}
