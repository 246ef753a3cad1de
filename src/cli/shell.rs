//! `kubelab shell`: the student's prompt. From a terminal it is a rustyline REPL; otherwise it
//! reads command lines from standard input and prints exactly what a student would see, exiting
//! with the last command's status as `bash -s` does.

use std::io::{IsTerminal, Read, Write};

use crate::shell::{echo_lines, incomplete};
use crate::workstation::{Workstation, inputs};
use crate::world::default_world;

struct Options {
    echo: bool,
    seed: u64,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        echo: false,
        seed: 1,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--echo" => o.echo = true,
            "--seed" => {
                o.seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("kubelab shell: --seed needs a number")?
            }
            s if s.starts_with("--seed=") => {
                o.seed = s[7..]
                    .parse()
                    .map_err(|_| "kubelab shell: --seed needs a number")?
            }
            other if other.starts_with('-') => {
                return Err(format!("kubelab shell: unknown flag {other}"));
            }
            other => {
                return Err(format!(
                    "kubelab shell: labs are not available in this build yet (got {other})"
                ));
            }
        }
    }
    Ok(o)
}

/// Runs `kubelab shell`.
pub fn main(args: &[String]) -> i32 {
    let o = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let ws = Workstation::new(default_world::build(o.seed));
    if std::io::stdin().is_terminal() {
        repl(ws)
    } else {
        scripted(ws, o.echo)
    }
}

fn scripted(mut ws: Workstation, echo: bool) -> i32 {
    let mut text = Vec::new();
    if std::io::stdin().read_to_end(&mut text).is_err() {
        eprintln!("kubelab shell: cannot read standard input");
        return 2;
    }
    let text = String::from_utf8_lossy(&text);
    let mut status = 0;
    let mut so = std::io::stdout().lock();
    let mut se = std::io::stderr().lock();
    for input in inputs(&text) {
        if echo {
            let _ = so.write_all(echo_lines(&input).as_bytes());
        }
        let out = ws.run(&input);
        if echo {
            let _ = so.write_all(&out.combined);
            if !out.combined.is_empty() && !out.combined.ends_with(b"\n") {
                let _ = so.write_all(b"\n");
            }
        } else {
            let _ = so.write_all(&out.stdout);
            let _ = se.write_all(&out.stderr);
        }
        let _ = so.flush();
        status = out.status;
        if out.exit.is_some() {
            break;
        }
    }
    status
}

fn repl(mut ws: Workstation) -> i32 {
    let mut rl = match rustyline::DefaultEditor::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kubelab shell: cannot open the terminal: {e}");
            return 2;
        }
    };
    println!(
        "kubelab: a simulated cluster (nodes control-plane, worker-1, worker-2). Type kubectl or oc commands; Ctrl-D leaves."
    );
    let mut status = 0;
    loop {
        let mut input = String::new();
        let mut prompt = ws.prompt();
        loop {
            match rl.readline(&prompt) {
                Ok(line) => {
                    input.push_str(&line);
                    input.push('\n');
                    if !incomplete(&input) {
                        break;
                    }
                    prompt = "> ".into();
                }
                Err(rustyline::error::ReadlineError::Interrupted) => {
                    input.clear();
                    break;
                }
                Err(_) => return status,
            }
        }
        if input.trim().is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(input.trim_end());
        let out = ws.run(&input);
        let mut so = std::io::stdout().lock();
        let _ = so.write_all(&out.combined);
        let _ = so.flush();
        status = out.status;
        if let Some(code) = out.exit {
            return code;
        }
    }
}
