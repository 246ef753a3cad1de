//! How each shell words its own errors (`Profile::dialect`): the workstation's kubelab shell
//! (bash's words after `kubelab: `), GNU bash, busybox ash and dash. The name that starts a
//! message is the profile's (`argv[0]`: `sh`, `bash`, `dash`). See
//! `../shared/reference/containers.md` §2 and the shells' sources (bash `error.c`
//! `error_prolog`, busybox `ash.c` `ash_vmsg`/`openredirect`, dash `error.c` `errmsg`).

use super::parse::{self, ParseError};
use super::profile::{Dialect, Profile};
use super::vfs::VfsError;

/// The words before a message of the shell's (a failed redirection, a bad substitution).
/// bash running a script (`-c` or standard input) gives the line (`bash: line 1: `, bash 5.1
/// and later), dash always does (`sh: 1: `), busybox ash does not for these messages.
pub fn prefix(p: &Profile, line: usize) -> String {
    prefix_named(p, line, false)
}

/// [`prefix`] for a shell whose script has a name (`sh script.sh`, `sh -c SCRIPT NAME`):
/// busybox ash then gives the line too (`ash_vmsg` when `commandname` is set).
pub fn prefix_named(p: &Profile, line: usize, named: bool) -> String {
    match p.dialect {
        Dialect::Ash if named => format!("{}: line {line}: ", p.name),
        Dialect::Kubelab => format!("{}: ", p.name),
        // Line 0: an interactive shell, which names none.
        Dialect::Bash if line == 0 => format!("{}: ", p.name),
        Dialect::Bash => format!("{}: line {line}: ", p.name),
        Dialect::Ash => format!("{}: ", p.name),
        Dialect::Dash => format!("{}: {line}: ", p.name),
    }
}

/// A command that is not there (status 127).
pub fn not_found(p: &Profile, line: usize, cmd: &str) -> String {
    not_found_named(p, line, cmd, false)
}

/// [`not_found`] in a named script (see [`prefix_named`]).
pub fn not_found_named(p: &Profile, line: usize, cmd: &str, named: bool) -> String {
    let prefix = |p: &Profile, line| prefix_named(p, line, named);
    match p.dialect {
        Dialect::Kubelab => format!("{}: command not found: {cmd}\n", p.name),
        // bash looks a name with a `/` up as a path: execve's error.
        Dialect::Bash if cmd.contains('/') => {
            format!("{}{cmd}: No such file or directory\n", prefix(p, line))
        }
        Dialect::Bash => format!("{}{cmd}: command not found\n", prefix(p, line)),
        Dialect::Ash | Dialect::Dash => format!("{}{cmd}: not found\n", prefix(p, line)),
    }
}

/// A file an output redirection cannot create (`named`: see [`prefix_named`]).
pub fn cannot_create(p: &Profile, line: usize, target: &str, e: VfsError, named: bool) -> String {
    let prefix = |p: &Profile, line| prefix_named(p, line, named);
    match p.dialect {
        Dialect::Kubelab | Dialect::Bash => format!("{}{target}: {e}\n", prefix(p, line)),
        // ash: `errmsg(errno, "nonexistent directory")`; dash: E_CREAT's "Directory nonexistent".
        Dialect::Ash => {
            let why = match e {
                VfsError::NotFound | VfsError::NotDir => "nonexistent directory".to_string(),
                e => e.to_string(),
            };
            format!("{}can't create {target}: {why}\n", prefix(p, line))
        }
        Dialect::Dash => {
            let why = match e {
                VfsError::NotFound | VfsError::NotDir => "Directory nonexistent".to_string(),
                e => e.to_string(),
            };
            format!("{}cannot create {target}: {why}\n", prefix(p, line))
        }
    }
}

/// A file an input redirection cannot open (`named`: see [`prefix_named`]).
pub fn cannot_open(p: &Profile, line: usize, target: &str, e: VfsError, named: bool) -> String {
    let prefix = |p: &Profile, line| prefix_named(p, line, named);
    match p.dialect {
        Dialect::Kubelab | Dialect::Bash => format!("{}{target}: {e}\n", prefix(p, line)),
        Dialect::Ash => {
            let why = match e {
                VfsError::NotFound | VfsError::NotDir => "no such file".to_string(),
                e => e.to_string(),
            };
            format!("{}can't open {target}: {why}\n", prefix(p, line))
        }
        Dialect::Dash => {
            let why = match e {
                VfsError::NotFound | VfsError::NotDir => "No such file".to_string(),
                e => e.to_string(),
            };
            format!("{}cannot open {target}: {why}\n", prefix(p, line))
        }
    }
}

