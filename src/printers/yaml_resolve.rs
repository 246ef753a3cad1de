//! YAML 1.1 plain-scalar resolution exactly as go-yaml v2 does it (`resolve.go` `resolve`,
//! `parseTimestamp`; `encode.go` `isBase60Float`).
//!
//! kubectl's YAML goes through `sigs.k8s.io/yaml`, which uses a fork of go-yaml v2.4.0. The same
//! resolution decides two things:
//! - when printing, whether a string may be written plain (`resolve` says `!!str` and it is not a
//!   base-60 float) or must be double-quoted (`"yes"`, `"1e3"`, `"2001-12-14"`, `"1:20"`, `""`);
//! - when reading a manifest, what a plain scalar means (`yes` → `true`, `0x1F` → `31`, `~` → null).
//!
//! Go's `strconv.ParseInt(s, 0, 64)`, `ParseUint`, `ParseFloat` and `time.Parse` are reimplemented
//! for the inputs go-yaml hands them.

/// What a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, `Null`, `NULL` or the empty string.
    Null,
    /// YAML 1.1 booleans: `y`, `yes`, `on`, `true` (and case variants), `n`, `no`, `off`, `false`.
    Bool(bool),
    /// An integer that fits `int64` (decimal, `0x`, `0o`, leading-`0` octal, `0b`, underscores).
    Int(i64),
    /// An integer that only fits `uint64`.
    Uint(u64),
    /// A float (`.5`, `1e3`, `.inf`, `.nan`, integers too large for 64 bits).
    Float(f64),
    /// A timestamp (`2001-12-14`, `2001-12-14T21:59:43.10-05:00`); go-yaml keeps the text.
    Timestamp,
    /// Anything else is a string.
    Str,
}

/// Resolves an untagged plain scalar as go-yaml v2 `resolve("", s)` does.
pub fn resolve(s: &str) -> Resolved {
    let Some(&first) = s.as_bytes().first() else {
        return Resolved::Null;
    };
    let hint = match first {
        b'+' | b'-' => b'S',
        b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return Resolved::Str,
    };
    if let Some(r) = resolve_map(s) {
        return r;
    }
    match hint {
        b'.' => match parse_go_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => resolve_number(s),
        _ => Resolved::Str,
    }
}

/// The fixed table of `resolve.go` (`resolveMapList`).
fn resolve_map(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// The `'D'`/`'S'` branch: timestamp, int, uint, YAML-style float, `0b`/`-0b` binary.
fn resolve_number(s: &str) -> Resolved {
    if is_timestamp(s) {
        return Resolved::Timestamp;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Resolved::Int(i);
    }
    if let Some(u) = parse_go_uint(&plain) {
        return Resolved::Uint(u);
    }
    if let Some(f) = is_yaml_style_float(&plain)
        .then(|| parse_go_float(&plain))
        .flatten()
    {
        return Resolved::Float(f);
    }
    if let Some(bin) = plain.strip_prefix("0b") {
        if let Ok(i) = i64::from_str_radix_strict(bin, 2) {
            return Resolved::Int(i);
        }
        if let Ok(u) = u64::from_str_radix_strict(bin, 2) {
            return Resolved::Uint(u);
        }
    } else if let Some(Ok(i)) = plain
        .strip_prefix("-0b")
        .map(|bin| i64::from_str_radix_strict(&format!("-{bin}"), 2))
    {
        return Resolved::Int(i);
    }
    Resolved::Str
}

/// `from_str_radix` that, like Go, rejects a leading `+` on the digits themselves.
trait StrictRadix: Sized {
    fn from_str_radix_strict(s: &str, radix: u32) -> Result<Self, ()>;
}
impl StrictRadix for i64 {
    fn from_str_radix_strict(s: &str, radix: u32) -> Result<Self, ()> {
        let digits = s.strip_prefix('-').unwrap_or(s);
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return Err(());
        }
        i64::from_str_radix(s, radix).map_err(|_| ())
    }
}
impl StrictRadix for u64 {
    fn from_str_radix_strict(s: &str, radix: u32) -> Result<Self, ()> {
        if s.is_empty() || !s.chars().all(|c| c.is_digit(radix)) {
            return Err(());
        }
        u64::from_str_radix(s, radix).map_err(|_| ())
    }
}

