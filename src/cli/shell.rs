//! `kubelab shell [LAB]`: the student's prompt. From a terminal it is the interactive REPL
//! ([`super::repl`]); otherwise it reads command lines from standard input and prints exactly
//! what a student would see, exiting with the last command's status as `bash -s` does.

use std::cell::Cell;
use std::io::{IsTerminal, Read, Write};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::args::ShellArgs;
use super::record::{self, Existing};
use crate::runner::student::StudentSession;
use crate::shell::{RunOutput, Terminal, echo_lines};
use crate::workstation::Workstation;
use crate::workstation::edit::Editor;
use crate::world::{World, default_world};

pub(super) struct Options {
    pub(super) echo: bool,
    pub(super) seed: u64,
    pub(super) lab: Option<String>,
    pub(super) record: Option<String>,
    pub(super) resume: bool,
    pub(super) instructor: bool,
    pub(super) lang: crate::lab::Lang,
}

/// The flags, with what clap cannot say: --record needs a lab, --resume a record.
fn options(a: ShellArgs) -> Result<Options, String> {
    let o = Options {
        echo: a.echo,
        seed: a.seed,
        lab: a.lab,
        record: a.record,
        resume: a.resume,
        instructor: a.instructor,
        lang: super::args::chosen_lang(a.lang),
    };
    if o.record.is_some() && o.lab.is_none() {
        return Err("kubelab shell: --record needs a lab (kubelab shell LAB --record FILE)".into());
    }
    if o.resume && o.record.is_none() {
        return Err(
            "kubelab shell: --resume needs the record to go on with (kubelab shell LAB --record FILE --resume)"
                .into(),
        );
    }
    Ok(o)
}

/// What the prompt drives: the default world, or a lab.
pub(super) enum Kind {
    Plain(Box<Workstation>),
    Lab(Box<StudentSession>),
}

/// The prompt's session: [`Driver::input`] is the one place an input runs.
pub(super) struct Driver {
    pub(super) kind: Kind,
    /// Ctrl-C's flag at the interactive prompt.
    interrupt: Option<Arc<AtomicBool>>,
    /// Bytes of the current input's output the terminal showed as they were written.
    shown: Rc<Cell<usize>>,
    /// The record file, and whether the last save failed (said once).
    record: Option<String>,
    save_failed: bool,
}

impl Driver {
    /// Runs one complete input. Ctrl-C pressed before it (at the prompt, or while the last
    /// input ran) does not stop it.
    pub(super) fn input(&mut self, s: &str) -> RunOutput {
        if let Some(f) = &self.interrupt {
            f.store(false, Ordering::SeqCst);
        }
        self.shown.set(0);
        match &mut self.kind {
            Kind::Plain(w) => w.run(s),
            Kind::Lab(l) => l.input(s),
        }
    }

    /// Whether Ctrl-C stopped the last input.
    pub(super) fn interrupted(&self) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
    }

    /// The interactive prompt: Ctrl-C sets `flag`; what commands print shows on the terminal
    /// as it is written; the student's own editor may run.
    pub(super) fn set_interactive(&mut self, flag: Arc<AtomicBool>) {
        let shown = self.shown.clone();
        let terminal = Terminal(Rc::new(move |b: &[u8]| {
            let mut so = std::io::stdout().lock();
            let _ = so.write_all(b);
            let _ = so.flush();
            shown.set(shown.get() + b.len());
        }));
        match &mut self.kind {
            Kind::Plain(w) => {
                w.editor = Editor::interactive();
                w.shell.set_interrupt(flag.clone());
                w.shell.set_terminal(terminal);
            }
            Kind::Lab(l) => l.set_interactive(flag.clone(), terminal),
        }
        self.interrupt = Some(flag);
    }

    /// What the last input printed that the terminal has not shown yet (the lab shell's own
    /// answers, `tasks` or `check`, do not go through the shell).
    pub(super) fn unshown<'o>(&self, out: &'o RunOutput) -> &'o [u8] {
        out.combined.get(self.shown.get()..).unwrap_or_default()
    }

    pub(super) fn ws(&self) -> &Workstation {
        match &self.kind {
            Kind::Plain(w) => w,
            Kind::Lab(l) => &l.session.ws,
        }
    }

    /// The interactive prompt: a program's own (`mongo>`, a container's shell), or the
    /// student's place ([`crate::lab::prompt`], coloured on a terminal).
    pub(super) fn prompt(&self) -> String {
        let ws = self.ws();
        let c = &ws.config;
        if c.exec_session.is_some() || c.host_session.is_some() || c.debug_session.is_some() {
            return ws.prompt();
        }
        let template = match &self.kind {
            Kind::Lab(l) => l.lab.prompt.as_deref(),
            Kind::Plain(_) => None,
        };
        let place = crate::lab::prompt::Place {
            namespace: &c.namespace,
            user: &c.user,
            server: &c.server,
        };
        let colour = super::style::stdout();
        crate::lab::prompt::render(template, place, &|s: &str| super::style::place(s, colour))
    }

    pub(super) fn world(&self) -> &World {
        &self.ws().world
    }

    pub(super) fn is_lab(&self) -> bool {
        matches!(self.kind, Kind::Lab(_))
    }

    /// The record file, if the session is recorded.
    pub(super) fn record_path(&self) -> Option<&str> {
        self.record.as_deref()
    }

    /// Saves the record (after every input); a failure is said once, until a save works again.
    pub(super) fn save_record(&mut self) {
        if let (Kind::Lab(l), Some(p)) = (&self.kind, &self.record) {
            match record::save(p, &l.record_text()) {
                Ok(()) => self.save_failed = false,
                Err(e) if !self.save_failed => {
                    eprintln!("{e}");
                    self.save_failed = true;
                }
                Err(_) => {}
            }
        }
    }
}

/// Runs `kubelab shell`.
pub(super) fn main(args: ShellArgs) -> i32 {
    let o = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let kind = match &o.lab {
        None => Kind::Plain(Box::new(Workstation::new(default_world::build(o.seed)))),
        Some(path) => {
            let lab = match crate::lab::load(path) {
                Ok(l) => l.localized(o.lang),
                Err(e) => {
                    eprint!("{}", super::style::diagnostics(&e));
                    return 1;
                }
            };
            let existing = match &o.record {
                Some(r) => match record::check(r, o.resume, path) {
                    Ok(e) => e,
                    Err(e) => {
                        eprintln!("{e}");
                        return 2;
                    }
                },
                None => Existing::New,
            };
            let started = match existing {
                Existing::New => StudentSession::start(lab, o.seed, o.instructor),
                Existing::Resume(text) => StudentSession::resume(lab, o.seed, o.instructor, &text)
                    .map(|(s, n)| {
                        eprintln!(
                            "kubelab: resumed {}: {n} commands replayed; new ones are added to it.",
                            o.record.as_deref().unwrap_or_default()
                        );
                        s
                    }),
            };
            match started {
                Ok(s) => Kind::Lab(Box::new(s)),
                Err(e) => {
                    eprintln!("kubelab shell: {e}");
                    return 1;
                }
            }
        }
    };
    let driver = Driver {
        kind,
        interrupt: None,
        shown: Rc::default(),
        record: o.record.clone(),
        save_failed: false,
    };
    if std::io::stdin().is_terminal() {
        super::repl::repl(driver, &o)
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
    let mut all = crate::workstation::Inputs::new(&text);
    while let Some(input) = all.next(d.ws().reads_lines()) {
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
    d.save_record();
    status
}
