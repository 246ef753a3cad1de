//! One live world: a thread owning a [`StudentSession`] (its world holds `Rc`s and never moves
//! between threads), driven through a channel by the server's tasks. Its terminals (each a
//! WebSocket, with its own [`LineEditor`]) send keys; a complete input runs at once, its output
//! streams to the terminal that typed it, and the record's new part is stored with the world's
//! virtual time. A world with no terminal for [`IDLE`] ends its thread; the next request
//! rebuilds it by replaying its record ([`StudentSession::resume`]).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc::UnboundedSender, oneshot};

use super::db::{Db, SessionRow};
use super::line::{Event, LineEditor};
use crate::cli::complete::Completion;
use crate::cli::repl::{RESET_KEPT, RESET_QUESTION, TERMINAL_RESET};
use crate::lab::Lab;
use crate::runner::CheckOutcome;
use crate::runner::student::StudentSession;
use crate::shell::eof::{AtEof, Lines, at_eof};
use crate::shell::{RunOutput, Terminal};

/// How long a world with no terminal stays in memory.
pub const IDLE: Duration = Duration::from_secs(600);
/// The stack of a world's thread (commands and checks recurse as `kubelab shell`'s do).
const STACK: usize = 64 * 1024 * 1024;

/// A hint revealed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hint {
    /// The task (1-based).
    pub task: usize,
    /// Which hint (1-based) of how many.
    pub hint: usize,
    pub of: usize,
    pub text: String,
}

/// What the server asks a world.
pub enum Msg {
    /// A terminal opened: it gets the prompt.
    Attach {
        term: u64,
        out: UnboundedSender<Vec<u8>>,
    },
    /// A terminal closed.
    Detach { term: u64 },
    /// Keys a terminal sent.
    Keys { term: u64, bytes: Vec<u8> },
    /// Every check's outcome now.
    Check {
        reply: oneshot::Sender<Result<Vec<CheckOutcome>, String>>,
    },
    /// The next hint of a task (0-based).
    Hint {
        task: usize,
        reply: oneshot::Sender<Result<Hint, String>>,
    },
}

struct Handle {
    tx: std::sync::mpsc::Sender<Msg>,
}

/// The live worlds, by session id.
#[derive(Clone)]
pub struct Worlds {
    map: Arc<Mutex<BTreeMap<i64, Handle>>>,
    /// Ctrl-C's flag of each session (kept when its world is rebuilt).
    flags: Arc<Mutex<BTreeMap<i64, Arc<AtomicBool>>>>,
    db: Db,
}

impl Worlds {
    pub fn new(db: Db) -> Worlds {
        Worlds {
            map: Arc::default(),
            flags: Arc::default(),
            db,
        }
    }

    /// The session's Ctrl-C flag: set while its world runs a command, that command stops.
    pub fn interrupt(&self, session: i64) -> Arc<AtomicBool> {
        let mut f = self.flags.lock().unwrap_or_else(|p| p.into_inner());
        f.entry(session).or_default().clone()
    }

    /// Sends `msg` to the session's world, starting (or rebuilding) it if it is not live.
    pub fn send(&self, row: &SessionRow, lab: &Lab, msg: Msg) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        let msg = match map.get(&row.id) {
            Some(h) => match h.tx.send(msg) {
                Ok(()) => return,
                // Its thread ended (idle): rebuilt below.
                Err(e) => e.0,
            },
            None => msg,
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let _ = tx.send(msg);
        let world = World {
            row: row.clone(),
            lab: lab.clone(),
            db: self.db.clone(),
            interrupt: self.interrupt(row.id),
        };
        let spawned = std::thread::Builder::new()
            .name(format!("world-{}", row.id))
            .stack_size(STACK)
            .spawn(move || world.run(rx));
        if spawned.is_ok() {
            map.insert(row.id, Handle { tx });
        }
    }
}

/// What a world's thread starts from.
struct World {
    row: SessionRow,
    lab: Lab,
    db: Db,
    interrupt: Arc<AtomicBool>,
}

/// A terminal attached to the world.
struct Term {
    out: UnboundedSender<Vec<u8>>,
    editor: LineEditor,
    lines: Lines,
    /// Lines read in this terminal (bash numbers an interactive session's lines).
    read: usize,
    /// Lines read before the current input began.
    before: usize,
    /// `reset` asked whether to reset the lab.
    asking_reset: bool,
}

/// The running session and what the thread keeps beside it.
struct Live {
    s: StudentSession,
    row: SessionRow,
    db: Db,
    /// Bytes of the record already stored.
    stored: usize,
    interrupt: Arc<AtomicBool>,
    /// Where the shell's output goes while an input runs, and how much of it was shown.
    sink: Rc<RefCell<Option<UnboundedSender<Vec<u8>>>>>,
    shown: Rc<RefCell<usize>>,
    hints: Vec<usize>,
}

