//! Flag handling shared by verbs: dry-run, `--record`, field managers, namespaces of objects.

use serde_json::Value;

use super::context::Ctx;
use super::flags::Flags;
use super::outcome::Failure;
use crate::printers::name::DryRun;
use crate::world::api::meta;
use crate::world::api::schema::FieldValidation;

/// `--dry-run` (`none|client|server`; a bare `--dry-run` means client).
pub fn dry_run(f: &dyn Flags) -> Result<DryRun, Failure> {
    if !f.changed("dry-run") {
        return Ok(DryRun::None);
    }
    match f.string("dry-run").as_deref().unwrap_or("client") {
        "none" | "false" => Ok(DryRun::None),
        "client" | "true" | "unchanged" => Ok(DryRun::Client),
        "server" => Ok(DryRun::Server),
        other => Err(Failure::Message(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        ))),
    }
}

/// `--validate` (`GetValidationDirective`): `strict`/`true` (default; bare `--validate`),
/// `warn`, `ignore`/`false`, or any other `strconv.ParseBool` spelling.
pub fn validation(f: &dyn Flags) -> Result<FieldValidation, Failure> {
    let v = f.string("validate").unwrap_or_else(|| "strict".into());
    Ok(match v.as_str() {
        "1" | "t" | "T" | "TRUE" | "true" | "True" | "strict" => FieldValidation::Strict,
        "0" | "f" | "F" | "FALSE" | "false" | "False" | "ignore" => FieldValidation::Ignore,
        "warn" => FieldValidation::Warn,
        other => {
            return Err(Failure::Message(format!(
                "invalid - validate option \"{other}\"; must be one of: strict (or true), warn, ignore (or false)"
            )));
        }
    })
}

/// Prints the warnings the API server sent with the last requests (`Warning: ...` on stderr, as
/// client-go's default warning handler).
pub fn print_warnings(ctx: &mut Ctx<'_>) {
    for w in ctx.world.take_warnings() {
        ctx.io.err(&format!("Warning: {w}\n"));
    }
}

/// Sets `kubernetes.io/change-cause` when `--record` is given (deprecated but honoured).
pub fn record(f: &dyn Flags, obj: &mut Value) {
    if f.boolean("record") {
        meta::set_annotation(obj, "kubernetes.io/change-cause", &f.change_cause());
    }
}

/// The namespace an object from a file goes to: its own, else `-n`/context; a mismatch with an
/// explicit `-n` is kubectl's error.
pub fn object_namespace(
    ctx: &Ctx<'_>,
    f: &dyn Flags,
    obj: &Value,
    namespaced: bool,
) -> Result<String, Failure> {
    if !namespaced {
        return Ok(String::new());
    }
    let flag = f.string("namespace").filter(|n| !n.is_empty());
    let own = meta::namespace(obj);
    match (own, &flag) {
        ("", _) => Ok(ctx.namespace(flag.as_deref())),
        (o, Some(n)) if o != n => Err(Failure::Message(format!(
            "the namespace from the provided object \"{o}\" does not match the namespace \"{n}\". You must pass '--namespace={o}' to perform this operation."
        ))),
        (o, _) => Ok(o.to_string()),
    }
}
