//! mongo in pods (docker-library/mongo images): mongod as a container's main process, with its
//! data as files in `/data/db` (`storage.rs`), and the legacy `mongo` shell (`shell.rs`, over
//! the JavaScript subset of `parse.rs`, documents printed as `value.rs` does), run once or as
//! an interactive session of `kubectl exec -it` (`session.rs`), connected to the pod's own
//! mongod or another pod's through cluster DNS (`connect.rs`); mongosh, the shell of the 5.0+
//! images, on the same engine with its own banner and printing (`mongosh.rs`, `inspect.rs`).

mod connect;
mod inspect;
mod mongosh;
mod parse;
mod query;
mod session;
mod shell;
mod storage;
mod value;

use serde_json::Value;

use crate::shell::Vfs;
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
    (name == "mongo" || name == "mongosh") && connect::interactive(argv)
}

/// Whether a container's command runs mongod.
pub fn is_mongod(argv: &[String]) -> bool {
    connect::is_mongod(argv)
}

impl World {
    /// The files mongod writes in its data directory as it starts, in a container running
    /// mongod (or kept from an earlier run): put there when the container's files are first
    /// laid out for a command (an exec, the mongo shell's connection), not when the container
    /// starts, so that starting mongo containers stays cheap; a shipped mongo image only.
    pub(super) fn mongod_files(&self, pod: &Value, t: &super::Target, vfs: &mut Vfs) {
        let runs_mongod = self.pods.get(&t.uid).is_some_and(|r| {
            r.containers.iter().any(|c| {
                c.container_id == t.container_id
                    && c.is_running()
                    && c.process.as_ref().is_some_and(|p| is_mongod(&p.argv))
            })
        });
        if !runs_mongod
            || (vfs.is_file("/data/db/_mdb_catalog.wt") && vfs.is_file("/data/db/mongod.lock"))
        {
            return;
        }
        let Some(version) = connect::version_of(self, pod, &t.image) else {
            return;
        };
        // The suffix of this directory's file names: a per-instance number, from the
        // container's id (deterministic, and drawn from nothing else the world uses).
        let h = crate::world::seed::fnv1a32(t.container_id.as_bytes()) as i64;
        let l = crate::world::seed::fnv1_32(t.container_id.as_bytes()) as i64;
        // A data directory that cannot be written (a read-only mount): mongod would exit;
        // kubelab leaves it as it is and the shell will say it has no catalog.
        let _ = storage::start(vfs, version, (h << 31) ^ l);
    }
}
