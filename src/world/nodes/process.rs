//! What a container's main process does, from its image and its `command`/`args`
//! (Dockerfile ENTRYPOINT/CMD vs `command`/`args`): the image's own behaviour when run as built,
//! or a small interpretation of common shell one-liners (`echo … && sleep 3600`, `sleep 5`,
//! `exit 1`). A program the image does not contain fails to start, as runc reports it.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::world::clock::Millis;
use crate::world::registry::Image;

/// The plan of a container's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The argv that runs (entrypoint + cmd after overrides).
    pub argv: Vec<String>,
    /// Lines it writes to its log when it starts.
    pub logs: Vec<String>,
    /// `Some((after, code))`: exits with `code` `after` ms after starting.
    pub exit: Option<(Millis, i32)>,
    /// Time to become ready.
    pub ready_ms: Millis,
    /// Time to stop after SIGTERM.
    pub stop_ms: Millis,
    /// HTTP bodies it serves per port.
    pub http: BTreeMap<u16, String>,
    /// `Some(message)`: the process cannot even start (StartError).
    pub start_error: Option<String>,
    /// The command runs to its end at once (a script that does not wait, or does not parse):
    /// the kubelet runs it for real in the container when it starts, and its output and exit
    /// status are the container's.
    pub run_now: bool,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect()
    })
}

/// Plans the process of `container` (a pod spec container) running `image`.
pub fn plan(container: &Value, image: &Image) -> Process {
    let cfg = &image.spec.config;
    let behavior = &image.spec.behavior;
    let command = strings(container.get("command"));
    let args = strings(container.get("args"));
    let (entry, cmd) = match (&command, &args) {
        (Some(c), a) => (c.clone(), a.clone().unwrap_or_default()),
        (None, Some(a)) => (cfg.entrypoint.clone(), a.clone()),
        (None, None) => (cfg.entrypoint.clone(), cfg.cmd.clone()),
    };
    let argv: Vec<String> = entry.iter().chain(cmd.iter()).cloned().collect();
    let own = command.is_none() && args.is_none();
    let mut p = Process {
        argv: argv.clone(),
        logs: behavior.logs.clone(),
        exit: behavior.exit_code.map(|c| (behavior.run_ms, c)),
        ready_ms: behavior.ready_ms,
        stop_ms: behavior.stop_ms,
        http: behavior.http.clone(),
        start_error: None,
        run_now: false,
    };
    if own {
        return p;
    }
    let Some(program) = argv.first() else {
        p.start_error = Some("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: no command specified: unknown".into());
        return p;
    };
    // The runtime looks the program up in the image's files, along the image's PATH (or
    // containerd's default one).
    let path_env = cfg
        .env
        .iter()
        .find_map(|kv| kv.strip_prefix("PATH="))
        .unwrap_or(crate::world::registry::rootfs::DEFAULT_PATH);
    let cwd = if cfg.working_dir.is_empty() {
        "/"
    } else {
        cfg.working_dir.as_str()
    };
    let known = crate::world::registry::rootfs::rootfs_of(&image.spec)
        .find_program(program, path_env, cwd)
        .is_some();
    if !known {
        p.start_error = Some(format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown"
        ));
        p.exit = None;
        return p;
    }
    let is_image_server =
        cfg.entrypoint.first() == Some(program) || cfg.cmd.first() == Some(program);
    if is_image_server && !matches!(program.as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash") {
        // The image's own program with other arguments: same behaviour.
        return p;
    }
    // A shell one-liner or a plain utility: interpret it.
    p.http.clear();
    p.logs.clear();
    p.ready_ms = 100;
    let script = match program.as_str() {
        "sh" | "/bin/sh" | "bash" | "/bin/bash" => {
            match argv.iter().position(|a| a == "-c") {
                Some(i) => argv.get(i + 1).cloned().unwrap_or_default(),
                None => String::new(), // a shell without a tty reads EOF and exits 0
            }
        }
        _ => argv
            .iter()
            .map(|a| shell_quote(a))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let (logs, exit) = interpret(&script);
    // Run at once only what cannot wait: the world's clock must not move while the kubelet
    // starts a container, and the shape above does not see a sleep inside `$(...)` or `sh -c`.
    const WAITS: &[&str] = &[
        "sleep", "usleep", "timeout", "ping", "watch", "while", "until",
    ];
    let may_wait = script
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| WAITS.contains(&w));
    p.run_now = crate::shell::parse::parse(&script).is_err()
        || (!may_wait && exit.is_some_and(|(after, _)| after == 0));
    p.logs = logs;
    p.exit = exit;
    p
}

fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Interprets a tiny shell script: `echo`, `sleep N|infinity`, `exit N`, `true`, `false`,
/// joined by `&&`, `;` or newlines. Returns the log lines and when/how it exits
/// (`None` = runs forever).
pub fn interpret(script: &str) -> (Vec<String>, Option<(Millis, i32)>) {
    let mut logs = Vec::new();
    let mut elapsed: Millis = 0;
    for raw in script.split(['\n', ';']).flat_map(|s| s.split("&&")) {
        let words: Vec<String> = split_words(raw.trim());
        let Some(first) = words.first() else { continue };
        match first.as_str() {
            "echo" => logs.push(words[1..].join(" ")),
            "sleep" => match words.get(1).map(String::as_str) {
                Some("infinity") => return (logs, None),
                Some(n) => match parse_seconds(n) {
                    Some(ms) => elapsed = elapsed.saturating_add(ms),
                    None => {
                        logs.push(format!("sleep: invalid number '{n}'"));
                        return (logs, Some((elapsed, 1)));
                    }
                },
                None => {
                    logs.push("sleep: missing operand".into());
                    return (logs, Some((elapsed, 1)));
                }
            },
            "exit" => {
                return (
                    logs,
                    Some((
                        elapsed,
                        words.get(1).and_then(|c| c.parse().ok()).unwrap_or(0),
                    )),
                );
            }
            "false" => return (logs, Some((elapsed, 1))),
            "true" | ":" => {}
            "tail" if words.iter().any(|w| w == "-f") => return (logs, None),
            "while" | "until" => return (logs, None),
            _ => {}
        }
    }
    (logs, Some((elapsed, 0)))
}

fn parse_seconds(s: &str) -> Option<Millis> {
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1000.0),
        'm' => (&s[..s.len() - 1], 60_000.0),
        'h' => (&s[..s.len() - 1], 3_600_000.0),
        'd' => (&s[..s.len() - 1], 86_400_000.0),
        _ => (s, 1000.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0 && v.is_finite()).then(|| (v * mult).min(1e15) as Millis)
}

fn split_words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interprets_one_liners() {
        assert_eq!(
            interpret("echo The app is running! && sleep 3600"),
            (vec!["The app is running!".into()], Some((3_600_000, 0)))
        );
        assert_eq!(interpret("sleep infinity"), (vec![], None));
        assert_eq!(
            interpret("echo 'a b'; exit 3"),
            (vec!["a b".into()], Some((0, 3)))
        );
        assert_eq!(interpret("until nslookup x; do sleep 2; done").1, None);
    }

    #[test]
    fn only_commands_that_cannot_wait_run_at_start() {
        let image = crate::world::registry::Image::build(crate::world::registry::ImageSpec::new(
            "busybox-1.36",
            0,
            0,
        ));
        let run_now = |script: &str| {
            let c = serde_json::json!({"command": ["sh", "-c", script]});
            plan(&c, &image).run_now
        };
        assert!(run_now("echo init done"));
        assert!(
            run_now("git clone x; done;"),
            "a script that does not parse"
        );
        assert!(!run_now("echo a && sleep 3600"));
        assert!(
            !run_now("echo $(sleep 5)"),
            "a sleep the shape does not see"
        );
        assert!(!run_now("sh -c 'sleep 5'"));
    }
}
