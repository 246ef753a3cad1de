//! What a container's main process does, from its image and its `command`/`args`
//! (Dockerfile ENTRYPOINT/CMD vs `command`/`args`): the image's own behaviour when run as built,
//! or its argv really run in the shell engine, in virtual time (a shell script, a plain utility:
//! `world/runtime/processes.rs`). A program the image does not contain fails to start, as runc
//! reports it.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::world::clock::Millis;
use crate::world::registry::Image;

/// The plan of a container's process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The argv that runs (entrypoint + cmd after overrides).
    pub argv: Vec<String>,
    /// Lines it writes to its log when it starts.
    pub logs: Vec<String>,
    /// `Some((after, code))`: exits with `code` `after` ms after starting.
    pub exit: Option<(Millis, i32)>,
    /// Time to become ready.
    pub ready_ms: Millis,
    /// Time to stop after SIGTERM.
    pub stop_ms: Millis,
    /// HTTP bodies it serves per port.
    pub http: BTreeMap<u16, String>,
    /// `Some(message)`: the process cannot even start (StartError).
    pub start_error: Option<String>,
    /// The argv runs for real in the shell engine (a shell script or a plain utility, not the
    /// image's own server): its output is the container's log, its status the container's
    /// exit code, and it waits in virtual time when it sleeps.
    pub live: bool,
    /// The live process has started (kubelab may hold one back: `runtime::MAX_PROCESSES`).
    pub started: bool,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect()
    })
}

/// Plans the process of `container` (a pod spec container) running `image`.
pub fn plan(container: &Value, image: &Image) -> Process {
    let cfg = &image.spec.config;
    let behavior = &image.spec.behavior;
    let command = strings(container.get("command"));
    let args = strings(container.get("args"));
    let (entry, cmd) = match (&command, &args) {
        (Some(c), a) => (c.clone(), a.clone().unwrap_or_default()),
        (None, Some(a)) => (cfg.entrypoint.clone(), a.clone()),
        (None, None) => (cfg.entrypoint.clone(), cfg.cmd.clone()),
    };
    let argv: Vec<String> = entry.iter().chain(cmd.iter()).cloned().collect();
    let own = command.is_none() && args.is_none();
    let mut p = Process {
        argv: argv.clone(),
        logs: behavior.logs.clone(),
        exit: behavior.exit_code.map(|c| (behavior.run_ms, c)),
        ready_ms: behavior.ready_ms,
        stop_ms: behavior.stop_ms,
        http: behavior.http.clone(),
        start_error: None,
        live: false,
        started: false,
    };
    if own {
        return p;
    }
    let Some(program) = argv.first() else {
        p.start_error = Some("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: no command specified: unknown".into());
        return p;
    };
    // The runtime looks the program up in the image's files, along the image's PATH (or
    // containerd's default one).
    let path_env = cfg
        .env
        .iter()
        .find_map(|kv| kv.strip_prefix("PATH="))
        .unwrap_or(crate::world::registry::rootfs::DEFAULT_PATH);
    let cwd = if cfg.working_dir.is_empty() {
        "/"
    } else {
        cfg.working_dir.as_str()
    };
    let known = crate::world::registry::rootfs::rootfs_of(&image.spec)
        .find_program(program, path_env, cwd)
        .is_some();
    if !known {
        p.start_error = Some(format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown"
        ));
        p.exit = None;
        return p;
    }
    let is_image_server =
        cfg.entrypoint.first() == Some(program) || cfg.cmd.first() == Some(program);
    if is_image_server && !matches!(program.as_str(), "sh" | "/bin/sh" | "bash" | "/bin/bash") {
        // The image's own program with other arguments: same behaviour.
        return p;
    }
    // A shell script or a plain utility: it runs for real, in virtual time.
    p.http.clear();
    p.logs.clear();
    p.exit = None;
    p.ready_ms = 100;
    // A process that is PID 1 of its container ignores SIGTERM (it installs no handler): it is
    // killed when the grace period ends.
    p.stop_ms = Millis::MAX / 4;
    p.live = true;
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_utilities_run_for_real_the_image_server_as_declared() {
        let image = crate::world::registry::Image::build(crate::world::registry::ImageSpec::new(
            "busybox-1.36",
            0,
            0,
        ));
        let plan_of = |c: serde_json::Value| plan(&c, &image);
        for script in [
            "echo init done",
            "git clone x; done;",
            "echo a && sleep 3600",
        ] {
            let p = plan_of(serde_json::json!({"command": ["sh", "-c", script]}));
            assert!(p.live && p.exit.is_none() && p.logs.is_empty(), "{script}");
        }
        assert!(plan_of(serde_json::json!({"command": ["sleep", "3600"]})).live);
        let missing = plan_of(serde_json::json!({"command": ["git", "clone"]}));
        assert!(!missing.live && missing.start_error.is_some());
    }
}
