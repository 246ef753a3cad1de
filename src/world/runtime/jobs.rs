//! The processes of one container in virtual time: PID 1 (the main process) and the
//! background jobs its shells start (`cmd &`), each a coroutine of its own
//! (`process_host.rs`), sharing the container's files and writing to its log
//! (docs/containers.md, "Background jobs"). One runs at a time: the one due first (its wake
//! time, then its PID); a job starts when its parent next lets time pass or waits, and the
//! parent goes on at once. When PID 1 ends, the container ends and its jobs with it.

use std::sync::Arc;

use serde_json::Value;

use crate::coroutine::{Coroutine, Step};
use crate::shell::jobs::Job;
use crate::world::World;
use crate::world::clock::Millis;
use crate::world::registry::ImageSpec;

use super::Target;
use super::files::Mounted;
use super::process_host::{self, Answer, Finished, ImageTable, JobStart, Request};
use super::processes::{Live, Outcome, STACK_BYTES};
use super::script_servers::{self, Runs};

type Co = Coroutine<Answer, Request, Finished>;

/// Ended jobs' statuses a container keeps for `wait` (the oldest go first past this).
const MAX_ENDED: usize = 1024;

/// One process of a container.
pub(super) struct Proc {
    /// Its thread (None: a job that has not started yet).
    co: Option<Co>,
    /// A job waiting to start.
    job: Option<Box<Job>>,
    /// Its parent's PID (0 for PID 1).
    parent: u32,
    /// What it wrote after its last full line.
    partial: Vec<u8>,
    /// When it goes on.
    wake: Wake,
}

/// When a process goes on.
enum Wake {
    /// As soon as it can: a job to start, or the PID (or refusal) of the job it started.
    Now(Option<Result<u32, String>>),
    /// At this virtual time (after `sleep`).
    At(Millis),
    /// Never (`sleep infinity`).
    Never,
    /// When its job ends (`wait PID`; None: all its jobs).
    Wait(Option<u32>),
}

impl Proc {
    /// PID 1, started.
    pub(super) fn main(co: Co) -> Proc {
        Proc {
            co: Some(co),
            job: None,
            parent: 0,
            partial: Vec::new(),
            wake: Wake::Never,
        }
    }
}

/// What a due process is handed.
enum Due {
    Start,
    Woke,
    Spawned(Result<u32, String>),
    Waited(Option<i32>),
}

impl World {
    /// Runs the processes of a container that are due (`first`: PID 1 just started, with its
    /// first step), one after another, until none is: then it sleeps until the first wake
    /// time, or it has ended (PID 1 ended or became the image's server).
    pub(super) fn schedule(
        &mut self,
        pod: &Value,
        t: &Target,
        image: Option<&ImageSpec>,
        mut live: Live,
        mut first: Option<(u32, Step<Request, Finished>, Vec<Mounted>)>,
    ) -> Outcome {
        loop {
            let (pid, step, mounted) = match first.take() {
                Some(x) => x,
                None => {
                    let Some((pid, due)) = next_due(&mut live, self.now()) else {
                        break;
                    };
                    let (vfs, mounted) = self.open_files(pod, t);
                    let now_ms = self.now();
                    let step = match due {
                        Due::Start => {
                            let Some(p) = live.procs.get_mut(&pid) else {
                                continue;
                            };
                            let Some(job) = p.job.take() else {
                                continue;
                            };
                            let start = JobStart {
                                job: *job,
                                image: Arc::new(ImageTable {
                                    sh: t.rootfs.sh,
                                    userland: t.rootfs.userland,
                                    programs: t.rootfs.programs.clone(),
                                }),
                                vfs,
                                now_ms,
                            };
                            let (co, step) = Coroutine::start(STACK_BYTES, move |y| {
                                process_host::run_job(start, y)
                            });
                            p.co = Some(co);
                            step
                        }
                        Due::Woke => {
                            let signal = if pid == 1 { live.signal.take() } else { None };
                            resume(
                                &mut live,
                                pid,
                                Answer::Woke {
                                    vfs,
                                    now_ms,
                                    signal,
                                },
                            )
                        }
                        Due::Spawned(r) => resume(
                            &mut live,
                            pid,
                            Answer::Spawned {
                                pid: r,
                                vfs,
                                now_ms,
                            },
                        ),
                        Due::Waited(status) => resume(
                            &mut live,
                            pid,
                            Answer::Waited {
                                status,
                                vfs,
                                now_ms,
                            },
                        ),
                    };
                    (pid, step, mounted)
                }
            };
            if let Some(outcome) = self.drive(t, image, &mut live, pid, step, &mounted) {
                return outcome;
            }
        }
        let until = live
            .procs
            .values()
            .filter_map(|p| match p.wake {
                Wake::At(ms) => Some(ms),
                _ => None,
            })
            .min();
        self.processes.live.insert(t.container_id.clone(), live);
        Outcome::Sleeping(until)
    }

