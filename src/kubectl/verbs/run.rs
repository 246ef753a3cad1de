//! `kubectl run NAME --image=IMAGE [-- ARGS]` as kubectl 1.32 does it
//! (`staging/src/k8s.io/kubectl/pkg/cmd/run/run.go`, the `run-pod/v1` generator): its checks in
//! their order, the Pod it builds (and the Service of `--expose`, printed first, as `run.go`'s
//! `generateService` prints it before the pod), `--overrides` (merge, strategic or JSON patch
//! of the built object), `--dry-run`, `-o`, and the attached forms: `-i`/`--attach` wait for the
//! pod to run, then `-i` to a shell in the container opens its session in the REPL
//! (`World::attach_main`) and any other program's output is shown as it writes it; `--rm`
//! deletes what was created once the session or the program ends (`pod "x" deleted`), and with
//! `--restart=Never|OnFailure` the container's exit code is kubectl's.
//!
//! Not simulated, said plainly: giving input to a program other than such a shell.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::kubectl::common::{dry_run, print_warnings, record};
use crate::kubectl::context::{ClientConfig, Ctx};
use crate::kubectl::create_data::env_name_ok;
use crate::kubectl::duration::parse_go_duration;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::kubectl::waiting::Wait;
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::World;
use crate::world::api::{kinds, meta};

/// What `kubectl run --rm` (and `--restart=Never|OnFailure`) does once an attached session ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterAttach {
    /// (kind, namespace, name) to delete (`--rm`), in creation order.
    pub remove: Vec<(&'static str, String, String)>,
    /// The pod, when kubectl waits for its container's exit code (`--restart=Never|OnFailure`).
    pub exit_code_of: Option<(String, String)>,
}

fn usage(f: &dyn Flags, message: &str) -> Failure {
    Failure::Usage {
        command: f.command_line_name(),
        message: message.to_string(),
    }
}

/// `parseLabels`: `k=v,k2=v2`.
fn parse_labels(s: &str) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    for spec in s.split(',') {
        let parts: Vec<&str> = spec.split('=').collect();
        if parts.len() != 2 {
            return Err(Failure::Message(format!("unexpected label spec: {spec}")));
        }
        if parts[0].is_empty() {
            return Err(Failure::Message("unexpected empty label key".into()));
        }
        out.insert(parts[0].to_string(), parts[1].to_string());
    }
    Ok(out)
}

/// `cmdutil.ParsePairs(..., "annotations", false)`.
fn parse_annotations(list: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    let mut out = BTreeMap::new();
    for a in list {
        match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => {
                return Err(Failure::Message(format!("invalid annotations format: {a}")));
            }
        }
    }
    Ok(out)
}

/// `parseEnvs`: `NAME=VALUE`, NAME a valid environment variable name.
fn parse_envs(list: &[String]) -> Result<Vec<Value>, Failure> {
    list.iter()
        .map(|e| match e.split_once('=') {
            Some((n, "")) if env_name_ok(n) => Ok(json!({"name": n})),
            Some((n, v)) if env_name_ok(n) => Ok(json!({"name": n, "value": v})),
            _ => Err(Failure::Message(format!("invalid env: {e}"))),
        })
        .collect()
}

/// The options of one `kubectl run`, checked.
struct RunOptions {
    name: String,
    image: String,
    args: Vec<String>,
    command: bool,
    labels: Option<BTreeMap<String, String>>,
    annotations: BTreeMap<String, String>,
    envs: Vec<Value>,
    port: Option<i64>,
    restart: String,
    pull_policy: String,
    stdin: bool,
    tty: bool,
    attach: bool,
    leave_stdin_open: bool,
    privileged: bool,
    expose: bool,
    remove: bool,
    quiet: bool,
    dry: DryRun,
}

