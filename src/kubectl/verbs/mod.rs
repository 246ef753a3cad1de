//! kubectl verbs, one file each, and the dispatcher from a command path to its verb.

pub mod api_resources;
pub mod apply;
pub mod attach;
pub mod auth;
pub mod autoscale;
pub mod cluster_info;
pub mod config;
pub mod cordon;
pub mod cp;
pub mod create;
pub mod create_generators;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod events;
pub mod explain;
pub mod expose;
pub mod get;
pub mod label;
pub mod logs;
pub mod logs_exec;
pub mod patch;
pub mod port_forward;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set_common;
pub mod set_env;
pub mod set_image;
pub mod set_misc;
pub mod set_resources;
pub mod taint;
pub mod targets;
pub mod top;
pub mod version;
pub mod wait;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};

/// A verb: runs one command path with its parsed flags.
pub type Verb = fn(&mut Ctx<'_>, &dyn Flags) -> CmdResult;

/// Every kubectl command kubelab runs, by command path: dispatch, `--help` and the prompt's
/// completion read this one table.
pub const COMMANDS: &[(&str, Verb)] = &[
    ("get", get::run),
    ("describe", describe::run),
    ("create", create::from_files),
    ("create deployment", create_deployment),
    ("create configmap", |ctx, f| {
        create_data(
            ctx,
            f,
            crate::kubectl::create_data::DataKind::ConfigMap,
            "configmap",
        )
    }),
    ("create secret generic", |ctx, f| {
        create_data(
            ctx,
            f,
            crate::kubectl::create_data::DataKind::Secret,
            "secret",
        )
    }),
    ("create namespace", create_generators::namespace),
    ("create serviceaccount", create_generators::serviceaccount),
    ("create service clusterip", |ctx, f| {
        create_generators::service(ctx, f, crate::kubectl::create_service::CLUSTER_IP)
    }),
    ("create service nodeport", |ctx, f| {
        create_generators::service(ctx, f, crate::kubectl::create_service::NODE_PORT)
    }),
    ("create service loadbalancer", |ctx, f| {
        create_generators::service(ctx, f, crate::kubectl::create_service::LOAD_BALANCER)
    }),
    ("create service externalname", |ctx, f| {
        create_generators::service(ctx, f, crate::kubectl::create_service::EXTERNAL_NAME)
    }),
    ("create job", create_generators::job),
    ("create cronjob", create_generators::cronjob),
    ("create quota", create_generators::quota),
    ("create role", |ctx, f| {
        create_generators::role(ctx, f, false)
    }),
    ("create clusterrole", |ctx, f| {
        create_generators::role(ctx, f, true)
    }),
    ("create rolebinding", |ctx, f| {
        create_generators::binding(ctx, f, false)
    }),
    ("create clusterrolebinding", |ctx, f| {
        create_generators::binding(ctx, f, true)
    }),
    ("create ingress", create_generators::ingress),
    ("create poddisruptionbudget", create_generators::pdb),
    ("create priorityclass", create_generators::priority_class),
    (
        "create secret docker-registry",
        create_generators::secret_docker,
    ),
    ("create secret tls", create_generators::secret_tls),
    ("create token", create_generators::token),
    ("apply", apply::run),
    ("delete", delete::run),
    ("scale", scale::run),
    ("set image", set_image::run),
    ("set env", set_env::run),
    ("set resources", set_resources::run),
    ("set serviceaccount", set_misc::serviceaccount),
    ("set selector", set_misc::selector),
    ("expose", expose::run),
    ("label", |ctx, f| label::run(ctx, f, label::Which::Labels)),
    ("annotate", |ctx, f| {
        label::run(ctx, f, label::Which::Annotations)
    }),
    ("patch", patch::run),
    ("run", run::run),
    ("diff", diff::run),
    ("replace", replace::run),
    ("edit", edit::run),
    ("wait", wait::run),
    ("version", version::run),
    ("api-resources", api_resources::api_resources),
    ("api-versions", api_resources::api_versions),
    ("explain", explain::run),
    ("events", events::run),
    ("cluster-info", cluster_info::run),
    ("logs", logs::logs),
    ("exec", logs_exec::exec),
    ("cp", cp::run),
    ("attach", attach::run),
    ("port-forward", port_forward::run),
    ("rollout status", rollout::status_cmd),
    ("rollout history", rollout::history),
    ("rollout undo", rollout::undo),
    ("rollout pause", |ctx, f| rollout::pause(ctx, f, true)),
    ("rollout resume", |ctx, f| rollout::pause(ctx, f, false)),
    ("rollout restart", rollout::restart),
    ("autoscale", autoscale::run),
    ("top pod", top::pod),
    ("top node", top::node),
    ("cordon", |ctx, f| cordon::run(ctx, f, true)),
    ("uncordon", |ctx, f| cordon::run(ctx, f, false)),
    ("drain", drain::run),
    ("taint", taint::run),
    ("auth can-i", auth::can_i),
    ("auth whoami", auth::whoami),
    ("config current-context", config::current_context),
    ("config view", config::view),
    ("config get-contexts", config::get_contexts),
    ("config get-clusters", config::get_clusters),
    ("config get-users", config::get_users),
    ("config use-context", config::use_context),
    ("config set-context", config::set_context),
    ("config set-credentials", config::set_credentials),
    ("config set-cluster", config::set_cluster),
    ("config delete-context", config::delete_context),
    ("config delete-cluster", config::delete_cluster),
    ("config delete-user", config::delete_user),
    ("config rename-context", config::rename_context),
];

/// The verb of a command path (`create deployment`), if kubelab runs it.
pub fn verb(path: &str) -> Option<Verb> {
    COMMANDS.iter().find(|(p, _)| *p == path).map(|(_, v)| *v)
}

/// Whether `path` is a group of commands (`rollout`, `create secret`) of which kubelab runs
/// at least one.
pub fn is_group(path: &str) -> bool {
    COMMANDS.iter().any(|(p, _)| {
        p.strip_prefix(path)
            .is_some_and(|rest| rest.starts_with(' '))
    })
}

/// Runs the verb named by the command path.
pub fn dispatch(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let path = f.path().join(" ");
    match verb(&path) {
        Some(run) => run(ctx, f),
        None => Err(Failure::Unsupported(format!(
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
