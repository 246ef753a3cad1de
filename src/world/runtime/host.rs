//! The programs of a container that are not shell builtins, as the shell engine reaches them
//! (`shell::Host`): the shells themselves (`sh -c` inside `sh`), the programs that need the
//! world (`curl`, `hostname`), and kubelab's plain notice for a program the image has but
//! kubelab does not simulate. The workstation's own programs (kubectl, oc) are not here: a
//! container cannot reach them.

use std::rc::Rc;

use crate::shell::{Call, Host};
use crate::world::World;
use crate::world::registry::rootfs::RootFs;

/// What a container's programs see of the world.
pub(super) struct ContainerHost<'w> {
    pub world: &'w mut World,
    pub rootfs: Rc<RootFs>,
    /// The image as the pod names it (kubelab's notices).
    pub image: String,
    /// The pod's namespace (short names resolve there).
    pub namespace: String,
    /// The pod's IP (`localhost` inside the container).
    pub pod_ip: String,
    /// The pod's hostname.
    pub hostname: String,
    /// Shells running inside shells (`sh -c 'sh -c ...'`), bounded by [`MAX_SHELLS`].
    pub depth: usize,
    /// The container instance (its PIDs).
    pub container_id: String,
    /// PID 1, the container's main process, as the kubelet started it (None: no record).
    pub main: Option<Vec<String>>,
    /// Whom the container's processes run as (a uid, or a user name).
    pub user: String,
    /// The process `kubectl exec` started, or the session's shell: its PID, its argv, and
    /// whether it is a shell (then `ps` is its child, else `ps` is that process).
    pub leader: Option<(u32, Vec<String>, bool)>,
    /// Whether the output is a terminal (redis-cli's reply form).
    pub tty: bool,
}

/// How deeply shells may run inside shells: a command that starts itself would otherwise
/// never end.
pub(super) const MAX_SHELLS: usize = 16;

/// kubelab's notice for a program the image has but kubelab does not simulate (status 126).
pub(super) fn not_simulated(program: &str, image: &str) -> (Vec<u8>, i32) {
    (
        format!("kubelab does not simulate {program} in {image}\n").into_bytes(),
        126,
    )
}

