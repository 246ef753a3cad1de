//! `kubectl config`: the kubeconfig's contexts, clusters and users (view, current-context,
//! get-contexts, get-clusters, get-users, use-context, set-context, set-credentials,
//! set-cluster, delete-context, delete-cluster, delete-user, rename-context), with kubectl
//! 1.32's messages (tests/inputs/kubectl_config/ holds the real kubectl's answers). These
//! commands never talk to the cluster.

use serde_json::{Value, json};

use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::kubeconfig::{self as kc, PATH};
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::kubectl::output::{self, Output};
use crate::printers::tabwriter;

fn arg(f: &dyn Flags, i: usize) -> Option<String> {
    f.args().get(i).cloned()
}

/// `kubectl config current-context`.
pub fn current_context(ctx: &mut Ctx<'_>, _f: &dyn Flags) -> CmdResult {
    let cur = kc::current(&ctx.config.kubeconfig).to_string();
    if cur.is_empty() {
        return Err(Failure::Message("current-context is not set".into()));
    }
    ctx.io.out(&format!("{cur}\n"));
    Ok(())
}

/// `kubectl config view [--minify] [--raw] [-o FORMAT]`.
pub fn view(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let mut doc = ctx.config.kubeconfig.clone();
    if let Some(c) = f.string("context").filter(|c| !c.is_empty()) {
        doc["current-context"] = json!(c);
    }
    if f.boolean("minify") {
        doc = kc::minified(&doc).map_err(Failure::Message)?;
    }
    if !f.boolean("raw") {
        doc = kc::redacted(&doc);
    }
    let out = match f.string("output").as_deref() {
        None | Some("") | Some("yaml") => Output::Yaml,
        Some("json") => {
            return Err(Failure::Unsupported("kubectl config view -o json".into()));
        }
        o => output::parse(o, output::OBJECT_FORMATS, &*ctx.files)?,
    };
    let text = output::print_structured(&out, &[doc], false, false)?;
    ctx.io.out(&text);
    Ok(())
}

/// `kubectl config get-contexts [NAME] [-o name] [--no-headers]`.
pub fn get_contexts(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let conf = &ctx.config.kubeconfig;
    let names_only = match f.string("output").as_deref() {
        None | Some("") => false,
        Some("name") => true,
        Some(o) => {
            return Err(Failure::Message(format!(
                "output must be one of '' or 'name': {o}"
            )));
        }
    };
    let all = kc::names(conf, "contexts");
    let wanted: Vec<String> = match f.args() {
        [] => all.clone(),
        a => a.to_vec(),
    };
    let cur = kc::current(conf);
    let mut text = String::new();
    if !names_only && !f.boolean("no-headers") {
        text.push_str("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
    }
    let mut missing = Vec::new();
    for name in &wanted {
        if !all.contains(name) {
            missing.push(name.clone());
            continue;
        }
        if names_only {
            text.push_str(&format!("{name}\n"));
            continue;
        }
        let field = |k: &str| kc::context_field(conf, name, k).unwrap_or("").to_string();
        text.push_str(&format!(
            "{}\t{name}\t{}\t{}\t{}\n",
            if name == cur { "*" } else { "" },
            field("cluster"),
            field("user"),
            field("namespace")
        ));
    }
    ctx.io.out(&tabwriter::align(&text, 6, 4, 3, ' '));
    if !missing.is_empty() {
        let errs = missing
            .iter()
            .map(|n| Failure::Message(format!("context {n} not found")))
            .collect::<Vec<_>>();
        return Err(if errs.len() == 1 {
            errs.into_iter().next().unwrap_or(Failure::Many(vec![]))
        } else {
            Failure::Many(errs)
        });
    }
    Ok(())
}

fn print_names(ctx: &mut Ctx<'_>, list: &str) -> CmdResult {
    let mut text = String::from("NAME\n");
    for n in kc::names(&ctx.config.kubeconfig, list) {
        text.push_str(&format!("{n}\n"));
    }
    ctx.io.out(&text);
    Ok(())
}

/// `kubectl config get-clusters`.
pub fn get_clusters(ctx: &mut Ctx<'_>, _f: &dyn Flags) -> CmdResult {
    print_names(ctx, "clusters")
}

/// `kubectl config get-users`.
pub fn get_users(ctx: &mut Ctx<'_>, _f: &dyn Flags) -> CmdResult {
    print_names(ctx, "users")
}

/// `kubectl config use-context NAME`.
pub fn use_context(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(name) = arg(f, 0).filter(|_| f.args().len() == 1) else {
        return Err(Failure::Unsupported(
            "kubectl config use-context without exactly one context name".into(),
        ));
    };
    if kc::entry(&ctx.config.kubeconfig, "contexts", &name).is_none() {
        return Err(Failure::Message(format!(
            "no context exists with the name: \"{name}\""
        )));
    }
    ctx.config.kubeconfig["current-context"] = json!(name);
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!("Switched to context \"{name}\".\n"));
    Ok(())
}

