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
    if inv.help {
        let f = Failure::Unsupported(format!(
            "help texts (\"{} --help\"); the kubectl documentation has them",
            crate::kubectl::flags::Flags::command_line_name(&inv)
        ));
        ctx.io.err(&f.render());
        return 1;
    }
    let path = crate::kubectl::flags::Flags::path(&inv).join(" ");
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
    ctx.world.settle();
    // Within one command the controllers do not run between its requests (a real apiserver
    // answers a command's requests faster than the controllers react); they catch up after.
    let settle_on_write = std::mem::replace(&mut ctx.world.settle_on_write, false);
    let result = if program == "oc" {
        crate::oc::dispatch(ctx, &inv).unwrap_or_else(|| crate::kubectl::verbs::dispatch(ctx, &inv))
    } else {
        crate::kubectl::verbs::dispatch(ctx, &inv)
    };
    ctx.world.settle_on_write = settle_on_write;
    ctx.world.settle();
    ctx.world.set_actor("", "");
    match result {
        Ok(()) => 0,
        Err(f) => {
            ctx.io.err(&f.render());
            1
        }
    }
}

/// Flags cobra requires (`MarkFlagRequired`) per command path.
fn required_flags(path: &str) -> &'static [&'static str] {
    match path {
        "create deployment" => &["image"],
        "scale" => &["replicas"],
        "create cronjob" => &["image", "schedule"],
        "autoscale" => &["max"],
        _ => &[],
    }
}
