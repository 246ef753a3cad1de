//! The container runtime's side of `kubectl exec`: [`World::exec`] runs an argv in a running
//! container, as containerd and runc would: `argv[0]` looked up in the image's root file system
//! (the runtime's exact error when it is not there), then run in the shell engine over the
//! container's files (its image, its writable layer, its volumes), with its environment and
//! working directory. What the command writes is kept: in the volume it lands on, or in the
//! container instance's writable layer (gone when the container is replaced).

pub mod access_log;
mod attach;
pub mod ceph;
pub mod curl;
mod files;
mod host;
mod httpd_http;
mod jobs;
pub mod mongo;
pub mod mysql;
mod nfs_host;
mod nginx_conf;
mod nginx_http;
pub(crate) mod node_disk;
mod process_host;
mod processes;
mod procps;
mod ps;
mod pv_data;
mod read;
pub mod redis;
mod script_servers;
mod session;
mod shell;
mod start_logs;
mod tar;
pub mod tarball;
mod toolbox;
mod webserver;
mod wget;

use serde_json::Value;

use std::rc::Rc;

use crate::shell::{Sink, Vfs};
use crate::world::World;
use crate::world::api::meta;
use crate::world::registry::rootfs::{RootFs, rootfs_of};
use crate::world::registry::{ImageRef, ImageSpec, Manifest};

pub use files::Layer;
pub(crate) use nfs_host::nfs_store;
pub use nfs_host::{HostSession, NfsHost};
pub use process_host::{MAX_STEPS, OUTPUT_BYTES};
pub use processes::{MAX_PROCESSES, Outcome, Processes};
pub use session::{ExecSession, Opened};
pub use webserver::Answer;
pub(crate) use webserver::{Request, http_date};

/// A container a command runs in: its instance, image, environment, working directory.
pub(crate) struct Target {
    uid: String,
    container: String,
    container_id: String,
    rootfs: Rc<RootFs>,
    /// When the image was built (Unix seconds): its files' times.
    built: i64,
    env: Vec<(String, String)>,
    cwd: String,
    image: String,
    hostname: String,
    namespace: String,
    pod_ip: String,
    /// Whom its processes run as: `runAsUser` (the container's, else the pod's), else the
    /// image's `USER`, else root.
    user: String,
    /// Whether the command's output is a terminal (`kubectl exec -t` from a terminal).
    tty: bool,
}

/// What an image's own server did as it started (redis-server reading its configuration,
/// mysql's entrypoint checking its environment): its log, and its exit when it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    pub logs: crate::world::nodes::logs::Logs,
    pub exit: Option<i32>,
}

impl World {
    /// The image name container `container` of `pod` runs, as its kubelet record has it.
    pub(super) fn image_name_of(&self, pod: &Value, container: &str) -> Option<String> {
        let rt = self.pods.get(meta::uid(pod))?;
        let c = rt.containers.iter().find(|c| c.name == container)?;
        Some(c.image_name.clone())
    }

