//! The lab language: grammar (`grammar/lab.pest`), syntax tree and diagnostics. Pure syntax:
//! running a lab is the runner's job. See `docs/lab-language.md`.

pub mod ast;
pub mod diagnostics;
mod explain;
pub mod lang;
pub mod parse;
pub mod positions;
mod program_steps;
pub mod prompt;
pub mod translations;

pub use ast::*;
pub use diagnostics::Diagnostic;
pub use lang::Lang;
pub use parse::parse;

/// Reads and parses a lab file from disk.
pub fn load(path: &str) -> Result<Lab, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("error: cannot read {path}: {e}\n"))?;
    parse(path, &text).map_err(|d| d.to_string())
}
