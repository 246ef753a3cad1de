//! Worker processes: the last line of defence of `kubelab grade`, `run` and `lint`. Each session
//! (or lab) runs in a worker process of kubelab itself, confined to [`WORKER_MEMORY`] of address
//! space, on a thread with a [`WORKER_STACK`] stack; a watchdog kills a worker that exceeds its
//! wall-clock ceiling, and a worker that dies (abort, signal, out of memory) costs only its own
//! session, which is reported with the reason. Everything inside is deterministic; only the
//! ceiling reads the host clock.
//!
//! `kubelab grade` talks to its workers over pipes: the first line is the lab
//! (`{"path", "text", "seed"}`), then one session per line (`{"name", "text"}`), each answered
//! by one line, its [`Grade`] in JSON.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::lab::Lab;
use crate::runner::grade::{self, Grade};
use crate::workstation::guard;

/// The hidden subcommand a grading worker runs.
pub const GRADE_WORKER: &str = "__grade-worker";
/// The hidden subcommand that runs or lints one lab in a worker.
pub const LAB_WORKER: &str = "__lab-worker";
/// Address space a worker may use.
pub const WORKER_MEMORY: u64 = 4 << 30;
/// The stack of a worker's thread (reserved, committed as it is used).
pub const WORKER_STACK: usize = 256 << 20;
/// The wall-clock ceiling of one session or lab, by default.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;

/// How workers are started and how long they may take.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The program (kubelab itself).
    pub program: std::path::PathBuf,
    /// Its arguments before the worker's own.
    pub args: Vec<String>,
    /// The wall-clock ceiling of one session.
    pub timeout: Duration,
}

impl Isolation {
    /// Workers running this very kubelab, or `None` when its path is unknown.
    pub fn this_program(timeout: Duration) -> Option<Isolation> {
        Some(Isolation {
            program: std::env::current_exe().ok()?,
            args: Vec::new(),
            timeout,
        })
    }
}

/// Confines the current process as a worker: its address space is capped (an allocation past
/// it fails and aborts the worker, not the machine), and it dies with its parent.
pub fn confine() {
    #[cfg(unix)]
    unsafe {
        let limit = libc::rlimit {
            rlim_cur: WORKER_MEMORY as libc::rlim_t,
            rlim_max: WORKER_MEMORY as libc::rlim_t,
        };
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
    #[cfg(target_os = "linux")]
    unsafe {
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
    }
}

/// Runs `f` on a thread with a [`WORKER_STACK`] stack and returns what it returns (a panic
/// that escapes `f` is resumed here).
pub fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        let h = std::thread::Builder::new()
            .name("kubelab-worker".into())
            .stack_size(WORKER_STACK)
            .spawn_scoped(s, f);
        match h {
            Ok(h) => h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
            Err(_) => panic!("kubelab could not start a thread with a {WORKER_STACK}-byte stack"),
        }
    })
}

#[derive(Serialize, Deserialize)]
struct LabMessage {
    path: String,
    text: String,
    seed: u64,
}

#[derive(Serialize, Deserialize)]
struct SessionMessage {
    name: String,
    text: String,
}

/// `kubelab __grade-worker`: grades the sessions its parent sends (see the module's doc).
pub fn grade_worker_main() -> i32 {
    confine();
    on_big_stack(|| {
        let stdin = std::io::stdin();
        let mut lines = stdin.lock().lines();
        let Some(Ok(first)) = lines.next() else {
            return 2;
        };
        let Ok(msg) = serde_json::from_str::<LabMessage>(&first) else {
            eprintln!("kubelab {GRADE_WORKER}: the first line must be the lab");
            return 2;
        };
        let lab = match crate::lab::parse(&msg.path, &msg.text) {
            Ok(l) => l,
            Err(e) => {
                eprint!("{e}");
                return 1;
            }
        };
        let stdout = std::io::stdout();
        for line in lines {
            let Ok(line) = line else { return 2 };
            let Ok(job) = serde_json::from_str::<SessionMessage>(&line) else {
                eprintln!("kubelab {GRADE_WORKER}: a session line must be {{\"name\", \"text\"}}");
                return 2;
            };
            let g = grade_guarded(&lab, &job.name, &job.text, msg.seed);
            let mut out = stdout.lock();
            let answer = serde_json::to_string(&g).unwrap_or_default();
            if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
                return 0;
            }
        }
        0
    })
}

