//! # kubelab
//!
//! A deterministic simulated Kubernetes/OpenShift cluster driven by the `kubectl` and `oc` command
//! lines exactly as students type them, and a lab language to write graded exercises in.
//!
//! ## Layers (each may import only the layers below it)
//! - `web`: `kubelab web`, the browser classroom (docs/web.md).
//! - [`cli`]: kubelab's own command line (`run`, `grade`, `lint`, `shell`).
//! - `runner`: executes labs (setup, reference solution, expected output, checks, score).
//! - `script`: the Rhai host (`cluster`, `registry`, `node`).
//! - `shell`: the student's workstation shell (pipes, heredocs, virtual files).
//! - `kubectl`, `oc`: the command-line front ends: text in, world calls, text out.
//! - `printers`: world objects to text (tables, describe, YAML, JSON, jsonpath).
//! - `world`: the simulated cluster: store, clock, registry, nodes, controllers. No CLI text.
//! - `lab`: the lab language: grammar, AST and diagnostics. Pure syntax.
//!
//! See `docs/architecture.md` for the design and `docs/lab-language.md` for the lab language.

pub mod alloc_gauge;
pub mod calendar;
pub mod cli;
pub mod coroutine;
pub mod frontend;
pub mod helm;
pub mod kubectl;
pub mod lab;
pub mod oc;
pub mod printers;
pub mod runner;
pub mod script;
pub mod shell;
pub mod web;
pub mod workstation;
pub mod world;

/// The allocator of every binary, test and benchmark built on the library: mimalloc, with a
/// per-thread gauge of what each thread holds (`jq` keeps to a memory budget with it).
#[global_allocator]
static GLOBAL: alloc_gauge::Gauge<mimalloc::MiMalloc> = alloc_gauge::Gauge(mimalloc::MiMalloc);