/// The token a bash-worded syntax error is about (`done` in "syntax error near unexpected
/// token `done'").
fn unexpected_token(msg: &str) -> Option<&str> {
    msg.strip_prefix("syntax error near unexpected token `")?
        .strip_suffix('\'')
}

/// How ash and dash name a token in a syntax error (busybox `tokname`): the first four kinds
/// bare (`end of file`, `newline`, `redirection`, `word`), operators and keywords quoted.
fn token_name(t: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in",
        "then", "until", "while", "{", "}",
    ];
    const OPERATORS: &[&str] = &[";", "&", "&&", "||", "|", "(", ")", ";;", "`"];
    match t {
        "newline" => "newline".into(),
        _ if KEYWORDS.contains(&t) || OPERATORS.contains(&t) => format!("\"{t}\""),
        _ if t.starts_with(['<', '>']) || t == "&>" => "redirection".into(),
        _ => "word".into(),
    }
}

/// The line of `src` where its first syntax error is: the first line whose prefix of the
/// input no longer parses (bounded: scripts past 500 lines are numbered at their last line).
fn error_line(src: &str) -> (usize, String) {
    let lines: Vec<&str> = src.split('\n').collect();
    let n = lines.len().min(500);
    let mut text = String::new();
    for (i, l) in lines.iter().take(n).enumerate() {
        text.push_str(l);
        text.push('\n');
        if matches!(parse::parse(&text), Err(ParseError::Syntax(_))) {
            return (i + 1, l.to_string());
        }
    }
    let last = lines.iter().rev().find(|l| !l.is_empty()).unwrap_or(&"");
    (n.max(1), last.to_string())
}

/// What a compound command left open at the end of `src` waits for (`done`, `fi`, ...), as
/// ash and dash name it: the first closing word that, appended, does not make a syntax error.
fn expecting(src: &str) -> Option<&'static str> {
    ["done", "fi", "then", "do", "}", ")", ";;", "in"]
        .into_iter()
        .find(|w| {
            !matches!(
                parse::parse(&format!("{src}\n{w}\n")),
                Err(ParseError::Syntax(_))
            )
        })
}

/// A syntax error in `src` (the whole input), as the shell prints it; `msg` is bash's wording
/// (`syntax error near unexpected token `done'`), `command_string` whether `src` came with
/// `-c`.
pub fn syntax_error(p: &Profile, src: &str, msg: &str, command_string: bool) -> String {
    syntax_error_named(p, src, msg, command_string, false)
}

/// [`syntax_error`] in a named script (see [`prefix_named`]).
pub fn syntax_error_named(
    p: &Profile,
    src: &str,
    msg: &str,
    command_string: bool,
    named: bool,
) -> String {
    let name = &p.name;
    match p.dialect {
        Dialect::Kubelab => format!("{name}: {msg}\n"),
        Dialect::Bash => {
            let (line, text) = error_line(src);
            let c = if command_string { "-c: " } else { "" };
            format!("{name}: {c}line {line}: {msg}\n{name}: {c}line {line}: `{text}'\n")
        }
        Dialect::Ash => {
            let prefix = prefix_named(p, error_line(src).0, named);
            match unexpected_token(msg) {
                Some(t) => format!("{prefix}syntax error: unexpected {}\n", token_name(t)),
                None => format!("{prefix}{msg}\n"),
            }
        }
        Dialect::Dash => {
            let (line, _) = error_line(src);
            match unexpected_token(msg) {
                Some(t) => format!(
                    "{name}: {line}: Syntax error: {} unexpected\n",
                    token_name(t)
                ),
                None => format!("{name}: {line}: {msg}\n"),
            }
        }
    }
}

/// The input ends inside a compound command or a quote. `bash_msg` is what bash says.
pub fn eof_error(p: &Profile, src: &str, bash_msg: &str, command_string: bool) -> String {
    eof_error_named(p, src, bash_msg, command_string, false)
}

