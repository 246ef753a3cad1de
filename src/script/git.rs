//! Git repositories for lab scripts: `cluster.git_repo(url, branch, #{path: text})` publishes a
//! branch the student then clones (`git clone`, `world/git_hosts.rs`).

use rhai::{Engine, EvalAltResult, Map};

use super::cluster::Cluster;
use super::meter::CALL_COST;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn git_repo(c: &mut Cluster, url: &str, branch: &str, files: Map) -> Res<()> {
    c.0.charge("cluster.git_repo", CALL_COST)?;
    c.0.charge_items(files.len());
    let mut list = Vec::with_capacity(files.len());
    for (path, text) in files {
        let Some(text) = text.into_immutable_string().ok() else {
            return Err(
                format!("cluster.git_repo: the content of \"{path}\" must be a string").into(),
            );
        };
        list.push((path.to_string(), text.as_bytes().to_vec()));
    }
    c.0.world_mut()
        .git_hosts
        .publish(url, branch, list)
        .map_err(|e| format!("cluster.git_repo: {e}").into())
}

/// Registers the git functions on `Cluster`.
pub fn register(engine: &mut Engine) {
    engine.register_fn("git_repo", git_repo);
}
