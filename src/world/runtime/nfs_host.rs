//! The NFS servers as hosts a student logs in to (`ssh 10.0.2.5`, `ssh root@nfs-server`), as
//! seed 004 does to create `/home/nfs/index.html`: an Ubuntu 22.04 machine (bash, GNU
//! coreutils; its files are the `ubuntu:22.04` image's) whose exports are the same stores the
//! pods mounting them use (`nfs/<server><export>` in `World::volume_data`), so what is written
//! there is what every pod sees, at once. Logged in as root with a key (no password, no host
//! key question: the lab machine knows the server), with no message of the day. What is written
//! outside the exports stays in the host's own layer. The exports show in `mount` and `df` as
//! mounts of the host's disk (on a real server they are plain directories).

use std::rc::Rc;

use crate::shell::{Dialect, Shell, ShellState, Sink, Vfs};
use crate::world::World;
use crate::world::registry::rootfs::Family;

use super::files::{self, Layer};
use super::host::ContainerHost;

/// An NFS server's own state: its host name and what was written outside its exports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NfsHost {
    /// Its host name (the prompt's; `ssh NAME` reaches it when the lab named it).
    pub name: String,
    /// Whether the lab gave the name (then `ssh NAME` resolves).
    pub named: bool,
    /// Its writable layer.
    pub layer: Option<Rc<Layer>>,
}

/// The host name of a server the lab did not name.
pub const DEFAULT_NAME: &str = "nfs-server";

/// The host's files are these (a file system of their own, never shared with an image's).
const HOST_FAMILY: Family = Family::Ubuntu2204;

/// When the host's system was installed (its files' times): 2025-02-21T09:00:00Z, ten days
/// before the class starts, as the cluster.
const INSTALLED: i64 = 1_740_128_400;

/// A shell open on an NFS server.
#[derive(Debug, Clone)]
pub struct HostSession {
    /// The server's address.
    pub server: String,
    /// The address or name `ssh` was given (`Connection to X closed.`).
    pub target: String,
    /// Whether ssh allocated a terminal (stdin was one): a prompt, `logout`.
    pub tty: bool,
    name: String,
    state: ShellState,
}

impl PartialEq for HostSession {
    fn eq(&self, o: &Self) -> bool {
        self.server == o.server
            && self.tty == o.tty
            && self.state.cwd() == o.state.cwd()
            && self.state.environment() == o.state.environment()
    }
}

impl Eq for HostSession {}

impl HostSession {
    /// Ubuntu's bash prompt for root, `\u@\h:\w\$ ` (`root@nfs-server:~# `); none without a
    /// terminal.
    pub fn prompt(&self) -> String {
        if !self.tty {
            return String::new();
        }
        let cwd = self.state.cwd();
        let w = match cwd.strip_prefix("/root") {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("~{rest}"),
            _ => cwd.to_string(),
        };
        format!("root@{}:{w}# ", self.name)
    }
}

