//! A worker joining the lab's cluster: `cluster.add_node("worker-3")` (`World::join_worker`).

use rhai::{Engine, EvalAltResult};

use super::cluster::Cluster;
use super::meter::CALL_COST;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn add_node(c: &mut Cluster, name: &str) -> Res<()> {
    c.0.charge("cluster.add_node", CALL_COST)?;
    c.0.world_mut()
        .join_worker(name)
        .map_err(|e| format!("cluster.add_node: {e}").into())
}

/// Registers `cluster.add_node`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("add_node", add_node);
}
