//! Resource quantities (`resource.Quantity`): `500m`, `1`, `128Mi`, `1Gi`, `2G`, `1e3`.

/// Parses a quantity into milli-units (so `500m` = 500, `1` = 1000, `1Ki` = 1_024_000).
/// None if malformed or out of range.
pub fn parse_milli(s: &str) -> Option<i128> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let (mantissa, exp10): (f64, i32) = if let Some(e) = suffix.strip_prefix(['e', 'E']) {
        (num.parse().ok()?, e.parse().ok()?)
    } else {
        (num.parse().ok()?, 0)
    };
    let factor: f64 = match suffix {
        "" => 1.0,
        s if s.starts_with(['e', 'E']) => 10f64.powi(exp10),
        "m" => 0.001,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => return None,
    };
    let v = mantissa * factor * 1000.0;
    if !v.is_finite() || v.abs() > 1e30 {
        return None;
    }
    Some(v.round() as i128)
}

/// Parses a quantity into whole units (bytes for storage), rounding up.
pub fn parse_units(s: &str) -> Option<i128> {
    parse_milli(s).map(|m| (m + 999).div_euclid(1000))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
