//! `kubelab grade LAB SESSION... [--format text|json|junit|csv] [--jobs N] [--seed N]
//! [--session-timeout SECONDS] [--fail-under POINTS|PERCENT%]`: sessions are graded in parallel in worker processes
//! ([`super::worker`]), each under a wall-clock ceiling; a progress bar shows on a terminal.

use std::io::{IsTerminal, Read};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::args::{Format, GradeArgs};
use super::worker::{self, Isolation};
use crate::lab;
use crate::runner::grade::{self, Grade};
use crate::runner::report;

/// `kubelab grade`.
pub(super) fn main(a: GradeArgs) -> i32 {
    let jobs = match a.jobs {
        Some(n) => usize::from(n),
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    let timeout = Duration::from_secs(a.session_timeout);
    let lab = match lab::load(&a.lab) {
        Ok(l) => l,
        Err(e) => {
            eprint!("{}", super::style::diagnostics(&e.to_string()));
            return 1;
        }
    };
    // Every session is read before any is graded: a file that is missing or unreadable is an
    // error, never a session that earned nothing.
    let mut sessions = Vec::new();
    let mut unreadable = false;
    for f in &a.sessions {
        match read_session(f) {
            Ok(text) => sessions.push((f.clone(), text)),
            Err(e) => {
                eprintln!(
                    "{}",
                    super::style::error(&format!(
                        "kubelab grade: cannot read the session {f}: {e}"
                    ))
                );
                unreadable = true;
            }
        }
    }
    if unreadable {
        eprintln!("kubelab grade: nothing was graded");
        return 1;
    }
    let progress = std::io::stderr().is_terminal();
    let grades = match Isolation::this_program(timeout) {
        Some(iso) => grade_isolated(&lab, &sessions, a.seed, jobs, progress, &iso),
        None => grade_all(&lab, &sessions, a.seed, jobs, progress),
    };
    // Graded in English (stable identifiers); reported with the chosen language's texts too.
    let lab = lab.localized(super::args::chosen_lang(a.lang));
    let text = match a.format {
        Format::Json => report::to_json(&lab, &grades),
        Format::Junit => report::to_junit(&lab, &grades),
        Format::Csv => report::to_csv(&lab, &grades),
        Format::Text => {
            let all: String = grades
                .iter()
                .map(|g| grade::to_text(&report::localize(&lab, g)))
                .collect();
            super::style::report(&all, super::style::stdout())
        }
    };
    print!("{text}");
    match a.fail_under {
        Some(bar) if grades.iter().any(|g| bar.fails(g.earned, g.total)) => 1,
        _ => 0,
    }
}

/// A session file's text: at most a little more than grading replays (the grader notes the
/// cut), so a huge file is never read whole.
fn read_session(path: &str) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(grade::MAX_BYTES as u64 + 4)
        .read_to_end(&mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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
