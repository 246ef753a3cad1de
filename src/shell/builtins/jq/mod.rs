//! `jq`, on the jaq crates (a real jq implementation): `jq [-rcSnjse] [--arg N V]
//! [--argjson N JSON] FILTER [FILE...]`. Only jaq's host-independent functions are loaded
//! (no `now`, `env`, `input`, `debug`), so a filter cannot read the host.
//!
//! A jq command runs on its own thread, with a large stack, under a budget of steps, memory,
//! stack and value depth ([`budget`]), and stops on Ctrl-C: no filter can crash, hang or exhaust
//! the session. What stops it is said plainly as kubelab's limit.

mod budget;
mod data;
mod json;
mod natives;
mod nesting;
mod ops;
mod run;
mod update;
mod value;

use super::{Out, inputs};
use crate::shell::exec::{Exec, Stop};

pub(crate) struct Opts {
    raw: bool,
    compact: bool,
    sort: bool,
    null_input: bool,
    join: bool,
    slurp: bool,
    exit_status: bool,
    filter: Option<String>,
    files: Vec<String>,
    /// `--arg` (false) and `--argjson` (true) variables: name, text.
    vars: Vec<(String, bool, String)>,
}

fn usage(msg: &str) -> Out {
    Out::err(
        format!(
            "jq: error: {msg}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://stedolan.github.io/jq\n"
        ),
        2,
    )
}

fn options(args: &[String]) -> Result<Opts, Out> {
    let mut o = Opts {
        raw: false,
        compact: false,
        sort: false,
        null_input: false,
        join: false,
        slurp: false,
        exit_status: false,
        filter: None,
        files: vec![],
        vars: vec![],
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-r" | "--raw-output" => o.raw = true,
            "-c" | "--compact-output" => o.compact = true,
            "-S" | "--sort-keys" => o.sort = true,
            "-n" | "--null-input" => o.null_input = true,
            "-j" | "--join-output" => {
                o.join = true;
                o.raw = true;
            }
            "-s" | "--slurp" => o.slurp = true,
            "-e" | "--exit-status" => o.exit_status = true,
            "-M" | "--monochrome-output" | "-C" | "--color-output" => {}
            "--arg" | "--argjson" => {
                let (Some(n), Some(v)) = (args.get(i + 1), args.get(i + 2)) else {
                    return Err(usage(&format!(
                        "{a} takes two parameters (e.g. {a} varname value)"
                    )));
                };
                let is_json = a == "--argjson";
                if is_json && json::parse_one(v.as_bytes()).is_err() {
                    return Err(usage("Invalid JSON text passed to --argjson"));
                }
                o.vars.push((n.clone(), is_json, v.clone()));
                i += 2;
            }
            s if s.starts_with('-')
                && s.len() > 1
                && s[1..].chars().all(|c| "rcSnjseM".contains(c)) =>
            {
                o.raw |= s.contains('r') || s.contains('j');
                o.compact |= s.contains('c');
                o.sort |= s.contains('S');
                o.null_input |= s.contains('n');
                o.join |= s.contains('j');
                o.slurp |= s.contains('s');
                o.exit_status |= s.contains('e');
            }
            s if s.starts_with('-') && s.len() > 1 => {
                return Err(usage(&format!("Unknown option: {s}")));
            }
            _ => {
                if o.filter.is_none() {
                    o.filter = Some(a.clone());
                } else {
                    o.files.push(a.clone());
                }
            }
        }
        i += 1;
    }
    Ok(o)
}

pub(super) fn jq(x: &mut Exec<'_>, args: &[String], stdin: &[u8]) -> Out {
    let o = match options(args) {
        Ok(o) => o,
        Err(out) => return out,
    };
    let user = o.filter.clone().unwrap_or_else(|| ".".into());
    if nesting::weight(&user) > nesting::MAX_WEIGHT {
        return Out::err(
            format!(
                "jq: error: kubelab's jq does not take a filter nested this deeply (at most about 1000 nested brackets or {} operators in a row)\njq: 1 compile error\n",
                nesting::MAX_WEIGHT
            ),
            3,
        );
    }
    let mut err = String::new();
    let docs: Vec<(String, Vec<u8>)> = inputs(x, "jq", &o.files, stdin, &mut err);
    if !err.is_empty() {
        let err = err.replace("jq: ", "jq: error: Could not open ");
        return Out::err(err, 2);
    }
    let job = run::Job {
        opts: o,
        filter: user,
        docs,
        // What the shell still prints of this input, less room for the message that says why
        // jq stopped.
        output_cap: super::room(x).saturating_sub(512),
        output_limit: x.limits.output_bytes,
    };
    let interrupt = x.interrupt.clone();
    // The run gets a thread of its own: a stack large enough for what jq may nest, whatever the
    // caller's (`kubelab grade` runs sessions on small stacks), and a memory gauge of its own.
    // The job is sent once the thread exists, so a refused reservation can be retried smaller.
    let mut job = Some(job);
    let joined = std::thread::scope(|s| {
        for size in [budget::THREAD_STACK, budget::SMALL_THREAD_STACK] {
            let (tx, rx) = std::sync::mpsc::channel::<run::Job>();
            let interrupt = interrupt.clone();
            let spawned = std::thread::Builder::new()
                .name("jq".into())
                .stack_size(size)
                .spawn_scoped(s, move || rx.recv().ok().map(|job| job.run(interrupt)));
            if let Ok(h) = spawned {
                let _ = tx.send(job.take().expect("the job is sent once"));
                return Some(h.join());
            }
        }
        None
    });
    let done = match joined {
        Some(Ok(Some(done))) => done,
        // A bug in jq's code: let it reach the command's own panic handling.
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        _ => return Out::err("jq: error: kubelab could not start a thread for jq\n", 2),
    };
    if done.interrupted {
        x.stop = Some(Stop::Abort);
    }
    done.out
}
