//! The student's workstation shell: the subset of bash a lab's `$` lines and a student's prompt
//! use (grammar in `grammar/shell.pest`). It never starts a host process: its own commands are
//! builtins, and programs such as `kubectl` and `oc` are provided by a [`Host`]. Files live in a
//! virtual tree ([`vfs`]); loops are bounded in iterations and virtual time.

mod arith;
pub mod ast;
mod brace;
mod builtins;
pub mod dialect;
pub mod eof;
pub mod escape;
pub mod exec;
mod expand;
mod func;
pub mod jobs;
mod param;
pub mod parse;
mod pattern;
mod pipe;
pub mod profile;
mod scan;
mod split;
pub mod state;
mod trap;
pub mod vfs;

use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub use builtins::edit_with_sed;
pub use parse::{ParseError, incomplete};
pub use profile::{Dialect, Profile, Userland};
pub use split::{LineReader, inputs, next_input};
pub use state::ShellState;
pub use vfs::Vfs;

/// Where a program's output goes as it is written: (is stderr, bytes). It answers false when
/// the write went nowhere because the reader of a pipe has gone (SIGPIPE): the program stops.
pub type Sink<'a> = &'a mut dyn FnMut(bool, &[u8]) -> bool;

/// What shows bytes on a terminal.
pub type Show = dyn Fn(&[u8]);

/// One run of a host program: its arguments, input, the shell it runs in, and where its output
/// goes while it runs.
pub struct Call<'c> {
    /// The command line (`argv[0]` is the program).
    pub argv: &'c [String],
    /// Standard input.
    pub stdin: &'c [u8],
    /// The shell's files and variables.
    pub shell: &'c mut ShellState,
    /// Output as the program writes it: (is stderr, bytes). A program that waits writes each
    /// line when it happens, so a terminal shows it at once.
    pub out: Sink<'c>,
    /// Set by Ctrl-C: a program that waits stops (status 130).
    pub interrupt: Option<&'c AtomicBool>,
}

/// The programs beyond the builtins (kubectl, oc, ...) and the passage of time.
pub trait Host {
    /// Runs `call.argv` if the host provides `argv[0]` and returns its exit status; None means
    /// "command not found".
    fn exec(&mut self, call: Call<'_>) -> Option<i32>;
    /// Lets `millis` of virtual time pass; false if interrupted.
    fn sleep(&mut self, millis: u64) -> bool;
    /// `sleep` in `shell`: lets `millis` pass (`u64::MAX`: `sleep infinity`). A host may take
    /// the shell's files meanwhile (a container's process hands them back while it sleeps).
    /// By default a single sleep is capped at one virtual day: nothing in a lab waits longer.
    fn pause(&mut self, millis: u64, _shell: &mut ShellState) -> bool {
        self.sleep(millis.min(86_400_000))
    }
    /// Virtual Unix time in seconds (for `date`).
    fn now(&self) -> i64 {
        1_740_992_400
    }
    /// A signal sent to the shell since it last asked (`"TERM"`), for its traps
    /// (`shell/trap.rs`). Only a container's main process gets any.
    fn take_signal(&mut self) -> Option<&'static str> {
        None
    }
    /// Whether `pause(u64::MAX, ..)` really waits for ever (a container's main process): `tail
    /// -f /dev/null` then waits; elsewhere kubelab says it does not follow files.
    fn waits_forever(&self) -> bool {
        false
    }
    /// The programs the host provides (for `type`, `which`, completion).
    fn programs(&self) -> Vec<String> {
        Vec::new()
    }
    /// The program at the absolute path `path`, if there is one (a container's shell running
    /// `/bin/ls`: `ls`). The workstation's shell never asks.
    fn program_at(&self, _path: &str) -> Option<String> {
        None
    }

    /// Whether `cmd &` runs background jobs here (a container's main process): else the shell
    /// refuses an input with `&` before any of it runs.
    fn background_jobs(&self) -> bool {
        false
    }

