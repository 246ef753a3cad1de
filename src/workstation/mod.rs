//! The student's workstation: the shell, its files, the kubeconfig, and the cluster it talks to.
//! `kubectl` and `oc` typed at the shell run the front end against the world; `sleep` and waits
//! move the world's virtual clock. Between two inputs a fixed think time passes.

pub mod edit;
mod files;
mod git;
pub mod guard;
mod script;
mod ssh;

pub use script::{Inputs, inputs, run_script};

use crate::kubectl::context::{ClientConfig, Ctx, Io, Waits};
use crate::shell::{Call, Host, RunOutput, Shell, Vfs};
use crate::world::World;

pub use files::ShellFiles;

/// The command paths of every kubectl command kubelab runs (`get`, `rollout status`), from
/// kubectl's one command table.
pub fn kubectl_commands() -> impl Iterator<Item = &'static str> {
    crate::kubectl::verbs::COMMANDS.iter().map(|(p, _)| *p)
}

/// Virtual time between two inputs of a session.
pub const THINK_TIME_MS: i64 = 1000;

/// A student's workstation attached to a cluster.
#[derive(Clone)]
pub struct Workstation {
    /// The cluster.
    pub world: World,
    /// The shell (files, variables).
    pub shell: Shell,
    /// The kubeconfig (current namespace, user).
    pub config: ClientConfig,
    /// `kubectl edit`'s and `vi FILE`'s editor: the student's own on the host at the
    /// interactive prompt only (see [`edit`]); scripts, `run` and `grade` never start one.
    pub editor: edit::Editor,
    inputs: u64,
}

struct WorldHost<'a> {
    world: &'a mut World,
    config: &'a mut ClientConfig,
    editor: &'a mut edit::Editor,
}

impl Host for WorldHost<'_> {
    fn exec(&mut self, call: Call<'_>) -> Option<i32> {
        let Call {
            argv,
            stdin,
            shell,
            out,
            interrupt,
        } = call;
        match argv[0].as_str() {
            "kubectl" | "oc" | "k" | "helm" => {}
            p if edit::EDITOR_COMMANDS.contains(&p) => {
                let edited = self.editor.edit_file(argv, shell);
                out(true, &edited.stderr);
                return Some(edited.status);
            }
            "ssh" => {
                let terminal = self.editor.is_interactive() && stdin.is_empty();
                return Some(ssh::ssh(
                    self.world,
                    self.config,
                    &argv[1..],
                    stdin,
                    terminal,
                    out,
                ));
            }
            "git" => return Some(git::git(self.world, shell, &argv[1..], out)),
            "curl" => {
                let ns = self.config.namespace.clone();
                let forwards = forwarded(self.world, self.config);
                let (stdout, stderr, status) = crate::world::runtime::curl::curl_workstation(
                    self.world,
                    &ns,
                    &argv[1..],
                    &forwards,
                );
                if !out(false, &stdout) {
                    let (msg, status) = crate::world::runtime::curl::write_failed(&argv[1..]);
                    out(true, &msg);
                    return Some(status);
                }
                out(true, &stderr);
                return Some(status);
            }
            _ => return None,
        }
        let mut argv = argv.to_vec();
        if argv[0] == "k" {
            argv[0] = "kubectl".into();
        }
        let interactive = self.editor.is_interactive();
        let mut files = ShellFiles {
            state: shell,
            editor: self.editor,
        };
        let mut ctx = Ctx {
            world: self.world,
            config: self.config,
            files: &mut files,
            stdin,
            io: Io::default(),
            program: "kubectl",
            waits: Waits {
                live: Some(out),
                interrupt,
                interactive,
                broken: false,
            },
        };
        let status = if argv[0] == "helm" {
            crate::helm::run(&mut ctx, &argv)
        } else {
            crate::frontend::run(&mut ctx, &argv)
        };
        ctx.flush();
        // kubectl is killed by SIGPIPE when a write finds the reader of its pipe gone.
        Some(if ctx.waits.broken { 141 } else { status })
    }

    fn sleep(&mut self, millis: u64) -> bool {
        self.world.advance(millis as i64);
        true
    }

    fn now(&self) -> i64 {
        self.world.now().div_euclid(1000)
    }

    fn programs(&self) -> Vec<String> {
        vec![
            "kubectl".into(),
            "oc".into(),
            "helm".into(),
            "curl".into(),
            "ssh".into(),
            "git".into(),
        ]
    }
}

