//! `printf` as bash's builtin: `%d %i %u %o %x %X %c %s %b %q %f %F %e %E %g %G %%`, flags
//! `- + space # 0`, widths and precisions (also `*`), the format reused while arguments remain,
//! and bash's messages. A field is never padded past what the input may still print (the shell
//! caps an input's output): a huge width writes up to the cap, and the executor reports the
//! truncation; a width past `INT_MAX` prints nothing, as bash's printf(3) does.

use super::{Out, room};
use crate::shell::escape::unescape;
use crate::shell::exec::Exec;

/// One conversion's flags, width and precision.
#[derive(Debug, Default, Clone, Copy)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: Option<u64>,
    precision: Option<u64>,
}

/// The output being built, with the room the input has left.
struct Sink {
    out: Vec<u8>,
    room: usize,
    status: i32,
    err: String,
}

impl Sink {
    fn full(&self) -> bool {
        self.out.len() > self.room
    }

    /// `n` copies of `c`, no more than fits.
    fn pad(&mut self, c: u8, n: u64) {
        let fits = (self.room + 1).saturating_sub(self.out.len()) as u64;
        let n = n.min(fits) as usize;
        self.out.extend(std::iter::repeat_n(c, n));
    }

    /// A field: `body` padded to the width (zeros go after any sign or `0x`).
    fn field(&mut self, spec: &Spec, prefix: &str, body: &str, zero_ok: bool) {
        let len = (prefix.chars().count() + body.chars().count()) as u64;
        let pad = spec.width.unwrap_or(0).saturating_sub(len);
        if spec.left {
            self.out.extend_from_slice(prefix.as_bytes());
            self.out.extend_from_slice(body.as_bytes());
            self.pad(b' ', pad);
        } else if spec.zero && zero_ok {
            self.out.extend_from_slice(prefix.as_bytes());
            self.pad(b'0', pad);
            self.out.extend_from_slice(body.as_bytes());
        } else {
            self.pad(b' ', pad);
            self.out.extend_from_slice(prefix.as_bytes());
            self.out.extend_from_slice(body.as_bytes());
        }
    }
}

/// The largest width or precision printf(3) accepts.
const INT_MAX: u64 = i32::MAX as u64;

pub(super) fn printf(x: &mut Exec<'_>, args: &[String]) -> Out {
    let (args, options_done) = match args.first().map(String::as_str) {
        Some("--") => (&args[1..], true),
        _ => (args, false),
    };
    let Some(fmt) = args.first() else {
        return Out::err(
            "kubelab: printf: usage: printf [-v var] format [arguments]\n",
            2,
        );
    };
    if fmt == "-v" && !options_done {
        return Out::err("kubelab: printf: -v is not supported\n", 2);
    }
    if fmt.starts_with('-') && fmt.len() > 1 && !options_done {
        return Out::err(
            format!(
                "kubelab: printf: {}: invalid option\nprintf: usage: printf [-v var] format [arguments]\n",
                &fmt[..2]
            ),
            2,
        );
    }
    let fmt: Vec<char> = fmt.chars().collect();
    let rest = &args[1..];
    let mut next = 0usize;
    let mut sink = Sink {
        out: Vec::new(),
        room: room(x),
        status: 0,
        err: String::new(),
    };
    loop {
        let before = next;
        match one_pass(&fmt, rest, &mut next, &mut sink) {
            Pass::Done => {}
            Pass::Stop => break,
        }
        if next >= rest.len() || next == before || sink.full() {
            break;
        }
    }
    Out {
        stdout: sink.out,
        stderr: sink.err.into_bytes(),
        status: sink.status,
    }
}

enum Pass {
    Done,
    /// `\c` in `%b`, or a format error: nothing more is printed.
    Stop,
}