/// `kubectl config set-context NAME|--current [--cluster] [--user] [--namespace]`.
pub fn set_context(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let current = f.boolean("current");
    let name = match (arg(f, 0), current) {
        (Some(_), true) => {
            return Err(Failure::Message(
                "you cannot specify both a context name and --current".into(),
            ));
        }
        (Some(n), false) if !n.is_empty() => n,
        (_, true) => {
            let c = kc::current(&ctx.config.kubeconfig).to_string();
            if c.is_empty() {
                return Err(Failure::Message("no current context is set".into()));
            }
            c
        }
        _ => {
            return Err(Failure::Message(
                "you must specify a non-empty context name or --current".into(),
            ));
        }
    };
    let existed = kc::entry(&ctx.config.kubeconfig, "contexts", &name).is_some();
    let e = kc::entry_mut(&mut ctx.config.kubeconfig, "contexts", &name);
    for field in ["cluster", "user", "namespace"] {
        if f.changed(field) {
            let v = f.string(field).unwrap_or_default();
            match e.as_object_mut() {
                Some(m) if v.is_empty() => {
                    m.remove(field);
                }
                _ => e[field] = json!(v),
            }
        }
    }
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!(
        "Context \"{name}\" {}.\n",
        if existed { "modified" } else { "created" }
    ));
    Ok(())
}

fn set_fields(e: &mut Value, f: &dyn Flags, fields: &[(&str, &str)]) {
    for (flag, key) in fields {
        if f.changed(flag) {
            let v = f.string(flag).unwrap_or_default();
            match e.as_object_mut() {
                Some(m) if v.is_empty() => {
                    m.remove(*key);
                }
                _ => e[*key] = json!(v),
            }
        }
    }
}

/// `kubectl config set-credentials NAME [--token] [--username --password]
/// [--client-certificate --client-key]`.
pub fn set_credentials(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(name) = arg(f, 0).filter(|n| !n.is_empty()) else {
        return Err(Failure::Unsupported(
            "kubectl config set-credentials without a user name".into(),
        ));
    };
    for unsupported in [
        "embed-certs",
        "auth-provider",
        "auth-provider-arg",
        "exec-command",
        "exec-api-version",
        "exec-arg",
        "exec-env",
        "exec-interactive-mode",
        "exec-provide-cluster-info",
    ] {
        if f.changed(unsupported) {
            return Err(Failure::Unsupported(format!(
                "the flag --{unsupported} of \"kubectl config set-credentials\""
            )));
        }
    }
    let e = kc::entry_mut(&mut ctx.config.kubeconfig, "users", &name);
    set_fields(
        e,
        f,
        &[
            ("token", "token"),
            ("username", "username"),
            ("password", "password"),
            ("client-certificate", "client-certificate"),
            ("client-key", "client-key"),
        ],
    );
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!("User \"{name}\" set.\n"));
    Ok(())
}

/// `kubectl config set-cluster NAME [--server] [--insecure-skip-tls-verify]
/// [--certificate-authority] [--tls-server-name] [--proxy-url]`.
pub fn set_cluster(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(name) = arg(f, 0).filter(|n| !n.is_empty()) else {
        return Err(Failure::Unsupported(
            "kubectl config set-cluster without a cluster name".into(),
        ));
    };
    if f.changed("embed-certs") {
        return Err(Failure::Unsupported(
            "the flag --embed-certs of \"kubectl config set-cluster\"".into(),
        ));
    }
    let e = kc::entry_mut(&mut ctx.config.kubeconfig, "clusters", &name);
    set_fields(
        e,
        f,
        &[
            ("server", "server"),
            ("certificate-authority", "certificate-authority"),
            ("tls-server-name", "tls-server-name"),
            ("proxy-url", "proxy-url"),
        ],
    );
    if f.changed("insecure-skip-tls-verify")
        && let Some(m) = e.as_object_mut()
    {
        if f.boolean("insecure-skip-tls-verify") {
            m.insert("insecure-skip-tls-verify".into(), json!(true));
        } else {
            m.remove("insecure-skip-tls-verify");
        }
    }
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!("Cluster \"{name}\" set.\n"));
    Ok(())
}

/// `kubectl config delete-context NAME`.
pub fn delete_context(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(name) = arg(f, 0) else {
        return Err(Failure::Unsupported(
            "kubectl config delete-context without a context name".into(),
        ));
    };
    if !kc::remove(&mut ctx.config.kubeconfig, "contexts", &name) {
        return Err(Failure::Message(format!(
            "cannot delete context {name}, not in {PATH}"
        )));
    }
    if kc::current(&ctx.config.kubeconfig) == name {
        ctx.io.err("warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n");
    }
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!("deleted context {name} from {PATH}\n"));
    Ok(())
}

