//! The front door of the command-line front ends: one `kubectl ...` or `oc ...` argument vector
//! in, an exit status out (output in `ctx.io`). Parses with the pflag-compatible parser, prints
//! pflag's deprecation warnings, dispatches to the oc verbs then the kubectl verbs, and renders
//! a failure the way kubectl's `CheckErr` does (exit status 1).

use crate::kubectl::cli;
use crate::kubectl::context::Ctx;
use crate::kubectl::outcome::Failure;

/// Runs `argv` (`argv[0]` is `kubectl` or `oc`) against the context; returns the exit status.
pub fn run(ctx: &mut Ctx<'_>, argv: &[String]) -> i32 {
    let program: &'static str = if argv.first().map(String::as_str) == Some("oc") { "oc" } else { "kubectl" };
    ctx.program = program;
    let inv = match cli::parse(program, argv.get(1..).unwrap_or(&[])) {
        Ok(inv) => inv,
        Err(f) => {
            ctx.io.err(&f.render());
            return 1;
        }
    };
    for w in &inv.warnings {
        ctx.io.err(w);
    }
    if inv.help {
        let f = Failure::Unsupported(format!("help texts (\"{} --help\"); the kubectl documentation has them", crate::kubectl::flags::Flags::command_line_name(&inv)));
        ctx.io.err(&f.render());
        return 1;
    }
    ctx.world.set_actor(&format!("{program}/v1.32.4 (linux/amd64) kubernetes/30f2a50"), &argv.join(" "));
    ctx.world.settle();
    let result = if program == "oc" {
        crate::oc::dispatch(ctx, &inv).unwrap_or_else(|| crate::kubectl::verbs::dispatch(ctx, &inv))
    } else {
        crate::kubectl::verbs::dispatch(ctx, &inv)
    };
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
