//! `kubectl edit` (`kubectl pkg/cmd/edit`, `pkg/cmd/util/editor`): the object as YAML with the
//! usual header goes to the workstation's editor; the edited version is sent back.

use serde_json::Value;

use super::targets;
use crate::kubectl::common::{print_warnings, validation};
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::manifest::parse_manifests;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::name::success;
use crate::printers::yaml::to_yaml;
use crate::world::api::meta;
use crate::world::api::patch::strategic::three_way_patch;
use crate::world::api::schema::Body;

const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// `kubectl edit`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let fv = validation(f)?;
    let args: Vec<String> = f.args().to_vec();
    for (kind, obj) in targets::resolve(ctx, f, &args, false)? {
        let obj = obj?;
        let mut shown = obj.clone();
        if let Some(m) = shown.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
        let text = format!("{HEADER}{}", to_yaml(&shown));
        let file = format!(
            "/tmp/kubectl-edit-{}.yaml",
            crate::world::seed::safe_encode_u32(crate::world::seed::fnv1a32(
                meta::uid(&obj).as_bytes()
            ))
        );
        let edited = ctx
            .files
            .edit(&file, text.as_bytes())
            .map_err(Failure::Message)?;
        let edited = String::from_utf8_lossy(&edited).into_owned();
        let body: String = edited
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        if body.trim().is_empty() {
            ctx.io.err("Edit cancelled, no changes made.\n");
            continue;
        }
        let docs = parse_manifests(&file, &body).map_err(|e| Failure::Message(e.to_string()))?;
        let Some(mut new) = docs.into_iter().next() else {
            ctx.io.err("Edit cancelled, no changes made.\n");
            continue;
        };
        if new == shown {
            ctx.io.err("Edit cancelled, no changes made.\n");
            continue;
        }
        if meta::name(&new) != meta::name(&obj) || meta::kind(&new) != meta::kind(&obj) {
            return Err(Failure::Message(
                "At least one of apiVersion, kind and name was changed".into(),
            ));
        }
        meta::remove_path(&mut new, &["metadata", "resourceVersion"]);
        // kubectl edit sends a strategic merge patch from what it showed to what was saved.
        let patch = three_way_patch(Some(&shown), &new);
        let updated = ctx
            .world
            .update_validated(new, false, fv, Body::StrategicPatch(&patch));
        print_warnings(ctx);
        updated?;
        ctx.io.out(&success(
            kind,
            meta::name(&obj),
            "edited",
            Default::default(),
        ));
    }
    Ok(())
}
