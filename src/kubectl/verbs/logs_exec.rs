//! `kubectl exec` and what `kubectl logs` (logs.rs) shares with it: what a container printed, and a command run inside it
//! (`World::exec`: any program of its image, through the shell engine, against its files).

use serde_json::Value;

use crate::kubectl::context::Ctx;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::waiting::Wait;
use crate::world::api::{kinds, meta};
use crate::world::clock::Millis;
use crate::world::nodes::ContainerState;

/// The pod a `logs`/`exec` argument names: `NAME`, `pod/NAME`, or `deployment/NAME` (its first
/// pod, with kubectl's notice).
pub(super) fn target_pod(
    ctx: &mut Ctx<'_>,
    ns: &str,
    arg: &str,
    timeout: Millis,
) -> Result<Value, Failure> {
    let mut pods = target_pods(ctx, ns, arg, false, timeout, "cannot attach to")?;
    Ok(pods.remove(0))
}

/// The pods a `logs`/`exec` argument names: the pod, or for a workload its first pod (with
/// kubectl's notice when it has several) or, with `all` (`logs --all-pods`), all of them.
/// A workload without pods is watched for one until `timeout` (`--pod-running-timeout`) in
/// virtual time, as `polymorphichelpers.GetPodList` does. `wrap` begins the error of a Service
/// without a selector (`cannot attach to`, `cannot get the logs from`).
pub(super) fn target_pods(
    ctx: &mut Ctx<'_>,
    ns: &str,
    arg: &str,
    all: bool,
    timeout: Millis,
    wrap: &str,
) -> Result<Vec<Value>, Failure> {
    let pk = kinds::by_kind(kinds::POD).expect("Pod");
    let (kind, name) = match arg.split_once('/') {
        Some((k, n)) => (
            ctx.world.resolve_kind(k).ok_or_else(|| {
                Failure::Message(format!("the server doesn't have a resource type \"{k}\""))
            })?,
            n,
        ),
        None => (pk, arg),
    };
    if kind.kind == kinds::POD {
        return Ok(vec![ctx.world.get(pk, ns, name)?]);
    }
    let owner = ctx.world.get(kind, ns, name)?;
    use crate::world::api::selector::Selector;
    let sel = if kind.kind == kinds::SERVICE {
        // A Service's selector is a plain map (`SelectorsForObject`).
        let map: std::collections::BTreeMap<String, String> =
            meta::path(&owner, &["spec", "selector"])
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                        .collect()
                })
                .unwrap_or_default();
        if map.is_empty() {
            return Err(Failure::Message(format!(
                "{wrap} *v1.Service: invalid service '{name}': Service is defined without a selector"
            )));
        }
        Selector::from_map(&map)
    } else {
        meta::path(&owner, &["spec", "selector"])
            .map(Selector::from_label_selector)
            .unwrap_or_default()
    };
    let list = |ctx: &mut Ctx<'_>| -> Vec<Value> {
        let mut pods: Vec<Value> = ctx
            .world
            .list(pk, Some(ns), Some(&sel))
            .into_iter()
            .filter(|p| !meta::is_deleting(p))
            .collect();
        pods.sort_by(|a, b| meta::name(a).cmp(meta::name(b)));
        pods
    };
    let mut pods = list(ctx);
    if pods.is_empty() {
        // Watch until a pod is added or modified, or the timeout passes.
        let wait = Wait::new(ctx, Some(timeout), timeout);
        while pods.is_empty() {
            wait.next(ctx).map_err(|end| {
                end.failure(Failure::Message(
                    "timed out waiting for the condition".to_string(),
                ))
            })?;
            pods = list(ctx);
        }
    }
    let first = pods[0].clone();
    if all {
        return Ok(pods);
    }
    if pods.len() > 1 {
        ctx.io.err(&format!(
            "Found {} pods, using pod/{}\n",
            pods.len(),
            meta::name(&first)
        ));
    }
    Ok(vec![first])
}

