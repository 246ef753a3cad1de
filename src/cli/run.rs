//! `kubelab run [--bless] [--seed N] [--lab-timeout SECONDS] LAB...` and
//! `kubelab lint [--seed N] [--lab-timeout SECONDS] LAB...`. Each lab runs in a worker process
//! of its own ([`super::worker`]): whatever a lab does (a reference solution that waits forever,
//! a crash), the others still run and the report says what happened.

use std::time::Duration;

use clap::Parser;

use super::args::{Cli, Command, LintArgs, NAME, RunArgs, chosen_lang};
use super::style;
use super::worker::{self, Isolation};
use crate::lab::{self, Lang};
use crate::runner::{lint, run};

/// What `kubelab run` and `kubelab lint` were asked.
pub(super) struct Flags {
    pub(super) labs: Vec<String>,
    pub(super) bless: bool,
    pub(super) seed: u64,
    pub(super) timeout: Duration,
    pub(super) lang: Lang,
}

impl Flags {
    pub(super) fn run(a: RunArgs) -> Flags {
        Flags {
            labs: a.labs,
            bless: a.bless,
            seed: a.seed,
            timeout: Duration::from_secs(a.lab_timeout),
            lang: chosen_lang(a.lang),
        }
    }

    pub(super) fn lint(a: LintArgs) -> Flags {
        Flags {
            labs: a.labs,
            bless: false,
            seed: a.seed,
            timeout: Duration::from_secs(a.lab_timeout),
            lang: chosen_lang(a.lang),
        }
    }
}

/// `kubelab run` and `kubelab lint`: each lab in a worker process under the wall-clock ceiling.
fn each_lab_isolated(flags: &Flags, cmd: &str) -> i32 {
    let Some(iso) = Isolation::this_program(flags.timeout) else {
        return each_lab(flags, cmd);
    };
    let doing = if cmd == "run" {
        "running this lab"
    } else {
        "linting this lab"
    };
    let mut status = 0;
    for path in &flags.labs {
        let mut a = vec![cmd.to_string(), "--seed".into(), flags.seed.to_string()];
        // The language as chosen here, whatever the worker's environment says.
        a.extend(["--lang".into(), flags.lang.code().into()]);
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

/// Loads each lab (a malformed one prints its diagnostic and fails), and runs it in this
/// process; the exit status: 1 if any lab failed.
fn each_lab(flags: &Flags, cmd: &str) -> i32 {
    let mut status = 0;
    for path in &flags.labs {
        match lab::load(path) {
            Ok(l) => {
                let l = l.localized(flags.lang);
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
                eprint!("{}", style::diagnostics(&e));
                status = 1;
            }
        }
    }
    status
}

fn run_one(path: &str, lab: &lab::Lab, bless: bool, seed: u64) -> bool {
    let report = run::run_lab(lab, seed, bless);
    print!("{}", style::report(&report.text, style::stdout()));
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
    let mut out = String::new();
    if problems.is_empty() {
        out = format!(
            "{path}: ok ({} check{} can fail and pass)\n",
            l.checks.len(),
            if l.checks.len() == 1 { "" } else { "s" }
        );
    }
    for p in &problems {
        out.push_str(p);
        out.push('\n');
    }
    // Texts translated into some language but not all: said, not failed (English is shown).
    for w in crate::lab::translations::missing(l) {
        out.push_str(&format!("warning: {w}\n"));
    }
    print!("{}", style::report(&out, style::stdout()));
    problems.is_empty()
}

/// `kubelab run`.
pub(super) fn main_run(args: RunArgs) -> i32 {
    each_lab_isolated(&Flags::run(args), "run")
}

/// `kubelab lint`.
pub(super) fn main_lint(args: LintArgs) -> i32 {
    each_lab_isolated(&Flags::lint(args), "lint")
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
    let argv = [NAME, cmd.as_str()]
        .into_iter()
        .chain(args[1..].iter().map(String::as_str));
    let flags = match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Command::Run(a),
        }) => Flags::run(a),
        Ok(Cli {
            command: Command::Lint(a),
        }) => Flags::lint(a),
        Ok(_) => return 2,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    let cmd = cmd.clone();
    worker::on_big_stack(move || {
        let status = each_lab(&flags, &cmd);
        use std::io::Write;
        let _ = std::io::stdout().flush();
        status
    })
}
