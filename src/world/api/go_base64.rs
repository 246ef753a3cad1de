//! Go's `encoding/base64` `StdEncoding`, as the apiserver decodes `[]byte` fields (a Secret's
//! `data`): one decoder for the schema's decoding and the Secret's stored bytes.

/// `CorruptInputError`'s text.
pub fn error_text(at: usize) -> String {
    format!("illegal base64 data at input byte {at}")
}

/// Go's `base64.StdEncoding.DecodeString`: `\r` and `\n` skipped, padding required, the unused
/// bits of the last quantum ignored (not strict); the error is `CorruptInputError`'s position (`error_text`).
pub fn decode(s: &str) -> Result<Vec<u8>, usize> {
    let corrupt = |at: usize| at;
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let src = s.as_bytes();
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    // Go's decodeQuantum, one quantum of four characters at a time.
    while si < src.len() {
        let mut dbuf = [0u32; 4];
        let mut dlen = 4;
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                if j == 1 {
                    return Err(corrupt(si - j));
                }
                // Padding is required (StdEncoding).
                return Err(corrupt(si - j));
            }
            let c = src[si];
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if let Some(v) = val(c) {
                dbuf[j] = v;
                j += 1;
                continue;
            }
            if c != b'=' {
                return Err(corrupt(si - 1));
            }
            // Padding.
            match j {
                0 | 1 => return Err(corrupt(si - 1)),
                2 => {
                    // "==" expected: skip newlines to the next character.
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Err(corrupt(src.len()));
                    }
                    if src[si] != b'=' {
                        return Err(corrupt(si - 1));
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            if si < src.len() {
                // Trailing garbage after the padding.
                return Err(corrupt(si));
            }
            dlen = j;
            break;
        }
        let v = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        match dlen {
            4 => out.extend_from_slice(&bytes),
            3 => out.extend_from_slice(&bytes[..2]),
            2 => out.push(bytes[0]),
            _ => {}
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_base64() {
        // Non-zero padding bits are ignored by Go's (non-strict) decoder.
        assert_eq!(decode("cm9vda==").unwrap(), b"roou");
        assert_eq!(decode("cm9vdA==").unwrap(), b"root");
        assert_eq!(decode("cm9v\ndA==\n").unwrap(), b"root");
        assert_eq!(decode("").unwrap(), b"");
        assert_eq!(decode("YWJj").unwrap(), b"abc");
        assert_eq!(decode("cm9vdA").unwrap_err(), 4);
        assert_eq!(decode("root!").unwrap_err(), 4);
        assert_eq!(decode("a").unwrap_err(), 0);
        assert_eq!(decode("cm9vdA==x").unwrap_err(), 8);
        assert_eq!(decode("cm9vd===").unwrap_err(), 5);
        assert_eq!(decode("cm9vdA=").unwrap_err(), 7);
        assert_eq!(decode("my password").unwrap_err(), 2);
    }

    /// The positions the schema's decoder reports (`[]byte` fields).
    #[test]
    fn error_positions() {
        assert!(decode("cm9v\nda==").is_ok());
        assert_eq!(decode("cm9vd"), Err(4));
        assert_eq!(decode("cm9v!a=="), Err(4));
        assert_eq!(decode("cm9vda="), Err(7));
        assert_eq!(decode("cm9vda==x"), Err(8));
        assert_eq!(error_text(4), "illegal base64 data at input byte 4");
    }
}