impl Workstation {
    /// A workstation with empty home directory on `world`.
    pub fn new(world: World) -> Workstation {
        Workstation {
            world,
            shell: Shell::new(Vfs::new()),
            config: ClientConfig::default(),
            editor: edit::Editor::default(),
            inputs: 0,
        }
    }

    /// Runs one complete input (see [`crate::shell::incomplete`]), after the think time.
    /// A panic inside it is caught at the command boundary ([`guard`]).
    pub fn run(&mut self, input: &str) -> RunOutput {
        guard::run(self, |ws| {
            if ws.inputs > 0 {
                ws.world.advance(THINK_TIME_MS);
            }
            ws.inputs += 1;
            run_with_editor(
                &mut ws.world,
                &mut ws.shell,
                &mut ws.config,
                input,
                b"",
                &mut ws.editor,
            )
        })
    }

    /// Whether the next input is one line for an interactive program (`kubectl exec -it POD
    /// -- mongo`) rather than a complete shell input.
    pub fn reads_lines(&self) -> bool {
        self.config
            .exec_session
            .as_ref()
            .is_some_and(|s| s.reads_lines())
    }

    /// The prompt to show before the next input.
    pub fn prompt(&self) -> String {
        if let Some(s) = &self.config.exec_session {
            return s.prompt();
        }
        if let Some(s) = &self.config.host_session {
            return s.prompt();
        }
        match &self.config.debug_session {
            Some(_) => crate::oc::node_debug::prompt().to_string(),
            None => "$ ".into(),
        }
    }
}

/// Runs one input on the given world, shell and kubeconfig (no think time); `stdin` is the
/// input's standard input. Lab scripts use this to run `cluster.kubectl(...)` lines.
pub fn run_on(
    world: &mut World,
    shell: &mut Shell,
    config: &mut ClientConfig,
    input: &str,
    stdin: &[u8],
    host_editor: bool,
) -> RunOutput {
    let mut editor = match host_editor {
        true => edit::Editor::interactive(),
        false => edit::Editor::default(),
    };
    run_with_editor(world, shell, config, input, stdin, &mut editor)
}

