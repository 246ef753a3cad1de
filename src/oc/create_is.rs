//! `oc create imagestream|is` and `oc create imagestreamtag|istag`
//! (openshift/oc `pkg/cli/create/imagestream.go`, `imagestreamtag.go`).

use serde_json::{Value, json};

use super::tag::Ref;
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::name::{DryRun, success};
use crate::world::api::{kinds, meta};
use crate::world::openshift::imagestream::spec_tags;

/// `oc create imagestream NAME [--lookup-local]`.
pub fn imagestream(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let dry = dry_run(f)?;
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let obj = json!({"apiVersion": "image.openshift.io/v1", "kind": kinds::IMAGE_STREAM, "metadata": {"name": args[0], "namespace": ns},
        "spec": {"lookupPolicy": {"local": f.boolean("lookup-local")}}});
    let k = kinds::by_kind(kinds::IMAGE_STREAM)
        .ok_or_else(|| Failure::Message("no ImageStream kind".into()))?;
    if dry != DryRun::Client {
        ctx.world.create(obj, dry == DryRun::Server)?;
    }
    ctx.io.out(&success(k, &args[0], "created", dry));
    Ok(())
}

/// `oc create imagestreamtag NAME:TAG (--from-image=PULLSPEC | --from=[ns/]is:tag|is@id)`.
pub fn imagestreamtag(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let dry = dry_run(f)?;
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let name = &args[0];
    let Some((stream, tag)) = name.split_once(':') else {
        return Err(Failure::Message(
            "<name> must be of the form <stream_name>:<tag>".into(),
        ));
    };
    let from_image = f.string("from-image").filter(|s| !s.is_empty());
    let from = f.string("from").filter(|s| !s.is_empty());
    let policy = f
        .string("reference-policy")
        .unwrap_or_else(|| "source".into())
        .to_ascii_lowercase();
    if policy != "source" && policy != "local" {
        return Err(Failure::Message(
            "valid values for --reference-policy are: source, local".into(),
        ));
    }
    let from_obj = match (&from_image, &from) {
        (Some(_), Some(_)) => {
            return Err(Failure::Message(
                "--from and --from-image may not be used together".into(),
            ));
        }
        (Some(img), None) => json!({"kind": "DockerImage", "name": img}),
        (None, Some(r)) => {
            let parsed = Ref::parse(r).map_err(Failure::Message)?;
            if !parsed.registry.is_empty() {
                return Err(Failure::Message(
                    "Invalid --from, registry may not be specified".into(),
                ));
            }
            let mut o = if parsed.id.is_empty() {
                json!({"kind": kinds::IMAGE_STREAM_TAG, "name": format!("{}:{}", parsed.name, if parsed.tag.is_empty() { "latest" } else { &parsed.tag })})
            } else {
                json!({"kind": kinds::IMAGE_STREAM_IMAGE, "name": format!("{}@{}", parsed.name, parsed.id)})
            };
            if !parsed.namespace.is_empty() {
                o["namespace"] = json!(parsed.namespace);
            }
            o
        }
        (None, None) => Value::Null,
    };
    let mut tag_ref = json!({"name": tag, "from": from_obj});
    if from_obj.is_null()
        && let Some(m) = tag_ref.as_object_mut()
    {
        m.remove("from");
    }
    if f.boolean("scheduled") {
        tag_ref["importPolicy"] = json!({"scheduled": true});
    }
    if f.boolean("insecure") {
        meta::set_path(&mut tag_ref, &["importPolicy", "insecure"], json!(true));
    }
    if f.boolean("reference") {
        tag_ref["reference"] = json!(true);
    }
    if policy == "local" {
        tag_ref["referencePolicy"] = json!({"type": "Local"});
    }
    let mut annotations = serde_json::Map::new();
    for a in f.strings("annotation") {
        if let Some((k, v)) = a.split_once('=') {
            annotations.insert(k.to_string(), json!(v));
        }
    }
    if !annotations.is_empty() {
        tag_ref["annotations"] = Value::Object(annotations);
    }
    let k = kinds::by_kind(kinds::IMAGE_STREAM_TAG)
        .ok_or_else(|| Failure::Message("no ImageStreamTag kind".into()))?;
    if dry == DryRun::Client {
        ctx.io.out(&success(k, name, "created", dry));
        return Ok(());
    }
    match ctx.world.object(kinds::IMAGE_STREAM, &ns, stream).cloned() {
        Some(mut is) => {
            if spec_tags(&is)
                .iter()
                .any(|t| t.get("name").and_then(Value::as_str) == Some(tag))
            {
                return Err(Failure::Api(crate::world::ApiError {
                    reason: crate::world::Reason::AlreadyExists,
                    message: format!("imagestreamtag.image.openshift.io \"{name}\" already exists"),
                    causes: vec![],
                }));
            }
            let mut tags = spec_tags(&is);
            tags.push(tag_ref);
            is["spec"]["tags"] = Value::Array(tags);
            meta::remove_path(&mut is, &["metadata", "resourceVersion"]);
            ctx.world.update(is, dry == DryRun::Server)?;
        }
        None => {
            ctx.world.create(
                json!({"apiVersion": "image.openshift.io/v1", "kind": kinds::IMAGE_STREAM, "metadata": {"name": stream, "namespace": ns}, "spec": {"tags": [tag_ref]}}),
                dry == DryRun::Server,
            )?;
        }
    }
    ctx.io.out(&success(k, name, "created", dry));
    Ok(())
}
