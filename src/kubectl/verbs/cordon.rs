//! `kubectl cordon|uncordon NODE` (`kubectl pkg/cmd/drain/drain.go`, `RunCordonOrUncordon`,
//! and `pkg/drain/cordon.go`): sets or clears `spec.unschedulable` and prints
//! `node/NAME cordoned` or `node/NAME already cordoned`. Also the node lookup drain shares.

use serde_json::{Value, json};

use crate::kubectl::common::dry_run;
use crate::kubectl::context::Ctx;
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::name::{DryRun, success};
use crate::world::api::kinds;
use crate::world::api::meta;
use crate::world::api::selector::Selector;

/// The nodes a cordon, uncordon or drain command names: `NODE...` or `-l SELECTOR`, with
/// kubectl's usage errors; the first node that does not exist fails the command.
pub fn nodes(ctx: &mut Ctx<'_>, f: &dyn Flags) -> Result<Vec<Value>, Failure> {
    check_usage(f)?;
    let args = f.args();
    let selector = f.string("selector").unwrap_or_default();
    let kind = kinds::by_kind(kinds::NODE).ok_or_else(|| Failure::Message("no nodes".into()))?;
    if args.is_empty() {
        let sel = Selector::parse(&selector).map_err(Failure::Message)?;
        return Ok(ctx.world.list(kind, None, Some(&sel)));
    }
    let mut out = Vec::new();
    for name in args {
        out.push(ctx.world.get(kind, "", name)?);
    }
    Ok(out)
}

/// The usage errors kubectl checks first: no node and no selector, or both.
pub fn check_usage(f: &dyn Flags) -> Result<(), Failure> {
    let args = f.args();
    let selector = f.string("selector").unwrap_or_default();
    let use_line = f.path().join(" ");
    if args.is_empty() && !f.changed("selector") {
        return Err(Failure::Usage {
            command: f.command_line_name(),
            message: format!("USAGE: {use_line} NODE [flags]"),
        });
    }
    if !args.is_empty() && !selector.is_empty() {
        return Err(Failure::Raw(format!(
            "error: cannot specify both a node name and a --selector option\nSee '{} -h' for help and examples",
            f.command_line_name()
        )));
    }
    Ok(())
}

/// Cordons (`desired`) or uncordons every node; `drain` cordons first through this too.
pub fn cordon_all(
    ctx: &mut Ctx<'_>,
    nodes: &[Value],
    desired: bool,
    dry: DryRun,
) -> Result<(), Failure> {
    let Some(kind) = kinds::by_kind(kinds::NODE) else {
        return Ok(());
    };
    let verb = if desired { "cordon" } else { "uncordon" };
    for node in nodes {
        let current = meta::bool_at(node, &["spec", "unschedulable"]).unwrap_or(false);
        if current == desired {
            ctx.io.out(&success(
                kind,
                meta::name(node),
                &format!("already {verb}ed"),
                dry,
            ));
            continue;
        }
        if dry != DryRun::Client {
            // The cordon helper's strategic merge patch of `spec.unschedulable`.
            let mut updated = node.clone();
            if desired {
                meta::set_path(&mut updated, &["spec", "unschedulable"], json!(true));
            } else {
                meta::remove_path(&mut updated, &["spec", "unschedulable"]);
            }
            if let Err(e) = ctx.world.update(updated, dry == DryRun::Server) {
                ctx.io.err(&format!(
                    "error: unable to {verb} node \"{}\": {}\n",
                    meta::name(node),
                    e.message
                ));
                continue;
            }
        }
        ctx.io
            .out(&success(kind, meta::name(node), &format!("{verb}ed"), dry));
    }
    Ok(())
}

/// `kubectl cordon` (`desired` true) and `kubectl uncordon`.
pub fn run(ctx: &mut Ctx<'_>, f: &dyn Flags, desired: bool) -> CmdResult {
    check_usage(f)?;
    let dry = dry_run(f)?;
    let nodes = nodes(ctx, f)?;
    cordon_all(ctx, &nodes, desired, dry)
}
