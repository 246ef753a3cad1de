//! `kubectl attach -i` to a container's main process: when it is a shell reading its input (a
//! container with `stdin: true` whose process is `sh`, `bash`, ...: `nodes/process.rs`,
//! `Process::interactive`), the workstation sends it the inputs that follow, as to an
//! `exec -it` session (`session.rs`), until it exits; then the container exits with its status
//! (`World::main_process_ended`) and restarts as its pod says. kubectl's side (checks,
//! notices, the message when the session ends) is the caller's (`kubectl/verbs/attach.rs`);
//! `kubectl run -it` can attach through the same function.

use serde_json::Value;

use crate::world::World;

use super::session::ExecSession;

/// What a session attached to a main process keeps: the line kubectl prints when it ends
/// (`reattachMessage`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attached {
    pub message: Option<String>,
}

impl ExecSession {
    /// Whether this session is a container's main process (`kubectl attach -i`).
    pub fn is_attached(&self) -> bool {
        self.attached.is_some()
    }

    /// What kubectl prints when an attached session ends (None: nothing).
    pub fn ended_message(&self) -> Option<&str> {
        self.attached.as_ref().and_then(|a| a.message.as_deref())
    }
}

impl World {
    /// Attaches to the main process of `container` (running) in `pod`: a session of its shell
    /// (`tty`: it shows its prompt), which `message` follows when it ends; `Err` with kubelab's
    /// notice when the process reads no input kubelab can give it.
    pub fn attach_main(
        &mut self,
        pod: &Value,
        container: &str,
        tty: bool,
        message: Option<String>,
    ) -> Result<ExecSession, String> {
        let t = self.target(pod, container);
        let plan = self
            .pods
            .get(&t.uid)
            .and_then(|r| {
                r.containers
                    .iter()
                    .find(|c| c.container_id == t.container_id)
            })
            .and_then(|c| c.process.clone());
        let Some(plan) = plan.filter(|p| p.interactive) else {
            return Err(format!(
                "kubectl attach -i to container {container} (kubelab gives input only to a main process that is a shell reading it, in a container with stdin: true)"
            ));
        };
        self.attach_shell(pod, container, &plan.argv, tty, Attached { message })
            .map_err(|e| e.message().to_string())
    }
}
