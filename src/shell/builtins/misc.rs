//! Everything else: `echo`, `sleep`, `exit`, `break`/`continue`, `export`, `env`, `date`,
//! `type`/`which`, `basename`, `dirname`. (`printf`, `test`/`[` and `seq` have their own files.)

use super::Out;
use crate::shell::escape::unescape;
use crate::shell::exec::{Exec, Fds, Stop};

pub(super) fn echo(args: &[String]) -> Out {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'))
        {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut text = args[i..].join(" ");
    if escapes {
        let (t, stop) = unescape(&text);
        text = t;
        if stop {
            return Out::ok(text);
        }
    }
    if newline {
        text.push('\n');
    }
    Out::ok(text)
}

/// `sleep 1`, `sleep 0.5`, `sleep 2m`: virtual time passes in the cluster.
pub(super) fn sleep(x: &mut Exec<'_>, args: &[String]) -> Out {
    if args.is_empty() {
        return Out::err(
            "sleep: missing operand\nTry 'sleep --help' for more information.\n",
            1,
        );
    }
    let mut total_ms: u64 = 0;
    for a in args {
        // GNU's and busybox's `sleep inf` / `sleep infinity` sleep for ever.
        if matches!(a.to_ascii_lowercase().as_str(), "inf" | "infinity") {
            total_ms = u64::MAX;
            continue;
        }
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1000.0),
            Some('m') => (&a[..a.len() - 1], 60_000.0),
            Some('h') => (&a[..a.len() - 1], 3_600_000.0),
            Some('d') => (&a[..a.len() - 1], 86_400_000.0),
            _ => (a.as_str(), 1000.0),
        };
        match num.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.is_finite() => {
                total_ms = total_ms.saturating_add((v * mult) as u64)
            }
            _ => {
                return Out::err(
                    format!(
                        "sleep: invalid time interval ‘{a}’\nTry 'sleep --help' for more information.\n"
                    ),
                    1,
                );
            }
        }
    }
    // The host decides how long a sleep may be (the workstation: one virtual day at most).
    x.slept_ms = x.slept_ms.saturating_add(total_ms.min(86_400_000));
    if !x.host.pause(total_ms, x.state) {
        x.stop = Some(Stop::Abort);
        return Out::status(130);
    }
    Out::status(0)
}

pub(super) fn exit(x: &mut Exec<'_>, args: &[String], fds: Fds) -> i32 {
    let code = match args.first() {
        None => x.state.last_status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                x.error(fds, &format!("exit: {a}: numeric argument required"));
                2
            }
        },
    };
    x.stop = Some(Stop::Exit(code));
    code
}

pub(super) fn loop_control(x: &mut Exec<'_>, which: &str, args: &[String], _fds: Fds) -> i32 {
    let n = args
        .first()
        .and_then(|a| a.parse::<u32>().ok())
        .unwrap_or(1)
        .max(1);
    x.stop = Some(if which == "break" {
        Stop::Break(n)
    } else {
        Stop::Continue(n)
    });
    0
}

pub(super) fn export(x: &mut Exec<'_>, args: &[String]) -> Out {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        let out: String = x
            .state
            .environment()
            .iter()
            .map(|(k, v)| {
                format!(
                    "declare -x {k}=\"{}\"\n",
                    v.replace('\\', "\\\\").replace('"', "\\\"")
                )
            })
            .collect();
        return Out::ok(out);
    }
    let mut err = String::new();
    for a in names {
        let (n, v) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !crate::shell::state::is_name(n) {
            err.push_str(&format!(
                "{}export: `{a}': not a valid identifier\n",
                crate::shell::dialect::prefix(&x.state.profile, x.line)
            ));
            continue;
        }
        x.state.export(n, v);
    }
    Out {
        stdout: vec![],
        status: if err.is_empty() { 0 } else { 1 },
        stderr: err.into_bytes(),
    }
}

pub(super) fn env(x: &mut Exec<'_>, args: &[String], stdin: &[u8], fds: Fds) -> Out {
    let mut i = 0;
    let saved = x.state.vars_snapshot();
    while let Some(a) = args.get(i) {
        match a.split_once('=') {
            Some((n, v)) if !n.is_empty() => x.state.export(n, Some(v)),
            _ => break,
        }
        i += 1;
    }
    let out = if i < args.len() {
        let status = x.invoke(&args[i..], stdin, fds);
        Out::status(status)
    } else {
        Out::ok(
            x.state
                .environment()
                .iter()
                .map(|(k, v)| format!("{k}={v}\n"))
                .collect::<String>(),
        )
    };
    x.state.restore_vars(saved);
    out
}

