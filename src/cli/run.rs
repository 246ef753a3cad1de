//! `kubelab run [--bless] [--seed N] LAB...` and `kubelab lint LAB...`.

use crate::lab;
use crate::runner::{lint, run};

fn labs_and_flags(args: &[String], cmd: &str) -> Result<(Vec<String>, bool, u64), String> {
    let mut labs = Vec::new();
    let mut bless = false;
    let mut seed = 1;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--bless" if cmd == "run" => bless = true,
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or(format!("kubelab {cmd}: --seed needs a number"))?
            }
            s if s.starts_with('-') => return Err(format!("kubelab {cmd}: unknown flag {s}")),
            s => labs.push(s.to_string()),
        }
    }
    if labs.is_empty() {
        return Err(format!(
            "kubelab {cmd}: name at least one lab file, e.g. kubelab {cmd} labs/mongo-rollout.lab"
        ));
    }
    Ok((labs, bless, seed))
}

/// Parses the flags, loads each lab (a malformed one prints its diagnostic and fails), and runs
/// `f` on it; `f` returns whether the lab passed. The exit status: 2 for bad flags, 1 if any lab
/// failed.
fn each_lab(
    args: &[String],
    cmd: &str,
    mut f: impl FnMut(&str, lab::Lab, bool, u64) -> bool,
) -> i32 {
    let (labs, bless, seed) = match labs_and_flags(args, cmd) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut status = 0;
    for path in labs {
        match lab::load(&path) {
            Ok(l) => {
                if !f(&path, l, bless, seed) {
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

/// `kubelab run`.
pub fn main_run(args: &[String]) -> i32 {
    each_lab(args, "run", |path, lab, bless, seed| {
        let report = run::run_lab(&lab, seed, bless);
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
    })
}

/// `kubelab lint`.
pub fn main_lint(args: &[String]) -> i32 {
    each_lab(args, "lint", |path, l, _, seed| {
        let problems = lint::lint(&l, seed);
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
    })
}
