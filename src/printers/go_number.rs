//! Go's number formatting, as kubectl's output depends on it.
//!
//! - [`go_json_number`]: how Go `encoding/json` writes a `float64` (`'f'` format unless the
//!   magnitude is below `1e-6` or at least `1e21`, then `'e'` with `e-07` shortened to `e-7`).
//! - [`format_float_g`]: `strconv.FormatFloat(f, 'g', -1, 64|32)`, used by go-yaml to print floats
//!   (`1e+06`, `1.5e-07`, `0.1`) and by `sigs.k8s.io/yaml` for float map keys (32-bit).
//!
//! All use the shortest decimal that round-trips, which Rust's `{:e}` also produces.

use serde_json::Number;

/// Shortest round-trip digits of a finite float: (negative, digits, decimal point position), so
/// that the value is `0.DIGITS × 10^dp`. Zero gives digits `"0"` and `dp = 1`.
fn shortest_digits(sci: &str) -> (bool, String, i32) {
    // `sci` is Rust's `{:e}` output: `-1.2345e-7`, `1e21`, `0e0`.
    let (neg, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    (neg, digits, exp + 1)
}

/// Go `%e`-style body for the given digits: `d.ddde±XX` (at least two exponent digits).
fn fmt_e(neg: bool, digits: &str, dp: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let mut chars = digits.chars();
    out.push(chars.next().unwrap_or('0'));
    let rest: String = chars.collect();
    if !rest.is_empty() {
        out.push('.');
        out.push_str(&rest);
    }
    let exp = if digits == "0" { 0 } else { dp - 1 };
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let abs = exp.unsigned_abs();
    if abs < 10 {
        out.push('0');
    }
    out.push_str(&abs.to_string());
    out
}

/// Go `%f`-style body with exactly the shortest digits.
fn fmt_f(neg: bool, digits: &str, dp: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let nd = digits.len() as i32;
    if dp <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-dp) as usize));
        out.push_str(digits);
    } else if dp >= nd {
        out.push_str(digits);
        out.push_str(&"0".repeat((dp - nd) as usize));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, with go-yaml's `.inf`/`-.inf`/`.nan` spellings.
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let (neg, digits, dp) = shortest_digits(&format!("{f:e}"));
    g_from_digits(neg, &digits, dp)
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` (the float is first rounded to `float32`).
pub fn format_float32_g(f: f64) -> String {
    let f32v = f as f32;
    if f32v.is_nan() {
        return ".nan".into();
    }
    if f32v.is_infinite() {
        return if f32v > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    let (neg, digits, dp) = shortest_digits(&format!("{f32v:e}"));
    g_from_digits(neg, &digits, dp)
}

/// The `%g` choice of `strconv/ftoa.go` `formatDigits` for shortest output: precision 6 decides,
/// so `%e` is used when the decimal exponent is below -4 or at least 6 (`1234567.5` →
/// `1.2345675e+06`, `123456.5` stays `123456.5`).
fn g_from_digits(neg: bool, digits: &str, dp: i32) -> String {
    let exp = if digits == "0" { 0 } else { dp - 1 };
    if !(-4..6).contains(&exp) {
        fmt_e(neg, digits, dp)
    } else {
        fmt_f(neg, digits, dp)
    }
}

/// How Go `encoding/json` writes a `float64`.
pub fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    let (neg, digits, dp) = shortest_digits(&format!("{f:e}"));
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut s = fmt_e(neg, &digits, dp);
        // Go cleans up e-09 to e-9.
        let n = s.len();
        if n >= 4
            && s.as_bytes()[n - 4] == b'e'
            && s.as_bytes()[n - 3] == b'-'
            && s.as_bytes()[n - 2] == b'0'
        {
            s.remove(n - 2);
        }
        s
    } else {
        fmt_f(neg, &digits, dp)
    }
}

/// How Go `encoding/json` writes a number held in a `serde_json::Number`: integers as they are,
/// floats through [`go_json_float`].
pub fn go_json_number(n: &Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        go_json_float(n.as_f64().unwrap_or(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(format_float_g(1e21), "1e+21");
        assert_eq!(format_float_g(1e-7), "1e-07");
        assert_eq!(format_float_g(0.1), "0.1");
        assert_eq!(format_float_g(2.5), "2.5");
        assert_eq!(format_float_g(123456789.5), "1.234567895e+08");
        assert_eq!(format_float_g(1234567.5), "1.2345675e+06");
        assert_eq!(format_float_g(123456.5), "123456.5");
        assert_eq!(format_float_g(1.5e300), "1.5e+300");
        assert_eq!(format_float_g(0.0001), "0.0001");
        assert_eq!(format_float_g(0.00001), "1e-05");
        assert_eq!(format_float_g(-0.0), "-0");
        assert_eq!(go_json_float(1e21), "1e+21");
        assert_eq!(go_json_float(1e-7), "1e-7");
        assert_eq!(go_json_float(1e20), "100000000000000000000");
        assert_eq!(go_json_float(1000000.0), "1000000");
        assert_eq!(go_json_float(-0.0), "-0");
        assert_eq!(go_json_float(123456789.5), "123456789.5");
        assert_eq!(format_float32_g(0.1), "0.1");
        assert_eq!(format_float32_g(16777217.0), "1.6777216e+07");
        assert_eq!(format_float32_g(1.000000001), "1");
    }
}
