//! `kubelab shell [LAB]`: the student's prompt. From a terminal it is a rustyline REPL with
//! history, multi-line input and completion; otherwise it reads command lines from standard
//! input and prints exactly what a student would see, exiting with the last command's status
//! as `bash -s` does.

use std::io::{IsTerminal, Read, Write};

use super::complete::Completion;
use crate::runner::student::StudentSession;
use crate::shell::{RunOutput, echo_lines, incomplete};
use crate::workstation::{Workstation, inputs};
use crate::world::{World, default_world};

struct Options {
    echo: bool,
    seed: u64,
    lab: Option<String>,
    record: Option<String>,
    instructor: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        echo: false,
        seed: 1,
        lab: None,
        record: None,
        instructor: false,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--echo" => o.echo = true,
            "--instructor" => o.instructor = true,
            "--seed" => {
                o.seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("kubelab shell: --seed needs a number")?
            }
            "--record" => {
                o.record = Some(
                    it.next()
                        .cloned()
                        .ok_or("kubelab shell: --record needs a file name")?,
                )
            }
            s if s.starts_with("--seed=") => {
                o.seed = s[7..]
                    .parse()
                    .map_err(|_| "kubelab shell: --seed needs a number")?
            }
            s if s.starts_with("--record=") => o.record = Some(s[9..].to_string()),
            other if other.starts_with('-') => {
                return Err(format!("kubelab shell: unknown flag {other}"));
            }
            other => {
                if o.lab.is_some() {
                    return Err("kubelab shell: one lab at a time".into());
                }
                o.lab = Some(other.to_string());
            }
        }
    }
    if o.record.is_some() && o.lab.is_none() {
        return Err("kubelab shell: --record needs a lab (kubelab shell LAB --record FILE)".into());
    }
    Ok(o)
}

/// What the prompt drives: the default world, or a lab.
enum Driver {
    Plain(Box<Workstation>),
    Lab(Box<StudentSession>),
}

impl Driver {
    fn input(&mut self, s: &str) -> RunOutput {
        match self {
            Driver::Plain(w) => w.run(s),
            Driver::Lab(l) => l.input(s),
        }
    }

    fn ws(&self) -> &Workstation {
        match self {
            Driver::Plain(w) => w,
            Driver::Lab(l) => &l.session.ws,
        }
    }

    fn world(&self) -> &World {
        &self.ws().world
    }

    fn save_record(&self, path: &Option<String>) {
        if let (Driver::Lab(l), Some(p)) = (self, path)
            && let Err(e) = std::fs::write(p, l.record_text())
        {
            eprintln!("kubelab shell: cannot write the record {p}: {e}");
        }
    }
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
    let driver = match &o.lab {
        None => Driver::Plain(Box::new(Workstation::new(default_world::build(o.seed)))),
        Some(path) => {
            let lab = match crate::lab::load(path) {
                Ok(l) => l,
                Err(e) => {
                    eprint!("{e}");
                    return 1;
                }
            };
            match StudentSession::start(lab, o.seed, o.instructor) {
                Ok(s) => Driver::Lab(Box::new(s)),
                Err(e) => {
                    eprintln!("kubelab shell: {e}");
                    return 1;
                }
            }
        }
    };
    if std::io::stdin().is_terminal() {
        repl(driver, &o)
    } else {
        scripted(driver, &o)
    }
}

fn scripted(mut d: Driver, o: &Options) -> i32 {
    let mut text = Vec::new();
    if std::io::stdin().read_to_end(&mut text).is_err() {
        eprintln!("kubelab shell: cannot read standard input");
        return 2;
    }
    let text = String::from_utf8_lossy(&text);
    let mut status = 0;
    let mut so = std::io::stdout().lock();
    let mut se = std::io::stderr();
    for input in inputs(&text) {
        if o.echo {
            let _ = so.write_all(echo_lines(&input).as_bytes());
        }
        let out = d.input(&input);
        if o.echo {
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
    d.save_record(&o.record);
    status
}

fn repl(mut d: Driver, o: &Options) -> i32 {
    // Ctrl-C while a command runs stops it (a loop ends at its next iteration); at the prompt
    // rustyline takes the key itself and clears the line.
    let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let f2 = flag.clone();
    let _ = ctrlc::set_handler(move || f2.store(true, std::sync::atomic::Ordering::SeqCst));
    match &mut d {
        Driver::Plain(w) => {
            w.host_editor = true;
            w.shell.set_interrupt(flag.clone());
        }
        Driver::Lab(l) => {
            l.session.ws.host_editor = true;
            l.session.ws.shell.set_interrupt(flag.clone());
        }
    }
    let config = rustyline::Config::builder().auto_add_history(false).build();
    let mut rl: rustyline::Editor<Completion, rustyline::history::DefaultHistory> =
        match rustyline::Editor::with_config(config) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("kubelab shell: cannot open the terminal: {e}");
                return 2;
            }
        };
    match &mut d {
        Driver::Lab(l) => print!("{}", l.welcome()),
        Driver::Plain(_) => println!(
            "kubelab: a simulated cluster (nodes control-plane, worker-1, worker-2). Type kubectl or oc commands; Ctrl-D leaves."
        ),
    }
    let lab_mode = matches!(d, Driver::Lab(_));
    let mut status = 0;
    loop {
        rl.set_helper(Some(Completion::from_world(
            d.world(),
            &d.ws().config.namespace,
            lab_mode,
        )));
        let mut input = String::new();
        let mut prompt = d.ws().prompt();
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
                Err(_) => {
                    d.save_record(&o.record);
                    return status;
                }
            }
        }
        if input.trim().is_empty() {
            continue;
        }
        let _ = rl.add_history_entry(input.trim_end());
        let out = d.input(&input);
        let mut so = std::io::stdout().lock();
        let _ = so.write_all(&out.combined);
        let _ = so.flush();
        status = out.status;
        d.save_record(&o.record);
        if let Some(code) = out.exit {
            return code;
        }
    }
}
