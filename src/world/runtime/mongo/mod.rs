//! mongo in pods (docker-library/mongo images): mongod as a container's main process, with its
//! data as files in `/data/db` (`storage.rs`), and the legacy `mongo` shell (`shell.rs`, over
//! the JavaScript subset of `parse.rs`, documents printed as `value.rs` does), run once or as
//! an interactive session of `kubectl exec -it` (`session.rs`), connected to the pod's own
//! mongod or another pod's through cluster DNS (`connect.rs`).

mod connect;
mod parse;
mod query;
mod session;
mod shell;
mod storage;
mod value;

use serde_json::Value;

use crate::world::World;

pub use session::Session;
pub(super) use session::run;

/// Whether `kubectl exec -i` with nothing on its standard input opens a session of this
/// command: the shell without `--eval` or a script.
pub fn interactive(argv: &[String]) -> bool {
    let name = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("");
    name == "mongo" && connect::interactive(argv)
}

/// Whether a container's command runs mongod.
pub fn is_mongod(argv: &[String]) -> bool {
    connect::is_mongod(argv)
}

impl World {
    /// mongod has started in `container` of `pod`: its data directory gets the files mongod
    /// creates (or keeps those of an earlier run). An image that is not a shipped mongo image
    /// is left alone.
    pub fn mongod_started(&mut self, pod: &Value, container: &str) {
        let t = self.target(pod, container);
        let Some(version) = connect::version_of(self, pod, &t.image) else {
            return;
        };
        // The suffix of this directory's file names: a per-instance number, from the
        // container's id (deterministic, and drawn from nothing else the world uses).
        let h = crate::world::seed::fnv1a32(t.container_id.as_bytes()) as i64;
        let l = crate::world::seed::fnv1_32(t.container_id.as_bytes()) as i64;
        let rand = (h << 31) ^ l;
        self.in_container(pod, &t, |_, mut vfs| {
            // A data directory that cannot be written (a read-only mount): mongod would exit;
            // kubelab leaves it as it is and the shell will say it has no catalog.
            let _ = storage::start(&mut vfs, version, rand);
            ((), vfs)
        });
    }
}
