//! Scripts: a text of command lines split into complete inputs as bash reads them, and run
//! one after another (what `kubelab shell < FILE` and the tests do).

use super::Workstation;
use crate::shell::echo_lines;

/// Splits a script into complete inputs, as bash reads them (line by line, an input ending
/// where it is complete), in time linear in the script (see `crate::shell::inputs`).
pub fn inputs(text: &str) -> Vec<String> {
    crate::shell::inputs(text)
}

/// Runs a whole script; returns (stdout, stderr, status). `echo` interleaves the commands.
pub fn run_script(ws: &mut Workstation, text: &str, echo: bool) -> (Vec<u8>, Vec<u8>, i32) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut status = 0;
    for input in inputs(text) {
        if echo {
            stdout.extend(echo_lines(&input).as_bytes());
        }
        let out = ws.run(&input);
        if echo {
            stdout.extend(&out.combined);
            if !out.combined.is_empty() && !out.combined.ends_with(b"\n") {
                stdout.push(b'\n');
            }
        } else {
            stdout.extend(&out.stdout);
            stderr.extend(&out.stderr);
        }
        status = out.status;
        if out.exit.is_some() {
            break;
        }
    }
    (stdout, stderr, status)
}
