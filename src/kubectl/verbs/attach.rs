//! `kubectl attach POD [-c C] [-q] [-t]` as kubectl 1.32 does it
//! (`staging/src/k8s.io/kubectl/pkg/cmd/attach/attach.go`): its checks, the container
//! (`podcmd.FindOrDefaultContainerByName`), its TTY notices, `If you don't see a command
//! prompt, try pressing enter.`, then the container's output from now on, as the process writes
//! it, until the container stops. The wait is bounded in virtual time as `logs -f` is.
//!
//! With `-i`, a main process that reads its input (a shell in a container with `stdin: true`)
//! gets the inputs that follow, as an `exec -it` session does, until it exits
//! (`World::attach_main`, `runtime/attach.rs`); kubectl then prints its `Session ended, resume
//! using ...` line (only with a raw terminal and restartPolicy Always, as attach.go's
//! `reattachMessage`).
//!
//! Not simulated, said plainly: `-i` to any other process (kubelab gives input only to such a
//! shell) and attaching through another kind of object (`deployment/NAME`).

use serde_json::Value;

use crate::kubectl::context::Ctx;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::api::{kinds, meta};

use super::logs_exec::container_names;

/// The containers of a pod a name may pick (containers, init containers, ephemeral ones).
fn find(pod: &Value, name: &str) -> Option<Value> {
    ["containers", "initContainers", "ephemeralContainers"]
        .iter()
        .filter_map(|l| meta::path(pod, &["spec", l]).and_then(Value::as_array))
        .flatten()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
        .cloned()
}

/// `podcmd.FindOrDefaultContainerByName`: `-c`, else the annotation's container when it
/// exists, else the first (with a notice when there are others).
fn pick(ctx: &mut Ctx<'_>, pod: &Value, name: &str, quiet: bool) -> Result<Value, String> {
    if !name.is_empty() {
        return find(pod, name)
            .ok_or_else(|| format!("container {name} not found in pod {}", meta::name(pod)));
    }
    let apps = container_names(pod, "containers");
    if apps.is_empty() {
        return Err(format!(
            "pod {}/{} does not have any containers",
            meta::namespace(pod),
            meta::name(pod)
        ));
    }
    if let Some(d) =
        meta::annotation(pod, "kubectl.kubernetes.io/default-container").filter(|d| !d.is_empty())
        && let Some(c) = find(pod, d)
    {
        return Ok(c);
    }
    let inits = container_names(pod, "initContainers");
    let ephemeral = container_names(pod, "ephemeralContainers");
    if !quiet && (apps.len() > 1 || !inits.is_empty() || !ephemeral.is_empty()) {
        let mut all = apps.clone();
        all.extend(ephemeral.iter().map(|e| format!("{e} (ephem)")));
        all.extend(inits.iter().map(|i| format!("{i} (init)")));
        ctx.io.err(&format!(
            "Defaulted container {:?} out of: {}\n",
            apps[0],
            all.join(", ")
        ));
    }
    find(pod, &apps[0]).ok_or_else(|| "no container".to_string())
}

/// `kubectl attach`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    // ToOptions (`cmdutil.GetPodRunningTimeoutFlag`, a usage error), then Validate.
    let timeout = f.string("pod-running-timeout").unwrap_or_default();
    if parse_go_duration(&timeout).is_ok_and(|ms| ms <= 0) {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "--pod-running-timeout must be higher than zero".into(),
        });
    }
    if args.is_empty() {
        return Err(Failure::Message(
            "at least 1 argument is required for attach".into(),
        ));
    }
    if args.len() > 2 {
        return Err(Failure::Message(format!(
            "expected POD, TYPE/NAME, or TYPE NAME, (at most 2 arguments) saw {}: [{}]",
            args.len(),
            args.join(" ")
        )));
    }
    let (kind, name) = match args {
        [one] => match one.split_once('/') {
            Some((k, n)) => (k.to_string(), n.to_string()),
            None => ("pods".to_string(), one.clone()),
        },
        [k, n] => (k.clone(), n.clone()),
        _ => unreachable!("checked above"),
    };
    let pk = kinds::by_kind(kinds::POD).expect("Pod");
    match ctx.world.resolve_kind(&kind) {
        Some(k) if k.kind == kinds::POD => {}
        Some(_) => {
            return Err(Failure::Unsupported(format!(
                "kubectl attach to {kind}/{name} (attach to one of its pods by name)"
            )));
        }
        None => {
            return Err(Failure::Message(format!(
                "the server doesn't have a resource type \"{kind}\""
            )));
        }
    }
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let pod = ctx.world.get(pk, &ns, &name)?;
    if let Some(phase @ ("Succeeded" | "Failed")) = meta::str_at(&pod, &["status", "phase"]) {
        return Err(Failure::Message(format!(
            "cannot attach a container in a completed pod; current phase is {phase}"
        )));
    }
    let quiet = f.boolean("quiet");
    let container = pick(ctx, &pod, &f.string("container").unwrap_or_default(), quiet)
        .map_err(|e| Failure::Message(format!("cannot attach to the container: {e}")))?;
    let cname = container
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let allocated = container.get("tty").and_then(Value::as_bool) == Some(true);
    let stdin = f.boolean("stdin");
    // attach.go: a TTY only if the container allocated one (and always if it did); then
    // SetupTTY: with -i, a raw terminal only when kubectl's input is one.
    let mut tty = f.boolean("tty");
    if tty && !allocated {
        tty = false;
        if !quiet {
            ctx.io.err(&format!(
                "error: Unable to use a TTY - container {cname} did not allocate one\n"
            ));
        }
    } else if !tty && allocated {
        tty = true;
    }
    let terminal = ctx.waits.interactive && ctx.stdin.is_empty();
    if stdin && tty && !terminal && !quiet {
        ctx.io
            .err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    let raw = stdin && tty && terminal;
    if !quiet {
        ctx.io
            .err("If you don't see a command prompt, try pressing enter.\n");
    }
    let uid = meta::uid(&pod).to_string();
    let current = ctx
        .world
        .pods
        .get(&uid)
        .and_then(|r| r.containers.iter().find(|c| c.name == cname))
        .cloned();
    let Some(c) = current.filter(|c| !c.container_id.is_empty() && c.is_running()) else {
        return Err(Failure::Message(format!(
            "unable to upgrade connection: container not found (\"{cname}\")"
        )));
    };
    if stdin {
        let always = meta::str_at(&pod, &["spec", "restartPolicy"]).unwrap_or("Always") == "Always";
        let message = (!quiet && raw && always).then(|| {
            let name = meta::name(&pod);
            match meta::path(&pod, &["spec", "ephemeralContainers"])
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|e| e.get("name").and_then(Value::as_str) == Some(&cname)))
            {
                true => format!(
                    "Session ended, the ephemeral container will not be restarted but may be reattached using '{} {name} -c {cname} -i -t' if it is still running",
                    f.command_line_name()
                ),
                false => format!(
                    "Session ended, resume using '{} {name} -c {cname} -i -t' command when the pod is running",
                    f.command_line_name()
                ),
            }
        });
        let session = ctx
            .world
            .attach_main(&pod, &cname, raw, message)
            .map_err(Failure::Unsupported)?;
        ctx.config.exec_session = Some(session);
        return Ok(());
    }
    super::logs_exec::follow(ctx, &uid, &cname, c.logs.len())
}