    /// Starts `job` in the background (its files are the shell's, handed over and back):
    /// its PID, or an error message when it could not start.
    fn spawn(&mut self, _job: jobs::Job, _shell: &mut ShellState) -> Result<u32, String> {
        Err(format!(
            "kubelab: the kubelab shell does not support {}\n",
            parse::NO_JOBS
        ))
    }

    /// Waits for the background job `pid` this shell started (`None`: for all of them): its
    /// exit status (0 for all), None for a PID that is not a job of this shell.
    fn wait_job(&mut self, _pid: Option<u32>, _shell: &mut ShellState) -> Option<i32> {
        None
    }
}

/// A host with no programs whose sleeps pass instantly (tests).
#[derive(Debug, Default)]
pub struct NoHost {
    /// Total virtual time slept.
    pub slept_ms: u64,
}

impl Host for NoHost {
    fn exec(&mut self, _call: Call<'_>) -> Option<i32> {
        None
    }
    fn sleep(&mut self, millis: u64) -> bool {
        self.slept_ms += millis;
        true
    }
}

/// A terminal that shows what an input prints as it is written (the interactive prompt). Without
/// one, output is only collected into the [`RunOutput`].
#[derive(Clone)]
pub struct Terminal(pub Rc<Show>);

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Terminal")
    }
}

/// Bounds on one input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Loop iterations per input.
    pub loop_iterations: u64,
    /// Virtual time one loop may run.
    pub loop_virtual_ms: u64,
    /// Output bytes per input.
    pub output_bytes: usize,
    /// Nesting of `$(...)`.
    pub nesting: usize,
    /// Bytes one expansion (and so one variable's value) may hold.
    pub value_bytes: usize,
    /// Bytes all variables together may hold.
    pub variable_bytes: usize,
    /// Steps pattern matching may take in one expansion (see `pattern::Meter`).
    pub match_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            loop_iterations: 10_000,
            loop_virtual_ms: 600_000,
            output_bytes: 4 << 20,
            nesting: 16,
            value_bytes: 16 << 20,
            variable_bytes: 32 << 20,
            match_steps: 1 << 30,
        }
    }
}

/// What one input printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunOutput {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Both, in the order they were written (what a terminal shows).
    pub combined: Vec<u8>,
    /// The exit status.
    pub status: i32,
    /// `exit N` was run.
    pub exit: Option<i32>,
}

/// A shell session.
#[derive(Debug, Clone)]
pub struct Shell {
    /// Files, variables, working directory.
    pub state: ShellState,
    /// Bounds.
    pub limits: Limits,
    interrupt: Option<Arc<AtomicBool>>,
    terminal: Option<Terminal>,
    /// What the last input wrote to each stream, in order, when recorded (see
    /// [`Shell::record_streams`]).
    streams: Option<Vec<(bool, Vec<u8>)>>,
    /// The terminal's output is only shown, not kept (see [`Shell::stream_only`]).
    stream_only: bool,
    /// The input is the whole script of a shell that ends with it (a container's `sh -c`):
    /// its EXIT trap runs at the end.
    pub exit_trap: bool,
}

impl Shell {
    /// A session over the given files.
    pub fn new(vfs: Vfs) -> Shell {
        Shell {
            state: ShellState::new(vfs),
            limits: Limits::default(),
            interrupt: None,
            terminal: None,
            streams: None,
            stream_only: false,
            exit_trap: false,
        }
    }

    /// Shows what inputs print on `terminal` as it is written and keeps none of it (a
    /// container's main process, whose output goes to its log as it is written and which may
    /// run for as long as the cluster does): the [`RunOutput`]'s streams stay empty.
    pub fn stream_only(&mut self, terminal: Terminal) {
        self.terminal = Some(terminal);
        self.stream_only = true;
    }

    /// Keeps what each input writes to stdout and stderr as a list of writes with their
    /// stream, in order ([`Shell::take_streams`]): a container's program, whose two streams
    /// kubectl passes on separately.
    pub fn record_streams(&mut self) {
        self.streams = Some(Vec::new());
    }

