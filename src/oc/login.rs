//! `oc login`, `oc logout` and `oc whoami` against the users a lab defines
//! (`cluster.add_user` with a password): the identity provider checks the password, the OAuth
//! server hands out the user's token (`sha256~...`), and oc writes the cluster, the user
//! `NAME/HOST:PORT` and the context `PROJECT/HOST:PORT/NAME` into the kubeconfig, then lists
//! the projects the user may see (openshift/oc `pkg/cli/login`, `logout`, `whoami`).

use base64::Engine as _;
use serde_json::json;
use sha2::Digest as _;

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::kubeconfig as kc;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::world::api::{kinds, meta};
use crate::world::rbac::{Request, UserInfo};

/// oc's threshold above which the project list is not printed.
const PROJECTS_SHOWN: usize = 50;

/// The token the OAuth server hands a lab user (`sha256~` and 43 characters), deterministic.
pub fn oauth_token(name: &str) -> String {
    let h = sha2::Sha256::digest(format!("kubelab oauth token for {name}").as_bytes());
    format!(
        "sha256~{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h)
    )
}

/// `api.ocp4.example.com:6443` as oc names it in the kubeconfig: `api-ocp4-example-com:6443`.
fn cluster_nick(server: &str) -> String {
    let host = server
        .split_once("://")
        .map_or(server, |(_, h)| h)
        .trim_end_matches('/');
    host.replace('.', "-")
}

/// The namespaces a user may see as projects (those where it may get the namespace), sorted.
fn projects_of(ctx: &Ctx<'_>, user: &UserInfo) -> Vec<String> {
    let Some(nk) = kinds::by_kind(kinds::NAMESPACE) else {
        return vec![];
    };
    let mut out: Vec<String> = ctx
        .world
        .list_quiet(nk, None, None)
        .iter()
        .filter(|n| !meta::is_deleting(n))
        .map(|n| meta::name(n).to_string())
        .filter(|ns| {
            ctx.world
                .decide(user, &Request::resource("get", "", "namespaces", ns, ns))
                .is_ok()
        })
        .collect();
    out.sort();
    out
}

/// `oc login -u NAME -p PASSWORD` / `oc login --token=TOKEN`.
pub fn login(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let server = ctx.config.server.clone();
    let given_server = f
        .args()
        .first()
        .cloned()
        .or_else(|| f.string("server").filter(|s| !s.is_empty()));
    if let Some(s) = given_server {
        let norm = |u: &str| {
            let u = u.trim_end_matches('/');
            if u.contains("://") {
                u.to_string()
            } else {
                format!("https://{u}")
            }
        };
        if norm(&s) != server && norm(&s) != format!("{server}:6443") {
            return Err(Failure::Unsupported(format!(
                "logging in to another server than the lab's ({server})"
            )));
        }
    }
    let username = f.string("username").unwrap_or_default();
    let password = f.string("password").unwrap_or_default();
    let token = f.string("token").unwrap_or_default();
    let (user, token, intro) = if !token.is_empty() {
        let Some(user) = ctx.world.auth.by_token(&token).or_else(|| {
            ctx.world
                .auth
                .users
                .keys()
                .find(|n| oauth_token(n) == token)
                .and_then(|n| ctx.world.auth.user_info(n))
        }) else {
            return Err(Failure::Message(
                "The token provided is invalid or expired.\n".into(),
            ));
        };
        let intro = format!(
            "Logged into \"{server}\" as \"{}\" using the token provided.\n\n",
            user.name
        );
        (user, token, intro)
    } else if username.is_empty() || password.is_empty() {
        return Err(Failure::Unsupported(
            "oc login's prompts: give the user and the password (-u NAME -p PASSWORD) or --token"
                .into(),
        ));
    } else {
        let ok = ctx
            .world
            .auth
            .users
            .get(&username)
            .is_some_and(|a| !a.password.is_empty() && a.password == password);
        if !ok {
            return Err(Failure::Exit {
                text: String::new(),
                status: 1,
            })
            .inspect_err(|_| {
                ctx.io.out(
                    "Login failed (401 Unauthorized)\nVerify you have provided the correct credentials.\n",
                )
            });
        }
        let Some(user) = ctx.world.auth.user_info(&username) else {
            return Err(Failure::Message("no such user".into()));
        };
        (
            user,
            oauth_token(&username),
            "Login successful.\n\n".to_string(),
        )
    };
    ctx.io.out(&intro);
    let projects = projects_of(ctx, &user);
    let current = ctx.config.namespace.clone();
    let project = match projects.len() {
        0 => {
            ctx.io.out("You don't have any projects. You can try to create a new project, by running\n\n    oc new-project <projectname>\n\n");
            String::new()
        }
        1 => {
            let p = projects[0].clone();
            ctx.io.out(&format!(
                "You have one project on this server: \"{p}\"\n\nUsing project \"{p}\".\n"
            ));
            p
        }
        n => {
            let p = if projects.contains(&current) {
                current
            } else if projects.iter().any(|p| p == "default") {
                "default".to_string()
            } else {
                projects[0].clone()
            };
            if n > PROJECTS_SHOWN {
                ctx.io.out(&format!("You have access to {n} projects, the list has been suppressed. You can list all projects with 'oc projects'\n\n"));
            } else {
                let mut text = String::from(
                    "You have access to the following projects and can switch between them with 'oc project <projectname>':\n\n",
                );
                for q in &projects {
                    let mark = if *q == p { "  * " } else { "    " };
                    text.push_str(&format!("{mark}{q}\n"));
                }
                text.push('\n');
                ctx.io.out(&text);
            }
            ctx.io.out(&format!("Using project \"{p}\".\n"));
            p
        }
    };
    // The oauth token of a lab user authenticates as the user.
    ctx.world
        .auth
        .tokens
        .insert(token.clone(), user.name.clone());
    let nick = cluster_nick(&server);
    let conf = &mut ctx.config.kubeconfig;
    let ca = kc::current(conf).to_string();
    let ca = kc::context_field(conf, &ca, "cluster")
        .and_then(|c| kc::entry(conf, "clusters", c))
        .and_then(|c| c.get("certificate-authority-data"))
        .cloned();
    let cluster = kc::entry_mut(conf, "clusters", &nick);
    cluster["server"] = json!(server);
    if let Some(ca) = ca {
        cluster["certificate-authority-data"] = ca;
    }
    let user_entry = format!("{}/{nick}", user.name);
    kc::entry_mut(conf, "users", &user_entry)["token"] = json!(token);
    let context = format!("{project}/{nick}/{}", user.name);
    let c = kc::entry_mut(conf, "contexts", &context);
    c["cluster"] = json!(nick);
    c["user"] = json!(user_entry);
    if !project.is_empty() {
        c["namespace"] = json!(project);
    }
    conf["current-context"] = json!(context);
    ctx.config.kubeconfig_changed();
    Ok(())
}

