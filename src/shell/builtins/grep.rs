//! `grep` with GNU grep's options and messages, on POSIX patterns ([`super::pattern`]).

use super::pattern::{self, Exhausted, Pattern, Syntax};
use super::text::lines;
use super::{Out, inputs, room};
use crate::shell::exec::Exec;

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
    let mut pats = Vec::new();
    for p in patterns_e.iter().chain(pattern.iter()) {
        pats.extend(p.split('\n').map(str::to_string));
    }
    if pats.is_empty() {
        return Out::err(
            format!("{GREP_USAGE}Try 'grep --help' for more information.\n"),
            2,
        );
    }
    let (re, warnings) = match compile(&pats, fixed, ere, word, icase) {
        Ok(r) => r,
        Err(e) => return Out::err(format!("grep: {e}\n"), 2),
    };
    let mut err = String::new();
    let ins = inputs(x, "grep", &files, stdin, &mut err);
    let multi = with_name.unwrap_or(files.len() > 1);
    let mut out = String::new();
    let mut matched = false;
    // GNU grep separates context groups with `--`, across files too.
    let mut earlier_group = false;
    let room = room(x);
    let mut exhausted = false;
    'files: for (name, data) in ins {
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
            if out.len() > room {
                break 'files;
            }
            let text = String::from_utf8_lossy(line);
            let hit = match re.is_match(&text) {
                Ok(m) => m != inv,
                Err(Exhausted) => {
                    err.push_str(&Exhausted::message("grep"));
                    exhausted = true;
                    break 'files;
                }
            };
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
                let found = match re.matches(&text, usize::MAX) {
                    Ok(f) => f,
                    Err(Exhausted) => {
                        err.push_str(&Exhausted::message("grep"));
                        exhausted = true;
                        break 'files;
                    }
                };
                for (s, e) in found.iter().filter_map(|g| g[0]) {
                    if e > s {
                        out.push_str(&format!("{prefix}{}\n", &text[s..e]));
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
    let status = if exhausted {
        2
    } else if matched && (quiet || err.is_empty()) {
        0
    } else if !err.is_empty() {
        2
    } else {
        1
    };
    if no_messages && !exhausted {
        err.clear();
    }
    let warnings: String = warnings
        .iter()
        .map(|w| format!("grep: warning: {w}\n"))
        .collect();
    Out {
        stdout: out.into_bytes(),
        stderr: (warnings + err.as_str()).into_bytes(),
        status,
    }
}

/// One matcher for all the patterns (`-e a -e b` is `a|b`), and GNU's warnings.
fn compile(
    pats: &[String],
    fixed: bool,
    ere: bool,
    word: bool,
    icase: bool,
) -> Result<(Pattern, Vec<String>), String> {
    let syntax = if ere { Syntax::Extended } else { Syntax::Basic };
    let mut alts = Vec::new();
    let mut groups = 0;
    let mut backrefs = false;
    let mut warnings = Vec::new();
    for p in pats {
        let t = if fixed {
            pattern::Translated {
                rust: regex::escape(p),
                groups: 0,
                backrefs: false,
                warnings: vec![],
            }
        } else {
            pattern::translate(p, syntax, groups)?
        };
        groups += t.groups;
        backrefs |= t.backrefs;
        warnings.extend(t.warnings);
        alts.push(if word {
            format!(r"\b(?:{})\b", t.rust)
        } else {
            format!("(?:{})", t.rust)
        });
    }
    let all = pattern::Translated {
        rust: alts.join("|"),
        groups,
        backrefs,
        warnings: vec![],
    };
    Ok((Pattern::build(&all, icase)?, warnings))
}
