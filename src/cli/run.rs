//! `kubelab run [--bless] [--seed N] [--lab-timeout SECONDS] LAB...` and
//! `kubelab lint [--seed N] [--lab-timeout SECONDS] LAB...`. Each lab runs in a worker process
//! of its own ([`super::worker`]): whatever a lab does (a reference solution that waits forever,
//! a crash), the others still run and the report says what happened.

use std::time::Duration;

use super::worker::{self, DEFAULT_TIMEOUT_SECS, Isolation};
use crate::lab;
use crate::runner::{lint, run};

struct Flags {
    labs: Vec<String>,
    bless: bool,
    seed: u64,
    timeout: Duration,
}

fn labs_and_flags(args: &[String], cmd: &str) -> Result<Flags, String> {
    let mut f = Flags {
        labs: Vec::new(),
        bless: false,
        seed: 1,
        timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((k, v)) if k.starts_with("--") => (k, Some(v)),
            _ => (a.as_str(), None),
        };
        match name {
            "--bless" if cmd == "run" && inline.is_none() => f.bless = true,
            "--seed" => {
                f.seed = inline
                    .or_else(|| it.next().map(String::as_str))
                    .and_then(|s| s.parse().ok())
                    .ok_or(format!("kubelab {cmd}: --seed needs a number"))?
            }
            "--lab-timeout" => {
                let v = inline.or_else(|| it.next().map(String::as_str));
                f.timeout = worker::parse_timeout("--lab-timeout", cmd, v)?;
            }
            s if s.starts_with('-') => return Err(format!("kubelab {cmd}: unknown flag {a}")),
            _ => f.labs.push(a.to_string()),
        }
    }
    if f.labs.is_empty() {
        return Err(format!(
            "kubelab {cmd}: name at least one lab file, e.g. kubelab {cmd} labs/mongo-rollout.lab"
        ));
    }
    Ok(f)
}

/// `kubelab run` and `kubelab lint`: each lab in a worker process under the wall-clock ceiling.
fn each_lab_isolated(args: &[String], cmd: &str) -> i32 {
    let flags = match labs_and_flags(args, cmd) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let Some(iso) = Isolation::this_program(flags.timeout) else {
        return each_lab(args, cmd);
    };
    let doing = if cmd == "run" {
        "running this lab"
    } else {
        "linting this lab"
    };
    let mut status = 0;
    for path in &flags.labs {
        let mut a = vec![cmd.to_string(), "--seed".into(), flags.seed.to_string()];
        if flags.bless {
            a.push("--bless".into());
        }
        a.push(path.clone());
        match worker::run_lab_worker(&iso, &a, doing) {
            Ok(0) => {}
            Ok(_) => status = 1,
            Err(why) => {
                if cmd == "run" {
                    println!("== {path}\nerror: {why}");
                } else {
                    println!("{path}: {why}");
                }
                status = 1;
            }
        }
    }
    status
}

/// Parses the flags, loads each lab (a malformed one prints its diagnostic and fails), and runs
/// it in this process; the exit status: 2 for bad flags, 1 if any lab failed.
fn each_lab(args: &[String], cmd: &str) -> i32 {
    let flags = match labs_and_flags(args, cmd) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut status = 0;
    for path in &flags.labs {
        match lab::load(path) {
            Ok(l) => {
                let ok = if cmd == "run" {
                    run_one(path, &l, flags.bless, flags.seed)
                } else {
                    lint_one(path, &l, flags.seed)
                };
                if !ok {
                    status = 1;
                }
            }
            Err(e) => {
                eprint!("{e}");
                status = 1;
            }
        }
    }
    status
}

fn run_one(path: &str, lab: &lab::Lab, bless: bool, seed: u64) -> bool {
    let report = run::run_lab(lab, seed, bless);
    print!("{}", report.text);
    match &report.blessed {
        Some(text) => match std::fs::write(path, text) {
            Ok(()) => {
                println!(
                    "blessed: {path}: {} expected output(s) rewritten",
                    report.mismatches
                );
                true
            }
            Err(e) => {
                eprintln!("kubelab run: cannot write {path}: {e}");
                false
            }
        },
        None => report.ok(),
    }
}

fn lint_one(path: &str, l: &lab::Lab, seed: u64) -> bool {
    let problems = lint::lint(l, seed);
    if problems.is_empty() {
        println!(
            "{path}: ok ({} check{} can fail and pass)",
            l.checks.len(),
            if l.checks.len() == 1 { "" } else { "s" }
        );
    }
    for p in &problems {
        println!("{p}");
    }
    problems.is_empty()
}

/// `kubelab run`.
pub fn main_run(args: &[String]) -> i32 {
    each_lab_isolated(args, "run")
}

/// `kubelab lint`.
pub fn main_lint(args: &[String]) -> i32 {
    each_lab_isolated(args, "lint")
}

/// `kubelab __lab-worker run|lint FLAGS... LAB`: one lab, in this (worker) process.
pub fn main_lab_worker(args: &[String]) -> i32 {
    worker::confine();
    let Some(cmd) = args
        .first()
        .filter(|c| matches!(c.as_str(), "run" | "lint"))
    else {
        eprintln!("kubelab {}: run or lint", worker::LAB_WORKER);
        return 2;
    };
    let rest = args[1..].to_vec();
    let cmd = cmd.clone();
    worker::on_big_stack(move || {
        let status = each_lab(&rest, &cmd);
        use std::io::Write;
        let _ = std::io::stdout().flush();
        status
    })
}
