//! `oc set image-lookup` (openshift/oc `pkg/cli/set/imagelookup.go`).

use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::resources;
use crate::printers::name::success;
use crate::printers::tabwriter::align;
use crate::world::api::{kinds, meta};

const RESOLVE: &str = "alpha.image.policy.openshift.io/resolve-names";

/// `oc set image-lookup`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let enabled = f.string("enabled").as_deref() != Some("false");
    let args = f.args().to_vec();
    let is_kind = kinds::by_kind(kinds::IMAGE_STREAM)
        .ok_or_else(|| Failure::Message("no ImageStream kind".into()))?;
    // `--list` is read whether or not names are given (it is the flag that chose this branch).
    let list = f.boolean("list");
    if args.is_empty() || list {
        let mut table = String::from("NAME\tLOCAL\n");
        for is in ctx.world.list(is_kind, Some(&ns), None) {
            table.push_str(&format!(
                "{}\t{}\n",
                meta::name(&is),
                meta::bool_at(&is, &["spec", "lookupPolicy", "local"]).unwrap_or(false)
            ));
        }
        ctx.io.out(&align(&table, 0, 2, 2, ' '));
        return Ok(());
    }
    for a in &args {
        if !a.contains('/') {
            let mut is = ctx.world.get(is_kind, &ns, a)?;
            if meta::bool_at(&is, &["spec", "lookupPolicy", "local"]) == Some(enabled) {
                continue;
            }
            meta::set_path(&mut is, &["spec", "lookupPolicy", "local"], json!(enabled));
            meta::remove_path(&mut is, &["metadata", "resourceVersion"]);
            ctx.world.update(is, false)?;
            ctx.io.out(&success(
                is_kind,
                a,
                "image lookup updated",
                Default::default(),
            ));
            continue;
        }
        for r in resources::parse(ctx.world, std::slice::from_ref(a))? {
            for n in &r.names {
                let mut o = ctx.world.get(r.kind, &ns, n)?;
                let has_template = meta::path(&o, &["spec", "template"]).is_some();
                let path: &[&str] = if has_template {
                    &["spec", "template", "metadata", "annotations"]
                } else {
                    &["metadata", "annotations"]
                };
                let cur = meta::path(&o, path)
                    .and_then(|a| a.get(RESOLVE))
                    .and_then(Value::as_str)
                    == Some("*");
                if cur == enabled {
                    continue;
                }
                if enabled {
                    let mut p = path.to_vec();
                    p.push(RESOLVE);
                    meta::set_path(&mut o, &p, json!("*"));
                } else if let Some(m) = meta::path_mut(&mut o, path).as_object_mut() {
                    m.remove(RESOLVE);
                }
                meta::remove_path(&mut o, &["metadata", "resourceVersion"]);
                ctx.world.update(o, false)?;
                ctx.io.out(&success(
                    r.kind,
                    n,
                    "image lookup updated",
                    Default::default(),
                ));
            }
        }
    }
    Ok(())
}
