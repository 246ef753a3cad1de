//! Go `time.ParseDuration` (`--timeout=30s`, `1m30s`, `500ms`), in milliseconds.

/// Why a duration did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadDuration;

/// Parses a Go duration.
pub fn parse_go_duration(s: &str) -> Result<i64, BadDuration> {
    let s = s.trim();
    if s == "0" {
        return Ok(0);
    }
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest.is_empty() {
        return Err(BadDuration);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or(BadDuration)?;
        if n == 0 {
            return Err(BadDuration);
        }
        let value: f64 = rest[..n].parse().map_err(|_| BadDuration)?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..u] {
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return Err(BadDuration),
        };
        total += value * unit;
        rest = &rest[u..];
    }
    if total > 9.2e15 {
        return Err(BadDuration);
    }
    Ok(if neg { -(total as i64) } else { total as i64 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(parse_go_duration("30s"), Ok(30_000));
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_go_duration("500ms"), Ok(500));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert!(parse_go_duration("30").is_err());
        assert!(parse_go_duration("abc").is_err());
    }
}