/// `--pod-running-timeout` (`cmdutil.GetPodRunningTimeoutFlag`), as a usage error when it is not
/// above zero; `default` when it is not given (exec and port-forward: 1m, logs: 20s).
pub(super) fn pod_running_timeout(f: &dyn Flags, default: Millis) -> Result<Millis, Failure> {
    let ms = pod_running_timeout_value(f, default);
    if ms <= 0 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: POD_RUNNING_TIMEOUT_ERROR.into(),
        });
    }
    Ok(ms)
}

/// GetPodRunningTimeoutFlag's error.
pub(super) const POD_RUNNING_TIMEOUT_ERROR: &str = "--pod-running-timeout must be higher than zero";

/// The flag's value in milliseconds, `default` when it is not given (the flag parser has
/// checked its syntax).
pub(super) fn pod_running_timeout_value(f: &dyn Flags, default: Millis) -> Millis {
    match f.string("pod-running-timeout") {
        Some(v) => parse_go_duration(&v).unwrap_or(0),
        None => default,
    }
}

/// The default `--pod-running-timeout` of exec, attach and port-forward.
pub(super) const ONE_MINUTE: Millis = 60_000;

/// The names of a pod's containers in `list` (`containers`, `initContainers`, ...).
pub(super) fn container_names(pod: &Value, list: &str) -> Vec<String> {
    meta::path(pod, &["spec", list])
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|c| c.get("name").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `podcmd.AllContainerNames`: containers, then init containers marked `(init)`.
fn all_container_names(pod: &Value) -> String {
    let mut all = container_names(pod, "containers");
    all.extend(
        container_names(pod, "initContainers")
            .iter()
            .map(|i| format!("{i} (init)")),
    );
    all.join(", ")
}

/// Which command picks the container: they differ only in what a wrong
/// `kubectl.kubernetes.io/default-container` annotation does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Picker {
    /// `podcmd.FindOrDefaultContainerByName`: a wrong annotation is an error.
    Exec { quiet: bool },
    /// `logsForObject`: a wrong annotation is a notice, then the first container.
    Logs,
    /// `logsForObject` for `--all-pods`: as `Logs`, without the "Defaulted container" notice.
    LogsQuiet,
    /// `kubectl cp`'s execs: as exec's, their notices sent where the exec's `ErrOut` goes.
    Cp(Notices),
}

/// Where an exec of `kubectl cp` sends kubectl's own notices (its `ExecOptions.ErrOut`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Notices {
    Stderr,
    /// The copy from a pod: its exec's `ErrOut` is kubectl's standard output.
    Stdout,
    /// `test -d`: into a buffer nobody reads.
    Dropped,
}

/// The container to use: `-c`, else the default-container annotation, else the first (with
/// kubectl's "Defaulted container" notice when there are several), as kubectl's podcmd and
/// logsForObject do.
pub(super) fn pick_container(
    ctx: &mut Ctx<'_>,
    pod: &Value,
    flag: Option<String>,
    picker: Picker,
) -> Result<String, Failure> {
    let apps = container_names(pod, "containers");
    let inits = container_names(pod, "initContainers");
    let exists = |c: &str| apps.iter().chain(inits.iter()).any(|x| x == c);
    let not_valid = |c: &str| {
        Failure::Message(format!(
            "container {c} is not valid for pod {} out of: {}",
            meta::name(pod),
            all_container_names(pod)
        ))
    };
    if let Some(c) = flag.filter(|c| !c.is_empty()) {
        return if exists(&c) {
            Ok(c)
        } else {
            Err(not_valid(&c))
        };
    }
    if let Some(d) =
        meta::annotation(pod, "kubectl.kubernetes.io/default-container").filter(|d| !d.is_empty())
    {
        match (exists(d), picker) {
            (true, _) => return Ok(d.to_string()),
            // podcmd.FindOrDefaultContainerByName (exec's Run, which cp goes through): a
            // default naming no container is an error.
            (false, Picker::Exec { .. } | Picker::Cp(_)) => return Err(not_valid(d)),
            (false, Picker::Logs | Picker::LogsQuiet) => ctx.io.err(&format!(
                "Default container name {d:?} not found in pod {}\n",
                meta::name(pod)
            )),
        }
    }
    let Some(first) = apps.first().cloned() else {
        return Err(Failure::Message(format!(
            "pod {}/{} does not have any containers",
            meta::namespace(pod),
            meta::name(pod)
        )));
    };
    if apps.len() > 1 || !inits.is_empty() {
        let notice = format!(
            "Defaulted container {first:?} out of: {}\n",
            all_container_names(pod)
        );
        match picker {
            Picker::Exec { quiet: true } | Picker::Cp(Notices::Dropped) | Picker::LogsQuiet => {}
            Picker::Cp(Notices::Stdout) => ctx.io.out(&notice),
            _ => ctx.io.err(&notice),
        }
    }
    Ok(first)
}

