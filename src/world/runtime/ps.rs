//! busybox `ps` in a container (procps/ps.c, the "desktop" build of the official image:
//! `pid,user,time,args`, header `PID   USER     TIME  COMMAND`): the container's processes as
//! the runtime knows them. PID 1 is the container's main process (its argv, as the kubelet
//! started it); a command `kubectl exec` runs gets the next PID of the container instance
//! (kubelab hands PIDs out in order, one per process started); a shell's children follow it.
//!
//! What kubelab does not know it says: the processes a shell script started as its main
//! process (its `sleep`s) are not modelled, so `ps` there is kubelab's notice; procps `ps`
//! (Debian-based images) is not simulated; `-o` and `-T` neither.

/// One process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Proc {
    pub pid: u32,
    /// The user name or id it runs as (`root`, `1000`).
    pub user: String,
    pub argv: Vec<String>,
}

/// The main process's argv when `ps` can show it truthfully: not a shell running a script
/// (whose children kubelab does not model); a shell reading its input (`kubectl attach -i`)
/// runs nothing else.
pub(super) fn main_is_known(argv: &[String]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let name = first.rsplit('/').next().unwrap_or(first);
    !matches!(name, "sh" | "ash" | "bash" | "dash")
        || crate::world::nodes::process::is_bare_shell(argv)
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
        Proc {
            pid,
            user: "root".into(),
            argv: argv.iter().map(|s| s.to_string()).collect(),
        }
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
        assert!(main_is_known(&["sleep".into(), "3600".into()]));
        assert!(!main_is_known(&["/bin/sh".into(), "-c".into(), "x".into()]));
    }
}
