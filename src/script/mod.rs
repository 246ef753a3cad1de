//! The Rhai host: the `cluster`, `registry` and `node` objects lab scripts use, the sandboxed
//! engine they run in, and partial-object matching. Every host type is registered here, in
//! [`register_all`], and nowhere else.

pub mod cloud;
pub mod cluster;
pub mod convert;
pub mod engine;
pub mod git;
pub mod helm;
pub mod host;
pub mod join;
pub mod matching;
pub mod meter;
pub mod metrics;
pub mod node;
pub mod registry;
pub mod traffic;

pub use cluster::Cluster;
pub use host::{CommandOutput, Host};
pub use meter::Meter;
pub use node::NodeHandle;
pub use registry::RegistryHandle;

use rhai::{Engine, Scope};

/// Registers every host type and global helper with the engine.
pub fn register_all(engine: &mut Engine) {
    cluster::register(engine);
    helm::register(engine);
    metrics::register(engine);
    git::register(engine);
    cloud::register(engine);
    join::register(engine);
    registry::register(engine);
    node::register(engine);
}

/// A scope holding the `cluster` and `registry` constants for `host`.
pub fn scope_for(host: &Host) -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push_constant("cluster", Cluster(host.clone()));
    scope.push_constant("registry", RegistryHandle(host.clone()));
    scope
}
