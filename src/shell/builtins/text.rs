//! Text commands: `cat`, `wc`, `sort`, `uniq`, `cut`, `tr`, `tee`, with GNU coreutils'
//! messages. (`grep`, `head`/`tail` and `base64` have their own files.)

use std::collections::HashMap;

use super::{Out, inputs, room};
use crate::shell::exec::Exec;

/// Short option letters run together (`-rn` and `-r -n` alike) and the operands.
fn short_flags(args: &[String]) -> (String, Vec<String>) {
    let is_flag = |a: &String| a.starts_with('-') && a.len() > 1;
    (
        args.iter()
            .filter(|a| is_flag(a))
            .map(|a| a.trim_start_matches('-'))
            .collect(),
        args.iter().filter(|a| !is_flag(a)).cloned().collect(),
    )
}

/// A builtin's result with status 0, or `failed` when it wrote errors.
pub(super) fn finish(stdout: Vec<u8>, err: String, failed: i32) -> Out {
    Out {
        stdout,
        status: if err.is_empty() { 0 } else { failed },
        stderr: err.into_bytes(),
    }
}

pub(super) fn lines(data: &[u8]) -> Vec<&[u8]> {
    if data.is_empty() {
        return vec![];
    }
    let d = data.strip_suffix(b"\n").unwrap_or(data);
    d.split(|b| *b == b'\n').collect()
}

pub(super) fn cat(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let number = args.iter().any(|a| a == "-n");
    let names: Vec<String> = args.iter().filter(|a| *a != "-n").cloned().collect();
    let mut err = String::new();
    let mut out = Vec::new();
    let room = room(x);
    let busybox = x.state.profile.userland == crate::shell::Userland::Busybox;
    let ins = super::inputs_with(x, "cat", &names, stdin, &mut err, |n, e| {
        if busybox {
            format!("cat: can't open '{n}': {e}\n")
        } else {
            format!("cat: {n}: {e}\n")
        }
    });
    for (_, d) in ins {
        if out.len() > room {
            break;
        }
        out.extend(d);
    }
    if number {
        let mut n = Vec::new();
        for (i, l) in lines(&out).iter().enumerate() {
            if n.len() > room {
                break;
            }
            n.extend(format!("{:>6}\t", i + 1).as_bytes());
            n.extend(*l);
            n.push(b'\n');
        }
        out = n;
    }
    finish(out, err, 1)
}

pub(super) fn wc(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let (flags, names) = short_flags(args);
    let (l, w, c) = if flags.is_empty() {
        (true, true, true)
    } else {
        (
            flags.contains('l'),
            flags.contains('w'),
            flags.contains('c') || flags.contains('m'),
        )
    };
    let mut err = String::new();
    let ins = inputs(x, "wc", &names, stdin, &mut err);
    let counts: Vec<(String, [usize; 3])> = ins
        .iter()
        .map(|(n, d)| {
            (
                n.clone(),
                [
                    d.iter().filter(|b| **b == b'\n').count(),
                    String::from_utf8_lossy(d).split_whitespace().count(),
                    d.len(),
                ],
            )
        })
        .collect();
    let mut all = counts.clone();
    if counts.len() > 1 {
        let mut t = [0; 3];
        for (_, c) in &counts {
            (0..3).for_each(|i| t[i] += c[i]);
        }
        all.push(("total".into(), t));
    }
    let sel: Vec<usize> = [(l, 0), (w, 1), (c, 2)]
        .iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect();
    let single = sel.len() == 1 && names.len() <= 1;
    let width = if single {
        1
    } else if names.is_empty() {
        7
    } else {
        all.iter()
            .flat_map(|(_, c)| c.iter())
            .max()
            .copied()
            .unwrap_or(0)
            .to_string()
            .len()
    };
    let mut out = String::new();
    for (n, cs) in all {
        let cols: Vec<String> = sel.iter().map(|i| format!("{:>width$}", cs[*i])).collect();
        out.push_str(&cols.join(" "));
        if n != "-" {
            out.push(' ');
            out.push_str(&n);
        }
        out.push('\n');
    }
    finish(out.into_bytes(), err, 1)
}

