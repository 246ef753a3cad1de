//! A container's main process on its own thread (a coroutine, `crate::coroutine`): the shell
//! engine runs its argv there, and everything that needs the world goes back to the world as a
//! request, the process waiting meanwhile. Only one side ever runs (strict hand-off), so a run
//! is as deterministic as single-threaded code (docs/containers.md, "Main processes in virtual
//! time").
//!
//! The process suspends when it sleeps (handing back its files and its output so far; the world
//! resumes it when the clock reaches the wake time, with the files as they are then), and when
//! it runs a program that needs the world (`nslookup`, `curl`, `wget`, `hostname -f`, ...: the
//! world runs it on the process's files and answers at once). Shells in shells run here, on the
//! process's thread, so that a `sleep` inside `sh -c` waits in virtual time too.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::coroutine::Yielder;
use crate::shell::jobs::Job;
use crate::shell::{Call, Dialect, Host, Limits, Shell, ShellState, Terminal, Userland, Vfs};

use super::shell::{ImageShells, Prepared, Run};

/// What a process knows of its image (a copy of the root file system's program table, which
/// the world shares between threads as `Rc`).
#[derive(Debug, Clone)]
pub(super) struct ImageTable {
    pub sh: Option<Dialect>,
    pub userland: Userland,
    pub programs: BTreeMap<String, String>,
}

impl ImageTable {
    fn view(&self) -> ImageShells<'_> {
        ImageShells {
            sh: self.sh,
            userland: self.userland,
            programs: &self.programs,
        }
    }
}

/// How a process starts: its program (what `argv[0]` resolved to), argv, environment,
/// working directory, files and the virtual time.
pub(super) struct Start {
    pub program: String,
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    pub vfs: Vfs,
    pub image: ImageTable,
    pub now_ms: i64,
}

/// What a process waits for when it suspends.
pub(super) enum Request {
    /// It sleeps `ms` (`u64::MAX`: for ever), handing back its files and what it wrote since it
    /// last suspended.
    Sleep { ms: u64, vfs: Vfs, log: Vec<u8> },
    /// It runs a program the world provides, on its files (and hands over what it wrote
    /// since it last suspended).
    Exec {
        argv: Vec<String>,
        log: Vec<u8>,
        stdin: Vec<u8>,
        env: Vec<(String, String)>,
        cwd: String,
        vfs: Vfs,
    },
    /// It starts a background job (`cmd &`), handing over its files and output so far.
    Spawn {
        job: Box<crate::shell::jobs::Job>,
        vfs: Vfs,
        log: Vec<u8>,
    },
    /// It waits for its background job `pid` (None: all of them), handing over its files
    /// and output so far.
    Wait {
        pid: Option<u32>,
        vfs: Vfs,
        log: Vec<u8>,
    },
}

/// The world's answer.
pub(super) enum Answer {
    /// The sleep is over: the files as they are now, the time, and a signal sent meanwhile
    /// (`"TERM"`: the pod is being deleted), for the script's traps.
    Woke {
        vfs: Vfs,
        now_ms: i64,
        signal: Option<&'static str>,
    },
    /// The program ran: its status (None: not found), its output, the files.
    Ran {
        status: Option<i32>,
        out: Vec<(bool, Vec<u8>)>,
        vfs: Vfs,
    },
    /// The program is a shell (this one: `dash` for a Debian `sh`): the process runs it itself.
    Shell { program: String, vfs: Vfs },
    /// The background job started with this PID, or could not (the message).
    Spawned {
        pid: Result<u32, String>,
        vfs: Vfs,
        now_ms: i64,
    },
    /// The job waited for ended with this status (None: not a job of this process).
    Waited {
        status: Option<i32>,
        vfs: Vfs,
        now_ms: i64,
    },
}

/// How a process ended.
pub(super) struct Finished {
    pub status: i32,
    pub vfs: Vfs,
    pub log: Vec<u8>,
    /// Stopped by kubelab's bound on commands run without time passing.
    pub killed: bool,
}

/// Commands a process may run without time passing (a loop without `sleep`): past this,
/// kubelab stops it.
pub const MAX_STEPS: u64 = 20_000;

/// Bytes of output a process may write in all (the kubelet rotates a container's log at 10
/// MiB; kubelab stops keeping it there).
pub const OUTPUT_BYTES: usize = 10 << 20;

/// Shells in shells, as for `kubectl exec`.
const MAX_SHELLS: usize = super::host::MAX_SHELLS;

type Y = Yielder<Answer, Request, Finished>;

/// The process's programs and time, on its thread.
struct ProcessHost<'y> {
    y: &'y mut Y,
    image: Arc<ImageTable>,
    now_ms: i64,
    steps: Cell<u64>,
    killed: Cell<bool>,
    interrupt: Arc<AtomicBool>,
    log: Rc<RefCell<Vec<u8>>>,
    depth: usize,
    /// A signal delivered to PID 1 (the script's own shell, not a shell it runs).
    signal: Option<&'static str>,
}