    /// Runs process `pid` from `step` until it suspends for time or a job (None), or the
    /// container ends with it.
    fn drive(
        &mut self,
        t: &Target,
        image: Option<&ImageSpec>,
        live: &mut Live,
        pid: u32,
        mut step: Step<Request, Finished>,
        mounted: &[Mounted],
    ) -> Option<Outcome> {
        loop {
            let p = live.procs.get_mut(&pid)?;
            match step {
                Step::Suspended(Request::Exec {
                    argv,
                    log,
                    stdin,
                    env,
                    cwd,
                    vfs,
                }) => {
                    self.log(t, &mut p.partial, &log, false);
                    let runs = script_servers::what_runs(t, image, &argv, &env, &cwd);
                    let answer = match runs {
                        Runs::Server(plan) if pid == 1 => {
                            // The server replaces the script: its files and output so far
                            // are put back, its thread ends (and its jobs with it).
                            self.close_files(t, vfs, mounted);
                            self.end_all(t, live);
                            return Some(Outcome::Server(Box::new(plan)));
                        }
                        Runs::Server(_) => Answer::Ran {
                            status: Some(126),
                            out: vec![(
                                true,
                                format!(
                                    "kubelab does not simulate {} started in a background job (`&`): run it as the script's last command\n",
                                    argv[0]
                                )
                                .into_bytes(),
                            )],
                            vfs,
                        },
                        Runs::Daemon(spec) => {
                            // nginx forks its daemon and returns: the server answers from
                            // now on, while the script goes on.
                            self.serve_in_background(t, spec);
                            Answer::Ran {
                                status: Some(0),
                                out: Vec::new(),
                                vfs,
                            }
                        }
                        Runs::Program => self.serve(t, &argv, &stdin, &env, &cwd, vfs),
                    };
                    step = resume(live, pid, answer);
                }
                Step::Suspended(Request::Sleep { ms, vfs, log }) => {
                    self.close_files(t, vfs, mounted);
                    self.log(t, &mut p.partial, &log, false);
                    p.wake = if ms == u64::MAX {
                        Wake::Never
                    } else {
                        let ms = Millis::try_from(ms).unwrap_or(Millis::MAX / 4);
                        Wake::At(self.now().saturating_add(ms.min(Millis::MAX / 4)))
                    };
                    return None;
                }
                Step::Suspended(Request::Spawn { job, vfs, log }) => {
                    self.close_files(t, vfs, mounted);
                    self.log(t, &mut p.partial, &log, false);
                    let running = self.processes.len() + live.procs.len();
                    let started = if running >= self.processes.limit {
                        Err(format!(
                            "kubelab runs at most {} container processes at a time: the background job did not start\n",
                            self.processes.limit
                        ))
                    } else {
                        let child = self.next_pid(&t.container_id);
                        live.procs.insert(
                            child,
                            Proc {
                                co: None,
                                job: Some(job),
                                parent: pid,
                                partial: Vec::new(),
                                wake: Wake::Now(None),
                            },
                        );
                        Ok(child)
                    };
                    if let Some(p) = live.procs.get_mut(&pid) {
                        p.wake = Wake::Now(Some(started));
                    }
                    return None;
                }
                Step::Suspended(Request::Wait { pid: job, vfs, log }) => {
                    self.close_files(t, vfs, mounted);
                    self.log(t, &mut p.partial, &log, false);
                    p.wake = Wake::Wait(job);
                    return None;
                }
                Step::Finished(f) => {
                    self.close_files(t, f.vfs, mounted);
                    let mut partial = std::mem::take(&mut p.partial);
                    self.log(t, &mut partial, &f.log, true);
                    if pid == 1 {
                        // PID 1 is gone: the container ends, its jobs with it.
                        self.end_all(t, live);
                        return Some(Outcome::Exited {
                            status: f.status,
                            killed: f.killed,
                        });
                    }
                    let parent = p.parent;
                    live.procs.remove(&pid);
                    let status = if f.killed {
                        self.log(
                            t,
                            &mut Vec::new(),
                            format!(
                                "kubelab: killed background job {pid}: it ran {} commands without letting virtual time pass (kubelab's limit; a loop needs a sleep)\n",
                                process_host::MAX_STEPS
                            )
                            .as_bytes(),
                            true,
                        );
                        137
                    } else {
                        f.status
                    };
                    // Its own jobs are its parent's now (as orphans go to init: nobody waits).
                    for q in live.procs.values_mut() {
                        if q.parent == pid {
                            q.parent = 1;
                        }
                    }
                    live.ended.insert((parent, pid), status);
                    while live.ended.len() > MAX_ENDED {
                        live.ended.pop_first();
                    }
                    return None;
                }
            }
        }
    }

