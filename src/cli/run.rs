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

/// `kubelab run`.
pub fn main_run(args: &[String]) -> i32 {
    let (labs, bless, seed) = match labs_and_flags(args, "run") {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let mut status = 0;
    for path in labs {
        let lab = match lab::load(&path) {
            Ok(l) => l,
            Err(e) => {
                eprint!("{e}");
                status = 1;
                continue;
            }
        };
        let report = run::run_lab(&lab, seed, bless);
        print!("{}", report.text);
        if let Some(text) = &report.blessed {
            match std::fs::write(&path, text) {
                Ok(()) => println!(
                    "blessed: {path}: {} expected output(s) rewritten",
                    report.mismatches
                ),
                Err(e) => {
                    eprintln!("kubelab run: cannot write {path}: {e}");
                    status = 1;
                }
            }
        } else if !report.ok() {
            status = 1;
        }
    }
    status
}

/// `kubelab lint`.
pub fn main_lint(args: &[String]) -> i32 {
    let (labs, _, seed) = match labs_and_flags(args, "lint") {
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
                let problems = lint::lint(&l, seed);
                if problems.is_empty() {
                    println!(
                        "{path}: ok ({} check{} can fail and pass)",
                        l.checks.len(),
                        if l.checks.len() == 1 { "" } else { "s" }
                    );
                } else {
                    status = 1;
                    for p in problems {
                        println!("{p}");
                    }
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