/// Splits Go's base prefix off (`strconv.ParseUint(s, 0, 64)` rules, underscores already removed).
fn split_base(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.first() == Some(&b'0') {
        if b.len() >= 3 {
            match b[1].to_ascii_lowercase() {
                b'b' => return (2, &s[2..]),
                b'o' => return (8, &s[2..]),
                b'x' => return (16, &s[2..]),
                _ => {}
            }
        }
        return (8, &s[1..]);
    }
    (10, s)
}

/// Go `strconv.ParseUint(s, 0, 64)` (no sign allowed; `"0"` alone is octal zero).
pub fn parse_go_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (base, digits) = split_base(s);
    if digits.is_empty() {
        return Some(0);
    }
    u64::from_str_radix_strict(digits, base).ok()
}

/// Go `strconv.ParseInt(s, 0, 64)`: optional sign, base prefix, range-checked.
pub fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_go_uint(rest)?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go `strconv.ParseFloat(s, 64)` for the decimal input go-yaml hands it (`.5`, `1e3`):
/// `None` on syntax errors and on overflow (Go returns `ErrRange` there); underflow gives `0`
/// like Go. Go's words (`Inf`, `NaN`), hex floats and underscores never reach this function.
pub fn parse_go_float(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let b = body.as_bytes();
    // Decimal syntax: digits [. digits] [e [sign] digits], at least one mantissa digit.
    let mut i = 0;
    let mut mant = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        mant += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            mant += 1;
        }
    }
    if mant == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

/// `encode.go` `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else { return false };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let mut i = usize::from(c == b'+' || c == b'-');
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one or two digits, the first of two being 0-5.
        let d1 = b.get(i).copied().filter(u8::is_ascii_digit);
        let d2 = b.get(i + 1).copied().filter(u8::is_ascii_digit);
        match (d1, d2) {
            (Some(a), Some(_)) if a <= b'5' => i += 2,
            (Some(_), _) => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// `parseTimestamp`: four digits and `-`, then one of go-yaml's four `time.Parse` layouts.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    const LAYOUTS: [&[Tok]; 4] = [
        &[
            Tok::Year,
            Tok::Lit(b'-'),
            Tok::Month,
            Tok::Lit(b'-'),
            Tok::Day,
            Tok::Lit(b'T'),
            Tok::Hour,
            Tok::Lit(b':'),
            Tok::Minute,
            Tok::Lit(b':'),
            Tok::Second,
            Tok::Frac,
            Tok::Zone,
        ],
        &[
            Tok::Year,
            Tok::Lit(b'-'),
            Tok::Month,
            Tok::Lit(b'-'),
            Tok::Day,
            Tok::Lit(b't'),
            Tok::Hour,
            Tok::Lit(b':'),
            Tok::Minute,
            Tok::Lit(b':'),
            Tok::Second,
            Tok::Frac,
            Tok::Zone,
        ],
        &[
            Tok::Year,
            Tok::Lit(b'-'),
            Tok::Month,
            Tok::Lit(b'-'),
            Tok::Day,
            Tok::Space,
            Tok::Hour,
            Tok::Lit(b':'),
            Tok::Minute,
            Tok::Lit(b':'),
            Tok::Second,
            Tok::Frac,
        ],
        &[
            Tok::Year,
            Tok::Lit(b'-'),
            Tok::Month,
            Tok::Lit(b'-'),
            Tok::Day,
        ],
    ];
    LAYOUTS.iter().any(|layout| go_time_parse(layout, b))
}

/// One element of a Go time layout, as far as go-yaml's layouts need.
#[derive(Clone, Copy)]
enum Tok {
    /// `2006`
    Year,
    /// `1`
    Month,
    /// `2`
    Day,
    /// `15`
    Hour,
    /// `4`
    Minute,
    /// `5`
    Second,
    /// `.999999999` (optional fraction; `,` accepted as in Go ≥ 1.17)
    Frac,
    /// `Z07:00`
    Zone,
    /// A literal byte.
    Lit(u8),
    /// A layout space: matches one or more spaces (Go `skip`/`cutspace`).
    Space,
}

/// Go `getnum(value, false)`: one or two digits.
fn getnum(v: &[u8]) -> Option<(u32, &[u8])> {
    let d0 = *v.first().filter(|c| c.is_ascii_digit())?;
    match v.get(1).filter(|c| c.is_ascii_digit()) {
        Some(&d1) => Some((u32::from(d0 - b'0') * 10 + u32::from(d1 - b'0'), &v[2..])),
        None => Some((u32::from(d0 - b'0'), &v[1..])),
    }
}

