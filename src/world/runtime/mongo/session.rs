//! The legacy shell as a process: run once (`mongo --eval ...`, a script on its standard
//! input, from `kubectl exec` or a container's shell), or as an interactive session
//! (`kubectl exec -it POD -- mongo`) that reads the workstation's next inputs until `exit`. Each
//! input works on the server's data directory: the mongod container's files, assembled and put
//! back (the client's own files when it runs in that container).

use serde_json::Value;

use crate::shell::{Sink, Vfs};
use crate::world::World;
use crate::world::api::{kinds, meta};

use super::connect::{self, Failure, Options, Server};
use super::shell::{Env, Flow, Shell};
use crate::world::runtime::Target;
use crate::world::runtime::host::ContainerHost;

/// An open interactive shell.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    shell: Shell,
    server: Server,
}

/// kubelab's notice for what it does not simulate of the shell's invocation (status 126).
fn notice(out: Sink<'_>, what: &str) -> i32 {
    out(
        true,
        format!("kubelab does not simulate {what} in the mongo shell\n").as_bytes(),
    );
    126
}

/// Whether `argv` runs mongosh rather than the legacy shell.
fn is_mongosh(argv: &[String]) -> bool {
    argv.first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .is_some_and(|n| n == "mongosh")
}

/// Whether mongosh has greeted before (its configuration file says so); records that it has.
fn greeted(vfs: &mut Vfs) -> bool {
    const FLAG: &str = "\"disableGreetingMessage\":true";
    let seen = vfs
        .read(super::mongosh::CONFIG)
        .is_ok_and(|b| String::from_utf8_lossy(b).contains(FLAG));
    if !seen {
        // kubelab's bytes: only the flag mongosh sets after its first greeting.
        let _ = vfs.mkdir_all("/data/db/.mongodb/mongosh");
        let _ = vfs.write(
            super::mongosh::CONFIG,
            format!("{{{FLAG}}}\n").as_bytes(),
            false,
        );
    }
    seen
}

impl Session {
    /// The prompt: the legacy shell's `> `, mongosh's `DB> `.
    pub fn prompt(&self) -> String {
        if self.shell.mongosh {
            format!("{}> ", self.shell.db)
        } else {
            "> ".into()
        }
    }
}

/// The pod and a fresh shell the client starts with, or what it printed and its status.
struct Start {
    server: Server,
    shell: Shell,
    uuid: String,
    client_version: &'static str,
}

impl World {
    /// What the shell in `pod` (its image `image`, its container's `resolv`/`hosts`) does
    /// before it reads: the options, the connection. Err: the status, output written.
    fn mongo_start(
        &mut self,
        pod: &Value,
        image: &str,
        files: (&str, &str),
        o: &Options,
        mongosh: bool,
        out: Sink<'_>,
    ) -> Result<Start, i32> {
        if let Some(u) = &o.unsupported {
            if mongosh {
                out(
                    true,
                    format!("kubelab does not simulate {u} in mongosh\n").as_bytes(),
                );
                return Err(126);
            }
            return Err(notice(out, u));
        }
        let Some(image_version) = connect::version_of(self, pod, image) else {
            return Err(notice(out, &format!("the shell of {image}")));
        };
        let client_version = if mongosh {
            super::mongosh::VERSION
        } else {
            image_version
        };
        let quiet = o.quiet || o.eval.is_some();
        if mongosh && !quiet {
            // The log id: an ObjectId of the clock's seconds and the world's seed.
            let mut id = [0u8; 12];
            id[..4].copy_from_slice(&((self.now().div_euclid(1000)) as u32).to_be_bytes());
            id[4..].copy_from_slice(&self.seed.next_u64().to_be_bytes());
            let hex = super::value::oid_hex(&id);
            out(false, super::mongosh::connecting(o, &hex).as_bytes());
        }
        let server = match connect::connect(self, pod, files.0, files.1, o) {
            Ok(s) => s,
            Err(Failure::Refused(addr, _)) if mongosh => {
                out(
                    true,
                    format!("kubelab does not simulate mongosh's error for a refused connection ({addr})\n").as_bytes(),
                );
                return Err(126);
            }
            Err(Failure::Refused(addr, peer)) => {
                let (o_text, err, status) = connect::refused(client_version, o, &addr, &peer);
                out(false, o_text.as_bytes());
                out(true, err.as_bytes());
                return Err(status);
            }
            Err(Failure::Notice(m)) => {
                out(true, format!("kubelab does not simulate {m}\n").as_bytes());
                return Err(126);
            }
        };
        if !mongosh && !server.version.starts_with("4.") {
            return Err(notice(
                out,
                &format!(
                    "a {client_version} shell talking to mongod {}",
                    server.version
                ),
            ));
        }
        let seed = self.seed.next_u64();
        let uuid = connect::uuid(self.seed.next_u64(), self.seed.next_u64());
        Ok(Start {
            server,
            shell: if mongosh {
                Shell::new_mongosh(&o.db, seed)
            } else {
                Shell::new(&o.db, seed)
            },
            uuid,
            client_version,
        })
    }

    /// Runs `f` on the server's data directory: `local` when the client runs in the server's
    /// own container (its files are already out), else the server container's files. None
    /// when the server is gone.
    fn with_server<R>(
        &mut self,
        server: &Server,
        local: Option<(&str, &mut Vfs)>,
        f: impl FnOnce(&mut Vfs, i64) -> R,
    ) -> Option<R> {
        let now = self.now().div_euclid(1000);
        if let Some((id, vfs)) = local
            && id == server.container_id
        {
            return Some(f(vfs, now));
        }
        let pk = kinds::by_kind(kinds::POD)?;
        let pod = self
            .store
            .get(pk, &server.namespace, &server.pod)
            .filter(|p| meta::uid(p) == server.uid)
            .cloned()?;
        let t = self.target(&pod, &server.container);
        if t.container_id != server.container_id || !self.alive(&t) {
            return None;
        }
        Some(self.in_container(&pod, &t, |_, mut vfs| {
            let r = f(&mut vfs, now);
            (r, vfs)
        }))
    }

