//! The cloud under the lab's cluster: `cluster.cloud("gke")` (`world/cloud.rs`).

use rhai::{Engine, EvalAltResult};

use super::cluster::Cluster;
use super::meter::CALL_COST;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn cloud(c: &mut Cluster, name: &str) -> Res<()> {
    c.0.charge("cluster.cloud", CALL_COST)?;
    match name {
        "gke" => {
            c.0.world_mut().use_gke();
            Ok(())
        }
        other => Err(format!(
            "cluster.cloud: kubelab simulates only the \"gke\" cloud, not \"{other}\""
        )
        .into()),
    }
}

/// Registers `cluster.cloud`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("cloud", cloud);
}
