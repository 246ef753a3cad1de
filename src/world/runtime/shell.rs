//! A container's shells (`sh`, `bash`, `ash`, `dash`) and its other programs, run in the shell
//! engine with the image's profile: its shell's name and wording, its userland, and only the
//! programs the image has.

use std::collections::{BTreeMap, BTreeSet};

use crate::shell::{Dialect, Host, Profile, Shell, Sink, Userland, Vfs};
use crate::world::registry::rootfs::RootFs;

/// One program to run.
pub(super) struct Run<'a> {
    /// The program `argv[0]` resolved to (`dash` for a Debian image's `sh`).
    pub program: &'a str,
    pub argv: &'a [String],
    pub stdin: &'a [u8],
    /// The environment, in order.
    pub env: &'a [(String, String)],
    pub cwd: &'a str,
}

/// What a shell needs to know of its image: what `/bin/sh` is, whose utilities it has, and its
/// programs (path → name). A container's main process carries its own copy to its thread.
#[derive(Debug, Clone, Copy)]
pub(super) struct ImageShells<'a> {
    pub sh: Option<Dialect>,
    pub userland: Userland,
    pub programs: &'a BTreeMap<String, String>,
}

impl<'a> From<&'a RootFs> for ImageShells<'a> {
    fn from(r: &'a RootFs) -> Self {
        ImageShells {
            sh: r.sh,
            userland: r.userland,
            programs: &r.programs,
        }
    }
}

/// Whose wording a shell program of this image takes (`sh` is what the image's `/bin/sh` is).
pub(super) fn dialect_of(program: &str, image: ImageShells<'_>) -> Dialect {
    match program {
        "bash" => Dialect::Bash,
        "dash" => Dialect::Dash,
        "ash" => Dialect::Ash,
        _ => image.sh.unwrap_or(Dialect::Ash),
    }
}

/// The profile of a shell of this image named `name` (its `argv[0]`): the programs are the
/// image's that are still among the container's files.
pub(super) fn profile(image: ImageShells<'_>, vfs: &Vfs, name: &str, dialect: Dialect) -> Profile {
    let programs: BTreeSet<String> = image
        .programs
        .keys()
        .filter(|p| vfs.is_file(p))
        .map(|p| crate::shell::vfs::file_name(p).to_string())
        .collect();
    Profile {
        name: name.to_string(),
        dialect,
        userland: image.userland,
        programs: Some(programs),
    }
}

/// A shell session over the container's files with its environment and working directory.
pub(super) fn session(vfs: Vfs, profile: Profile, env: &[(String, String)], cwd: &str) -> Shell {
    let mut sh = Shell::new(vfs);
    for k in sh.state.environment().keys() {
        sh.state.unset(k);
    }
    for (k, v) in env {
        sh.state.export(k, Some(v));
    }
    if sh.state.set_cwd(cwd).is_err() {
        let _ = sh.state.set_cwd("/");
    }
    // What `cd` left behind: a new process starts with the environment it was given.
    sh.state.unset("OLDPWD");
    sh.state
        .export("PWD", Some(sh.state.cwd().to_string().as_str()));
    sh.state.profile = profile;
    sh.record_streams();
    sh
}

/// Runs `script` and passes what it wrote on; returns (status, the files).
fn run_script(
    host: &mut dyn Host,
    mut sh: Shell,
    script: &str,
    stdin: &[u8],
    out: Sink<'_>,
) -> (i32, Vfs) {
    let o = sh.run_with_stdin(script, stdin, host);
    for (is_err, bytes) in sh.take_streams() {
        if !out(is_err, &bytes) {
            break;
        }
    }
    (o.status, std::mem::take(&mut sh.state.vfs))
}

/// A usage error of a shell, in its wording (status 2).
fn usage(dialect: Dialect, name: &str, bash: &str, ash: &str, dash: &str) -> String {
    match dialect {
        Dialect::Bash | Dialect::Kubelab => format!("{name}: {bash}\n"),
        Dialect::Ash => format!("{name}: {ash}\n"),
        Dialect::Dash => format!("{name}: 0: {dash}\n"),
    }
}

/// A shell ready to run its script: the session, the script and its standard input.
pub(super) struct Prepared {
    pub sh: Shell,
    pub script: String,
    pub stdin: Vec<u8>,
}

/// Runs a shell program: `-c SCRIPT [NAME [ARGS...]]`, a script file, or the script on its
/// standard input.
pub(super) fn run_shell(
    host: &mut dyn Host,
    image: ImageShells<'_>,
    run: Run<'_>,
    vfs: Vfs,
    out: Sink<'_>,
) -> (i32, Vfs) {
    match prepare_shell(image, run, vfs, out) {
        Ok(p) => run_script(host, p.sh, &p.script, &p.stdin, out),
        Err(done) => done,
    }
}