fn options(f: &dyn Flags) -> Result<RunOptions, Failure> {
    let dry = dry_run(f)?;
    // The name and the container's arguments: the words before `--` and after it alike.
    let mut args: Vec<String> = f.args().to_vec();
    args.extend(f.dash_args().iter().cloned());
    let Some(name) = args.first() else {
        return Err(usage(f, "NAME is required for run"));
    };
    let timeout = f.string("pod-running-timeout").unwrap_or_default();
    if parse_go_duration(&timeout).is_ok_and(|ms| ms <= 0) {
        return Err(usage(f, "--pod-running-timeout must be higher than zero"));
    }
    let image = f.string("image").unwrap_or_default();
    if image.is_empty() {
        return Err(Failure::Message("--image is required".into()));
    }
    if crate::world::registry::reference::ImageRef::parse(&image).is_err() {
        return Err(Failure::Message(format!(
            "Invalid image name \"{image}\": invalid reference format"
        )));
    }
    let stdin = f.boolean("stdin");
    let tty = f.boolean("tty");
    if tty && !stdin {
        return Err(usage(
            f,
            "-i/--stdin is required for containers with -t/--tty=true",
        ));
    }
    let expose = f.boolean("expose");
    let port_text = f.string("port").unwrap_or_default();
    if expose && port_text.is_empty() {
        return Err(usage(f, "--port must be set when exposing a service"));
    }
    let restart = f.string("restart").unwrap_or_else(|| "Always".into());
    let restart = match restart.as_str() {
        "" if stdin => "OnFailure".to_string(),
        "" => "Always".to_string(),
        "Always" | "OnFailure" | "Never" => restart,
        other => return Err(usage(f, &format!("invalid restart policy: {other}"))),
    };
    let attach = if f.changed("attach") {
        f.boolean("attach")
    } else {
        stdin
    };
    let remove = f.boolean("rm");
    if !attach && remove {
        return Err(usage(f, "--rm should only be used for attached containers"));
    }
    if attach && dry != DryRun::None {
        return Err(usage(
            f,
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
        ));
    }
    let pull_policy = f.string("image-pull-policy").unwrap_or_default();
    if !matches!(
        pull_policy.as_str(),
        "" | "Always" | "IfNotPresent" | "Never"
    ) {
        return Err(usage(
            f,
            &format!("invalid image pull policy: {pull_policy}"),
        ));
    }
    // The generator's own checks: labels, annotations, environment, port.
    let labels = match f.string("labels").filter(|l| !l.is_empty()) {
        Some(l) => Some(parse_labels(&l)?),
        None => None,
    };
    let annotations = parse_annotations(&f.strings("annotations"))?;
    let envs = parse_envs(&f.strings("env"))?;
    let port = if port_text.is_empty() {
        None
    } else {
        Some(port_text.parse::<i64>().map_err(|_| {
            Failure::Message(format!(
                "strconv.Atoi: parsing {port_text:?}: invalid syntax"
            ))
        })?)
    };
    let container_args: Vec<String> = args[1..].to_vec();
    Ok(RunOptions {
        name: name.clone(),
        image,
        args: container_args,
        command: f.boolean("command"),
        labels,
        annotations,
        envs,
        port,
        restart,
        pull_policy,
        stdin,
        tty,
        attach,
        leave_stdin_open: f.boolean("leave-stdin-open"),
        privileged: f.boolean("privileged"),
        expose,
        remove,
        quiet: f.boolean("quiet"),
        dry,
    })
}

/// The pod the `run-pod/v1` generator builds (Go struct field order; `resources: {}` and
/// `creationTimestamp: null` as the typed object serializes).
fn build_pod(o: &RunOptions, labels: &BTreeMap<String, String>) -> Value {
    let mut c = Map::new();
    c.insert("name".into(), json!(o.name));
    c.insert("image".into(), json!(o.image));
    if !o.args.is_empty() {
        let key = if o.command { "command" } else { "args" };
        c.insert(key.into(), json!(o.args));
    }
    if let Some(p) = o.port {
        c.insert("ports".into(), json!([{"containerPort": p}]));
    }
    if !o.envs.is_empty() {
        c.insert("env".into(), Value::Array(o.envs.clone()));
    }
    c.insert("resources".into(), json!({}));
    if !o.pull_policy.is_empty() {
        c.insert("imagePullPolicy".into(), json!(o.pull_policy));
    }
    if o.privileged {
        c.insert("securityContext".into(), json!({"privileged": true}));
    }
    if o.stdin {
        c.insert("stdin".into(), json!(true));
        if !o.leave_stdin_open {
            c.insert("stdinOnce".into(), json!(true));
        }
    }
    if o.tty {
        c.insert("tty".into(), json!(true));
    }
    let mut md = Map::new();
    md.insert("name".into(), json!(o.name));
    md.insert("creationTimestamp".into(), Value::Null);
    md.insert("labels".into(), meta::map_value(labels));
    if !o.annotations.is_empty() {
        md.insert("annotations".into(), meta::map_value(&o.annotations));
    }
    json!({
        "kind": kinds::POD,
        "apiVersion": "v1",
        "metadata": md,
        "spec": {
            "containers": [c],
            "restartPolicy": o.restart,
            "dnsPolicy": "ClusterFirst",
        },
        "status": {},
    })
}

