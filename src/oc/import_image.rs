//! `oc import-image IS[:TAG] [--from=PULLSPEC] [--confirm] [--scheduled] [--reference-policy]`
//! (openshift/oc `pkg/cli/importimage/importimage.go`): a synchronous import.

use crate::world::api::kinds;
use serde_json::{Value, json};

use super::tag::Ref;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::openshift::{describe_image, describe_imagestream};
use crate::world::api::meta;
use crate::world::openshift::imagestream::{head, spec_tag, spec_tags};
use crate::world::openshift::import::import_tags;

/// `oc import-image`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let Some(target) = f.args().first().cloned() else {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "you must specify the name of an image stream".into(),
        });
    };
    let r = Ref::parse(&target).map_err(Failure::Message)?;
    if !r.id.is_empty() {
        return Err(Failure::Message(
            "to import images by ID, use the 'tag' command".into(),
        ));
    }
    let stream = r.name.clone();
    let tag = if r.tag.is_empty() {
        "latest".to_string()
    } else {
        r.tag.clone()
    };
    let from = f.string("from").filter(|s| !s.is_empty());
    let policy = if f.string("reference-policy").as_deref() == Some("local") {
        "Local"
    } else {
        "Source"
    };
    let mut tag_ref = json!({"name": tag, "from": {"kind": "DockerImage", "name": from.clone().unwrap_or_else(|| target.clone())},
        "referencePolicy": {"type": policy}, "generation": 0});
    if f.boolean("scheduled") {
        tag_ref["importPolicy"] = json!({"scheduled": true});
    }
    match ctx.world.object(kinds::IMAGE_STREAM, &ns, &stream).cloned() {
        None => {
            if !f.boolean("confirm") {
                return Err(Failure::Message(format!(
                    "no image stream named \"{stream}\" exists, pass --confirm to create and import"
                )));
            }
            ctx.world.create(json!({"apiVersion": "image.openshift.io/v1", "kind": kinds::IMAGE_STREAM, "metadata": {"name": stream, "namespace": ns}, "spec": {"tags": [tag_ref]}}), false)?;
        }
        Some(mut is) => {
            match spec_tag(&is, &tag).cloned() {
                None => {
                    if from.is_none() {
                        return Err(Failure::Message(format!(
                            "the tag \"{tag}\" does not exist on the image stream - choose an existing tag to import or use the 'tag' command to create a new tag"
                        )));
                    }
                }
                Some(existing) => {
                    let kind = meta::str_at(&existing, &["from", "kind"]).unwrap_or("");
                    let name = meta::str_at(&existing, &["from", "name"])
                        .unwrap_or("")
                        .to_string();
                    if kind != "DockerImage" {
                        return Err(Failure::Message(format!(
                            "tag \"{tag}\" points to existing {kind} \"{name}\", it cannot be re-imported"
                        )));
                    }
                    if let Some(fr) = &from
                        && *fr != name
                    {
                        return Err(Failure::Message(format!(
                            "the tag \"{tag}\" points to \"{name}\" - use the 'tag' command if you want to change the source to \"{fr}\""
                        )));
                    }
                    tag_ref = existing;
                    tag_ref["generation"] = json!(0);
                }
            }
            let mut tags: Vec<Value> = spec_tags(&is)
                .into_iter()
                .filter(|t| t.get("name").and_then(Value::as_str) != Some(tag.as_str()))
                .collect();
            tags.push(tag_ref);
            is["spec"]["tags"] = Value::Array(tags);
            meta::remove_path(&mut is, &["metadata", "resourceVersion"]);
            ctx.world.update(is, false)?;
        }
    }
    let results = import_tags(ctx.world, &ns, &stream, std::slice::from_ref(&tag), true);
    // `oc import-image` waits for the import: let the image controllers finish it.
    ctx.world.settle();
    let is = ctx
        .world
        .object(kinds::IMAGE_STREAM, &ns, &stream)
        .cloned()
        .unwrap_or(Value::Null);
    let now = ctx.world.now();
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(t, r)| {
            r.as_ref()
                .err()
                .map(|e| format!("error: tag {t} failed: {e}\n"))
        })
        .collect();
    for e in &failed {
        ctx.io.err(e);
    }
    let op = if failed.is_empty() {
        "imported"
    } else {
        "imported with errors"
    };
    let mut out = format!(
        "imagestream.image.openshift.io/{stream} {op}\n\n{}\n",
        describe_imagestream(&is, now)
    );
    if failed.is_empty()
        && let Some(h) = head(&is, &tag)
    {
        let digest = h.get("image").and_then(Value::as_str).unwrap_or("");
        let mut img = ctx
            .world
            .object(kinds::IMAGE, "", digest)
            .cloned()
            .unwrap_or(json!({"metadata": {"name": digest}}));
        img["dockerImageReference"] = h
            .get("dockerImageReference")
            .cloned()
            .unwrap_or(Value::Null);
        out.push_str(&describe_image(&img, &format!("{stream}:{tag}"), now));
        out.push('\n');
    }
    out.push('\n');
    ctx.io.out(&out);
    if !failed.is_empty() {
        return Err(Failure::Message("imported completed with errors".into()));
    }
    Ok(())
}
