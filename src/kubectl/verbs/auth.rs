//! Who the client is and what it may do: the requester of a command (the kubeconfig's user,
//! `--as`/`--as-group` impersonation checked as the apiserver checks it), `kubectl auth can-i`
//! (a SelfSubjectAccessReview, or with `--list` a SelfSubjectRulesReview printed as kubectl
//! prints it) and `kubectl auth whoami` (a SelfSubjectReview).

use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::kubeconfig as kc;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, Output};
use crate::printers::tabwriter;
use crate::world::api::kinds;
use crate::world::rbac::{self, Request, Rule, UserInfo};

/// Who the kubeconfig's credentials (or `--user`/`--token`/`--context`) authenticate as:
/// kubeadm's admin with its client certificate, a lab user by its token.
fn authenticated(ctx: &Ctx<'_>, f: &dyn Flags) -> Result<UserInfo, Failure> {
    let conf = &ctx.config.kubeconfig;
    let unauthorized =
        || Failure::Message("You must be logged in to the server (Unauthorized)".into());
    if let Some(t) = f.string("token").filter(|t| !t.is_empty()) {
        return ctx.world.auth.by_token(&t).ok_or_else(unauthorized);
    }
    let context = f
        .string("context")
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| kc::current(conf).to_string());
    // `create rolebinding --user` names a subject, not the kubeconfig's user.
    let own_user_flag = f.path().first().is_some_and(|p| p == "create");
    let user = match f.string("user").filter(|u| !u.is_empty() && !own_user_flag) {
        Some(u) => u,
        None if f.changed("context") => kc::context_field(conf, &context, "user")
            .unwrap_or("")
            .to_string(),
        None => ctx.config.user.clone(),
    };
    let entry = kc::entry(conf, "users", &user)
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(t) = entry.get("token").and_then(Value::as_str) {
        return ctx.world.auth.by_token(t).ok_or_else(unauthorized);
    }
    if user == "kubernetes-admin" && entry.get("client-certificate-data").is_some() {
        return Ok(UserInfo::kubernetes_admin());
    }
    Err(unauthorized())
}

/// The requester of a command that talks to the cluster: the authenticated user, or whom
/// `--as` (and `--as-group`) names when the authenticated user may impersonate them.
pub fn requester(ctx: &Ctx<'_>, f: &dyn Flags) -> Result<UserInfo, Failure> {
    let me = authenticated(ctx, f)?;
    let as_user = f.string("as").filter(|a| !a.is_empty());
    let as_groups = f.strings("as-group");
    let Some(as_user) = as_user else {
        if !as_groups.is_empty() || f.string("as-uid").is_some_and(|u| !u.is_empty()) {
            return Err(Failure::Raw(format!(
                "Error: requesting uid, groups or user-extra for {} without impersonating a user\n",
                me.name
            )));
        }
        return Ok(me);
    };
    let check = |req: Request| -> Result<(), Failure> {
        ctx.world
            .decide(&me, &req)
            .map_err(|reason| Failure::Api(rbac::forbidden(&me.name, &req, &reason)))
    };
    let mut groups: Vec<String> = Vec::new();
    match UserInfo::as_service_account(&as_user) {
        Some((ns, name)) => {
            check(Request::resource(
                "impersonate",
                "",
                "serviceaccounts",
                ns,
                name,
            ))?;
            if as_groups.is_empty() {
                groups = UserInfo::service_account(ns, name).groups;
                groups.retain(|g| g != rbac::AUTHENTICATED);
            }
        }
        None => check(Request::resource("impersonate", "", "users", "", &as_user))?,
    }
    for g in &as_groups {
        check(Request::resource("impersonate", "", "groups", "", g))?;
        groups.push(g.clone());
    }
    if !groups
        .iter()
        .any(|g| g == rbac::AUTHENTICATED || g == "system:unauthenticated")
    {
        groups.push(rbac::AUTHENTICATED.into());
    }
    let uid = ctx
        .world
        .auth
        .users
        .get(&as_user)
        .map(|a| a.uid.clone())
        .unwrap_or_default();
    Ok(UserInfo {
        name: as_user,
        uid,
        groups,
    })
}

/// The identity a command runs as, for the commands that need one.
fn me(ctx: &Ctx<'_>) -> UserInfo {
    ctx.world
        .auth
        .requester
        .clone()
        .unwrap_or_else(UserInfo::kubernetes_admin)
}

/// (group, resource) for can-i's resource argument, as kubectl's REST mapper finds it; an
/// unknown one is kept as typed, after kubectl's warning.
fn resource_for(ctx: &mut Ctx<'_>, arg: &str) -> (String, String) {
    if arg == "*" {
        return (String::new(), "*".into());
    }
    let lower = arg.to_ascii_lowercase();
    if let Some(k) = kinds::resolve(&lower) {
        return (k.group.to_string(), k.plural.to_string());
    }
    if let Some((res, group)) = lower.split_once('.')
        && let Some(k) = kinds::resolve(res).filter(|k| k.group == group)
    {
        return (k.group.to_string(), k.plural.to_string());
    }
    match lower.split_once('.') {
        Some((res, group)) => {
            ctx.io.err(&format!(
                "Warning: the server doesn't have a resource type '{res}' in group '{group}'\n"
            ));
            (String::new(), arg.to_string())
        }
        None => {
            ctx.io.err(&format!(
                "Warning: the server doesn't have a resource type '{lower}'\n"
            ));
            (String::new(), arg.to_string())
        }
    }
}

