//! `kubelab grade LAB SESSION... [--format text|json|junit] [--jobs N] [--seed N]`: sessions
//! are graded in parallel on all cores; a progress bar shows on a terminal.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::lab;
use crate::runner::grade::{self, Grade};

/// `kubelab grade`.
pub fn main(args: &[String]) -> i32 {
    let mut format = "text".to_string();
    let mut seed = 1;
    let mut jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut files = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = |it: &mut std::slice::Iter<'_, String>, inline: Option<&str>| {
            inline.map(str::to_string).or_else(|| it.next().cloned())
        };
        match a
            .split_once('=')
            .map(|(k, v)| (k, Some(v)))
            .unwrap_or((a.as_str(), None))
        {
            ("--format", v) => format = value(&mut it, v).unwrap_or_default(),
            ("--seed", v) => seed = value(&mut it, v).and_then(|s| s.parse().ok()).unwrap_or(1),
            ("--jobs" | "-j", v) => {
                jobs = value(&mut it, v)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(1)
                    .max(1)
            }
            (s, _) if s.starts_with('-') => {
                eprintln!("kubelab grade: unknown flag {s}");
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
        eprintln!("kubelab grade: usage: kubelab grade LAB SESSION... [--format text|json|junit]");
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
        .map(|f| match std::fs::read(f) {
            Ok(b) => (f.clone(), String::from_utf8_lossy(&b).into_owned()),
            Err(e) => (f.clone(), format!("# unreadable session: {e}\n")),
        })
        .collect();
    let grades = grade_all(&lab, &sessions, seed, jobs, std::io::stderr().is_terminal());
    match format.as_str() {
        "json" => print!("{}", grade::to_json(&grades)),
        "junit" => print!("{}", grade::to_junit(&grades)),
        _ => grades.iter().for_each(|g| print!("{}", grade::to_text(g))),
    }
    0
}

/// Grades sessions on `jobs` threads; results in the sessions' order.
pub fn grade_all(
    lab: &lab::Lab,
    sessions: &[(String, String)],
    seed: u64,
    jobs: usize,
    progress: bool,
) -> Vec<Grade> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Grade>>> = Mutex::new(vec![None; sessions.len()]);
    let bar = progress.then(|| {
        let b = indicatif::ProgressBar::new(sessions.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("grading {bar:40} {pos}/{len} sessions")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(sessions.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some((name, text)) = sessions.get(i) else {
                        break;
                    };
                    let g = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        grade::grade(lab, name, text, seed)
                    }))
                    .unwrap_or_else(|_| Grade {
                        session: name.clone(),
                        lab: lab.title.clone(),
                        checks: vec![],
                        earned: 0,
                        total: lab.total_points(),
                        note: Some(
                            "kubelab failed while replaying this session (a bug: please report it)"
                                .into(),
                        ),
                    });
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(g);
                    }
                    if let Some(b) = &bar {
                        b.inc(1);
                    }
                }
            });
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
