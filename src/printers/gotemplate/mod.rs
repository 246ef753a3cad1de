//! Go `text/template` for kubelab: the engine (the vendored, patched `gotmpl` crate in
//! `third_party/gotmpl`, see its `PATCHES.md`), conversions between JSON and template data
//! ([`convert`]), the Sprig function set ([`sprig`]) Helm builds on, and kubectl's
//! `-o go-template` printer ([`kubectl`]).

pub mod convert;
pub mod kubectl;
pub mod semver;
pub mod sprig_collections;
pub mod sprig_misc;
pub mod sprig_strings;
pub mod sprig_util;

pub use gotmpl::{FuncMap, MissingKey, Template, TemplateError, Value};

/// Sprig's function map (`sprig.TxtFuncMap()`), as far as kubelab implements it: strings,
/// lists, dicts, defaults, math, types, encodings, regular expressions and `semverCompare`.
/// Functions that need a clock, randomness or key material are registered but refuse with
/// `kubelab does not support the Sprig function NAME`.
pub fn sprig() -> FuncMap {
    let mut m = FuncMap::new();
    sprig_strings::register(&mut m);
    sprig_collections::register(&mut m);
    sprig_misc::register(&mut m);
    m
}
