//! `kubectl diff -f FILE` as kubectl 1.32 does it (`pkg/cmd/diff/diff.go`): each object of the
//! files is applied with a server-side dry run (the client-side apply's three-way merge, as
//! `kubectl apply` computes it); the live and the merged objects are written as YAML (without
//! `managedFields`, Secret values masked) to `/tmp/LIVE-N/` and `/tmp/MERGED-N/`, files named
//! `GROUP.VERSION.KIND.NAMESPACE.NAME`, and `diff -u -N` runs over the two directories. The
//! workstation has no diff program: kubelab writes GNU diff's text itself
//! (`kubectl/unified_diff.rs`), with the temporary names and file times a run at the world's
//! time would show. Exit status: 0 no differences, 1 differences, more on an error.

use crate::world::api::kinds;
use serde_json::Value;

use crate::kubectl::apply_merge::{apply_patch, last_applied_annotation, sent_patch};
use crate::kubectl::common::{object_namespace, print_warnings};
use crate::kubectl::context::Ctx;
use crate::kubectl::files::read_sourced;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::unified_diff::hunks;
use crate::printers::yaml;
use crate::world::api::kinds::KindInfo;
use crate::world::api::meta;
use crate::world::api::schema::{Body, FieldValidation};
use crate::world::seed::fnv1a32;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// `InfoObject.Name()`: `[GROUP.]VERSION.KIND.NAMESPACE.NAME`.
fn file_name(kind: &KindInfo, ns: &str, name: &str) -> String {
    let group = if kind.group.is_empty() {
        String::new()
    } else {
        format!("{}.", kind.group)
    };
    format!("{group}{}.{}.{ns}.{name}", kind.version, kind.kind)
}

/// The object as diff shows it: YAML without `managedFields`.
fn shown(obj: &Value, managed: bool) -> Result<String, Failure> {
    let mut o = obj.clone();
    if !managed {
        meta::remove_path(&mut o, &["metadata", "managedFields"]);
    }
    yaml::try_to_yaml(&o).map_err(|e| Failure::Message(e.to_string()))
}

/// `diff.Masker`: a Secret's values are not shown; a changed one is `*** (before)` /
/// `*** (after)`, an unchanged one `***`.
fn mask(live: &mut Option<Value>, merged: &mut Value) {
    if meta::kind(merged) != kinds::SECRET {
        return;
    }
    let take = |o: &Value| -> serde_json::Map<String, Value> {
        o.get("data")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let before = live.as_ref().map(take).unwrap_or_default();
    let after = take(merged);
    let masked = |own: &serde_json::Map<String, Value>,
                  other: &serde_json::Map<String, Value>,
                  changed: &str| {
        own.iter()
            .map(|(k, v)| {
                let text = if other.get(k) == Some(v) {
                    "***".to_string()
                } else {
                    format!("*** ({changed})")
                };
                (k.clone(), Value::String(text))
            })
            .collect::<serde_json::Map<String, Value>>()
    };
    if let Some(l) = live.as_mut()
        && !before.is_empty()
    {
        l["data"] = Value::Object(masked(&before, &after, "before"));
    }
    if !after.is_empty() {
        merged["data"] = Value::Object(masked(&after, &before, "after"));
    }
}

/// The object the server would have after `kubectl apply` of `obj` (a server-side dry run).
fn merged(
    ctx: &mut Ctx<'_>,
    kind: &'static KindInfo,
    ns: &str,
    obj: &Value,
) -> Result<(Option<Value>, Value), Failure> {
    let mut modified = obj.clone();
    meta::set_annotation(&mut modified, LAST_APPLIED, &last_applied_annotation(obj));
    let current = ctx.world.object(kind.kind, ns, meta::name(obj)).cloned();
    let result = match &current {
        None => ctx
            .world
            .create_validated(modified, true, FieldValidation::Strict),
        Some(cur) => {
            let original: Option<Value> =
                meta::annotation(cur, LAST_APPLIED).and_then(|a| serde_json::from_str(a).ok());
            let (patch, merged) = apply_patch(kind.kind, original.as_ref(), &modified, cur)
                .map_err(|e| Failure::Message(e.to_string()))?;
            if merged == *cur {
                Ok(cur.clone())
            } else {
                let sent = sent_patch(&patch, cur);
                ctx.world.update_validated(
                    merged,
                    true,
                    FieldValidation::Strict,
                    Body::StrategicPatch(&sent),
                )
            }
        }
    };
    print_warnings(ctx);
    Ok((current, result?))
}

/// GNU diff's time stamp of a file written now (`2026-12-07 18:40:00.123000000 +0000`).
fn stamp(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = crate::world::clock::civil(ms);
    format!(
        "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{:09} +0000",
        ms.rem_euclid(1000) * 1_000_000
    )
}

/// `kubectl diff`: an error exits with status 2 (`CheckDiffErr`), differences with 1.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    diff(ctx, f).map_err(|e| match e {
        Failure::Exit { .. } => e,
        other => Failure::Exit {
            text: other.render(),
            status: 2,
        },
    })
}

