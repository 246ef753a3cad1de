//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fuzz;
pub mod recorded;

use kubelab::workstation::{Workstation, run_script};
use kubelab::world::default_world;

/// Runs a script on a fresh default world; returns (stdout, stderr, status).
pub fn kubelab(script: &str) -> (String, String, i32) {
    let mut ws = Workstation::new(default_world::build(1));
    let (o, e, s) = run_script(&mut ws, script, false);
    (
        String::from_utf8(o).unwrap(),
        String::from_utf8(e).unwrap(),
        s,
    )
}

/// Runs a script with `--echo` on a fresh default world: the transcript a student sees. A
/// comment line `# nfs-server: ADDRESS EXPORT [NAME]` at the top adds that NFS server to the
/// world first (what a lab's `cluster.add_nfs_server` does); a line `# world: FLAVOUR` starts
/// on that world (a lab's `world "FLAVOUR"` item).
pub fn transcript(script: &str) -> String {
    let flavour = script
        .lines()
        .take_while(|l| l.starts_with('#'))
        .find_map(|l| l.strip_prefix("# world: "))
        .and_then(|f| default_world::Flavour::parse(f.trim()))
        .unwrap_or_default();
    let mut world = default_world::build_flavour(1, flavour);
    for line in script.lines().take_while(|l| l.starts_with('#')) {
        // `# node: NAME` joins a worker, `# disk: NODE NAME SIZE` adds an empty disk (as the
        // labs' `cluster.add_node` and `node.add_disk`).
        if let Some(name) = line.strip_prefix("# node: ") {
            world.join_worker(name.trim()).unwrap();
            continue;
        }
        if let Some(rest) = line.strip_prefix("# disk: ") {
            use kubelab::world::nodes::block_devices::{AddedDisk, parse_size};
            let w: Vec<&str> = rest.split_whitespace().collect();
            world
                .node_disks
                .entry(w[0].to_string())
                .or_default()
                .push(AddedDisk {
                    name: w[1].to_string(),
                    size: parse_size(w[2]).unwrap(),
                });
            continue;
        }
        // `# network-policy: on`: the world's CNI enforces NetworkPolicies (as a lab's
        // `cluster.network_policy(true)`).
        if line.strip_prefix("# network-policy: ") == Some("on") {
            world.traffic.network_policy = true;
        }
        let Some(rest) = line.strip_prefix("# nfs-server: ") else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        if let [server, export, name @ ..] = words.as_slice() {
            world
                .nfs_servers
                .entry(server.to_string())
                .or_default()
                .insert(export.to_string());
            if let [name] = name {
                let h = world.nfs_hosts.entry(server.to_string()).or_default();
                h.name = name.to_string();
                h.named = true;
            }
        }
    }
    let mut ws = Workstation::new(world);
    let (o, _, _) = run_script(&mut ws, script, true);
    String::from_utf8(o).unwrap()
}

/// Says that a comparison with a real program did not run, where `cargo test` shows it: on the
/// process's standard error itself (the test harness captures only `print!`/`eprint!`).
pub fn skipped(why: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: {why}");
}

/// Whether the real kubectl is on PATH.
pub fn have_kubectl() -> bool {
    std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs a command line with the real kubectl (through `sh -c`, offline, isolated HOME).
pub fn real(line: &str) -> (String, String, i32) {
    let home = std::env::temp_dir().join("kubelab-real-kubectl-home");
    let _ = std::fs::create_dir_all(&home);
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .env("HOME", &home)
        .env("KUBECONFIG", home.join("config"))
        .env_remove("KUBECTL_EXTERNAL_DIFF")
        .output()
        .expect("sh");
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

/// klog's time and process id (`E1207 18:24:56.090627    8677 run.go:72]`) left out: the host's
/// in a recording of the real kubectl, the world's in kubelab.
pub fn without_klog_header(s: &str) -> String {
    s.lines()
        .map(|l| {
            let b = l.as_bytes();
            let klog = b.len() > 22
                && matches!(b[0], b'E' | b'W' | b'I')
                && b[1..5].iter().all(u8::is_ascii_digit)
                && b[5] == b' '
                && b[14] == b'.';
            if klog {
                let rest = l[21..].trim_start();
                let rest = rest.split_once(' ').map_or(rest, |(_, r)| r);
                format!("{} {rest}\n", &l[..1])
            } else {
                format!("{l}\n")
            }
        })
        .collect()
}
