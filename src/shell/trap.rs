//! `trap`: handlers for signals and for the shell's exit, as dash, busybox ash and bash keep
//! them. A handler runs when its signal arrives between two commands (a foreground command,
//! `sleep` included, finishes first, as real shells defer traps until the child they wait for
//! ends) and the EXIT handler when the script ends. Signals come from the host
//! ([`super::Host::take_signal`]): a container's main process gets SIGTERM when its pod is
//! deleted (`world/runtime/processes.rs`); the workstation's shell gets none.

use std::collections::BTreeMap;

use super::exec::{Exec, Fds, Stop};
use super::profile::Dialect;

/// The signals a trap may name: (number, name without `SIG`).
const SIGNALS: &[(u32, &str)] = &[
    (0, "EXIT"),
    (1, "HUP"),
    (2, "INT"),
    (3, "QUIT"),
    (6, "ABRT"),
    (9, "KILL"),
    (10, "USR1"),
    (12, "USR2"),
    (13, "PIPE"),
    (14, "ALRM"),
    (15, "TERM"),
    (17, "CHLD"),
];

/// The traps set, by signal number (`""`: ignored).
pub type Traps = BTreeMap<u32, String>;

/// A signal as a trap names it (`TERM`, `15`, `EXIT`, `0`; `SIGTERM` except in dash).
fn decode(word: &str, dialect: Dialect) -> Option<u32> {
    if let Ok(n) = word.parse::<u32>() {
        return SIGNALS.iter().find(|(s, _)| *s == n).map(|(s, _)| *s);
    }
    let upper = word.to_ascii_uppercase();
    let name = match upper.strip_prefix("SIG") {
        Some(rest) if dialect != Dialect::Dash => rest,
        _ => upper.as_str(),
    };
    // dash and ash take names as written (upper case); bash any case.
    if dialect != Dialect::Bash && word.to_ascii_uppercase() != word {
        return None;
    }
    SIGNALS.iter().find(|(_, n)| *n == name).map(|(s, _)| *s)
}

fn name_of(signo: u32, dialect: Dialect) -> String {
    let name = SIGNALS
        .iter()
        .find(|(s, _)| *s == signo)
        .map_or("?", |(_, n)| n);
    match dialect {
        Dialect::Bash | Dialect::Kubelab if signo != 0 => format!("SIG{name}"),
        _ => name.to_string(),
    }
}

/// `'text'` as the shells print a trap: bash closes the quote around `\'`, dash and ash put
/// the quote in double quotes.
fn quote(text: &str, dialect: Dialect) -> String {
    let inner = match dialect {
        Dialect::Bash | Dialect::Kubelab => text.replace('\'', "'\\''"),
        _ => text.replace('\'', "'\"'\"'"),
    };
    format!("'{inner}'")
}