/// The Service of `--expose` (`service/v2` generator): the pod's labels as its selector, the
/// user's labels (only) on it.
fn build_service(o: &RunOptions, selector: &BTreeMap<String, String>) -> Value {
    let port = o.port.unwrap_or(0);
    let mut md = Map::new();
    md.insert("name".into(), json!(o.name));
    md.insert("creationTimestamp".into(), Value::Null);
    if let Some(l) = &o.labels {
        md.insert("labels".into(), meta::map_value(l));
    }
    json!({
        "kind": kinds::SERVICE,
        "apiVersion": "v1",
        "metadata": md,
        "spec": {
            "ports": [{"protocol": "TCP", "port": port, "targetPort": port}],
            "selector": meta::map_value(selector),
        },
        "status": {"loadBalancer": {}},
    })
}

/// `--overrides` applied to a built object as `--override-type` says (`cmdutil.Overrider`).
pub(crate) fn apply_overrides(f: &dyn Flags, kind: &str, obj: Value) -> Result<Value, Failure> {
    // Read even without --overrides: kubectl takes it and does nothing then.
    let ty = f.string("override-type").unwrap_or_else(|| "merge".into());
    let Some(text) = f.string("overrides").filter(|o| !o.is_empty()) else {
        return Ok(obj);
    };
    let patch: Result<Value, _> = serde_json::from_str(&text);
    use crate::world::api::patch;
    let invalid = || Failure::Message("Invalid JSON Patch".into());
    let patched = match ty.as_str() {
        "json" => {
            let p = patch.map_err(|_| invalid())?;
            patch::json_patch(&obj, &p).map_err(|e| Failure::Message(e.to_string()))?
        }
        "merge" => {
            let p = patch.map_err(|_| invalid())?;
            patch::merge_patch(&obj, &p)
        }
        "strategic" => {
            let p = patch.map_err(|_| invalid())?;
            patch::strategic_merge(kind, &obj, &p).map_err(|e| Failure::Message(e.to_string()))?
        }
        other => {
            return Err(Failure::Message(format!("invalid override type: {other}")));
        }
    };
    Ok(crate::kubectl::typed::round_trip(&patched))
}

/// Creates (or, with `--dry-run=client`, only completes) one generated object; the result.
fn send(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    o: &RunOptions,
    mut obj: Value,
) -> Result<Value, Failure> {
    record(f, &mut obj);
    let save_config = f.boolean("save-config");
    let explicit_ns = f.string("namespace").filter(|n| !n.is_empty());
    let ns = ctx.namespace(explicit_ns.as_deref());
    if o.dry == DryRun::Client {
        if explicit_ns.is_some() {
            meta::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
        }
        return Ok(obj);
    }
    if save_config {
        let la = crate::kubectl::apply_merge::last_applied_typed(&obj);
        meta::set_annotation(
            &mut obj,
            "kubectl.kubernetes.io/last-applied-configuration",
            &la,
        );
    }
    meta::set_path(&mut obj, &["metadata", "namespace"], json!(ns));
    let created = ctx.world.create(obj, o.dry == DryRun::Server);
    print_warnings(ctx);
    created.map_err(Failure::Api)
}

fn print(ctx: &mut Ctx<'_>, out: &Output, dry: DryRun, obj: &Value, first: bool) -> CmdResult {
    let Ok(kind) = ctx.world.kind_of(obj) else {
        return Ok(());
    };
    match out {
        Output::Default => ctx.io.out(&success(kind, meta::name(obj), "created", dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(kind, meta::name(obj)))),
        out => {
            if !first && *out == Output::Yaml {
                ctx.io.out("---\n---\n");
            }
            ctx.io.out(&output::print_structured(
                out,
                std::slice::from_ref(obj),
                false,
                true,
            )?)
        }
    }
    Ok(())
}