/// [`eof_error`] in a named script (see [`prefix_named`]).
pub fn eof_error_named(
    p: &Profile,
    src: &str,
    bash_msg: &str,
    command_string: bool,
    named: bool,
) -> String {
    let name = &p.name;
    let lines = src.trim_end_matches('\n').split('\n').count().max(1);
    let ash = prefix_named(p, lines, named);
    let quote = bash_msg.starts_with("unexpected EOF while looking for matching");
    match p.dialect {
        Dialect::Kubelab => format!("{name}: {bash_msg}\n"),
        Dialect::Bash => {
            let line = src.trim_end_matches('\n').split('\n').count().max(1);
            let c = if command_string { "-c: " } else { "" };
            format!("{name}: {c}line {line}: {bash_msg}\n")
        }
        Dialect::Ash if quote => format!("{ash}syntax error: unterminated quoted string\n"),
        Dialect::Ash => match expecting(src) {
            Some(w) => {
                format!("{ash}syntax error: unexpected end of file (expecting \"{w}\")\n")
            }
            None => format!("{ash}syntax error: unexpected end of file\n"),
        },
        Dialect::Dash => {
            let line = src.trim_end_matches('\n').split('\n').count().max(1);
            if quote {
                format!("{name}: {line}: Syntax error: Unterminated quoted string\n")
            } else {
                match expecting(src) {
                    Some(w) => format!(
                        "{name}: {line}: Syntax error: end of file unexpected (expecting \"{w}\")\n"
                    ),
                    None => format!("{name}: {line}: Syntax error: end of file unexpected\n"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::Userland;

    fn profile(name: &str, dialect: Dialect) -> Profile {
        Profile {
            name: name.into(),
            dialect,
            userland: Userland::Busybox,
            programs: Some(Default::default()),
        }
    }

    #[test]
    fn syntax_errors_in_each_dialect() {
        let src = "git clone x; done;";
        let msg = "syntax error near unexpected token `done'";
        assert_eq!(
            syntax_error(&profile("sh", Dialect::Ash), src, msg, true),
            "sh: syntax error: unexpected \"done\"\n"
        );
        assert_eq!(
            syntax_error(&profile("bash", Dialect::Bash), src, msg, true),
            "bash: -c: line 1: syntax error near unexpected token `done'\nbash: -c: line 1: `git clone x; done;'\n"
        );
        assert_eq!(
            syntax_error(&profile("sh", Dialect::Dash), src, msg, true),
            "sh: 1: Syntax error: \"done\" unexpected\n"
        );
        let nl = "syntax error near unexpected token `newline'";
        assert_eq!(
            syntax_error(&profile("sh", Dialect::Ash), "echo >", nl, true),
            "sh: syntax error: unexpected newline\n"
        );
        assert_eq!(
            syntax_error_named(
                &profile("s.sh", Dialect::Ash),
                "a\nfi",
                "syntax error near unexpected token `fi'",
                false,
                true
            ),
            "s.sh: line 2: syntax error: unexpected \"fi\"\n"
        );
        let open = "for i in 1 2; do echo $i; ";
        assert_eq!(
            eof_error(
                &profile("sh", Dialect::Ash),
                open,
                "syntax error: unexpected end of file",
                true
            ),
            "sh: syntax error: unexpected end of file (expecting \"done\")\n"
        );
        assert_eq!(
            eof_error(
                &profile("sh", Dialect::Ash),
                "if true; then echo",
                "syntax error: unexpected end of file",
                true
            ),
            "sh: syntax error: unexpected end of file (expecting \"fi\")\n"
        );
        // Checked against busybox 1.36 and dash 0.5.12.
        let eof = "syntax error: unexpected end of file";
        for (src, want) in [
            ("case x in a) echo", ";;"),
            ("case x", "in"),
            ("f() { echo", "}"),
        ] {
            assert_eq!(
                eof_error(&profile("sh", Dialect::Ash), src, eof, true),
                format!("sh: syntax error: unexpected end of file (expecting \"{want}\")\n")
            );
            assert_eq!(
                eof_error(&profile("sh", Dialect::Dash), src, eof, true),
                format!("sh: 1: Syntax error: end of file unexpected (expecting \"{want}\")\n")
            );
        }
        let esac = "syntax error near unexpected token `esac'";
        let src = "case x in a) echo;; esac esac";
        assert_eq!(
            syntax_error(&profile("sh", Dialect::Ash), src, esac, true),
            "sh: syntax error: unexpected \"esac\"\n"
        );
        assert_eq!(
            syntax_error(&profile("sh", Dialect::Dash), src, esac, true),
            "sh: 1: Syntax error: \"esac\" unexpected\n"
        );
        assert_eq!(
            syntax_error(&profile("bash", Dialect::Bash), src, esac, true),
            "bash: -c: line 1: syntax error near unexpected token `esac'\nbash: -c: line 1: `case x in a) echo;; esac esac'\n"
        );
    }

    #[test]
    fn not_found_in_each_dialect() {
        assert_eq!(
            not_found(&profile("sh", Dialect::Ash), 1, "git"),
            "sh: git: not found\n"
        );
        assert_eq!(
            not_found(&profile("bash", Dialect::Bash), 1, "git"),
            "bash: line 1: git: command not found\n"
        );
        assert_eq!(
            not_found(&profile("sh", Dialect::Dash), 1, "git"),
            "sh: 1: git: not found\n"
        );
        assert_eq!(
            not_found(&Profile::workstation(), 1, "git"),
            "kubelab: command not found: git\n"
        );
    }
}
