//! The processes of a container as the runtime knows them, and busybox `ps` (procps/ps.c, the
//! "desktop" build of the official image: `pid,user,time,args`, header `PID   USER     TIME
//! COMMAND`); procps-ng `ps` formats the same list (`procps.rs`). PID 1 is the container's
//! main process (its argv, as the kubelet started it, or as the image's entrypoint leaves it
//! when kubelab knows it execs: mongo's); a command `kubectl exec` runs gets the next PID of
//! the container instance (kubelab hands PIDs out in order, one per process started); a
//! shell's children follow it.
//!
//! What kubelab does not know it says: the processes a shell script started as its main
//! process (its `sleep`s), or an init such as tini started, are not modelled, so `ps` there is
//! kubelab's notice; busybox's `-o` and `-T` neither.

use super::host::ContainerHost;
use crate::shell::{ShellState, Sink};
use crate::world::World;
use crate::world::api::kinds;
use crate::world::clock::Millis;
use crate::world::nodes::ContainerState;

/// One process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Proc {
    pub pid: u32,
    /// Its parent's PID (0: started from outside the container, as PID 1 and the processes
    /// `kubectl exec` starts are).
    pub ppid: u32,
    /// The user name or id it runs as (`root`, `1000`).
    pub user: String,
    pub argv: Vec<String>,
    /// Its terminal (`pts/0` under `kubectl exec -t`), if any.
    pub tty: Option<String>,
    /// When it started (virtual time).
    pub started: Millis,
    /// Whether it is running (ps itself) rather than sleeping.
    pub running: bool,
    /// Whether it leads its session (PID 1 and what `kubectl exec` started: runc's `setsid`).
    pub session_leader: bool,
    /// Whether it is in its terminal's foreground process group.
    pub foreground: bool,
}

impl Proc {
    /// A sleeping process without a terminal, started from outside the container.
    pub fn new(pid: u32, user: &str, argv: Vec<String>, started: Millis) -> Proc {
        Proc {
            pid,
            ppid: 0,
            user: user.to_string(),
            argv,
            tty: None,
            started,
            running: false,
            session_leader: true,
            foreground: false,
        }
    }
}

/// PID 1 as `ps` shows it, from the container's command and whom it runs as, or `None` when
/// kubelab does not know the processes it leads: a shell running a script (its children are not
/// modelled; a shell reading its input runs nothing else), tini and other inits (their child is not modelled). mongo's entrypoint is
/// followed to the mongod it execs (docker-library/mongo `docker-entrypoint.sh`: a first
/// argument that is an option gets `mongod` before it; as root, it runs itself again as
/// `gosu mongodb`; without `--bind_ip`/`--bind_ip_all` it appends `--bind_ip_all`; `numactl
/// --interleave=all` execs mongod with the rest). Not followed: the `--auth` and config-file
/// cases of that script.
pub(super) fn main_process(argv: &[String], user: &str) -> Option<(Vec<String>, String)> {
    let first = argv.first()?;
    let name = first.rsplit('/').next().unwrap_or(first);
    match name {
        // A shell reading its input (`kubectl attach -i`) runs nothing else.
        "sh" | "ash" | "bash" | "dash" if crate::world::nodes::process::is_bare_shell(argv) => {
            Some((argv.to_vec(), user.to_string()))
        }
        "sh" | "ash" | "bash" | "dash" | "tini" | "dumb-init" => None,
        "docker-entrypoint.sh" if super::mongo::is_mongod(argv) => {
            let mut args: Vec<String> = argv[1..].to_vec();
            if args.first().is_some_and(|a| a.starts_with('-')) {
                args.insert(0, "mongod".into());
            }
            if !args
                .iter()
                .any(|a| a == "--bind_ip_all" || a == "--bind_ip" || a.starts_with("--bind_ip="))
            {
                args.push("--bind_ip_all".into());
            }
            let user = if user == "0" || user == "root" {
                "999".to_string()
            } else {
                user.to_string()
            };
            Some((args, user))
        }
        "docker-entrypoint.sh" => None,
        _ => Some((argv.to_vec(), user.to_string())),
    }
}

/// `ps` in a container: busybox's or procps-ng's (`procps.rs`) by the image's userland, over
/// the container's processes: PID 1, the process `kubectl exec` started (or the session's
/// shell), `ps` itself.
pub(super) fn run(
    h: &mut ContainerHost<'_>,
    argv: &[String],
    shell: &mut ShellState,
    out: Sink<'_>,
) -> i32 {
    let Some((main, main_user)) = h.main.clone().and_then(|m| main_process(&m, &h.user)) else {
        let first = h
            .main
            .as_ref()
            .and_then(|m| m.first())
            .map_or("", |a| a.as_str());
        let name = first.rsplit('/').next().unwrap_or(first);
        let what = match name {
            "tini" | "dumb-init" => name.to_string(),
            _ => "a shell script".to_string(),
        };
        let msg = format!(
            "kubelab does not simulate ps in {} when the container's main process is {what} (the programs it starts are not modelled)\n",
            h.image
        );
        out(true, msg.as_bytes());
        return 126;
    };
    let passwd =
        String::from_utf8_lossy(shell.vfs.read("/etc/passwd").unwrap_or_default()).into_owned();
    let now = h.world.now();
    let (started, mem_total_kb) = container_facts(h.world, &h.container_id);
    let user = user_name(&h.user, &passwd);
    let tty = h.tty.then(|| "pts/0".to_string());
    let mut procs = vec![Proc::new(
        1,
        &user_name(&main_user, &passwd),
        main,
        started.unwrap_or(now),
    )];
    let mut me = Proc::new(0, &user, argv.to_vec(), now);
    me.running = true;
    me.tty = tty.clone();
    me.foreground = tty.is_some();
    match &h.leader {
        Some((pid, _, false)) => me.pid = *pid,
        Some((pid, leader, true)) => {
            // A shell without a script reads commands at its terminal: job control puts
            // each command in the foreground, not the shell.
            let interactive = !leader
                .iter()
                .skip(1)
                .any(|a| a == "-c" || !a.starts_with('-'));
            let mut sh = Proc::new(*pid, &user, leader.clone(), now);
            sh.tty = tty.clone();
            sh.foreground = tty.is_some() && !interactive;
            procs.push(sh);
            me.pid = h.world.next_pid(&h.container_id);
            me.ppid = *pid;
            me.session_leader = false;
        }
        None => me.pid = h.world.next_pid(&h.container_id),
    }
    procs.push(me.clone());
    let table = if h.rootfs.userland == crate::shell::Userland::Busybox {
        busybox_ps(&argv[1..], &procs)
    } else {
        let machine = super::procps::Machine { now, mem_total_kb };
        super::procps::procps_ps(&argv[1..], &procs, &me, machine)
    };
    match table {
        Ok(table) => {
            out(false, table.as_bytes());
            0
        }
        Err(what) => {
            let (msg, status) = super::host::not_simulated(&what, &h.image);
            out(true, &msg);
            status
        }
    }
}

