//! What nginx and httpd of the shipped images write to the container's log as they start
//! (reference §6), whether the image's own command starts them or a container's script does
//! (`kubelet::image_server_started` for both).
//!
//! nginx (nginxinc/docker-nginx): `/docker-entrypoint.sh`, when it runs `nginx`, logs on
//! stdout what it does with each file of `/docker-entrypoint.d/` (verified against upstream's
//! `10-listen-on-ipv6-by-default.sh`: its checks in order, a missing file, a read-only one, a
//! changed one), then nginx's own notices go to `error.log`, a link to /dev/stderr, when the
//! configuration's `error_log` level lets notices through (`notice` in the images since 1.19,
//! `warn` in 1.7.9's, none in nginx-slim's: those print nothing), one `start worker process`
//! per worker (`worker_processes auto` is one per CPU of the node). `kubectl logs` shows both
//! streams merged.
//!
//! httpd (docker-library/httpd): `AH00558` twice (the configuration is read twice) when the pod's
//! host name has no fully qualified name in /etc/hosts, naming the pod's IP; then mpm_event's
//! `AH00489` and core's `AH00094` with the command line as httpd rebuilds it (`-D FOREGROUND`).

use crate::world::api::kinds;
use serde_json::Value;

use crate::calendar::{MONTHS, WEEKDAYS, civil};
use crate::world::World;
use crate::world::api::meta;
use crate::world::registry::rootfs::RootFsSource;

use super::Started;
use super::webserver::{Server, server_of};

/// Where the entrypoint's scripts live.
const ENTRYPOINT_D: &str = "/docker-entrypoint.d";
/// The file `10-listen-on-ipv6-by-default.sh` edits.
const DEFAULT_CONF: &str = "/etc/nginx/conf.d/default.conf";
/// The most workers kubelab starts (nginx itself caps nothing; a node has few CPUs).
const MAX_WORKERS: u32 = 64;
/// The first worker's PID when the entrypoint ran its scripts first (their shells and
/// programs took the PIDs before; reference §6, nginx 1.27 on Debian).
const FIRST_WORKER_AFTER_ENTRYPOINT: u32 = 29;

impl World {
    /// The start log of nginx or httpd when `argv`, the main process of `container` in `pod`,
    /// runs the shipped image's web server; `None` for anything else.
    pub(super) fn web_server_start(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        image: &super::ImageSpec,
    ) -> Option<Started> {
        let RootFsSource::Shipped(family) = image.rootfs else {
            return None;
        };
        let logs = match server_of(family)? {
            Server::Nginx { version, .. } => self.nginx_start(pod, container, argv, version),
            Server::Httpd { version } => self.httpd_start(pod, container, argv, version),
        };
        Some(Started {
            logs: logs.into(),
            exit: None,
        })
    }

