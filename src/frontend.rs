//! The front door of the command-line front ends: one `kubectl ...` or `oc ...` argument vector
//! in, an exit status out (output in `ctx.io`). Parses with the pflag-compatible parser, prints
//! pflag's deprecation warnings, dispatches to the oc verbs then the kubectl verbs, and renders
//! a failure the way kubectl's `CheckErr` does (exit status 1).

use crate::kubectl::cli;
use crate::kubectl::context::Ctx;
use crate::kubectl::outcome::{Failure, klog};

/// Runs `argv` (`argv[0]` is `kubectl` or `oc`) against the context; returns the exit status.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let program: &'static str = if argv.first().map(String::as_str) == Some("oc") {
        "oc"
    } else {
        "kubectl"
    };
    ctx.program = program;
    let inv = match cli::parse(program, argv.get(1..).unwrap_or(&[])) {
        Ok(inv) => inv,
        Err(f) => {
            ctx.io.err(&f.render());
            return 1;
        }
    };
    for w in &inv.warnings {
        ctx.io.err(&format!("{w}\n"));
    }
    let path = crate::kubectl::flags::Flags::path(&inv).join(" ");
    if program == "kubectl"
        && let Some(status) = kubectl_help(ctx, &path, inv.help)
    {
        return status;
    }
    if inv.help {
        let f = Failure::Unsupported(format!(
            "help texts (\"{} --help\"); the oc documentation has them",
            crate::kubectl::flags::Flags::command_line_name(&inv)
        ));
        ctx.io.err(&f.render());
        return 1;
    }
    let missing: Vec<String> = required_flags(&path)
        .iter()
        .filter(|n| !crate::kubectl::flags::Flags::changed(&inv, n))
        .map(|n| format!("\\\"{n}\\\""))
        .collect();
    if !missing.is_empty() {
        let msg = format!(
            "\"command failed\" err=\"required flag(s) {} not set\"",
            missing.join(", ")
        );
        ctx.io.err(&klog('E', ctx.world.now(), "run.go:72", &msg));
        return 1;
    }
    match crate::kubectl::flags::Flags::string(&inv, "dry-run").as_deref() {
        Some("unchanged") if crate::kubectl::flags::Flags::changed(&inv, "dry-run") => {
            ctx.io.err(&klog('W', ctx.world.now(), "helpers.go:702", "--dry-run is deprecated and can be replaced with --dry-run=client."));
        }
        Some("true") => ctx.io.err(&klog('W', ctx.world.now(), "helpers.go:716", "--dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client.")),
        _ => {}
    }
    ctx.world.set_actor(
        &format!("{program}/v1.32.4 (linux/amd64) kubernetes/30f2a50"),
        &argv.join(" "),
    );
    let manager = crate::kubectl::flags::Flags::string(&inv, "field-manager");
    let path_words: Vec<&str> = path.split(' ').collect();
    ctx.world
        .set_field_writer(Some(crate::world::api::managed_fields::kubectl_manager(
            program,
            &path_words,
            manager.as_deref(),
        )));
    if let Err(f) = crate::kubectl::verbs::config::load(ctx) {
        ctx.world.set_actor("", "");
        ctx.world.set_field_writer(None);
        ctx.io.err(&f.render());
        return 1;
    }
    let authenticates_itself = path.starts_with("config")
        || (program == "oc" && matches!(path.as_str(), "login" | "logout"));
    if !authenticates_itself {
        match crate::kubectl::verbs::auth::requester(ctx, &inv) {
            Ok(user) => ctx.world.set_requester(Some(user)),
            Err(f) => {
                ctx.world.set_actor("", "");
                ctx.world.set_field_writer(None);
                ctx.io.out(f.stdout());
                ctx.io.err(&f.render());
                return f.status();
            }
        }
    }
    (
        ctx.world.auth.update_verb,
        ctx.world.auth.update_subresource,
    ) = match path.as_str() {
        "replace" => ("update", ""),
        "scale" => ("patch", "scale"),
        p if program == "oc" && crate::oc::is_oc_path(p) => ("update", ""),
        _ => ("patch", ""),
    };
    ctx.world.settle();
    // Within one command the controllers do not run between its requests (a real apiserver
    // answers a command's requests faster than the controllers react); they catch up after.
    let settle_on_write = std::mem::replace(&mut ctx.world.settle_on_write, false);
    if program == "oc"
        && let Some(supported) = oc_supported_flags(&path)
        && let Some(flag) = inv
            .given_flags()
            .into_iter()
            .find(|f| !supported.contains(&f.as_str()) && !GLOBAL_FLAGS.contains(&f.as_str()))
    {
        ctx.world.settle_on_write = settle_on_write;
        ctx.world.set_actor("", "");
        ctx.world.set_field_writer(None);
        ctx.world.set_requester(None);
        ctx.io
            .err(&Failure::Unsupported(format!("the flag --{flag} of \"oc {path}\"")).render());
        return 1;
    }
    let result = if program == "oc" {
        crate::oc::dispatch(ctx, &inv).unwrap_or_else(|| crate::kubectl::verbs::dispatch(ctx, &inv))
    } else {
        crate::kubectl::verbs::dispatch(ctx, &inv)
    };
    ctx.world.settle_on_write = settle_on_write;
    ctx.world.set_field_writer(None);
    ctx.world.set_requester(None);
    ctx.world.auth.update_verb = "update";
    ctx.world.auth.update_subresource = "";
    ctx.world.settle();
    ctx.world.set_actor("", "");
    crate::kubectl::verbs::config::save(ctx);
    // Flags the verb never looked at: say so rather than pretend they took effect.
    let ignored: Vec<String> = inv
        .unread_flags()
        .into_iter()
        .filter(|f| !GLOBAL_FLAGS.contains(&f.as_str()) && !HARMLESS_FLAGS.contains(&f.as_str()))
        .collect();
    if !ignored.is_empty() && result.is_ok() {
        let list: Vec<String> = ignored.iter().map(|f| format!("--{f}")).collect();
        ctx.io.err(&format!(
            "kubelab: {} not supported here and had no effect: {}\n",
            if list.len() == 1 {
                "this flag is"
            } else {
                "these flags are"
            },
            list.join(", ")
        ));
    }
    match result {
        Ok(()) => 0,
        Err(f) => {
            ctx.io.out(f.stdout());
            ctx.io.err(&f.render());
            f.status()
        }
    }
}

