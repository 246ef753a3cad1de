//! `head` and `tail`, with GNU coreutils' option forms (`-n -1`, `-n +2`, `-5`, `-c 3K`),
//! number limits and messages. Counts are `u64` as in GNU; every slice is clamped to the data.

use super::text::finish;
use super::{Out, inputs_with};
use crate::shell::exec::Exec;
use crate::shell::vfs::VfsError;

/// What to print of each input.
#[derive(Debug, Clone, Copy)]
struct Count {
    lines: bool,
    n: u64,
    /// `tail -n +N`: from the Nth unit on.
    from_start: bool,
    /// `head -n -N`: all but the last N units.
    elide: bool,
}

/// Why a count did not parse.
enum BadCount {
    Invalid,
    TooLarge,
}

/// GNU's `xstrtoumax` with head/tail's suffixes: leading blanks, an optional `+`, digits, then
/// `b` (512) or `k K m M G T P E Z Y` with an optional `B` (powers of 1000) or `iB`.
fn parse_count(s: &str) -> Result<u64, BadCount> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let t = t.strip_prefix('+').unwrap_or(t);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err(BadCount::Invalid);
    }
    let (num, suffix) = t.split_at(digits);
    let mult: u128 = match suffix {
        "" => 1,
        "b" => 512,
        _ => {
            let mut cs = suffix.chars();
            let unit = cs.next().expect("non-empty");
            let rest: String = cs.collect();
            let power = match unit {
                'k' | 'K' => 1,
                'm' | 'M' => 2,
                'G' => 3,
                'T' => 4,
                'P' => 5,
                'E' => 6,
                'Z' => 7,
                'Y' => 8,
                _ => return Err(BadCount::Invalid),
            };
            let base: u128 = match rest.as_str() {
                "" | "iB" => 1024,
                "B" => 1000,
                _ => return Err(BadCount::Invalid),
            };
            match base.checked_pow(power) {
                Some(m) => m,
                None => return Err(BadCount::TooLarge),
            }
        }
    };
    let value = num
        .parse::<u128>()
        .ok()
        .and_then(|v| v.checked_mul(mult))
        .filter(|v| *v <= u64::MAX as u128);
    value.map(|v| v as u64).ok_or(BadCount::TooLarge)
}

/// Reads `-n`/`-c`'s value as `cmd` does: head's `-N` elides, tail's `+N` counts from the start.
fn count_value(cmd: &str, lines: bool, v: &str) -> Result<Count, String> {
    let mut c = Count {
        lines,
        n: 0,
        from_start: false,
        elide: false,
    };
    let mut s = v;
    if cmd == "head" {
        if let Some(r) = s.strip_prefix('-') {
            c.elide = true;
            s = r;
        }
    } else if s.starts_with('+') {
        c.from_start = true;
    } else if let Some(r) = s.strip_prefix('-') {
        s = r;
    }
    let what = if lines { "lines" } else { "bytes" };
    match parse_count(s) {
        Ok(n) => {
            c.n = n;
            Ok(c)
        }
        Err(BadCount::Invalid) => Err(format!("{cmd}: invalid number of {what}: ‘{s}’\n")),
        Err(BadCount::TooLarge) => Err(format!(
            "{cmd}: invalid number of {what}: ‘{s}’: Value too large for defined data type\n"
        )),
    }
}

