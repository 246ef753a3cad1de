//! The shell's own commands. Each family lives in its own file; `run` finds a builtin by name.

mod files;
mod jq;
mod misc;
mod sed;
mod text;

pub use sed::edit_with_sed;

use super::exec::{Exec, Fds};

/// Commands a student might try that the workstation does not have, answered plainly.
pub const UNAVAILABLE: &[&str] = &[
    "awk", "vi", "vim", "nano", "emacs", "watch", "python", "python3", "perl", "ssh", "scp",
    "sudo", "apt", "apt-get", "yum", "dnf", "docker", "podman", "helm", "wget", "git", "make",
    "less", "more", "top", "ps", "kill", "nohup",
];

/// A builtin's result.
pub(crate) struct Out {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
}

impl Out {
    pub fn ok(stdout: impl Into<Vec<u8>>) -> Out {
        Out {
            stdout: stdout.into(),
            stderr: Vec::new(),
            status: 0,
        }
    }
    pub fn err(stderr: impl Into<String>, status: i32) -> Out {
        Out {
            stdout: Vec::new(),
            stderr: stderr.into().into_bytes(),
            status,
        }
    }
    pub fn status(status: i32) -> Out {
        Out {
            stdout: Vec::new(),
            stderr: Vec::new(),
            status,
        }
    }
}

/// The names of every builtin (completion, `type`).
pub fn names() -> &'static [&'static str] {
    &[
        ":", "[", "base64", "basename", "break", "cat", "cd", "clear", "continue", "cp", "cut",
        "date", "dirname", "echo", "env", "exit", "export", "false", "grep", "head", "jq", "ls",
        "mkdir", "mv", "printf", "pwd", "rm", "rmdir", "sed", "seq", "sleep", "sort", "tail",
        "tee", "test", "touch", "tr", "true", "type", "uniq", "unset", "wc", "which",
    ]
}

/// Runs `argv[0]` if it is a builtin.
pub(crate) fn run(x: &mut Exec<'_>, argv: &[String], stdin: &[u8], fds: Fds) -> Option<i32> {
    let args = &argv[1..];
    let out = match argv[0].as_str() {
        "echo" => misc::echo(args),
        "printf" => misc::printf(args),
        "true" | ":" => Out::status(0),
        "false" => Out::status(1),
        "sleep" => misc::sleep(x, args),
        "exit" => return Some(misc::exit(x, args, fds)),
        "break" | "continue" => return Some(misc::loop_control(x, &argv[0], args, fds)),
        "export" => misc::export(x, args),
        "unset" => {
            args.iter().for_each(|a| x.state.unset(a));
            Out::status(0)
        }
        "env" => misc::env(x, args, stdin, fds),
        "test" => misc::test(args, x),
        "[" => match args.last().map(String::as_str) {
            Some("]") => misc::test(&args[..args.len() - 1], x),
            _ => Out::err("kubelab: [: missing `]'\n", 2),
        },
        "seq" => misc::seq(args),
        "date" => misc::date(x, args),
        "clear" => Out::ok("\u{1b}[H\u{1b}[2J\u{1b}[3J"),
        "type" | "which" => misc::type_of(x, &argv[0], args),
        "basename" => misc::basename(args),
        "dirname" => misc::dirname(args),
        "cat" => text::cat(x, args, stdin),
        "sed" => sed::sed(x, args, stdin),
        "jq" => jq::jq(x, args, stdin),
        "base64" => text::base64(x, args, stdin),
        "grep" => text::grep(x, args, stdin),
        "head" => text::head_tail(x, "head", args, stdin),
        "tail" => text::head_tail(x, "tail", args, stdin),
        "wc" => text::wc(x, args, stdin),
        "sort" => text::sort(x, args, stdin),
        "uniq" => text::uniq(x, args, stdin),
        "cut" => text::cut(x, args, stdin),
        "tr" => text::tr(args, stdin),
        "tee" => text::tee(x, args, stdin),
        "ls" => files::ls(x, args, fds.err),
        "mkdir" => files::mkdir(x, args),
        "rm" => files::rm(x, args),
        "rmdir" => files::rmdir(x, args),
        "cp" | "mv" => files::cp_mv(x, &argv[0], args),
        "touch" => files::touch(x, args),
        "cd" => files::cd(x, args),
        "pwd" => Out::ok(format!("{}\n", x.state.cwd())),
        _ => return None,
    };
    x.write(fds.out, &out.stdout);
    x.write(fds.err, &out.stderr);
    Some(out.status)
}

/// Reads the named inputs (`-` or none is stdin); errors as `cmd: name: message`.
pub(crate) fn inputs(
    x: &Exec<'_>,
    cmd: &str,
    names: &[String],
    stdin: &[u8],
    err: &mut String,
) -> Vec<(String, Vec<u8>)> {
    if names.is_empty() {
        return vec![("-".into(), stdin.to_vec())];
    }
    let mut out = Vec::new();
    for n in names {
        if n == "-" {
            out.push((n.clone(), stdin.to_vec()));
            continue;
        }
        match x.state.read_file(n) {
            Ok(b) => out.push((n.clone(), b)),
            Err(e) => err.push_str(&format!("{cmd}: {n}: {e}\n")),
        }
    }
    out
}