/// Grades one session; a bug that escapes the command boundaries is reported as the session's
/// note instead of stopping the grader.
pub fn grade_guarded(lab: &Lab, name: &str, text: &str, seed: u64) -> Grade {
    guard::unwind(|| grade::grade(lab, name, text, seed)).unwrap_or_else(|incident| {
        Grade::not_graded(
            lab,
            name,
            format!(
                "kubelab failed while replaying this session: {incident} (a kubelab bug: please report it)"
            ),
        )
    })
}

/// Why a worker process ended, from its exit status and the end of what it wrote to stderr.
pub fn death(status: Option<ExitStatus>, stderr: &str, doing: &str) -> String {
    #[cfg(unix)]
    let signal = {
        use std::os::unix::process::ExitStatusExt;
        status.and_then(|s| s.signal())
    };
    #[cfg(not(unix))]
    let signal: Option<i32> = None;
    let how = match (signal, status.and_then(|s| s.code())) {
        (Some(sig), _) => format!("killed by signal {sig}"),
        (None, Some(code)) => format!("exited with status {code}"),
        (None, None) => "ended".to_string(),
    };
    if stderr.contains("has overflowed its stack") {
        format!("kubelab crashed while {doing} (a stack overflow; {how})")
    } else if stderr.contains("memory allocation of") {
        format!(
            "kubelab ran out of memory while {doing} (more than {} GiB; {how})",
            WORKER_MEMORY >> 30
        )
    } else {
        format!("kubelab crashed while {doing} ({how})")
    }
}

/// A running grading worker.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Disconnected when the stderr reader is done (the worker and whatever shares its stderr
    /// have exited).
    stderr_done: Receiver<()>,
}

/// What a worker keeps of its stderr (the end, to say why it died).
const STDERR_KEPT: usize = 8 << 10;

