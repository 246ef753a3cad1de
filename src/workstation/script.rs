//! Scripts: a text of command lines split into complete inputs as bash reads them, and run
//! one after another (what `kubelab shell < FILE` and the tests do).

use super::Workstation;
use crate::shell::echo_lines;

/// Splits a script into complete inputs, as bash reads them (line by line, an input ending
/// where it is complete), in time linear in the script (see `crate::shell::inputs`).
pub fn inputs(text: &str) -> Vec<String> {
    crate::shell::inputs(text)
}

/// A script's inputs taken one at a time, as the workstation reads them: complete shell inputs,
/// or single lines while an interactive program that reads lines (`mongo`) has kubectl's input
/// ([`Workstation::reads_lines`]). Linear in the script.
pub struct Inputs<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Inputs<'a> {
    /// The inputs of `text`.
    pub fn new(text: &'a str) -> Inputs<'a> {
        Inputs { text, at: 0 }
    }

    /// The next non-blank input: one line when `lines`, else a complete shell input.
    pub fn next(&mut self, lines: bool) -> Option<String> {
        while self.at < self.text.len() {
            let rest = &self.text[self.at..];
            let len = if lines {
                rest.find('\n').map_or(rest.len(), |i| i + 1)
            } else {
                crate::shell::next_input(rest).max(1).min(rest.len())
            };
            let piece = &rest[..len];
            self.at += len;
            if !piece.trim().is_empty() {
                return Some(piece.to_string());
            }
        }
        None
    }
}

/// Runs a whole script; returns (stdout, stderr, status). `echo` interleaves the commands.
pub fn run_script(ws: &mut Workstation, text: &str, echo: bool) -> (Vec<u8>, Vec<u8>, i32) {
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut status = 0;
    let mut it = Inputs::new(text);
    while let Some(input) = it.next(ws.reads_lines()) {
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
