//! Text commands: `cat`, `base64`, `grep`, `head`, `tail`, `wc`, `sort`, `uniq`, `cut`, `tr`,
//! `tee`, with GNU coreutils' messages.

use base64::Engine;

use super::{Out, inputs};
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
fn finish(stdout: Vec<u8>, err: String, failed: i32) -> Out {
    Out {
        stdout,
        status: if err.is_empty() { 0 } else { failed },
        stderr: err.into_bytes(),
    }
}

fn lines(data: &[u8]) -> Vec<&[u8]> {
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
    for (_, d) in inputs(x, "cat", &names, stdin, &mut err) {
        out.extend(d);
    }
    if number {
        let mut n = Vec::new();
        for (i, l) in lines(&out).iter().enumerate() {
            n.extend(format!("{:>6}\t", i + 1).as_bytes());
            n.extend(*l);
            n.push(b'\n');
        }
        out = n;
    }
    finish(out, err, 1)
}

pub(super) fn base64(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let mut decode = false;
    let mut wrap = 76usize;
    let mut names = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-d" | "--decode" | "-D" => decode = true,
            "-w" | "--wrap" => {
                i += 1;
                wrap = args.get(i).and_then(|v| v.parse().ok()).unwrap_or(76);
            }
            "-i" | "--ignore-garbage" => {}
            s if s.starts_with("--wrap=") => wrap = s[7..].parse().unwrap_or(76),
            s if s.starts_with("-w") && s.len() > 2 => wrap = s[2..].parse().unwrap_or(76),
            s if s.starts_with('-') && s.len() > 1 => {
                return Out::err(
                    format!(
                        "base64: invalid option -- '{}'\nTry 'base64 --help' for more information.\n",
                        s.trim_start_matches('-')
                    ),
                    1,
                );
            }
            _ => names.push(a.clone()),
        }
        i += 1;
    }
    if names.len() > 1 {
        return Out::err(
            format!(
                "base64: extra operand ‘{}’\nTry 'base64 --help' for more information.\n",
                names[1]
            ),
            1,
        );
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
        let clean: Vec<u8> = data
            .iter()
            .copied()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        return match base64::engine::general_purpose::STANDARD.decode(&clean) {
            Ok(d) => Out::ok(d),
            Err(_) => {
                // GNU prints what decoded before the bad input.
                let good = clean.len() / 4 * 4;
                let mut partial = Vec::new();
                for chunk in clean[..good].chunks(4) {
                    match base64::engine::general_purpose::STANDARD.decode(chunk) {
                        Ok(d) => partial.extend(d),
                        Err(_) => break,
                    }
                }
                Out {
                    stdout: partial,
                    stderr: b"base64: invalid input\n".to_vec(),
                    status: 1,
                }
            }
        };
    }
    let enc = base64::engine::general_purpose::STANDARD.encode(&data);
    let mut out = String::new();
    if wrap == 0 {
        out.push_str(&enc);
    } else {
        for (i, c) in enc.chars().enumerate() {
            if i > 0 && i % wrap == 0 {
                out.push('\n');
            }
            out.push(c);
        }
    }
    if !enc.is_empty() {
        out.push('\n');
    }
    Out::ok(out)
}

