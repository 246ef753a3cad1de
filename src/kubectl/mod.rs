//! The kubectl front end: command lines in, world requests, text out.

pub mod status;