fn one_pass(fmt: &[char], args: &[String], next: &mut usize, sink: &mut Sink) -> Pass {
    let take = |next: &mut usize| -> Option<&String> {
        let a = args.get(*next);
        if a.is_some() {
            *next += 1;
        }
        a
    };
    let mut i = 0;
    while i < fmt.len() {
        if sink.full() {
            return Pass::Stop;
        }
        let c = fmt[i];
        if c == '\\' {
            i += 1;
            let (s, used) = format_escape(&fmt[i..]);
            sink.out.extend_from_slice(s.as_bytes());
            i += used;
            continue;
        }
        if c != '%' {
            let mut b = [0u8; 4];
            sink.out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            i += 1;
            continue;
        }
        i += 1;
        let mut spec = Spec::default();
        while let Some(f) = fmt.get(i) {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            i += 1;
        }
        if fmt.get(i) == Some(&'*') {
            i += 1;
            let w = take(next).map(|a| int_arg(a, sink).0).unwrap_or(0);
            if w < 0 {
                spec.left = true;
            }
            spec.width = Some(w.unsigned_abs());
        } else {
            spec.width = digits(fmt, &mut i);
        }
        if fmt.get(i) == Some(&'.') {
            i += 1;
            if fmt.get(i) == Some(&'*') {
                i += 1;
                let p = take(next).map(|a| int_arg(a, sink).0).unwrap_or(0);
                spec.precision = (p >= 0).then_some(p as u64);
            } else {
                spec.precision = Some(digits(fmt, &mut i).unwrap_or(0));
            }
        }
        while matches!(fmt.get(i), Some('h' | 'l' | 'L' | 'j' | 'z' | 't')) {
            i += 1;
        }
        let Some(&conv) = fmt.get(i) else {
            sink.err
                .push_str("kubelab: printf: `%': missing format character\n");
            sink.status = 1;
            return Pass::Stop;
        };
        i += 1;
        if conv == '%' {
            sink.out.push(b'%');
            continue;
        }
        if conv == 'a' || conv == 'A' {
            sink.err
                .push_str("kubelab: printf: %a (hexadecimal floats) is not supported\n");
            sink.status = 1;
            return Pass::Stop;
        }
        if !"diouxXcsbqfFeEgG".contains(conv) {
            sink.err.push_str(&format!(
                "kubelab: printf: `{conv}': invalid format character\n"
            ));
            sink.status = 1;
            return Pass::Stop;
        }
        let arg = take(next).cloned();
        if spec.width.is_some_and(|w| w > INT_MAX) || spec.precision.is_some_and(|p| p > INT_MAX) {
            // printf(3) fails on such a field (EOVERFLOW): bash prints nothing for it.
            continue;
        }
        if convert(conv, spec, arg.as_deref(), sink) {
            return Pass::Stop;
        }
    }
    Pass::Done
}

fn digits(fmt: &[char], i: &mut usize) -> Option<u64> {
    let start = *i;
    let mut v: u64 = 0;
    while let Some(d) = fmt.get(*i).and_then(|c| c.to_digit(10)) {
        v = v.saturating_mul(10).saturating_add(d as u64);
        *i += 1;
    }
    (*i > start).then_some(v)
}

/// One escape of the format (after its backslash): the text and the characters used.
fn format_escape(s: &[char]) -> (String, usize) {
    let Some(&c) = s.first() else {
        return ("\\".into(), 0);
    };
    let hex = |max: usize| -> (u32, usize) {
        let mut v = 0;
        let mut n = 0;
        while n < max
            && let Some(d) = s.get(1 + n).and_then(|c| c.to_digit(16))
        {
            v = v * 16 + d;
            n += 1;
        }
        (v, n)
    };
    match c {
        '"' | '\'' | '?' => (c.to_string(), 1),
        'c' => ("\\c".into(), 1),
        '0'..='7' => {
            let mut v = 0;
            let mut n = 0;
            while n < 3
                && let Some(d) = s.get(n).and_then(|c| c.to_digit(8))
            {
                v = v * 8 + d;
                n += 1;
            }
            (char::from_u32(v).unwrap_or('\0').to_string(), n)
        }
        'x' | 'u' | 'U' => {
            let (v, n) = hex(match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            });
            if n == 0 {
                (format!("\\{c}"), 1)
            } else {
                (char::from_u32(v).unwrap_or('?').to_string(), 1 + n)
            }
        }
        _ => {
            let (t, _) = unescape(&format!("\\{c}"));
            (t, 1)
        }
    }
}