/// Flags cobra requires (`MarkFlagRequired`) per command path.
fn required_flags(path: &str) -> &'static [&'static str] {
    match path {
        "create deployment" | "run" => &["image"],
        "scale" => &["replicas"],
        "create cronjob" => &["image", "schedule"],
        "create service externalname" => &["external-name"],
        "create clusterrolebinding" => &["clusterrole"],
        "autoscale" => &["max"],
        "create route edge" | "create route passthrough" | "create route reencrypt" => &["service"],
        _ => &[],
    }
}

/// Flags whose only effect is on things kubelab does not model (validation modes, chunking,
/// field managers, template key checks): accepted silently.
const HARMLESS_FLAGS: &[&str] = &[
    "validate",
    "field-manager",
    "chunk-size",
    "allow-missing-template-keys",
    "show-managed-fields",
    "server-print",
    "windows-line-endings",
    "insecure",
    "skip-config-write",
];

/// Global flags kubelab honours or may ignore (they change nothing in the simulation).
const GLOBAL_FLAGS: &[&str] = &[
    "namespace",
    "v",
    "request-timeout",
    "insecure-skip-tls-verify",
    "kubeconfig",
    "context",
    "cluster",
    "user",
    "server",
    "token",
];

/// The flags each oc-only command implements; any other flag is refused plainly.
fn oc_supported_flags(path: &str) -> Option<&'static [&'static str]> {
    Some(match path {
        "new-project" => &["description", "display-name", "skip-config-write"],
        "project" | "projects" => &["short"],
        "tag" => &[
            "alias",
            "delete",
            "import-mode",
            "insecure",
            "reference",
            "reference-policy",
            "scheduled",
            "source",
        ],
        "import-image" => &[
            "confirm",
            "from",
            "insecure",
            "reference-policy",
            "scheduled",
        ],
        "create imagestream" => &["lookup-local"],
        "create imagestreamtag" => &[
            "annotation",
            "from",
            "from-image",
            "insecure",
            "reference",
            "reference-policy",
            "scheduled",
        ],
        "set image-lookup" => &["enabled", "list"],
        "set triggers" => &[
            "auto",
            "containers",
            "from-image",
            "manual",
            "remove",
            "remove-all",
        ],
        "image info" => &["filter-by-os", "insecure"],
        "debug" => &[],
        "whoami" => &["show-server", "show-token", "show-context"],
        "login" => &[
            "username",
            "password",
            "token",
            "server",
            "insecure-skip-tls-verify",
        ],
        "logout" => &[],
        _ => return None,
    })
}

/// kubectl's help (recorded from kubectl v1.32.4, `kubectl::help`): `--help` of a command
/// kubelab runs, of a group of such commands, or of kubectl itself, on standard output with
/// status 0; a group named without its subcommand (`kubectl rollout`) prints its help as
/// kubectl does (standard output for `rollout`, standard error otherwise) with status 1.
/// `--help` of a command kubelab does not run says so plainly. `None`: not a help request.
fn kubectl_help(ctx: &mut Ctx<'_>, path: &str, asked: bool) -> Option<i32> {
    use crate::kubectl::{help, verbs};
    let known = path.is_empty() || verbs::verb(path).is_some() || verbs::is_group(path);
    if asked {
        match help::text(path) {
            Some(text) if known => {
                ctx.io.out(text);
                return Some(0);
            }
            _ => {
                let f = Failure::Unsupported(format!("\"kubectl {path}\""));
                ctx.io.err(&f.render());
                return Some(1);
            }
        }
    }
    let bare_group = path.is_empty() || (verbs::verb(path).is_none() && verbs::is_group(path));
    let text = help::text(path).filter(|_| bare_group)?;
    if path.is_empty() || path == "rollout" {
        ctx.io.out(text);
    } else {
        ctx.io.err(text);
    }
    Some(if path.is_empty() { 0 } else { 1 })
}
