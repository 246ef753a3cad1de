//! `kubectl create -f` and `kubectl create <object> NAME ...` (`kubectl pkg/cmd/create`):
//! objects are built by pure functions, so `--dry-run=client -o yaml` prints exactly what
//! would be sent.

use serde_json::Value;

use crate::kubectl::common::{dry_run, object_namespace, print_warnings, record, validation};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta;

/// `kubectl create -f FILE...`.
pub fn from_files(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    // kubectl's order: --dry-run, then --validate, then the printer.
    let dry = dry_run(f)?;
    let fv = validation(f)?;
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let names = f.strings("filename");
    let (objs, read_error) = read_sourced(ctx, &names);
    if objs.is_empty() && read_error.is_none() {
        return Err(Failure::Message("no objects passed to create".into()));
    }
    let mut errors = Vec::new();
    let mut printed: Vec<Value> = Vec::new();
    for s in objs {
        let mut obj = s.object;
        let kind = match ctx.world.kind_of(&obj) {
            Ok(k) => k,
            Err(_) => {
                errors.push(Failure::Message(format!(
                    "resource mapping not found for name: \"{}\" namespace: \"{}\" from \"{}\": no matches for kind \"{}\" in version \"{}\"\nensure CRDs are installed first",
                    meta::name(&obj),
                    meta::namespace(&obj),
                    s.source,
                    meta::kind(&obj),
                    obj.get("apiVersion").and_then(Value::as_str).unwrap_or("")
                )));
                continue;
            }
        };
        let ns = object_namespace(ctx, f, &obj, kind.namespaced)?;
        if kind.namespaced {
            meta::set_path(&mut obj, &["metadata", "namespace"], Value::String(ns));
        }
        record(f, &mut obj);
        if f.boolean("save-config") {
            let la = crate::kubectl::apply_merge::last_applied_annotation(&obj);
            meta::set_annotation(
                &mut obj,
                "kubectl.kubernetes.io/last-applied-configuration",
                &la,
            );
        }
        let result = match dry {
            DryRun::Client => Ok(obj.clone()),
            DryRun::Server => ctx.world.create_validated(obj.clone(), true, fv),
            DryRun::None => ctx.world.create_validated(obj.clone(), false, fv),
        };
        print_warnings(ctx);
        match result {
            Ok(created) => match out {
                Output::Default => ctx
                    .io
                    .out(&success(kind, meta::name(&created), "created", dry)),
                Output::Name => ctx
                    .io
                    .out(&format!("{}\n", qualified_name(kind, meta::name(&created)))),
                _ => printed.push(created),
            },
            Err(e) => {
                let mut e = e;
                if e.reason != crate::world::Reason::Invalid {
                    e.message = format!("error when creating \"{}\": {}", s.source, e.message);
                }
                errors.push(Failure::Api(e));
            }
        }
    }
    if !printed.is_empty() {
        let as_list = printed.len() > 1;
        ctx.io
            .out(&output::print_structured(&out, &printed, as_list, false)?);
    }
    if let Some(e) = read_error {
        errors.push(e);
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}

/// Sends (or prints, for `--dry-run=client`) an object built by a `create <object>` subcommand;
/// `what` is kubectl's word in `failed to create <what>: ...`.
pub fn send_built(ctx: &mut Ctx<'_>, f: &dyn Flags, obj: Value, what: &str) -> CmdResult {
    send_built_as(ctx, f, obj, Some(&format!("failed to create {what}: ")))
}

/// [`send_built`] with kubectl's own wrapping of the server's error: `Some(prefix)` prints
/// `error: <prefix><status message>` (each subcommand words it its own way, e.g. `failed to
/// create secret ` without a colon), `None` prints the API error as `CheckErr` does
/// (`Error from server (AlreadyExists): ...`).
pub fn send_built_as(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    obj: Value,
    wrap: Option<&str>,
) -> CmdResult {
    send_built_with(ctx, f, obj, wrap, true)
}

/// [`send_built_as`] for the subcommands that never read `--save-config` (`create service
/// ...`: kubectl accepts the flag and leaves the annotation out).
pub fn send_built_without_save_config(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    obj: Value,
    wrap: Option<&str>,
) -> CmdResult {
    send_built_with(ctx, f, obj, wrap, false)
}

fn send_built_with(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    mut obj: Value,
    wrap: Option<&str>,
    save_config: bool,
) -> CmdResult {
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let dry = dry_run(f)?;
    let fv = validation(f)?;
    let kind = ctx.world.kind_of(&obj)?;
    // The builders set an explicit `-n` before the annotation is made, so it is part of it.
    let explicit_ns = f.string("namespace").filter(|n| !n.is_empty());
    if kind.namespaced && explicit_ns.is_some() {
        meta::set_path(
            &mut obj,
            &["metadata", "namespace"],
            Value::String(ctx.namespace(explicit_ns.as_deref())),
        );
    }
    record(f, &mut obj);
    // Read either way: a subcommand that ignores the flag does so as kubectl does (no notice).
    if f.boolean("save-config") && save_config {
        let la = crate::kubectl::apply_merge::last_applied_typed(&obj);
        meta::set_annotation(
            &mut obj,
            "kubectl.kubernetes.io/last-applied-configuration",
            &la,
        );
    }
    let result = match dry {
        DryRun::Client => obj,
        _ => {
            let mut send = obj.clone();
            if kind.namespaced {
                meta::set_path(
                    &mut send,
                    &["metadata", "namespace"],
                    Value::String(ctx.namespace(explicit_ns.as_deref())),
                );
            }
            let created = ctx.world.create_validated(send, dry == DryRun::Server, fv);
            print_warnings(ctx);
            match created {
                Ok(o) => o,
                Err(e) => {
                    // Most create subcommands wrap the error (`failed to create deployment:
                    // %v`), so the status message shows, not CheckErr's form.
                    let Some(prefix) = wrap else {
                        return Err(Failure::Api(e));
                    };
                    let message = if e.reason == crate::world::Reason::Invalid {
                        status_message_invalid(kind, meta::name(&obj), &e)
                    } else {
                        e.message.clone()
                    };
                    return Err(Failure::Message(format!("{prefix}{message}")));
                }
            }
        }
    };
    match out {
        Output::Default => ctx
            .io
            .out(&success(kind, meta::name(&result), "created", dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(kind, meta::name(&result)))),
        out => ctx
            .io
            .out(&output::print_structured(&out, &[result], false, true)?),
    }
    Ok(())
}

/// The API status message of an Invalid error (`Deployment.apps "x" is invalid: field: detail`,
/// several causes in brackets).
fn status_message_invalid(
    kind: &crate::world::api::kinds::KindInfo,
    name: &str,
    e: &crate::world::ApiError,
) -> String {
    let gk = if kind.group.is_empty() {
        kind.kind.to_string()
    } else {
        format!("{}.{}", kind.kind, kind.group)
    };
    let causes: Vec<String> = e
        .causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.detail))
        .collect();
    match causes.as_slice() {
        [one] => format!("{gk} \"{name}\" is invalid: {one}"),
        _ => format!("{gk} \"{name}\" is invalid: [{}]", causes.join(", ")),
    }
}