const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];
const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

/// `kubectl auth can-i VERB RESOURCE[/NAME] | VERB /PATH`, and `--list`.
pub fn can_i(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let list = f.boolean("list");
    if list {
        if !f.args().is_empty() {
            return Err(Failure::Message(
                "list option must be specified with no arguments".into(),
            ));
        }
        if f.boolean("quiet") || f.boolean("all-namespaces") || f.changed("subresource") {
            return Err(Failure::Message(
                "list option can't be specified with neither quiet, all-namespaces nor subresource options".into(),
            ));
        }
        return can_i_list(ctx, f);
    }
    let args = f.args().to_vec();
    if args.len() != 2 {
        return Err(Failure::Raw("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n".into()));
    }
    let verb = args[0].clone();
    let ns = if f.boolean("all-namespaces") {
        String::new()
    } else {
        ctx.namespace(f.string("namespace").as_deref())
    };
    let sub = f.string("subresource").unwrap_or_default();
    let req = if args[1].starts_with('/') {
        if !sub.is_empty() {
            return Err(Failure::Message(
                "--subresource can not be used with NonResourceURL".into(),
            ));
        }
        if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
            ctx.io
                .err(&format!("Warning: verb '{verb}' is not a known verb\n"));
        }
        Request::NonResource {
            verb,
            path: args[1].clone(),
        }
    } else {
        let (res, name) = match args[1].split_once('/') {
            Some((r, n)) => (r.to_string(), n.to_string()),
            None => (args[1].clone(), String::new()),
        };
        let (group, resource) = resource_for(ctx, &res);
        if !ns.is_empty()
            && let Some(k) = kinds::KINDS
                .iter()
                .find(|k| k.plural == resource && k.group == group)
            && !k.namespaced
        {
            ctx.io.err(&if group.is_empty() {
                format!("Warning: resource '{resource}' is not namespace scoped\n")
            } else {
                format!(
                    "Warning: resource '{resource}' is not namespace scoped in group '{group}'\n"
                )
            });
        }
        if !RESOURCE_VERBS.contains(&verb.as_str()) {
            ctx.io
                .err(&format!("Warning: verb '{verb}' is not a known verb\n"));
        }
        if f.boolean("no-headers") {
            return Err(Failure::Message(
                "--no-headers cannot be set without --list specified".into(),
            ));
        }
        Request::resource(&verb, &group, &resource, &ns, &name).with_subresource(&sub)
    };
    let user = me(ctx);
    let quiet = f.boolean("quiet");
    match ctx.world.decide(&user, &req) {
        Ok(()) => {
            if !quiet {
                ctx.io.out("yes\n");
            }
            Ok(())
        }
        Err(reason) => {
            if !quiet {
                ctx.io.out(&if reason.is_empty() {
                    "no\n".to_string()
                } else {
                    format!("no - {reason}\n")
                });
            }
            Err(Failure::Exit {
                text: String::new(),
                status: 1,
            })
        }
    }
}

/// upstream's `PolicyRule.String()`, the key kubectl sorts the listed rules by.
fn sort_key(r: &Rule) -> String {
    format!(
        "&PolicyRule{{Verbs:[{}],APIGroups:[{}],Resources:[{}],ResourceNames:[{}],NonResourceURLs:[{}],}}",
        r.verbs.join(" "),
        r.api_groups.join(" "),
        r.resources.join(" "),
        r.resource_names.join(" "),
        r.non_resource_urls.join(" ")
    )
}

/// Each rule split into rules of one verb, one resource and one name (`BreakdownRule`), then
/// the simple ones with the same group, resource and name merged (`CompactRules`).
pub fn compact(rules: &[Rule]) -> Vec<Rule> {
    let mut broken: Vec<Rule> = Vec::new();
    for r in rules {
        for g in &r.api_groups {
            for res in &r.resources {
                for v in &r.verbs {
                    let one = |names: Vec<String>| Rule {
                        verbs: vec![v.clone()],
                        api_groups: vec![g.clone()],
                        resources: vec![res.clone()],
                        resource_names: names,
                        non_resource_urls: vec![],
                    };
                    if r.resource_names.is_empty() {
                        broken.push(one(vec![]));
                    } else {
                        for n in &r.resource_names {
                            broken.push(one(vec![n.clone()]));
                        }
                    }
                }
            }
        }
        for u in &r.non_resource_urls {
            for v in &r.verbs {
                broken.push(Rule {
                    verbs: vec![v.clone()],
                    non_resource_urls: vec![u.clone()],
                    ..Rule::default()
                });
            }
        }
    }
    let mut compacted: Vec<Rule> = Vec::new();
    let mut simple: Vec<Rule> = Vec::new();
    for r in broken {
        if r.non_resource_urls.is_empty() && r.api_groups.len() == 1 && r.resources.len() == 1 {
            match simple.iter_mut().find(|s| {
                s.api_groups == r.api_groups
                    && s.resources == r.resources
                    && s.resource_names == r.resource_names
            }) {
                Some(s) => s.verbs.extend(r.verbs),
                None => simple.push(r),
            }
        } else {
            compacted.push(r);
        }
    }
    compacted.extend(simple);
    compacted.sort_by_cached_key(sort_key);
    compacted
}

