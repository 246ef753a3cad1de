//! Resolving the objects a mutating verb acts on: `TYPE NAME`, `TYPE/NAME`, `-f`, `-l`, `--all`.

use serde_json::Value;

use crate::kubectl::common::object_namespace;
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::Failure;
use crate::kubectl::resources;
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::api::selector::Selector;

/// One object to act on: its kind and the live object (or a NotFound failure).
pub type Target = (&'static KindInfo, Result<Value, Failure>);

/// An object named in a file: its kind, namespace and name.
pub type FileRef = (&'static KindInfo, String, String, String);

/// The objects the `-f` files name (kind, namespace per `object_namespace`,
/// name), and the error reading the files ran into, if any: the objects read
/// before it are still returned, as kubectl's visitor does.
pub fn file_references(
    ctx: &Ctx<'_>,
    f: &dyn Flags,
    filenames: &[String],
) -> (Result<Vec<FileRef>, Failure>, Option<Failure>) {
    let (objs, err) = read_sourced(ctx, filenames);
    let refs = objs
        .iter()
        .map(|s| {
            let kind = ctx.world.kind_of(&s.object)?;
            let ons = object_namespace(ctx, f, &s.object, kind.namespaced)?;
            Ok((
                kind,
                ons,
                meta::name(&s.object).to_string(),
                s.source.clone(),
            ))
        })
        .collect();
    (refs, err)
}

/// The objects named by the command line. `allow_all` enables `--all` and `-l`.
pub fn resolve(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    args: &[String],
    allow_all: bool,
) -> Result<Vec<Target>, Failure> {
    resolve_with(ctx, f, args, allow_all, false)
}

/// The objects named by the command line as the builder's `ResourceTypeOrNameArgs(true, ...)`
/// reads it (the rollout verbs): a type alone names every object of that type in the
/// namespace, narrowed by `-l`.
pub fn resolve_type_lists_all(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    args: &[String],
) -> Result<Vec<Target>, Failure> {
    resolve_with(ctx, f, args, true, true)
}

fn resolve_with(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    args: &[String],
    allow_all: bool,
    type_lists_all: bool,
) -> Result<Vec<Target>, Failure> {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let mut out: Vec<Target> = Vec::new();
    let filenames = f.strings("filename");
    if !filenames.is_empty() {
        let (refs, err) = file_references(ctx, f, &filenames);
        if let Some(e) = err {
            return Err(e);
        }
        for (kind, ons, name, _) in refs? {
            out.push((kind, ctx.world.get(kind, &ons, &name).map_err(Failure::Api)));
        }
        return Ok(out);
    }
    let requests = resources::parse(ctx.world, args)?;
    if requests.is_empty() {
        return Err(Failure::Message("required resource not specified".into()));
    }
    let selector = f.string("selector").filter(|s| !s.is_empty());
    let all = allow_all && f.boolean("all");
    for r in requests {
        if r.names.is_empty() {
            if !(all || selector.is_some() || type_lists_all) || !allow_all {
                return Err(Failure::Message(
                    "resource(s) were provided, but no name was specified".into(),
                ));
            }
            let sel = match &selector {
                Some(s) => Some(Selector::parse(s).map_err(Failure::Message)?),
                None => None,
            };
            let list_ns = if r.kind.namespaced {
                Some(ns.as_str())
            } else {
                None
            };
            if let Err(e) = ctx.world.authorize_list(r.kind, list_ns) {
                out.push((r.kind, Err(Failure::Api(e))));
                continue;
            }
            for o in ctx.world.list(r.kind, list_ns, sel.as_ref()) {
                out.push((r.kind, Ok(o)));
            }
        } else {
            for n in r.names {
                out.push((r.kind, ctx.world.get(r.kind, &ns, &n).map_err(Failure::Api)));
            }
        }
    }
    Ok(out)
}
