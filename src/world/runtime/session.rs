//! An interactive shell in a container (`kubectl exec -it POD -- sh`): the workstation sends
//! the following inputs to it until `exit`. Its variables and working directory last between
//! inputs; its files are the container's, assembled and put back for each input.

use serde_json::Value;

use crate::shell::{Dialect, Shell, ShellState, Sink, Vfs};
use crate::world::World;
use crate::world::api::{kinds, meta};

use super::ExecError;

/// An open container shell.
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
    /// The shell's variables, working directory and profile (its files are the container's).
    state: ShellState,
}

impl PartialEq for ExecSession {
    fn eq(&self, o: &Self) -> bool {
        self.uid == o.uid
            && self.container_id == o.container_id
            && self.tty == o.tty
            && self.state.cwd() == o.state.cwd()
            && self.state.environment() == o.state.environment()
    }
}

impl Eq for ExecSession {}

impl ExecSession {
    /// The shell's prompt as root: busybox ash's `\w \$ ` (`/ # `), Debian bash's
    /// `\u@\h:\w\$ ` (`root@web:/# `), dash's `# `; none without a terminal.
    pub fn prompt(&self) -> String {
        if !self.tty {
            return String::new();
        }
        let cwd = self.state.cwd();
        let home = self.state.var("HOME").unwrap_or("");
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
        match self.state.profile.dialect {
            Dialect::Ash => format!("{w} # "),
            Dialect::Bash => format!(
                "root@{}:{w}# ",
                self.state.var("HOSTNAME").unwrap_or_default()
            ),
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
        let t = self.target(pod, container);
        let name = self.resolve(pod, &t, argv)?;
        let dialect = super::shell::dialect_of(&name, (&*t.rootfs).into());
        let profile = super::shell::profile((&*t.rootfs).into(), &Vfs::bare(), &argv[0], dialect);
        let mut state = super::shell::session(Vfs::bare(), profile, &t.env, &t.cwd).state;
        state.interactive = tty;
        Ok(ExecSession {
            namespace: meta::namespace(pod).to_string(),
            pod: meta::name(pod).to_string(),
            uid: t.uid.clone(),
            container: container.to_string(),
            container_id: t.container_id.clone(),
            tty,
            state,
        })
    }

    /// Runs one input in an open container shell, writing its output to `out`. Returns the
    /// shell's exit status when it ended (`exit`, or its container is gone: 137, SIGKILL).
    pub fn shell_input(&mut self, s: &mut ExecSession, input: &str, out: Sink<'_>) -> Option<i32> {
        let pk = kinds::by_kind("Pod")?;
        let pod = self
            .store
            .get(pk, &s.namespace, &s.pod)
            .map(|p| (*p).clone());
        let Some(pod) = pod.filter(|p| meta::uid(p) == s.uid) else {
            return Some(137);
        };
        let t = self.target(&pod, &s.container);
        if t.container_id != s.container_id || !self.alive(&t) {
            return Some(137);
        }
        self.in_container(&pod, &t, |host, vfs| {
            let programs =
                super::shell::profile((&*t.rootfs).into(), &vfs, "", Dialect::Ash).programs;
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
}
