//! `kubectl scale` (`kubectl pkg/cmd/scale/scale.go`).

use crate::world::api::kinds;
use serde_json::json;

use super::targets;
use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::name::{DryRun, success};
use crate::world::api::meta;

/// `kubectl scale`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let replicas = f.int("replicas")?;
    let Some(replicas) = replicas.filter(|r| *r >= 0) else {
        return Err(Failure::Message(
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
                .into(),
        ));
    };
    let current = f.int("current-replicas")?.filter(|c| *c >= 0);
    let dry = dry_run(f)?;
    let args: Vec<String> = f.args().to_vec();
    let list = targets::resolve(ctx, f, &args, true)?;
    if list.is_empty() {
        return Err(Failure::Message("no objects passed to scale".into()));
    }
    let mut errors = Vec::new();
    for (kind, obj) in list {
        let mut obj = match obj {
            Ok(o) => o,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // A custom resource scales through its `subresources.scale.specReplicasPath`.
        let custom_path: Option<Vec<String>> = ctx
            .world
            .custom_resource(kind)
            .and_then(|s| s.preferred().scale.clone())
            .map(|sc| {
                sc.spec_replicas_path
                    .trim_start_matches('.')
                    .split('.')
                    .map(str::to_string)
                    .collect()
            });
        if custom_path.is_none()
            && !matches!(
                kind.kind,
                "Deployment" | "ReplicaSet" | "StatefulSet" | "Job" | "ReplicationController"
            )
        {
            errors.push(Failure::Message(format!("cannot scale kind {}", kind.kind)));
            continue;
        }
        let field = if kind.kind == kinds::JOB {
            "parallelism"
        } else {
            "replicas"
        };
        let path: Vec<String> =
            custom_path.unwrap_or_else(|| vec!["spec".to_string(), field.to_string()]);
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let have = meta::int_at(&obj, &keys).unwrap_or(1);
        if let Some(c) = current
            && c != have
        {
            errors.push(Failure::Message(format!(
                "Expected replicas to be {c}, was {have}"
            )));
            continue;
        }
        meta::set_path(&mut obj, &keys, json!(replicas));
        if dry != DryRun::Client
            && let Err(e) = ctx.world.update(obj.clone(), dry == DryRun::Server)
        {
            errors.push(Failure::Api(e));
            continue;
        }
        ctx.io.out(&success(kind, meta::name(&obj), "scaled", dry));
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Failure::Many(errors)),
    }
}
