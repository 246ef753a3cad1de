//! Background jobs: `cmd &` runs `cmd` as another process of the container (the host starts
//! it: [`super::Host::spawn`]), `$!` is its PID, `wait [PID...]` waits for jobs (docs/shell.md,
//! docs/containers.md "Background jobs"). Only a container's main process (and the shells it
//! runs) has them; elsewhere an input with `&` is refused before it runs ([`super::parse::NO_JOBS`]).

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::ast::{AndOr, List};
use super::exec::{Exec, Fds, STDERR, STDOUT};
use super::state::ShellState;
use super::{Dialect, Host, Limits, Shell};

/// A background job on its way to its own process: a copy of the shell that started it
/// (variables, functions, working directory; its files travel apart) and its command.
#[derive(Debug, Clone)]
pub struct Job {
    pub state: ShellState,
    pub list: List,
}

impl Exec<'_> {
    /// `cmd &`: starts the job; the shell goes on at once (status 0, `$!` its PID).
    pub(crate) fn background(&mut self, ao: &AndOr, fds: Fds) -> i32 {
        let vfs = std::mem::take(&mut self.state.vfs);
        let mut state = self.state.clone();
        self.state.vfs = vfs;
        // A subshell keeps the signals its parent ignores and resets the others' traps.
        state.traps.retain(|_, handler| handler.is_empty());
        let job = Job {
            state,
            list: List(vec![AndOr {
                background: false,
                ..ao.clone()
            }]),
        };
        match self.host.spawn(job, self.state) {
            Ok(pid) => {
                self.state.last_job = Some(pid);
                0
            }
            Err(msg) => {
                self.write(fds.err, msg.as_bytes());
                2
            }
        }
    }

    /// `wait [PID...]`: with no operand, waits for every job and returns 0; else the status
    /// of the last PID (bash: 127 for a PID that is not this shell's job; dash and ash skip
    /// it silently, 127 when no PID was a job).
    pub(crate) fn wait_builtin(&mut self, args: &[String], fds: Fds) -> i32 {
        let dialect = self.state.profile.dialect;
        let mut args = args;
        if args.first().is_some_and(|a| a == "--") {
            args = &args[1..];
        }
        if args.is_empty() {
            self.host.wait_job(None, self.state);
            return 0;
        }
        let mut status = 127;
        for a in args {
            if a.starts_with('%') || (a.starts_with('-') && a.len() > 1) {
                let msg = format!("kubelab does not support wait {a} (job specs and options)\n");
                self.write(fds.err, msg.as_bytes());
                return 2;
            }
            let Some(pid) = a
                .parse::<u32>()
                .ok()
                .filter(|_| a.bytes().all(|b| b.is_ascii_digit()))
            else {
                let msg = match dialect {
                    Dialect::Bash | Dialect::Kubelab => {
                        format!("wait: `{a}': not a pid or valid job spec")
                    }
                    _ => format!("wait: Illegal number: {a}"),
                };
                self.error(fds, &msg);
                return 2;
            };
            match self.host.wait_job(Some(pid), self.state) {
                Some(s) => status = s,
                // dash and ash keep the status of the last job found (127 if none was).
                None if matches!(dialect, Dialect::Bash | Dialect::Kubelab) => {
                    self.error(
                        fds,
                        &format!("wait: pid {pid} is not a child of this shell"),
                    );
                    status = 127;
                }
                None => {}
            }
        }
        status
    }
}

impl Shell {
    /// The shell of a background job: the starting shell's state with the job's files.
    pub fn for_job(state: ShellState, limits: Limits, interrupt: Arc<AtomicBool>) -> Shell {
        let mut sh = Shell::new(super::Vfs::default());
        sh.state = state;
        sh.limits = limits;
        sh.interrupt = Some(interrupt);
        sh
    }

    /// Runs a background job's command: its status (an `exit` in it ends the job).
    pub fn run_job(&mut self, list: &List, host: &mut dyn Host) -> i32 {
        let mut x =
            super::exec::Exec::new(&mut self.state, host, self.limits, self.interrupt.clone());
        x.io.terminal = self.terminal.clone();
        x.io.keep = !self.stream_only;
        let fds = Fds {
            out: STDOUT,
            err: STDERR,
        };
        let status = x.run_list(list, b"", fds);
        match x.stop {
            Some(super::exec::Stop::Exit(c)) => c,
            _ => status,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::{NoHost, Shell, Vfs};

    #[test]
    fn a_shell_without_jobs_refuses_an_input_with_ampersand_before_it_runs() {
        let mut sh = Shell::new(Vfs::default());
        let out = sh.run("echo a; sleep 1 & echo b", &mut NoHost::default());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "kubelab: the kubelab shell does not support background jobs (`&`) here: only a container's main process and its shells run them\n"
        );
        assert!(out.stdout.is_empty());
        assert_eq!(out.status, 2);
    }

    #[test]
    fn ampersand_separates_commands_as_posix_says() {
        use crate::shell::ast::List;
        let l: List = crate::shell::parse::parse_jobs("a & b; { c; } & (d) &\ne | f &\n").unwrap();
        let bg: Vec<bool> = l.0.iter().map(|ao| ao.background).collect();
        assert_eq!(bg, [true, false, true, true, true]);
        assert!(
            crate::shell::parse::parse_jobs("a && b &> f").unwrap().0[0]
                .rest
                .len()
                == 1
        );
        assert!(crate::shell::parse::parse_jobs("& a").is_err());
        assert!(crate::shell::parse::parse_jobs("a & ;").is_err());
    }

    #[test]
    fn wait_without_jobs_answers_as_bash() {
        let mut sh = Shell::new(Vfs::default());
        let out = sh.run(
            "wait; echo $?; wait 5; echo $?; wait x; echo $?",
            &mut NoHost::default(),
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n127\n2\n");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            err.contains("wait: pid 5 is not a child of this shell\n"),
            "{err}"
        );
        assert!(
            err.contains("wait: `x': not a pid or valid job spec\n"),
            "{err}"
        );
    }
}
