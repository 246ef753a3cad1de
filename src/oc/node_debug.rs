//! `oc debug node/NAME` (openshift/oc `pkg/cli/debug/debug.go`) and what its shell offers:
//! `chroot /host`, `crictl images`, `crictl imagefsinfo`, `exit`, run against the node's
//! simulated image store.

use crate::world::api::kinds;
use serde_json::json;

use crate::kubectl::context::{Ctx, DebugSession};
use crate::kubectl::flags::Flags;
use crate::kubectl::outcome::{CmdResult, Failure};
use crate::printers::tabwriter::align;
use crate::printers::units::human_size_precision;
use crate::world::World;

/// `oc debug node/NAME`: prints the start messages and opens the node debug session (the
/// workstation shell takes the following lines until `exit`).
pub fn start(ctx: &mut Ctx<'_>, f: &dyn Flags) -> CmdResult {
    let Some(target) = f.args().first().cloned() else {
        return Err(Failure::Unsupported(
            "oc debug without node/NAME (debugging pods or workloads)".into(),
        ));
    };
    let Some(node) = target
        .strip_prefix("node/")
        .or_else(|| target.strip_prefix("nodes/"))
    else {
        return Err(Failure::Unsupported(format!(
            "oc debug {target}: only node/NAME is supported"
        )));
    };
    if !ctx.world.nodes.contains_key(node) {
        return Err(Failure::Api(crate::world::ApiError {
            reason: crate::world::Reason::NotFound,
            message: format!("nodes \"{node}\" not found"),
            causes: vec![],
        }));
    }
    let simple: String = node
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let suffix = ctx.world.seed.suffix(5);
    let ns_suffix = ctx.world.seed.suffix(5);
    let ip = ctx
        .world
        .object(kinds::NODE, "", node)
        .and_then(|n| crate::world::api::meta::path(n, &["status", "addresses", "0", "address"]))
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    let command = f.dash_args().to_vec();
    // `oc debug node/x -- CMD`: the debug pod runs CMD without a shell; kubelab runs the
    // forms that enter the host (`chroot /host CMD...`), the only ones its node image has.
    if !command.is_empty()
        && command.get(..2) != Some(&["chroot".to_string(), "/host".to_string()][..])
    {
        return Err(Failure::Unsupported(format!(
            "\"oc debug {target} -- {}\": the node debug pod runs only `chroot /host COMMAND`",
            command.join(" ")
        )));
    }
    ctx.io.err(&format!(
        "Temporary namespace openshift-debug-{ns_suffix} is created for debugging node...\n"
    ));
    ctx.io.err(&format!(
        "Starting pod/{}-debug-{suffix} ...\n",
        simple.trim_matches('-')
    ));
    ctx.io.err("To use host binaries, run `chroot /host`\n");
    let namespace = format!("openshift-debug-{ns_suffix}");
    if !command.is_empty() {
        return one_shot(ctx, node, &namespace, &command[2..]);
    }
    ctx.io.err(&format!(
        "Pod IP: {ip}\nIf you don't see a command prompt, try pressing enter.\n"
    ));
    ctx.config.debug_session = Some(DebugSession {
        node: node.to_string(),
        namespace,
        chrooted: false,
    });
    Ok(())
}

/// The one-shot form: the command's output is the debug pod's log (stdout and stderr both, on
/// oc's stdout), then the pod and the temporary namespace go; a failing command ends with oc's
/// `non-zero exit code from debug container`.
fn one_shot(ctx: &mut Ctx<'_>, node: &str, namespace: &str, host_command: &[String]) -> CmdResult {
    let mut session = DebugSession {
        node: node.to_string(),
        namespace: namespace.to_string(),
        chrooted: true,
    };
    // `chroot /host` alone runs the host's shell, which ends at once without a terminal.
    let status = if host_command.is_empty() {
        0
    } else {
        let (out, err, status, _) = run_line(ctx.world, &mut session, &host_command.join(" "));
        ctx.io.out(&out);
        ctx.io.out(&err);
        status
    };
    ctx.io.err(&format!(
        "\nRemoving debug pod ...\nTemporary namespace {namespace} was removed.\n"
    ));
    if status != 0 {
        return Err(Failure::Message(
            "non-zero exit code from debug container".into(),
        ));
    }
    Ok(())
}

/// The prompt inside the debug pod.
pub fn prompt() -> &'static str {
    "sh-5.1# "
}

