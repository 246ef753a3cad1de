//! `base64`, with GNU coreutils' options and its decoder's leniency: padding bits need not be
//! zero (`cm9vda==` is `roou`), newlines are skipped, padded quanta may follow one another, and
//! what decoded before invalid input is still written.

use base64::Engine;

use super::{Out, inputs, room};
use crate::shell::exec::Exec;

const TRY: &str = "Try 'base64 --help' for more information.\n";

pub(super) fn base64(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let mut decode = false;
    let mut garbage = false;
    let mut wrap: usize = 76;
    let mut names = Vec::new();
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if options_done || a == "-" || !a.starts_with('-') {
            names.push(a.clone());
            continue;
        }
        if a == "--" {
            options_done = true;
            continue;
        }
        if let Some(long) = a.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "decode" => decode = true,
                "ignore-garbage" => garbage = true,
                "wrap" => {
                    let v = match inline.or_else(|| {
                        i += 1;
                        args.get(i - 1).cloned()
                    }) {
                        Some(v) => v,
                        None => {
                            return Out::err(
                                format!("base64: option '--wrap' requires an argument\n{TRY}"),
                                1,
                            );
                        }
                    };
                    match wrap_size(&v) {
                        Ok(w) => wrap = w,
                        Err(e) => return Out::err(e, 1),
                    }
                }
                _ => return Out::err(format!("base64: unrecognized option '{a}'\n{TRY}"), 1),
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < letters.len() {
            let c = letters[k];
            k += 1;
            match c {
                'd' => decode = true,
                'i' => garbage = true,
                'w' => {
                    let v = if k < letters.len() {
                        let v: String = letters[k..].iter().collect();
                        k = letters.len();
                        v
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return Out::err(
                            format!("base64: option requires an argument -- 'w'\n{TRY}"),
                            1,
                        );
                    };
                    match wrap_size(&v) {
                        Ok(w) => wrap = w,
                        Err(e) => return Out::err(e, 1),
                    }
                }
                other => {
                    return Out::err(format!("base64: invalid option -- '{other}'\n{TRY}"), 1);
                }
            }
        }
    }
    if names.len() > 1 {
        return Out::err(format!("base64: extra operand ‘{}’\n{TRY}", names[1]), 1);
    }
    let mut err = String::new();
    let data: Vec<u8> = inputs(x, "base64", &names, stdin, &mut err)
        .into_iter()
        .flat_map(|d| d.1)
        .collect();
    if !err.is_empty() {
        return Out::err(err, 1);
    }
    if decode {
        let (out, ok) = decode_gnu(&data, garbage);
        return Out {
            stdout: out,
            stderr: if ok {
                vec![]
            } else {
                b"base64: invalid input\n".to_vec()
            },
            status: if ok { 0 } else { 1 },
        };
    }
    // Encode no more than the output may hold (4 characters for every 3 bytes).
    let limit = (room(x) / 4 + 1) * 3;
    let data = &data[..data.len().min(limit)];
    let enc = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = Vec::with_capacity(enc.len() + enc.len() / 64 + 1);
    if wrap == 0 {
        // `-w 0`: one line, without a newline (as GNU).
        out.extend_from_slice(enc.as_bytes());
    } else {
        for chunk in enc.as_bytes().chunks(wrap) {
            out.extend_from_slice(chunk);
            out.push(b'\n');
        }
    }
    Out::ok(out)
}

/// `-w COLS`: 0 means no wrapping; GNU takes a width past `i64::MAX` as 0 too.
fn wrap_size(v: &str) -> Result<usize, String> {
    let t = v.trim_start();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(match t.parse::<u64>() {
            Ok(n) if n <= i64::MAX as u64 => n.min(usize::MAX as u64) as usize,
            _ => 0,
        });
    }
    Err(format!("base64: invalid wrap size: ‘{v}’\n"))
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// gnulib's `base64_decode_ctx`: quanta of four characters (newlines skipped; with `-i`,
/// everything outside the alphabet too). Returns the bytes decoded and whether all was valid.
fn decode_gnu(data: &[u8], garbage: bool) -> (Vec<u8>, bool) {
    let clean: Vec<u8> = data
        .iter()
        .copied()
        .filter(|c| *c != b'\n' && (!garbage || *c == b'=' || sextet(*c).is_some()))
        .collect();
    let mut out = Vec::with_capacity(clean.len() / 4 * 3 + 3);
    for q in clean.chunks(4) {
        if !decode_quantum(q, &mut out) {
            return (out, false);
        }
    }
    (out, true)
}

/// One quantum (the last may be short); writes what decodes before any error.
fn decode_quantum(q: &[u8], out: &mut Vec<u8>) -> bool {
    if q.len() < 2 {
        return false;
    }
    let (Some(a), Some(b)) = (sextet(q[0]), sextet(q[1])) else {
        return false;
    };
    out.push((a << 2) | (b >> 4));
    if q.len() == 2 {
        return false;
    }
    if q[2] == b'=' {
        return q.len() == 4 && q[3] == b'=';
    }
    let Some(c) = sextet(q[2]) else {
        return false;
    };
    out.push((b << 4) | (c >> 2));
    if q.len() == 3 {
        return false;
    }
    if q[3] == b'=' {
        return true;
    }
    let Some(d) = sextet(q[3]) else {
        return false;
    };
    out.push((c << 6) | d);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> (String, bool) {
        let (o, ok) = decode_gnu(s.as_bytes(), false);
        (String::from_utf8_lossy(&o).into_owned(), ok)
    }

    #[test]
    fn decodes_as_gnu() {
        // Outputs and validity checked against GNU coreutils 9.1.
        assert_eq!(dec("cm9vda==\n"), ("roou".into(), true));
        assert_eq!(dec("cm9vdA==\n"), ("root".into(), true));
        assert_eq!(dec("cm9vdB==\n"), ("root".into(), true));
        assert_eq!(dec("YR==\n"), ("a".into(), true));
        assert_eq!(dec("cm9vdA\n"), ("root".into(), false));
        assert_eq!(dec("cm9vdA=\n"), ("root".into(), false));
        assert_eq!(dec("YW==YWJj\n"), ("aabc".into(), true));
        assert_eq!(dec("YWJj====\n"), ("abc".into(), false));
        assert_eq!(dec("YW Jj\n"), ("a".into(), false));
        assert_eq!(dec("YWJ\njZGVm\n"), ("abcdef".into(), true));
        assert_eq!(dec("Y\n"), ("".into(), false));
        let (o, ok) = decode_gnu(b"YW*Jj\n", true);
        assert_eq!((o.as_slice(), ok), (&b"abc"[..], true));
    }
}