    /// Runs lines in the shell; Some(status) when it exited.
    fn mongo_lines(
        &mut self,
        shell: &mut Shell,
        server: &Server,
        mut local: Option<(&str, &mut Vfs)>,
        text: &str,
        helpers: bool,
        out: Sink<'_>,
    ) -> (Option<i32>, bool) {
        let mut failed = false;
        let lines: Vec<&str> = if helpers {
            text.lines().collect()
        } else {
            vec![text]
        };
        for line in lines {
            let loc = local.as_mut().map(|(id, v)| (*id, &mut **v));
            let r = self.with_server(server, loc, |vfs, now| {
                let mut env = Env { now, vfs };
                shell.line(line, helpers, &mut env)
            });
            let Some((o, flow)) = r else {
                out(
                    true,
                    format!(
                        "kubelab does not simulate the mongo shell once its server (pod {}) is gone\n",
                        server.pod
                    )
                    .as_bytes(),
                );
                return (Some(1), true);
            };
            out(false, o.out.as_bytes());
            out(true, o.err.as_bytes());
            failed |= o.failed;
            if let Flow::Exit(code) = flow {
                return (Some(code), failed);
            }
        }
        (None, failed)
    }

    /// Opens the shell of `t` for the inputs that follow (`kubectl exec -it POD -- mongo`):
    /// its banner is written to `out`; Err(status) when it ended at once.
    pub(in crate::world::runtime) fn open_mongo(
        &mut self,
        pod: &Value,
        t: &Target,
        argv: &[String],
        tty: bool,
        out: Sink<'_>,
    ) -> Result<Session, i32> {
        let o = connect::options(argv);
        let mongosh = is_mongosh(argv);
        let files = self.in_container(pod, t, |_, vfs| {
            let read =
                |p: &str| String::from_utf8_lossy(vfs.read(p).unwrap_or_default()).into_owned();
            ((read("/etc/resolv.conf"), read("/etc/hosts")), vfs)
        });
        let s = self.mongo_start(pod, &t.image, (&files.0, &files.1), &o, mongosh, out)?;
        if mongosh {
            if !o.quiet {
                let greeted = self.in_container(pod, t, |_, mut vfs| (greeted(&mut vfs), vfs));
                out(
                    false,
                    super::mongosh::greet(&s.server.version, greeted).as_bytes(),
                );
            }
        } else if !o.quiet {
            let b = connect::banner(s.client_version, &o, &s.server, &s.uuid, tty);
            out(false, b.as_bytes());
        }
        Ok(Session {
            shell: s.shell,
            server: s.server,
        })
    }

    /// One input of an open shell; Some(status) when it exited.
    pub(in crate::world::runtime) fn mongo_input(
        &mut self,
        s: &mut Session,
        input: &str,
        out: Sink<'_>,
    ) -> Option<i32> {
        let server = s.server.clone();
        self.mongo_lines(&mut s.shell, &server, None, input, true, out)
            .0
    }
}

/// The shell run once in a container (`mongo --eval ...`, or reading its standard input to
/// the end): its status.
pub(in crate::world::runtime) fn run(
    host: &mut ContainerHost<'_>,
    argv: &[String],
    stdin: &[u8],
    vfs: &mut Vfs,
    out: Sink<'_>,
) -> i32 {
    let o = connect::options(argv);
    let world = &mut *host.world;
    let Some(pod) = world
        .pods
        .iter()
        .find(|(_, r)| {
            r.containers
                .iter()
                .any(|c| c.container_id == host.container_id)
        })
        .and_then(|(_, r)| {
            world
                .store
                .get(kinds::by_kind(kinds::POD)?, &r.namespace, &r.name)
                .cloned()
        })
    else {
        return notice(out, "a shell outside a pod");
    };
    let read = |p: &str| String::from_utf8_lossy(vfs.read(p).unwrap_or_default()).into_owned();
    let files = (read("/etc/resolv.conf"), read("/etc/hosts"));
    let mongosh = is_mongosh(argv);
    if mongosh && o.eval.is_none() {
        out(
            true,
            b"kubelab does not simulate mongosh reading a script from its standard input\n",
        );
        return 126;
    }
    let mut s = match world.mongo_start(&pod, &host.image, (&files.0, &files.1), &o, mongosh, out) {
        Ok(s) => s,
        Err(status) => return status,
    };
    if !o.files.is_empty() {
        return notice(out, "running script files");
    }
    if mongosh {
        // `--eval` makes mongosh quiet unless `--verbose` (getFileAndEvalInfo).
    } else if !o.quiet {
        let b = connect::banner(s.client_version, &o, &s.server, &s.uuid, false);
        out(false, b.as_bytes());
    }
    let id = host.container_id.clone();
    let local = Some((id.as_str(), &mut *vfs));
    match &o.eval {
        Some(script) => {
            let (ended, failed) =
                world.mongo_lines(&mut s.shell, &s.server, local, script, false, out);
            ended.unwrap_or(if failed { 126 } else { 0 })
        }
        None => {
            let text = String::from_utf8_lossy(stdin).into_owned();
            let (ended, _) = world.mongo_lines(&mut s.shell, &s.server, local, &text, true, out);
            match ended {
                Some(code) => code,
                // The end of its input: the shell says goodbye.
                None => {
                    out(false, b"bye\n");
                    0
                }
            }
        }
    }
}