/// The obsolete first-operand forms: head's `-N[bkm][cqv]`, tail's `-N`/`+N[bcl][f]` (tail's
/// only as the one option before at most one file). Returns the count, the letters and whether
/// the argument was one.
fn obsolete(cmd: &str, args: &[String]) -> Result<Option<(Count, bool, bool)>, String> {
    let Some(a) = args.first() else {
        return Ok(None);
    };
    let (sign, body) = match a.chars().next() {
        Some(c @ ('-' | '+')) => (c, &a[1..]),
        _ => return Ok(None),
    };
    if cmd == "head" && (sign != '-' || !body.starts_with(|c: char| c.is_ascii_digit())) {
        return Ok(None);
    }
    if cmd == "tail" {
        let one_file = args.len() == 1
            || (args.len() == 2 && !(args[1].starts_with('-') && args[1].len() > 1));
        if !one_file || (sign == '-' && (body.is_empty() || body == "c")) {
            return Ok(None);
        }
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let (num, mut rest) = body.split_at(digits);
    let mut mult = 1u64;
    let mut lines = true;
    let (mut quiet, mut verbose) = (false, false);
    if cmd == "head" {
        match rest.chars().next() {
            Some('b') => mult = 512,
            Some('k') => mult = 1024,
            Some('m') => mult = 1 << 20,
            _ => {}
        }
        if mult > 1 {
            lines = false;
            rest = &rest[1..];
        }
        for c in rest.chars() {
            match c {
                'c' => lines = false,
                'l' => lines = true,
                'q' => quiet = true,
                'v' => verbose = true,
                _ => {
                    return Err(format!(
                        "head: invalid trailing option -- {c}\nTry 'head --help' for more information.\n"
                    ));
                }
            }
        }
    } else {
        match rest.chars().next() {
            Some('b') => {
                mult = 512;
                lines = false;
                rest = &rest[1..];
            }
            Some('c') => {
                lines = false;
                rest = &rest[1..];
            }
            Some('l') => rest = &rest[1..],
            _ => {}
        }
        if rest == "f" {
            return Err("kubelab: tail: following a file (-f) is not supported\n".into());
        }
        if !rest.is_empty() {
            return Ok(None);
        }
    }
    let n = if num.is_empty() {
        10
    } else {
        match parse_count(num) {
            Ok(n) => n.saturating_mul(mult),
            Err(_) => {
                let what = if lines { "lines" } else { "bytes" };
                return Err(format!(
                    "{cmd}: invalid number of {what}: ‘{num}’: Value too large for defined data type\n"
                ));
            }
        }
    };
    let count = Count {
        lines,
        n,
        from_start: sign == '+',
        elide: false,
    };
    Ok(Some((count, quiet, verbose)))
}

pub(super) fn head_tail(x: &mut Exec<'_>, cmd: &str, args: &[String], stdin: &[u8]) -> Out {
    let usage = |m: String| Out::err(format!("{m}Try '{cmd} --help' for more information.\n"), 1);
    let mut count = Count {
        lines: true,
        n: 10,
        from_start: false,
        elide: false,
    };
    let (mut quiet, mut verbose) = (false, false);
    let mut files = Vec::new();
    let mut rest = args;
    let plain_follow = cmd == "tail" && args.first().is_some_and(|a| a == "-f");
    match obsolete(cmd, args) {
        _ if plain_follow && x.host.waits_forever() => {}
        Err(e) => return Out::err(e, 1),
        Ok(Some((c, q, v))) => {
            count = c;
            quiet = q;
            verbose = v;
            rest = &args[1..];
        }
        Ok(None) => {}
    }
    let mut i = 0;
    let mut options_done = false;
    let mut follow = false;
    while i < rest.len() {
        let a = &rest[i];
        i += 1;
        if options_done || a == "-" || !a.starts_with('-') {
            files.push(a.clone());
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
            let value = |i: &mut usize| -> Result<String, Out> {
                if let Some(v) = &inline {
                    return Ok(v.clone());
                }
                match rest.get(*i) {
                    Some(v) => {
                        *i += 1;
                        Ok(v.clone())
                    }
                    None => Err(usage(format!(
                        "{cmd}: option '--{name}' requires an argument\n"
                    ))),
                }
            };
            match name {
                "lines" | "bytes" => {
                    let v = match value(&mut i) {
                        Ok(v) => v,
                        Err(o) => return o,
                    };
                    match count_value(cmd, name == "lines", &v) {
                        Ok(c) => count = c,
                        Err(e) => return Out::err(e, 1),
                    }
                }
                "quiet" | "silent" => {
                    quiet = true;
                    verbose = false;
                }
                "verbose" => {
                    verbose = true;
                    quiet = false;
                }
                "follow"
                | "retry"
                | "pid"
                | "sleep-interval"
                | "zero-terminated"
                | "max-unchanged-stats" => {
                    return Out::err(format!("kubelab: {cmd}: --{name} is not supported\n"), 1);
                }
                _ => return usage(format!("{cmd}: unrecognized option '{a}'\n")),
            }
            continue;
        }
        let letters: Vec<char> = a[1..].chars().collect();
        let mut k = 0;
        while k < letters.len() {
            let c = letters[k];
            k += 1;
            match c {
                'n' | 'c' => {
                    let v = if k < letters.len() {
                        let v: String = letters[k..].iter().collect();
                        k = letters.len();
                        v
                    } else if let Some(v) = rest.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return usage(format!("{cmd}: option requires an argument -- '{c}'\n"));
                    };
                    match count_value(cmd, c == 'n', &v) {
                        Ok(cnt) => count = cnt,
                        Err(e) => return Out::err(e, 1),
                    }
                }
                'q' => {
                    quiet = true;
                    verbose = false;
                }
                'v' => {
                    verbose = true;
                    quiet = false;
                }
                '0'..='9' if cmd == "tail" => {
                    return Out::err(format!("tail: option used in invalid context -- {c}\n"), 1);
                }
                '0'..='9' => {
                    return usage(format!("head: invalid trailing option -- {c}\n"));
                }
                // Following a file that can never grow (`tail -f /dev/null`, a container's
                // way to run for ever) is waiting for ever, where the host can wait.
                'f' if cmd == "tail" && x.host.waits_forever() => follow = true,
                'f' | 'F' | 's' if cmd == "tail" => {
                    return Out::err(
                        "kubelab: tail: following a file (-f) is not supported\n".to_string(),
                        1,
                    );
                }
                'z' => {
                    return Out::err(format!("kubelab: {cmd}: -z is not supported\n"), 1);
                }
                other => return usage(format!("{cmd}: invalid option -- '{other}'\n")),
            }
        }
    }
    if follow {
        if files.is_empty() || files.iter().any(|f| f != "/dev/null") {
            return Out::err(
                "kubelab: tail: following a file (-f) is not supported (only /dev/null)\n"
                    .to_string(),
                1,
            );
        }
        if !x.host.pause(u64::MAX, x.state) {
            x.stop = Some(crate::shell::exec::Stop::Abort);
            return Out::status(130);
        }
        return Out::status(0);
    }
    let mut err = String::new();
    let ins = inputs_with(x, cmd, &files, stdin, &mut err, |f, e| match e {
        VfsError::IsDir => format!("{cmd}: error reading '{f}': Is a directory\n"),
        e => format!("{cmd}: cannot open '{f}' for reading: {e}\n"),
    });
    let headers = verbose || (!quiet && files.len() > 1);
    let mut out = Vec::new();
    for (k, (name, data)) in ins.iter().enumerate() {
        if headers {
            if k > 0 {
                out.push(b'\n');
            }
            let shown = if name == "-" { "standard input" } else { name };
            out.extend(format!("==> {shown} <==\n").as_bytes());
        }
        let (s, e) = if cmd == "head" {
            head_span(data, count)
        } else {
            tail_span(data, count)
        };
        out.extend_from_slice(&data[s..e]);
    }
    finish(out, err, 1)
}