impl Exec<'_> {
    /// The `trap` builtin.
    pub(crate) fn trap_builtin(&mut self, args: &[String], fds: Fds) -> i32 {
        let dialect = self.state.profile.dialect;
        let mut args = args;
        if args.first().is_some_and(|a| a == "--") {
            args = &args[1..];
        }
        if args.first().is_some_and(|a| a == "-p") && dialect == Dialect::Bash {
            args = &[];
        } else if let Some(opt) = args.first().filter(|a| a.starts_with('-') && a.len() > 1) {
            let msg = format!("kubelab does not support trap {opt}\n");
            self.write(fds.err, msg.as_bytes());
            return 2;
        }
        if args.is_empty() {
            let listing: String = self
                .state
                .traps
                .iter()
                .map(|(s, h)| format!("trap -- {} {}\n", quote(h, dialect), name_of(*s, dialect)))
                .collect();
            self.write(fds.out, listing.as_bytes());
            return 0;
        }
        // One operand, or a first operand that is a signal number: reset them.
        let (action, signals) = if args.len() == 1 || args[0].parse::<u32>().is_ok() {
            (None, args)
        } else if args[0] == "-" {
            (None, &args[1..])
        } else {
            (Some(args[0].clone()), &args[1..])
        };
        let mut status = 0;
        for s in signals {
            let Some(signo) = decode(s, dialect) else {
                let msg = match dialect {
                    Dialect::Bash | Dialect::Kubelab => {
                        format!("trap: {s}: invalid signal specification")
                    }
                    _ => format!("trap: {s}: bad trap"),
                };
                if dialect == Dialect::Dash {
                    self.write(fds.err, format!("{msg}\n").as_bytes());
                } else {
                    self.error(fds, &msg);
                }
                status = 1;
                continue;
            };
            match &action {
                Some(a) => {
                    self.state.traps.insert(signo, a.clone());
                }
                None => {
                    self.state.traps.remove(&signo);
                }
            }
        }
        status
    }

    /// Runs the handler of a signal the host delivered since the last command, if any. An
    /// untrapped signal changes nothing: the host sends signals only to a container's PID 1,
    /// which the kernel shields from signals it has no handler for.
    pub(crate) fn run_traps(&mut self, fds: Fds) {
        let Some(name) = self.host.take_signal() else {
            return;
        };
        let Some(signo) = SIGNALS.iter().find(|(_, n)| *n == name).map(|(s, _)| *s) else {
            return;
        };
        if let Some(handler) = self.state.traps.get(&signo).cloned()
            && !handler.is_empty()
        {
            self.run_handler(&handler, fds);
        }
    }

    /// The EXIT trap, when the script ends (`status`: its status, `$?` in the handler); the
    /// status the shell exits with (the handler's `exit N` changes it).
    pub(crate) fn run_exit_trap(&mut self, status: i32, fds: Fds) -> i32 {
        let Some(handler) = self.state.traps.remove(&0) else {
            return status;
        };
        if handler.is_empty() {
            return status;
        }
        let stop = self.stop.take();
        if matches!(stop, Some(Stop::Abort)) {
            self.stop = stop;
            return status;
        }
        self.state.last_status = status;
        self.run_handler(&handler, fds);
        match self.stop.take() {
            Some(Stop::Exit(c)) => c,
            _ => status,
        }
    }

    /// Runs a handler's text, `$?` kept as it was unless the handler exits.
    fn run_handler(&mut self, handler: &str, fds: Fds) {
        let saved = self.state.last_status;
        match super::parse::parse(handler) {
            Ok(list) => {
                self.run_list(&list, b"", fds);
            }
            Err(_) => {
                let msg = format!("kubelab: the trap handler {handler:?} does not parse");
                self.error(fds, &msg);
            }
        }
        if !matches!(self.stop, Some(Stop::Exit(_))) {
            self.state.last_status = saved;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::{Host, NoHost, Shell, Vfs};

    fn run(sh: &mut Shell, s: &str, host: &mut dyn Host) -> String {
        String::from_utf8(sh.run(s, host).combined).unwrap()
    }

    /// A host that delivers SIGTERM once, when asked for the `n`th time.
    struct Term(u32);
    impl Host for Term {
        fn exec(&mut self, _: crate::shell::Call<'_>) -> Option<i32> {
            None
        }
        fn sleep(&mut self, _: u64) -> bool {
            true
        }
        fn take_signal(&mut self) -> Option<&'static str> {
            self.0 = self.0.saturating_sub(1);
            (self.0 == 1).then_some("TERM")
        }
    }

    #[test]
    fn the_workstation_keeps_traps_and_lists_them_as_bash() {
        let mut sh = Shell::new(Vfs::new());
        let h = &mut NoHost::default();
        assert_eq!(
            run(&mut sh, "trap 'echo bye' EXIT TERM; trap", h),
            "trap -- 'echo bye' EXIT\ntrap -- 'echo bye' SIGTERM\n"
        );
        assert_eq!(
            run(&mut sh, "trap - TERM; trap EXIT; trap; echo $?", h),
            "0\n"
        );
        assert_eq!(
            run(&mut sh, "trap x NOPE; echo $?", h),
            "kubelab: trap: NOPE: invalid signal specification\n1\n"
        );
        // The workstation's shell never exits: its EXIT trap never runs.
        assert_eq!(run(&mut sh, "trap 'echo bye' EXIT; echo hi", h), "hi\n");
    }

    #[test]
    fn a_signal_runs_its_handler_after_the_command_and_exit_runs_the_exit_trap() {
        let mut sh = Shell::new(Vfs::new());
        sh.exit_trap = true;
        let out = sh.run(
            "trap 'echo caught $?; exit 5' TERM; trap 'echo exit $?' EXIT; false; echo never",
            &mut Term(4),
        );
        assert_eq!(
            String::from_utf8(out.combined).unwrap(),
            "caught 1\nexit 5\n"
        );
        assert_eq!(out.exit, Some(5));
        // Untrapped, the signal changes nothing (PID 1).
        let mut sh = Shell::new(Vfs::new());
        assert_eq!(
            run(&mut sh, "true; echo still here", &mut Term(2)),
            "still here\n"
        );
    }

    #[test]
    fn exec_ends_the_shell_with_the_commands_status() {
        let mut sh = Shell::new(Vfs::new());
        let out = sh.run("echo a; exec false; echo b", &mut NoHost::default());
        assert_eq!(String::from_utf8(out.combined).unwrap(), "a\n");
        assert_eq!(out.exit, Some(1));
        let mut sh = Shell::new(Vfs::new());
        assert_eq!(
            run(&mut sh, "exec; echo on", &mut NoHost::default()),
            "on\n"
        );
        assert_eq!(
            run(&mut sh, "exec >/dev/null; echo $?", &mut NoHost::default()),
            "kubelab does not support exec with redirections alone (redirecting the rest of the script)\n2\n"
        );
    }

    #[test]
    fn signals_and_quoting() {
        assert_eq!(decode("TERM", Dialect::Dash), Some(15));
        assert_eq!(decode("SIGTERM", Dialect::Dash), None);
        assert_eq!(decode("SIGTERM", Dialect::Ash), Some(15));
        assert_eq!(decode("term", Dialect::Bash), Some(15));
        assert_eq!(decode("0", Dialect::Ash), Some(0));
        assert_eq!(decode("FOO", Dialect::Ash), None);
        assert_eq!(name_of(15, Dialect::Bash), "SIGTERM");
        assert_eq!(name_of(0, Dialect::Bash), "EXIT");
        assert_eq!(name_of(15, Dialect::Ash), "TERM");
        assert_eq!(quote("it's", Dialect::Dash), "'it'\"'\"'s'");
        assert_eq!(quote("it's", Dialect::Bash), "'it'\\''s'");
    }
}