pub(super) fn waiting_reason(pod: &Value, container: &str) -> Option<String> {
    for list in ["containerStatuses", "initContainerStatuses"] {
        if let Some(st) = meta::path(pod, &["status", list])
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|s| s.get("name").and_then(Value::as_str) == Some(container))
            })
        {
            return st
                .pointer("/state/waiting/reason")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
    }
    Some("ContainerCreating".into())
}

/// How long `logs -f` follows a running container in virtual time when nothing else ends it.
pub const FOLLOW_LIMIT_MS: i64 = 60 * 60 * 1000;

/// `logs -f`: prints the container instance's new lines as it writes them, until it exits (the
/// stream ends and so does kubectl) or Ctrl-C.
pub(crate) fn follow(ctx: &mut Ctx<'_>, uid: &str, container: &str, mut shown: usize) -> CmdResult {
    let wait = Wait::new(ctx, None, FOLLOW_LIMIT_MS);
    let instance = |ctx: &Ctx<'_>| {
        ctx.world
            .pods
            .get(uid)
            .and_then(|r| r.containers.iter().find(|c| c.name == container))
            .cloned()
    };
    let Some(first) = instance(ctx) else {
        return Ok(());
    };
    loop {
        let cur = instance(ctx);
        let (lines, running) = match &cur {
            Some(c)
                if c.restart_count == first.restart_count
                    && c.container_id == first.container_id =>
            {
                (
                    c.logs.lines(),
                    matches!(c.state, ContainerState::Running { .. }),
                )
            }
            // The instance followed ended and was replaced (a restart): its last lines are the
            // previous instance's now.
            Some(c) if c.restart_count == first.restart_count + 1 => {
                (c.previous_logs.lines(), false)
            }
            _ => (Vec::new(), false),
        };
        for l in lines.iter().skip(shown) {
            ctx.io.out(&format!("{l}\n"));
        }
        shown = shown.max(lines.len());
        if !running {
            return Ok(());
        }
        wait.next(ctx)
            .map_err(|end| end.failure(Failure::Message(String::new())))?;
    }
}

