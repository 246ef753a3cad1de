//! What a container's main process does, from its image and its `command`/`args`
//! (Dockerfile ENTRYPOINT/CMD vs `command`/`args`): the image's own behaviour when run as built,
//! or its argv really run in the shell engine, in virtual time (a shell script, a plain utility:
//! `world/runtime/processes.rs`). A program the image does not contain fails to start, as runc
//! reports it.

use serde_json::Value;
use std::collections::BTreeMap;

use crate::world::clock::Millis;
use crate::world::registry::{Image, ImageSpec};

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
    /// A shell reading its terminal in a container with `stdin: true`: it waits for input
    /// until `kubectl attach -i` gives it some (`runtime/attach.rs`), and ends when it exits.
    pub interactive: bool,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or("").to_string())
            .collect()
    })
}

/// The image's declared behaviour as the process of `argv` (the image's own server, or the
/// image run as built).
fn behaviour(argv: &[String], spec: &ImageSpec) -> Process {
    let behavior = &spec.behavior;
    Process {
        argv: argv.to_vec(),
        logs: behavior.logs.clone(),
        exit: behavior.exit_code.map(|c| (behavior.run_ms, c)),
        ready_ms: behavior.ready_ms,
        stop_ms: behavior.stop_ms,
        http: behavior.http.clone(),
        start_error: None,
        live: false,
        started: false,
        interactive: false,
    }
}

/// The shell waits for what is typed (`kubectl attach -i`); without `stdin: true` it would
/// read EOF and exit 0 at once. As PID 1 it ignores SIGTERM.
fn waits_for_input(p: &mut Process) {
    p.logs.clear();
    p.http.clear();
    p.exit = None;
    p.stop_ms = Millis::MAX / 4;
    p.interactive = true;
}

/// A shell with nothing to run but what it reads from its input (`sh`, `/bin/bash`, `sh -i`).
pub fn is_bare_shell(argv: &[String]) -> bool {
    argv.first().is_some_and(|p| {
        matches!(
            crate::shell::vfs::file_name(p),
            "sh" | "bash" | "ash" | "dash"
        )
    }) && argv[1..]
        .iter()
        .all(|a| matches!(a.as_str(), "-i" | "-l" | "--login" | "-s"))
}

/// Whether `argv` runs the image's own server in the foreground (what the image's
/// ENTRYPOINT/CMD start, with other arguments: `nginx -g 'daemon off;'`, `redis-server
/// /conf`, `mongod --bind_ip_all`, `docker-entrypoint.sh mysqld`, `httpd-foreground`; and
/// httpd's `httpd -DFOREGROUND`), whether the container's command names it or a script runs
/// it (`runtime/processes.rs`). Shells are never the server. nginx without `daemon off;`
/// forks a daemon and returns at once: not the foreground server ([`starts_daemon`]).
pub fn runs_image_server(argv: &[String], spec: &ImageSpec) -> bool {
    let Some(program) = argv.first() else {
        return false;
    };
    let base = crate::shell::vfs::file_name(program);
    if matches!(base, "sh" | "bash" | "ash" | "dash") {
        return false;
    }
    let cfg = &spec.config;
    let named = |list: &[String]| {
        list.first()
            .is_some_and(|p| p == program || crate::shell::vfs::file_name(p) == base)
    };
    let args = &argv[1..];
    if base == "nginx" {
        return named(&cfg.cmd) && nginx_foreground(args);
    }
    let httpd_image = cfg.cmd.first().is_some_and(|c| c == "httpd-foreground");
    if base == "httpd" && httpd_image {
        // httpd-foreground is `exec httpd -DFOREGROUND "$@"`; other options are not modelled
        // (httpd then says plainly that kubelab does not simulate them).
        return matches!(args, [d] if d == "-DFOREGROUND")
            || matches!(args, [d, f] if d == "-D" && f == "FOREGROUND");
    }
    if base == "httpd-foreground" && httpd_image {
        return args.is_empty();
    }
    named(&cfg.entrypoint) || named(&cfg.cmd)
}

/// nginx's `-g 'daemon off;'` keeps it in the foreground. Other options and directives are not
/// modelled: nginx with them is not taken for the server (the program then says plainly that
/// kubelab does not simulate them).
fn nginx_foreground(args: &[String]) -> bool {
    match args {
        [g, directives] if g == "-g" => {
            let list: Vec<Vec<&str>> = directives
                .split(';')
                .map(|d| d.split_whitespace().collect::<Vec<_>>())
                .filter(|d| !d.is_empty())
                .collect();
            list == [vec!["daemon", "off"]]
        }
        _ => false,
    }
}

/// Whether `argv` is the image's nginx started as a daemon (no `daemon off;`): the master
/// process forks and the command returns 0 at once, the server running on in the background.
pub fn starts_daemon(argv: &[String], spec: &ImageSpec) -> bool {
    let Some(program) = argv.first() else {
        return false;
    };
    crate::shell::vfs::file_name(program) == "nginx"
        && argv.len() == 1
        && spec
            .config
            .cmd
            .first()
            .is_some_and(|c| crate::shell::vfs::file_name(c) == "nginx")
}

