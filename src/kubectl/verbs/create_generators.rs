//! `kubectl create namespace|serviceaccount|service ...|job|cronjob|quota|role|clusterrole|
//! rolebinding|clusterrolebinding|ingress|poddisruptionbudget|priorityclass|secret tls|secret
//! docker-registry`: each reads its flags as kubectl's `Complete()` does, runs kubectl's
//! `Validate()`, builds the object with the pure builders of `kubectl/create_*.rs` and hands
//! it to [`create::send_built_as`] (dry runs, printers, `--save-config`, the server).

use crate::world::api::kinds;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::create;
use crate::kubectl::common::{dry_run, validation};
use crate::kubectl::context::Ctx;
use crate::kubectl::create_token;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, OBJECT_FORMATS};
use crate::kubectl::{
    create_ingress, create_job, create_policy, create_rbac, create_secret_typed, create_service,
    create_tls_pair,
};

/// `NameFromCommandArgs`, then the flag checks of `Complete()` (dry run, printer, validation
/// directive).
fn complete(ctx: &Ctx<'_>, f: &dyn Flags) -> Result<String, Failure> {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    dry_run(f)?;
    validation(f)?;
    Ok(args[0].clone())
}

fn text(f: &dyn Flags, name: &str) -> String {
    f.string(name).unwrap_or_default()
}

fn wrap(what: &str) -> String {
    format!("failed to create {what}: ")
}

pub(super) fn namespace(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let obj = json!({"apiVersion": "v1", "kind": kinds::NAMESPACE,
        "metadata": {"creationTimestamp": null, "name": name}, "spec": {}, "status": {}});
    create::send_built_as(ctx, f, obj, None)
}

pub(super) fn serviceaccount(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let obj = json!({"apiVersion": "v1", "kind": kinds::SERVICE_ACCOUNT,
        "metadata": {"creationTimestamp": null, "name": name}});
    create::send_built_as(ctx, f, obj, Some(&wrap("serviceaccount")))
}

pub(super) fn service(ctx: &mut Ctx<'_>, f: &dyn Flags, ty: &'static str) -> CmdResult {
    let name = complete(ctx, f)?;
    let o = create_service::ServiceOptions {
        name,
        service_type: ty,
        tcp: f.strings("tcp"),
        cluster_ip: text(f, "clusterip"),
        node_port: f.int("node-port")?.unwrap_or(0),
        external_name: text(f, "external-name"),
    };
    create_service::validate(&o).map_err(Failure::Message)?;
    let obj = create_service::build(&o).map_err(Failure::Message)?;
    create::send_built_without_save_config(ctx, f, obj, Some(&wrap(&format!("{ty} service"))))
}

pub(super) fn job(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let image = text(f, "image");
    let from = text(f, "from");
    create_job::validate_job(&image, &from, f.dash_args()).map_err(Failure::Message)?;
    let obj = if from.is_empty() {
        create_job::job(&name, &image, f.dash_args())
    } else {
        let cronjob = cronjob_for(ctx, f, &from)?;
        create_job::job_from_cronjob(&name, &cronjob)
    };
    create::send_built_as(ctx, f, obj, Some(&wrap("job")))
}

/// The CronJob `--from=cronjob/NAME` names, read as kubectl's resource builder reads it (a
/// bare type lists objects, never exactly one CronJob here).
fn cronjob_for(ctx: &mut Ctx<'_>, f: &dyn Flags, from: &str) -> Result<Value, Failure> {
    let Some((res, name)) = from.split_once('/') else {
        return Err(Failure::Message("from must be an existing cronjob".into()));
    };
    let Some(kind) = crate::world::api::kinds::resolve(res) else {
        return Err(Failure::Message(format!(
            "the server doesn't have a resource type \"{res}\""
        )));
    };
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let obj = ctx.world.get(kind, &ns, name).map_err(Failure::Api)?;
    if kind.kind != kinds::CRON_JOB {
        return Err(Failure::Message(format!(
            "unknown object type *v1.{}",
            kind.kind
        )));
    }
    Ok(obj)
}

pub(super) fn cronjob(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let obj = create_job::cronjob(
        &name,
        &text(f, "image"),
        &text(f, "schedule"),
        &text(f, "restart"),
        f.dash_args(),
    );
    create::send_built_as(ctx, f, obj, Some(&wrap("cronjob")))
}

pub(super) fn quota(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let obj = create_policy::quota(&name, &text(f, "hard"), &text(f, "scopes"))
        .map_err(Failure::Message)?;
    create::send_built_as(ctx, f, obj, Some(&wrap("quota")))
}

