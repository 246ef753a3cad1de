//! `oc new-project`, `oc project`, `oc projects` (openshift/oc `pkg/cli/requestproject`,
//! `pkg/cli/project`).

use serde_json::json;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::api::kinds;
use crate::world::api::meta;

/// `oc new-project NAME [--display-name] [--description]`.
pub fn new_project(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let args = f.args();
    if args.len() != 1 {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: "must have exactly one argument".into(),
        });
    }
    let name = &args[0];
    let k =
        kinds::by_kind(kinds::PROJECT).ok_or_else(|| Failure::Message("no Project kind".into()))?;
    if ctx.world.object(kinds::NAMESPACE, "", name).is_some() {
        return Err(Failure::Api(crate::world::ApiError {
            reason: crate::world::Reason::AlreadyExists,
            message: format!("{} \"{name}\" already exists", k.qualified_singular()),
            causes: vec![],
        }));
    }
    let requester = ctx.world.auth.requester.clone();
    let nk = kinds::by_kind(kinds::NAMESPACE)
        .ok_or_else(|| Failure::Message("no Namespace kind".into()))?;
    // A user who may not create namespaces requests the project as a self-provisioner: the
    // project request makes the namespace and binds `admin` in it to the user.
    let self_provisioned =
        requester.is_some() && ctx.world.authorize_kind("create", nk, "", "", "").is_err();
    if self_provisioned {
        let req = crate::world::rbac::Request::resource(
            "create",
            "project.openshift.io",
            "projectrequests",
            "",
            "",
        );
        if ctx.world.authorize(&req).is_err() {
            return Err(Failure::Api(crate::world::ApiError {
                reason: crate::world::Reason::Forbidden,
                message: "You may not request a new project via this API.".into(),
                causes: vec![],
            }));
        }
    }
    let user = requester
        .as_ref()
        .map_or_else(|| ctx.config.user.clone(), |u| u.name.clone());
    let ns = json!({"apiVersion": "v1", "kind": kinds::NAMESPACE, "metadata": {"name": name, "annotations": {
        "openshift.io/description": f.string("description").unwrap_or_default(),
        "openshift.io/display-name": f.string("display-name").unwrap_or_default(),
        "openshift.io/requester": user,
    }}});
    if self_provisioned {
        ctx.world.set_requester(None);
        let made = ctx.world.create(ns, false).and_then(|_| {
            ctx.world.create(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kinds::ROLE_BINDING,
                "metadata": {"name": "admin", "namespace": name},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kinds::CLUSTER_ROLE, "name": "admin"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}), false)
        });
        ctx.world.set_requester(requester);
        made?;
    } else {
        ctx.world.create(ns, false)?;
    }
    ctx.config.namespace = name.clone();
    if f.boolean("skip-config-write") {
        return Ok(());
    }
    ctx.io.out(&format!(
        "Now using project \"{name}\" on server \"{}\".\n\nYou can add applications to this project with the 'new-app' command. For example, try:\n\n    oc new-app rails-postgresql-example\n\nto build a new example application in Ruby. Or use kubectl to deploy a simple Kubernetes application:\n\n    kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.43 -- /agnhost serve-hostname\n\n",
        ctx.config.server
    ));
    Ok(())
}

fn display(ctx: &Ctx<'_>, name: &str) -> String {
    match ctx
        .world
        .object(kinds::NAMESPACE, "", name)
        .and_then(|n| meta::annotation(n, "openshift.io/display-name"))
        .filter(|d| !d.is_empty())
    {
        Some(d) => format!("{d} ({name})"),
        None => name.to_string(),
    }
}

/// `oc project [NAME]`.
pub fn project(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let server = ctx.config.server.clone();
    let quiet = f.boolean("short");
    match f.args().first() {
        None => {
            let cur = ctx.config.namespace.clone();
            if quiet {
                ctx.io.out(&format!("{cur}\n"));
            } else {
                ctx.io.out(&format!(
                    "Using project \"{}\" on server \"{server}\".\n",
                    display(ctx, &cur)
                ));
            }
            Ok(())
        }
        Some(name) => {
            if ctx.world.object(kinds::NAMESPACE, "", name).is_none() {
                let names: Vec<String> = ctx
                    .world
                    .object_list(kinds::NAMESPACE, "")
                    .map(|n| meta::name(n).to_string())
                    .collect();
                let list: String = names
                    .iter()
                    .map(|n| format!("\n* {}", display(ctx, n)))
                    .collect();
                return Err(Failure::Message(format!(
                    "A project named \"{name}\" does not exist on \"{server}\".\nYour projects are:{list}"
                )));
            }
            if *name == ctx.config.namespace {
                ctx.io.out(&format!(
                    "Already on project \"{}\" on server \"{server}\".\n",
                    display(ctx, name)
                ));
            } else {
                ctx.config.namespace = name.clone();
                if quiet {
                    ctx.io.out(&format!("{name}\n"));
                } else {
                    ctx.io.out(&format!(
                        "Now using project \"{}\" on server \"{server}\".\n",
                        display(ctx, name)
                    ));
                }
            }
            Ok(())
        }
    }
}

/// `oc projects`.
pub fn projects(ctx: &mut Ctx<'_>, _f: &dyn Flags) -> CmdResult {
    let names: Vec<String> = ctx
        .world
        .object_list(kinds::NAMESPACE, "")
        .map(|n| meta::name(n).to_string())
        .collect();
    let cur = ctx.config.namespace.clone();
    let mut out = String::from(
        "You have access to the following projects and can switch between them with 'oc project <projectname>':\n\n",
    );
    for n in &names {
        let marker = if *n == cur { "  * " } else { "    " };
        out.push_str(&format!("{marker}{}\n", display(ctx, n)));
    }
    out.push_str(&format!(
        "\nUsing project \"{cur}\" on server \"{}\".\n",
        ctx.config.server
    ));
    ctx.io.out(&out);
    Ok(())
}
