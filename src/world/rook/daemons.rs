//! The programs of the Ceph images as a container's main process: the daemons rook starts
//! (`ceph-mon`, `ceph-mgr`, `ceph-osd`, `ceph-crash`, the operator `rook ceph operator`, the
//! toolbox's `/tini -g -- /usr/local/bin/toolbox.sh`) run until stopped; the OSD prepare pod's
//! `rook ceph osd provision` looks at the node's disks and exits 0. What they do to the
//! cluster is the operator's (`operator.rs`) and the Ceph state's (`state.rs`).

use crate::world::clock::Millis;

/// How long `rook ceph osd provision` runs (UNSURE: real prepare pods take 10-30 s).
pub const PROVISION_MS: Millis = 8_000;

/// What a Ceph image's program does as PID 1: `Some(None)` runs until stopped, `Some(Some(ms))`
/// exits 0 after `ms`; `None`: not one of these programs.
pub fn plan(argv: &[String], image_os_is_ceph: bool) -> Option<Option<Millis>> {
    if !image_os_is_ceph {
        return None;
    }
    let base = crate::shell::vfs::file_name(argv.first()?);
    let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
    match base {
        "ceph-mon" | "ceph-mgr" | "ceph-osd" | "ceph-crash" => Some(None),
        "rook" if args == ["ceph", "operator"] => Some(None),
        "rook" if args == ["ceph", "osd", "provision"] => Some(Some(PROVISION_MS)),
        "tini" if args == ["-g", "--", "/usr/local/bin/toolbox.sh"] => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn daemons_run_the_prepare_job_ends_other_programs_are_not_these() {
        assert_eq!(plan(&v(&["ceph-mon", "--foreground"]), true), Some(None));
        assert_eq!(
            plan(&v(&["/usr/local/bin/rook", "ceph", "operator"]), true),
            Some(None)
        );
        assert_eq!(
            plan(
                &v(&["/usr/local/bin/rook", "ceph", "osd", "provision"]),
                true
            ),
            Some(Some(PROVISION_MS))
        );
        assert_eq!(
            plan(
                &v(&["/tini", "-g", "--", "/usr/local/bin/toolbox.sh"]),
                true
            ),
            Some(None)
        );
        assert_eq!(plan(&v(&["ceph", "status"]), true), None);
        assert_eq!(plan(&v(&["ceph-mon"]), false), None);
    }
}