/// Formats one conversion; true when output must stop (`\c` in `%b`).
fn convert(conv: char, spec: Spec, arg: Option<&str>, sink: &mut Sink) -> bool {
    match conv {
        's' | 'b' | 'q' => {
            let (mut text, stop) = match conv {
                's' => (arg.unwrap_or("").to_string(), false),
                'b' => unescape(arg.unwrap_or("")),
                _ => (shell_quote(arg.unwrap_or("")), false),
            };
            if let Some(p) = spec.precision {
                text = text
                    .chars()
                    .take(p.min(usize::MAX as u64) as usize)
                    .collect();
            }
            sink.field(&spec, "", &text, false);
            stop
        }
        'c' => {
            let text: String = arg.unwrap_or("").chars().take(1).collect();
            sink.field(&spec, "", &text, false);
            false
        }
        'd' | 'i' => {
            let v = arg.map(|a| int_arg(a, sink).0).unwrap_or(0);
            let sign = if v < 0 {
                "-"
            } else if spec.plus {
                "+"
            } else if spec.space {
                " "
            } else {
                ""
            };
            let body = min_digits(v.unsigned_abs().to_string(), spec, sink);
            sink.field(&spec, sign, &body, spec.precision.is_none());
            false
        }
        'o' | 'u' | 'x' | 'X' => {
            let (v, _) = arg.map(|a| int_arg(a, sink)).unwrap_or((0, false));
            let u = v as u64;
            let digits = match conv {
                'o' => format!("{u:o}"),
                'u' => u.to_string(),
                'x' => format!("{u:x}"),
                _ => format!("{u:X}"),
            };
            let mut body = min_digits(digits, spec, sink);
            let mut prefix = "";
            if spec.alt && u != 0 {
                match conv {
                    'x' => prefix = "0x",
                    'X' => prefix = "0X",
                    'o' if !body.starts_with('0') => body.insert(0, '0'),
                    _ => {}
                }
            }
            sink.field(&spec, prefix, &body, spec.precision.is_none());
            false
        }
        _ => {
            let v = arg.map(|a| float_arg(a, sink)).unwrap_or(0.0);
            let sign = if v.is_sign_negative() && !v.is_nan() {
                "-"
            } else if spec.plus {
                "+"
            } else if spec.space {
                " "
            } else {
                ""
            };
            let body = float_body(v.abs(), conv, spec, sink);
            sink.field(&spec, sign, &body, v.is_finite());
            false
        }
    }
}

/// Zero-extends digits to the precision (no more than the room left).
fn min_digits(d: String, spec: Spec, sink: &Sink) -> String {
    match spec.precision {
        Some(0) if d == "0" => String::new(),
        Some(p) => {
            let fits = (sink.room + 1).saturating_sub(sink.out.len()) as u64;
            let p = p.min(fits) as usize;
            if d.len() < p {
                format!("{}{d}", "0".repeat(p - d.len()))
            } else {
                d
            }
        }
        None => d,
    }
}

/// A float's digits (no sign) for `f e g` and their capitals.
fn float_body(v: f64, conv: char, spec: Spec, sink: &Sink) -> String {
    let upper = conv.is_ascii_uppercase();
    if !v.is_finite() {
        let s = if v.is_nan() { "nan" } else { "inf" };
        return if upper { s.to_uppercase() } else { s.into() };
    }
    let fits = (sink.room + 1).saturating_sub(sink.out.len()) as u64;
    let p = spec.precision.unwrap_or(6).min(fits.max(1)) as usize;
    let s = match conv.to_ascii_lowercase() {
        'f' => {
            let s = format!("{v:.p$}");
            if spec.alt && p == 0 { s + "." } else { s }
        }
        'e' => exp_form(v, p, spec.alt),
        _ => {
            let p = p.max(1);
            let e = if v == 0.0 {
                0
            } else {
                let s = format!("{v:.prec$e}", prec = p - 1);
                s.rsplit('e')
                    .next()
                    .and_then(|x| x.parse::<i64>().ok())
                    .unwrap_or(0)
            };
            let s = if e < -4 || e >= p as i64 {
                exp_form(v, p - 1, spec.alt)
            } else {
                let q = (p as i64 - 1 - e).max(0) as usize;
                format!("{v:.q$}")
            };
            if spec.alt { s } else { strip_zeros(&s) }
        }
    };
    if upper { s.to_uppercase() } else { s }
}