fn go_list(v: &[String]) -> String {
    format!("[{}]", v.join(" "))
}

/// kubectl's `CombineResourceGroup`: `resource.group/subresource`.
fn resource_group(r: &Rule) -> String {
    let Some(res) = r.resources.first() else {
        return String::new();
    };
    let (base, sub) = match res.split_once('/') {
        Some((b, s)) => (b, Some(s)),
        None => (res.as_str(), None),
    };
    let mut s = base.to_string();
    if let Some(g) = r.api_groups.first().filter(|g| !g.is_empty()) {
        s.push('.');
        s.push_str(g);
    }
    if let Some(sub) = sub {
        s.push('/');
        s.push_str(sub);
    }
    s
}

fn can_i_list(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let ns = ctx.namespace(f.string("namespace").as_deref());
    let user = me(ctx);
    let (_, visit) = ctx.world.visit_rules(&user, &ns, |_| false);
    if !visit.errors.is_empty() {
        ctx.io.err(&format!(
            "Warning: the list may be incomplete: {}",
            match visit.errors.len() {
                1 => visit.errors[0].clone(),
                _ => format!("[{}]", visit.errors.join(", ")),
            }
        ));
    }
    let mut text = String::new();
    if !f.boolean("no-headers") {
        text.push_str("Resources\tNon-Resource URLs\tResource Names\tVerbs\n");
    }
    for r in compact(&visit.rules) {
        text.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            resource_group(&r),
            go_list(&r.non_resource_urls),
            go_list(&r.resource_names),
            go_list(&r.verbs)
        ));
    }
    ctx.io.out(&tabwriter::align(&text, 6, 4, 3, ' '));
    Ok(())
}

/// `kubectl auth whoami [-o yaml|json|...]`.
pub fn whoami(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let user = me(ctx);
    let review = Request::resource(
        "create",
        "authentication.k8s.io",
        "selfsubjectreviews",
        "",
        "",
    );
    if ctx.world.decide(&user, &review).is_err() {
        return Err(Failure::Message(
            "the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it".into(),
        ));
    }
    let out = output::parse(
        f.string("output").as_deref(),
        output::OBJECT_FORMATS,
        &*ctx.files,
    )?;
    if out == Output::Default {
        let mut text = String::from("ATTRIBUTE\tVALUE\nUsername\t");
        text.push_str(&user.name);
        text.push('\n');
        if !user.uid.is_empty() {
            text.push_str(&format!("UID\t{}\n", user.uid));
        }
        if !user.groups.is_empty() {
            text.push_str(&format!("Groups\t{}\n", go_list(&user.groups)));
        }
        ctx.io.out(&tabwriter::align(&text, 6, 4, 3, ' '));
        return Ok(());
    }
    let mut info = json!({"username": user.name, "groups": user.groups});
    if !user.uid.is_empty() {
        info["uid"] = json!(user.uid);
    }
    let doc = json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {"creationTimestamp": crate::world::clock::rfc3339(ctx.world.now())},
        "status": {"userInfo": info},
    });
    let text = output::print_structured(&out, &[doc], false, false)?;
    ctx.io.out(&text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str], names: &[&str]) -> Rule {
        let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
        Rule {
            verbs: v(verbs),
            api_groups: v(groups),
            resources: v(resources),
            resource_names: v(names),
            non_resource_urls: vec![],
        }
    }

    // kubectl's BreakdownRule + CompactRules + SortableRuleSlice: one row per group, resource
    // and name, verbs merged in the order met, rows sorted by the rule's String() (verbs first).
    #[test]
    fn rules_are_broken_down_merged_and_sorted_as_kubectl_does() {
        let rules = vec![
            rule(&["get", "list"], &[""], &["pods", "services"], &[]),
            rule(&["watch"], &[""], &["pods"], &[]),
            rule(&["get"], &[""], &["configmaps"], &["a", "b"]),
            rule(&["create"], &["apps"], &["deployments/scale"], &[]),
        ];
        let rows: Vec<(String, String, String)> = compact(&rules)
            .iter()
            .map(|r| {
                (
                    resource_group(r),
                    go_list(&r.resource_names),
                    go_list(&r.verbs),
                )
            })
            .collect();
        let row = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            rows,
            vec![
                row("deployments.apps/scale", "[]", "[create]"),
                row("pods", "[]", "[get list watch]"),
                row("services", "[]", "[get list]"),
                row("configmaps", "[a]", "[get]"),
                row("configmaps", "[b]", "[get]"),
            ]
        );
    }
}
