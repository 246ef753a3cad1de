//! `kubectl describe` (`kubectl pkg/cmd/describe`).

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::resources;
use crate::printers::describe;
use crate::world::api::selector::Selector;

/// `kubectl describe`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let all_ns = f.boolean("all-namespaces");
    let requests = resources::parse(ctx.world, f.args())?;
    if requests.is_empty() && f.strings("filename").is_empty() {
        return Err(Failure::Raw(format!(
            "You must specify the type of resource to describe. Use \"{p} api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee '{p} describe -h' for help and examples\n",
            p = f.program()
        )));
    }
    let sel = match f.string("selector").filter(|s| !s.is_empty()) {
        Some(s) => Some(Selector::parse(&s).map_err(Failure::Message)?),
        None => None,
    };
    let mut objs = Vec::new();
    let mut errors = Vec::new();
    if !f.strings("filename").is_empty() {
        for (_, o) in super::targets::resolve(ctx, f, &[], false)? {
            match o {
                Ok(o) => objs.push(o),
                Err(e) => errors.push(e),
            }
        }
    }
    for r in &requests {
        if r.names.is_empty() {
            let list_ns = if all_ns || !r.kind.namespaced {
                None
            } else {
                Some(ns.as_str())
            };
            ctx.world.authorize_list(r.kind, list_ns)?;
            objs.extend(ctx.world.list(r.kind, list_ns, sel.as_ref()));
        } else {
            for n in &r.names {
                match ctx.world.get(r.kind, &ns, n) {
                    Ok(o) => objs.push(o),
                    Err(e) => errors.push(Failure::Api(e)),
                }
            }
        }
    }
    // describe.go: nothing found and nothing failed still says so (by namespace, even for
    // cluster-scoped kinds, unless --all-namespaces).
    if objs.is_empty() && errors.is_empty() {
        ctx.io.err(&if all_ns {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {ns} namespace.\n")
        });
    }
    let mut first = true;
    for o in &objs {
        let Some(text) = describe::describe(ctx.world, o) else {
            return Err(Failure::Unsupported(format!(
                "describe for {}",
                crate::world::api::meta::kind(o)
            )));
        };
        if first {
            ctx.io.out(&text);
            first = false;
        } else {
            ctx.io.out(&format!("\n\n{text}"));
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
