//! The kubectl front end: command lines in, world requests, text out.

pub mod apply_merge;
pub mod cli;
pub mod common;
pub mod context;
pub mod create_data;
pub mod create_deployment;
pub mod create_ingress;
pub mod create_job;
pub mod create_policy;
pub mod create_rbac;
pub mod create_secret_typed;
pub mod create_service;
pub mod create_tls_pair;
pub mod create_token;
pub mod duration;
pub mod explain;
pub mod files;
pub mod flags;
pub mod help;
pub mod kubeconfig;
pub mod manifest;
pub(crate) mod manifest_yaml;
pub mod outcome;
pub mod output;
pub mod resources;
pub mod sorting;
pub mod status;
pub mod typed;
pub mod unified_diff;
pub mod verbs;
pub mod waiting;
pub mod wordwrap;

pub use context::{ClientConfig, Ctx, Io, NoFiles, Workstation};
pub use outcome::{CmdResult, Failure};