pub(super) fn sort(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let (flags, names) = short_flags(args);
    let mut err = String::new();
    let data: Vec<u8> = inputs(x, "sort", &names, stdin, &mut err)
        .into_iter()
        .flat_map(|d| d.1)
        .collect();
    let mut ls: Vec<String> = lines(&data)
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    if flags.contains('n') {
        let num = |s: &str| {
            s.trim()
                .split(|c: char| !c.is_ascii_digit() && c != '-' && c != '.')
                .next()
                .and_then(|n| n.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        ls.sort_by(|a, b| {
            num(a)
                .partial_cmp(&num(b))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.cmp(b))
        });
    } else {
        ls.sort();
    }
    if flags.contains('r') {
        ls.reverse();
    }
    if flags.contains('u') {
        ls.dedup();
    }
    let out: String = ls.iter().map(|l| format!("{l}\n")).collect();
    finish(out.into_bytes(), err, 2)
}

pub(super) fn uniq(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let count = args.iter().any(|a| a == "-c");
    let names: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let mut err = String::new();
    let data: Vec<u8> = inputs(x, "uniq", &names, stdin, &mut err)
        .into_iter()
        .flat_map(|d| d.1)
        .collect();
    let mut out = String::new();
    let ls = lines(&data);
    let room = room(x);
    let mut i = 0;
    while i < ls.len() && out.len() <= room {
        let mut j = i;
        while j < ls.len() && ls[j] == ls[i] {
            j += 1;
        }
        let t = String::from_utf8_lossy(ls[i]);
        if count {
            out.push_str(&format!("{:>7} {t}\n", j - i));
        } else {
            out.push_str(&format!("{t}\n"));
        }
        i = j;
    }
    finish(out.into_bytes(), err, 1)
}

/// A `-f`/`-c` list as GNU's `set_fields` reads it: `N`, `N-`, `-M`, `N-M`, separated by commas
/// or blanks. The error is GNU's message.
fn ranges(spec: &str, fields: bool) -> Result<Vec<(u64, u64)>, String> {
    let (from_1, invalid, too_large) = if fields {
        (
            "fields are numbered from 1",
            "invalid field value",
            "field number",
        )
    } else {
        (
            "byte/character positions are numbered from 1",
            "invalid byte/character position",
            "byte/character offset",
        )
    };
    let num = |s: &str, at: usize| -> Result<u64, String> {
        if let Some(bad) = s.find(|c: char| !c.is_ascii_digit()) {
            return Err(format!("{invalid} ‘{}’", &spec[at + bad..]));
        }
        match s.parse::<u64>() {
            Ok(n) if n < u64::MAX => Ok(n),
            _ => Err(format!("{too_large} ‘{s}’ is too large")),
        }
    };
    let mut out = Vec::new();
    let mut at = 0;
    for part in spec.split([',', ' ', '\t']) {
        let start = at;
        at += part.len() + 1;
        if part == "-" {
            return Err("invalid range with no endpoint: -".into());
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { num(a, start)? },
                if b.is_empty() {
                    u64::MAX
                } else {
                    num(b, start + a.len() + 1)?
                },
            ),
            None if part.is_empty() => return Err(from_1.into()),
            None => {
                let n = num(part, start)?;
                (n, n)
            }
        };
        if a == 0 {
            return Err(from_1.into());
        }
        if b < a {
            return Err("invalid decreasing range".into());
        }
        out.push((a, b));
    }
    Ok(out)
}

pub(super) fn cut(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let mut delim = '\t';
    let mut fields: Option<String> = None;
    let mut chars: Option<String> = None;
    let mut names = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let mut take = |flag: &str| -> Option<String> {
            if a == flag {
                i += 1;
                args.get(i).cloned()
            } else {
                a.strip_prefix(flag).map(str::to_string)
            }
        };
        if let Some(d) = take("-d") {
            delim = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = take("-f") {
            fields = Some(f);
        } else if let Some(c) = take("-c") {
            chars = Some(c);
        } else {
            names.push(a.clone());
        }
        i += 1;
    }
    let spec = fields.clone().or(chars.clone());
    let Some(spec) = spec else {
        return Out::err(
            "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
            1,
        );
    };
    let rs = match ranges(&spec, fields.is_some()) {
        Ok(r) => r,
        Err(e) => {
            return Out::err(
                format!("cut: {e}\nTry 'cut --help' for more information.\n"),
                1,
            );
        }
    };
    let sel = |k: usize| rs.iter().any(|(a, b)| *a <= k as u64 && k as u64 <= *b);
    let mut err = String::new();
    let data: Vec<u8> = inputs(x, "cut", &names, stdin, &mut err)
        .into_iter()
        .flat_map(|d| d.1)
        .collect();
    let mut out = String::new();
    for l in lines(&data) {
        let t = String::from_utf8_lossy(l);
        if fields.is_some() {
            if !t.contains(delim) {
                out.push_str(&t);
            } else {
                let parts: Vec<&str> = t
                    .split(delim)
                    .enumerate()
                    .filter(|(k, _)| sel(k + 1))
                    .map(|(_, p)| p)
                    .collect();
                out.push_str(&parts.join(&delim.to_string()));
            }
        } else {
            out.extend(
                t.chars()
                    .enumerate()
                    .filter(|(k, _)| sel(k + 1))
                    .map(|(_, c)| c),
            );
        }
        out.push('\n');
    }
    finish(out.into_bytes(), err, 1)
}

