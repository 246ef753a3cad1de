//! The world's side of containers' main processes: each running one is a coroutine
//! (`process_host.rs` runs on its thread) that the world starts and resumes, serving what it
//! asks for. The kubelet decides when (`nodes/kubelet.rs`); this runs a process until it next
//! sleeps or ends, puts its files back and writes its output to the container's log, at the
//! virtual time it was written.
//!
//! Processes are bounded ([`MAX_PROCESSES`] per world) and dropped with their container. A
//! clone of the world (a snapshot) has none of them: the kubelet of a clone that is used starts
//! its running scripts again from the beginning.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::coroutine::Coroutine;
use crate::shell::{Call, Host, Profile};
use crate::world::World;
use crate::world::clock::Millis;
use crate::world::registry::ImageSpec;

use super::Target;
use super::process_host::{self, Answer, ImageTable, Start};

/// Main processes running at once in one world (as the pods are bounded).
pub const MAX_PROCESSES: usize = 256;

/// The stack of a process's thread: the shell engine is a recursive interpreter.
pub(super) const STACK_BYTES: usize = 8 << 20;

/// The processes of a container: PID 1 (its main process) and the background jobs its shells
/// started (`jobs.rs`).
pub(super) struct Live {
    /// The pod it runs in.
    pub uid: String,
    /// A signal sent to PID 1, handed over when it next wakes.
    pub signal: Option<&'static str>,
    /// Its processes by PID.
    pub procs: BTreeMap<u32, super::jobs::Proc>,
    /// Background jobs that ended and were not waited for: their statuses by (parent, PID).
    pub ended: BTreeMap<(u32, u32), i32>,
}

/// The running main processes, by container id. A clone has none (see the module's notes).
pub struct Processes {
    pub(super) live: BTreeMap<String, Live>,
    /// How many may run at once ([`MAX_PROCESSES`]).
    pub limit: usize,
}

impl Default for Processes {
    fn default() -> Self {
        Processes {
            live: BTreeMap::new(),
            limit: MAX_PROCESSES,
        }
    }
}

impl Clone for Processes {
    fn clone(&self) -> Self {
        Processes {
            live: BTreeMap::new(),
            limit: self.limit,
        }
    }
}

impl std::fmt::Debug for Processes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.live.keys()).finish()
    }
}

impl Processes {
    /// How many run (main processes and background jobs).
    pub fn len(&self) -> usize {
        self.live.values().map(|l| l.procs.len()).sum()
    }

    /// Whether none runs.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }
}

/// Where a process stands after the world ran it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It sleeps until this time (None: for ever).
    Sleeping(Option<Millis>),
    /// It ended with this status; `killed`: kubelab stopped it (a loop that never lets time
    /// pass, [`process_host::MAX_STEPS`]).
    Exited { status: i32, killed: bool },
    /// [`MAX_PROCESSES`] run already: it did not start.
    Full,
    /// It ran the image's own server in the foreground (`nginx -g 'daemon off;'`,
    /// `redis-server /conf`, `exec mongod`): the server is the container's process now, with
    /// this plan (the script's process is gone: the shell exec'ed it, as dash and ash do with
    /// the last command of `sh -c`).
    Server(Box<crate::world::nodes::process::Process>),
}

impl World {
    /// Starts the main process `argv` of `container` in `pod` (a running container) and runs it
    /// until it first sleeps or ends.
    pub(crate) fn start_main_process(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
    ) -> Outcome {
        let t = self.target(pod, container);
        self.drop_process(&t.container_id);
        // The kubelet found the program; should the image lack it after all, the status is a
        // shell's "not found".
        let Ok(program) = self.resolve(pod, &t, argv) else {
            return Outcome::Exited {
                status: 127,
                killed: false,
            };
        };
        if program == "printenv" || (program == "env" && argv.len() == 1) {
            // The runtime's own order of the environment: at once, through `exec`.
            let mut out = Vec::new();
            let mut sink = |_: bool, b: &[u8]| {
                out.extend_from_slice(b);
                true
            };
            let status = self
                .exec(pod, container, argv, b"", &mut sink)
                .unwrap_or(127);
            let mut partial = Vec::new();
            self.log(&t, &mut partial, &out, true);
            return Outcome::Exited {
                status,
                killed: false,
            };
        }
        if self.processes.len() >= self.processes.limit {
            return Outcome::Full;
        }
        let (vfs, mounted) = self.open_files(pod, &t);
        let start = Start {
            program,
            argv: argv.to_vec(),
            env: t.env.clone(),
            cwd: t.cwd.clone(),
            vfs,
            image: ImageTable {
                sh: t.rootfs.sh,
                userland: t.rootfs.userland,
                programs: t.rootfs.programs.clone(),
            },
            now_ms: self.now(),
        };
        let (co, step) = Coroutine::start(STACK_BYTES, move |y| process_host::run(start, y));
        let mut live = Live {
            uid: t.uid.clone(),
            signal: None,
            procs: BTreeMap::new(),
            ended: BTreeMap::new(),
        };
        live.procs.insert(1, super::jobs::Proc::main(co));
        let image = self.container_spec_of(pod, &t);
        self.schedule(pod, &t, image.as_ref(), live, Some((1, step, mounted)))
    }

