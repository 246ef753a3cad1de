//! kubectl/oc command-line parsing: the command tree ([`table`]) and the pflag/cobra parser
//! ([`parse`]).

pub mod parse;
pub mod table;

pub use parse::{Invocation, parse};