/// `--aggregation-rule` values (`k=v,k2=v2`, repeatable) as pflag's map flag reads them.
fn aggregation(f: &dyn Flags) -> Result<BTreeMap<String, String>, Failure> {
    let mut m = BTreeMap::new();
    for raw in f.strings("aggregation-rule") {
        for pair in raw.split(',') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(Failure::Raw(format!(
                    "Error: invalid argument \"{raw}\" for \"--aggregation-rule\" flag: malformed pair, expect string=string\nSee '{} --help' for usage.",
                    f.command_line_name()
                )));
            };
            m.insert(k.to_string(), v.to_string());
        }
    }
    Ok(m)
}

pub(super) fn role(ctx: &mut Ctx<'_>, f: &dyn Flags, cluster: bool) -> CmdResult {
    let agg = if cluster {
        aggregation(f)?
    } else {
        BTreeMap::new()
    };
    let name = complete(ctx, f)?;
    let mut o = create_rbac::RoleOptions::new(
        &f.strings("verb"),
        &f.strings("resource"),
        &f.strings("resource-name"),
        &if cluster {
            f.strings("non-resource-url")
        } else {
            vec![]
        },
    );
    o.aggregation = agg;
    let mut warnings = Vec::new();
    let verdict = if cluster {
        create_rbac::validate_cluster_role(&o, &mut warnings)
    } else {
        create_rbac::validate_role(&o, &mut warnings)
    };
    for w in warnings {
        ctx.io.err(&format!("{w}\n"));
    }
    verdict.map_err(Failure::Message)?;
    let kind = if cluster { "ClusterRole" } else { "Role" };
    let obj = create_rbac::role(kind, &name, &o);
    create::send_built_as(ctx, f, obj, None)
}

pub(super) fn binding(ctx: &mut Ctx<'_>, f: &dyn Flags, cluster: bool) -> CmdResult {
    let name = complete(ctx, f)?;
    let cluster_role = text(f, "clusterrole");
    let role = if cluster {
        String::new()
    } else {
        text(f, "role")
    };
    if cluster {
        if cluster_role.is_empty() {
            return Err(Failure::Message("clusterrole must be specified".into()));
        }
    } else if cluster_role.is_empty() == role.is_empty() {
        return Err(Failure::Message(
            "exactly one of clusterrole or role must be specified".into(),
        ));
    }
    let subjects = create_rbac::subjects(
        &f.strings("user"),
        &f.strings("group"),
        &f.strings("serviceaccount"),
    )
    .map_err(Failure::Message)?;
    let (ref_kind, ref_name) = if role.is_empty() {
        ("ClusterRole", cluster_role)
    } else {
        ("Role", role)
    };
    let kind = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let obj = create_rbac::binding(kind, &name, ref_kind, &ref_name, subjects);
    create::send_built_as(ctx, f, obj, Some(&wrap(&kind.to_ascii_lowercase())))
}

pub(super) fn ingress(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let rules = f.strings("rule");
    let annotations = f.strings("annotation");
    let backend = text(f, "default-backend");
    create_ingress::validate(&rules, &annotations, &backend).map_err(Failure::Message)?;
    let obj = create_ingress::build(&name, &text(f, "class"), &rules, &annotations, &backend);
    create::send_built_as(ctx, f, obj, Some(&wrap("ingress")))
}

pub(super) fn pdb(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let selector = text(f, "selector");
    let min = text(f, "min-available");
    let max = text(f, "max-unavailable");
    create_policy::validate_pdb(&selector, &min, &max).map_err(Failure::Message)?;
    let obj = create_policy::pdb(&name, &selector, &min, &max).map_err(Failure::Message)?;
    create::send_built_as(ctx, f, obj, Some(&wrap("poddisruptionbudgets")))
}

pub(super) fn priority_class(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let obj = create_policy::priority_class(
        &name,
        f.int("value")?.unwrap_or(0) as i32,
        f.boolean("global-default"),
        &text(f, "description"),
        &f.string("preemption-policy")
            .unwrap_or_else(|| "PreemptLowerPriority".into()),
    );
    create::send_built_as(ctx, f, obj, Some(&wrap("priorityclass")))
}

pub(super) fn secret_docker(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let files = f.strings("from-file");
    let user = text(f, "docker-username");
    let password = text(f, "docker-password");
    let server = f
        .string("docker-server")
        .unwrap_or_else(|| "https://index.docker.io/v1/".into());
    create_secret_typed::validate_docker(&files, &user, &password, &server)
        .map_err(Failure::Message)?;
    let append = f.boolean("append-hash");
    let obj = if files.is_empty() {
        let json = create_secret_typed::docker_config_json(
            &user,
            &password,
            &text(f, "docker-email"),
            &server,
        );
        crate::kubectl::create_data::secret_of(
            &name,
            &[(".dockerconfigjson", json.as_bytes())],
            "kubernetes.io/dockerconfigjson",
            append,
        )
    } else {
        let sources = crate::kubectl::create_data::Sources {
            files,
            ..Default::default()
        };
        crate::kubectl::create_data::build(
            crate::kubectl::create_data::DataKind::Secret,
            &name,
            &sources,
            Some("kubernetes.io/dockerconfigjson"),
            append,
            &*ctx.files,
        )
        .map_err(Failure::Message)?
    };
    create::send_built_as(ctx, f, obj, Some("failed to create secret "))
}