impl World {
    fn run(self, rx: Receiver<Msg>) {
        let built = build(&self);
        let mut terms: BTreeMap<u64, Term> = BTreeMap::new();
        let mut live = match built {
            Ok(l) => Some(l),
            Err(e) => {
                // Every request gets the reason until the world is dropped.
                let e = format!("kubelab web: the lab could not be started: {e}");
                for m in rx.iter() {
                    match m {
                        Msg::Attach { out, .. } => {
                            let _ = out.send(format!("{e}\n").into_bytes());
                        }
                        Msg::Check { reply } => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        Msg::Hint { reply, .. } => {
                            let _ = reply.send(Err(e.clone()));
                        }
                        _ => {}
                    }
                }
                return;
            }
        };
        loop {
            let m = match rx.recv_timeout(IDLE) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) if terms.is_empty() => return,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let Some(l) = live.as_mut() else { return };
            match m {
                Msg::Attach { term, out } => {
                    let mut t = Term {
                        out,
                        editor: LineEditor::new(),
                        lines: Lines::default(),
                        read: 0,
                        before: 0,
                        asking_reset: false,
                    };
                    let p = t.editor.start(&l.prompt());
                    let _ = t.out.send(p);
                    terms.insert(term, t);
                }
                Msg::Detach { term } => {
                    terms.remove(&term);
                }
                Msg::Keys { term, bytes } => {
                    if let Some(t) = terms.get_mut(&term) {
                        l.keys(t, bytes);
                    }
                }
                Msg::Check { reply } => {
                    let _ = reply.send(Ok(l.outcomes()));
                }
                Msg::Hint { task, reply } => {
                    let _ = reply.send(l.hint(task));
                }
            }
            if live.as_ref().is_none() {
                return;
            }
        }
    }
}

/// The session: new, or rebuilt from its stored record.
fn build(w: &World) -> Result<Live, String> {
    let record = w.db.record(w.row.id)?;
    let (s, stored) = if record.is_empty() {
        (StudentSession::start(w.lab.clone(), w.row.seed, false)?, 0)
    } else {
        let (s, _) = StudentSession::resume(w.lab.clone(), w.row.seed, false, &record)?;
        let stored = record.len() + usize::from(!record.ends_with('\n'));
        (s, stored)
    };
    let hints = vec![0; w.lab.tasks.len()];
    Ok(Live {
        s,
        row: w.row.clone(),
        db: w.db.clone(),
        stored,
        interrupt: w.interrupt.clone(),
        sink: Rc::default(),
        shown: Rc::default(),
        hints,
    })
}

impl Live {
    /// The prompt, as `kubelab shell` shows it on a terminal (coloured).
    fn prompt(&self) -> String {
        let ws = &self.s.session.ws;
        let c = &ws.config;
        if c.exec_session.is_some() || c.host_session.is_some() || c.debug_session.is_some() {
            return ws.prompt();
        }
        let place = crate::lab::prompt::Place {
            namespace: &c.namespace,
            user: &c.user,
            server: &c.server,
        };
        crate::lab::prompt::render(self.s.lab.prompt.as_deref(), place, &|s: &str| {
            crate::cli::style::place(s, true)
        })
    }

    fn outcomes(&mut self) -> Vec<CheckOutcome> {
        let checks = self.s.lab.checks.clone();
        checks.iter().map(|c| self.s.session.check(c)).collect()
    }

    fn hint(&mut self, task: usize) -> Result<Hint, String> {
        let t = self
            .s
            .lab
            .tasks
            .get(task)
            .ok_or_else(|| format!("the lab has no task {}", task + 1))?;
        if t.hints.is_empty() {
            return Err(crate::runner::messages::no_hint(self.s.lab.shown, task + 1));
        }
        let n = self.hints[task].min(t.hints.len() - 1);
        self.hints[task] = (n + 1).min(t.hints.len());
        Ok(Hint {
            task: task + 1,
            hint: n + 1,
            of: t.hints.len(),
            text: t.hints[n].clone(),
        })
    }

    /// Keys from a terminal: edited, and each complete input run.
    fn keys(&mut self, t: &mut Term, bytes: Vec<u8>) {
        let mut bytes = bytes;
        loop {
            let completion = Completion::from_world(
                &self.s.session.ws.world,
                &self.s.session.ws.config.namespace,
                true,
            );
            let (out, ev, rest) = t
                .editor
                .feed(&bytes, &|line, pos| completion.complete_at(line, pos));
            if !out.is_empty() {
                let _ = t.out.send(out);
            }
            let Some(ev) = ev else { return };
            self.event(t, ev);
            if rest.is_empty() {
                return;
            }
            bytes = rest;
        }
    }