impl Worker {
    fn spawn(iso: &Isolation, lab: &Lab, seed: u64) -> std::io::Result<Worker> {
        let mut child = Command::new(&iso.program)
            .args(&iso.args)
            .arg(GRADE_WORKER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(mut stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("no pipes to the worker"));
        };
        let (tx, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let kept = Arc::new(Mutex::new(Vec::new()));
        let k2 = kept.clone();
        let (done, stderr_done) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            let _done = done;
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut k) = k2.lock() {
                    k.extend_from_slice(&buf[..n]);
                    let excess = k.len().saturating_sub(STDERR_KEPT);
                    k.drain(..excess);
                }
            }
        });
        let header = serde_json::to_string(&LabMessage {
            path: lab.path.clone(),
            text: lab.text.clone(),
            seed,
        })
        .unwrap_or_default();
        // A worker that died already is found out when its first session is sent.
        let _ = writeln!(stdin, "{header}");
        Ok(Worker {
            child,
            stdin,
            answers,
            stderr: kept,
            stderr_done,
        })
    }

    /// Kills the worker (if it still runs) and says how it ended.
    fn end(mut self, kill: bool, doing: &str) -> String {
        if kill {
            let _ = self.child.kill();
        }
        let status = self.child.wait().ok();
        // What it wrote last (bounded: a process it left behind may hold its stderr open).
        let _ = self.stderr_done.recv_timeout(Duration::from_secs(2));
        let err = self
            .stderr
            .lock()
            .map(|k| String::from_utf8_lossy(&k).into_owned())
            .unwrap_or_default();
        death(status, &err, doing)
    }

    /// Closes its input and waits for it to finish.
    fn finish(mut self) {
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

/// Grades one session on `worker` (started if there is none); a worker that times out or dies
/// is ended and the session gets the reason.
fn grade_on_worker(
    worker: &mut Option<Worker>,
    iso: &Isolation,
    lab: &Lab,
    seed: u64,
    name: &str,
    text: &str,
) -> Grade {
    const DOING: &str = "replaying this session";
    if worker.is_none() {
        match Worker::spawn(iso, lab, seed) {
            Ok(w) => *worker = Some(w),
            Err(e) => {
                return Grade::not_graded(
                    lab,
                    name,
                    format!("kubelab could not start a grading process: {e}"),
                );
            }
        }
    }
    let Some(w) = worker.as_mut() else {
        return Grade::not_graded(
            lab,
            name,
            "kubelab could not start a grading process".into(),
        );
    };
    let job = serde_json::to_string(&SessionMessage {
        name: name.into(),
        text: text.into(),
    })
    .unwrap_or_default();
    let sent = writeln!(w.stdin, "{job}").and_then(|_| w.stdin.flush());
    let answer = match sent {
        Ok(()) => w.answers.recv_timeout(iso.timeout),
        Err(_) => Err(RecvTimeoutError::Disconnected),
    };
    match answer {
        Ok(line) => match serde_json::from_str::<Grade>(&line) {
            Ok(g) => g,
            Err(_) => {
                if let Some(w) = worker.take() {
                    w.end(true, DOING);
                }
                Grade::not_graded(
                    lab,
                    name,
                    "kubelab's grading process answered something unreadable (a kubelab bug: please report it)".into(),
                )
            }
        },
        Err(RecvTimeoutError::Timeout) => {
            if let Some(w) = worker.take() {
                w.end(true, DOING);
            }
            Grade::not_graded(
                lab,
                name,
                format!(
                    "kubelab stopped grading this session after {} s of wall-clock time",
                    iso.timeout.as_secs()
                ),
            )
        }
        Err(RecvTimeoutError::Disconnected) => {
            let why = worker
                .take()
                .map(|w| w.end(false, DOING))
                .unwrap_or_default();
            Grade::not_graded(lab, name, why)
        }
    }
}

/// Grades sessions in `jobs` worker processes; results in the sessions' order. `tick` is called
/// after each session.
pub fn grade_in_workers(
    lab: &Lab,
    sessions: &[(String, String)],
    seed: u64,
    jobs: usize,
    iso: &Isolation,
    tick: &(dyn Fn() + Sync),
) -> Vec<Grade> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Grade>>> = Mutex::new(vec![None; sessions.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(sessions.len()).max(1) {
            scope.spawn(|| {
                let mut worker: Option<Worker> = None;
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((name, text)) = sessions.get(i) else {
                        break;
                    };
                    let g = grade_on_worker(&mut worker, iso, lab, seed, name, text);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(g);
                    }
                    tick();
                }
                if let Some(w) = worker {
                    w.finish();
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// Runs `kubelab __lab-worker ARGS...` (which runs or lints one lab, writing to this process's
/// stdout and stderr) under the ceiling. `Ok(status)` when it finished; `Err(reason)` when it
/// was stopped or died.
pub fn run_lab_worker(iso: &Isolation, args: &[String], doing: &str) -> Result<i32, String> {
    let mut child = Command::new(&iso.program)
        .args(&iso.args)
        .arg(LAB_WORKER)
        .args(args)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("kubelab could not start a process for this lab: {e}"))?;
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                return match status.code() {
                    Some(c) => Ok(c),
                    None => Err(death(Some(status), "", doing)),
                };
            }
            Ok(None) => {}
            Err(e) => return Err(format!("kubelab lost the process {doing}: {e}")),
        }
        if started.elapsed() >= iso.timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "kubelab stopped {doing} after {} s of wall-clock time",
                iso.timeout.as_secs()
            ));
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn deaths_are_said_plainly() {
        use std::os::unix::process::ExitStatusExt;
        let abort = ExitStatus::from_raw(6);
        assert_eq!(
            death(Some(abort), "", "replaying this session"),
            "kubelab crashed while replaying this session (killed by signal 6)"
        );
        assert_eq!(
            death(
                Some(abort),
                "\nthread 'kubelab-worker' has overflowed its stack\nfatal runtime error: stack overflow\n",
                "replaying this session"
            ),
            "kubelab crashed while replaying this session (a stack overflow; killed by signal 6)"
        );
        assert_eq!(
            death(
                Some(abort),
                "memory allocation of 4294967296 bytes failed\n",
                "running this lab"
            ),
            "kubelab ran out of memory while running this lab (more than 4 GiB; killed by signal 6)"
        );
        assert_eq!(
            death(Some(ExitStatus::from_raw(3 << 8)), "", "x"),
            "kubelab crashed while x (exited with status 3)"
        );
    }
}