/// `kubectl run`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let o = options(f)?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let labels = o
        .labels
        .clone()
        .unwrap_or_else(|| BTreeMap::from([("run".to_string(), o.name.clone())]));
    let pod = apply_overrides(f, "Pod", build_pod(&o, &labels))?;
    let pod = send(ctx, f, &o, pod)?;
    let mut created = vec![pod.clone()];
    let mut errors = Vec::new();
    let mut printed_service = false;
    if o.expose {
        match send(ctx, f, &o, build_service(&o, &labels)) {
            Ok(svc) => {
                print(ctx, &out, o.dry, &svc, true)?;
                printed_service = true;
                created.push(svc);
            }
            Err(e) => errors.push(e),
        }
    }
    if o.attach {
        return attach(ctx, f, &o, &pod, &created);
    }
    print(ctx, &out, o.dry, &pod, !printed_service)?;
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}

/// How long kubelab lets a pod take to start before `run --attach` gives up: kubectl's
/// `--pod-running-timeout` (1m by default).
fn running_timeout(f: &dyn Flags) -> i64 {
    f.string("pod-running-timeout")
        .and_then(|t| parse_go_duration(&t).ok())
        .unwrap_or(60_000)
}

/// The attached forms: wait for the pod to run and be ready (or end), then attach to its
/// container (`handleAttachPod`).
fn attach(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    o: &RunOptions,
    pod: &Value,
    created: &[Value],
) -> CmdResult {
    let after = AfterAttach {
        remove: if o.remove {
            created
                .iter()
                .map(|c| {
                    (
                        if meta::kind(c) == kinds::SERVICE {
                            "Service"
                        } else {
                            "Pod"
                        },
                        meta::namespace(c).to_string(),
                        meta::name(c).to_string(),
                    )
                })
                .collect()
        } else {
            Vec::new()
        },
        exit_code_of: (!o.leave_stdin_open && o.restart != "Always").then(|| {
            (
                meta::namespace(pod).to_string(),
                meta::name(pod).to_string(),
            )
        }),
    };
    let pk = kinds::by_kind(kinds::POD).expect("Pod");
    let ns = meta::namespace(pod).to_string();
    let name = meta::name(pod).to_string();
    let wait = Wait::new(ctx, Some(running_timeout(f)), 0);
    let live = loop {
        let cur = ctx.world.get(pk, &ns, &name)?;
        let phase = meta::str_at(&cur, &["status", "phase"]).unwrap_or("");
        let ready = meta::path(&cur, &["status", "conditions"])
            .and_then(Value::as_array)
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.get("type").and_then(Value::as_str) == Some("Ready")
                        && c.get("status").and_then(Value::as_str) == Some("True")
                })
            });
        if matches!(phase, "Succeeded" | "Failed") || (phase == "Running" && ready) {
            break cur;
        }
        if let Err(end) = wait.next(ctx) {
            let e = end.failure(Failure::Message(
                "timed out waiting for the condition".into(),
            ));
            let tail = finish(ctx.world, &after, true);
            ctx.io.out(&tail.0);
            return Err(e);
        }
    };
    let uid = meta::uid(&live).to_string();
    let phase = meta::str_at(&live, &["status", "phase"]).unwrap_or("");
    if !matches!(phase, "Succeeded" | "Failed") {
        let terminal = ctx.waits.interactive && ctx.stdin.is_empty();
        if o.stdin && o.tty && !terminal && !o.quiet {
            ctx.io
                .err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
        }
        let raw = o.stdin && o.tty && terminal;
        if o.stdin {
            let message = (!o.quiet && raw && o.restart == "Always").then(|| {
                format!(
                    "Session ended, resume using '{} attach {name} -c {name} -i -t' command when the pod is running",
                    f.program()
                )
            });
            if let Ok(session) = ctx.world.attach_main(&live, &name, raw, message) {
                if !o.quiet {
                    ctx.io
                        .err("If you don't see a command prompt, try pressing enter.\n");
                }
                ctx.config.exec_session = Some(session);
                if after.remove.is_empty() && after.exit_code_of.is_none() {
                    ctx.config.after_attach = None;
                } else {
                    ctx.config.after_attach = Some(after);
                }
                return Ok(());
            }
        }
        // handleAttachPod: the lines written before the attach, then attach's notice, then
        // the output from then on.
        let shown = print_logs(ctx, &uid, &name);
        if !o.quiet {
            ctx.io
                .err("If you don't see a command prompt, try pressing enter.\n");
        }
        super::logs_exec::follow(ctx, &uid, &name, shown)?;
    } else {
        print_logs(ctx, &uid, &name);
    }
    let (out, err, status) = finish(ctx.world, &after, false);
    ctx.io.out(&out);
    if status == 0 {
        return Ok(());
    }
    Err(Failure::Exit { text: err, status })
}