    /// The container ends: what its jobs wrote without a newline is a last line each; their
    /// threads are dropped (unwound) with `live`.
    fn end_all(&mut self, t: &Target, live: &mut Live) {
        let pids: Vec<u32> = live.procs.keys().copied().collect();
        for pid in pids {
            if let Some(p) = live.procs.get_mut(&pid) {
                let mut partial = std::mem::take(&mut p.partial);
                self.log(t, &mut partial, &[], true);
            }
        }
        live.procs.clear();
    }
}

/// Resumes `pid`'s thread with `answer`.
fn resume(live: &mut Live, pid: u32, answer: Answer) -> Step<Request, Finished> {
    match live.procs.get_mut(&pid).and_then(|p| p.co.as_mut()) {
        Some(co) => co.resume(answer),
        // Not reachable: only started processes are resumed.
        None => Step::Finished(Finished {
            status: 127,
            vfs: crate::shell::Vfs::default(),
            log: Vec::new(),
            killed: false,
        }),
    }
}

/// The process due first at `now` (by the time it became due, then its PID), and what it is
/// handed; a `wait` that is over is settled here.
fn next_due(live: &mut Live, now: Millis) -> Option<(u32, Due)> {
    let mut best: Option<(Millis, u32)> = None;
    for (&pid, p) in &live.procs {
        let at = match &p.wake {
            Wake::Now(_) => Some(now),
            Wake::At(ms) if *ms <= now => Some(*ms),
            Wake::Wait(Some(job)) => {
                let running = live.procs.get(job).is_some_and(|j| j.parent == pid);
                (!running).then_some(now)
            }
            Wake::Wait(None) => {
                let any = live.procs.values().any(|j| j.parent == pid);
                (!any).then_some(now)
            }
            _ => None,
        };
        if let Some(at) = at
            && best.is_none_or(|b| (at, pid) < b)
        {
            best = Some((at, pid));
        }
    }
    let (_, pid) = best?;
    let p = live.procs.get_mut(&pid)?;
    let wake = std::mem::replace(&mut p.wake, Wake::Never);
    let due = match wake {
        Wake::Now(None) => Due::Start,
        Wake::Now(Some(r)) => Due::Spawned(r),
        Wake::Wait(Some(job)) => Due::Waited(live.ended.remove(&(pid, job))),
        Wake::Wait(None) => {
            live.ended.retain(|(parent, _), _| *parent != pid);
            Due::Waited(Some(0))
        }
        Wake::At(_) | Wake::Never => Due::Woke,
    };
    Some((pid, due))
}