pub(super) fn date(x: &mut Exec<'_>, args: &[String]) -> Out {
    let secs = x.host.now();
    match args.first().map(String::as_str) {
        Some("+%s") => Out::ok(format!("{secs}\n")),
        None | Some("-u") => Out::ok(format!("{}\n", crate::calendar::unix_date(secs))),
        Some(other) => Out::err(
            format!(
                "kubelab: date: the format {other} is not supported (plain `date` and `date +%s` are)\n"
            ),
            1,
        ),
    }
}

/// `type` and `which` in a container's shell: the shell's builtins proper, then the image's
/// programs along `$PATH` (among the container's files).
fn type_in_container(x: &mut Exec<'_>, which: &str, args: &[String]) -> Out {
    let mut out = String::new();
    let mut err = String::new();
    let mut status = 0;
    let path_env = x.state.var("PATH").unwrap_or("").to_string();
    for a in args {
        if which == "type" && x.state.functions.contains_key(a) {
            function_type(x, a, &mut out, &mut err);
            continue;
        }
        if which == "type" && super::SHELL_BUILTINS.contains(&a.as_str()) {
            out.push_str(&format!("{a} is a shell builtin\n"));
            continue;
        }
        let found = path_env.split(':').find_map(|dir| {
            let p = x
                .state
                .resolve(&format!("{}/{a}", if dir.is_empty() { "." } else { dir }));
            (!a.contains('/') && x.state.vfs.is_file(&p) && x.host.program_at(&p).is_some())
                .then_some(p)
        });
        match (found, which) {
            (Some(p), "type") => out.push_str(&format!("{a} is {p}\n")),
            (Some(p), _) => out.push_str(&format!("{p}\n")),
            (None, "type") => {
                let p = &x.state.profile;
                match p.dialect {
                    crate::shell::Dialect::Bash => {
                        status = 1;
                        err.push_str(&format!(
                            "{}type: {a}: not found\n",
                            crate::shell::dialect::prefix(p, x.line)
                        ));
                    }
                    // ash and dash: on stdout, status 127.
                    _ => {
                        status = 127;
                        out.push_str(&format!("{a}: not found\n"));
                    }
                }
            }
            (None, _) => status = 1,
        }
    }
    Out {
        stdout: out.into_bytes(),
        stderr: err.into_bytes(),
        status,
    }
}

pub(super) fn type_of(x: &mut Exec<'_>, which: &str, args: &[String]) -> Out {
    if x.state.profile.programs.is_some() {
        return type_in_container(x, which, args);
    }
    let mut out = String::new();
    let mut status = 0;
    let programs = x.host.programs();
    let mut note = String::new();
    for a in args {
        if which == "type" && x.state.functions.contains_key(a) {
            function_type(x, a, &mut out, &mut note);
        } else if super::names().contains(&a.as_str()) {
            out.push_str(&if which == "type" {
                format!("{a} is a shell builtin\n")
            } else {
                format!("/usr/bin/{a}\n")
            });
        } else if programs.iter().any(|p| p == a) {
            out.push_str(&if which == "type" {
                format!("{a} is /usr/local/bin/{a}\n")
            } else {
                format!("/usr/local/bin/{a}\n")
            });
        } else {
            status = 1;
            if which == "type" {
                return Out {
                    stdout: out.into_bytes(),
                    stderr: format!("kubelab: type: {a}: not found\n").into_bytes(),
                    status,
                };
            }
        }
    }
    Out {
        stdout: out.into_bytes(),
        stderr: note.into_bytes(),
        status,
    }
}

/// `type NAME` for a function: dash says `a shell function`; bash also prints the definition,
/// which kubelab does not (it says so).
fn function_type(x: &Exec<'_>, a: &str, out: &mut String, err: &mut String) {
    match x.state.profile.dialect {
        crate::shell::Dialect::Dash => out.push_str(&format!("{a} is a shell function\n")),
        crate::shell::Dialect::Ash => out.push_str(&format!("{a} is a function\n")),
        _ => {
            out.push_str(&format!("{a} is a function\n"));
            err.push_str(&format!(
                "kubelab: type does not print the definition of the function {a}\n"
            ));
        }
    }
}

pub(super) fn basename(args: &[String]) -> Out {
    let Some(p) = args.first() else {
        return Out::err(
            "basename: missing operand\nTry 'basename --help' for more information.\n",
            1,
        );
    };
    let mut b = crate::shell::vfs::file_name(p).to_string();
    if let Some(suf) = args.get(1)
        && b.ends_with(suf.as_str())
        && b != *suf
    {
        b.truncate(b.len() - suf.len());
    }
    Out::ok(format!("{b}\n"))
}

pub(super) fn dirname(args: &[String]) -> Out {
    let Some(p) = args.first() else {
        return Out::err(
            "dirname: missing operand\nTry 'dirname --help' for more information.\n",
            1,
        );
    };
    let t = p.trim_end_matches('/');
    let d = match t.rfind('/') {
        Some(0) => "/",
        Some(i) => &t[..i],
        None => ".",
    };
    Out::ok(format!("{d}\n"))
}