impl<'y> ProcessHost<'y> {
    /// The host of a process that starts at `now_ms`, writing to `log`.
    fn new(
        y: &'y mut Y,
        image: Arc<ImageTable>,
        now_ms: i64,
        interrupt: Arc<AtomicBool>,
        log: Rc<RefCell<Vec<u8>>>,
    ) -> Self {
        ProcessHost {
            y,
            image,
            now_ms,
            steps: Cell::new(0),
            killed: Cell::new(false),
            interrupt,
            log,
            depth: 0,
            signal: None,
        }
    }
}

/// A process runs for as long as the cluster does: its loops are bounded by the commands it
/// runs between sleeps (`ProcessHost::now`), not by the workstation's per-input bounds.
fn process_limits() -> Limits {
    Limits {
        loop_iterations: u64::MAX,
        loop_virtual_ms: u64::MAX,
        output_bytes: OUTPUT_BYTES,
        ..Limits::default()
    }
}

/// Sends the shell's output (both streams, as the container's log merges them) to `log`.
fn stream_to_log(sh: &mut Shell, log: &Rc<RefCell<Vec<u8>>>) {
    let to_log = log.clone();
    sh.stream_only(Terminal(Rc::new(move |b: &[u8]| {
        to_log.borrow_mut().extend_from_slice(b)
    })));
}

impl Host for ProcessHost<'_> {
    fn exec(&mut self, call: Call<'_>) -> Option<i32> {
        let Call {
            argv,
            stdin,
            shell,
            out,
            ..
        } = call;
        let log = std::mem::take(&mut *self.log.borrow_mut());
        let answer = self.y.suspend(Request::Exec {
            argv: argv.to_vec(),
            log,
            stdin: stdin.to_vec(),
            env: shell.environment().into_iter().collect(),
            cwd: shell.cwd().to_string(),
            vfs: std::mem::take(&mut shell.vfs),
        });
        match answer {
            Answer::Ran {
                status,
                out: written,
                vfs,
            } => {
                shell.vfs = vfs;
                for (is_err, bytes) in written {
                    if !out(is_err, &bytes) {
                        break;
                    }
                }
                status
            }
            Answer::Shell { vfs, .. } if self.depth >= MAX_SHELLS => {
                shell.vfs = vfs;
                let msg = format!(
                    "kubelab: shells nested more than {MAX_SHELLS} deep (kubelab's limit): {} not started\n",
                    argv[0]
                );
                out(true, msg.as_bytes());
                Some(126)
            }
            Answer::Shell { program, vfs } => {
                self.depth += 1;
                let env: Vec<(String, String)> = shell.environment().into_iter().collect();
                let cwd = shell.cwd().to_string();
                let run = Run {
                    program: &program,
                    argv,
                    stdin,
                    env: &env,
                    cwd: &cwd,
                };
                let image = self.image.clone();
                let (status, vfs) = super::shell::run_shell(self, image.view(), run, vfs, out);
                shell.vfs = vfs;
                self.depth -= 1;
                Some(status)
            }
            Answer::Woke { vfs, .. } | Answer::Spawned { vfs, .. } | Answer::Waited { vfs, .. } => {
                shell.vfs = vfs;
                None
            }
        }
    }

    fn sleep(&mut self, _millis: u64) -> bool {
        // A process sleeps through `pause`, which hands its files back.
        false
    }

    fn pause(&mut self, millis: u64, shell: &mut ShellState) -> bool {
        if millis == 0 {
            return true;
        }
        let log = std::mem::take(&mut *self.log.borrow_mut());
        let answer = self.y.suspend(Request::Sleep {
            ms: millis,
            vfs: std::mem::take(&mut shell.vfs),
            log,
        });
        match answer {
            Answer::Woke {
                vfs,
                now_ms,
                signal,
            } => {
                shell.vfs = vfs;
                self.now_ms = now_ms;
                if signal.is_some() {
                    self.signal = signal;
                }
            }
            Answer::Ran { vfs, .. }
            | Answer::Shell { vfs, .. }
            | Answer::Spawned { vfs, .. }
            | Answer::Waited { vfs, .. } => shell.vfs = vfs,
        }
        self.steps.set(0);
        true
    }

    fn background_jobs(&self) -> bool {
        true
    }

    fn spawn(&mut self, job: Job, shell: &mut ShellState) -> Result<u32, String> {
        let log = std::mem::take(&mut *self.log.borrow_mut());
        let answer = self.y.suspend(Request::Spawn {
            job: Box::new(job),
            vfs: std::mem::take(&mut shell.vfs),
            log,
        });
        match answer {
            Answer::Spawned { pid, vfs, now_ms } => {
                shell.vfs = vfs;
                self.now_ms = now_ms;
                pid
            }
            Answer::Woke { vfs, .. }
            | Answer::Ran { vfs, .. }
            | Answer::Shell { vfs, .. }
            | Answer::Waited { vfs, .. } => {
                shell.vfs = vfs;
                Err("kubelab: the background job did not start\n".into())
            }
        }
    }

    fn wait_job(&mut self, pid: Option<u32>, shell: &mut ShellState) -> Option<i32> {
        let log = std::mem::take(&mut *self.log.borrow_mut());
        let answer = self.y.suspend(Request::Wait {
            pid,
            vfs: std::mem::take(&mut shell.vfs),
            log,
        });
        match answer {
            Answer::Waited {
                status,
                vfs,
                now_ms,
            } => {
                shell.vfs = vfs;
                if now_ms != self.now_ms {
                    // Time passed while it waited.
                    self.steps.set(0);
                }
                self.now_ms = now_ms;
                status
            }
            Answer::Woke { vfs, .. }
            | Answer::Ran { vfs, .. }
            | Answer::Shell { vfs, .. }
            | Answer::Spawned { vfs, .. } => {
                shell.vfs = vfs;
                None
            }
        }
    }

    fn waits_forever(&self) -> bool {
        true
    }

    fn take_signal(&mut self) -> Option<&'static str> {
        if self.depth > 0 {
            return None;
        }
        self.signal.take()
    }

    fn now(&self) -> i64 {
        // Every simple command asks the time: that is the process's step count.
        let n = self.steps.get() + 1;
        self.steps.set(n);
        if n > MAX_STEPS && !self.killed.get() {
            self.killed.set(true);
            self.interrupt.store(true, Ordering::SeqCst);
        }
        self.now_ms.div_euclid(1000)
    }

    fn programs(&self) -> Vec<String> {
        super::host::command_names(&self.image.programs)
    }

    fn program_at(&self, path: &str) -> Option<String> {
        self.image.programs.get(path).cloned()
    }
}

