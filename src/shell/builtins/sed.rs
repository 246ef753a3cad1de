//! `sed` (GNU sed 4.9's behaviour for the commands in [`super::sed_script`]): options `-n`,
//! `-i`, `-e`, `-E`/`-r`, `-s`; input files read as one stream (each file apart with `-i` or
//! `-s`). Enough for `sed -i 's/a/b/' file` and for `KUBE_EDITOR="sed -i ..." kubectl edit`.

use super::pattern::{Exhausted, Groups};
use super::sed_options::options;
use super::sed_script::{self, Addr, Cmd, End, Rep, Script};
use super::{INPUT_BYTES, Out, room};
use crate::shell::exec::Exec;

/// The longest a line may grow through substitutions (the shell's output cap).
const PATTERN_SPACE_BYTES: usize = 4 << 20;

/// Why running a script stopped early.
enum Failure {
    Exhausted,
    TooLong,
}

impl Failure {
    fn message(&self) -> String {
        match self {
            Failure::Exhausted => Exhausted::message("sed"),
            Failure::TooLong => format!(
                "kubelab: sed: a line grew past {} MiB, kubelab's limit\n",
                PATTERN_SPACE_BYTES >> 20
            ),
        }
    }
}

/// What running a script over one stream gave.
struct Run {
    out: String,
    /// `q`/`Q` with this exit status.
    quit: Option<i32>,
    failure: Option<Failure>,
}

/// The stream: lines (without their newlines) and whether the last one had a newline.
struct Stream {
    lines: Vec<String>,
    final_newline: bool,
}

impl Stream {
    fn new(inputs: &[Vec<u8>]) -> Stream {
        let mut lines = Vec::new();
        let mut final_newline = true;
        for d in inputs.iter().filter(|d| !d.is_empty()) {
            let text = String::from_utf8_lossy(d);
            final_newline = text.ends_with('\n');
            let body = text.strip_suffix('\n').unwrap_or(&text);
            lines.extend(body.split('\n').map(str::to_string));
        }
        Stream {
            lines,
            final_newline,
        }
    }
}

/// Per-command range state.
#[derive(Clone, Copy, Default)]
struct Range {
    active: bool,
    /// For a numeric end (`N`, `+N`, `~N`): the last line of the range.
    end: u64,
    /// A range whose first address is a line number cannot start again.
    closed: bool,
}

fn apply(script: &Script, stream: &Stream, quiet: bool, room: usize) -> Run {
    let total = stream.lines.len();
    let mut ranges = vec![Range::default(); script.cmds.len()];
    let mut run = Run {
        out: String::new(),
        quit: None,
        failure: None,
    };
    let mut i = 0;
    'lines: while i < total {
        if run.out.len() > room {
            break;
        }
        let mut ps = stream.lines[i].clone();
        let mut line_no = i as u64 + 1;
        let mut appended: Vec<&str> = Vec::new();
        let mut autoprint = !quiet;
        let mut pc = 0;
        while pc < script.cmds.len() {
            let c = &script.cmds[pc];
            let last = i + 1 == total;
            let hit = selected(script, c, &mut ranges[pc], line_no, last, &ps);
            let hit = match hit {
                Ok(h) => h != c.negate,
                Err(f) => {
                    run.failure = Some(f);
                    break 'lines;
                }
            };
            pc += 1;
            if !hit {
                if let Cmd::Block(after) = c.cmd {
                    pc = after;
                }
                continue;
            }
            match &c.cmd {
                Cmd::Block(_) | Cmd::EndBlock => {}
                Cmd::Print => {
                    run.out.push_str(&ps);
                    run.out.push('\n');
                }
                Cmd::LineNumber => run.out.push_str(&format!("{line_no}\n")),
                Cmd::Delete => {
                    autoprint = false;
                    break;
                }
                Cmd::Quit(code) => {
                    run.quit = Some(*code);
                    break;
                }
                Cmd::QuitSilent(code) => {
                    run.quit = Some(*code);
                    autoprint = false;
                    break;
                }
                Cmd::Append(t) => appended.push(t),
                Cmd::Insert(t) => {
                    run.out.push_str(t);
                    run.out.push('\n');
                }
                Cmd::Change(t) => {
                    // In a range, the text replaces the whole range: it is printed at its end.
                    let in_range = c.a2.is_some() && !c.negate;
                    if !in_range || !ranges[pc - 1].active {
                        run.out.push_str(t);
                        run.out.push('\n');
                    }
                    autoprint = false;
                    break;
                }
                Cmd::Translit(map) => {
                    ps = ps.chars().map(|ch| *map.get(&ch).unwrap_or(&ch)).collect();
                }
                Cmd::Next => {
                    if i + 1 >= total {
                        // GNU: with no next line, `n` ends the script (printing unless -n).
                        break;
                    }
                    if !quiet {
                        run.out.push_str(&ps);
                        run.out.push('\n');
                    }
                    flush_appended(&mut run.out, &mut appended);
                    i += 1;
                    line_no += 1;
                    ps = stream.lines[i].clone();
                }
                Cmd::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                } => {
                    let limit = if *global { usize::MAX } else { *nth as usize };
                    let found = match script.regexes[*re].matches(&ps, limit) {
                        Ok(f) => f,
                        Err(Exhausted) => {
                            run.failure = Some(Failure::Exhausted);
                            break 'lines;
                        }
                    };
                    if let Some(new) = substitute(&ps, &found, rep, *global, *nth) {
                        if new.len() > PATTERN_SPACE_BYTES {
                            run.failure = Some(Failure::TooLong);
                            break 'lines;
                        }
                        ps = new;
                        if *print {
                            run.out.push_str(&ps);
                            run.out.push('\n');
                        }
                    }
                }
            }
        }
        if autoprint {
            run.out.push_str(&ps);
            run.out.push('\n');
        }
        flush_appended(&mut run.out, &mut appended);
        if run.quit.is_some() {
            break;
        }
        i += 1;
    }
    // A last line without its newline is written without one (as GNU does).
    if !stream.final_newline
        && run.failure.is_none()
        && run.quit.is_none()
        && run.out.ends_with('\n')
    {
        run.out.pop();
    }
    run
}