/// `1.500000e+00` (C's `%e`).
fn exp_form(v: f64, p: usize, alt: bool) -> String {
    let s = format!("{v:.p$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mant = if alt && p == 0 {
        format!("{mant}.")
    } else {
        mant.to_string()
    };
    format!(
        "{mant}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.unsigned_abs()
    )
}

/// `%g` drops trailing zeros of the fraction.
fn strip_zeros(s: &str) -> String {
    let (mant, exp) = match s.find('e') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    format!("{mant}{exp}")
}

/// An integer argument as bash reads it (`0x1f`, `010`, `'A`); a bad one is reported and what
/// parsed is used. The flag tells whether it was negative.
fn int_arg(a: &str, sink: &mut Sink) -> (i64, bool) {
    let t = a.trim_start();
    if let Some(ch) = t.strip_prefix(['\'', '"']) {
        return (ch.chars().next().map(|c| c as i64).unwrap_or(0), false);
    }
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, h)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    let n = digits.chars().take_while(|c| c.is_digit(radix)).count();
    let mut v: i128 = 0;
    let mut overflow = false;
    for c in digits[..n].chars() {
        v = v * radix as i128 + c.to_digit(radix).unwrap_or(0) as i128;
        if v > i64::MAX as i128 + 1 {
            overflow = true;
            v = i64::MAX as i128 + 1;
        }
    }
    let mut v = if neg { -v } else { v };
    if v > i64::MAX as i128 {
        overflow = true;
        v = i64::MAX as i128;
    }
    if a.is_empty() {
        return (0, false);
    }
    if n == 0 && !(radix == 8 && body == "0") || n < digits.len() {
        sink.err
            .push_str(&format!("kubelab: printf: {a}: invalid number\n"));
        sink.status = 1;
    } else if overflow {
        sink.err.push_str(&format!(
            "kubelab: printf: warning: {a}: Numerical result out of range\n"
        ));
    }
    (v as i64, neg)
}

fn float_arg(a: &str, sink: &mut Sink) -> f64 {
    let t = a.trim();
    if let Some(ch) = t.strip_prefix(['\'', '"']) {
        return ch.chars().next().map(|c| c as u32 as f64).unwrap_or(0.0);
    }
    if t.is_empty() {
        return 0.0;
    }
    match t.parse::<f64>() {
        Ok(v) => v,
        Err(_) => {
            // The longest prefix that parses, as strtod takes it.
            let v = (1..t.len())
                .rev()
                .filter(|k| t.is_char_boundary(*k))
                .find_map(|k| t[..k].parse::<f64>().ok())
                .unwrap_or(0.0);
            sink.err
                .push_str(&format!("kubelab: printf: {a}: invalid number\n"));
            sink.status = 1;
            v
        }
    }
}

/// `%q`: the argument quoted for reuse as shell input.
fn shell_quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    let mut out = String::new();
    for c in s.chars() {
        if !(c.is_alphanumeric() || "_./,:=@%+-".contains(c)) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink() -> Sink {
        Sink {
            out: Vec::new(),
            room: 100,
            status: 0,
            err: String::new(),
        }
    }

    #[test]
    fn fields_never_pass_the_room() {
        let mut s = sink();
        let spec = Spec {
            width: Some(u64::MAX / 2),
            ..Spec::default()
        };
        s.field(&spec, "", "1", true);
        assert_eq!(s.out.len(), 102);
        assert!(s.full());
    }

    #[test]
    fn floats_as_c() {
        let s = sink();
        let g = |v: f64, p: Option<u64>| {
            float_body(
                v,
                'g',
                Spec {
                    precision: p,
                    ..Spec::default()
                },
                &s,
            )
        };
        assert_eq!(g(123456789.0, None), "1.23457e+08");
        assert_eq!(g(0.0001, None), "0.0001");
        assert_eq!(g(1e100, None), "1e+100");
        assert_eq!(exp_form(1234.5, 6, false), "1.234500e+03");
        assert_eq!(exp_form(5.0, 0, false), "5e+00");
    }
}