/// Runs one line inside a debug session: (stdout, stderr, exit status, session still open).
pub fn run_line(
    world: &World,
    session: &mut DebugSession,
    line: &str,
) -> (String, String, i32, bool) {
    let words: Vec<&str> = line.split_whitespace().collect();
    if line.contains(['|', '>', '<', ';', '&', '$', '`']) {
        return (
            String::new(),
            "kubelab: the node debug shell runs one command at a time: no pipes, redirects, lists or expansions\n".to_string(),
            1,
            true,
        );
    }
    match words.as_slice() {
        [] => (String::new(), String::new(), 0, true),
        ["exit", ..] => {
            if session.chrooted {
                session.chrooted = false;
                (String::new(), String::new(), 0, true)
            } else {
                (
                    String::new(),
                    format!(
                        "\nRemoving debug pod ...\nTemporary namespace {} was removed.\n",
                        session.namespace
                    ),
                    0,
                    false,
                )
            }
        }
        ["chroot", "/host", ..] => {
            session.chrooted = true;
            (String::new(), String::new(), 0, true)
        }
        ["crictl", rest @ ..] if session.chrooted => crictl(world, &session.node, rest),
        // The debug pod is privileged and sees the node's /sys: lsblk lists the node's
        // devices inside and outside the chroot.
        ["lsblk", rest @ ..] => {
            let (out, err, status) = world.lsblk(&session.node, rest);
            (out, err, status, true)
        }
        ["crictl", ..] => (
            String::new(),
            "sh: crictl: command not found\n".into(),
            127,
            true,
        ),
        [cmd, ..] => (
            String::new(),
            format!(
                "sh: {cmd}: kubelab's node debug shell only has chroot, crictl, lsblk and exit\n"
            ),
            127,
            true,
        ),
    }
}

fn crictl(world: &World, node: &str, args: &[&str]) -> (String, String, i32, bool) {
    let Some(rt) = world.nodes.get(node) else {
        return (String::new(), "node gone\n".into(), 1, true);
    };
    match args {
        ["images", flags @ ..] => {
            let digests = flags.contains(&"--digests");
            let quiet = flags.contains(&"-q") || flags.contains(&"--quiet");
            let no_trunc = flags.contains(&"--no-trunc");
            let short = |d: &str| {
                let h = d.strip_prefix("sha256:").unwrap_or(d);
                if no_trunc {
                    h.to_string()
                } else {
                    h.chars().take(13).collect()
                }
            };
            if quiet {
                let out: String = rt
                    .images
                    .values()
                    .map(|i| format!("{}\n", i.digest))
                    .collect();
                return (out, String::new(), 0, true);
            }
            let mut rows: Vec<(String, String, String, String, String)> = Vec::new();
            for img in rt.images.values() {
                let digest = img
                    .repo_digests
                    .iter()
                    .next()
                    .and_then(|d| d.split_once('@'))
                    .map(|(_, d)| short(d))
                    .unwrap_or_default();
                let size = human_size_precision(img.size as f64, 3);
                if img.repo_tags.is_empty() {
                    let repo = img
                        .repo_digests
                        .iter()
                        .next()
                        .and_then(|d| d.split_once('@'))
                        .map(|(r, _)| r.to_string())
                        .unwrap_or_default();
                    rows.push((repo, "<none>".into(), digest, short(&img.digest), size));
                } else {
                    for t in &img.repo_tags {
                        let (repo, tag) = t.rsplit_once(':').unwrap_or((t, ""));
                        rows.push((
                            repo.to_string(),
                            tag.to_string(),
                            digest.clone(),
                            short(&img.digest),
                            size.clone(),
                        ));
                    }
                }
            }
            rows.sort();
            let mut t = if digests {
                String::from("IMAGE\tTAG\tDIGEST\tIMAGE ID\tSIZE\n")
            } else {
                String::from("IMAGE\tTAG\tIMAGE ID\tSIZE\n")
            };
            for r in rows {
                if digests {
                    t.push_str(&format!("{}\t{}\t{}\t{}\t{}\n", r.0, r.1, r.2, r.3, r.4));
                } else {
                    t.push_str(&format!("{}\t{}\t{}\t{}\n", r.0, r.1, r.3, r.4));
                }
            }
            (align(&t, 20, 1, 3, ' '), String::new(), 0, true)
        }
        ["imagefsinfo", ..] => {
            let ts = (world.now() as i128 * 1_000_000).to_string();
            let fs = |mount: &str, used: u64, inodes: u64| json!({"fsId": {"mountpoint": mount}, "inodesUsed": {"value": inodes.to_string()}, "timestamp": ts, "usedBytes": {"value": used.to_string()}});
            let used = rt.disk_used();
            let inodes = rt.images.len() as u64 * 137 + 58;
            let doc = json!({"status": {
                "containerFilesystems": [fs("/var/lib/containers/storage/overlay-containers", 0, 0)],
                "imageFilesystems": [fs("/var/lib/containers/storage/overlay-images", used, inodes)],
            }});
            (
                format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                ),
                String::new(),
                0,
                true,
            )
        }
        [other, ..] => (
            String::new(),
            format!(
                "crictl: kubelab supports only `crictl images` and `crictl imagefsinfo`, not `crictl {other}`\n"
            ),
            1,
            true,
        ),
        [] => (
            String::new(),
            "crictl: a command is required (images, imagefsinfo)\n".into(),
            1,
            true,
        ),
    }
}
