//! The shell's own commands. Each family lives in its own file; `run` finds a builtin by name.

mod base64;
mod df;
mod files;
mod fsfmt;
mod grep;
mod head_tail;
mod jq;
mod links;
mod ls;
mod misc;
mod pattern;
mod perm;
mod printf;
mod sed;
mod sed_options;
mod sed_script;
mod seq;
mod stat;
mod test;
mod text;

pub use sed::edit_with_sed;

use super::exec::{Exec, Fds};

/// Commands a student might try that the workstation does not have, answered plainly.
pub const UNAVAILABLE: &[&str] = &[
    "awk", "vi", "vim", "nano", "emacs", "watch", "python", "python3", "perl", "ssh", "scp",
    "sudo", "apt", "apt-get", "yum", "dnf", "docker", "podman", "wget", "git", "make", "less",
    "more", "top", "ps", "kill", "nohup",
];

/// The shell's builtins proper, which every shell has whatever its image holds (the other
/// builtins stand for programs: a container's shell runs them only if its image has them).
pub const SHELL_BUILTINS: &[&str] = &[
    ":", "[", "break", "cd", "continue", "echo", "exit", "export", "false", "local", "printf",
    "pwd", "return", "shift", "test", "trap", "true", "type", "unset", "wait",
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
        ":", "[", "base64", "basename", "break", "cat", "cd", "chmod", "chown", "clear",
        "continue", "cp", "cut", "date", "df", "dirname", "echo", "env", "exit", "export", "false",
        "grep", "head", "jq", "ln", "ls", "mkdir", "mount", "mv", "printf", "pwd", "readlink",
        "rm", "rmdir", "sed", "seq", "sleep", "sort", "stat", "tail", "tee", "test", "touch", "tr",
        "true", "type", "uniq", "unset", "wc", "which",
    ]
}

/// Runs `argv[0]` if it is a builtin.
pub(crate) fn run(x: &mut Exec<'_>, argv: &[String], stdin: &[u8], fds: Fds) -> Option<i32> {
    let args = &argv[1..];
    let out = match argv[0].as_str() {
        "echo" => misc::echo(args),
        "printf" => printf::printf(x, args),
        "true" | ":" => Out::status(0),
        "false" => Out::status(1),
        "sleep" => misc::sleep(x, args),
        "exit" => return Some(misc::exit(x, args, fds)),
        "trap" => return Some(x.trap_builtin(args, fds)),
        "wait" => return Some(x.wait_builtin(args, fds)),
        "break" | "continue" => return Some(misc::loop_control(x, &argv[0], args, fds)),
        "return" => return Some(x.return_builtin(args, fds)),
        "local" => return Some(x.local_builtin(args, fds)),
        "shift" => return Some(x.shift_builtin(args, fds)),
        "export" => misc::export(x, args),
        "unset" => {
            args.iter().for_each(|a| x.state.unset(a));
            Out::status(0)
        }
        "env" => misc::env(x, args, stdin, fds),
        "test" => test::test("test", args, x),
        "[" => match args.last().map(String::as_str) {
            Some("]") => test::test("[", &args[..args.len() - 1], x),
            _ => Out::err("kubelab: [: missing `]'\n", 2),
        },
        "seq" => seq::seq(x, args),
        "date" => misc::date(x, args),
        "clear" => Out::ok("\u{1b}[H\u{1b}[2J\u{1b}[3J"),
        "type" | "which" => misc::type_of(x, &argv[0], args),
        "basename" => misc::basename(args),
        "dirname" => misc::dirname(args),
        "cat" => text::cat(x, args, stdin),
        "sed" => sed::sed(x, args, stdin),
        "jq" => jq::jq(x, args, stdin),
        "base64" => base64::base64(x, args, stdin),
        "grep" => grep::grep(x, args, stdin),
        "head" => head_tail::head_tail(x, "head", args, stdin),
        "tail" => head_tail::head_tail(x, "tail", args, stdin),
        "wc" => text::wc(x, args, stdin),
        "sort" => text::sort(x, args, stdin),
        "uniq" => text::uniq(x, args, stdin),
        "cut" => text::cut(x, args, stdin),
        "tr" => text::tr(x, args, stdin),
        "tee" => text::tee(x, args, stdin),
        "ls" => ls::ls(x, args, fds.err),
        "stat" => stat::stat(x, args),
        "ln" => links::ln(x, args),
        "readlink" => links::readlink(x, args),
        "chmod" => perm::chmod(x, args),
        "chown" => perm::chown(x, args),
        "df" => df::df(x, args),
        "mount" => df::mount(x, args),
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

/// The most a command reads from files and its standard input together (the size of all the
/// workstation's files): what it holds in memory stays bounded however often a file is named.
pub(crate) const INPUT_BYTES: usize = 64 << 20;

/// Output bytes the input may still write before the executor truncates it: a command that
/// generates output stops once it has this much (plus one line), so nothing grows past the cap.
pub(crate) fn room(x: &Exec<'_>) -> usize {
    x.io.room()
}

/// Reads the named inputs (`-`, `/dev/stdin` or none is stdin); errors as `cmd: name: message`.
pub(crate) fn inputs(
    x: &Exec<'_>,
    cmd: &str,
    names: &[String],
    stdin: &[u8],
    err: &mut String,
) -> Vec<(String, Vec<u8>)> {
    inputs_with(x, cmd, names, stdin, err, |n, e| {
        format!("{cmd}: {n}: {e}\n")
    })
}

/// [`inputs`] with the command's own wording for a file it cannot read.
pub(crate) fn inputs_with(
    x: &Exec<'_>,
    cmd: &str,
    names: &[String],
    stdin: &[u8],
    err: &mut String,
    cannot_read: impl Fn(&str, crate::shell::vfs::VfsError) -> String,
) -> Vec<(String, Vec<u8>)> {
    if names.is_empty() {
        return vec![("-".into(), stdin.to_vec())];
    }
    let mut out = Vec::new();
    let mut total = 0usize;
    let mut stdin = Some(stdin);
    for n in names {
        let data = if n == "-" || n == "/dev/stdin" {
            // The first read takes all of it; a second `-` finds it at its end.
            stdin.take().unwrap_or_default().to_vec()
        } else {
            match x.state.read_file(n) {
                Ok(b) => b,
                Err(e) => {
                    err.push_str(&cannot_read(n, e));
                    continue;
                }
            }
        };
        total += data.len();
        if total > INPUT_BYTES {
            err.push_str(&format!(
                "kubelab: {cmd}: the inputs add up to more than {} MiB, kubelab's limit for one command\n",
                INPUT_BYTES >> 20
            ));
            break;
        }
        out.push((n.clone(), data));
    }
    out
}
