//! Resource quantities as `resource.Quantity` of apimachinery v0.32 (`pkg/api/resource`):
//! `ParseQuantity`'s scanner and its errors, exact values at any scale (an arbitrary-precision
//! decimal, as `inf.Dec` is), comparison, and the canonical form the API server serialises
//! (`CanonicalizeBytes`, including 1.32's quirk that a decimal-SI value of 10^21 or more loses
//! its exponent: `1000E` is written back as `1`).

use std::cmp::Ordering;

/// `ErrFormatWrong`.
pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// `ErrNumeric`.
pub const ERR_NUMERIC: &str = "unable to parse numeric part of quantity";
/// `ErrSuffix`.
pub const ERR_SUFFIX: &str = "unable to parse quantity's suffix";

/// How a quantity is written back (`resource.Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `12e6`.
    DecimalExponent,
    /// `12Mi`.
    BinarySI,
    /// `12M`.
    DecimalSI,
}

/// A parsed quantity: `sign * digits * 10^exp`, exactly.
#[derive(Debug, Clone)]
pub struct Quantity {
    neg: bool,
    /// Magnitude's decimal digits (values 0..=9), no leading zeros; empty for zero.
    digits: Vec<u8>,
    exp: i64,
    /// How it is written back.
    pub format: Format,
    /// The text as given, when `ParseQuantity` keeps it (already canonical).
    kept: Option<String>,
}

/// Bounds the digits a quantity may carry (kubelab's own bound; the apiserver's request size
/// bounds it there).
const MAX_DIGITS: usize = 4096;

