//! An editor command line (`KUBE_EDITOR`, `EDITOR`, `vi OPTIONS`) checked before anything
//! runs on the host: a program name, not a path; not a shell, interpreter or launcher; plain
//! options only.

use crate::shell::vfs;

/// Programs that run their file (or a command) rather than edit it: shells, interpreters and
/// launchers. Compared with the program's name and, on the host, with the file it resolves to.
const NOT_EDITORS: &[&str] = &[
    "sh",
    "bash",
    "rbash",
    "zsh",
    "dash",
    "ash",
    "ksh",
    "mksh",
    "pdksh",
    "oksh",
    "yash",
    "posh",
    "fish",
    "csh",
    "tcsh",
    "elvish",
    "nu",
    "xonsh",
    "pwsh",
    "powershell",
    "busybox",
    "toybox",
    "env",
    "exec",
    "command",
    "nohup",
    "sudo",
    "doas",
    "su",
    "runuser",
    "pkexec",
    "setsid",
    "nice",
    "ionice",
    "timeout",
    "time",
    "stdbuf",
    "xargs",
    "chroot",
    "unshare",
    "nsenter",
    "flock",
    "taskset",
    "chrt",
    "systemd-run",
    "at",
    "batch",
    "watch",
    "script",
    "screen",
    "tmux",
    "expect",
    "strace",
    "ltrace",
    "gdb",
    "lldb",
    "valgrind",
    "ssh",
    "rsh",
    "nc",
    "ncat",
    "netcat",
    "socat",
    "parallel",
    "make",
    "gmake",
    "cmake",
    "m4",
    "awk",
    "gawk",
    "mawk",
    "nawk",
    "sed",
    "dc",
    "bc",
    "jq",
    "R",
    "Rscript",
    "julia",
    "java",
    "jshell",
    "scala",
    "groovy",
    "kotlin",
    "sbcl",
    "clisp",
    "ecl",
    "racket",
    "ocaml",
    "ghc",
    "ghci",
    "runghc",
    "runhaskell",
    "swift",
    "dotnet",
    "mono",
    "osascript",
    "irb",
    "deno",
    "bun",
    "nodejs",
    "luajit",
    "qjs",
];

/// Families of interpreters, with or without a version (`python3.11`, `perl5.36`, `guile-3.0`).
const NOT_EDITOR_FAMILIES: &[&str] = &[
    "python", "pypy", "perl", "ruby", "node", "php", "lua", "tclsh", "wish", "guile",
];

/// Whether a program name is a shell, interpreter or launcher.
pub(super) fn not_an_editor(name: &str) -> bool {
    NOT_EDITORS.contains(&name)
        || NOT_EDITOR_FAMILIES.iter().any(|f| {
            name.strip_prefix(f).is_some_and(|rest| {
                rest.chars()
                    .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            })
        })
}

/// A plain option: `-x`, `-abc`, `--name`, `--with-dash`; no value, no `=`.
fn plain_option(a: &str) -> bool {
    let body = a.strip_prefix("--").or_else(|| a.strip_prefix('-'));
    body.is_some_and(|b| {
        b.starts_with(|c: char| c.is_ascii_alphanumeric())
            && b.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// Checks a host editor command line (program name and options) before anything runs.
pub(super) fn check(argv: &[String]) -> Result<(), String> {
    let Some(name) = argv.first() else {
        return Err("no editor defined".into());
    };
    let shown = argv.join(" ");
    if name.contains('/') {
        let base = vfs::file_name(name);
        return Err(format!(
            "kubelab starts the editor by its name from your PATH, not {name:?}: set KUBE_EDITOR={base}"
        ));
    }
    if not_an_editor(name) {
        return Err(format!(
            "kubelab runs only an editor program on the host, not {name:?} (a shell, interpreter or launcher): set KUBE_EDITOR to your editor, e.g. KUBE_EDITOR=nano"
        ));
    }
    if let Some(bad) = argv[1..].iter().find(|a| !plain_option(a)) {
        return Err(format!(
            "kubelab passes only plain options such as -w or --wait to the editor, not {bad:?} (in {shown:?})"
        ));
    }
    Ok(())
}

/// Splits an editor command line into words (single and double quotes, backslashes).
pub(super) fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut any = false;
    let mut q: Option<char> = None;
    let mut it = cmd.chars();
    while let Some(c) = it.next() {
        match q {
            Some(qc) if c == qc => q = None,
            Some('"') if c == '\\' => {
                if let Some(n) = it.next() {
                    cur.push(n);
                }
            }
            Some(_) => cur.push(c),
            None => match c {
                '\'' | '"' => {
                    q = Some(c);
                    any = true;
                }
                '\\' => {
                    if let Some(n) = it.next() {
                        cur.push(n);
                    }
                }
                c if c.is_whitespace() => {
                    if any || !cur.is_empty() {
                        out.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                _ => cur.push(c),
            },
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn shells_interpreters_and_launchers_are_refused_by_name() {
        for e in [
            "sh -c 'id > FILE'",
            "bash",
            "dash",
            "zsh -c x",
            "env vi",
            "python3",
            "python3.11",
            "perl",
            "perl5.36",
            "ruby",
            "node",
            "nodejs",
            "busybox vi",
            "xargs vi",
            "sudo vi",
            "guile-3.0",
        ] {
            let err = check(&argv(e)).unwrap_err();
            assert!(
                err.starts_with("kubelab runs only an editor program"),
                "{e}: {err}"
            );
        }
        for e in [
            "vi",
            "vim -N",
            "nano -w",
            "code --wait",
            "emacs -nw",
            "nvim --clean",
            "hx",
        ] {
            assert_eq!(check(&argv(e)), Ok(()), "{e}");
        }
        // Not a plain option: a value, a command, a script.
        for e in [
            "vim -u NONE",
            "vim +10",
            "vim -c=!id",
            "emacs --eval=(x)",
            "vim -",
        ] {
            let err = check(&argv(e)).unwrap_err();
            assert!(
                err.starts_with("kubelab passes only plain options"),
                "{e}: {err}"
            );
        }
        let err = check(&argv("/tmp/x")).unwrap_err();
        assert!(
            err.starts_with("kubelab starts the editor by its name"),
            "{err}"
        );
        assert_eq!(
            check(&argv("./vi")).unwrap_err(),
            "kubelab starts the editor by its name from your PATH, not \"./vi\": set KUBE_EDITOR=vi"
        );
    }
}