/// The plan of the image's own server when a script runs it (`argv`, as the shell expanded
/// it): the same behaviour as when the container's command names it.
pub fn server_plan(argv: &[String], spec: &ImageSpec) -> Process {
    let mut p = behaviour(argv, spec);
    p.started = true;
    p
}

/// Plans the process of `container` (a pod spec container) running `image`.
pub fn plan(container: &Value, image: &Image) -> Process {
    let cfg = &image.spec.config;
    let command = strings(container.get("command"));
    let args = strings(container.get("args"));
    let (entry, cmd) = match (&command, &args) {
        (Some(c), a) => (c.clone(), a.clone().unwrap_or_default()),
        (None, Some(a)) => (cfg.entrypoint.clone(), a.clone()),
        (None, None) => (cfg.entrypoint.clone(), cfg.cmd.clone()),
    };
    let argv: Vec<String> = entry.iter().chain(cmd.iter()).cloned().collect();
    let own = command.is_none() && args.is_none();
    let mut p = behaviour(&argv, &image.spec);
    let interactive =
        container.get("stdin").and_then(Value::as_bool) == Some(true) && is_bare_shell(&argv);
    if own {
        if interactive {
            waits_for_input(&mut p);
        }
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
    if interactive {
        waits_for_input(&mut p);
        p.ready_ms = 100;
        return p;
    }
    // The Ceph daemons rook runs (`world/rook/daemons.rs`).
    let ceph = matches!(
        image.spec.rootfs,
        crate::world::registry::rootfs::RootFsSource::Shipped(
            crate::world::registry::rootfs::Family::Ceph16
                | crate::world::registry::rootfs::Family::RookCeph17
        )
    );
    if let Some(exit) = crate::world::rook::daemons::plan(&argv, ceph) {
        p.http.clear();
        p.logs.clear();
        p.exit = exit.map(|ms| (ms, 0));
        return p;
    }
    if runs_image_server(&argv, &image.spec) {
        // The image's own program with other arguments: same behaviour.
        return p;
    }

    // A shell script or a plain utility: it runs for real, in virtual time (and becomes the
    // image's server if it runs it: `runtime/processes.rs`).
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

    #[test]
    fn the_image_server_whether_the_command_or_a_script_names_it() {
        use crate::world::registry::defaults::default_registry;
        let reg = default_registry();
        let spec = |r: &str| reg.resolve(r).expect("image").image.spec.clone();
        let argv = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let nginx = spec("nginx:1.25");
        assert!(runs_image_server(
            &argv(&["nginx", "-g", "daemon off;"]),
            &nginx
        ));
        assert!(runs_image_server(
            &argv(&["/usr/sbin/nginx", "-g", "daemon off;"]),
            &nginx
        ));
        assert!(!runs_image_server(&argv(&["nginx"]), &nginx));
        assert!(starts_daemon(&argv(&["nginx"]), &nginx));
        assert!(!runs_image_server(
            &argv(&["nginx", "-c", "x", "-g", "daemon off;"]),
            &nginx
        ));
        assert!(!runs_image_server(&argv(&["sh", "-c", "nginx"]), &nginx));
        let httpd = spec("httpd:2.4");
        assert!(runs_image_server(&argv(&["httpd-foreground"]), &httpd));
        assert!(runs_image_server(&argv(&["httpd", "-DFOREGROUND"]), &httpd));
        assert!(runs_image_server(
            &argv(&["httpd", "-D", "FOREGROUND"]),
            &httpd
        ));
        assert!(!runs_image_server(&argv(&["httpd", "-k", "start"]), &httpd));
        assert!(!runs_image_server(
            &argv(&["httpd", "-DFOREGROUND", "-e", "debug"]),
            &httpd
        ));
        assert!(!runs_image_server(
            &argv(&["httpd-foreground", "-X"]),
            &httpd
        ));
        let redis = spec("redis:7.2");
        assert!(runs_image_server(&argv(&["redis-server", "/conf"]), &redis));
        assert!(runs_image_server(
            &argv(&["docker-entrypoint.sh", "redis-server"]),
            &redis
        ));
        assert!(!runs_image_server(&argv(&["redis-server"]), &nginx));
        let p = server_plan(&argv(&["nginx", "-g", "daemon off;"]), &nginx);
        assert!(!p.live && p.http.contains_key(&80) && p.started);
    }

    #[test]
    fn a_shell_with_stdin_waits_for_input_without_it_reads_eof() {
        use crate::world::registry::defaults::default_registry;
        let reg = default_registry();
        let image = reg.resolve("busybox:1.36").expect("image").image;
        let p = plan(&serde_json::json!({"stdin": true}), &image);
        assert!(p.interactive && p.exit.is_none() && !p.live);
        let p = plan(
            &serde_json::json!({"stdin": true, "command": ["sh", "-i"]}),
            &image,
        );
        assert!(p.interactive && !p.live);
        let p = plan(&serde_json::json!({}), &image);
        assert!(!p.interactive && p.exit == Some((100, 0)));
        let p = plan(
            &serde_json::json!({"stdin": true, "command": ["sh", "-c", "read x"]}),
            &image,
        );
        assert!(!p.interactive && p.live);
        let p = plan(
            &serde_json::json!({"stdin": true, "command": ["bash"]}),
            &image,
        );
        assert!(
            !p.interactive && p.start_error.is_some(),
            "busybox has no bash"
        );
    }
}