    fn nginx_start(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        version: &str,
    ) -> Vec<String> {
        let t = self.target(pod, container);
        let (mut vfs, _) = super::files::assemble(
            self,
            pod,
            container,
            &t.rootfs,
            t.built,
            self.layers.get(&t.container_id).map(|l| &**l),
        );
        let now = self.now();
        let env = |k: &str| {
            t.env
                .iter()
                .rev()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        };
        let mut logs = Vec::new();
        let first = argv.first().map_or("", |a| crate::shell::vfs::file_name(a));
        // The entrypoint script, where the image has it (nginx:1.7.9's config names one its
        // files lack: the server starts directly).
        let entrypoint = first == "docker-entrypoint.sh"
            && argv[0].starts_with('/')
            && vfs.read(&argv[0]).is_ok()
            && matches!(
                argv.get(1).map(String::as_str),
                Some("nginx" | "nginx-debug")
            );
        if entrypoint {
            let quiet = env("NGINX_ENTRYPOINT_QUIET_LOGS").is_some();
            let me = argv[0].as_str();
            let mut say = |line: String| {
                if !quiet {
                    logs.push(line);
                }
            };
            let mut files = vfs.read_dir(ENTRYPOINT_D).unwrap_or_default();
            files.sort();
            if files.is_empty() {
                say(format!(
                    "{me}: No files found in {ENTRYPOINT_D}/, skipping configuration"
                ));
            } else {
                say(format!(
                    "{me}: {ENTRYPOINT_D}/ is not empty, will attempt to perform configuration"
                ));
                say(format!(
                    "{me}: Looking for shell scripts in {ENTRYPOINT_D}/"
                ));
                for name in &files {
                    let f = format!("{ENTRYPOINT_D}/{name}");
                    let executable = vfs.stat(&f).is_ok_and(|s| s.node.perm & 0o111 != 0);
                    let verb = if name.ends_with(".envsh") {
                        "Sourcing"
                    } else if name.ends_with(".sh") {
                        "Launching"
                    } else {
                        say(format!("{me}: Ignoring {f}"));
                        continue;
                    };
                    if !executable {
                        say(format!("{me}: Ignoring {f}, not executable"));
                        continue;
                    }
                    say(format!("{me}: {verb} {f}"));
                    match name.as_str() {
                        "10-listen-on-ipv6-by-default.sh" => {
                            for line in listen_on_ipv6(&mut vfs, &t.rootfs, now) {
                                say(format!("{name}: info: {line}"));
                            }
                        }
                        "15-local-resolvers.envsh" => {}
                        "20-envsubst-on-templates.sh" => {
                            let dir = env("NGINX_ENVSUBST_TEMPLATE_DIR")
                                .unwrap_or("/etc/nginx/templates");
                            if vfs.is_dir(dir) {
                                say(format!(
                                    "kubelab does not simulate {f} (the templates in {dir})"
                                ));
                            }
                        }
                        "30-tune-worker-processes.sh" => {
                            if env("NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE").is_some() {
                                say(format!(
                                    "kubelab does not simulate {f} (NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE)"
                                ));
                            }
                        }
                        _ => say(format!("kubelab does not simulate {f}")),
                    }
                }
                say(format!("{me}: Configuration complete; ready for start up"));
            }
        }
        let conf = vfs
            .read("/etc/nginx/nginx.conf")
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let (notices, workers) = nginx_settings(&conf);
        let workers = workers
            .unwrap_or_else(|| self.node_cpus(pod))
            .clamp(1, MAX_WORKERS);
        if entrypoint {
            while self.pids.get(&t.container_id).copied().unwrap_or(1)
                < FIRST_WORKER_AFTER_ENTRYPOINT - 1
            {
                self.next_pid(&t.container_id);
            }
        }
        let pids: Vec<u32> = (0..workers)
            .map(|_| self.next_pid(&t.container_id))
            .collect();
        if notices {
            let kernel = meta::str_at(pod, &["spec", "nodeName"])
                .and_then(|n| self.object(kinds::NODE, "", n))
                .and_then(|n| meta::str_at(n, &["status", "nodeInfo", "kernelVersion"]))
                .unwrap_or("")
                .to_string();
            let stamp = nginx_time(now);
            let mut notice = |msg: String| logs.push(format!("{stamp} [notice] 1#1: {msg}"));
            notice("using the \"epoll\" event method".into());
            notice(format!("nginx/{version}"));
            if let Some(gcc) = built_by(version) {
                notice(format!("built by {gcc}"));
            }
            notice(format!("OS: Linux {kernel}"));
            notice("getrlimit(RLIMIT_NOFILE): 1048576:1048576".into());
            notice("start worker processes".into());
            for pid in pids {
                notice(format!("start worker process {pid}"));
            }
        }
        logs
    }

    fn httpd_start(
        &mut self,
        pod: &Value,
        container: &str,
        argv: &[String],
        version: &str,
    ) -> Vec<String> {
        let t = self.target(pod, container);
        let now = self.now();
        let mut logs = Vec::new();
        // The kubelet's /etc/hosts gives the pod's name a fully qualified one only with a
        // subdomain (`IP host.sub.ns.svc.cluster.local host`).
        let fqdn = meta::str_at(pod, &["spec", "subdomain"]).is_some_and(|s| !s.is_empty());
        if !fqdn {
            let line = format!(
                "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {}. Set the 'ServerName' directive globally to suppress this message",
                t.pod_ip
            );
            logs.push(line.clone());
            logs.push(line);
        }
        let tid = thread_id(&t.container_id);
        let stamp = httpd_time(now);
        logs.push(format!(
            "[{stamp}] [mpm_event:notice] [pid 1:tid {tid}] AH00489: Apache/{version} (Unix) configured -- resuming normal operations"
        ));
        logs.push(format!(
            "[{stamp}] [core:notice] [pid 1:tid {tid}] AH00094: Command line: '{}'",
            httpd_command_line(argv)
        ));
        logs
    }

    /// The CPUs of the pod's node (its capacity), what `worker_processes auto` counts.
    fn node_cpus(&self, pod: &Value) -> u32 {
        meta::str_at(pod, &["spec", "nodeName"])
            .and_then(|n| self.object(kinds::NODE, "", n))
            .and_then(|n| meta::str_at(n, &["status", "capacity", "cpu"]))
            .and_then(|c| c.parse::<u32>().ok())
            .unwrap_or(1)
    }
}

/// What `10-listen-on-ipv6-by-default.sh` says, in upstream's order of checks: the file
/// missing, not writable (a ConfigMap mount), then its checksum against the package's.
fn listen_on_ipv6(
    vfs: &mut crate::shell::Vfs,
    image: &crate::world::registry::rootfs::RootFs,
    now: i64,
) -> Vec<String> {
    if vfs.is_dir(DEFAULT_CONF) || vfs.read(DEFAULT_CONF).is_err() {
        return vec![format!("{DEFAULT_CONF} is not a file or does not exist")];
    }
    let secs = now.div_euclid(1000);
    if vfs.set_times(DEFAULT_CONF, secs, secs).is_err() {
        return vec![format!(
            "can not modify {DEFAULT_CONF} (read-only file system?)"
        )];
    }
    let mut out = vec![format!("Getting the checksum of {DEFAULT_CONF}")];
    let packaged = image.files.iter().find_map(|f| match &f.kind {
        crate::world::registry::rootfs::FileKind::File(b) if f.path == DEFAULT_CONF => Some(&b[..]),
        _ => None,
    });
    if vfs.read(DEFAULT_CONF).ok() != packaged {
        out.push(format!("{DEFAULT_CONF} differs from the packaged version"));
    } else {
        out.push(format!("Enabled listen on IPv6 in {DEFAULT_CONF}"));
    }
    out
}

