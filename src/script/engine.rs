//! THE sandbox: the one place a Rhai [`Engine`] is built for labs. It starts from
//! `Engine::new_raw()`, registers only the packages lab scripts need (no host clock, no real
//! `sleep`, no `eval`, no modules from disk), sets every limit, and registers the host types.
//! Host calls and `print` are metered by a [`Meter`] the session shares with its host.

use rhai::module_resolvers::DummyModuleResolver;
use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine, EvalAltResult, Module, Shared};
use std::rc::Rc;

use super::meter::Meter;

/// The limits a lab script runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Operations per evaluation (a loop iteration is a few; host calls count more, see
    /// [`super::meter`]).
    pub operations: u64,
    /// Nested function calls.
    pub call_levels: usize,
    /// Expression nesting (global, inside functions).
    pub expr_depth: (usize, usize),
    /// Bytes in one string.
    pub string_size: usize,
    /// Items in one array.
    pub array_size: usize,
    /// Entries in one map.
    pub map_size: usize,
    /// Variables in scope.
    pub variables: usize,
    /// Script-defined functions.
    pub functions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            operations: 2_000_000,
            call_levels: 48,
            expr_depth: (64, 32),
            string_size: 1 << 20,
            array_size: 100_000,
            map_size: 10_000,
            variables: 1_000,
            functions: 200,
        }
    }
}

thread_local! {
    /// The standard packages scripts may use, built once per thread (building them registers
    /// hundreds of functions); every engine shares them.
    static PACKAGES: Vec<Shared<Module>> = vec![
        ArithmeticPackage::new().as_shared_module(),
        BasicStringPackage::new().as_shared_module(),
        MoreStringPackage::new().as_shared_module(),
        BasicIteratorPackage::new().as_shared_module(),
        BasicFnPackage::new().as_shared_module(),
        LogicPackage::new().as_shared_module(),
        BasicArrayPackage::new().as_shared_module(),
        BasicMapPackage::new().as_shared_module(),
        BasicMathPackage::new().as_shared_module(),
    ];
}

/// Builds the sandboxed engine with the host API registered. Callers rebind it without `mut`.
/// `meter` counts what each block spends (give the same meter to the hosts of its blocks).
pub fn build(limits: &Limits, meter: Rc<Meter>) -> Engine {
    let mut engine = Engine::new_raw();
    for lib in PACKAGES.with(Clone::clone) {
        engine.register_global_module(lib);
    }
    engine
        .set_module_resolver(DummyModuleResolver::new())
        .disable_symbol("eval")
        .set_max_operations(limits.operations)
        .set_max_call_levels(limits.call_levels)
        .set_max_expr_depths(limits.expr_depth.0, limits.expr_depth.1)
        .set_max_string_size(limits.string_size)
        .set_max_array_size(limits.array_size)
        .set_max_map_size(limits.map_size)
        .set_max_variables(limits.variables)
        .set_max_functions(limits.functions)
        .set_max_modules(0)
        .set_strict_variables(true)
        .set_fail_on_invalid_map_property(false);
    let m = meter.clone();
    engine.on_print(move |s| m.print(s));
    let m = meter.clone();
    engine.on_debug(move |s, _, _| m.print(s));
    engine.on_progress(move |ops| meter.progress(ops).map(Dynamic::from));
    // `sleep` would block the host thread without counting operations: replace it.
    engine.register_fn("sleep", |_: rhai::INT| -> Result<(), Box<EvalAltResult>> {
        Err("sleep is not available in lab scripts; use cluster.advance(\"10s\") to let virtual time pass".into())
    });
    engine.register_fn("sleep", |_: rhai::FLOAT| -> Result<(), Box<EvalAltResult>> {
        Err("sleep is not available in lab scripts; use cluster.advance(\"10s\") to let virtual time pass".into())
    });
    super::register_all(&mut engine);
    engine
}
