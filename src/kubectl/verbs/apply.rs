//! `kubectl apply -f` (`kubectl pkg/cmd/apply`): client-side apply with the
//! `last-applied-configuration` annotation and a three-way merge; `created`, `configured`,
//! `unchanged`.

use serde_json::Value;

use crate::kubectl::apply_merge::{
    apply_json_merge, apply_patch, last_applied_annotation, sent_patch,
};
use crate::kubectl::common::{dry_run, object_namespace, print_warnings, record, validation};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta;
use crate::world::api::schema::Body;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `kubectl apply`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if f.boolean("server-side") {
        return Err(Failure::Unsupported(
            "server-side apply (--server-side)".into(),
        ));
    }
    // kubectl's order: --dry-run, then --validate, then the printer.
    let dry = dry_run(f)?;
    let fv = validation(f)?;
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let names = f.strings("filename");
    if names.is_empty() && f.strings("kustomize").is_empty() {
        return Err(Failure::Message("must specify one of -f and -k".into()));
    }
    if !f.strings("kustomize").is_empty() {
        return Err(Failure::Unsupported("kustomize (-k)".into()));
    }
    let (objs, read_error) = read_sourced(ctx, &names);
    if objs.is_empty() && read_error.is_none() {
        return Err(Failure::Message("no objects passed to apply".into()));
    }
    let mut errors = Vec::new();
    let mut printed = Vec::new();
    // kubectl apply maps every object to its resource before applying any (`GetObjects`), so a
    // custom resource in the same files as its CRD is not found yet.
    let kinds: Vec<_> = objs.iter().map(|s| ctx.world.kind_of(&s.object)).collect();
    for (s, kind) in objs.into_iter().zip(kinds) {
        let mut obj = s.object;
        let kind = match kind {
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
        if meta::name(&obj).is_empty() {
            // apply GETs the live object first; client-go refuses a GET without a name.
            errors.push(Failure::Message(format!(
                "error when retrieving current configuration of:\nResource: \"{gv}, Resource={}\", GroupVersionKind: \"{gv}, Kind={}\"\nName: \"\", Namespace: \"{}\"\nfrom server for: \"{}\": resource name may not be empty",
                kind.plural,
                kind.kind,
                if kind.namespaced { ns.as_str() } else { "" },
                s.source,
                gv = format_args!("{}/{}", kind.group, kind.version),
            )));
            continue;
        }
        if kind.namespaced {
            meta::set_path(
                &mut obj,
                &["metadata", "namespace"],
                Value::String(ns.clone()),
            );
        }
        record(f, &mut obj);
        let annotation = last_applied_annotation(&obj);
        let mut modified = obj.clone();
        meta::set_annotation(&mut modified, LAST_APPLIED, &annotation);
        let current = ctx.world.object(kind.kind, &ns, meta::name(&obj)).cloned();
        let (op, result) = match current {
            None => {
                let r = match dry {
                    DryRun::Client => Ok(modified.clone()),
                    DryRun::Server => ctx.world.create_validated(modified.clone(), true, fv),
                    DryRun::None => ctx.world.create_validated(modified.clone(), false, fv),
                };
                print_warnings(ctx);
                ("created", r)
            }
            Some(cur) => {
                let original: Option<Value> =
                    meta::annotation(&cur, LAST_APPLIED).and_then(|a| serde_json::from_str(a).ok());
                if original.is_none() {
                    ctx.io.err(&format!(
                        "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by {} apply. {} apply should only be used on resources created declaratively by either {} create --save-config or {} apply. The missing annotation will be patched automatically.\n",
                        kind.qualified_plural().split('.').next().unwrap_or(kind.plural),
                        meta::name(&cur),
                        f.program(),
                        f.program(),
                        f.program(),
                        f.program()
                    ));
                }
                let patched = if ctx.world.custom_resource(kind).is_some() {
                    Ok(apply_json_merge(original.as_ref(), &modified, &cur))
                } else {
                    apply_patch(kind.kind, original.as_ref(), &modified, &cur)
                };
                let custom = ctx.world.custom_resource(kind).is_some();
                match patched {
                    Err(e) => {
                        errors.push(Failure::Message(e.to_string()));
                        continue;
                    }
                    Ok((patch, merged)) => {
                        let unchanged = merged == cur;
                        let sent = sent_patch(&patch, &cur);
                        // A custom resource gets a JSON merge patch: decoded as a whole object.
                        let body = if custom {
                            Body::Object
                        } else {
                            Body::StrategicPatch(&sent)
                        };
                        let r = if unchanged {
                            Ok(cur.clone())
                        } else {
                            match dry {
                                DryRun::Client => Ok(merged),
                                DryRun::Server => {
                                    ctx.world.update_validated(merged, true, fv, body)
                                }
                                DryRun::None => ctx.world.update_validated(merged, false, fv, body),
                            }
                        };
                        print_warnings(ctx);
                        (if unchanged { "unchanged" } else { "configured" }, r)
                    }
                }
            }
        };
        match result {
            Ok(o) => match out {
                Output::Default => ctx.io.out(&success(kind, meta::name(&o), op, dry)),
                Output::Name => ctx
                    .io
                    .out(&format!("{}\n", qualified_name(kind, meta::name(&o)))),
                _ => printed.push(o),
            },
            Err(e) => {
                let mut e = e;
                if e.reason != crate::world::Reason::Invalid {
                    let verb = if op == "created" {
                        "creating"
                    } else {
                        "patching"
                    };
                    e.message = format!("error when {verb} \"{}\": {}", s.source, e.message);
                }
                errors.push(Failure::Api(e));
            }
        }
    }
    if !printed.is_empty() {
        ctx.io.out(&output::print_structured(
            &out,
            &printed,
            printed.len() > 1,
            false,
        )?);
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
