//! The interactive prompt of `kubelab shell` (rustyline): history kept across restarts
//! ([`super::history`]), multi-line input with the `> ` prompt, completion, and bash's keys:
//! Ctrl-C clears the line at the prompt and stops a running command (the world stays as that
//! command left it); Ctrl-D leaves at the prompt (after saving) and ends a heredoc at `> `
//! ([`super::eof`]), never the session. Pasted or typed-ahead lines run one after another:
//! rustyline keeps what it read past a line for the next one (its `buffer-redux` feature).

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

use super::complete::Completion;
use super::history::{HistoryFile, MAX_ENTRIES};
use super::shell::{Driver, Options};
use crate::shell::RunOutput;
use crate::shell::eof::{AtEof, Lines, at_eof};

/// What `reset` sends the terminal first: RIS (`ESC c`), the full reset with which the real
/// `reset` starts on every terminal type (xterm's, tmux's, screen's and the Linux console's
/// `rs1` all begin with it).
pub const TERMINAL_RESET: &str = "\x1bc";

/// What `reset` says when the student answered no.
pub const RESET_KEPT: &str = "The lab was kept; only the terminal was reset.";

/// The question `reset` asks in a lab.
pub const RESET_QUESTION: &str = "Reset the lab? Everything done in this session is lost [y/N] ";

type Line = rustyline::Editor<Completion, DefaultHistory>;

/// What the prompt read.
enum Read {
    /// A complete input.
    Input(String),
    /// Nothing to run (Ctrl-C, or a syntax error at Ctrl-D).
    Nothing,
    /// Ctrl-D at the prompt: leave.
    Leave,
}

/// Reads one complete input; `lines` counts the lines read in the session (bash numbers the
/// lines of an interactive session from its start).
fn read_input(rl: &mut Line, prompt: &str, lines: &mut usize, one_line: bool) -> Read {
    let before = *lines;
    // An interactive program (`kubectl exec -it POD -- mongo`) reads a line at a time.
    if one_line {
        return match rl.readline(prompt) {
            Ok(line) => {
                *lines += 1;
                Read::Input(format!("{line}\n"))
            }
            Err(ReadlineError::Interrupted) => Read::Nothing,
            Err(ReadlineError::Eof) => Read::Leave,
            Err(e) => {
                eprintln!("kubelab shell: cannot read the terminal: {e}");
                Read::Leave
            }
        };
    }
    let mut input = Lines::default();
    let mut prompt = prompt.to_string();
    loop {
        match rl.readline(&prompt) {
            Ok(line) => {
                *lines += 1;
                if input.push(&line) {
                    return Read::Input(input.take());
                }
            }
            Err(ReadlineError::Interrupted) => {
                *lines += 1;
                return Read::Nothing;
            }
            Err(ReadlineError::Eof) if input.text().is_empty() => return Read::Leave,
            Err(ReadlineError::Eof) => match at_eof(input.text(), before) {
                AtEof::Heredoc { text, warning } => {
                    eprint!("{warning}");
                    if input.set(text) {
                        return Read::Input(input.take());
                    }
                }
                AtEof::Run(text) => return Read::Input(text),
                AtEof::Error(msg) => {
                    eprint!("{msg}");
                    return Read::Nothing;
                }
            },
            Err(e) => {
                eprintln!("kubelab shell: cannot read the terminal: {e}");
                return Read::Leave;
            }
        }
        prompt = "> ".into();
    }
}

/// Prints what an input printed that the terminal has not shown as it was written. After
/// Ctrl-C the terminal has already echoed `^C` where the key was pressed: a new line follows.
fn show(d: &Driver, out: &RunOutput) {
    let mut so = std::io::stdout().lock();
    let _ = so.write_all(d.unshown(out));
    show_end(d, &mut so);
}

