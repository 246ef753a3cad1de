//! What the `kubectl set` commands share (`staging/src/k8s.io/kubectl/pkg/cmd/set/`): the objects
//! they act on (from the server, or with `--local` only from `-f` files, never touching the
//! server), the pod spec inside each kind, and how a changed object is sent and printed
//! (`--local` and `--dry-run=client` print it; otherwise it is updated on the server).

use crate::world::api::kinds;
use serde_json::Value;

use super::targets::{self, Target};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::Failure;
use crate::kubectl::output::{self, Output};
use crate::kubectl::typed::round_trip;
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;

/// Where a kind keeps its pod spec (`polymorphichelpers.UpdatePodSpecForObject`).
pub fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        kinds::POD => Some(&["spec"]),
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | kinds::REPLICATION_CONTROLLER => Some(&["spec", "template", "spec"]),
        kinds::CRON_JOB => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// kubectl's error for an object without a pod spec.
pub fn no_pod_spec(kind: &KindInfo, name: &str) -> Failure {
    Failure::Message(format!(
        "{} the object is not a pod or does not have a pod template: *v1.{}",
        qualified_name(kind, name),
        kind.kind
    ))
}

/// A target of a `set` command that has a pod template, with the path of its pod spec; the
/// target's own failure, or kubectl's "no pod template" error, otherwise.
pub fn with_pod_spec(
    kind: &KindInfo,
    obj: Result<Value, Failure>,
) -> Result<(Value, &'static [&'static str]), Failure> {
    let obj = obj?;
    match pod_spec_path(kind.kind) {
        Some(path) => Ok((obj, path)),
        None => Err(no_pod_spec(kind, meta::name(&obj))),
    }
}

/// The objects a `set` command acts on. With `--local`, only the `-f` files are read
/// (`local_missing` is kubectl's error when there are none).
pub fn objects(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    res_args: &[String],
    local_missing: &str,
) -> Result<Vec<Target>, Failure> {
    if !f.boolean("local") {
        return targets::resolve(ctx, f, res_args, true);
    }
    let files = f.strings("filename");
    if files.is_empty() {
        return Err(Failure::Message(local_missing.to_string()));
    }
    let (objs, err) = read_sourced(ctx, &files);
    if let Some(e) = err {
        return Err(e);
    }
    let mut out = Vec::new();
    for s in objs {
        let kind = ctx.world.kind_of(&s.object)?;
        out.push((kind, Ok(s.object)));
    }
    Ok(out)
}

/// Sends a changed object (or, with `--local` / `--dry-run=client`, only prints it) and prints
/// the result as `-o` says; `op` is the success line's verb (`env updated`).
pub fn send_and_print(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    kind: &'static KindInfo,
    updated: Value,
    op: &str,
    out: &Output,
    dry: DryRun,
) -> Result<(), Failure> {
    let local = f.boolean("local");
    let (result, dry) = if local {
        (round_trip(&updated), DryRun::None)
    } else if dry == DryRun::Client {
        (updated, dry)
    } else {
        let mut send = updated;
        meta::remove_path(&mut send, &["metadata", "resourceVersion"]);
        let r = ctx.world.update(send, dry == DryRun::Server);
        crate::kubectl::common::print_warnings(ctx);
        (r?, dry)
    };
    match out {
        Output::Default => ctx.io.out(&success(kind, meta::name(&result), op, dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(kind, meta::name(&result)))),
        o => ctx
            .io
            .out(&output::print_structured(o, &[result], false, local)?),
    }
    Ok(())
}

/// Whether a container name matches `-c` (a shell-style pattern, `*` by default).
pub fn container_matches(pattern: &str, name: &str) -> bool {
    fn m(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => m(&p[1..], n) || (!n.is_empty() && m(p, &n[1..])),
            (Some(b'?'), Some(_)) => m(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => m(&p[1..], &n[1..]),
            _ => false,
        }
    }
    m(pattern.as_bytes(), name.as_bytes())
}

/// The final error of a command from its list of failures.
pub fn result(mut errors: Vec<Failure>) -> Result<(), Failure> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::container_matches;

    #[test]
    fn container_patterns_match_as_kubectl_globs() {
        assert!(container_matches("*", "nginx"));
        assert!(container_matches("ng*", "nginx"));
        assert!(!container_matches("ng", "nginx"));
        assert!(container_matches("n?inx", "nginx"));
    }
}