    /// What the last input wrote: (is stderr, bytes), in order (empty unless recorded).
    pub fn take_streams(&mut self) -> Vec<(bool, Vec<u8>)> {
        self.streams
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Sets the bounds.
    pub fn with_limits(mut self, limits: Limits) -> Shell {
        self.limits = limits;
        self
    }

    /// A flag set by Ctrl-C; running stops at the next command or loop iteration.
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    /// Shows what inputs print on `terminal` as it is written (they are still collected).
    pub fn set_terminal(&mut self, terminal: Terminal) {
        self.terminal = Some(terminal);
    }

    /// Shows `bytes` on the terminal, if there is one (what the workstation adds after an input).
    pub fn to_terminal(&self, bytes: &[u8]) {
        if let Some(t) = &self.terminal {
            (t.0)(bytes);
        }
    }

    /// Runs one complete input (one or more lines).
    pub fn run(&mut self, input: &str, host: &mut dyn Host) -> RunOutput {
        self.run_with_stdin(input, b"", host)
    }

    /// Runs one complete input with the given standard input.
    pub fn run_with_stdin(&mut self, input: &str, stdin: &[u8], host: &mut dyn Host) -> RunOutput {
        if let Some(f) = &self.interrupt {
            f.store(false, Ordering::SeqCst);
        }
        // Lines of this session before this input: bash numbers a here-document's line from
        // the start of the session.
        let lines_before = self.state.lines_read;
        self.state.lines_read += input.lines().count();
        let mut warning = String::new();
        let mut text = std::borrow::Cow::Borrowed(input);
        let list = loop {
            let parsed = if host.background_jobs() {
                parse::parse_jobs(&text)
            } else {
                parse::parse(&text)
            };
            let error = match parsed {
                Ok(l) => break l,
                // The input ends inside a command, as a script can: bash ends an open
                // here-document there with a warning and runs it; a trailing `\` is dropped.
                Err(ParseError::Incomplete) => {
                    let mut complete = text.into_owned();
                    if !complete.ends_with('\n') {
                        complete.push('\n');
                    }
                    match eof::at_eof(&complete, lines_before) {
                        eof::AtEof::Heredoc {
                            text: t,
                            warning: w,
                        } => {
                            warning.push_str(&w);
                            text = t.into();
                            continue;
                        }
                        eof::AtEof::Run(t) if t != complete => {
                            text = t.into();
                            continue;
                        }
                        eof::AtEof::Run(_) => dialect::eof_error_named(
                            &self.state.profile,
                            input,
                            &parse::eof_message(input),
                            self.state.command_string,
                            self.state.script_named,
                        ),
                        eof::AtEof::Error(_) if self.state.profile.dialect != Dialect::Kubelab => {
                            dialect::eof_error_named(
                                &self.state.profile,
                                input,
                                &parse::eof_message(input),
                                self.state.command_string,
                                self.state.script_named,
                            )
                        }
                        eof::AtEof::Error(msg) => msg,
                    }
                }
                Err(ParseError::Syntax(s)) => dialect::syntax_error_named(
                    &self.state.profile,
                    &text,
                    &s,
                    self.state.command_string,
                    self.state.script_named,
                ),
                Err(ParseError::Unsupported(what)) => {
                    format!("kubelab: the kubelab shell does not support {what}\n")
                }
            };
            let msg = format!("{warning}{error}");
            if let Some(s) = &mut self.streams {
                *s = vec![(true, msg.clone().into_bytes())];
            }
            self.state.last_status = 2;
            self.to_terminal(msg.as_bytes());
            return RunOutput {
                stderr: msg.clone().into_bytes(),
                combined: msg.into_bytes(),
                status: 2,
                ..Default::default()
            };
        };
        self.to_terminal(warning.as_bytes());
        let mut x = exec::Exec::new(&mut self.state, host, self.limits, self.interrupt.clone());
        x.io.terminal = self.terminal.clone();
        x.io.keep = !self.stream_only;
        x.line_offset = lines_before;
        if self.streams.is_some() {
            let mut first = Vec::new();
            if !warning.is_empty() {
                first.push((true, warning.clone().into_bytes()));
            }
            x.io.chunks = Some(first);
        }
        let fds = exec::Fds {
            out: exec::STDOUT,
            err: exec::STDERR,
        };
        let mut status = x.run_list(&list, stdin, fds);
        if self.exit_trap && x.state.traps.contains_key(&0) {
            let was_exit = matches!(x.stop, Some(exec::Stop::Exit(_)));
            let ended = match x.stop {
                Some(exec::Stop::Exit(c)) => c,
                _ => status,
            };
            status = x.run_exit_trap(ended, fds);
            if was_exit || status != ended {
                x.stop = Some(exec::Stop::Exit(status));
            }
        }
        let (status, exit) = match x.stop.clone() {
            Some(exec::Stop::Exit(c)) => (c, Some(c)),
            Some(exec::Stop::Abort) => (130, None),
            _ => (status, None),
        };
        if let Some(c) = x.io.chunks.take() {
            self.streams = Some(c);
        }
        let stdout = std::mem::take(&mut x.io.bufs[exec::STDOUT]);
        let mut stderr = warning.clone().into_bytes();
        stderr.append(&mut x.io.bufs[exec::STDERR]);
        let mut combined = warning.into_bytes();
        combined.append(&mut x.io.combined);
        self.state.last_status = status;
        RunOutput {
            stdout,
            stderr,
            combined,
            status,
            exit,
        }
    }
}

/// The names of the shell's builtin commands.
pub fn builtin_names() -> &'static [&'static str] {
    builtins::names()
}

