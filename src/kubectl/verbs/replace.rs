//! `kubectl replace -f FILE` as kubectl 1.32 does it (`pkg/cmd/replace/replace.go`): each object
//! of the files replaces the server's (a PUT of the whole object: what the file leaves out is
//! gone), `replaced`; a missing object is the server's NotFound; `--force` deletes the object
//! and creates it again (`deleted`, then `replaced`); `--save-config`, `--dry-run`, `-o`.

use serde_json::Value;

use crate::kubectl::common::{dry_run, object_namespace, print_warnings, record, validation};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::requests::{DeleteOptions, Propagation};

/// kubectl's `deleted` line (`pod "x" deleted`, `deployment.apps "x" deleted`).
fn deleted_line(kind: &KindInfo, name: &str) -> String {
    let qualified = qualified_name(kind, name);
    let resource = qualified.split('/').next().unwrap_or(kind.plural);
    format!("{resource} \"{name}\" deleted\n")
}

fn print(ctx: &mut Ctx<'_>, out: &Output, kind: &KindInfo, obj: &Value, dry: DryRun) -> CmdResult {
    match out {
        Output::Default => ctx.io.out(&success(kind, meta::name(obj), "replaced", dry)),
        Output::Name => ctx
            .io
            .out(&format!("{}\n", qualified_name(kind, meta::name(obj)))),
        o => ctx.io.out(&output::print_structured(
            o,
            std::slice::from_ref(obj),
            false,
            false,
        )?),
    }
    Ok(())
}

/// `kubectl replace`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let fv = validation(f)?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    let names = f.strings("filename");
    if !f.strings("kustomize").is_empty() {
        return Err(Failure::Unsupported("kustomize (-k)".into()));
    }
    if names.is_empty() {
        return Err(Failure::Message("must specify one of -f and -k".into()));
    }
    let force = f.boolean("force");
    if force && dry != DryRun::None {
        return Err(Failure::Message(
            "--dry-run can not be used when --force is set".into(),
        ));
    }
    if f.string("subresource").is_some_and(|s| !s.is_empty()) {
        return Err(Failure::Unsupported("kubectl replace --subresource".into()));
    }
    let cascade = match f.string("cascade").as_deref() {
        Some("orphan") | Some("false") => Propagation::Orphan,
        Some("foreground") => Propagation::Foreground,
        _ => Propagation::Background,
    };
    let grace = f.int("grace-period")?.filter(|g| *g >= 0);
    let _ = (f.boolean("wait"), f.string("timeout"));
    let (objs, read_error) = read_sourced(ctx, &names);
    if let Some(e) = read_error {
        return Err(e);
    }
    let mut errors = Vec::new();
    for s in objs {
        let mut obj = s.object;
        let kind = ctx.world.kind_of(&obj)?;
        let ns = object_namespace(ctx, f, &obj, kind.namespaced)?;
        if kind.namespaced {
            meta::set_path(
                &mut obj,
                &["metadata", "namespace"],
                Value::String(ns.clone()),
            );
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
        let name = meta::name(&obj).to_string();
        if name.is_empty() {
            // client-go refuses a request for an object without a name before sending it.
            errors.push(Failure::Message(format!(
                "error when replacing \"{}\": resource name may not be empty",
                s.source
            )));
            continue;
        }
        let wrap = |mut e: crate::world::ApiError, verb: &str| {
            if e.reason != crate::world::Reason::Invalid {
                e.message = format!("error when {verb} \"{}\": {}", s.source, e.message);
            }
            Failure::Api(e)
        };
        if force {
            let opts = DeleteOptions {
                propagation: cascade,
                grace_period: grace,
                dry_run: false,
            };
            match ctx.world.delete(kind, &ns, &name, &opts) {
                Ok(_) => ctx.io.out(&deleted_line(kind, &name)),
                Err(e) if e.reason == crate::world::Reason::NotFound => {}
                Err(e) => {
                    errors.push(wrap(e, "deleting"));
                    continue;
                }
            }
            // kubectl waits for the object to be gone before creating it again.
            let horizon = ctx.world.now() + 600_000;
            for _ in 0..100_000 {
                if ctx.world.object(kind.kind, &ns, &name).is_none() || !ctx.world.step(horizon) {
                    break;
                }
            }
            meta::remove_path(&mut obj, &["metadata", "resourceVersion"]);
            meta::remove_path(&mut obj, &["metadata", "uid"]);
            let created = ctx.world.create_validated(obj, false, fv);
            print_warnings(ctx);
            match created {
                Ok(c) => print(ctx, &out, kind, &c, dry)?,
                Err(e) => errors.push(wrap(e, "creating")),
            }
            continue;
        }
        let result = if dry == DryRun::Client {
            Ok(obj)
        } else {
            let r = ctx.world.get(kind, &ns, &name).and_then(|_| {
                ctx.world.update_validated(
                    obj,
                    dry == DryRun::Server,
                    fv,
                    crate::world::api::schema::Body::Object,
                )
            });
            print_warnings(ctx);
            r
        };
        match result {
            Ok(r) => print(ctx, &out, kind, &r, dry)?,
            Err(e) => errors.push(wrap(e, "replacing")),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