/// The log of a container so far (`logOpts` without follow); how many lines.
fn print_logs(ctx: &mut Ctx<'_>, uid: &str, container: &str) -> usize {
    let lines: Vec<String> = ctx
        .world
        .pods
        .get(uid)
        .and_then(|r| r.containers.iter().find(|c| c.name == container))
        .map(|c| c.logs.lines())
        .unwrap_or_default();
    for l in &lines {
        ctx.io.out(&format!("{l}\n"));
    }
    lines.len()
}

/// What kubectl does after the attached part: waits for the exit code when it wants one (the
/// world moves until the pod ends, bounded), then deletes what `--rm` asked (`pod "x"
/// deleted`). Returns (stdout, stderr, status).
pub fn finish(world: &mut World, after: &AfterAttach, skip_exit: bool) -> (String, String, i32) {
    let mut err = String::new();
    let mut status = 0;
    if let (Some((ns, name)), false) = (&after.exit_code_of, skip_exit) {
        let pk = kinds::by_kind(kinds::POD).expect("Pod");
        let horizon = world.now() + 3_600_000;
        let mut ended = None;
        for _ in 0..10_000 {
            let Ok(p) = world.get(pk, ns, name) else {
                break;
            };
            let phase = meta::str_at(&p, &["status", "phase"])
                .unwrap_or("")
                .to_string();
            let done = match after_policy(&p) {
                "OnFailure" => phase == "Succeeded",
                _ => matches!(phase.as_str(), "Succeeded" | "Failed"),
            };
            if done {
                ended = Some(p);
                break;
            }
            if !world.step(horizon) {
                break;
            }
        }
        match ended {
            Some(p) if meta::str_at(&p, &["status", "phase"]) == Some("Failed") => {
                let term = meta::path(&p, &["status", "containerStatuses"])
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(|c| meta::path(c, &["state", "terminated"]));
                let code = term
                    .and_then(|t| t.get("exitCode"))
                    .and_then(Value::as_i64)
                    .unwrap_or(0);
                if code == 0 {
                    err = format!("error: pod {ns}/{name} failed with unknown exit code\n");
                    status = 1;
                } else {
                    let reason = term
                        .and_then(|t| t.get("reason"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    let message = term
                        .and_then(|t| t.get("message"))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    err = format!("pod {ns}/{name} terminated ({reason})\n{message}");
                    if !err.ends_with('\n') {
                        err.push('\n');
                    }
                    status = code as i32;
                }
            }
            Some(_) => {}
            None => {
                err = format!(
                    "kubelab: stopped waiting for pod {ns}/{name} to end after 1h of virtual time\n"
                );
                status = 1;
            }
        }
    }
    let mut out = String::new();
    for (kind, ns, name) in &after.remove {
        let Some(k) = kinds::by_kind(kind) else {
            continue;
        };
        if world
            .delete(
                k,
                ns,
                name,
                &crate::world::requests::DeleteOptions::default(),
            )
            .is_ok()
        {
            out.push_str(&format!("{} \"{name}\" deleted\n", kind.to_lowercase()));
        }
    }
    (out, err, status)
}

fn after_policy(pod: &Value) -> &str {
    meta::str_at(pod, &["spec", "restartPolicy"]).unwrap_or("Always")
}

/// Called by the workstation when an attached session of `kubectl run` ends.
pub fn session_ended(
    world: &mut World,
    config: &mut ClientConfig,
) -> Option<(String, String, i32)> {
    let after = config.after_attach.take()?;
    Some(finish(world, &after, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_envs_parse_as_kubectl() {
        assert_eq!(
            parse_labels("a=b,c=d")
                .unwrap()
                .get("c")
                .map(String::as_str),
            Some("d")
        );
        assert_eq!(
            parse_labels("a").unwrap_err().render(),
            "error: unexpected label spec: a\n"
        );
        assert_eq!(
            parse_labels("=b").unwrap_err().render(),
            "error: unexpected empty label key\n"
        );
        assert_eq!(
            parse_envs(&["1A=b".into()]).unwrap_err().render(),
            "error: invalid env: 1A=b\n"
        );
        assert_eq!(parse_envs(&["A=b=c".into()]).unwrap()[0]["value"], "b=c");
    }
}
