//! `oc rsh [-c CONTAINER] [-t|-T] (POD | TYPE/NAME) [COMMAND [ARGS...]]` (openshift/oc
//! `pkg/cli/rsh/rsh.go`): `oc exec -i` with a TTY when standard input is a terminal, running
//! `/bin/sh` (or `--shell`) when no command is given. Flags stop at the resource name; the
//! rest is the command, and `--` is refused as rsh does.

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};

const USAGE: &str = "expected 'rsh [-c CONTAINER] [flags] (POD | TYPE/NAME) COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the rsh command";

/// Runs `oc rsh`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let usage = |message: &str| Failure::Usage {
        command: f.command_line_name(),
        message: message.to_string(),
    };
    let args = f.args();
    // `--` before the resource (the parser's dash arguments), or right after it.
    let dash_at = args.iter().position(|a| a == "--");
    if !f.dash_args().is_empty() || args.is_empty() || matches!(dash_at, Some(0 | 1)) {
        return Err(usage(USAGE));
    }
    if !f.strings("filename").is_empty() {
        return Err(Failure::Unsupported(
            "oc rsh -f (a pod named in a file)".into(),
        ));
    }
    let (force, disable) = (f.boolean("tty"), f.boolean("no-tty"));
    if force && disable {
        return Err(usage("you may not specify -t and -T together"));
    }
    let terminal = ctx.waits.interactive && ctx.stdin.is_empty();
    let tty = force || (!disable && terminal);
    let mut argv: Vec<String> = vec!["exec".into(), "-i".into()];
    if tty {
        argv.push("-t".into());
    }
    if let Some(c) = f.string("container") {
        argv.extend(["-c".into(), c]);
    }
    if let Some(ns) = f.string("namespace") {
        argv.extend(["-n".into(), ns]);
    }
    argv.push(args[0].clone());
    argv.push("--".into());
    if args.len() > 1 {
        argv.extend(args[1..].iter().cloned());
    } else {
        argv.push(f.string("shell").unwrap_or_else(|| "/bin/sh".into()));
    }
    let inv = crate::kubectl::cli::parse::parse("oc", &argv)?;
    crate::kubectl::verbs::logs_exec::exec(ctx, &inv)
}