/// `kubectl exec POD [-c C] [-it] -- COMMAND [ARGS...]`.
pub fn exec(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    let cmd = f.dash_args().to_vec();
    // Complete, then Validate, in exec.go's order (words after the pod without `--` are refused).
    if args.len() > 1 && cmd.is_empty() {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message:
                "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead"
                    .into(),
        });
    }
    let timeout = pod_running_timeout(f, ONE_MINUTE)?;
    if args.is_empty() {
        return Err(Failure::Message(
            "pod, type/name or --filename must be specified".into(),
        ));
    }
    if cmd.is_empty() {
        return Err(Failure::Message(
            "you must specify at least one command for the container".into(),
        ));
    }
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let pod = target_pod(ctx, &ns, &args[0], timeout)?;
    if let Some(phase @ ("Succeeded" | "Failed")) = meta::str_at(&pod, &["status", "phase"]) {
        return Err(Failure::Message(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        )));
    }
    let container = pick_container(
        ctx,
        &pod,
        f.string("container"),
        Picker::Exec {
            quiet: f.boolean("quiet"),
        },
    )?;
    if let Some(pk) = kinds::by_kind(kinds::POD) {
        let ns = meta::namespace(&pod).to_string();
        ctx.world
            .authorize_kind("create", pk, &ns, meta::name(&pod), "exec")?;
    }
    if !is_running(&pod, &container) {
        return Err(Failure::Message(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        )));
    }
    // exec.go's SetupTTY: without -i there is no stdin and no TTY; with -i -t and an input
    // that is not a terminal (a pipe, a redirection, a script), kubectl says so and goes on
    // without a TTY. The workstation's prompt is a terminal when nothing is piped in.
    let stdin_flag = f.boolean("stdin");
    let tty = f.boolean("tty");
    let terminal = ctx.waits.interactive && ctx.stdin.is_empty();
    if stdin_flag && tty && !terminal && !f.boolean("quiet") {
        ctx.io
            .err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    let stdin: Vec<u8> = if stdin_flag {
        ctx.stdin.to_vec()
    } else {
        Vec::new()
    };
    if stdin_flag
        && stdin.is_empty()
        && (bare_shell(&cmd) || crate::world::runtime::mongo::interactive(&cmd))
    {
        // A shell (or an interactive program: `mongo`) reading kubectl's own input: the
        // workstation sends it the inputs that follow (typed at the prompt, or the script's
        // next lines) until it exits.
        let io = &mut ctx.io;
        let opened = ctx
            .world
            .open_session(&pod, &container, &cmd, tty && terminal, &mut |is_err, b| {
                io.write(is_err, b);
                true
            })
            .map_err(|e| Failure::Message(e.message().to_string()))?;
        match opened {
            Ok(session) => ctx.config.exec_session = Some(session),
            Err(0) => {}
            Err(status) => {
                return Err(Failure::Exit {
                    text: format!("command terminated with exit code {status}\n"),
                    status,
                });
            }
        }
        return Ok(());
    }
    if stdin_flag && stdin.is_empty() {
        // Another program reading kubectl's input at its own prompt (`redis-cli`).
        let opened = ctx
            .world
            .open_program(&pod, &container, &cmd, tty && terminal)
            .map_err(|e| Failure::Message(e.message().to_string()))?;
        if let Some((session, opening)) = opened {
            ctx.io.write(true, &opening);
            ctx.config.exec_session = Some(session);
            return Ok(());
        }
    }
    let io = &mut ctx.io;
    let status = ctx
        .world
        .exec_tty(
            &pod,
            &container,
            &cmd,
            &stdin,
            stdin_flag && tty && terminal,
            &mut |is_err, b| {
                io.write(is_err, b);
                true
            },
        )
        .map_err(|e| Failure::Message(e.message().to_string()))?;
    if status != 0 {
        return Err(Failure::Exit {
            text: format!("command terminated with exit code {status}\n"),
            status,
        });
    }
    Ok(())
}

/// A shell with nothing to run but what it would read from a terminal (`sh`, `bash -l`).
fn bare_shell(cmd: &[String]) -> bool {
    let name = cmd[0].rsplit('/').next().unwrap_or(&cmd[0]);
    matches!(name, "sh" | "bash" | "ash" | "dash")
        && cmd[1..]
            .iter()
            .all(|a| matches!(a.as_str(), "-i" | "-l" | "--login" | "-s"))
}

/// kubectl's `ExecOptions.Run` as `kubectl cp` calls it (a pod by name, the legacy pod
/// getter): the pod, not completed; its container (`-c`, the annotation, the first); running.
pub(crate) fn exec_target(
    ctx: &mut Ctx<'_>,
    ns: &str,
    pod_name: &str,
    container: Option<String>,
    notices: Notices,
) -> Result<(Value, String), Failure> {
    let pk = kinds::by_kind(kinds::POD).expect("Pod");
    let pod = ctx.world.get(pk, ns, pod_name)?;
    ctx.world
        .authorize_kind("create", pk, ns, pod_name, "exec")?;
    if let Some(phase @ ("Succeeded" | "Failed")) = meta::str_at(&pod, &["status", "phase"]) {
        return Err(Failure::Message(format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        )));
    }
    let container = pick_container(ctx, &pod, container, Picker::Cp(notices))?;
    if !is_running(&pod, &container) {
        return Err(Failure::Message(format!(
            "unable to upgrade connection: container not found (\"{container}\")"
        )));
    }
    Ok((pod, container))
}

/// Whether the pod's status says the container runs.
fn is_running(pod: &Value, container: &str) -> bool {
    meta::path(pod, &["status", "containerStatuses"])
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(container))
        })
        .is_some_and(|s| s.pointer("/state/running").is_some())
}
