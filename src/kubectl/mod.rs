//! The kubectl front end: command lines in, world requests, text out.

pub mod context;
pub mod manifest;
pub(crate) mod manifest_yaml;
pub mod outcome;
pub mod resources;
pub mod status;

pub use context::{ClientConfig, Ctx, Io, NoFiles, Workstation};
pub use outcome::{CmdResult, Failure};
