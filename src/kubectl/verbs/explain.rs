//! `kubectl explain` / `oc explain` (kubectl 1.32, `pkg/cmd/explain/explain.go` with the explain
//! v2 plaintext template in [`crate::kubectl::explain`]).

use crate::kubectl::context::Ctx;
use crate::kubectl::explain::{header, render, render_schema};
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::World;
use crate::world::api::kinds::KindInfo;
use crate::world::api::schema::documents;

/// `kubectl explain RESOURCE[.FIELD...] [--recursive] [--api-version=G/V] [-o plaintext]`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.is_empty() {
        return Err(Failure::Message(format!(
            "You must specify the type of resource to explain. Use \"{} api-resources\" for a complete list of supported resources.",
            f.program()
        )));
    }
    if args.len() > 1 {
        return Err(Failure::Message(
            "We accept only this format: explain RESOURCE".into(),
        ));
    }
    let recursive = f.boolean("recursive");
    let api_version = f.string("api-version").unwrap_or_default();
    let format = f.string("output").unwrap_or_else(|| "plaintext".into());
    let (kind, fields) = parse_request(ctx.world, &args[0], api_version.is_empty())?;
    match format.as_str() {
        "plaintext" => {}
        "plaintext-openapiv2" => {
            return Err(Failure::Unsupported(format!(
                "{} explain --output=plaintext-openapiv2 (only the default plaintext format)",
                f.program()
            )));
        }
        _ => {}
    }
    let (group, version) = if api_version.is_empty() {
        (kind.group.to_string(), kind.version.to_string())
    } else {
        parse_group_version(&api_version)?
    };
    let gvr = format!("{group}/{version}, Resource={}", kind.plural);
    // The server's OpenAPI v3 paths: one document per served group/version.
    let served_kinds = ctx.world.served_kinds();
    let custom_version = ctx
        .world
        .custom_resource(kind)
        .filter(|s| s.info.group == group)
        .and_then(|s| s.version(&version))
        .map(|v| v.schema.clone());
    if !served_kinds
        .iter()
        .any(|k| k.group == group && k.version == version)
        && custom_version.is_none()
    {
        return Err(Failure::Message(format!(
            "couldn't find resource for \"{gvr}\""
        )));
    }
    if format != "plaintext" {
        return Err(Failure::Message(format!("unrecognized format: {format}")));
    }
    // The template finds the kind from the resource's path in that document.
    if let Some(schema) = custom_version {
        ctx.io.out(&header(&group, kind.kind, &version));
        let published = crate::world::crd::published_schema(&schema);
        return match render_schema(&published, &fields, recursive) {
            Some(text) => {
                ctx.io.out(&text);
                ctx.io.out("\n");
                Ok(())
            }
            None => Err(Failure::Message(format!(
                "field \"{}\" does not exist",
                fields.last().map(String::as_str).unwrap_or("")
            ))),
        };
    }
    let Some(served) = served_kinds
        .into_iter()
        .find(|k| k.group == group && k.version == version && k.plural == kind.plural)
    else {
        return Err(Failure::Message(format!(
            "GVR ({gvr}) not found in OpenAPI schema"
        )));
    };
    let Some(definition) = documents::kind_definition(served.group, served.version, served.kind)
    else {
        return Err(Failure::Unsupported(format!(
            "{} explain for {} (kubelab ships no schema for {})",
            f.program(),
            served.qualified_plural(),
            served.api_version()
        )));
    };
    ctx.io
        .out(&header(served.group, served.kind, served.version));
    match render(&definition, &fields, recursive) {
        Some(text) => {
            ctx.io.out(&text);
            ctx.io.out("\n");
            Ok(())
        }
        None => Err(Failure::Message(format!(
            "field \"{}\" does not exist",
            fields.last().map(String::as_str).unwrap_or("")
        ))),
    }
}

/// `SplitAndParseResourceRequest[WithMatchingPrefix]`: the resource (first element of the
/// JSONPath-like argument, resolved as kubectl's RESTMapper does) and the field path. With
/// `matching_prefix` (no `--api-version`), a leading `plural.group` names the resource.
fn parse_request(
    world: &World,
    arg: &str,
    matching_prefix: bool,
) -> Result<(&'static KindInfo, Vec<String>), Failure> {
    let trimmed = arg.strip_suffix('.').unwrap_or(arg);
    let segments: Vec<&str> = trimmed.split('.').collect();
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
    };
    if !segments.iter().all(|s| plain(s)) {
        return Err(Failure::Unsupported(format!(
            "explain of \"{arg}\" (a JSONPath beyond dot-separated field names)"
        )));
    }
    let resource = segments[0];
    let Some(kind) = world.resolve_kind(resource) else {
        return Err(Failure::Message(format!(
            "the server doesn't have a resource type \"{resource}\""
        )));
    };
    if matching_prefix && !kind.group.is_empty() {
        let prefix = kind.qualified_plural();
        // `HasPrefix` without a boundary; the rest is parsed as `{.REST}` and its first node
        // dropped (the recursive-descent node of `..field`, or a glued-on name).
        if let Some(rest) = trimmed.strip_prefix(&prefix) {
            let fields = rest.split('.').skip(1).map(str::to_string);
            return Ok((kind, fields.collect()));
        }
    }
    Ok((kind, segments[1..].iter().map(|s| s.to_string()).collect()))
}

/// apimachinery's `ParseGroupVersion`: `v1` is the core group, `group/version` otherwise.
fn parse_group_version(gv: &str) -> Result<(String, String), Failure> {
    let parts: Vec<&str> = gv.split('/').collect();
    match parts.as_slice() {
        [v] => Ok((String::new(), v.to_string())),
        [g, v] => Ok((g.to_string(), v.to_string())),
        _ => Err(Failure::Message(format!(
            "unexpected GroupVersion string: {gv}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_field_paths() {
        let w = World::empty(1, 0);
        let parse_request = |a: &str, p: bool| super::parse_request(&w, a, p);
        let (k, f) = parse_request("deployments.apps.spec.replicas", true).unwrap();
        assert_eq!(
            (k.kind, f),
            (
                "Deployment",
                vec!["spec".to_string(), "replicas".to_string()]
            )
        );
        let (k, f) = parse_request("deploy.spec", true).unwrap();
        assert_eq!((k.kind, f), ("Deployment", vec!["spec".to_string()]));
        let (k, f) = parse_request("po.", true).unwrap();
        assert_eq!((k.kind, f.len()), ("Pod", 0));
        assert!(matches!(
            parse_request("nope.spec", true),
            Err(Failure::Message(_))
        ));
        assert_eq!(
            parse_group_version("apps/v1").ok(),
            Some(("apps".to_string(), "v1".to_string()))
        );
    }
}