/// The lab shell's own answers (`tasks`, `check`), coloured on a terminal; a command's output
/// is never changed.
fn show_lab_answer(d: &Driver, out: &RunOutput) {
    let text = String::from_utf8_lossy(d.unshown(out));
    let mut so = std::io::stdout().lock();
    let _ = so.write_all(super::style::report(&text, super::style::stdout()).as_bytes());
    show_end(d, &mut so);
}

fn show_end(d: &Driver, so: &mut std::io::StdoutLock<'_>) {
    if d.interrupted() {
        let _ = so.write_all(b"\n");
    }
    let _ = so.flush();
}

/// `reset` at the prompt: the terminal is reset first (what a student typing `reset` at a
/// garbled terminal means, and what makes the question readable); in a lab, the lab too if the
/// student says yes.
fn reset(d: &mut Driver, rl: &mut Line) {
    let mut so = std::io::stdout();
    let _ = so.write_all(TERMINAL_RESET.as_bytes());
    let _ = so.flush();
    if !d.is_lab() {
        return;
    }
    let yes = matches!(
        rl.readline(RESET_QUESTION),
        Ok(a) if matches!(a.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    );
    if yes {
        let out = d.input("reset\n");
        show(d, &out);
    } else {
        println!("{RESET_KEPT}");
    }
}

/// Leaving the prompt: the record is saved, and the student told where it is.
fn leave(d: &mut Driver, o: &Options) {
    d.save_record();
    if let (true, Some(lab)) = (d.is_lab(), &o.lab) {
        match d.record_path() {
            Some(p) => eprintln!(
                "kubelab: the session is saved in {p}; `kubelab shell {lab} --record {p} --resume` goes on with it."
            ),
            None => eprintln!(
                "kubelab: this session was not recorded (`kubelab shell {lab} --record FILE` keeps one)."
            ),
        }
    }
}

/// Runs the interactive prompt.
pub(super) fn repl(mut d: Driver, o: &Options) -> i32 {
    // Ctrl-C while a command runs sets the flag (rustyline takes the key itself at the
    // prompt); the running command stops at its next step.
    let flag = Arc::new(AtomicBool::new(false));
    let f2 = flag.clone();
    let _ = ctrlc::set_handler(move || f2.store(true, Ordering::SeqCst));
    d.set_interactive(flag);
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .max_history_size(MAX_ENTRIES)
        .map(|b| b.build())
        .unwrap_or_default();
    let mut rl: Line = match rustyline::Editor::with_config(config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("kubelab shell: cannot open the terminal: {e}");
            return 2;
        }
    };
    let mut history = HistoryFile::from_env();
    history.load(&mut rl);
    match &mut d.kind {
        super::shell::Kind::Lab(l) => print!(
            "{}",
            super::style::report(&l.welcome(), super::style::stdout())
        ),
        super::shell::Kind::Plain(_) => println!(
            "kubelab: a simulated cluster (nodes control-plane, worker-1, worker-2). Type kubectl or oc commands; Ctrl-D leaves."
        ),
    }
    let lab_mode = d.is_lab();
    let mut status = 0;
    let mut lines = 0;
    loop {
        rl.set_helper(Some(Completion::from_world(
            d.world(),
            &d.ws().config.namespace,
            lab_mode,
        )));
        let prompt = d.prompt();
        let input = match read_input(&mut rl, &prompt, &mut lines, d.ws().reads_lines()) {
            Read::Input(s) => s,
            Read::Nothing => continue,
            Read::Leave => break,
        };
        if input.trim().is_empty() {
            continue;
        }
        history.add(&mut rl, input.trim_end());
        if input.trim() == "reset" {
            reset(&mut d, &mut rl);
            d.save_record();
            continue;
        }
        let out = d.input(&input);
        if d.is_lab() && matches!(input.trim(), "tasks" | "check") {
            show_lab_answer(&d, &out);
        } else {
            show(&d, &out);
        }
        status = out.status;
        d.save_record();
        if let Some(code) = out.exit {
            leave(&mut d, o);
            return code;
        }
    }
    // Ctrl-D at the prompt, as bash says it.
    eprintln!("exit");
    leave(&mut d, o);
    status
}
