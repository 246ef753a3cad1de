//! An interactive program in a container (`kubectl exec -it POD -- sh`, `-- redis-cli`,
//! `-- mongo`): the workstation sends the following inputs to it until it exits. A shell's variables and
//! working directory last between inputs; its files are the container's, assembled and put
//! back for each input. Each other program keeps its own state (`Program`).

use serde_json::Value;

use crate::shell::{Dialect, Shell, ShellState, Sink, Vfs};
use crate::world::World;
use crate::world::api::{kinds, meta};

use super::ExecError;

/// The program of a session, with what lasts between its inputs.
#[derive(Debug, Clone)]
enum Program {
    /// A shell: its variables, working directory and profile (its files are the container's).
    Shell(ShellState),
    /// redis-cli's prompt (`redis/cli.rs`).
    RedisCli(super::redis::Session),
    /// The legacy mongo shell (`mongo/`).
    Mongo(super::mongo::Session),
}

/// What opening a session gave: the session, or the status of a program that ended at once
/// (its output written).
pub type Opened = Result<ExecSession, i32>;

/// An open interactive program in a container.
#[derive(Debug, Clone)]
pub struct ExecSession {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    uid: String,
    /// The container.
    pub container: String,
    container_id: String,
    /// Whether kubectl gave it a terminal (`-t` from a terminal): it shows its prompt.
    pub tty: bool,
    program: Program,
    /// The program's PID in its container and its argv (`ps`).
    pid: u32,
    argv: Vec<String>,
    /// The container's main process, attached to (`kubectl attach -i`, `attach.rs`): when it
    /// exits, the container does.
    pub(super) attached: Option<super::attach::Attached>,
}

impl PartialEq for ExecSession {
    fn eq(&self, o: &Self) -> bool {
        self.uid == o.uid
            && self.container_id == o.container_id
            && self.tty == o.tty
            && match (&self.program, &o.program) {
                (Program::Shell(a), Program::Shell(b)) => {
                    a.cwd() == b.cwd() && a.environment() == b.environment()
                }
                (Program::RedisCli(a), Program::RedisCli(b)) => a == b,
                (Program::Mongo(a), Program::Mongo(b)) => a == b,
                _ => false,
            }
    }
}

impl Eq for ExecSession {}

impl ExecSession {
    /// Whether its input is read line by line (a program, not a shell: a line such as
    /// `db.foo.find()` or `SET k "a` is complete as it is).
    pub fn reads_lines(&self) -> bool {
        matches!(self.program, Program::Mongo(_) | Program::RedisCli(_))
    }

    /// The shell's prompt as root: busybox ash's `\w \$ ` (`/ # `), Debian bash's
    /// `\u@\h:\w\$ ` (`root@web:/# `), dash's `# `; none without a terminal.
    pub fn prompt(&self) -> String {
        let state = match &self.program {
            Program::Shell(state) => state,
            Program::RedisCli(r) => return r.prompt(),
            Program::Mongo(m) => return m.prompt(),
        };
        if !self.tty {
            return String::new();
        }
        let cwd = state.cwd();
        let home = state.var("HOME").unwrap_or("");
        let w = match cwd.strip_prefix(home) {
            Some(rest)
                if !home.is_empty()
                    && home != "/"
                    && (rest.is_empty() || rest.starts_with('/')) =>
            {
                format!("~{rest}")
            }
            _ => cwd.to_string(),
        };
        match state.profile.dialect {
            Dialect::Ash => format!("{w} # "),
            Dialect::Bash => format!("root@{}:{w}# ", state.var("HOSTNAME").unwrap_or_default()),
            Dialect::Dash | Dialect::Kubelab => "# ".into(),
        }
    }
}

impl World {
    /// Opens the shell `argv` (a bare `sh`, `bash`, ...) in a running container for the
    /// inputs that follow; the runtime's error if the image has no such program.
    pub fn open_shell(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        tty: bool,
    ) -> Result<ExecSession, ExecError> {
        let (t, state) = self.shell_state(pod, container, argv, tty)?;
        Ok(self.new_session(pod, &t, argv, tty, Program::Shell(state)))
    }

    /// The container's target and the state of a shell `argv` opens in it (its dialect and
    /// profile, the container's environment and working directory).
    fn shell_state(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        tty: bool,
    ) -> Result<(super::Target, ShellState), ExecError> {
        let t = self.target(pod, container);
        let name = self.resolve(pod, &t, argv)?;
        let dialect = super::shell::dialect_of(&name, (&*t.rootfs).into());
        let profile = super::shell::profile((&*t.rootfs).into(), &Vfs::bare(), &argv[0], dialect);
        let mut state = super::shell::session(Vfs::bare(), profile, &t.env, &t.cwd).state;
        state.interactive = tty;
        Ok((t, state))
    }