/// The number of units in `data` (a last line without its newline counts).
fn units(data: &[u8], lines: bool) -> u64 {
    if !lines {
        return data.len() as u64;
    }
    let nl = data.iter().filter(|b| **b == b'\n').count() as u64;
    nl + u64::from(!data.is_empty() && !data.ends_with(b"\n"))
}

/// Where the unit `k` (0-based) starts; the end of the data past the last one.
fn unit_start(data: &[u8], lines: bool, k: u64) -> usize {
    if !lines {
        return k.min(data.len() as u64) as usize;
    }
    if k == 0 {
        return 0;
    }
    let mut seen = 0u64;
    for (i, b) in data.iter().enumerate() {
        if *b == b'\n' {
            seen += 1;
            if seen == k {
                return i + 1;
            }
        }
    }
    data.len()
}

fn head_span(data: &[u8], c: Count) -> (usize, usize) {
    let total = units(data, c.lines);
    let keep = if c.elide {
        total.saturating_sub(c.n)
    } else {
        c.n
    };
    (0, unit_start(data, c.lines, keep))
}

fn tail_span(data: &[u8], c: Count) -> (usize, usize) {
    let total = units(data, c.lines);
    let first = if c.from_start {
        c.n.saturating_sub(1)
    } else {
        total.saturating_sub(c.n)
    };
    (unit_start(data, c.lines, first), data.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(n: u64, lines: bool, from_start: bool, elide: bool) -> Count {
        Count {
            lines,
            n,
            from_start,
            elide,
        }
    }

    #[test]
    fn spans_never_leave_the_data() {
        let d = b"a\nb\nc";
        assert_eq!(tail_span(d, count(1, true, false, false)), (4, 5));
        assert_eq!(tail_span(d, count(u64::MAX, true, false, false)), (0, 5));
        assert_eq!(tail_span(d, count(u64::MAX, true, true, false)), (5, 5));
        assert_eq!(tail_span(d, count(0, true, true, false)), (0, 5));
        assert_eq!(head_span(d, count(u64::MAX, true, false, true)), (0, 0));
        assert_eq!(head_span(d, count(1, true, false, true)), (0, 4));
        assert_eq!(head_span(d, count(u64::MAX, false, false, false)), (0, 5));
        assert_eq!(head_span(b"", count(3, true, false, true)), (0, 0));
    }

    #[test]
    fn counts_parse_as_gnu() {
        assert!(matches!(parse_count("18446744073709551615"), Ok(u64::MAX)));
        assert!(matches!(
            parse_count("18446744073709551616"),
            Err(BadCount::TooLarge)
        ));
        assert!(matches!(parse_count(" +1k"), Ok(1024)));
        assert!(matches!(parse_count("1kB"), Ok(1000)));
        assert!(matches!(parse_count("1E"), Ok(1_152_921_504_606_846_976)));
        assert!(matches!(parse_count("16E"), Err(BadCount::TooLarge)));
        assert!(matches!(parse_count("1x"), Err(BadCount::Invalid)));
        assert!(matches!(parse_count(""), Err(BadCount::Invalid)));
    }
}