/// When the container instance started, and its node's memory in kB (its capacity, the
/// node's MemTotal; 4 GiB when it cannot be read).
fn container_facts(world: &World, container_id: &str) -> (Option<Millis>, u64) {
    let Some((rt, c)) = world.pods.values().find_map(|r| {
        r.containers
            .iter()
            .find(|c| c.container_id == container_id)
            .map(|c| (r, c))
    }) else {
        return (None, 4 << 20);
    };
    let started = match c.state {
        ContainerState::Running { started_at } => Some(started_at),
        _ => None,
    };
    let memory = world
        .object(kinds::NODE, "", &rt.node)
        .and_then(|n| crate::world::api::meta::str_at(n, &["status", "capacity", "memory"]))
        .and_then(kilobytes)
        .unwrap_or(4 << 20);
    (started, memory)
}

/// A memory quantity in kB (`4031008Ki`, `4Gi`, bytes).
pub(super) fn kilobytes(q: &str) -> Option<u64> {
    let (num, mul) = match q {
        q if q.ends_with("Ki") => (&q[..q.len() - 2], 1),
        q if q.ends_with("Mi") => (&q[..q.len() - 2], 1 << 10),
        q if q.ends_with("Gi") => (&q[..q.len() - 2], 1 << 20),
        q => return q.parse::<u64>().ok().map(|b| b / 1024),
    };
    num.parse::<u64>().ok()?.checked_mul(mul)
}

/// `get_cached_username`: the name `/etc/passwd` gives the uid, else the number.
pub(super) fn user_name(user: &str, passwd: &str) -> String {
    let Ok(uid) = user.parse::<u32>() else {
        return user.to_string();
    };
    passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2].parse::<u32>() == Ok(uid)).then(|| f[0].to_string())
        })
        .unwrap_or_else(|| uid.to_string())
}

/// busybox `ps [-aAdefl] [ARGS]`: the table, or kubelab's notice for options it does not
/// simulate.
pub(super) fn busybox_ps(args: &[String], procs: &[Proc]) -> Result<String, String> {
    for a in args {
        if let Some(opts) = a.strip_prefix('-')
            && let Some(bad) = opts.chars().find(|c| !"aAdefl".contains(*c))
        {
            return Err(format!("ps -{bad}"));
        }
        // Words without a dash (`ps aux`) are left over by getopt32 and ignored.
    }
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let mut procs = procs.to_vec();
    procs.sort_by_key(|p| p.pid);
    for p in procs {
        let user: String = p.user.chars().take(8).collect();
        out.push_str(&format!(
            "{:>5} {:<8} {:>5} {}\n",
            p.pid,
            user,
            " 0:00",
            p.argv.join(" ")
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pid: u32, argv: &[&str]) -> Proc {
        Proc::new(pid, "root", argv.iter().map(|s| s.to_string()).collect(), 0)
    }

    #[test]
    fn the_reference_layout() {
        let t = busybox_ps(
            &[],
            &[p(13, &["ps"]), p(1, &["sleep", "3600"]), p(7, &["sh"])],
        )
        .unwrap();
        assert_eq!(
            t,
            "PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n    7 root      0:00 sh\n   13 root      0:00 ps\n"
        );
        assert_eq!(busybox_ps(&["aux".into()], &[]).unwrap().lines().count(), 1);
        assert!(busybox_ps(&["-ef".into()], &[]).is_ok());
        assert_eq!(
            busybox_ps(&["-o".into(), "pid".into()], &[]),
            Err("ps -o".into())
        );
    }

    #[test]
    fn users_and_main_processes() {
        let passwd =
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
        assert_eq!(user_name("0", passwd), "root");
        assert_eq!(user_name("65534", passwd), "nobody");
        assert_eq!(user_name("1000", passwd), "1000");
        let v = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            main_process(&v("sleep 3600"), "0"),
            Some((v("sleep 3600"), "0".into()))
        );
        assert_eq!(main_process(&v("/bin/sh -c x"), "0"), None);
        assert_eq!(
            main_process(&v("/usr/bin/tini -- /usr/local/bin/jenkins.sh"), "0"),
            None
        );
        assert_eq!(
            main_process(&v("docker-entrypoint.sh mongod"), "0"),
            Some((v("mongod --bind_ip_all"), "999".into()))
        );
        assert_eq!(
            main_process(&v("docker-entrypoint.sh --bind_ip 0.0.0.0"), "1000"),
            Some((v("mongod --bind_ip 0.0.0.0"), "1000".into()))
        );
    }
}