/// Reads a shell program's arguments and sets up its session; a usage error or a script file
/// that cannot be read ends it at once (what it wrote is passed on).
pub(super) fn prepare_shell(
    image: ImageShells<'_>,
    run: Run<'_>,
    vfs: Vfs,
    out: Sink<'_>,
) -> Result<Prepared, (i32, Vfs)> {
    let dialect = dialect_of(run.program, image);
    let name = run.argv[0].as_str();
    let mut command_string = false;
    let mut from_stdin = false;
    let mut rest = &run.argv[1..];
    while let Some(a) = rest.first() {
        match a.as_str() {
            "-c" => command_string = true,
            "-s" => from_stdin = true,
            // No profile files in these images: a login shell starts as any other.
            "-l" | "--login" => {}
            "-" | "--" => {
                rest = &rest[1..];
                break;
            }
            o if o.starts_with('-') && o.len() > 1 => {
                let msg = format!(
                    "kubelab does not support the shell option {o} (kubelab's container shells take -c, -s and -l)\n"
                );
                out(true, msg.as_bytes());
                return Err((2, vfs));
            }
            _ => break,
        }
        rest = &rest[1..];
    }
    let named =
        (command_string && rest.len() > 1) || (!command_string && !from_stdin && !rest.is_empty());
    let (script, stdin, positional, arg0) = if command_string {
        let Some(script) = rest.first() else {
            let msg = usage(
                dialect,
                name,
                "-c: option requires an argument",
                "-c requires an argument",
                "-c requires an argument",
            );
            out(true, msg.as_bytes());
            return Err((2, vfs));
        };
        let arg0 = rest.get(1).cloned().unwrap_or_else(|| name.to_string());
        let positional = rest.iter().skip(2).cloned().collect();
        (script.clone(), run.stdin.to_vec(), positional, arg0)
    } else if let (Some(file), false) = (rest.first(), from_stdin) {
        let path = crate::shell::vfs::normalize(run.cwd, file);
        match vfs.read(&path) {
            Ok(b) => (
                String::from_utf8_lossy(b).into_owned(),
                run.stdin.to_vec(),
                rest[1..].to_vec(),
                file.clone(),
            ),
            Err(e) => {
                let (msg, status) = match dialect {
                    Dialect::Bash | Dialect::Kubelab => (format!("{name}: {file}: {e}\n"), 127),
                    // busybox `setinputfile`: exit status 127.
                    Dialect::Ash => (format!("{name}: can't open '{file}': {e}\n"), 127),
                    Dialect::Dash => (format!("{name}: 0: cannot open {file}: No such file\n"), 2),
                };
                out(true, msg.as_bytes());
                return Err((status, vfs));
            }
        }
    } else {
        // The script is the standard input, read to its end: the commands find it consumed.
        (
            String::from_utf8_lossy(run.stdin).into_owned(),
            Vec::new(),
            rest.to_vec(),
            name.to_string(),
        )
    };
    let profile = profile(image, &vfs, &arg0, dialect);
    let mut sh = session(vfs, profile, run.env, run.cwd);
    sh.state.command_string = command_string;
    sh.state.script_named = named;
    sh.state.positional = positional;
    sh.exit_trap = true;
    Ok(Prepared { sh, script, stdin })
}

/// Quotes a word for the shell: as it is when it is plain, else in single quotes.
fn quote(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        return w.to_string();
    }
    format!("'{}'", w.replace('\'', "'\\''"))
}

/// Runs a program that is not a shell: the engine runs its argv as one command (a builtin
/// such as `ls`, or the host's `curl`, ...), with nothing expanded.
pub(super) fn run_program(
    host: &mut dyn Host,
    image: ImageShells<'_>,
    run: Run<'_>,
    vfs: Vfs,
    out: Sink<'_>,
) -> (i32, Vfs) {
    let p = prepare_program(image, run, vfs);
    run_script(host, p.sh, &p.script, &p.stdin, out)
}

/// Sets up a program that is not a shell: its argv, quoted, as one command of a shell.
pub(super) fn prepare_program(image: ImageShells<'_>, run: Run<'_>, vfs: Vfs) -> Prepared {
    let dialect = image.sh.unwrap_or(Dialect::Ash);
    let profile = profile(image, &vfs, "sh", dialect);
    let mut sh = session(vfs, profile, run.env, run.cwd);
    sh.state.command_string = true;
    let line: Vec<String> = run.argv.iter().map(|a| quote(a)).collect();
    Prepared {
        sh,
        script: line.join(" "),
        stdin: run.stdin.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("ls"), "ls");
        assert_eq!(quote("/tmp/x"), "/tmp/x");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
        assert_eq!(quote(""), "''");
    }
}
