//! A small `sed`: `s/RE/REPLACEMENT/[gip N]`, `d`, `p`, with line-number, `$` and `/RE/`
//! addresses; options `-i`, `-n`, `-e`, `-E`/`-r`. Enough for `sed -i 's/a/b/' file` and for
//! `KUBE_EDITOR="sed -i ..." kubectl edit`.

use regex::Regex;

use super::Out;
use super::text::bre_to_ere;
use crate::shell::exec::Exec;

enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

enum Cmd {
    Subst {
        re: Regex,
        rep: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Delete,
    Print,
}

struct Script(Vec<(Option<Addr>, Cmd)>);

fn compile(re: &str, ere: bool, icase: bool) -> Result<Regex, String> {
    let pat = if ere { re.to_string() } else { bre_to_ere(re) };
    regex::RegexBuilder::new(&pat)
        .case_insensitive(icase)
        .size_limit(1 << 20)
        .build()
        .map_err(|_| {
            format!(
                "sed: -e expression #1, char {}: Invalid regular expression",
                re.len()
            )
        })
}

/// Splits `s/a/b/g` style text at unescaped `delim`s.
fn split_delim(s: &str, delim: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                if n != delim {
                    parts.last_mut().expect("part").push('\\');
                }
                parts.last_mut().expect("part").push(n);
            }
        } else if c == delim {
            parts.push(String::new());
        } else {
            parts.last_mut().expect("part").push(c);
        }
    }
    parts
}

fn parse_script(text: &str, ere: bool) -> Result<Script, String> {
    let mut cmds = Vec::new();
    for raw in text
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let mut rest = raw;
        let addr = if let Some(r) = rest.strip_prefix('/') {
            let end = r.find('/').ok_or_else(|| {
                format!(
                    "sed: -e expression #1, char {}: unterminated address regex",
                    raw.len()
                )
            })?;
            let a = Addr::Re(compile(&r[..end], ere, false)?);
            rest = &r[end + 1..];
            Some(a)
        } else if let Some(r) = rest.strip_prefix('$') {
            rest = r;
            Some(Addr::Last)
        } else {
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                None
            } else {
                rest = &rest[digits.len()..];
                Some(Addr::Line(digits.parse().unwrap_or(0)))
            }
        };
        let rest = rest.trim_start();
        let cmd = match rest.chars().next() {
            Some('s') => {
                let delim = rest[1..]
                    .chars()
                    .next()
                    .ok_or("sed: -e expression #1, char 1: unterminated `s' command")?;
                let parts = split_delim(&rest[1 + delim.len_utf8()..], delim);
                if parts.len() < 3 {
                    return Err(format!(
                        "sed: -e expression #1, char {}: unterminated `s' command",
                        raw.len()
                    ));
                }
                let flags = &parts[2];
                let icase = flags.contains(['i', 'I']);
                let nth: usize = flags
                    .chars()
                    .filter(|c| c.is_ascii_digit())
                    .collect::<String>()
                    .parse()
                    .unwrap_or(1);
                let rep = parts[1].replace("\\n", "\n");
                Cmd::Subst {
                    re: compile(&parts[0], ere, icase)?,
                    rep,
                    global: flags.contains('g'),
                    nth,
                    print: flags.contains('p'),
                }
            }
            Some('d') => Cmd::Delete,
            Some('p') => Cmd::Print,
            Some(c) => {
                return Err(format!(
                    "sed: -e expression #1, char 1: unknown command: `{c}'"
                ));
            }
            None => return Err("sed: -e expression #1, char 1: missing command".into()),
        };
        cmds.push((addr, cmd));
    }
    Ok(Script(cmds))
}