/// What the root login's environment holds (sshd's and PAM's, Ubuntu's /etc/environment PATH).
fn login_env(name: &str) -> Vec<(String, String)> {
    [
        ("HOME", "/root"),
        ("LANG", "C.UTF-8"),
        ("LOGNAME", "root"),
        (
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin",
        ),
        ("SHELL", "/bin/bash"),
        ("USER", "root"),
        ("HOSTNAME", name),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Where an NFS volume's files live: the store of the server's export that holds `path` (the
/// longest one), and the directory below the export that is mounted (`/sub` for
/// `/home/nfs/sub` of the export `/home/nfs`), so every pod mounting the export or a directory
/// in it shares one store. A path no export holds (a pod that will not mount) has a store of its
/// own.
pub(crate) fn nfs_store(world: &World, server: &str, path: &str) -> (String, Option<String>) {
    let path = crate::world::nodes::container_fs::normalize(path);
    let export = world.nfs_servers.get(server).and_then(|exports| {
        exports
            .iter()
            .map(|e| crate::world::nodes::container_fs::normalize(e))
            .filter(|e| {
                path == *e || e == "/" || path.starts_with(&format!("{}/", e.trim_end_matches('/')))
            })
            .max_by_key(String::len)
    });
    match export {
        Some(e) => {
            let below = path[e.trim_end_matches('/').len()..].to_string();
            (
                format!("nfs/{server}{}", if e == "/" { "" } else { e.as_str() }),
                (!below.is_empty() && below != "/").then_some(below),
            )
        }
        None => (format!("nfs/{server}{path}"), None),
    }
}

impl World {
    /// The NFS server `target` names: an address of one, or the name a lab gave it.
    pub fn nfs_server_named(&self, target: &str) -> Option<String> {
        if self.nfs_servers.contains_key(target) {
            return Some(target.to_string());
        }
        self.nfs_hosts
            .iter()
            .find(|(_, h)| h.named && h.name == target)
            .map(|(s, _)| s.clone())
    }

    /// The host name of an NFS server.
    pub fn nfs_host_name(&self, server: &str) -> String {
        self.nfs_hosts
            .get(server)
            .map(|h| h.name.clone())
            .unwrap_or_else(|| DEFAULT_NAME.to_string())
    }

    /// Runs `f` over the server's files (assembled, then put back) with a host for its
    /// programs.
    fn on_host<R>(
        &mut self,
        server: &str,
        f: impl FnOnce(&mut ContainerHost<'_>, Vfs) -> (R, Vfs),
    ) -> R {
        let rootfs = HOST_FAMILY.rootfs();
        let layer = self.nfs_hosts.get(server).and_then(|h| h.layer.clone());
        let (vfs, mounted) = files::host_fs(self, server, &rootfs, INSTALLED, layer.as_deref());
        let name = self.nfs_host_name(server);
        let mut host = ContainerHost {
            world: self,
            rootfs: rootfs.clone(),
            image: format!("the NFS server {name}"),
            namespace: "default".into(),
            pod_ip: String::new(),
            hostname: name,
            depth: 0,
            container_id: format!("host/{server}"),
            main: None,
            user: "root".into(),
            leader: None,
            // (Only redis-cli's reply form depends on it; the host has no redis-cli.)
            tty: false,
        };
        let (r, vfs) = f(&mut host, vfs);
        let layer = files::write_back(self, vfs, &mounted);
        let entry = self.nfs_hosts.entry(server.to_string()).or_default();
        if entry.name.is_empty() {
            entry.name = DEFAULT_NAME.to_string();
        }
        if entry.layer.as_deref() != Some(&layer) {
            entry.layer = (!layer.is_empty()).then(|| Rc::new(layer));
        }
        r
    }

    /// Opens a root shell on the NFS server `server` (`ssh` without a command).
    pub fn open_host_shell(&mut self, server: &str, target: &str, tty: bool) -> HostSession {
        let rootfs = HOST_FAMILY.rootfs();
        let name = self.nfs_host_name(server);
        let profile = super::shell::profile((&*rootfs).into(), &Vfs::bare(), "bash", Dialect::Bash);
        // The login's working directory is root's home, on the host's files.
        let layer = self.nfs_hosts.get(server).and_then(|h| h.layer.clone());
        let (vfs, _) = files::host_fs(self, server, &rootfs, INSTALLED, layer.as_deref());
        let mut state = super::shell::session(vfs, profile, &login_env(&name), "/root").state;
        state.vfs = Vfs::bare();
        state.interactive = tty;
        HostSession {
            server: server.to_string(),
            target: target.to_string(),
            tty,
            name,
            state,
        }
    }

    /// Runs one input in a shell on an NFS server. Returns the shell's exit status when it
    /// ended (`exit`).
    pub fn host_input(&mut self, s: &mut HostSession, input: &str, out: Sink<'_>) -> Option<i32> {
        let server = s.server.clone();
        let rootfs = HOST_FAMILY.rootfs();
        self.on_host(&server, |host, vfs| {
            let programs =
                super::shell::profile((&*rootfs).into(), &vfs, "", Dialect::Bash).programs;
            let mut sh = Shell::new(Vfs::bare());
            sh.state = s.state.clone();
            sh.state.vfs = vfs;
            sh.state.profile.programs = programs;
            sh.record_streams();
            let o = sh.run(input, host);
            for (is_err, bytes) in sh.take_streams() {
                if !out(is_err, &bytes) {
                    break;
                }
            }
            let vfs = std::mem::take(&mut sh.state.vfs);
            s.state = sh.state;
            (o.exit, vfs)
        })
    }

    /// Runs `command` on an NFS server as `ssh HOST COMMAND` does (`bash -c`, no terminal);
    /// its exit status.
    pub fn host_command(&mut self, server: &str, command: &str, out: Sink<'_>) -> i32 {
        let mut s = self.open_host_shell(server, server, false);
        match self.host_input(&mut s, command, out) {
            Some(status) => status,
            None => s.state.last_status,
        }
    }

    /// A file of an NFS server's export (`server`, an absolute `path` inside one of its
    /// exports), as the server has it; None when there is no such file.
    pub fn nfs_read(&mut self, server: &str, path: &str) -> Option<Vec<u8>> {
        self.on_host(server, |_, vfs| {
            let data = vfs.read(path).ok().map(<[u8]>::to_vec);
            (data, vfs)
        })
    }

    /// Writes a file on an NFS server (its directory is created as `mkdir -p` would); the
    /// error in the shell's words.
    pub fn nfs_write(&mut self, server: &str, path: &str, data: &[u8]) -> Result<(), String> {
        self.on_host(server, |_, mut vfs| {
            let parent = crate::shell::vfs::parent(path);
            let r = vfs
                .mkdir_all(&parent)
                .and_then(|()| vfs.write(path, data, false))
                .map_err(|e| format!("{path}: {e}"));
            (r, vfs)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::world::World;

    #[test]
    fn a_directory_below_an_export_is_in_the_exports_store() {
        let mut w = World::empty(1, 1_740_992_400_000);
        let e = w.nfs_servers.entry("10.0.2.5".into()).or_default();
        e.insert("/home/nfs".into());
        e.insert("/srv".into());
        let s = |p: &str| super::nfs_store(&w, "10.0.2.5", p);
        assert_eq!(s("/home/nfs"), ("nfs/10.0.2.5/home/nfs".into(), None));
        assert_eq!(s("/home/nfs/"), ("nfs/10.0.2.5/home/nfs".into(), None));
        assert_eq!(
            s("/home/nfs/docs/a"),
            ("nfs/10.0.2.5/home/nfs".into(), Some("/docs/a".into()))
        );
        assert_eq!(s("/home/nfsx"), ("nfs/10.0.2.5/home/nfsx".into(), None));
        assert_eq!(s("/other"), ("nfs/10.0.2.5/other".into(), None));
    }

    #[test]
    fn the_server_and_its_exports_share_their_files() {
        let mut w = World::empty(1, 1_740_992_400_000);
        w.nfs_servers
            .entry("10.0.2.5".into())
            .or_default()
            .insert("/home/nfs".into());
        let mut s = w.open_host_shell("10.0.2.5", "10.0.2.5", true);
        assert_eq!(s.prompt(), "root@nfs-server:~# ");
        let mut out = Vec::new();
        let r = w.host_input(
            &mut s,
            "echo hi > /home/nfs/index.html; echo x > /root/notes; cd /home/nfs; ls",
            &mut |_, b| {
                out.extend_from_slice(b);
                true
            },
        );
        assert_eq!(r, None);
        assert_eq!(String::from_utf8_lossy(&out), "index.html\n");
        assert_eq!(s.prompt(), "root@nfs-server:/home/nfs# ");
        // The export's store is what pods mount; the rest stays on the host.
        let store = w.volume_data.get("nfs/10.0.2.5/home/nfs").expect("store");
        assert!(store.get("/index.html").is_some());
        assert_eq!(w.nfs_read("10.0.2.5", "/root/notes"), Some(b"x\n".to_vec()));
        w.nfs_write("10.0.2.5", "/home/nfs/a/b.txt", b"b").unwrap();
        assert!(
            w.volume_data["nfs/10.0.2.5/home/nfs"]
                .get("/a/b.txt")
                .is_some()
        );
        let r = w.host_input(&mut s, "exit 3", &mut |_, _| true);
        assert_eq!(r, Some(3));
    }
}