    /// [`World::open_shell`] for the container's main process itself (PID 1: no new process
    /// starts), attached (`attach.rs`).
    pub(super) fn attach_shell(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        tty: bool,
        attached: super::attach::Attached,
    ) -> Result<ExecSession, ExecError> {
        let (t, state) = self.shell_state(pod, container, argv, tty)?;
        Ok(ExecSession {
            pid: 1,
            argv: argv.to_vec(),
            namespace: meta::namespace(pod).to_string(),
            pod: meta::name(pod).to_string(),
            uid: t.uid.clone(),
            container: t.container.clone(),
            container_id: t.container_id.clone(),
            tty,
            program: Program::Shell(state),
            attached: Some(attached),
        })
    }

    /// A session of `program` started by `argv` in the container `t` (its PID the next one).
    fn new_session(
        &mut self,
        pod: &Value,
        t: &super::Target,
        argv: &[String],
        tty: bool,
        program: Program,
    ) -> ExecSession {
        ExecSession {
            pid: self.next_pid(&t.container_id),
            argv: argv.to_vec(),
            namespace: meta::namespace(pod).to_string(),
            pod: meta::name(pod).to_string(),
            uid: t.uid.clone(),
            container: t.container.clone(),
            container_id: t.container_id.clone(),
            tty,
            program,
            attached: None,
        }
    }

    /// Opens the session `kubectl exec -i POD -- CMD` gives kubectl's own input to: a bare
    /// shell ([`World::open_shell`]) or the mongo shell, its first output written to `out`; the
    /// runtime's error if the image has no such program.
    pub fn open_session(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        tty: bool,
        out: Sink<'_>,
    ) -> Result<Opened, ExecError> {
        if !super::mongo::interactive(argv) {
            return self.open_shell(pod, container, argv, tty).map(Ok);
        }
        let t = self.target(pod, container);
        self.resolve(pod, &t, argv)?;
        let m = match self.open_mongo(pod, &t, argv, tty, out) {
            Ok(m) => m,
            Err(status) => return Ok(Err(status)),
        };
        Ok(Ok(self.new_session(pod, &t, argv, tty, Program::Mongo(m))))
    }

    /// Opens an interactive program other than a shell for the inputs that follow, when `argv`
    /// is one that reads them (`redis-cli` without a command), with what it wrote on opening;
    /// `None` when `argv` runs as a plain command.
    pub fn open_program(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        tty: bool,
    ) -> Result<Option<(ExecSession, Vec<u8>)>, ExecError> {
        let t = self.target(pod, container);
        let name = self.resolve(pod, &t, argv)?;
        let opened = match name.as_str() {
            "redis-cli" => super::redis::Version::of(&t.rootfs)
                .and_then(|v| super::redis::cli::open(self, pod, v, &argv[1..], tty))
                .map(|(s, out)| (Program::RedisCli(s), out)),
            _ => None,
        };
        Ok(opened.map(|(program, out)| (self.new_session(pod, &t, argv, tty, program), out)))
    }

    /// Runs one input in an open container shell, writing its output to `out`. Returns the
    /// shell's exit status when it ended (`exit`, or its container is gone: 137, SIGKILL).
    pub fn shell_input(&mut self, s: &mut ExecSession, input: &str, out: Sink<'_>) -> Option<i32> {
        let pk = kinds::by_kind(kinds::POD)?;
        let pod = self
            .store
            .get(pk, &s.namespace, &s.pod)
            .map(|p| (*p).clone());
        let Some(pod) = pod.filter(|p| meta::uid(p) == s.uid) else {
            return Some(137);
        };
        let mut t = self.target(&pod, &s.container);
        if t.container_id != s.container_id || !self.alive(&t) {
            return Some(137);
        }
        t.tty = s.tty;
        let state = match &mut s.program {
            Program::Shell(state) => state,
            Program::RedisCli(r) => return super::redis::cli::input(self, &pod, r, input, out),
            Program::Mongo(m) => return self.mongo_input(m, input, out),
        };
        let leader = s.attached.is_none().then(|| (s.pid, s.argv.clone(), true));
        let ended = self.in_container(&pod, &t, |host, vfs| {
            host.leader = leader;
            let programs =
                super::shell::profile((&*t.rootfs).into(), &vfs, "", Dialect::Ash).programs;
            let mut sh = Shell::new(Vfs::bare());
            sh.state = state.clone();
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
            *state = sh.state;
            (o.exit, vfs)
        });
        if let (Some(status), Some(_)) = (ended, &s.attached) {
            // The container's main process exited: so does the container.
            self.main_process_ended(&s.uid, &s.container_id, status);
        }
        ended
    }
}