impl Quantity {
    /// `resource.ParseQuantity`.
    pub fn parse(s: &str) -> Result<Quantity, &'static str> {
        if s.is_empty() {
            return Err(ERR_FORMAT_WRONG);
        }
        if s == "0" {
            return Ok(Quantity::zero(Format::DecimalSI, Some(s)));
        }
        let (positive, value_end, num, denom, suffix) = scan(s)?;
        let (base, exponent, format) = interpret(suffix).ok_or(ERR_SUFFIX)?;
        if num.len() + denom.len() > MAX_DIGITS {
            return Err(ERR_NUMERIC);
        }
        let _ = value_end;
        // The value: num.denom, then the suffix.
        let mut digits: Vec<u8> = num.bytes().chain(denom.bytes()).map(|b| b - b'0').collect();
        let mut exp: i64 = -(denom.len() as i64);
        if base == 10 {
            exp += i64::from(exponent);
        } else {
            for _ in 0..exponent {
                mul_small(&mut digits, 2);
            }
        }
        strip_leading(&mut digits);
        let mut q = Quantity {
            neg: !positive,
            digits,
            exp,
            format,
            kept: None,
        };
        // `ParseQuantity`'s fast path keeps the text when it is already canonical.
        q.kept = keeps_text(s, num, denom, format, exponent).then(|| s.to_string());
        q.round_up_to_nano();
        if format == Format::BinarySI {
            if q.cmp_magnitude(&Quantity::from_i128(i64::MAX as i128)) == Ordering::Greater {
                let neg = q.neg;
                q = Quantity::from_i128(i64::MAX as i128);
                q.neg = neg;
                q.format = Format::BinarySI;
                q.kept = None;
            }
            if !q.is_zero() && q.cmp_magnitude(&Quantity::from_i128(1)) == Ordering::Less {
                q.format = Format::DecimalSI;
            }
        }
        if q.is_zero() {
            q.neg = false;
        }
        Ok(q)
    }

    fn zero(format: Format, kept: Option<&str>) -> Quantity {
        Quantity {
            neg: false,
            digits: Vec::new(),
            exp: 0,
            format,
            kept: kept.map(str::to_string),
        }
    }

    /// A whole number in decimal-SI format.
    pub fn from_i128(v: i128) -> Quantity {
        let mut digits: Vec<u8> = v
            .unsigned_abs()
            .to_string()
            .bytes()
            .map(|b| b - b'0')
            .collect();
        strip_leading(&mut digits);
        Quantity {
            neg: v < 0,
            digits,
            exp: 0,
            format: Format::DecimalSI,
            kept: None,
        }
    }

    /// `v` milli-units written in `format` (a sum of quantities, as `Quantity.Add` leaves it).
    pub fn from_milli(v: i128, format: Format) -> Quantity {
        let mut q = Quantity::from_i128(v);
        if !q.digits.is_empty() {
            q.exp = -3;
        }
        q.format = format;
        q
    }

    /// The text as given when `ParseQuantity` keeps it (the `s` field of a Go `Quantity`).
    pub fn kept(&self) -> Option<&str> {
        self.kept.as_deref()
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// Rounds a non-zero value away from zero to a multiple of 10^-9.
    fn round_up_to_nano(&mut self) {
        if self.exp >= -9 || self.is_zero() {
            return;
        }
        let drop = (-9 - self.exp) as usize;
        let keep = self.digits.len().saturating_sub(drop);
        let truncated_nonzero = self.digits[keep..].iter().any(|d| *d != 0);
        self.digits.truncate(keep);
        self.exp = -9;
        if truncated_nonzero {
            add_one(&mut self.digits);
        }
        strip_leading(&mut self.digits);
    }

    /// Digits with trailing zeros moved into the exponent.
    fn normalized(&self) -> (&[u8], i64) {
        let mut end = self.digits.len();
        while end > 0 && self.digits[end - 1] == 0 {
            end -= 1;
        }
        (
            &self.digits[..end],
            self.exp + (self.digits.len() - end) as i64,
        )
    }

    fn cmp_magnitude(&self, other: &Quantity) -> Ordering {
        let (a, ea) = self.normalized();
        let (b, eb) = other.normalized();
        match (a.is_empty(), b.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        // Order of magnitude first (position of the leading digit), then digit by digit.
        let ma = a.len() as i64 + ea;
        let mb = b.len() as i64 + eb;
        if ma != mb {
            return ma.cmp(&mb);
        }
        let n = a.len().max(b.len());
        for i in 0..n {
            let x = a.get(i).copied().unwrap_or(0);
            let y = b.get(i).copied().unwrap_or(0);
            if x != y {
                return x.cmp(&y);
            }
        }
        Ordering::Equal
    }

    /// The value rounded up (away from zero) to a whole multiple of 10^`scale`, saturated to
    /// i128 (`ScaledValue`: `Value` is scale 0, `MilliValue` is scale -3).
    pub fn scaled_value(&self, scale: i64) -> i128 {
        let (d, e) = self.normalized();
        if d.is_empty() {
            return 0;
        }
        let shift = e - scale;
        let mut v: i128 = 0;
        let mut saturated = false;
        let whole = if shift >= 0 {
            d.len()
        } else {
            d.len().saturating_sub((-shift) as usize)
        };
        for &x in &d[..whole] {
            match v.checked_mul(10).and_then(|v| v.checked_add(i128::from(x))) {
                Some(n) => v = n,
                None => saturated = true,
            }
        }
        if shift > 0 {
            for _ in 0..shift.min(40) {
                match v.checked_mul(10) {
                    Some(n) => v = n,
                    None => saturated = true,
                }
            }
        } else if d[whole..].iter().any(|x| *x != 0) {
            v = v.saturating_add(1);
        }
        if saturated {
            v = i128::MAX;
        }
        if self.neg { -v } else { v }
    }

    /// `Value()`: whole units, rounded up.
    pub fn value(&self) -> i128 {
        self.scaled_value(0)
    }

    /// `MilliValue()`.
    pub fn milli_value(&self) -> i128 {
        self.scaled_value(-3)
    }

    /// The canonical text (`String()` / what `MarshalJSON` writes).
    pub fn canonical(&self) -> String {
        if let Some(k) = &self.kept {
            return k.clone();
        }
        if self.is_zero() {
            return "0".to_string();
        }
        let sign = if self.neg { "-" } else { "" };
        let mut format = self.format;
        if format == Format::BinarySI {
            let small = self.cmp_magnitude(&Quantity::from_i128(1024)) == Ordering::Less;
            let (_, e) = self.normalized();
            if small || e < 0 {
                format = Format::DecimalSI;
            }
        }
        if format == Format::BinarySI {
            // Whole and at most 2^63-1: fits.
            let mut v = self.value().unsigned_abs();
            let mut k = 0;
            while v.is_multiple_of(1024) && k < 6 {
                v /= 1024;
                k += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][k];
            return format!("{sign}{v}{suffix}");
        }
        let (d, e) = self.normalized();
        let mut text: String = d.iter().map(|x| char::from(b'0' + x)).collect();
        let mut e = e;
        while e % 3 != 0 {
            text.push('0');
            e -= 1;
        }
        let suffix = match format {
            Format::DecimalExponent if e == 0 => String::new(),
            Format::DecimalExponent => format!("e{e}"),
            // 1.32 has no suffix past `E` and writes none (fixed upstream later).
            _ => match e {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                _ => "",
            }
            .to_string(),
        };
        format!("{sign}{text}{suffix}")
    }

    /// The quantity of a JSON field as `UnmarshalJSON` reads it: a string (trimmed) or the
    /// text of a number.
    pub fn from_json(v: &serde_json::Value) -> Result<Quantity, &'static str> {
        match v {
            serde_json::Value::String(s) => Quantity::parse(s.trim()),
            serde_json::Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => Err(ERR_FORMAT_WRONG),
        }
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

/// `parseQuantityString`: (positive, end of the number, numerator, denominator, suffix).
fn scan(s: &str) -> Result<(bool, usize, &str, &str, &str), &'static str> {
    let b = s.as_bytes();
    let end = b.len();
    let mut pos = 0;
    let mut positive = true;
    match b.first() {
        Some(b'-') => {
            positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while pos < end && b[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        return Ok((positive, end, "0", "", ""));
    }
    let start = pos;
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    let num = if pos == start { "0" } else { &s[start..pos] };
    if pos >= end {
        return Ok((positive, end, num, "", ""));
    }
    let mut denom = "";
    if b[pos] == b'.' {
        pos += 1;
        let d0 = pos;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        denom = &s[d0..pos];
        if pos >= end {
            return Ok((positive, end, num, denom, ""));
        }
    }
    let value_end = pos;
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos >= end {
        return Ok((positive, value_end, num, denom, &s[suffix_start..]));
    }
    if b[pos] == b'-' || b[pos] == b'+' {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos >= end {
        return Ok((positive, value_end, num, denom, &s[suffix_start..]));
    }
    Err(ERR_FORMAT_WRONG)
}

/// `quantitySuffixer.interpret`: (base, exponent, format).
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let dec = |e| Some((10, e, Format::DecimalSI));
    let bin = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => dec(0),
        "n" => dec(-9),
        "u" => dec(-6),
        "m" => dec(-3),
        "k" => dec(3),
        "M" => dec(6),
        "G" => dec(9),
        "T" => dec(12),
        "P" => dec(15),
        "E" => dec(18),
        "Ki" => bin(10),
        "Mi" => bin(20),
        "Gi" => bin(30),
        "Ti" => bin(40),
        "Pi" => bin(50),
        "Ei" => bin(60),
        s if s.len() > 1 && s.starts_with(['e', 'E']) => {
            // strconv.ParseInt(..., 10, 64), then int32(...) as Go converts (wrapping).
            let parsed: i64 = s[1..].parse().ok()?;
            Some((10, parsed as i32, Format::DecimalExponent))
        }
        _ => None,
    }
}

/// The fast path of `ParseQuantity` keeps the given text when it is already canonical.
fn keeps_text(s: &str, num: &str, denom: &str, format: Format, exponent: i32) -> bool {
    let shifted = format!("{num}{denom}");
    match format {
        Format::BinarySI => {
            let precision = 15 - num.len() as i64 - (exponent as f32 * 3.0 / 10.0) as i64 - 1;
            if !(exponent >= 0 && denom.is_empty() && precision >= 0) {
                return false;
            }
            let Ok(v) = shifted.parse::<i64>() else {
                return false;
            };
            v.checked_mul(1i64 << exponent).is_some() && v & 7 != 0 && !s.is_empty()
        }
        _ => {
            let precision = 18 - (num.len() + denom.len()) as i64;
            let scale = i64::from(exponent) - denom.len() as i64;
            precision >= 0
                && scale >= -9
                && scale % 3 == 0
                && !shifted.ends_with("000")
                && !shifted.starts_with('0')
        }
    }
}

fn mul_small(digits: &mut Vec<u8>, m: u32) {
    let mut carry = 0u32;
    for d in digits.iter_mut().rev() {
        let v = u32::from(*d) * m + carry;
        *d = (v % 10) as u8;
        carry = v / 10;
    }
    while carry > 0 {
        digits.insert(0, (carry % 10) as u8);
        carry /= 10;
    }
}

fn add_one(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

fn strip_leading(digits: &mut Vec<u8>) {
    let nz = digits.iter().position(|d| *d != 0).unwrap_or(digits.len());
    digits.drain(..nz);
}

/// Parses a quantity into milli-units (so `500m` = 500, `1` = 1000, `1Ki` = 1_024_000),
/// rounded up. None if malformed.
pub fn parse_milli(s: &str) -> Option<i128> {
    Quantity::parse(s.trim()).ok().map(|q| q.milli_value())
}

/// Parses a quantity into whole units (bytes for storage), rounding up.
pub fn parse_units(s: &str) -> Option<i128> {
    Quantity::parse(s.trim()).ok().map(|q| q.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Quantity::parse(s).unwrap().canonical()
    }

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_milli("500m"), Some(500));
        assert_eq!(parse_milli("2"), Some(2000));
        assert_eq!(parse_units("1Gi"), Some(1 << 30));
        assert_eq!(parse_units("1G"), Some(1_000_000_000));
        assert_eq!(parse_units("128Mi"), Some(128 << 20));
        assert_eq!(parse_units("1e3"), Some(1000));
        assert_eq!(parse_milli("abc"), None);
        assert_eq!(parse_milli("1Xi"), None);
        assert_eq!(parse_units("1.5"), Some(2));
        assert_eq!(parse_milli("0.1m"), Some(1));
        assert_eq!(parse_units("-1.5"), Some(-2));
    }

    #[test]
    fn errors_are_upstreams() {
        assert_eq!(Quantity::parse("").unwrap_err(), ERR_FORMAT_WRONG);
        assert_eq!(Quantity::parse("1Xi").unwrap_err(), ERR_FORMAT_WRONG);
        assert_eq!(Quantity::parse("1.2.3").unwrap_err(), ERR_FORMAT_WRONG);
        assert_eq!(Quantity::parse("abc").unwrap_err(), ERR_FORMAT_WRONG);
        assert_eq!(Quantity::parse("1ki").unwrap_err(), ERR_SUFFIX);
        assert_eq!(Quantity::parse("1e").unwrap_err(), ERR_SUFFIX);
        assert_eq!(Quantity::parse("1KB").unwrap_err(), ERR_FORMAT_WRONG);
        assert_eq!(Quantity::parse("1 Gi").unwrap_err(), ERR_FORMAT_WRONG);
        // The scanner reads a missing number as 0.
        assert!(Quantity::parse("Gi").unwrap().is_zero());
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(canon("1.5"), "1500m");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("2048Ki"), "2Mi");
        assert_eq!(canon("1Gi"), "1Gi");
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("100m"), "100m");
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1000"), "1k");
        assert_eq!(canon("1500M"), "1500M");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("100e1"), "1e3");
        assert_eq!(canon("1.5e3"), "1500");
        assert_eq!(canon("0"), "0");
        assert_eq!(canon("0.0"), "0");
        assert_eq!(canon("0.5Ki"), "512");
        assert_eq!(canon("1.1Ki"), "1126400m");
        assert_eq!(canon("1e-12"), "1e-9");
        assert_eq!(canon("0.1n"), "1n");
        // The text is kept when the fast path finds it canonical.
        assert_eq!(canon("+1"), "+1");
        assert_eq!(canon("-1"), "-1");
        assert_eq!(canon("-1.5"), "-1500m");
        // Past E, 1.32 writes no suffix.
        assert_eq!(canon("800E"), "800E");
        assert_eq!(canon("1000E"), "1");
        // Binary values are capped at 2^63-1.
        assert_eq!(canon("8Ei"), "9223372036854775807");
        assert_eq!(canon("1Ei"), "1Ei");
    }

    #[test]
    fn compares_at_any_scale() {
        assert!(q("800E") > q("200E"));
        assert!(q("200E") < q("800E"));
        assert!(q("1Ei") > q("1E"));
        assert!(q("1000E") > q("999E"));
        assert_eq!(q("1Gi"), q("1024Mi"));
        assert_eq!(q("1"), q("1000m"));
        assert!(q("1n") > q("0"));
        assert!(q("-1") < q("0"));
        assert!(q("-2") < q("-1"));
        assert!(q("1e30") > q("1e29"));
        // Binary capped: 16Ei == 8Ei.
        assert_eq!(q("16Ei"), q("8Ei"));
        assert_eq!(q("800E").value(), 800_000_000_000_000_000_000);
    }

    #[test]
    fn json_numbers() {
        assert_eq!(
            Quantity::from_json(&serde_json::json!(1))
                .unwrap()
                .canonical(),
            "1"
        );
        assert_eq!(
            Quantity::from_json(&serde_json::json!(0.5))
                .unwrap()
                .canonical(),
            "500m"
        );
        assert!(Quantity::from_json(&serde_json::json!(true)).is_err());
    }

    /// `ParseQuantity`'s verdicts and errors as the schema's decoder reports them.
    #[test]
    fn verdicts_as_parse_quantity() {
        for ok in [
            "1", "0", "500m", "1Gi", "1.5Gi", "-1", "+2k", "1e3", "1E-3", "1.", ".5", "Gi", "800E",
        ] {
            assert!(Quantity::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "abc", "1Gb", "1 Gi", "true", "{}", "1.2.3", "1e3x", "1KiB",
        ] {
            assert_eq!(Quantity::parse(bad).err(), Some(ERR_FORMAT_WRONG), "{bad}");
        }
        for bad in ["1iG", "1ee"] {
            assert_eq!(Quantity::parse(bad).err(), Some(ERR_SUFFIX), "{bad}");
        }
    }
}
