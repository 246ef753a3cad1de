//! Cron schedules as the CronJob controller reads them (`github.com/robfig/cron/v3`,
//! `ParseStandard`): five fields (minute, hour, day of month, month, day of week) with lists,
//! ranges, steps, `*` and `?`, month and weekday names; the descriptors `@yearly`,
//! `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every
//! <duration>`; an optional `TZ=`/`CRON_TZ=` prefix. Error texts are the library's. `next`
//! finds the first matching minute after an instant in the schedule's time zone (a bundled
//! time zone database: nothing is read from the host), within five years as the library.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;

use crate::world::clock::Millis;

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// Day of month or day of week was `*` (or `?`): both must match, not either.
    star_day: bool,
    /// `@every`: a constant delay in seconds.
    every: Option<i64>,
    tz: TimeZone,
}

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

fn must_int(s: &str) -> Result<u32, String> {
    let n: i64 = s.parse().map_err(|_| {
        format!("failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": invalid syntax")
    })?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {s}"));
    }
    u32::try_from(n).map_err(|_| {
        format!("failed to parse int from {s}: strconv.Atoi: parsing \"{s}\": value out of range")
    })
}

fn int_or_name(s: &str, b: &Bounds) -> Result<u32, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| !n.is_empty() && *n == lower) {
        return Ok(i as u32);
    }
    must_int(s)
}

/// One comma-separated part of a field (`getRange`): bits, and whether it was a star.
fn range(expr: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let parts: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = parts[0].split('-').collect();
    let mut star = false;
    let (start, mut end) = if low_high[0] == "*" || low_high[0] == "?" {
        star = true;
        (b.min, b.max)
    } else {
        let start = int_or_name(low_high[0], b)?;
        let end = match low_high.len() {
            1 => start,
            2 => int_or_name(low_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end)
    };
    let step = match parts.len() {
        1 => 1,
        2 => {
            let step = must_int(parts[1])?;
            if low_high.len() == 1 && !star {
                end = b.max;
            }
            if step > 1 {
                star = false;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < b.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            b.min
        ));
    }
    if end > b.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            b.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    let mut bits = 0u64;
    let mut i = start;
    while i <= end {
        bits |= 1 << i;
        i += step;
    }
    Ok((bits, star))
}

fn field(s: &str, b: &Bounds) -> Result<(u64, bool), String> {
    let mut bits = 0;
    let mut star = false;
    for part in s.split(',') {
        let (b2, s2) = range(part, b)?;
        bits |= b2;
        star |= s2;
    }
    Ok((bits, star))
}

/// Go's `time.ParseDuration` for the units a schedule uses (h, m, s, ms), in seconds.
fn parse_duration(s: &str) -> Result<i64, String> {
    let err = || format!("failed to parse duration @every {s}: time: invalid duration \"{s}\"");
    let mut total_ms: i64 = 0;
    let mut rest = s;
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(err());
        }
        let n: i64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let mult = match &rest[..unit_len] {
            "h" => 3_600_000,
            "m" => 60_000,
            "s" => 1000,
            "ms" => 1,
            _ => return Err(err()),
        };
        total_ms = total_ms.saturating_add(n.saturating_mul(mult));
        rest = &rest[unit_len..];
    }
    // Delays under a second run every second.
    Ok((total_ms / 1000).max(1))
}

/// A time zone by IANA name (`time.LoadLocation`: empty and `UTC` are UTC).
pub fn zone(name: &str) -> Result<TimeZone, String> {
    if name.is_empty() || name == "UTC" {
        return Ok(TimeZone::UTC);
    }
    TimeZone::get(name).map_err(|_| format!("unknown time zone {name}"))
}

/// `ParseStandard` (in UTC unless the spec names a zone).
pub fn parse(spec: &str, tz: TimeZone) -> Result<Schedule, String> {
    let mut spec = spec.trim();
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut tz = tz;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let i = spec.find(' ').unwrap_or(spec.len());
        let eq = spec.find('=').unwrap_or(0);
        let name = &spec[eq + 1..i];
        tz = zone(name)
            .map_err(|_| format!("provided bad location {name}: unknown time zone {name}"))?;
        spec = spec[i..].trim();
    }
    if let Some(d) = spec.strip_prefix('@') {
        let fields = match d {
            "yearly" | "annually" => "0 0 1 1 *",
            "monthly" => "0 0 1 * *",
            "weekly" => "0 0 * * 0",
            "daily" | "midnight" => "0 0 * * *",
            "hourly" => "0 * * * *",
            _ => {
                if let Some(dur) = d.strip_prefix("every ") {
                    let every = parse_duration(dur.trim())?;
                    let mut s = parse("* * * * *", tz)?;
                    s.every = Some(every);
                    return Ok(s);
                }
                return Err(format!("unrecognized descriptor: {spec}"));
            }
        };
        return parse(fields, tz);
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    let (minute, _) = field(fields[0], &MINUTES)?;
    let (hour, _) = field(fields[1], &HOURS)?;
    let (dom, dom_star) = field(fields[2], &DOM)?;
    let (month, _) = field(fields[3], &MONTHS)?;
    let (dow, dow_star) = field(fields[4], &DOW)?;
    Ok(Schedule {
        minute,
        hour,
        dom,
        month,
        dow,
        star_day: dom_star || dow_star,
        every: None,
        tz,
    })
}

