//! The virtual clock: the only source of "now" in the world, plus RFC 3339 formatting.
//!
//! Time is kept in milliseconds since the Unix epoch. Nothing here reads the host clock.

use crate::calendar::{MONTHS, WEEKDAYS};
pub use crate::calendar::{civil, unix_date};

/// Milliseconds since the Unix epoch, in virtual time.
pub type Millis = i64;

/// When a fresh world starts: 2025-03-03T09:00:00Z (a Monday morning class).
pub const DEFAULT_START: Millis = 1_740_992_400_000;

/// A timer fired by the clock; the payload says what happens then.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// Re-run the controllers (something becomes true at this instant, e.g. minReadySeconds).
    Resync,
    /// A kubelet step for one pod (pull done, container started, back-off over...).
    Kubelet { pod_uid: String },
    /// A periodic node-level task (image garbage collection).
    NodeHousekeeping { node: String },
    /// A timer owned by an extension controller (e.g. scheduled image imports), keyed by name.
    Named(String),
}

/// The virtual clock and its queue of timers.
#[derive(Debug, Clone)]
pub struct Clock {
    now: Millis,
    seq: u64,
    queue: imbl::OrdMap<(Millis, u64), Timer>,
}

impl Clock {
    /// A clock standing at `start`.
    pub fn new(start: Millis) -> Self {
        Clock {
            now: start,
            seq: 0,
            queue: imbl::OrdMap::new(),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Schedules `timer` at absolute time `at` (clamped to now).
    pub fn schedule(&mut self, at: Millis, timer: Timer) {
        let at = at.max(self.now);
        self.seq += 1;
        self.queue.insert((at, self.seq), timer);
    }

    /// Schedules `timer` after `delay` milliseconds.
    pub fn after(&mut self, delay: Millis, timer: Timer) {
        self.schedule(self.now + delay.max(0), timer);
    }

    /// The time of the next timer, if any.
    pub fn next_due(&self) -> Option<Millis> {
        self.queue.get_min().map(|((t, _), _)| *t)
    }

    /// Removes and returns every timer due at exactly the earliest due time, if it is `<= limit`,
    /// moving the clock there.
    pub fn pop_due(&mut self, limit: Millis) -> Vec<Timer> {
        let Some(t) = self.next_due() else {
            return Vec::new();
        };
        if t > limit {
            return Vec::new();
        }
        self.now = self.now.max(t);
        let mut out = Vec::new();
        while let Some(&key) = self.queue.get_min().map(|(k, _)| k) {
            if key.0 != t {
                break;
            }
            if let Some(timer) = self.queue.remove(&key) {
                out.push(timer);
            }
        }
        out
    }

    /// Moves the clock forward to `t` (never backwards).
    pub fn set(&mut self, t: Millis) {
        self.now = self.now.max(t);
    }

    /// Number of pending timers.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// RFC 3339 in UTC with seconds precision, as the API server writes timestamps: `2025-03-03T09:00:00Z`.
pub fn rfc3339(t: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    let mut out = String::with_capacity(20);
    if (0..10_000).contains(&y) {
        push_digits(&mut out, y as u32, 4);
    } else {
        out.push_str(&format!("{y:04}"));
    }
    for (sep, v) in [('-', mo), ('-', d), ('T', h), (':', mi), (':', s)] {
        out.push(sep);
        push_digits(&mut out, v, 2);
    }
    out.push('Z');
    out
}

/// Appends the last `width` decimal digits of `v`, zero-padded (timestamps are written for
/// every status and event: `format!` costs ten times as much).
fn push_digits(out: &mut String, v: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + (v / div % 10) as u8));
        div /= 10;
    }
}

/// RFC 3339 with microseconds (MicroTime, used by Event.eventTime and lease renewals).
pub fn rfc3339_micro(t: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    let us = t.rem_euclid(1000) * 1000;
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{us:06}Z")
}

/// Parses an RFC 3339 UTC timestamp written by [`rfc3339`] (or with a fraction); None if malformed.
pub fn parse_rfc3339(s: &str) -> Option<Millis> {
    let b = s.as_bytes();
    if b.len() < 20 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut ms = 0;
    if b.get(19) == Some(&b'.') {
        let frac: String = s[20..].chars().take_while(|c| c.is_ascii_digit()).collect();
        let three: String = format!("{frac:0<3}").chars().take(3).collect();
        ms = three.parse().ok()?;
    }
    // days_from_civil
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = if y2 >= 0 { y2 } else { y2 - 399 } / 400;
    let yoe = y2 - era * 400;
    let mp = if mo > 2 { mo - 3 } else { mo + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400) + h * 3600 + mi * 60 + sec) * 1000 + ms)
}

/// RFC 1123 with numeric zone, as `kubectl describe` prints CreationTimestamp:
/// `Mon, 03 Mar 2025 09:00:00 +0000`.
pub fn rfc1123z(t: Millis) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(t);
    let wd = WEEKDAYS[wd as usize % 7];
    let mon = MONTHS[(mo as usize + 11) % 12];
    format!("{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} +0000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_default_start() {
        assert_eq!(rfc3339(DEFAULT_START), "2025-03-03T09:00:00Z");
        assert_eq!(rfc1123z(DEFAULT_START), "Mon, 03 Mar 2025 09:00:00 +0000");
        assert_eq!(parse_rfc3339("2025-03-03T09:00:00Z"), Some(DEFAULT_START));
        assert_eq!(
            parse_rfc3339("2025-03-03T09:00:00.250000Z"),
            Some(DEFAULT_START + 250)
        );
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    /// Seconds round down, negative times too (as Go's truncation to seconds does); years
    /// outside four digits fall back to the general formatter.
    #[test]
    fn formatting_truncates_to_the_second() {
        assert_eq!(rfc3339(DEFAULT_START + 999), "2025-03-03T09:00:00Z");
        assert_eq!(rfc3339(DEFAULT_START + 1_000), "2025-03-03T09:00:01Z");
        assert_eq!(rfc3339(DEFAULT_START + 999), "2025-03-03T09:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(253_402_300_799_000), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800_000), "10000-01-01T00:00:00Z");
    }

    #[test]
    fn timers_fire_in_time_order_then_insertion_order() {
        let mut c = Clock::new(0);
        c.after(20, Timer::Named("b".into()));
        c.after(10, Timer::Named("a".into()));
        c.after(20, Timer::Named("c".into()));
        assert_eq!(c.pop_due(5), vec![]);
        assert_eq!(c.pop_due(100), vec![Timer::Named("a".into())]);
        assert_eq!(c.now(), 10);
        assert_eq!(
            c.pop_due(100),
            vec![Timer::Named("b".into()), Timer::Named("c".into())]
        );
    }
}
