//! kubectl verbs, one file each, and the dispatcher from a command path to its verb.

pub mod api_resources;
pub mod apply;
pub mod attach;
pub mod cp;
pub mod create;
pub mod create_generators;
pub mod delete;
pub mod describe;
pub mod edit;
pub mod explain;
pub mod get;
pub mod label;
pub mod logs_exec;
pub mod patch;
pub mod rollout;
pub mod scale;
pub mod set_image;
pub mod targets;
pub mod version;
pub mod wait;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};

/// Runs the verb named by the command path.
pub fn dispatch(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let path = f.path();
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    if let Some(result) = create_generators::dispatch(ctx, f, &p) {
        return result;
    }
    match p.as_slice() {
        ["get"] => get::run(ctx, f),
        ["describe"] => describe::run(ctx, f),
        ["create"] => create::from_files(ctx, f),
        ["create", "deployment"] => create_deployment(ctx, f),
        ["create", "configmap"] => create_data(
            ctx,
            f,
            crate::kubectl::create_data::DataKind::ConfigMap,
            "configmap",
        ),
        ["create", "secret", "generic"] => create_data(
            ctx,
            f,
            crate::kubectl::create_data::DataKind::Secret,
            "secret ",
        ),
        ["apply"] => apply::run(ctx, f),
        ["delete"] => delete::run(ctx, f),
        ["scale"] => scale::run(ctx, f),
        ["set", "image"] => set_image::run(ctx, f),
        ["label"] => label::run(ctx, f, label::Which::Labels),
        ["annotate"] => label::run(ctx, f, label::Which::Annotations),
        ["patch"] => patch::run(ctx, f),
        ["edit"] => edit::run(ctx, f),
        ["wait"] => wait::run(ctx, f),
        ["version"] => version::run(ctx, f),
        ["api-resources"] => api_resources::api_resources(ctx, f),
        ["api-versions"] => api_resources::api_versions(ctx, f),
        ["explain"] => explain::run(ctx, f),
        ["logs"] => logs_exec::logs(ctx, f),
        ["exec"] => logs_exec::exec(ctx, f),
        ["cp"] => cp::run(ctx, f),
        ["attach"] => attach::run(ctx, f),
        ["rollout", "status"] => rollout::status_cmd(ctx, f),
        ["rollout", "history"] => rollout::history(ctx, f),
        ["rollout", "undo"] => rollout::undo(ctx, f),
        ["rollout", "pause"] => rollout::pause(ctx, f, true),
        ["rollout", "resume"] => rollout::pause(ctx, f, false),
        ["rollout", "restart"] => rollout::restart(ctx, f),
        _ => Err(Failure::Unsupported(format!(
            "\"{}\"",
            f.command_line_name()
        ))),
    }
}

fn create_deployment(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let images = f.strings("image");
    let replicas = f.int("replicas")?.unwrap_or(1);
    let port = f.int("port")?.filter(|p| *p >= 0);
    let world = &mut *ctx.world;
    let mut suffix = || world.seed.suffix(5);
    let obj = crate::kubectl::create_deployment::create_deployment(
        &args[0],
        &images,
        replicas as i32,
        port.map(|p| p as i32),
        f.dash_args(),
        &mut suffix,
    )
    .map_err(Failure::Message)?;
    create::send_built(ctx, f, obj, "deployment")
}

fn create_data(
    ctx: &mut Ctx<'_>,
    f: &dyn Flags,
    kind: crate::kubectl::create_data::DataKind,
    what: &str,
) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let sources = crate::kubectl::create_data::Sources {
        literals: f.strings("from-literal"),
        files: f.strings("from-file"),
        env_files: f.strings("from-env-file"),
    };
    let secret_type = if kind == crate::kubectl::create_data::DataKind::Secret {
        f.string("type")
    } else {
        None
    };
    let obj = crate::kubectl::create_data::build(
        kind,
        &args[0],
        &sources,
        secret_type.as_deref(),
        f.boolean("append-hash"),
        &*ctx.files,
    )
    .map_err(Failure::Message)?;
    // kubectl words them `failed to create configmap: %v` and `failed to create secret %v`.
    let prefix = if what.ends_with(' ') {
        format!("failed to create {what}")
    } else {
        format!("failed to create {what}: ")
    };
    create::send_built_as(ctx, f, obj, Some(&prefix))
}
