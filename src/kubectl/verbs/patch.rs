//! `kubectl patch` (`kubectl pkg/cmd/patch`): strategic merge (default), JSON merge and JSON
//! patches, applied as the API server applies them.

use serde_json::Value;

use super::targets;
use crate::kubectl::common::{dry_run, print_warnings};
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::manifest::parse_manifests;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS, Output};
use crate::printers::name::{DryRun, qualified_name, success};
use crate::world::api::meta;
use crate::world::api::patch;
use crate::world::api::schema::{Body, FieldValidation};

/// `kubectl patch`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let text = match (f.string("patch"), f.string("patch-file")) {
        (Some(p), _) if !p.is_empty() => p,
        (_, Some(file)) if !file.is_empty() => {
            String::from_utf8_lossy(&ctx.files.read_file(&file).map_err(|_| {
                Failure::Message(format!(
                    "unable to read patch file: open {file}: no such file or directory"
                ))
            })?)
            .into_owned()
        }
        _ => {
            return Err(Failure::Message(
                "must specify --patch or --patch-file containing the contents of the patch".into(),
            ));
        }
    };
    let ty = f.string("type").unwrap_or_else(|| "strategic".into());
    if !matches!(ty.as_str(), "json" | "merge" | "strategic") {
        return Err(Failure::Message(format!(
            "--type must be one of [json merge strategic], not \"{ty}\""
        )));
    }
    let body: Value = match parse_manifests("patch", &text) {
        Ok(mut docs) if !docs.is_empty() => docs.remove(0),
        Ok(_) => Value::Null,
        Err(e) => {
            return Err(Failure::Message(format!(
                "unable to parse \"{text}\": {}",
                e.to_string().trim_start_matches("error parsing patch: ")
            )));
        }
    };
    let args: Vec<String> = f.args().to_vec();
    let local = f.boolean("local");
    if local && !args.is_empty() {
        return Err(Failure::Message(
            "cannot specify --local and server resources".into(),
        ));
    }
    let found = if local {
        super::set_common::objects(ctx, f, &args, super::expose::NO_RESOURCES)?
    } else {
        targets::resolve(ctx, f, &args, false)?
    };
    let mut errors = Vec::new();
    for (kind, obj) in found {
        let obj = match obj {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if ty == "strategic" && ctx.world.custom_resource(kind).is_some() {
            // The custom resource handler accepts no strategic merge patch (apiserver's
            // `negotiation.NewUnsupportedMediaTypeError` with the CRD handler's patch types).
            errors.push(Failure::Api(crate::world::ApiError {
                reason: crate::world::Reason::UnsupportedMediaType,
                message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml".into(),
                causes: vec![],
            }));
            continue;
        }
        let patched = match ty.as_str() {
            "json" => patch::json_patch(&obj, &body).map_err(|e| Failure::Message(e.to_string())),
            "merge" => Ok(patch::merge_patch(&obj, &body)),
            _ => patch::strategic_merge(kind.kind, &obj, &body)
                .map_err(|e| Failure::Message(e.to_string())),
        };
        let patched = match patched {
            Ok(p) => p,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // kubectl patch sends no `fieldValidation` (it has no --validate flag): the server's
        // default, Warn, applies; the patched object is decoded first, so a patch that only
        // adds unknown fields changes nothing.
        let mut patched = patched;
        let decoded = if dry == DryRun::Client || patched == obj || local {
            Ok(())
        } else {
            let form = if ty == "strategic" {
                Body::StrategicPatch(&body)
            } else {
                Body::Object
            };
            ctx.world
                .decode_body("patch", &mut patched, FieldValidation::Warn, form)
        };
        print_warnings(ctx);
        if let Err(e) = decoded {
            errors.push(Failure::Api(e));
            continue;
        }
        let changed = patched != obj;
        // --local changes nothing on the server and prints no dry-run suffix.
        let dry = if local { DryRun::None } else { dry };
        let result = if !changed || dry == DryRun::Client || local {
            patched
        } else {
            let mut p = patched;
            meta::remove_path(&mut p, &["metadata", "resourceVersion"]);
            match ctx.world.update(p, dry == DryRun::Server) {
                Ok(o) => o,
                Err(e) => {
                    errors.push(Failure::Api(e));
                    continue;
                }
            }
        };
        match &out {
            Output::Default => ctx.io.out(&success(
                kind,
                meta::name(&result),
                if changed {
                    "patched"
                } else {
                    "patched (no change)"
                },
                dry,
            )),
            Output::Name => ctx
                .io
                .out(&format!("{}\n", qualified_name(kind, meta::name(&result)))),
            o => ctx
                .io
                .out(&output::print_structured(o, &[result], false, false)?),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