/// The process: runs its argv in the shell engine until it ends. Its output goes to its log as
/// it is written (handed to the world at each sleep and at the end).
pub(super) fn run(start: Start, y: &mut Y) -> Finished {
    let Start {
        program,
        argv,
        env,
        cwd,
        vfs,
        image,
        now_ms,
    } = start;
    let image = Arc::new(image);
    let log: Rc<RefCell<Vec<u8>>> = Rc::default();
    let mut early = |_: bool, b: &[u8]| {
        log.borrow_mut().extend_from_slice(b);
        true
    };
    let run = Run {
        program: &program,
        argv: &argv,
        stdin: b"",
        env: &env,
        cwd: &cwd,
    };
    let prepared = match program.as_str() {
        "sh" | "ash" | "bash" | "dash" => {
            super::shell::prepare_shell(image.view(), run, vfs, &mut early)
        }
        _ => Ok(super::shell::prepare_program(image.view(), run, vfs)),
    };
    let Prepared {
        mut sh,
        script,
        stdin,
    } = match prepared {
        Ok(p) => p,
        Err((status, vfs)) => {
            return Finished {
                status,
                vfs,
                log: std::mem::take(&mut *log.borrow_mut()),
                killed: false,
            };
        }
    };
    sh.limits = process_limits();
    let interrupt = Arc::new(AtomicBool::new(false));
    sh.set_interrupt(interrupt.clone());
    stream_to_log(&mut sh, &log);
    let mut host = ProcessHost::new(y, image, now_ms, interrupt, log.clone());
    let out = sh.run_with_stdin(&script, &stdin, &mut host);
    let killed = host.killed.get();
    Finished {
        status: out.status,
        vfs: std::mem::take(&mut sh.state.vfs),
        log: std::mem::take(&mut *log.borrow_mut()),
        killed,
    }
}

/// How a background job's process starts: the job, the image's programs, its files and the
/// virtual time.
pub(super) struct JobStart {
    pub job: Job,
    pub image: Arc<ImageTable>,
    pub vfs: Vfs,
    pub now_ms: i64,
}

/// A background job's process: runs the job's command in a copy of the shell that started it
/// until it ends. Its output goes to the container's log, as its parent's.
pub(super) fn run_job(start: JobStart, y: &mut Y) -> Finished {
    let JobStart {
        job,
        image,
        vfs,
        now_ms,
    } = start;
    let log: Rc<RefCell<Vec<u8>>> = Rc::default();
    let interrupt = Arc::new(AtomicBool::new(false));
    let mut state = job.state;
    state.vfs = vfs;
    let mut sh = Shell::for_job(state, process_limits(), interrupt.clone());
    stream_to_log(&mut sh, &log);
    let mut host = ProcessHost::new(y, image, now_ms, interrupt, log.clone());
    let status = sh.run_job(&job.list, &mut host);
    let killed = host.killed.get();
    Finished {
        status,
        vfs: std::mem::take(&mut sh.state.vfs),
        log: std::mem::take(&mut *log.borrow_mut()),
        killed,
    }
}