/// From nginx.conf's main context: whether `error_log` lets notices through (no directive:
/// the default `error` level), and `worker_processes` (`None` for `auto`; 1 by default).
fn nginx_settings(conf: &str) -> (bool, Option<u32>) {
    let mut notices = false;
    let mut workers = Some(1);
    let mut depth = 0usize;
    for line in conf.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if depth == 0 {
            let words: Vec<&str> = line.trim_end_matches(';').split_whitespace().collect();
            match words.first() {
                Some(&"error_log") => {
                    notices = matches!(words.get(2).copied(), Some("notice" | "info" | "debug"));
                }
                Some(&"worker_processes") => {
                    workers = match words.get(1).copied() {
                        Some("auto") => None,
                        Some(n) => n.parse().ok().or(Some(1)),
                        None => Some(1),
                    };
                }
                _ => {}
            }
        }
        depth += line.matches('{').count();
        depth = depth.saturating_sub(line.matches('}').count());
    }
    (notices, workers)
}

/// `built by` of the packages whose configuration logs notices (nginx.org's Debian 12 builds).
fn built_by(version: &str) -> Option<&'static str> {
    match version {
        "1.25.5" | "1.27.3" => Some("gcc 12.2.0 (Debian 12.2.0-14)"),
        _ => None,
    }
}

/// nginx's error log time, `2026/12/07 04:19:14` (local time, UTC in a container).
fn nginx_time(now: i64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(now);
    format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}")
}

/// httpd's error log time, `Mon Dec 07 04:19:14.123000 2026` (microseconds).
fn httpd_time(now: i64) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(now);
    let us = now.rem_euclid(1000) * 1000;
    format!(
        "{} {} {d:02} {h:02}:{mi:02}:{s:02}.{us:06} {y}",
        WEEKDAYS[wd as usize % 7],
        MONTHS[(mo as usize).saturating_sub(1) % 12]
    )
}

/// The main thread's id as httpd prints it (`pthread_self()`, an address in the high half of
/// the user address space), fixed per container instance.
fn thread_id(container_id: &str) -> u64 {
    // FNV-1a of the container's id: fixed per instance, different between instances.
    let bits = container_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    0x7f00_0000_0000 | ((bits << 12) & 0x00ff_ffff_f000) | 0x740
}

/// The command line httpd logs (`AH00094`): the MPM rebuilds its arguments with each option's
/// value as a word of its own (`-DFOREGROUND` is `-D FOREGROUND`); `httpd-foreground` runs
/// `httpd -DFOREGROUND "$@"`.
fn httpd_command_line(argv: &[String]) -> String {
    let mut words: Vec<String> = Vec::new();
    let args: Vec<String> = match argv.first() {
        Some(p) if crate::shell::vfs::file_name(p) == "httpd-foreground" => {
            words.push("httpd".into());
            std::iter::once("-DFOREGROUND".to_string())
                .chain(argv[1..].iter().cloned())
                .collect()
        }
        Some(p) => {
            words.push(p.clone());
            argv[1..].to_vec()
        }
        None => Vec::new(),
    };
    for a in args {
        match a.strip_prefix('-') {
            Some(rest) if rest.len() > 1 && "CcDdEef".contains(&rest[..1]) => {
                words.push(format!("-{}", &rest[..1]));
                words.push(rest[1..].to_string());
            }
            _ => words.push(a),
        }
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_configurations() {
        assert_eq!(
            nginx_settings(
                "user nginx;\nworker_processes  auto;\nerror_log  /var/log/nginx/error.log notice;\nevents {\n error_log x debug;\n}\n"
            ),
            (true, None)
        );
        assert_eq!(
            nginx_settings("worker_processes  1;\nerror_log  /var/log/nginx/error.log warn;\n"),
            (false, Some(1))
        );
        assert_eq!(
            nginx_settings("#error_log  logs/error.log  notice;\n"),
            (false, Some(1))
        );
    }

    #[test]
    fn httpd_lines() {
        assert_eq!(
            httpd_command_line(&["httpd-foreground".into()]),
            "httpd -D FOREGROUND"
        );
        assert_eq!(
            httpd_command_line(&["httpd".into(), "-DFOREGROUND".into(), "-X".into()]),
            "httpd -D FOREGROUND -X"
        );
        assert_eq!(
            httpd_time(1_741_000_000_123),
            "Mon Mar 03 11:06:40.123000 2025"
        );
        assert_eq!(nginx_time(1_741_000_000_123), "2025/03/03 11:06:40");
        let tid = thread_id("containerd://abcdef0123");
        assert_ne!(tid, thread_id("containerd://abcdef0199"));
        assert!(tid > 0x7f00_0000_0000 && tid < 0x8000_0000_0000);
    }
}