/// How `--echo` shows an input: the first line after `$ `, further lines after `> `.
pub fn echo_lines(input: &str) -> String {
    let mut out = String::new();
    for (i, l) in input.trim_end_matches('\n').split('\n').enumerate() {
        out.push_str(if i == 0 { "$ " } else { "> " });
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sh: &mut Shell, s: &str) -> String {
        String::from_utf8(sh.run(s, &mut NoHost::default()).combined).unwrap()
    }

    #[test]
    fn basics() {
        let mut sh = Shell::new(Vfs::new());
        assert_eq!(run(&mut sh, "echo hello   world"), "hello world\n");
        assert_eq!(
            run(&mut sh, "X='a b'; echo \"$X\" $X ${X:-z} ${#X}"),
            "a b a b a b 3\n"
        );
        run(&mut sh, "cat > f.txt <<EOF\nline $X\nEOF");
        assert_eq!(run(&mut sh, "cat f.txt"), "line a b\n");
        assert_eq!(run(&mut sh, "cat f.txt | grep -c line"), "1\n");
        assert_eq!(run(&mut sh, "echo -n abc | base64"), "YWJj\n");
        assert_eq!(run(&mut sh, "echo YWJj | base64 --decode"), "abc");
        assert_eq!(
            run(&mut sh, "for i in 1 2 3; do echo $((i * 2)); done"),
            "2\n4\n6\n"
        );
        assert_eq!(
            run(
                &mut sh,
                "n=0; while [ $n -lt 3 ]; do n=$((n+1)); done; echo $n"
            ),
            "3\n"
        );
        assert_eq!(run(&mut sh, "false || echo no && echo yes"), "no\nyes\n");
        assert_eq!(
            run(&mut sh, "nosuch"),
            "kubelab: command not found: nosuch\n"
        );
        assert_eq!(run(&mut sh, "echo $(echo  a   b)"), "a b\n");
        assert_eq!(run(&mut sh, "ls"), "f.txt\n");
        assert_eq!(
            run(&mut sh, "ls *.txt nope 2>&1"),
            "ls: cannot access 'nope': No such file or directory\nf.txt\n"
        );
        let out = sh.run("while true; do sleep 1; done", &mut NoHost::default());
        assert_eq!(out.status, 130);
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            "kubelab: loop stopped after 10m of virtual time\n"
        );
    }
}