/// The command names an image's programs answer to (the file names of their paths), sorted
/// and distinct: what a shell running there can find.
pub(super) fn command_names(programs: &std::collections::BTreeMap<String, String>) -> Vec<String> {
    let mut names: Vec<String> = programs
        .keys()
        .map(|p| crate::shell::vfs::file_name(p).to_string())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The program a command name the shell found in the image is (`sh` → `dash` in Debian).
pub(super) fn program_of(rootfs: &RootFs, name: &str, path: &str, cwd: &str) -> Option<String> {
    let (_, program) = rootfs.find_program(name, path, cwd).or_else(|| {
        // The shell found it by name in the image; PATH may have been changed since.
        rootfs
            .programs
            .iter()
            .find(|(p, _)| crate::shell::vfs::file_name(p) == name)
            .map(|(p, n)| (p.clone(), n.clone()))
    })?;
    Some(program)
}

impl Host for ContainerHost<'_> {
    fn exec(&mut self, call: Call<'_>) -> Option<i32> {
        let Call {
            argv,
            stdin,
            shell,
            out,
            ..
        } = call;
        let path = shell.var("PATH").unwrap_or("").to_string();
        let program = program_of(&self.rootfs, &argv[0], &path, shell.cwd())?;
        let args = &argv[1..];
        match program.as_str() {
            "sh" | "ash" | "bash" | "dash" if self.depth >= MAX_SHELLS => {
                let msg = format!(
                    "kubelab: shells nested more than {MAX_SHELLS} deep (kubelab's limit): {} not started\n",
                    argv[0]
                );
                out(true, msg.as_bytes());
                Some(126)
            }
            "sh" | "ash" | "bash" | "dash" => {
                self.depth += 1;
                let vfs = std::mem::take(&mut shell.vfs);
                let env: Vec<(String, String)> = shell.environment().into_iter().collect();
                let cwd = shell.cwd().to_string();
                let run = super::shell::Run {
                    program: &program,
                    argv,
                    stdin,
                    env: &env,
                    cwd: &cwd,
                };
                let rootfs = self.rootfs.clone();
                let (status, vfs) = super::shell::run_shell(self, (&*rootfs).into(), run, vfs, out);
                shell.vfs = vfs;
                self.depth -= 1;
                Some(status)
            }
            "curl" => {
                let (stdout, stderr, status) =
                    super::curl::curl(self.world, &self.namespace, args, Some(&self.pod_ip));
                if !out(false, &stdout) {
                    let (msg, status) = super::curl::write_failed(args);
                    out(true, &msg);
                    return Some(status);
                }
                out(true, &stderr);
                Some(status)
            }
            "wget" => Some(super::wget::wget(
                self.world,
                super::wget::From {
                    namespace: &self.namespace,
                    pod_ip: &self.pod_ip,
                    image: &self.image,
                    tty: self.tty,
                },
                args,
                shell,
                out,
            )),
            "tar" => Some(super::tar::tar(
                super::tar::is_gnu(self.rootfs.userland),
                &self.image,
                args,
                stdin,
                shell,
                out,
            )),
            "ps" => Some(super::ps::run(self, argv, shell, out)),
            "redis-cli" => Some(super::redis::cli::in_container(
                self, args, stdin, shell, out,
            )),
            "mysql" => Some(super::mysql::client::in_container(
                self, args, stdin, shell, out,
            )),
            "ceph" | "rados" => {
                let (o, e, status) =
                    super::ceph::run(self.world, &self.namespace, &self.image, &program, args);
                out(false, o.as_bytes());
                out(true, e.as_bytes());
                Some(status)
            }
            "mongo" | "mongosh" => Some(super::mongo::run(self, argv, stdin, &mut shell.vfs, out)),
            "hostname" if args.is_empty() => {
                out(false, format!("{}\n", self.hostname).as_bytes());
                Some(0)
            }
            // The name as the resolver knows it: the canonical name of the hosts file's line
            // (the kubelet writes the FQDN first for a pod with a subdomain).
            "hostname" if matches!(args, [a] if a == "-f" || a == "--fqdn" || a == "--long") => {
                let read = |p: &str| {
                    String::from_utf8_lossy(shell.vfs.read(p).unwrap_or_default()).into_owned()
                };
                let conf = crate::world::dns::ResolvConf::parse(&read("/etc/resolv.conf"));
                match self
                    .world
                    .resolve_host(&conf, &read("/etc/hosts"), &self.hostname)
                {
                    Ok(e) => {
                        out(false, format!("{}\n", e.name).as_bytes());
                        Some(0)
                    }
                    Err(_) => {
                        // The kubelet always names the host in /etc/hosts; a student removed it.
                        let msg = format!(
                            "kubelab does not simulate hostname -f when the container's hosts file does not name {}\n",
                            self.hostname
                        );
                        out(true, msg.as_bytes());
                        Some(1)
                    }
                }
            }
            "hostname" if matches!(args, [a] if a == "-s" || a == "--short") => {
                let short = self.hostname.split('.').next().unwrap_or("");
                out(false, format!("{short}\n").as_bytes());
                Some(0)
            }
            "printenv" => {
                let env = shell.environment();
                let mut status = 0;
                if args.is_empty() {
                    for (k, v) in &env {
                        out(false, format!("{k}={v}\n").as_bytes());
                    }
                }
                for a in args {
                    match env.get(a) {
                        Some(v) => {
                            out(false, format!("{v}\n").as_bytes());
                        }
                        None => status = 1,
                    }
                }
                Some(status)
            }
            "nginx" | "nginx-debug" => {
                let (stdout, stderr, status) =
                    super::webserver::nginx_program(&self.rootfs, args, &self.image);
                out(false, &stdout);
                out(true, &stderr);
                Some(status)
            }
            "httpd" => {
                // The binary's time is when the image built it (`Server built:`).
                let built = shell
                    .vfs
                    .stat("/usr/local/apache2/bin/httpd")
                    .map_or(0, |s| s.node.mtime);
                let (stdout, stderr, status) =
                    super::webserver::httpd_program(&self.rootfs, args, &self.image, built);
                out(false, &stdout);
                out(true, &stderr);
                Some(status)
            }
            // Cluster DNS, through the container's own resolv.conf and hosts file.
            "nslookup" | "getent" => {
                let read = |p: &str| {
                    String::from_utf8_lossy(shell.vfs.read(p).unwrap_or_default()).into_owned()
                };
                let (conf, hosts) = (read("/etc/resolv.conf"), read("/etc/hosts"));
                let (stdout, stderr, status) = if program == "nslookup" {
                    crate::world::dns::nslookup_with(
                        self.world,
                        &conf,
                        &hosts,
                        &self.hostname,
                        argv,
                    )
                } else {
                    crate::world::dns::getent_with(self.world, &conf, &hosts, argv)
                };
                out(false, &stdout);
                out(true, &stderr);
                Some(status)
            }
            other => {
                let (msg, status) = not_simulated(other, &self.image);
                out(true, &msg);
                Some(status)
            }
        }
    }

    fn sleep(&mut self, millis: u64) -> bool {
        self.world.advance(millis as i64);
        true
    }

    fn now(&self) -> i64 {
        self.world.now().div_euclid(1000)
    }

    fn programs(&self) -> Vec<String> {
        command_names(&self.rootfs.programs)
    }

    fn program_at(&self, path: &str) -> Option<String> {
        // (The shell asks only for names its profile has, made from the container's files.)
        self.rootfs.programs.get(path).cloned()
    }
}