/// A `tr` set: `a-z` ranges, `[:lower:]` `[:upper:]` `[:digit:]` `[:space:]`, `\n`, `\t`.
fn tr_set(s: &str) -> Result<Vec<char>, String> {
    let s = s
        .replace("[:lower:]", "a-z")
        .replace("[:upper:]", "A-Z")
        .replace("[:digit:]", "0-9")
        .replace("[:space:]", " \t\n\r\x0b\x0c")
        .replace("\\n", "\n")
        .replace("\\t", "\t");
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if i + 2 < c.len() && c[i + 1] == '-' {
            if c[i] > c[i + 2] {
                return Err(format!(
                    "tr: range-endpoints of '{}-{}' are in reverse collating sequence order\n",
                    c[i],
                    c[i + 2]
                ));
            }
            out.extend(c[i]..=c[i + 2]);
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    Ok(out)
}

pub(super) fn tr(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    const TRY: &str = "Try 'tr --help' for more information.\n";
    let (mut delete, mut squeeze, mut truncate) = (false, false, false);
    let mut sets: Vec<&String> = Vec::new();
    for a in args {
        if sets.is_empty() && a.starts_with('-') && a.len() > 1 {
            for c in a[1..].chars() {
                match c {
                    'd' => delete = true,
                    's' => squeeze = true,
                    't' => truncate = true,
                    'c' | 'C' => {
                        return Out::err("kubelab: tr: -c (complement) is not supported\n", 1);
                    }
                    other => {
                        return Out::err(format!("tr: invalid option -- '{other}'\n{TRY}"), 1);
                    }
                }
            }
        } else {
            sets.push(a);
        }
    }
    let parsed: Result<Vec<Vec<char>>, String> = sets.iter().map(|s| tr_set(s)).collect();
    let parsed = match parsed {
        Ok(p) => p,
        Err(e) => return Out::err(e, 1),
    };
    let wanted = if delete == squeeze { 2 } else { 1 };
    let most = if delete && !squeeze { 1 } else { 2 };
    if parsed.is_empty() {
        return Out::err(format!("tr: missing operand\n{TRY}"), 1);
    }
    if parsed.len() < wanted {
        let why = if squeeze {
            "Two strings must be given when both deleting and squeezing repeats.\n"
        } else {
            "Two strings must be given when translating.\n"
        };
        return Out::err(
            format!("tr: missing operand after ‘{}’\n{why}{TRY}", sets[0]),
            1,
        );
    }
    if parsed.len() > most {
        let why = if delete {
            "Only one string may be given when deleting without squeezing repeats.\n"
        } else {
            ""
        };
        return Out::err(format!("tr: extra operand ‘{}’\n{why}{TRY}", sets[most]), 1);
    }
    let text = String::from_utf8_lossy(stdin);
    let room = room(x);
    let mut map: HashMap<char, Option<char>> = HashMap::new();
    if delete {
        map.extend(parsed[0].iter().map(|c| (*c, None)));
    } else if let Some(to) = parsed.get(1) {
        let from = if truncate {
            &parsed[0][..parsed[0].len().min(to.len())]
        } else {
            &parsed[0][..]
        };
        for (i, c) in from.iter().enumerate() {
            if let Some(t) = to.get(i).or(to.last()) {
                map.insert(*c, Some(*t));
            }
        }
    }
    let squeezed: std::collections::HashSet<char> = if squeeze {
        parsed.last().into_iter().flatten().copied().collect()
    } else {
        Default::default()
    };
    let mut out = String::with_capacity(text.len().min(room + 4));
    let mut last: Option<char> = None;
    for c in text.chars() {
        let c = match map.get(&c) {
            Some(None) => continue,
            Some(Some(t)) => *t,
            None => c,
        };
        if last == Some(c) && squeezed.contains(&c) {
            continue;
        }
        last = Some(c);
        out.push(c);
    }
    Out::ok(out)
}

pub(super) fn tee(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let append = args.iter().any(|a| a == "-a");
    let mut err = String::new();
    for n in args.iter().filter(|a| !a.starts_with('-')) {
        let p = x.state.resolve(n);
        if let Err(e) = x.state.vfs.write(&p, stdin, append) {
            err.push_str(&format!("tee: {n}: {e}\n"));
        }
    }
    Out {
        stdout: stdin.to_vec(),
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}