fn diff(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if f.boolean("server-side") {
        return Err(Failure::Unsupported(
            "server-side apply (kubectl diff --server-side)".into(),
        ));
    }
    if f.boolean("prune") {
        return Err(Failure::Unsupported("kubectl diff --prune".into()));
    }
    let names = f.strings("filename");
    if !f.strings("kustomize").is_empty() {
        return Err(Failure::Unsupported("kustomize (-k)".into()));
    }
    if names.is_empty() {
        return Err(Failure::Message("must specify one of -f and -k".into()));
    }
    let managed = f.boolean("show-managed-fields");
    let _ = f.string("concurrency");
    let selector = match f.string("selector").filter(|s| !s.is_empty()) {
        Some(s) => {
            Some(crate::world::api::selector::Selector::parse(&s).map_err(Failure::Message)?)
        }
        None => None,
    };
    let (objs, read_error) = read_sourced(ctx, &names);
    if let Some(e) = read_error {
        return Err(e);
    }
    // (file name, live text, merged text)
    let mut files: Vec<(String, Option<String>, String)> = Vec::new();
    for s in objs {
        if let Some(sel) = &selector
            && !sel.matches_object(&s.object)
        {
            continue;
        }
        let mut obj = s.object;
        let kind = ctx.world.kind_of(&obj)?;
        let ns = object_namespace(ctx, f, &obj, kind.namespaced)?;
        if kind.namespaced {
            meta::set_path(
                &mut obj,
                &["metadata", "namespace"],
                Value::String(ns.clone()),
            );
        }
        let (mut live, mut result) = merged(ctx, kind, &ns, &obj)?;
        mask(&mut live, &mut result);
        let live_text = live.as_ref().map(|l| shown(l, managed)).transpose()?;
        files.push((
            file_name(kind, &ns, meta::name(&obj)),
            live_text,
            shown(&result, managed)?,
        ));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let now = ctx.world.now();
    let seed: Vec<u8> = files
        .iter()
        .flat_map(|(n, _, m)| n.bytes().chain(m.bytes()))
        .chain(now.to_le_bytes())
        .collect();
    let live_dir = format!("/tmp/LIVE-{}", fnv1a32(&seed));
    let merged_dir = format!("/tmp/MERGED-{}", fnv1a32(&[&seed[..], b"merged"].concat()));
    let mut differ = false;
    for (name, live, merged) in &files {
        let old = live.clone().unwrap_or_default();
        let Some(h) = hunks(&old, merged) else {
            continue;
        };
        differ = true;
        let live_time = if live.is_some() { stamp(now) } else { stamp(0) };
        ctx.io.out(&format!(
            "diff -u -N {live_dir}/{name} {merged_dir}/{name}\n--- {live_dir}/{name}\t{live_time}\n+++ {merged_dir}/{name}\t{}\n{h}",
            stamp(now)
        ));
    }
    if differ {
        return Err(Failure::Exit {
            text: String::new(),
            status: 1,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_as_kubectl_names_them() {
        let d = crate::world::api::kinds::by_kind("Deployment").unwrap();
        assert_eq!(
            file_name(d, "default", "web"),
            "apps.v1.Deployment.default.web"
        );
        let p = crate::world::api::kinds::by_kind("Pod").unwrap();
        assert_eq!(file_name(p, "lab", "p"), "v1.Pod.lab.p");
        assert_eq!(stamp(1_500), "1970-01-01 00:00:01.500000000 +0000");
    }
}