fn flush_appended(out: &mut String, appended: &mut Vec<&str>) {
    for t in appended.drain(..) {
        out.push_str(t);
        out.push('\n');
    }
}

/// Whether a command's address selects the line (before `!`), updating its range.
fn selected(
    script: &Script,
    c: &sed_script::Command,
    r: &mut Range,
    line: u64,
    last: bool,
    ps: &str,
) -> Result<bool, Failure> {
    let re = |i: usize| {
        script.regexes[i]
            .is_match(ps)
            .map_err(|_| Failure::Exhausted)
    };
    let Some(a1) = &c.a1 else {
        return Ok(true);
    };
    let Some(a2) = &c.a2 else {
        return first_matches(a1, line, last, re);
    };
    if r.active {
        let ends = match a2 {
            End::Line(_) | End::Plus(_) | End::Multiple(_) => {
                if line > r.end {
                    // The range's end is behind: GNU ends it without this line.
                    r.active = false;
                    r.closed = matches!(a1, Addr::Line(_));
                    return first_matches_again(a1, a2, r, line, last, re);
                }
                line >= r.end
            }
            End::Last => last,
            End::Re(i) => re(*i)?,
        };
        if ends {
            r.active = false;
            r.closed = matches!(a1, Addr::Line(_));
        }
        return Ok(true);
    }
    first_matches_again(a1, a2, r, line, last, re)
}

/// The start of a range: whether the first address matches, and whether the range goes on.
fn first_matches_again(
    a1: &Addr,
    a2: &End,
    r: &mut Range,
    line: u64,
    last: bool,
    re: impl Fn(usize) -> Result<bool, Failure>,
) -> Result<bool, Failure> {
    if r.closed {
        return Ok(false);
    }
    if let Addr::Line(0) = a1 {
        // `0,/RE/`: the end regex may match on the first line.
        r.closed = true;
        if let End::Re(i) = a2
            && !re(*i)?
        {
            r.active = true;
        }
        return Ok(true);
    }
    if !first_matches(a1, line, last, &re)? {
        return Ok(false);
    }
    match a2 {
        End::Line(n) => {
            if *n <= line {
                return Ok(true);
            }
            r.end = *n;
        }
        End::Plus(n) => {
            if *n == 0 {
                return Ok(true);
            }
            r.end = line.saturating_add(*n);
        }
        End::Multiple(n) => {
            if *n == 0 || line.is_multiple_of(*n) {
                return Ok(true);
            }
            r.end = line.div_ceil(*n).saturating_mul(*n);
        }
        End::Last => {
            if last {
                return Ok(true);
            }
        }
        End::Re(_) => {}
    }
    r.active = true;
    Ok(true)
}

fn first_matches(
    a1: &Addr,
    line: u64,
    last: bool,
    re: impl Fn(usize) -> Result<bool, Failure>,
) -> Result<bool, Failure> {
    Ok(match a1 {
        Addr::Line(n) => *n == line,
        Addr::Last => last,
        Addr::Re(i) => re(*i)?,
        Addr::Step(first, step) => {
            if *step == 0 {
                line == *first
            } else {
                line >= *first && (line - first).is_multiple_of(*step)
            }
        }
    })
}

/// `ps` with the `nth` (and with `global`, every later) match replaced; None when none was.
fn substitute(ps: &str, found: &[Groups], rep: &[Rep], global: bool, nth: u64) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut changed = false;
    for (k, groups) in found.iter().enumerate() {
        if (k as u64) + 1 < nth {
            continue;
        }
        let (s, e) = groups[0].expect("a match has a span");
        out.push_str(&ps[last..s]);
        expand(&mut out, ps, groups, rep);
        last = e;
        changed = true;
        if !global {
            break;
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&ps[last..]);
    Some(out)
}