    /// Wakes the sleeping main process of `container`: None when it has none (a clone of the
    /// world, or a process that could not start), for the kubelet to start it again.
    pub(crate) fn resume_main_process(&mut self, pod: &Value, container: &str) -> Option<Outcome> {
        let t = self.target(pod, container);
        let live = self.processes.live.remove(&t.container_id)?;
        let image = self.container_spec_of(pod, &t);
        Some(self.schedule(pod, &t, image.as_ref(), live, None))
    }

    /// Sends `signal` (`"TERM"`) to the main process of `container`: its script's trap for it
    /// runs when it next wakes (a foreground `sleep` ends first). False when it has no
    /// running process.
    pub(crate) fn signal_main_process(
        &mut self,
        pod: &Value,
        container: &str,
        signal: &'static str,
    ) -> bool {
        let t = self.target(pod, container);
        // PID 1 only, as the kubelet signals a container.
        match self.processes.live.get_mut(&t.container_id) {
            Some(l) => {
                l.signal = Some(signal);
                true
            }
            None => false,
        }
    }

    /// Drops the processes of `uid`'s containers that no longer run (stopped, replaced, or the
    /// pod gone).
    pub(crate) fn reap_processes(&mut self, uid: &str) {
        if self.processes.live.is_empty() {
            return;
        }
        let pods = &self.pods;
        self.processes.live.retain(|cid, l| {
            l.uid != uid
                || pods.get(uid).is_some_and(|r| {
                    r.containers
                        .iter()
                        .any(|c| &c.container_id == cid && c.is_running())
                })
        });
    }

    fn drop_process(&mut self, container_id: &str) {
        self.processes.live.remove(container_id);
    }

    /// The image a target's container runs (what its node pulled).
    pub(super) fn container_spec_of(&self, pod: &Value, t: &Target) -> Option<ImageSpec> {
        let name = self
            .pods
            .get(&t.uid)?
            .containers
            .iter()
            .find(|c| c.container_id == t.container_id)?
            .image_name
            .clone();
        self.container_image(pod, &name)
    }

    /// Runs a program the process asked for: a shell goes back to the process (it runs shells
    /// itself); anything else runs here, on the process's files, as in `kubectl exec`.
    pub(super) fn serve(
        &mut self,
        t: &Target,
        argv: &[String],
        stdin: &[u8],
        env: &[(String, String)],
        cwd: &str,
        vfs: crate::shell::Vfs,
    ) -> Answer {
        let path = env
            .iter()
            .rev()
            .find(|(k, _)| k == "PATH")
            .map_or("", |(_, v)| v.as_str());
        let Some(name) = argv.first() else {
            return Answer::Ran {
                status: None,
                out: Vec::new(),
                vfs,
            };
        };
        let program = super::host::program_of(&t.rootfs, name, path, cwd);
        if let Some(p) = &program
            && matches!(p.as_str(), "sh" | "ash" | "bash" | "dash")
        {
            return Answer::Shell {
                program: p.clone(),
                vfs,
            };
        }
        let profile = Profile {
            name: "sh".into(),
            dialect: t.rootfs.sh.unwrap_or(crate::shell::Dialect::Ash),
            userland: t.rootfs.userland,
            programs: None,
        };
        let mut sh = super::shell::session(vfs, profile, env, cwd);
        let mut out: Vec<(bool, Vec<u8>)> = Vec::new();
        let mut sink = |is_err: bool, b: &[u8]| {
            if !b.is_empty() {
                out.push((is_err, b.to_vec()));
            }
            true
        };
        let status = self.container_host(t).exec(Call {
            argv,
            stdin,
            shell: &mut sh.state,
            out: &mut sink,
            interrupt: None,
        });
        Answer::Ran {
            status,
            out,
            vfs: std::mem::take(&mut sh.state.vfs),
        }
    }