/// `kubectl config delete-cluster NAME` and `delete-user NAME`.
fn delete_named(ctx: &mut Ctx<'_>, f: &dyn Flags, list: &str, what: &str) -> CmdResult {
    let Some(name) = arg(f, 0) else {
        return Err(Failure::Unsupported(format!(
            "kubectl config delete-{what} without a {what} name"
        )));
    };
    if !kc::remove(&mut ctx.config.kubeconfig, list, &name) {
        return Err(Failure::Message(format!(
            "cannot delete {what} {name}, not in {PATH}"
        )));
    }
    ctx.config.kubeconfig_changed();
    ctx.io.out(&format!("deleted {what} {name} from {PATH}\n"));
    Ok(())
}

/// `kubectl config delete-cluster NAME`.
pub fn delete_cluster(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    delete_named(ctx, f, "clusters", "cluster")
}

/// `kubectl config delete-user NAME`.
pub fn delete_user(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    delete_named(ctx, f, "users", "user")
}

/// `kubectl config rename-context OLD NEW`.
pub fn rename_context(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let (Some(old), Some(new)) = (arg(f, 0), arg(f, 1)) else {
        return Err(Failure::Unsupported(
            "kubectl config rename-context without two context names".into(),
        ));
    };
    let conf = &mut ctx.config.kubeconfig;
    let Some(content) = kc::entry(conf, "contexts", &old).cloned() else {
        return Err(Failure::Message(format!(
            "cannot rename the context \"{old}\", it's not in {PATH}"
        )));
    };
    if kc::entry(conf, "contexts", &new).is_some() {
        return Err(Failure::Message(format!(
            "cannot rename the context \"{old}\", the context \"{new}\" already exists in {PATH}"
        )));
    }
    kc::remove(conf, "contexts", &old);
    *kc::entry_mut(conf, "contexts", &new) = content;
    if kc::current(conf) == old {
        conf["current-context"] = json!(new);
    }
    ctx.config.kubeconfig_changed();
    ctx.io
        .out(&format!("Context \"{old}\" renamed to \"{new}\".\n"));
    Ok(())
}

/// Before a command: the kubeconfig is the workstation's file when there is one (a student may
/// edit it), and the users a lab added since (`cluster.add_user`) get their credentials and a
/// context `NAME@kubernetes` in it.
pub fn load(ctx: &mut Ctx<'_>) -> CmdResult {
    if let Ok(bytes) = ctx.files.read_file(PATH) {
        let text = String::from_utf8_lossy(&bytes);
        let doc = crate::kubectl::manifest_yaml::yaml_document_to_json(&text)
            .map_err(|e| Failure::Message(format!("error loading config file \"{PATH}\": {e}")))?;
        let doc = doc.unwrap_or_else(|| json!({}));
        if !doc.is_object() {
            return Err(Failure::Message(format!(
                "error loading config file \"{PATH}\": the file is not a kubeconfig"
            )));
        }
        if doc != ctx.config.kubeconfig {
            let dirty = ctx.config.kubeconfig_dirty;
            ctx.config.kubeconfig = doc;
            ctx.config.kubeconfig_changed();
            ctx.config.kubeconfig_dirty = dirty;
        }
    }
    let added = std::mem::take(&mut ctx.world.auth.added);
    if !added.is_empty() {
        for name in added {
            let token = match ctx.world.auth.users.get(&name) {
                Some(a) => a.token.clone(),
                None => continue,
            };
            let conf = &mut ctx.config.kubeconfig;
            kc::entry_mut(conf, "users", &name)["token"] = json!(token);
            let c = kc::entry_mut(conf, "contexts", &format!("{name}@kubernetes"));
            c["cluster"] = json!("kubernetes");
            c["user"] = json!(name);
        }
        ctx.config.kubeconfig_changed();
    }
    Ok(())
}

/// After a command: a changed kubeconfig is written to the workstation's file.
pub fn save(ctx: &mut Ctx<'_>) {
    ctx.config.keep_namespace();
    if !ctx.config.kubeconfig_dirty {
        return;
    }
    let text = crate::printers::yaml::to_yaml(&ctx.config.kubeconfig);
    let dir = PATH.rsplit_once('/').map_or(PATH, |(d, _)| d);
    if ctx.files.mkdir_all(dir).is_ok() && ctx.files.create_file(PATH, text.as_bytes()).is_ok() {
        ctx.config.kubeconfig_dirty = false;
    }
}
