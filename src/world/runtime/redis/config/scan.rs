//! How redis reads words and numbers: `sdssplitargs` (a config line, a redis-cli command
//! line), `memtoll` (memory units), C's `atoi` (5.0's integer parameters).

/// `memtoll` (`src/util.c`): digits with an optional unit (`b`, `k` 1000, `kb` 1024, `m`, `mb`,
/// `g`, `gb`, any case); `None` where it reports an error.
pub fn memtoll(s: &str) -> Option<i64> {
    let digits_end = s
        .char_indices()
        .skip(usize::from(s.starts_with('-')))
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let mul: i64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        _ => return None,
    };
    // strtoll of the digits: an empty string is 0 without an error.
    let v: i64 = if num.is_empty() || num == "-" {
        0
    } else {
        num.parse().ok()?
    };
    Some(v.wrapping_mul(mul))
}

/// C's `atoi`: leading blanks, a sign, digits; 0 when there are none.
pub(super) fn atoi(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, rest) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let v = digits.parse::<i64>().unwrap_or(0).min(i32::MAX as i64 + 1);
    let v = if neg { -v } else { v };
    v.clamp(i32::MIN as i64, i32::MAX as i64)
}

/// `sdssplitargs` (`src/sds.c`): words, `"..."` with escapes, `'...'`; `None` for unbalanced
/// quotes or a closing quote followed by something else than a blank.
pub fn split_args(line: &str) -> Option<Vec<String>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            return Some(out);
        }
        let mut cur: Vec<u8> = Vec::new();
        let (mut inq, mut insq) = (false, false);
        loop {
            let c = b.get(i).copied();
            if inq {
                match c {
                    None => return None,
                    Some(b'\\')
                        if b.get(i + 1) == Some(&b'x')
                            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
                            && b.get(i + 3).is_some_and(u8::is_ascii_hexdigit) =>
                    {
                        let h = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("0");
                        cur.push(u8::from_str_radix(h, 16).unwrap_or(0));
                        i += 3;
                    }
                    Some(b'\\') if i + 1 < b.len() => {
                        i += 1;
                        cur.push(match b[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            o => o,
                        });
                    }
                    Some(b'"') => {
                        if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(o) => cur.push(o),
                }
            } else if insq {
                match c {
                    None => return None,
                    Some(b'\\') if b.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        if b.get(i + 1).is_some_and(|n| !n.is_ascii_whitespace()) {
                            return None;
                        }
                        i += 1;
                        break;
                    }
                    Some(o) => cur.push(o),
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t') => break,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(o) => cur.push(o),
                }
            }
            i += 1;
        }
        out.push(String::from_utf8_lossy(&cur).into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_as_memtoll() {
        assert_eq!(memtoll("2mb"), Some(2_097_152));
        assert_eq!(memtoll("2MB"), Some(2_097_152));
        assert_eq!(memtoll("2m"), Some(2_000_000));
        assert_eq!(memtoll("1gb"), Some(1 << 30));
        assert_eq!(memtoll("1g"), Some(1_000_000_000));
        assert_eq!(memtoll("100kb"), Some(102_400));
        assert_eq!(memtoll("100"), Some(100));
        assert_eq!(memtoll("2xb"), None);
    }

    #[test]
    fn split_args_as_sdssplitargs() {
        assert_eq!(
            split_args(r#"SET k "a b\n" 'c'"#).unwrap(),
            ["SET", "k", "a b\n", "c"]
        );
        assert_eq!(split_args(r#"SET "k"x"#), None);
        assert_eq!(split_args(r#"GET "k"#), None);
    }
}
