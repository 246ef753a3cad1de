//! mongo in pods (docker-library/mongo images): mongod as a container's main process, with its
//! data as files in `/data/db` (`storage.rs`), and the legacy `mongo` shell (`shell.rs`, over
//! the JavaScript subset of `parse.rs`, documents printed as `value.rs` does), run once or as
//! an interactive session of `kubectl exec -it` (`session.rs`), connected to the pod's own
//! mongod or another pod's through cluster DNS (`connect.rs`); mongosh, the shell of the 5.0+
//! images, on the same engine with its own banner and printing (`mongosh.rs`, `inspect.rs`);
//! mongod's start log in the container's log (`start_log.rs`).

use crate::world::api::kinds;
mod connect;
mod inspect;
mod mongosh;
mod parse;
mod query;
mod session;
mod shell;
mod start_log;
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

impl World {
    /// mongod's start log when `argv`, the main process of `container` in `pod`, is the mongo
    /// 4.2 or 4.4 image's default command on an empty data directory (`start_log.rs`); for
    /// what kubelab does not simulate (other command lines, the entrypoint's first-run
    /// initialisation, a data directory that holds data) a line that says so; `None` in other
    /// images.
    pub(super) fn mongod_start(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
    ) -> Option<super::Started> {
        let t = self.target(pod, container);
        let version = start_log::Version::of(connect::version_of(self, pod, &t.image)?)?;
        let not_simulated = |what: String| {
            Some(super::Started {
                logs: vec![format!(
                    "kubelab does not simulate mongod's start log {what}"
                )]
                .into(),
                exit: None,
            })
        };
        let base = |s: &str| s.rsplit('/').next().unwrap_or("").to_string();
        let default_command = argv
            .first()
            .is_some_and(|a| base(a) == "docker-entrypoint.sh")
            && argv.get(1).is_some_and(|a| a == "mongod")
            && argv.iter().skip(2).all(|a| a == "--bind_ip_all");
        if !default_command {
            return not_simulated(format!("for the command line `{}`", argv.join(" ")));
        }
        // The entrypoint's first-run initialisation (a temporary mongod first).
        let initdb = t
            .env
            .iter()
            .any(|(k, v)| k == "MONGO_INITDB_ROOT_USERNAME" && !v.is_empty())
            || pod["spec"]["containers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["name"].as_str() == Some(container))
                .flat_map(|c| c["volumeMounts"].as_array().into_iter().flatten())
                .filter_map(|m| m["mountPath"].as_str())
                .any(|p| p.trim_end_matches('/') == "/docker-entrypoint-initdb.d");
        if initdb {
            return not_simulated(
                "after docker-entrypoint.sh's first-run initialisation (MONGO_INITDB_ROOT_USERNAME, /docker-entrypoint-initdb.d)".into(),
            );
        }
        // A data directory that already holds data (a volume kept across restarts; a new
        // container instance's own layer is empty): only looked at when a volume holds
        // `/data/db`, so that starting mongo containers stays cheap.
        let data_volume = pod["spec"]["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["name"].as_str() == Some(container))
            .flat_map(|c| c["volumeMounts"].as_array().into_iter().flatten())
            .filter_map(|m| m["mountPath"].as_str())
            .any(|p| matches!(p.trim_end_matches('/'), "/data/db" | "/data" | ""));
        if data_volume && self.holds_data(pod, container, &t) {
            return not_simulated("on a data directory that already holds data".into());
        }
        let mem_kb = crate::world::api::meta::str_at(pod, &["spec", "nodeName"])
            .and_then(|n| self.object(kinds::NODE, "", n))
            .and_then(|n| crate::world::api::meta::str_at(n, &["status", "capacity", "memory"]))
            .and_then(super::ps::kilobytes)
            .unwrap_or(4 << 20);
        let start = start_log::Deferred {
            version,
            now: self.now(),
            host: t.hostname.clone(),
            mem_kb,
            seed: crate::world::seed::fnv1a32(t.container_id.as_bytes()) as u64,
        };
        // Written out when someone reads the log (dozens of lines per start).
        let mut logs = crate::world::nodes::logs::Logs::new();
        logs.later(std::rc::Rc::new(start));
        Some(super::Started { logs, exit: None })
    }
}

impl World {
    /// Whether mongod's data directory in `container` already holds data.
    fn holds_data(&self, pod: &Value, container: &str, t: &super::Target) -> bool {
        let (vfs, _) = super::files::assemble(
            self,
            pod,
            container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        vfs.is_file("/data/db/_mdb_catalog.wt") || vfs.is_file("/data/db/storage.bson")
    }
}
