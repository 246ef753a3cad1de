//! `kubelab grade LAB SESSION... [--format text|json|junit] [--jobs N] [--seed N]
//! [--session-timeout SECONDS]`: sessions are graded in parallel in worker processes
//! ([`super::worker`]), each under a wall-clock ceiling; a progress bar shows on a terminal.

use std::io::{IsTerminal, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::worker::{self, DEFAULT_TIMEOUT_SECS, Isolation};
use crate::lab;
use crate::runner::grade::{self, Grade};

const USAGE: &str = "kubelab grade: usage: kubelab grade LAB SESSION... [--format text|json|junit] [--jobs N] [--seed N] [--session-timeout SECONDS]";

/// `kubelab grade`.
pub fn main(args: &[String]) -> i32 {
    let mut format = "text".to_string();
    let mut seed = 1;
    let mut jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut timeout = Duration::from_secs(DEFAULT_TIMEOUT_SECS);
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with('-') => (k, Some(v)),
            _ => (a.as_str(), None),
        };
        let mut value = || inline.map(str::to_string).or_else(|| it.next().cloned());
        let bad = |flag: &str, what: &str, v: Option<String>| {
            eprintln!(
                "kubelab grade: {flag} needs {what} (got \"{}\")",
                v.unwrap_or_default()
            );
            2
        };
        match name {
            "--format" => format = value().unwrap_or_default(),
            "--seed" => {
                let v = value();
                match v.as_deref().map(str::parse) {
                    Some(Ok(n)) => seed = n,
                    _ => return bad("--seed", "a number", v),
                }
            }
            "--jobs" | "-j" => {
                let v = value();
                match v.as_deref().map(str::parse::<usize>) {
                    Some(Ok(n)) if n > 0 => jobs = n,
                    _ => return bad(name, "a number of processes greater than 0", v),
                }
            }
            "--session-timeout" => {
                match worker::parse_timeout("--session-timeout", "grade", value().as_deref()) {
                    Ok(t) => timeout = t,
                    Err(e) => {
                        eprintln!("{e}");
                        return 2;
                    }
                }
            }
            s if s.starts_with('-') => {
                eprintln!("kubelab grade: unknown flag {a}");
                return 2;
            }
            _ => files.push(a.clone()),
        }
    }
    if !matches!(format.as_str(), "text" | "json" | "junit") {
        eprintln!("kubelab grade: --format is text, json or junit (got \"{format}\")");
        return 2;
    }
    if files.len() < 2 {
        eprintln!("{USAGE}");
        return 2;
    }
    let lab = match lab::load(&files[0]) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{e}");
            return 1;
        }
    };
    let sessions: Vec<(String, String)> = files[1..]
        .iter()
        .map(|f| (f.clone(), read_session(f)))
        .collect();
    let progress = std::io::stderr().is_terminal();
    let grades = match Isolation::this_program(timeout) {
        Some(iso) => grade_isolated(&lab, &sessions, seed, jobs, progress, &iso),
        None => grade_all(&lab, &sessions, seed, jobs, progress),
    };
    match format.as_str() {
        "json" => print!("{}", grade::to_json(&grades)),
        "junit" => print!("{}", grade::to_junit(&grades)),
        _ => grades.iter().for_each(|g| print!("{}", grade::to_text(g))),
    }
    0
}

/// A session file's text: at most a little more than grading replays (the grader notes the
/// cut), so a huge file is never read whole.
fn read_session(path: &str) -> String {
    let mut bytes = Vec::new();
    match std::fs::File::open(path)
        .and_then(|f| f.take(grade::MAX_BYTES as u64 + 4).read_to_end(&mut bytes))
    {
        Ok(_) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => format!("# unreadable session: {e}\n"),
    }
}

fn bar(len: usize, progress: bool) -> Option<indicatif::ProgressBar> {
    progress.then(|| {
        let b = indicatif::ProgressBar::new(len as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("grading {bar:40} {pos}/{len} sessions")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    })
}

/// Grades sessions in `jobs` worker processes under `iso`'s ceiling; results in the sessions'
/// order.
pub fn grade_isolated(
    lab: &lab::Lab,
    sessions: &[(String, String)],
    seed: u64,
    jobs: usize,
    progress: bool,
    iso: &Isolation,
) -> Vec<Grade> {
    let bar = bar(sessions.len(), progress);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let grades = worker::grade_in_workers(lab, sessions, seed, jobs, iso, &tick);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    grades
}

/// Grades sessions on `jobs` threads of this process (with workers' large stacks, but no
/// ceiling); results in the sessions' order.
pub fn grade_all(
    lab: &lab::Lab,
    sessions: &[(String, String)],
    seed: u64,
    jobs: usize,
    progress: bool,
) -> Vec<Grade> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Grade>>> = Mutex::new(vec![None; sessions.len()]);
    let bar = bar(sessions.len(), progress);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(sessions.len()).max(1) {
            let spawned = std::thread::Builder::new()
                .stack_size(worker::WORKER_STACK)
                .spawn_scoped(scope, || {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some((name, text)) = sessions.get(i) else {
                            break;
                        };
                        let g = worker::grade_guarded(lab, name, text, seed);
                        if let Ok(mut r) = results.lock() {
                            r[i] = Some(g);
                        }
                        if let Some(b) = &bar {
                            b.inc(1);
                        }
                    }
                });
            if spawned.is_err() {
                break;
            }
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}
