//! The container runtime's side of `kubectl exec`: [`World::exec`] runs an argv in a running
//! container, as containerd and runc would: `argv[0]` looked up in the image's root file system
//! (the runtime's exact error when it is not there), then run in the shell engine over the
//! container's files (its image, its writable layer, its volumes), with its environment and
//! working directory. What the command writes is kept: in the volume it lands on, or in the
//! container instance's writable layer (gone when the container is replaced).

pub mod curl;
mod files;
mod host;
mod shell;

use serde_json::Value;

use crate::shell::Sink;
use crate::world::World;
use crate::world::api::meta;
use crate::world::registry::rootfs::rootfs_of;
use crate::world::registry::{ImageRef, ImageSpec, Manifest};

pub use files::{Layer, LayerEntry};

/// Why a command could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// The API server's error (kubectl prints `error: ` and this): the runtime could not start
    /// the program.
    Runtime(String),
}

impl ExecError {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            ExecError::Runtime(m) => m,
        }
    }
}

impl World {
    /// The image spec a pod's container runs (what its node pulled).
    fn container_image(&self, pod: &Value, image_name: &str) -> Option<ImageSpec> {
        let r = ImageRef::parse(image_name).ok()?;
        let node = self.nodes.get(meta::str_at(pod, &["spec", "nodeName"])?)?;
        let digest = node.find_image(&r)?.digest.clone();
        match self.registry.manifest(&digest)? {
            Manifest::Image(i) => Some(i.spec.clone()),
            Manifest::List(_) => None,
        }
    }

    /// containerd's error when runc cannot find the program: the exec has an id (64 hex digits,
    /// containerd's `util.GenerateID`), which the message quotes.
    fn exec_not_found(&mut self, program: &str) -> ExecError {
        let mut id = String::with_capacity(64);
        for _ in 0..4 {
            id.push_str(&crate::world::seed::hex(
                &self.seed.next_u64().to_be_bytes(),
            ));
        }
        let why = if program.contains('/') {
            format!("stat {program}: no such file or directory")
        } else {
            "executable file not found in $PATH".to_string()
        };
        ExecError::Runtime(format!(
            "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": {why}: unknown"
        ))
    }

    /// Forgets the writable layers of container instances that are gone.
    fn prune_layers(&mut self) {
        if self.layers.is_empty() {
            return;
        }
        let live: std::collections::BTreeSet<&str> = self
            .pods
            .values()
            .flat_map(|p| p.containers.iter().map(|c| c.container_id.as_str()))
            .collect();
        self.layers.retain(|id, _| live.contains(id.as_str()));
    }

    /// Runs `argv` in the running container `container` of `pod`, with `stdin` as its standard
    /// input, writing its output to `out` as (is stderr, bytes). Returns its exit status, or the
    /// runtime's error when the program cannot start. The caller checks that the container runs.
    pub fn exec(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        stdin: &[u8],
        out: Sink<'_>,
    ) -> Result<i32, ExecError> {
        let uid = meta::uid(pod).to_string();
        let (container_id, image_name) = self
            .pods
            .get(&uid)
            .and_then(|r| r.containers.iter().find(|c| c.name == container))
            .map(|c| (c.container_id.clone(), c.image_name.clone()))
            .unwrap_or_default();
        let spec = self
            .container_image(pod, &image_name)
            .unwrap_or_else(|| ImageSpec::new(&image_name, 0, 0));
        let rootfs = rootfs_of(&spec);
        let env = self.container_env(pod, container);
        let path_env = env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let cwd = match spec.config.working_dir.as_str() {
            "" => "/".to_string(),
            w => w.to_string(),
        };
        let Some(program) = argv.first() else {
            return Err(self.exec_not_found(""));
        };
        let Some((path, name)) = rootfs.find_program(program, &path_env, &cwd) else {
            return Err(self.exec_not_found(program));
        };
        // `env` and `printenv` without a shell print the environment in the order the runtime
        // gave it (a shell would pass on its own).
        if name == "printenv" || (name == "env" && argv.len() == 1) {
            let mut status = 0;
            for (k, v) in &env {
                if argv.len() == 1 {
                    out(false, format!("{k}={v}\n").as_bytes());
                }
            }
            for a in &argv[1..] {
                match env.iter().rev().find(|(k, _)| k == a) {
                    Some((_, v)) => {
                        out(false, format!("{v}\n").as_bytes());
                    }
                    None => status = 1,
                }
            }
            return Ok(status);
        }
        self.prune_layers();
        let (vfs, mounted) = files::assemble(
            self,
            pod,
            container,
            &rootfs,
            self.layers.get(&container_id),
        );
        // The image had it, but the container's files may no longer (`rm /bin/vi`).
        if !vfs.is_file(&path) {
            return Err(self.exec_not_found(program));
        }
        let image = meta::path(pod, &["spec", "containers"])
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .chain(
                meta::path(pod, &["spec", "initContainers"])
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten(),
            )
            .find(|c| c.get("name").and_then(Value::as_str) == Some(container))
            .and_then(|c| c.get("image").and_then(Value::as_str))
            .unwrap_or(&image_name)
            .to_string();
        let hostname = self
            .container_env(pod, container)
            .into_iter()
            .find(|(k, _)| k == "HOSTNAME")
            .map(|(_, v)| v)
            .unwrap_or_default();
        let mut host = host::ContainerHost {
            world: self,
            rootfs: rootfs.clone(),
            image,
            namespace: meta::namespace(pod).to_string(),
            pod_ip: meta::str_at(pod, &["status", "podIP"])
                .unwrap_or("")
                .to_string(),
            hostname,
            depth: 0,
        };
        let run = shell::Run {
            program: &name,
            argv,
            stdin,
            env: &env,
            cwd: &cwd,
        };
        let (status, vfs) = match name.as_str() {
            "sh" | "ash" | "bash" | "dash" => shell::run_shell(&mut host, run, vfs, out),
            _ => shell::run_program(&mut host, run, vfs, out),
        };
        // The command may have let time pass (`sleep`): put back only what still exists.
        let alive = self
            .pods
            .get(&uid)
            .is_some_and(|r| r.containers.iter().any(|c| c.container_id == container_id));
        if alive {
            let layer = files::write_back(self, pod, &rootfs, &vfs, &mounted);
            if layer.is_empty() {
                self.layers.remove(&container_id);
            } else {
                self.layers.insert(container_id, layer);
            }
        }
        Ok(status)
    }
}
