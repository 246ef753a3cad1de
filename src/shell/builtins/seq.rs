//! `seq [-w] [-s SEP] [FIRST [STEP]] LAST`, as GNU coreutils 9.1: whole numbers of any size
//! count exactly (never wrapping at 64 bits), others as floating point with GNU's precision
//! rule (the most fraction digits of FIRST and STEP). Output stops where the input's output
//! cap would cut it, so `seq 1 inf` ends.

use num_bigint::BigInt;

use super::{Out, room};
use crate::shell::exec::Exec;

const TRY: &str = "Try 'seq --help' for more information.\n";

/// An operand as written and as read.
struct Operand<'a> {
    text: &'a str,
    value: f64,
    /// Exact value when the operand is a whole number written in decimal.
    int: Option<BigInt>,
    /// Digits after the point (net of the exponent); None for hex, inf, nan.
    precision: Option<usize>,
}

fn operand(text: &str) -> Result<Operand<'_>, String> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    let invalid = || format!("seq: invalid floating point argument: ‘{text}’\n{TRY}");
    let lower = unsigned.to_ascii_lowercase();
    if lower == "nan" {
        return Err(format!(
            "seq: invalid ‘not-a-number’ argument: ‘{text}’\n{TRY}"
        ));
    }
    let negative = t.starts_with('-');
    if lower == "inf" || lower == "infinity" {
        let value = if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return Ok(Operand {
            text,
            value,
            int: None,
            precision: None,
        });
    }
    if let Some(hex) = lower.strip_prefix("0x") {
        let v = u128::from_str_radix(hex, 16).map_err(|_| invalid())?;
        let value = if negative { -(v as f64) } else { v as f64 };
        return Ok(Operand {
            text,
            value,
            int: None,
            precision: None,
        });
    }
    let ok_chars = unsigned
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    let value: f64 = if ok_chars {
        unsigned.parse().map_err(|_| invalid())?
    } else {
        return Err(invalid());
    };
    let value = if negative { -value } else { value };
    let int = if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        let mut v: BigInt = unsigned.parse().map_err(|_| invalid())?;
        if negative {
            v = -v;
        }
        Some(v)
    } else {
        None
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (
            &unsigned[..i],
            unsigned[i + 1..].parse::<i64>().unwrap_or(0),
        ),
        None => (unsigned, 0),
    };
    let fraction = mantissa.split_once('.').map(|(_, f)| f.len()).unwrap_or(0) as i64;
    let precision = (fraction - exponent).max(0) as usize;
    Ok(Operand {
        text,
        value,
        int,
        precision: Some(precision),
    })
}

pub(super) fn seq(x: &mut Exec<'_>, args: &[String]) -> Out {
    let mut sep = "\n".to_string();
    let mut equal_width = false;
    let mut nums: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        // A negative number is an operand, not an option.
        let is_option = a.starts_with('-')
            && a.len() > 1
            && !a[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && nums.is_empty();
        if a == "--" {
            nums.extend(args[i..].iter().map(String::as_str));
            break;
        }
        if !is_option {
            nums.push(a);
            continue;
        }
        if let Some(v) = a.strip_prefix("--separator=") {
            sep = v.to_string();
            continue;
        }
        match a.as_str() {
            "--equal-width" => {
                equal_width = true;
                continue;
            }
            "--separator" => match args.get(i) {
                Some(v) => {
                    sep = v.clone();
                    i += 1;
                    continue;
                }
                None => {
                    return Out::err(
                        format!("seq: option '--separator' requires an argument\n{TRY}"),
                        1,
                    );
                }
            },
            s if s.starts_with("--format") => {
                return Out::err("kubelab: seq: -f (a format) is not supported\n", 1);
            }
            s if s.starts_with("--") => {
                return Out::err(format!("seq: unrecognized option '{s}'\n{TRY}"), 1);
            }
            _ => {}
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < letters.len() {
            let c = letters[k];
            k += 1;
            match c {
                'w' => equal_width = true,
                's' => {
                    sep = if k < letters.len() {
                        let v: String = letters[k..].iter().collect();
                        k = letters.len();
                        v
                    } else if let Some(v) = args.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return Out::err(
                            format!("seq: option requires an argument -- 's'\n{TRY}"),
                            1,
                        );
                    };
                }
                'f' => return Out::err("kubelab: seq: -f (a format) is not supported\n", 1),
                other => return Out::err(format!("seq: invalid option -- '{other}'\n{TRY}"), 1),
            }
        }
    }
    if nums.is_empty() {
        return Out::err(format!("seq: missing operand\n{TRY}"), 1);
    }
    if nums.len() > 3 {
        return Out::err(format!("seq: extra operand ‘{}’\n{TRY}", nums[3]), 1);
    }
    let mut ops = Vec::new();
    for n in &nums {
        match operand(n) {
            Ok(o) => ops.push(o),
            Err(e) => return Out::err(e, 1),
        }
    }
    let one = || Operand {
        text: "1",
        value: 1.0,
        int: Some(BigInt::from(1)),
        precision: Some(0),
    };
    let (first, step, last) = match ops.len() {
        1 => (one(), one(), ops.pop().expect("one")),
        2 => {
            let last = ops.pop().expect("two");
            (ops.pop().expect("two"), one(), last)
        }
        _ => {
            let last = ops.pop().expect("three");
            let step = ops.pop().expect("three");
            (ops.pop().expect("three"), step, last)
        }
    };
    if step.value == 0.0 {
        return Out::err(
            format!("seq: invalid Zero increment value: ‘{}’\n{TRY}", step.text),
            1,
        );
    }
    let room = room(x);
    let out = match (&first.int, &step.int) {
        (Some(f), Some(s)) if last.int.is_some() || last.value.is_infinite() => {
            integers(f, s, &last, &sep, equal_width, room)
        }
        _ => floats(&first, &step, &last, &sep, equal_width, room),
    };
    Out::ok(out)
}