    fn event(&mut self, t: &mut Term, ev: Event) {
        match ev {
            Event::Line(line) => {
                t.read += 1;
                if t.asking_reset {
                    t.asking_reset = false;
                    if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
                        self.run(t, "reset\n");
                    } else {
                        let _ = t.out.send(format!("{RESET_KEPT}\n").into_bytes());
                    }
                } else if self.s.session.ws.reads_lines() {
                    // An interactive program (`kubectl exec -it POD -- mongo`) reads a line.
                    self.run(t, &format!("{line}\n"));
                } else {
                    if t.lines.text().is_empty() {
                        t.before = t.read - 1;
                    }
                    if !t.lines.push(&line) {
                        let _ = t.out.send(t.editor.start("> "));
                        return;
                    }
                    let input = t.lines.take();
                    self.complete_input(t, input);
                    return;
                }
            }
            Event::Interrupt => {
                t.lines = Lines::default();
                t.asking_reset = false;
                t.read += 1;
            }
            Event::Eof => {
                if t.lines.text().is_empty() {
                    // bash would end the terminal; the tab stays, with its prompt.
                    return;
                }
                match at_eof(t.lines.text(), t.before) {
                    AtEof::Heredoc { text, warning } => {
                        let _ = t.out.send(warning.into_bytes());
                        if !t.lines.set(text) {
                            let _ = t.out.send(t.editor.start("> "));
                            return;
                        }
                        let input = t.lines.take();
                        self.complete_input(t, input);
                        return;
                    }
                    AtEof::Run(text) => {
                        t.lines = Lines::default();
                        self.complete_input(t, text);
                        return;
                    }
                    AtEof::Error(msg) => {
                        t.lines = Lines::default();
                        let _ = t.out.send(msg.into_bytes());
                    }
                }
            }
        }
        let p = self.prompt();
        let _ = t.out.send(t.editor.start(&p));
    }

    fn complete_input(&mut self, t: &mut Term, input: String) {
        if !input.trim().is_empty() {
            t.editor.add_history(input.trim_end());
        }
        if input.trim() == "reset" {
            // As at `kubelab shell`'s prompt: the terminal first, then the question.
            let _ = t.out.send(TERMINAL_RESET.as_bytes().to_vec());
            t.asking_reset = true;
            let _ = t.out.send(t.editor.start(RESET_QUESTION));
            return;
        }
        if !input.trim().is_empty() {
            self.run(t, &input);
        }
        let p = self.prompt();
        let _ = t.out.send(t.editor.start(&p));
    }

    /// Runs one input: its output streams to `t`, its record is stored.
    fn run(&mut self, t: &mut Term, input: &str) {
        self.interrupt.store(false, Ordering::SeqCst);
        *self.sink.borrow_mut() = Some(t.out.clone());
        *self.shown.borrow_mut() = 0;
        let (sink, shown) = (self.sink.clone(), self.shown.clone());
        let terminal = Terminal(Rc::new(move |b: &[u8]| {
            if let Some(s) = sink.borrow().as_ref() {
                let _ = s.send(b.to_vec());
            }
            *shown.borrow_mut() += b.len();
        }));
        // Ctrl-C and streaming output; never the host's editor (docs/web.md).
        let shell = &mut self.s.session.ws.shell;
        shell.set_interrupt(self.interrupt.clone());
        shell.set_terminal(terminal);
        let out: RunOutput = self.s.input(input);
        let rest = out
            .combined
            .get(*self.shown.borrow()..)
            .unwrap_or_default()
            .to_vec();
        let word = input.trim();
        let rest = if matches!(word, "tasks" | "check") {
            crate::cli::style::report(&String::from_utf8_lossy(&rest), true).into_bytes()
        } else {
            rest
        };
        let mut shown = rest;
        if self.interrupt.load(Ordering::SeqCst) {
            shown.push(b'\n');
        }
        if !shown.is_empty() {
            let _ = t.out.send(shown);
        }
        *self.sink.borrow_mut() = None;
        if out.exit.is_some() {
            let _ = t.out.send(
                b"kubelab web: the shell of a web session does not end; the lab goes on here.\n"
                    .to_vec(),
            );
        }
        self.store();
    }

    /// Stores the record's new part with the world's virtual time.
    fn store(&mut self) {
        let text = self.s.record_text();
        if text.len() > self.stored
            && let Some(new) = text.get(self.stored..)
        {
            match self
                .db
                .append(self.row.id, new, self.s.session.ws.world.now())
            {
                Ok(()) => self.stored = text.len(),
                Err(e) => eprintln!("kubelab web: session {}: {e}", self.row.id),
            }
        }
    }
}