/// [`run_on`] with the workstation's editor.
/// Runs one input of an open session (a container's program, an ssh login) with a sink that
/// keeps its output and shows it on the terminal; what the session returned.
fn collect<R>(shell: &mut Shell, run: impl FnOnce(crate::shell::Sink<'_>) -> R) -> (RunOutput, R) {
    let mut out = RunOutput::default();
    let r = run(&mut |is_err, b| {
        if is_err {
            out.stderr.extend(b);
        } else {
            out.stdout.extend(b);
        }
        out.combined.extend(b);
        shell.to_terminal(b);
        true
    });
    (out, r)
}

/// The port forwards that still reach a running pod, as curl connects to them.
fn forwarded(
    world: &World,
    config: &mut ClientConfig,
) -> Vec<crate::world::runtime::curl::Forwarded> {
    use crate::kubectl::verbs::port_forward::alive;
    config.port_forwards.retain(|fw| alive(world, fw).is_some());
    config
        .port_forwards
        .iter()
        .filter_map(|fw| {
            let pod = alive(world, fw)?;
            let mut hosts = Vec::new();
            for a in &fw.addresses {
                let names: &[&str] = match a.as_str() {
                    "127.0.0.1" | "0.0.0.0" => &["localhost", "127.0.0.1"],
                    "::1" | "::" => &["localhost", "[::1]"],
                    _ => &[],
                };
                hosts.extend(names.iter().map(|n| n.to_string()));
            }
            Some(crate::world::runtime::curl::Forwarded {
                hosts,
                local: fw.local,
                pod,
                remote: fw.remote,
            })
        })
        .collect()
}

fn run_with_editor(
    world: &mut World,
    shell: &mut Shell,
    config: &mut ClientConfig,
    input: &str,
    stdin: &[u8],
    editor: &mut edit::Editor,
) -> RunOutput {
    // In scripts a port forward lasts for the input after the one that made it.
    if !editor.is_interactive() {
        crate::kubectl::verbs::port_forward::age(&mut config.port_forwards);
    }
    if let Some(mut session) = config.exec_session.take() {
        let (mut out, ended) = collect(shell, |sink| world.shell_input(&mut session, input, sink));
        match ended {
            // kubectl attach returns 0 when the main process ends (the attach stream has no
            // exit status), after its message.
            Some(_) if session.is_attached() => {
                if let Some(m) = session.ended_message() {
                    let line = format!("{m}\n");
                    out.stdout.extend(line.as_bytes());
                    out.combined.extend(line.as_bytes());
                    shell.to_terminal(line.as_bytes());
                }
                out.status = 0;
                // kubectl run --rm / --restart=Never|OnFailure: what it does after the session.
                if let Some((o, e, status)) =
                    crate::kubectl::verbs::run::session_ended(world, config)
                {
                    for (is_err, b) in [(false, o), (true, e)] {
                        if is_err {
                            out.stderr.extend(b.as_bytes());
                        } else {
                            out.stdout.extend(b.as_bytes());
                        }
                        out.combined.extend(b.as_bytes());
                        shell.to_terminal(b.as_bytes());
                    }
                    out.status = status;
                }
                shell.state.last_status = out.status;
            }
            // kubectl exec returns when the shell does, with its status.
            Some(status) => {
                if status != 0 {
                    let line = format!("command terminated with exit code {status}\n");
                    out.stderr.extend(line.as_bytes());
                    out.combined.extend(line.as_bytes());
                    shell.to_terminal(line.as_bytes());
                }
                out.status = status;
                shell.state.last_status = status;
            }
            None => config.exec_session = Some(session),
        }
        return out;
    }
    if let Some(mut session) = config.host_session.take() {
        let (mut out, ended) = collect(shell, |sink| world.host_input(&mut session, input, sink));
        match ended {
            // ssh returns when the shell does, with its status.
            Some(status) => {
                let line = ssh::closed(&session);
                out.stderr.extend(line.as_bytes());
                out.combined.extend(line.as_bytes());
                shell.to_terminal(line.as_bytes());
                out.status = status;
                shell.state.last_status = status;
            }
            None => config.host_session = Some(session),
        }
        return out;
    }
    if let Some(mut session) = config.debug_session.take() {
        let mut out = RunOutput::default();
        let mut open = true;
        for line in input.lines() {
            let (o, e, status, still) = crate::oc::node_debug::run_line(world, &mut session, line);
            out.stdout.extend(o.as_bytes());
            out.combined.extend(o.as_bytes());
            out.stderr.extend(e.as_bytes());
            out.combined.extend(e.as_bytes());
            shell.to_terminal(o.as_bytes());
            shell.to_terminal(e.as_bytes());
            out.status = status;
            if !still {
                open = false;
                break;
            }
        }
        if open {
            config.debug_session = Some(session);
        }
        return out;
    }
    let mut host = WorldHost {
        world,
        config,
        editor,
    };
    let mut out = shell.run_with_stdin(input, stdin, &mut host);
    // What the simulation capped or gave up on, said once, after the command's own output.
    for n in world.notices.drain(..) {
        let line = format!("{n}\n");
        shell.to_terminal(line.as_bytes());
        out.stderr.extend(line.as_bytes());
        out.combined.extend(line.as_bytes());
    }
    out
}