fn bit(set: u64, i: i64) -> bool {
    (0..64).contains(&i) && set & (1 << i) != 0
}

impl Schedule {
    fn day_matches(&self, d: Date) -> bool {
        let dom = bit(self.dom, i64::from(d.day()));
        let dow = bit(self.dow, i64::from(d.weekday().to_sunday_zero_offset()));
        if self.star_day {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The first scheduled instant strictly after `after` (None past five years).
    pub fn next(&self, after: Millis) -> Option<Millis> {
        let secs = after.div_euclid(1000);
        if let Some(every) = self.every {
            return Some((secs + every) * 1000);
        }
        // The next whole minute after `after`.
        let start = (secs.div_euclid(60) + 1) * 60;
        let local = self.tz.to_datetime(Timestamp::from_second(start).ok()?);
        let mut day = local.date();
        let limit = day.year().saturating_add(5);
        while day.year() <= limit {
            if bit(self.month, i64::from(day.month())) && self.day_matches(day) {
                for h in 0..24i8 {
                    if !bit(self.hour, i64::from(h)) {
                        continue;
                    }
                    for m in 0..60i8 {
                        if !bit(self.minute, i64::from(m)) {
                            continue;
                        }
                        let dt =
                            DateTime::new(day.year(), day.month(), day.day(), h, m, 0, 0).ok()?;
                        let ts = self.tz.to_ambiguous_timestamp(dt).compatible().ok()?;
                        let t = ts.as_second();
                        if t >= start {
                            return Some(t * 1000);
                        }
                    }
                }
            }
            day = day.tomorrow().ok()?;
        }
        None
    }

    /// The instant in the schedule's zone as RFC 3339 (`Z` for UTC, else the offset).
    pub fn format_local(&self, at: Millis) -> String {
        let Ok(ts) = Timestamp::from_second(at.div_euclid(1000)) else {
            return String::new();
        };
        let offset = self.tz.to_offset(ts).seconds();
        let dt = self.tz.to_datetime(ts);
        let base = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        if offset == 0 {
            format!("{base}Z")
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let o = offset.abs();
            format!("{base}{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::clock::parse_rfc3339;

    fn t(s: &str) -> Millis {
        parse_rfc3339(s).unwrap_or(0)
    }

    fn next(spec: &str, after: &str) -> Option<Millis> {
        parse(spec, TimeZone::UTC).ok()?.next(t(after))
    }

    // Cases after robfig/cron's TestActivation/TestNext, in our words.
    #[test]
    fn next_minutes_hours_and_days() {
        assert_eq!(
            next("*/1 * * * *", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-03T09:01:00Z"))
        );
        assert_eq!(
            next("*/5 * * * *", "2025-03-03T09:03:10Z"),
            Some(t("2025-03-03T09:05:00Z"))
        );
        assert_eq!(
            next("@hourly", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-03T10:00:00Z"))
        );
        assert_eq!(
            next("@daily", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-04T00:00:00Z"))
        );
        assert_eq!(
            next("0 9 * * MON-FRI", "2025-03-07T09:00:00Z"),
            Some(t("2025-03-10T09:00:00Z"))
        );
        // Day of month OR day of week when neither is a star.
        assert_eq!(
            next("0 0 15 * SUN", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-09T00:00:00Z"))
        );
        assert_eq!(
            next("30 6-16/4 * * 1-5", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-03T10:30:00Z"))
        );
        assert_eq!(
            next("0 0 29 2 *", "2025-03-03T09:00:00Z"),
            Some(t("2028-02-29T00:00:00Z"))
        );
        assert_eq!(next("0 0 31 2 *", "2025-03-03T09:00:00Z"), None);
        assert_eq!(
            next("@every 90s", "2025-03-03T09:00:00Z"),
            Some(t("2025-03-03T09:01:30Z"))
        );
    }

    #[test]
    fn time_zones_move_the_hours() {
        let tz = zone("America/New_York").expect("zone");
        let s = parse("0 9 * * *", tz).expect("parse");
        // 09:00 in New York is 14:00 UTC in March before DST (UTC-5).
        assert_eq!(
            s.next(t("2025-03-03T09:00:00Z")),
            Some(t("2025-03-03T14:00:00Z"))
        );
        assert_eq!(
            s.format_local(t("2025-03-03T14:00:00Z")),
            "2025-03-03T09:00:00-05:00"
        );
        assert!(zone("Mars/Olympus").is_err());
    }

    #[test]
    fn errors_are_the_librarys() {
        let e = |s: &str| parse(s, TimeZone::UTC).err().unwrap_or_default();
        assert_eq!(e("bad"), "expected exactly 5 fields, found 1: [bad]");
        assert_eq!(e("60 * * * *"), "end of range (60) above maximum (59): 60");
        assert_eq!(
            e("5-1 * * * *"),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(
            e("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(e("@often"), "unrecognized descriptor: @often");
        assert_eq!(e("1-2-3 * * * *"), "too many hyphens: 1-2-3");
        assert_eq!(
            e("0 0 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
    }
}