fn expand_rep(rep: &str, caps: &regex::Captures<'_>) -> String {
    let mut out = String::new();
    let mut it = rep.chars();
    while let Some(c) = it.next() {
        match c {
            '&' => out.push_str(caps.get(0).map(|m| m.as_str()).unwrap_or("")),
            '\\' => match it.next() {
                Some(d @ '0'..='9') => out.push_str(
                    caps.get(d as usize - '0' as usize)
                        .map(|m| m.as_str())
                        .unwrap_or(""),
                ),
                Some('&') => out.push('&'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

fn apply(script: &Script, input: &str, quiet: bool) -> String {
    let lines: Vec<&str> = if input.is_empty() {
        vec![]
    } else {
        input
            .strip_suffix('\n')
            .unwrap_or(input)
            .split('\n')
            .collect()
    };
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let mut line = l.to_string();
        let mut deleted = false;
        for (addr, cmd) in &script.0 {
            let hit = match addr {
                None => true,
                Some(Addr::Line(n)) => *n == i + 1,
                Some(Addr::Last) => i + 1 == lines.len(),
                Some(Addr::Re(r)) => r.is_match(&line),
            };
            if !hit {
                continue;
            }
            match cmd {
                Cmd::Delete => {
                    deleted = true;
                    break;
                }
                Cmd::Print => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Cmd::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                } => {
                    let mut count = 0;
                    let mut changed = false;
                    let mut result = String::new();
                    let mut last = 0;
                    for caps in re.captures_iter(&line) {
                        let m = caps.get(0).expect("match");
                        count += 1;
                        if count < *nth {
                            continue;
                        }
                        result.push_str(&line[last..m.start()]);
                        result.push_str(&expand_rep(rep, &caps));
                        last = m.end();
                        changed = true;
                        if !global {
                            break;
                        }
                    }
                    if changed {
                        result.push_str(&line[last..]);
                        line = result;
                        if *print {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&line);
            out.push('\n');
        }
    }
    if !input.ends_with('\n') && out.ends_with('\n') && !input.is_empty() {
        out.pop();
    }
    out
}

struct Options {
    in_place: bool,
    quiet: bool,
    script: String,
    files: Vec<String>,
    ere: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        in_place: false,
        quiet: false,
        script: String::new(),
        files: vec![],
        ere: false,
    };
    let mut scripts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-i" | "--in-place" => o.in_place = true,
            "-n" | "--quiet" | "--silent" => o.quiet = true,
            "-E" | "-r" | "--regexp-extended" => o.ere = true,
            "-e" => {
                i += 1;
                scripts.push(
                    args.get(i)
                        .cloned()
                        .ok_or("sed: option requires an argument -- 'e'")?,
                );
            }
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "inEr".contains(c)) =>
            {
                o.in_place |= s.contains('i');
                o.quiet |= s.contains('n');
                o.ere |= s.contains('E') || s.contains('r');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(format!("sed: invalid option -- '{}'", &s[1..2]));
            }
            _ => {
                if scripts.is_empty() && o.script.is_empty() {
                    o.script = a.clone();
                } else {
                    o.files.push(a.clone());
                }
            }
        }
        i += 1;
    }
    if !scripts.is_empty() {
        if !o.script.is_empty() {
            o.files.insert(0, std::mem::take(&mut o.script));
        }
        o.script = scripts.join("\n");
    }
    Ok(o)
}

pub(super) fn sed(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let o = match options(args) {
        Ok(o) => o,
        Err(e) => return Out::err(format!("{e}\n"), 1),
    };
    if o.script.is_empty() {
        return Out::err(
            "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n",
            1,
        );
    }
    let script = match parse_script(&o.script, o.ere) {
        Ok(s) => s,
        Err(e) => return Out::err(format!("{e}\n"), 1),
    };
    if o.in_place {
        if o.files.is_empty() {
            return Out::err("sed: no input files\n", 1);
        }
        let mut err = String::new();
        for f in &o.files {
            match x.state.read_file(f) {
                Ok(b) => {
                    let new = apply(&script, &String::from_utf8_lossy(&b), o.quiet);
                    let p = x.state.resolve(f);
                    if let Err(e) = x.state.vfs.write(&p, new.as_bytes(), false) {
                        err.push_str(&format!("sed: couldn't write {f}: {e}\n"));
                    }
                }
                Err(e) => err.push_str(&format!("sed: can't read {f}: {e}\n")),
            }
        }
        return Out {
            stdout: vec![],
            status: if err.is_empty() { 0 } else { 2 },
            stderr: err.into_bytes(),
        };
    }
    let mut err = String::new();
    let mut out = String::new();
    let ins = if o.files.is_empty() {
        vec![stdin.to_vec()]
    } else {
        let mut v = Vec::new();
        for f in &o.files {
            match x.state.read_file(f) {
                Ok(b) => v.push(b),
                Err(e) => err.push_str(&format!("sed: can't read {f}: {e}\n")),
            }
        }
        v
    };
    for d in ins {
        out.push_str(&apply(&script, &String::from_utf8_lossy(&d), o.quiet));
    }
    Out {
        stdout: out.into_bytes(),
        status: if err.is_empty() { 0 } else { 2 },
        stderr: err.into_bytes(),
    }
}

/// Runs a `sed ...` command line's script over `content` as an editor would (`KUBE_EDITOR`).
pub fn edit_with_sed(args: &[String], content: &str) -> Result<String, String> {
    let o = options(args)?;
    let script = parse_script(&o.script, o.ere)?;
    Ok(apply(&script, content, o.quiet))
}
