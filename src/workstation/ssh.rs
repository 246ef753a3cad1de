//! `ssh` on the student's machine: a root login on the lab's NFS servers
//! (`world/runtime/nfs_host.rs`), by address or by the name the lab gave the server. Without a
//! command it opens a shell there that takes the following inputs until `exit`; with one it
//! runs it (`ssh 10.0.2.5 ls /home/nfs`); a script on its standard input runs there too.
//! Messages are OpenSSH's (`ssh.c`, written by `log.c` with `\r\n` on stderr); any other
//! machine is kubelab's plain notice.

use crate::kubectl::context::ClientConfig;
use crate::shell::Sink;
use crate::world::World;

/// What `ssh ARGS` was asked.
struct Request {
    user: Option<String>,
    target: String,
    command: Vec<String>,
    force_tty: bool,
    no_tty: bool,
    quiet: bool,
}

fn parse(args: &[String]) -> Result<Request, String> {
    let mut r = Request {
        user: None,
        target: String::new(),
        command: vec![],
        force_tty: false,
        no_tty: false,
        quiet: false,
    };
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if !a.starts_with('-') || a == "-" {
            r.target = a.clone();
            r.command = args[i..].to_vec();
            break;
        }
        match a.as_str() {
            "-t" | "-tt" => r.force_tty = true,
            "-T" => r.no_tty = true,
            "-q" => r.quiet = true,
            "-l" => {
                r.user = args.get(i).cloned();
                i += 1;
            }
            "-p" => {
                let port = args.get(i).map(String::as_str).unwrap_or("");
                i += 1;
                if port != "22" {
                    return Err(format!("kubelab does not simulate ssh to port {port}"));
                }
            }
            other => return Err(format!("kubelab does not support the ssh option {other}")),
        }
    }
    if r.target.is_empty() {
        return Err("kubelab does not simulate ssh without a destination (its usage text)".into());
    }
    if let Some((user, host)) = r.target.clone().split_once('@') {
        r.user = Some(user.to_string());
        r.target = host.to_string();
    }
    Ok(r)
}

/// Runs `ssh ARGS` on the workstation: its exit status. `terminal`: the workstation's input
/// is a terminal (the interactive prompt, nothing piped in); `stdin`: what was piped in.
pub(super) fn ssh(
    world: &mut World,
    config: &mut ClientConfig,
    args: &[String],
    stdin: &[u8],
    terminal: bool,
    out: Sink<'_>,
) -> i32 {
    let r = match parse(args) {
        Ok(r) => r,
        Err(msg) => {
            out(true, format!("{msg}\n").as_bytes());
            return 255;
        }
    };
    let Some(server) = world.nfs_server_named(&r.target) else {
        let resolves = r.target.parse::<std::net::Ipv4Addr>().is_ok()
            || world.nodes.contains_key(&r.target)
            || world
                .resolve_host(
                    &crate::world::dns::ResolvConf::workstation(&config.namespace),
                    "",
                    &r.target,
                )
                .is_ok();
        let msg = if resolves {
            format!(
                "kubelab does not simulate ssh to {}: only the lab's NFS servers take logins\n",
                r.target
            )
        } else {
            format!(
                "ssh: Could not resolve hostname {}: Name or service not known\r\n",
                r.target
            )
        };
        out(true, msg.as_bytes());
        return 255;
    };
    if let Some(user) = r.user.as_deref().filter(|u| *u != "root") {
        out(
            true,
            format!("kubelab's NFS server has only the root login, not {user}\n").as_bytes(),
        );
        return 255;
    }
    if !r.command.is_empty() {
        // sshd runs the words joined by spaces with the user's shell (`bash -c`).
        return world.host_command(&server, &r.command.join(" "), out);
    }
    if !stdin.is_empty() {
        if !r.quiet && !r.no_tty {
            out(
                true,
                b"Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n",
            );
        }
        let script = String::from_utf8_lossy(stdin).into_owned();
        return world.host_command(&server, &script, out);
    }
    let tty = (terminal || r.force_tty) && !r.no_tty;
    if !terminal && !r.force_tty && !r.no_tty && !r.quiet {
        out(
            true,
            b"Pseudo-terminal will not be allocated because stdin is not a terminal.\r\n",
        );
    }
    config.host_session = Some(world.open_host_shell(&server, &r.target, tty));
    0
}

/// What the workstation shows when the shell on the server ends: bash's `logout` and ssh's
/// `Connection to X closed.`, with a terminal only.
pub(super) fn closed(session: &crate::world::runtime::HostSession) -> String {
    if session.tty {
        format!("logout\nConnection to {} closed.\r\n", session.target)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn destinations() {
        let r = parse(&args("root@10.0.2.5")).unwrap();
        assert_eq!(
            (r.user.as_deref(), r.target.as_str()),
            (Some("root"), "10.0.2.5")
        );
        let r = parse(&args("-l admin nfs ls /home")).unwrap();
        assert_eq!(r.user.as_deref(), Some("admin"));
        assert_eq!(r.command, args("ls /home"));
        assert!(parse(&args("-X host")).is_err());
        assert!(parse(&args("-p 2222 host")).is_err());
    }
}

#[cfg(test)]
mod session_tests {
    use crate::kubectl::context::ClientConfig;
    use crate::shell::{Shell, Vfs};
    use crate::world::World;

    #[test]
    fn a_terminal_session_shows_the_prompt_and_says_goodbye() {
        let mut w = World::empty(1, 1_740_992_400_000);
        w.nfs_servers
            .entry("10.0.2.5".into())
            .or_default()
            .insert("/home/nfs".into());
        let mut sh = Shell::new(Vfs::new());
        let mut c = ClientConfig::default();
        let o = super::super::run_on(&mut w, &mut sh, &mut c, "ssh 10.0.2.5", b"", true);
        assert!(
            o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let s = c.host_session.as_ref().expect("session");
        assert_eq!(s.prompt(), "root@nfs-server:~# ");
        let o = super::super::run_on(&mut w, &mut sh, &mut c, "cd /home/nfs", b"", true);
        assert_eq!(o.status, 0);
        assert_eq!(
            c.host_session.as_ref().map(|s| s.prompt()).as_deref(),
            Some("root@nfs-server:/home/nfs# ")
        );
        let o = super::super::run_on(&mut w, &mut sh, &mut c, "exit", b"", true);
        assert_eq!(
            String::from_utf8_lossy(&o.stderr),
            "logout\nConnection to 10.0.2.5 closed.\r\n"
        );
        assert!(c.host_session.is_none());
    }
}