    /// Starts the image's own server that kubelab simulates (redis, mysql; mongod, nginx and
    /// httpd for their start logs) as container `container`'s main process `argv`; `None` for any
    /// other program.
    pub(crate) fn start_image_server(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
    ) -> Option<Started> {
        // Only the images of those servers: the container's whole target (its environment
        // above all) is not built at every start of every other container (the web servers
        // look at the image's family first).
        if toolbox::is_toolbox(argv) {
            return self.toolbox_start(pod, container, argv);
        }
        let image_name = self.image_name_of(pod, container)?;
        let image = self.container_image(pod, &image_name)?;
        let rootfs = rootfs_of(&image);
        if redis::Version::of(&rootfs).is_some() || mysql::is_mysql(&rootfs) {
            return redis::start(self, pod, container, argv)
                .or_else(|| mysql::start(self, pod, container, argv));
        }
        if mongo::is_mongod(argv) {
            return self.mongod_start(pod, container, argv);
        }
        // nginx and httpd: their start logs (the web server itself answers from `webserver`).
        self.web_server_start(pod, container, argv, &image)
    }
}

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
        if self.layers.is_empty()
            && self.pids.is_empty()
            && self.redis.is_empty()
            && self.mysql.is_empty()
        {
            return;
        }
        let live: std::collections::BTreeSet<&str> = self
            .pods
            .values()
            .flat_map(|p| p.containers.iter().map(|c| c.container_id.as_str()))
            .collect();
        self.layers.retain(|id, _| live.contains(id.as_str()));
        self.redis.retain(|id, _| live.contains(id.as_str()));
        self.mysql.retain(|id, _| live.contains(id.as_str()));
        self.pids.retain(|id, _| live.contains(id.as_str()));
    }

    /// The next PID of a container instance (its main process is 1).
    pub(crate) fn next_pid(&mut self, container_id: &str) -> u32 {
        let last = self.pids.entry(container_id.to_string()).or_insert(1);
        *last = last.saturating_add(1);
        *last
    }

    /// What a command in `container` of `pod` runs with.
    fn target(&self, pod: &Value, container: &str) -> Target {
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
        let env = self.container_env(pod, container);
        let cwd = match spec.config.working_dir.as_str() {
            "" => "/".to_string(),
            w => w.to_string(),
        };
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
        let hostname = env
            .iter()
            .find(|(k, _)| k == "HOSTNAME")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let run_as = |v: Option<&Value>| {
            v.and_then(|sc| sc.get("runAsUser"))
                .and_then(Value::as_i64)
                .map(|u| u.to_string())
        };
        let user = run_as(
            meta::path(pod, &["spec", "containers"])
                .and_then(Value::as_array)
                .and_then(|a| {
                    a.iter()
                        .find(|c| c.get("name").and_then(Value::as_str) == Some(container))
                })
                .and_then(|c| c.get("securityContext")),
        )
        .or_else(|| run_as(meta::path(pod, &["spec", "securityContext"])))
        .unwrap_or_else(|| match spec.config.user.split(':').next().unwrap_or("") {
            "" => "0".to_string(),
            u => u.to_string(),
        });
        Target {
            user,
            uid,
            container: container.to_string(),
            container_id,
            rootfs: rootfs_of(&spec),
            built: spec.created.div_euclid(1000),
            env,
            cwd,
            image,
            hostname,
            namespace: meta::namespace(pod).to_string(),
            pod_ip: meta::str_at(pod, &["status", "podIP"])
                .unwrap_or("")
                .to_string(),
            tty: false,
        }
    }

    /// Whether the container instance `t` ran in is still there.
    fn alive(&self, t: &Target) -> bool {
        self.pods.get(&t.uid).is_some_and(|r| {
            r.containers
                .iter()
                .any(|c| c.container_id == t.container_id)
        })
    }

    /// Lays out the container's files for a command (its image, writable layer, volumes).
    fn open_files(&mut self, pod: &Value, t: &Target) -> (Vfs, Vec<files::Mounted>) {
        self.prune_layers();
        let (mut vfs, mounted) = files::assemble(
            self,
            pod,
            &t.container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        // mongod's data files, made the first time something touches its container.
        self.mongod_files(pod, t, &mut vfs);
        (vfs, mounted)
    }

    /// Puts back what a command left in the container's files: each volume's into its store,
    /// the rest into the container instance's writable layer.
    fn close_files(&mut self, t: &Target, vfs: Vfs, mounted: &[files::Mounted]) {
        // The command may have let time pass (`sleep`): put back only what still exists.
        if self.alive(t) {
            let layer = files::write_back(self, vfs, mounted);
            if layer.is_empty() {
                self.layers.remove(&t.container_id);
            } else {
                // An unchanged layer stays shared with the world's snapshots.
                if self.layers.get(&t.container_id).map(|l| &**l) != Some(&layer) {
                    self.layers.insert(t.container_id.clone(), Rc::new(layer));
                }
            }
        }
    }

    /// Runs `f` over the container's files (assembled, then put back) with its host.
    fn in_container<R>(
        &mut self,
        pod: &Value,
        t: &Target,
        f: impl FnOnce(&mut host::ContainerHost<'_>, Vfs) -> (R, Vfs),
    ) -> R {
        let (vfs, mounted) = self.open_files(pod, t);
        let mut host = self.container_host(t);
        let (r, vfs) = f(&mut host, vfs);
        self.close_files(t, vfs, &mounted);
        r
    }

    /// What the container's programs see of the world.
    fn container_host(&mut self, t: &Target) -> host::ContainerHost<'_> {
        let main = self
            .pods
            .get(&t.uid)
            .and_then(|r| {
                r.containers
                    .iter()
                    .find(|c| c.container_id == t.container_id)
            })
            .and_then(|c| c.process.as_ref())
            .map(|p| p.argv.clone());
        host::ContainerHost {
            world: self,
            rootfs: t.rootfs.clone(),
            image: t.image.clone(),
            namespace: t.namespace.clone(),
            pod_ip: t.pod_ip.clone(),
            hostname: t.hostname.clone(),
            depth: 0,
            container_id: t.container_id.clone(),
            main,
            user: t.user.clone(),
            leader: None,
            tty: t.tty,
        }
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
        self.exec_tty(pod, container, argv, stdin, false, out)
    }

    /// [`World::exec`] with a terminal for the program's output when `tty` (`kubectl exec -t`
    /// from a terminal).
    pub fn exec_tty(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        stdin: &[u8],
        tty: bool,
        out: Sink<'_>,
    ) -> Result<i32, ExecError> {
        let mut t = self.target(pod, container);
        t.tty = tty;
        let name = self.resolve(pod, &t, argv)?;
        let env = &t.env;
        // `env` and `printenv` without a shell print the environment in the order the runtime
        // gave it (a shell would pass on its own).
        if name == "printenv" || (name == "env" && argv.len() == 1) {
            let mut status = 0;
            for (k, v) in env {
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
        let pid = self.next_pid(&t.container_id);
        let is_shell = matches!(name.as_str(), "sh" | "ash" | "bash" | "dash");
        let status = self.in_container(pod, &t, |host, vfs| {
            host.leader = Some((pid, argv.to_vec(), is_shell));
            let run = shell::Run {
                program: &name,
                argv,
                stdin,
                env: &t.env,
                cwd: &t.cwd,
            };
            match name.as_str() {
                "sh" | "ash" | "bash" | "dash" => {
                    shell::run_shell(host, (&*t.rootfs).into(), run, vfs, out)
                }
                _ => shell::run_program(host, (&*t.rootfs).into(), run, vfs, out),
            }
        });
        Ok(status)
    }

    /// Looks `argv[0]` up as runc does: the program's name, or the runtime's error.
    fn resolve(&mut self, pod: &Value, t: &Target, argv: &[String]) -> Result<String, ExecError> {
        let Some(program) = argv.first() else {
            return Err(self.exec_not_found(""));
        };
        let path_env = t
            .env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let Some((path, name)) = t.rootfs.find_program(program, path_env, &t.cwd) else {
            return Err(self.exec_not_found(program));
        };
        // The image had it, but the container's files may no longer (`rm /bin/vi`).
        let (vfs, _) = files::assemble(
            self,
            pod,
            &t.container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        if !vfs.is_file(&path) {
            return Err(self.exec_not_found(program));
        }
        Ok(name)
    }
}