pub(super) fn secret_tls(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let name = complete(ctx, f)?;
    let cert_path = text(f, "cert");
    let key_path = text(f, "key");
    if cert_path.is_empty() || key_path.is_empty() {
        return Err(Failure::Message("key and cert must be specified".into()));
    }
    let read = |ctx: &Ctx<'_>, path: &str| -> Result<Vec<u8>, Failure> {
        if ctx.files.is_dir(path) {
            return Err(Failure::Message(format!(
                "Cannot read file {path}, read {path}: is a directory"
            )));
        }
        ctx.files.read_file(path).map_err(|_| {
            Failure::Message(format!(
                "Cannot read file {path}, open {path}: no such file or directory"
            ))
        })
    };
    let cert = read(ctx, &cert_path)?;
    let key = read(ctx, &key_path)?;
    create_tls_pair::check(&cert, &key).map_err(Failure::Message)?;
    let obj = crate::kubectl::create_data::secret_of(
        &name,
        &[("tls.crt", &cert), ("tls.key", &key)],
        "kubernetes.io/tls",
        f.boolean("append-hash"),
    );
    create::send_built_as(ctx, f, obj, Some(&wrap("secret")))
}

pub(super) fn token(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("exactly one NAME is required, got {}", args.len()),
        });
    }
    let name = args[0].clone();
    let out = output::parse_flags(f, OBJECT_FORMATS, &*ctx.files)?;
    let duration = crate::kubectl::duration::parse_go_duration(&text(f, "duration")).unwrap_or(0);
    let audiences = f.strings("audience");
    let (bound_kind, bound_name, bound_uid) = (
        text(f, "bound-object-kind"),
        text(f, "bound-object-name"),
        text(f, "bound-object-uid"),
    );
    create_token::validate(duration, &audiences, &bound_kind, &bound_name, &bound_uid)
        .map_err(Failure::Message)?;
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let fail = |m: String| Failure::Message(format!("failed to create token: {m}"));
    let sa_kind = crate::world::api::kinds::by_kind(kinds::SERVICE_ACCOUNT).expect("served");
    let sa = ctx
        .world
        .get(sa_kind, &ns, &name)
        .map_err(|e| fail(e.message))?;
    let expiration = if duration > 0 { duration / 1000 } else { 3600 };
    if expiration < 600 {
        return Err(fail(format!(
            "TokenRequest.authentication.k8s.io \"{name}\" is invalid: spec.expirationSeconds: Invalid value: {expiration}: may not specify a duration less than 10 minutes"
        )));
    }
    let bound = if bound_kind.is_empty() {
        None
    } else {
        let kind = crate::world::api::kinds::by_kind(&bound_kind).expect("Node, Pod or Secret");
        let obj_ns = if kind.namespaced { ns.as_str() } else { "" };
        let obj = ctx
            .world
            .get(kind, obj_ns, &bound_name)
            .map_err(|e| fail(e.message))?;
        let uid = crate::world::api::meta::str_at(&obj, &["metadata", "uid"])
            .unwrap_or("")
            .to_string();
        if !bound_uid.is_empty() && bound_uid != uid {
            return Err(fail(format!(
                "the UID in the bound object reference ({bound_uid}) does not match the UID in record. The object might have been deleted and then recreated"
            )));
        }
        Some((bound_kind.clone(), bound_name.clone(), uid))
    };
    let now = ctx.world.now();
    let claims = create_token::Claims {
        namespace: ns,
        sa: (
            name,
            crate::world::api::meta::str_at(&sa, &["metadata", "uid"])
                .unwrap_or("")
                .to_string(),
        ),
        audiences: if audiences.is_empty() {
            vec![create_token::ISSUER.to_string()]
        } else {
            audiences.clone()
        },
        iat: now.div_euclid(1000),
        expiration,
        jti: ctx.world.seed.uid(),
        bound,
    };
    if f.changed("output") {
        let expires = crate::world::clock::rfc3339(now + expiration * 1000);
        let obj = create_token::token_request(&claims, &audiences, &expires);
        ctx.io
            .out(&output::print_structured(&out, &[obj], false, true)?);
    } else {
        // kubectl adds the newline only on a terminal; kubelab's prompt is one.
        ctx.io.out(&format!("{}\n", create_token::token(&claims)));
    }
    Ok(())
}
