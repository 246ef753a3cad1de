//! Commands that wait (`rollout status`, `wait`, `get -w`): how they move the virtual clock, when
//! they stop, and what a person at the prompt sees.
//!
//! A wait moves the world from one change to the next in virtual time, showing each line as it
//! is printed, until its condition holds or its horizon: the `--timeout` the user gave, or else
//! the command's own bound. Reaching the horizon ends the wait with a `--timeout` error when one
//! was given. Without one, kubectl would go on waiting until Ctrl-C: at an interactive prompt
//! kubelab does the same (the world stays at the horizon, so replaying the session for grading
//! gives the same world); in scripts, labs and grading it stops with a notice and status 130, as
//! if Ctrl-C had been pressed. Ctrl-C stops any wait at once and keeps the world as it is.

use crate::kubectl::context::Ctx;
use crate::kubectl::outcome::Failure;
use crate::world::clock::Millis;

/// Why a wait ended without its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The `--timeout` passed.
    TimedOut,
    /// Ctrl-C.
    Interrupted,
    /// The command's own bound passed with no `--timeout` (scripts, labs, grading).
    Stopped(Millis),
    /// The reader of the output pipe has gone: killed by SIGPIPE, silently.
    BrokenPipe,
}

impl End {
    /// The command's failure: `timed_out` is its `--timeout` error.
    pub fn failure(self, timed_out: Failure) -> Failure {
        match self {
            End::TimedOut => timed_out,
            // The terminal echoed `^C` itself and the prompt starts a new line.
            End::Interrupted => Failure::Exit {
                text: String::new(),
                status: 130,
            },
            End::BrokenPipe => Failure::Exit {
                text: String::new(),
                status: 141,
            },
            End::Stopped(after) => Failure::Exit {
                text: format!(
                    "kubelab: stopped waiting after {} of virtual time (kubectl would go on waiting until Ctrl-C)\n",
                    span(after)
                ),
                status: 130,
            },
        }
    }
}

/// One wait: from now until its horizon.
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    start: Millis,
    horizon: Millis,
    timed: bool,
}

impl Wait {
    /// A wait bounded by `timeout` (milliseconds, if the user gave one) or else by `bound`.
    pub fn new(ctx: &Ctx<'_>, timeout: Option<Millis>, bound: Millis) -> Wait {
        let start = ctx.world.now();
        Wait {
            start,
            horizon: start + timeout.unwrap_or(bound).max(0),
            timed: timeout.is_some(),
        }
    }

    /// Shows what was printed so far and moves the world to its next change within the wait.
    /// `Ok` means something may have changed: look again.
    pub fn next(&self, ctx: &mut Ctx<'_>) -> Result<(), End> {
        ctx.flush();
        if ctx.interrupted() {
            return Err(End::Interrupted);
        }
        if ctx.waits.broken {
            return Err(End::BrokenPipe);
        }
        if ctx.world.step(self.horizon) {
            return Ok(());
        }
        // Nothing more happens before the horizon: the world gets there.
        ctx.world.clock.set(self.horizon);
        ctx.world.settle();
        if self.timed {
            return Err(End::TimedOut);
        }
        if ctx.waits.interactive {
            return Err(hold(ctx));
        }
        Err(End::Stopped(self.horizon - self.start))
    }
}

/// Waits on the wall clock until Ctrl-C (an interactive prompt, a wait that never ends).
fn hold(ctx: &mut Ctx<'_>) -> End {
    ctx.flush();
    if ctx.waits.interrupt.is_none() {
        // Nothing could ever stop it: do not hang.
        return End::Interrupted;
    }
    while !ctx.interrupted() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    End::Interrupted
}

/// `1h`, `5m`, `30s`: a virtual span for the notice.
fn span(ms: Millis) -> String {
    let s = ms / 1000;
    match s {
        _ if s >= 3600 && s % 3600 == 0 => format!("{}h", s / 3600),
        _ if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}