/// Appends a replacement with its groups and GNU's case conversions (`\U \L \E \u \l`).
fn expand(out: &mut String, ps: &str, groups: &Groups, rep: &[Rep]) {
    let mut case: Option<char> = None;
    let mut once: Option<char> = None;
    for r in rep {
        match r {
            Rep::Text(t) => push_cased(out, t, case, &mut once),
            Rep::Group(n) => {
                if let Some((s, e)) = groups.get(*n).copied().flatten() {
                    push_cased(out, &ps[s..e], case, &mut once);
                }
            }
            Rep::Case(k @ ('u' | 'l')) => once = Some(*k),
            Rep::Case('E') => {
                case = None;
                once = None;
            }
            Rep::Case(k) => case = Some(*k),
        }
    }
}

fn push_cased(out: &mut String, s: &str, case: Option<char>, once: &mut Option<char>) {
    for ch in s.chars() {
        match once.take().or(case) {
            Some('u' | 'U') => out.extend(ch.to_uppercase()),
            Some('l' | 'L') => out.extend(ch.to_lowercase()),
            _ => out.push(ch),
        }
    }
}

pub(super) fn sed(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let o = match options(args) {
        Ok(o) => o,
        Err(e) => return Out::err(format!("{e}\n"), 1),
    };
    let script = match sed_script::parse(&o.expressions, o.ere) {
        Ok(s) => s,
        Err(e) => return Out::err(format!("{e}\n"), 1),
    };
    let mut err = String::new();
    let mut status = 0;
    if o.in_place {
        if o.files.is_empty() {
            return Out::err("sed: no input files\n", 1);
        }
        for f in &o.files {
            match x.state.read_file(f) {
                Ok(b) => {
                    let run = apply(&script, &Stream::new(&[b]), o.quiet, INPUT_BYTES);
                    if let Some(fail) = &run.failure {
                        err.push_str(&fail.message());
                        status = 4;
                        break;
                    }
                    let p = x.state.resolve(f);
                    if let Err(e) = x.state.vfs.write(&p, run.out.as_bytes(), false) {
                        err.push_str(&format!("sed: couldn't write {f}: {e}\n"));
                        status = 4;
                    }
                    if let Some(q) = run.quit {
                        status = q;
                        break;
                    }
                }
                Err(e) => {
                    err.push_str(&format!("sed: can't read {f}: {e}\n"));
                    status = 2;
                }
            }
        }
        return Out {
            stdout: vec![],
            status,
            stderr: err.into_bytes(),
        };
    }
    let mut ins = Vec::new();
    if o.files.is_empty() {
        ins.push(stdin.to_vec());
    } else {
        let mut total = 0;
        for f in &o.files {
            let data = if f == "-" || f == "/dev/stdin" {
                Ok(stdin.to_vec())
            } else {
                x.state.read_file(f)
            };
            match data {
                Ok(b) => {
                    total += b.len();
                    if total > INPUT_BYTES {
                        err.push_str(&format!(
                            "kubelab: sed: the inputs add up to more than {} MiB, kubelab's limit for one command\n",
                            INPUT_BYTES >> 20
                        ));
                        status = 4;
                        break;
                    }
                    ins.push(b);
                }
                Err(e) => {
                    err.push_str(&format!("sed: can't read {f}: {e}\n"));
                    status = 2;
                }
            }
        }
    }
    let streams: Vec<Stream> = if o.separate {
        ins.iter()
            .map(|d| Stream::new(std::slice::from_ref(d)))
            .collect()
    } else {
        vec![Stream::new(&ins)]
    };
    let room = room(x);
    let mut out = String::new();
    for s in &streams {
        let run = apply(&script, s, o.quiet, room.saturating_sub(out.len()));
        out.push_str(&run.out);
        if let Some(fail) = &run.failure {
            err.push_str(&fail.message());
            status = 4;
            break;
        }
        if let Some(q) = run.quit {
            status = q;
            break;
        }
    }
    Out {
        stdout: out.into_bytes(),
        status,
        stderr: err.into_bytes(),
    }
}

/// Runs a `sed ...` command line's script over `content` as an editor would (`KUBE_EDITOR`).
pub fn edit_with_sed(args: &[String], content: &str) -> Result<String, String> {
    let o = options(args)?;
    let script = sed_script::parse(&o.expressions, o.ere)?;
    let run = apply(
        &script,
        &Stream::new(&[content.as_bytes().to_vec()]),
        o.quiet,
        INPUT_BYTES,
    );
    match run.failure {
        Some(f) => Err(f.message().trim_end().to_string()),
        None => Ok(run.out),
    }
}