pub(crate) fn bre_to_ere(p: &str) -> String {
    let mut out = String::new();
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some(n @ ('(' | ')' | '|' | '{' | '}' | '+' | '?')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push_str("\\\\"),
            },
            '(' | ')' | '|' | '{' | '}' | '+' | '?' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

const GREP_USAGE: &str = "Usage: grep [OPTION]... PATTERNS [FILE]...\n";

/// grep's long options and the short letters they stand for.
const GREP_LONG: &[(&str, char)] = &[
    ("invert-match", 'v'),
    ("ignore-case", 'i'),
    ("count", 'c'),
    ("line-number", 'n'),
    ("only-matching", 'o'),
    ("extended-regexp", 'E'),
    ("fixed-strings", 'F'),
    ("word-regexp", 'w'),
    ("quiet", 'q'),
    ("silent", 'q'),
    ("no-messages", 's'),
    ("files-with-matches", 'l'),
    ("no-filename", 'h'),
    ("with-filename", 'H'),
];

/// Long options grep accepts that change nothing here (no colour on a pipe).
const GREP_IGNORED_LONG: &[&str] = &["color", "colour", "color=never", "color=auto"];

pub(super) fn grep(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let (
        mut inv,
        mut icase,
        mut count,
        mut number,
        mut only,
        mut ere,
        mut fixed,
        mut word,
        mut quiet,
        mut names_only,
    ) = (
        false, false, false, false, false, false, false, false, false, false,
    );
    let (mut after, mut before) = (0usize, 0usize);
    let mut no_messages = false;
    let mut with_name: Option<bool> = None;
    let mut pattern: Option<String> = None;
    let mut patterns_e: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let ctx_flag = ["-A", "-B", "-C"]
            .iter()
            .find(|f| a.starts_with(**f))
            .copied();
        if let Some(flag) = ctx_flag {
            let v = if a.len() > 2 {
                a[2..].to_string()
            } else {
                i += 1;
                args.get(i).cloned().unwrap_or_default()
            };
            let Ok(n) = v.parse::<usize>() else {
                return Out::err(format!("grep: {v}: invalid context length argument\n"), 2);
            };
            match flag {
                "-A" => after = n,
                "-B" => before = n,
                _ => {
                    after = n;
                    before = n;
                }
            }
        } else if a == "-e" {
            i += 1;
            patterns_e.extend(args.get(i).cloned());
        } else if a == "--" {
            files.extend(args[i + 1..].iter().cloned());
            break;
        } else if a.starts_with('-') && a.len() > 1 {
            // Long options map onto their short letters; both go through one switch.
            let letters: Vec<char> = match a.strip_prefix("--") {
                Some(long) => match GREP_LONG.iter().find(|(name, _)| *name == long) {
                    Some((_, c)) => vec![*c],
                    None if GREP_IGNORED_LONG.contains(&long) => vec![],
                    None => {
                        return Out::err(
                            format!(
                                "grep: unrecognized option '{a}'\n{GREP_USAGE}Try 'grep --help' for more information.\n"
                            ),
                            2,
                        );
                    }
                },
                None => a[1..].chars().collect(),
            };
            for c in letters {
                match c {
                    'v' => inv = true,
                    'i' => icase = true,
                    'c' => count = true,
                    'n' => number = true,
                    'o' => only = true,
                    'E' => ere = true,
                    'F' => fixed = true,
                    'w' => word = true,
                    'q' => quiet = true,
                    's' => no_messages = true,
                    'l' => names_only = true,
                    'h' => with_name = Some(false),
                    'H' => with_name = Some(true),
                    other => {
                        return Out::err(
                            format!(
                                "grep: invalid option -- '{other}'\n{GREP_USAGE}Try 'grep --help' for more information.\n"
                            ),
                            2,
                        );
                    }
                }
            }
        } else if pattern.is_none() && patterns_e.is_empty() {
            pattern = Some(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let mut pats = patterns_e;
    if let Some(p) = pattern {
        pats.extend(p.split('\n').map(str::to_string));
    }
    if pats.is_empty() {
        return Out::err(
            format!("{GREP_USAGE}Try 'grep --help' for more information.\n"),
            2,
        );
    }
    let alts: Vec<String> = pats
        .iter()
        .map(|p| {
            if fixed {
                regex::escape(p)
            } else if ere {
                p.clone()
            } else {
                bre_to_ere(p)
            }
        })
        .map(|p| {
            if word {
                format!(r"\b(?:{p})\b")
            } else {
                format!("(?:{p})")
            }
        })
        .collect();
    let re = match regex::RegexBuilder::new(&alts.join("|"))
        .case_insensitive(icase)
        .size_limit(1 << 20)
        .build()
    {
        Ok(r) => r,
        Err(_) => return Out::err("grep: Unmatched ( or \\(\n", 2),
    };
    let mut err = String::new();
    let ins = inputs(x, "grep", &files, stdin, &mut err);
    let multi = with_name.unwrap_or(files.len() > 1);
    let mut out = String::new();
    let mut matched = false;
    // GNU grep separates context groups with `--`, across files too.
    let mut earlier_group = false;
    for (name, data) in ins {
        let label = if name == "-" {
            "(standard input)".to_string()
        } else {
            name.clone()
        };
        let mut n = 0;
        let all_lines = lines(&data);
        // A context line (one not matching) is marked with `-` after the name and number.
        let context_prefix = |ln: usize| {
            let name = if multi {
                format!("{label}-")
            } else {
                String::new()
            };
            let num = if number {
                format!("{}-", ln + 1)
            } else {
                String::new()
            };
            format!("{name}{num}")
        };
        let mut last_printed: Option<usize> = None;
        let mut pending_after = 0usize;
        for (ln, line) in all_lines.iter().enumerate() {
            let text = String::from_utf8_lossy(line);
            let hit = re.is_match(&text) != inv;
            let context = after > 0 || before > 0;
            if !hit {
                if context && pending_after > 0 && !(quiet || count || names_only) {
                    pending_after -= 1;
                    out.push_str(&format!("{}{text}\n", context_prefix(ln)));
                    last_printed = Some(ln);
                }
                continue;
            }
            if context && !(quiet || count || names_only) {
                let start = ln.saturating_sub(before);
                let from = match last_printed {
                    Some(p) if p + 1 >= start => p + 1,
                    _ => {
                        if earlier_group {
                            out.push_str("--\n");
                        }
                        start
                    }
                };
                for (k, l) in all_lines.iter().enumerate().take(ln).skip(from) {
                    out.push_str(&format!(
                        "{}{}\n",
                        context_prefix(k),
                        String::from_utf8_lossy(l)
                    ));
                }
                last_printed = Some(ln);
                earlier_group = true;
                pending_after = after;
            }
            n += 1;
            matched = true;
            if quiet || count || names_only {
                continue;
            }
            let prefix = format!(
                "{}{}",
                if multi {
                    format!("{label}:")
                } else {
                    String::new()
                },
                if number {
                    format!("{}:", ln + 1)
                } else {
                    String::new()
                }
            );
            if only && !inv {
                for m in re.find_iter(&text) {
                    if !m.as_str().is_empty() {
                        out.push_str(&format!("{prefix}{}\n", m.as_str()));
                    }
                }
            } else {
                out.push_str(&format!("{prefix}{text}\n"));
            }
        }
        if count && !quiet {
            out.push_str(&format!(
                "{}{n}\n",
                if multi {
                    format!("{label}:")
                } else {
                    String::new()
                }
            ));
        }
        if names_only && n > 0 && !quiet {
            out.push_str(&format!("{label}\n"));
        }
    }
    // GNU grep: a match under -q wins over read errors; otherwise errors give 2.
    let status = if matched && (quiet || err.is_empty()) {
        0
    } else if !err.is_empty() {
        2
    } else {
        1
    };
    if no_messages {
        err.clear();
    }
    Out {
        stdout: out.into_bytes(),
        stderr: err.into_bytes(),
        status,
    }
}

pub(super) fn head_tail(x: &mut Exec<'_>, cmd: &str, args: &[String], stdin: &[u8]) -> Out {
    let mut n: i64 = 10;
    let mut from_start = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let val = if a == "-n" || a == "--lines" {
            i += 1;
            args.get(i).cloned()
        } else if let Some(v) = a.strip_prefix("--lines=") {
            Some(v.to_string())
        } else if let Some(v) = a.strip_prefix("-n") {
            Some(v.to_string())
        } else if a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| c.is_ascii_digit()) {
            Some(a[1..].to_string())
        } else {
            files.push(a.clone());
            None
        };
        if let Some(v) = val {
            if let Some(p) = v.strip_prefix('+') {
                from_start = true;
                n = p.parse().unwrap_or(1);
            } else {
                match v.parse::<i64>() {
                    Ok(k) => n = k,
                    Err(_) => {
                        return Out::err(format!("{cmd}: invalid number of lines: ‘{v}’\n"), 1);
                    }
                }
            }
        }
        i += 1;
    }
    let mut err = String::new();
    let mut out = Vec::new();
    let ins = if files.is_empty() {
        vec![("-".to_string(), stdin.to_vec())]
    } else {
        let mut v = Vec::new();
        for f in &files {
            match x.state.read_file(f) {
                Ok(b) => v.push((f.clone(), b)),
                Err(e) => err.push_str(&format!("{cmd}: cannot open '{f}' for reading: {e}\n")),
            }
        }
        v
    };
    let multi = ins.len() > 1;
    for (k, (name, data)) in ins.iter().enumerate() {
        if multi {
            if k > 0 {
                out.push(b'\n');
            }
            out.extend(format!("==> {name} <==\n").as_bytes());
        }
        let ls = lines(data);
        let len = ls.len() as i64;
        let (s, e) = match (cmd, from_start) {
            ("head", _) if n < 0 => (0, (len + n).max(0)),
            ("head", _) => (0, n.min(len)),
            (_, true) => ((n - 1).clamp(0, len), len),
            _ => ((len - n).max(0), len),
        };
        for l in &ls[s as usize..e as usize] {
            out.extend(*l);
            out.push(b'\n');
        }
        if !data.ends_with(b"\n") && e == len && len > 0 {
            out.pop();
        }
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
    let mut i = 0;
    while i < ls.len() {
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

fn ranges(spec: &str) -> Option<Vec<(usize, usize)>> {
    let mut out = Vec::new();
    for part in spec.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
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
    let Some(rs) = ranges(&spec) else {
        return Out::err(
            format!("cut: invalid field value ‘{spec}’\nTry 'cut --help' for more information.\n"),
            1,
        );
    };
    let sel = |k: usize| rs.iter().any(|(a, b)| *a <= k && k <= *b);
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

fn tr_set(s: &str) -> Vec<char> {
    let s = s
        .replace("[:lower:]", "a-z")
        .replace("[:upper:]", "A-Z")
        .replace("[:digit:]", "0-9")
        .replace("[:space:]", " \t\n\r")
        .replace("\\n", "\n")
        .replace("\\t", "\t");
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if i + 2 < c.len() && c[i + 1] == '-' && c[i] <= c[i + 2] {
            out.extend(c[i]..=c[i + 2]);
            i += 3;
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

pub(super) fn tr(args: &[String], stdin: &[u8]) -> Out {
    let delete = args.first().is_some_and(|a| a == "-d");
    let sets: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .collect();
    let text = String::from_utf8_lossy(stdin);
    if delete {
        let Some(s) = sets.first() else {
            return Out::err(
                "tr: missing operand\nTry 'tr --help' for more information.\n",
                1,
            );
        };
        let set = tr_set(s);
        return Out::ok(
            text.chars()
                .filter(|c| !set.contains(c))
                .collect::<String>(),
        );
    }
    if sets.len() < 2 {
        return Out::err(
            format!(
                "tr: missing operand after ‘{}’\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n",
                sets.first().map(|s| s.as_str()).unwrap_or("")
            ),
            1,
        );
    }
    let (a, b) = (tr_set(sets[0]), tr_set(sets[1]));
    let out: String = text
        .chars()
        .map(|c| match a.iter().position(|x| *x == c) {
            Some(i) => *b.get(i).or(b.last()).unwrap_or(&c),
            None => c,
        })
        .collect();
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