/// The bearer token of the current context's user, if any.
fn current_token(ctx: &Ctx<'_>) -> Option<String> {
    let conf = &ctx.config.kubeconfig;
    kc::entry(conf, "users", &ctx.config.user)?
        .get("token")?
        .as_str()
        .map(str::to_string)
}

/// `oc logout`: the current user's token leaves the kubeconfig.
pub fn logout(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if !f.args().is_empty() {
        return Err(Failure::Message("No arguments are allowed".into()));
    }
    let Some(token) = current_token(ctx) else {
        return Err(Failure::Message(
            "You must have a token in order to logout.".into(),
        ));
    };
    let name = crate::kubectl::verbs::auth::requester(ctx, f)?.name;
    ctx.world.auth.tokens.remove(&token);
    if let Some(users) = ctx
        .config
        .kubeconfig
        .get_mut("users")
        .and_then(serde_json::Value::as_array_mut)
    {
        for u in users {
            if let Some(m) = u.get_mut("user").and_then(serde_json::Value::as_object_mut)
                && m.get("token").and_then(serde_json::Value::as_str) == Some(token.as_str())
            {
                m.remove("token");
            }
        }
    }
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!(
        "Logged \"{name}\" out on \"{}\"\n",
        ctx.config.server
    ));
    Ok(())
}

/// `oc whoami [--show-server | -t | --show-context]`.
pub fn whoami(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    if f.boolean("show-server") {
        let conf = &ctx.config.kubeconfig;
        let cur = kc::current(conf);
        let server = kc::context_field(conf, cur, "cluster")
            .and_then(|c| kc::entry(conf, "clusters", c))
            .and_then(|c| c.get("server"))
            .and_then(serde_json::Value::as_str)
            .unwrap_or(&ctx.config.server)
            .to_string();
        ctx.io.out(&format!("{server}\n"));
        return Ok(());
    }
    if f.boolean("show-context") {
        let cur = kc::current(&ctx.config.kubeconfig).to_string();
        ctx.io.out(&format!("{cur}\n"));
        return Ok(());
    }
    if f.boolean("show-token") {
        let Some(t) = current_token(ctx) else {
            return Err(Failure::Message(
                "no token is currently in use for this session".into(),
            ));
        };
        ctx.io.out(&format!("{t}\n"));
        return Ok(());
    }
    let name = ctx
        .world
        .auth
        .requester
        .as_ref()
        .map(|u| u.name.clone())
        .unwrap_or_else(|| ctx.config.user.clone());
    ctx.io.out(&format!("{name}\n"));
    Ok(())
}
