//! `kubectl set image` (`kubectl pkg/cmd/set/set_image.go`).

use crate::world::api::kinds;
use serde_json::{Value, json};

use crate::kubectl::common::{dry_run, record};
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS};
use crate::world::api::meta;

fn spec_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        kinds::POD => Some(&["spec"]),
        kinds::DEPLOYMENT
        | kinds::REPLICA_SET
        | kinds::STATEFUL_SET
        | kinds::DAEMON_SET
        | kinds::JOB => Some(&["spec", "template", "spec"]),
        kinds::CRON_JOB => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// `kubectl set image`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let dry = dry_run(f)?;
    let all_args = f.args();
    let split = all_args
        .iter()
        .position(|a| a.contains('='))
        .unwrap_or(all_args.len());
    let (res_args, image_args) = all_args.split_at(split);
    if res_args.is_empty() && f.strings("filename").is_empty() {
        return Err(Failure::Message("required resource not specified".into()));
    }
    let mut images: Vec<(String, String)> = Vec::new();
    for a in image_args {
        match a.split_once('=') {
            Some((c, i)) if !c.is_empty() && !i.is_empty() => {
                images.push((c.to_string(), i.to_string()))
            }
            _ => {
                return Err(Failure::Message(format!(
                    "invalid image update argument: {a}, expected container=image"
                )));
            }
        }
    }
    let list = super::set_common::objects(
        ctx,
        f,
        res_args,
        "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'",
    )?;
    let out = output::parse(f.string("output").as_deref(), OBJECT_FORMATS, &*ctx.files)?;
    if images.is_empty() {
        return Err(Failure::Message(
            "at least one image update is required".into(),
        ));
    }
    let mut errors = Vec::new();
    for (kind, obj) in list {
        let obj = match obj {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some(path) = spec_path(kind.kind) else {
            errors.push(Failure::Message(format!(
                "error: {}/{} the object is not a pod or does not have a pod template: *v1.{}",
                kind.plural,
                meta::name(&obj),
                kind.kind
            )));
            continue;
        };
        let mut updated = obj.clone();
        let mut missing = None;
        for (c, img) in &images {
            let mut found = false;
            for list in ["initContainers", "containers"] {
                let mut keys: Vec<&str> = path.to_vec();
                keys.push(list);
                if meta::path(&updated, &keys).is_none() {
                    continue;
                }
                if let Some(cs) = meta::path_mut(&mut updated, &keys).as_array_mut() {
                    for container in cs.iter_mut() {
                        if c == "*"
                            || container.get("name").and_then(Value::as_str) == Some(c.as_str())
                        {
                            container["image"] = json!(img);
                            found = true;
                        }
                    }
                }
            }
            if !found && c != "*" {
                missing = Some(c.clone());
            }
        }
        if let Some(c) = missing {
            errors.push(Failure::Message(format!(
                "unable to find container named \"{c}\""
            )));
            continue;
        }
        if updated == obj {
            continue;
        }
        record(f, &mut updated);
        if let Err(e) =
            super::set_common::send_and_print(ctx, f, kind, updated, "image updated", &out, dry)
        {
            errors.push(e);
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
