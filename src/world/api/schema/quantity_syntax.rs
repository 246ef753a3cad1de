//! Whether a text is a `resource.Quantity`, and if not, which of apimachinery's errors
//! `ParseQuantity` returns (`apimachinery pkg/api/resource/quantity.go`: `parseQuantityString`
//! and the suffixer). Only the verdict: values are `world::api::quantity`'s business.

use std::fmt;

/// `ParseQuantity`'s errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuantityError {
    /// `ErrFormatWrong`.
    FormatWrong,
    /// `ErrSuffix`.
    Suffix,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuantityError::FormatWrong => {
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
            }
            QuantityError::Suffix => "unable to parse quantity's suffix",
        })
    }
}

/// Checks `str` as `ParseQuantity` does.
pub fn check(s: &str) -> Result<(), QuantityError> {
    if s.is_empty() {
        return Err(QuantityError::FormatWrong);
    }
    let suffix = split_suffix(s.as_bytes())?;
    if suffix_ok(suffix) {
        Ok(())
    } else {
        Err(QuantityError::Suffix)
    }
}

/// `parseQuantityString`: sign, digits, `.` digits, then the suffix (letters of
/// `eEinumkKMGTP`, an optional sign, digits); anything else is `ErrFormatWrong`.
fn split_suffix(b: &[u8]) -> Result<&[u8], QuantityError> {
    let end = b.len();
    let mut pos = 0;
    if pos < end && (b[0] == b'-' || b[0] == b'+') {
        pos += 1;
    }
    while pos < end && b[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos == end {
        return Ok(&[]);
    }
    if b[pos] == b'.' {
        pos += 1;
        while pos < end && b[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == end {
            return Ok(&[]);
        }
    }
    let suffix_start = pos;
    while pos < end && b"eEinumkKMGTP".contains(&b[pos]) {
        pos += 1;
    }
    if pos == end {
        return Ok(&b[suffix_start..]);
    }
    if b[pos] == b'-' || b[pos] == b'+' {
        pos += 1;
    }
    while pos < end {
        if !b[pos].is_ascii_digit() {
            return Err(QuantityError::FormatWrong);
        }
        pos += 1;
    }
    Ok(&b[suffix_start..])
}

/// `quantitySuffixer.interpret`: binary and decimal SI suffixes, or `e`/`E` and an integer.
fn suffix_ok(s: &[u8]) -> bool {
    const KNOWN: &[&[u8]] = &[
        b"", b"Ki", b"Mi", b"Gi", b"Ti", b"Pi", b"Ei", b"n", b"u", b"m", b"k", b"M", b"G", b"T",
        b"P", b"E",
    ];
    if KNOWN.contains(&s) {
        return true;
    }
    if s.len() > 1 && (s[0] == b'e' || s[0] == b'E') {
        return std::str::from_utf8(&s[1..])
            .ok()
            .and_then(|t| t.parse::<i64>().ok())
            .is_some();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_as_parse_quantity() {
        for ok in [
            "1", "0", "500m", "1Gi", "1.5Gi", "-1", "+2k", "1e3", "1E-3", "1.", ".5", "Gi", "800E",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "abc", "1Gb", "1 Gi", "true", "{}", "1.2.3", "1e3x", "1KiB",
        ] {
            assert_eq!(check(bad), Err(QuantityError::FormatWrong), "{bad}");
        }
        for bad in ["1iG", "1ee"] {
            assert_eq!(check(bad), Err(QuantityError::Suffix), "{bad}");
        }
    }
}