/// Zero-pads `s` (after its sign) to `width`.
fn pad(s: String, width: usize) -> String {
    if s.len() >= width {
        return s;
    }
    match s.strip_prefix('-') {
        Some(d) => format!("-{}{d}", "0".repeat(width - s.len())),
        None => format!("{}{s}", "0".repeat(width - s.len())),
    }
}

fn integers(
    first: &BigInt,
    step: &BigInt,
    last: &Operand<'_>,
    sep: &str,
    equal_width: bool,
    room: usize,
) -> String {
    let up = step.sign() == num_bigint::Sign::Plus;
    let width = match (&last.int, equal_width) {
        (Some(l), true) => first.to_string().len().max(l.to_string().len()),
        _ => 0,
    };
    let beyond = |v: &BigInt| match &last.int {
        Some(l) => {
            if up {
                v > l
            } else {
                v < l
            }
        }
        // `inf` or `-inf`: the end is never reached when counting towards it.
        None => (last.value > 0.0) != up,
    };
    let mut out = String::new();
    let mut v = first.clone();
    while !beyond(&v) && out.len() <= room {
        if !out.is_empty() {
            out.push_str(sep);
        }
        out.push_str(&pad(v.to_string(), width));
        v += step;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn floats(
    first: &Operand<'_>,
    step: &Operand<'_>,
    last: &Operand<'_>,
    sep: &str,
    equal_width: bool,
    room: usize,
) -> String {
    let precision = match (first.precision, step.precision, last.precision) {
        (Some(a), Some(b), Some(_)) => Some(a.max(b)),
        _ => None,
    };
    let fmt = |v: f64| match precision {
        Some(p) => format!("{v:.p$}"),
        None => general(v),
    };
    let width = if equal_width {
        fmt(first.value).len().max(fmt(last.value).len())
    } else {
        0
    };
    let (a, s, l) = (first.value, step.value, last.value);
    let mut out = String::new();
    let mut i: u64 = 0;
    loop {
        let v = a + (i as f64) * s;
        if (s > 0.0 && v > l) || (s < 0.0 && v < l) || out.len() > room {
            break;
        }
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&pad(fmt(v), width));
        i += 1;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// C's `%g`: six significant digits, exponent form outside 1e-4..1e6.
fn general(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v < 0.0 {
            "-inf".into()
        } else {
            "inf".into()
        };
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let e = format!("{v:.5e}");
    let exp: i64 = e
        .rsplit('e')
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let (m, _) = e.split_once('e').unwrap_or((&e, ""));
        let m = if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.')
        } else {
            m
        };
        format!(
            "{m}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        )
    } else {
        let q = (5 - exp).max(0) as usize;
        let f = format!("{v:.q$}");
        if f.contains('.') {
            f.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            f
        }
    }
}