/// A subset of Go's `time.Parse` sufficient for go-yaml's timestamp layouts.
fn go_time_parse(layout: &[Tok], mut v: &[u8]) -> bool {
    let (mut year, mut month, mut day) = (0i64, 0u32, 0u32);
    for tok in layout {
        match *tok {
            Tok::Year => {
                if v.len() < 4 || !v[..4].iter().all(u8::is_ascii_digit) {
                    return false;
                }
                year = v[..4]
                    .iter()
                    .fold(0i64, |a, &c| a * 10 + i64::from(c - b'0'));
                v = &v[4..];
            }
            Tok::Month => match getnum(v) {
                Some((m, rest)) if (1..=12).contains(&m) => {
                    month = m;
                    v = rest;
                }
                _ => return false,
            },
            Tok::Day => match getnum(v) {
                Some((d, rest)) => {
                    day = d;
                    v = rest;
                }
                None => return false,
            },
            Tok::Hour => match getnum(v) {
                Some((h, rest)) if h < 24 => v = rest,
                _ => return false,
            },
            Tok::Minute | Tok::Second => match getnum(v) {
                Some((m, rest)) if m < 60 => v = rest,
                _ => return false,
            },
            Tok::Frac => {
                if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
                    let n = v[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    v = &v[1 + n..];
                }
            }
            Tok::Zone => {
                if v.first() == Some(&b'Z') {
                    v = &v[1..];
                } else {
                    if v.len() < 6 || v[3] != b':' || !(v[0] == b'+' || v[0] == b'-') {
                        return false;
                    }
                    let two = |x: &[u8]| {
                        (x[0].is_ascii_digit() && x[1].is_ascii_digit())
                            .then(|| u32::from(x[0] - b'0') * 10 + u32::from(x[1] - b'0'))
                    };
                    match (two(&v[1..3]), two(&v[4..6])) {
                        (Some(h), Some(m)) if h <= 24 && m <= 60 => v = &v[6..],
                        _ => return false,
                    }
                }
            }
            Tok::Lit(c) => {
                if v.first() != Some(&c) {
                    return false;
                }
                v = &v[1..];
            }
            Tok::Space => {
                if v.first().is_some_and(|&c| c != b' ') {
                    return false;
                }
                while v.first() == Some(&b' ') {
                    v = &v[1..];
                }
            }
        }
    }
    v.is_empty() && day >= 1 && day <= days_in(month, year)
}

/// Days in a month of the proleptic Gregorian calendar (Go `daysIn`).
fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_go_yaml_v2() {
        assert_eq!(resolve("yes"), Resolved::Bool(true));
        assert_eq!(resolve("Off"), Resolved::Bool(false));
        assert_eq!(resolve("yES"), Resolved::Str);
        assert_eq!(resolve("0x1F"), Resolved::Int(31));
        assert_eq!(resolve("0o17"), Resolved::Int(15));
        assert_eq!(resolve("017"), Resolved::Int(15));
        assert_eq!(resolve("08"), Resolved::Float(8.0));
        assert_eq!(resolve("1_000"), Resolved::Int(1000));
        assert_eq!(resolve("-0b11"), Resolved::Int(-3));
        assert_eq!(resolve("9223372036854775808"), Resolved::Uint(1 << 63));
        assert_eq!(resolve("1e400"), Resolved::Str);
        assert_eq!(resolve("1e-400"), Resolved::Float(0.0));
        assert_eq!(resolve(".5"), Resolved::Float(0.5));
        assert_eq!(resolve("."), Resolved::Str);
        assert_eq!(resolve("2001-12-14"), Resolved::Timestamp);
        assert_eq!(resolve("2001-02-29"), Resolved::Str);
        assert_eq!(resolve("2001-12-14T21:59:43.10-05:00"), Resolved::Timestamp);
        assert_eq!(resolve("2001-12-14 21:59:43.10"), Resolved::Timestamp);
        assert_eq!(resolve("<<"), Resolved::Str); // hint 0: merge keys are found by the decoder
        assert_eq!(resolve("-"), Resolved::Str);
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:2a"));
        assert!(!is_base60_float("1:60"));
    }
}