    /// Appends what a process wrote to its container's log, line by line (`end`: the process
    /// ended, a last line without a newline counts).
    pub(super) fn log(&mut self, t: &Target, partial: &mut Vec<u8>, bytes: &[u8], end: bool) {
        partial.extend_from_slice(bytes);
        let mut lines = Vec::new();
        let mut from = 0;
        while let Some(i) = partial[from..].iter().position(|b| *b == b'\n') {
            let mut line = &partial[from..from + i];
            if let [rest @ .., b'\r'] = line {
                line = rest;
            }
            lines.push(String::from_utf8_lossy(line).into_owned());
            from += i + 1;
        }
        partial.drain(..from);
        if end && !partial.is_empty() {
            lines.push(String::from_utf8_lossy(partial).into_owned());
            partial.clear();
        }
        if lines.is_empty() {
            return;
        }
        let now = self.now();
        if let Some(c) = self.pods.get_mut(&t.uid).and_then(|r| {
            r.containers
                .iter_mut()
                .find(|c| c.container_id == t.container_id)
        }) {
            c.logs.at(now).extend(lines);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::world::World;
    use crate::world::api::{kinds, meta};
    use crate::world::default_world;

    fn pod(name: &str, script: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": "Never", "containers": [
                {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", script]}]}})
    }

    fn uid(w: &World, name: &str) -> String {
        let k = kinds::by_kind("Pod").expect("kind");
        meta::uid(w.store.get(k, "default", name).expect("pod")).to_string()
    }

    fn logs(w: &World, name: &str) -> Vec<String> {
        w.pods[&uid(w, name)].containers[0].logs.lines()
    }

    fn exit_code(w: &World, name: &str) -> Option<i32> {
        match &w.pods[&uid(w, name)].containers[0].state {
            crate::world::nodes::ContainerState::Terminated { exit_code, .. } => Some(*exit_code),
            _ => None,
        }
    }

    fn messages(w: &World, name: &str) -> Vec<String> {
        w.events_for(&uid(w, name))
            .iter()
            .filter_map(|e| e.get("message").and_then(Value::as_str).map(str::to_string))
            .collect()
    }

    #[test]
    fn a_script_sleeps_in_virtual_time_and_keeps_its_place() {
        let mut w = default_world::build(1);
        w.create(
            pod(
                "p",
                "i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; sleep 10; done; exit 4",
            ),
            false,
        )
        .expect("create");
        w.advance(2_000);
        assert_eq!(logs(&w, "p"), ["1"]);
        assert_eq!(w.processes.len(), 1, "it sleeps, suspended");
        w.advance(10_000);
        assert_eq!(logs(&w, "p"), ["1", "2"]);
        assert_eq!(exit_code(&w, "p"), None);
        w.advance(20_000);
        assert_eq!(logs(&w, "p"), ["1", "2", "3"]);
        assert_eq!(exit_code(&w, "p"), Some(4));
        assert!(w.processes.is_empty(), "its thread ended");
    }

    #[test]
    fn a_clone_starts_its_running_scripts_again_and_says_so() {
        let mut w = default_world::build(1);
        w.create(pod("p", "echo start; sleep 10; echo end"), false)
            .expect("create");
        w.advance(2_000);
        let mut clone = w.clone();
        assert!(clone.processes.is_empty(), "processes are not shared");
        // The original goes on where it was.
        w.advance(10_000);
        assert_eq!(logs(&w, "p"), ["start", "end"]);
        // The clone starts the script from its beginning when it would have woken.
        clone.advance(10_000);
        assert_eq!(logs(&clone, "p"), ["start", "start"]);
        assert!(
            messages(&clone, "p")
                .iter()
                .any(|m| m.starts_with("kubelab started the process of container c again")),
            "{:?}",
            messages(&clone, "p")
        );
        clone.advance(10_000);
        assert_eq!(logs(&clone, "p"), ["start", "start", "end"]);
    }

    #[test]
    fn processes_are_bounded_and_a_held_one_starts_when_one_ends() {
        let mut w = default_world::build(1);
        w.processes.limit = 1;
        w.create(pod("a", "sleep 20"), false).expect("create");
        w.advance(2_000);
        w.create(pod("b", "echo b ran"), false).expect("create");
        w.advance(2_000);
        assert!(logs(&w, "b").is_empty());
        assert!(
            messages(&w, "b")
                .iter()
                .any(|m| m.starts_with("kubelab runs at most 1 container processes")),
            "{:?}",
            messages(&w, "b")
        );
        w.advance(30_000);
        assert_eq!(exit_code(&w, "a"), Some(0));
        assert_eq!(logs(&w, "b"), ["b ran"]);
        assert_eq!(exit_code(&w, "b"), Some(0));
    }

    #[test]
    fn a_process_goes_with_its_pod() {
        let mut w = default_world::build(1);
        w.create(pod("p", "while true; do sleep 1; done"), false)
            .expect("create");
        w.advance(5_000);
        assert_eq!(w.processes.len(), 1);
        let k = kinds::by_kind("Pod").expect("kind");
        w.delete_internal(k, "default", "p").expect("delete");
        w.settle();
        // A script as PID 1 ignores SIGTERM: it runs until the grace period ends.
        w.advance(29_000);
        assert_eq!(w.processes.len(), 1);
        w.advance(2_000);
        assert!(w.processes.is_empty());
    }

    #[test]
    fn a_loop_that_never_lets_time_pass_is_killed() {
        let mut w = default_world::build(1);
        w.create(pod("p", "until false; do true; done"), false)
            .expect("create");
        w.advance(2_000);
        assert_eq!(exit_code(&w, "p"), Some(137));
        assert!(logs(&w, "p")[0].starts_with("kubelab: killed this container's process"));
        assert!(w.processes.is_empty());
    }

    #[test]
    fn sigterm_runs_the_scripts_trap_and_the_pod_goes_when_it_ends() {
        let mut w = default_world::build(1);
        w.create(
            pod(
                "p",
                "trap 'echo term; exit 0' TERM; trap 'echo at exit' EXIT; while true; do sleep 5; done",
            ),
            false,
        )
        .expect("create");
        w.advance(3_000);
        let k = kinds::by_kind("Pod").expect("kind");
        w.delete_internal(k, "default", "p").expect("delete");
        w.settle();
        // The trap waits for the foreground sleep, which started less than 5 s ago.
        w.advance(500);
        assert!(w.store.get(k, "default", "p").is_some());
        assert!(logs(&w, "p").is_empty());
        w.advance(5_000);
        assert!(
            w.store.get(k, "default", "p").is_none(),
            "gone before the grace period"
        );
        assert!(w.processes.is_empty());
    }

    #[test]
    fn a_background_job_runs_in_virtual_time_beside_the_script() {
        let mut w = default_world::build(1);
        w.create(
            pod(
                "p",
                "(sleep 3; echo job done; exit 5) & echo started $!; sleep 1; echo main; wait $!; echo waited $?",
            ),
            false,
        )
        .expect("create");
        w.advance(1_500);
        assert_eq!(logs(&w, "p")[0], "started 2");
        assert_eq!(w.processes.len(), 2, "the script and its job");
        w.advance(10_000);
        let l = logs(&w, "p");
        assert_eq!(l[1..], ["main", "job done", "waited 5"], "{l:?}");
        assert_eq!(exit_code(&w, "p"), Some(0));
        assert!(w.processes.is_empty());
    }

    #[test]
    fn jobs_die_with_pid_1_and_share_its_files() {
        let mut w = default_world::build(1);
        w.create(
            pod(
                "p",
                "while true; do echo x >> /tmp/f; sleep 1; done & sleep 3; wc -l < /tmp/f",
            ),
            false,
        )
        .expect("create");
        w.advance(10_000);
        assert_eq!(logs(&w, "p"), ["3"]);
        assert_eq!(exit_code(&w, "p"), Some(0));
        assert!(w.processes.is_empty(), "the job went with the container");
    }

    #[test]
    fn wait_for_all_and_for_an_unknown_pid() {
        let mut w = default_world::build(1);
        w.create(
            pod(
                "p",
                "sleep 2 & sleep 4 & wait; echo all $?; wait 77; echo unknown $?; (exit 4) & wait $! 78; echo kept $?; wait",
            ),
            false,
        )
        .expect("create");
        w.advance(2_000);
        assert!(logs(&w, "p").is_empty());
        w.advance(10_000);
        // ash, as dash, skips a PID that is not its job: the status is the last job's.
        assert_eq!(logs(&w, "p"), ["all 0", "unknown 127", "kept 4"]);
    }

    #[test]
    fn a_job_that_never_lets_time_pass_is_killed_alone() {
        let mut w = default_world::build(1);
        w.create(
            pod("p", "while true; do :; done & sleep 2; echo main goes on"),
            false,
        )
        .expect("create");
        w.advance(10_000);
        let l = logs(&w, "p");
        assert!(
            l[0].starts_with("kubelab: killed background job 2"),
            "{l:?}"
        );
        assert_eq!(l[1], "main goes on");
        assert_eq!(exit_code(&w, "p"), Some(0));
    }
}
