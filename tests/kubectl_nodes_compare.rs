//! kubectl cordon|uncordon|drain|taint usage, flag and taint-spec errors against what kubectl
//! v1.32 prints offline: `tests/inputs/kubectl_nodes/recorded.txt` (recorded by its
//! `record.sh`), and a live kubectl when one is on PATH (skipped with a message otherwise).

mod common;

use common::{have_kubectl, kubelab, real};

/// The recorded cases: (command line, expected output, exit status).
fn recorded() -> Vec<(String, String, i32)> {
    common::recorded::read_combined(include_str!("inputs/kubectl_nodes/recorded.txt"))
}

#[test]
fn kubelab_matches_the_recorded_kubectl() {
    let cases = recorded();
    assert!(cases.len() >= 30, "{}", cases.len());
    for (cmd, want, code) in cases {
        let (o, e, s) = kubelab(&cmd);
        assert_eq!(format!("{o}{e}"), want, "{cmd}");
        assert_eq!(s, code, "{cmd}");
    }
}

#[test]
fn kubelab_matches_a_live_kubectl() {
    if !have_kubectl() {
        common::skipped("kubectl not found; compared with the recorded answers only");
        return;
    }
    for (cmd, _, _) in recorded() {
        let (ro, re, rs) = real(&format!("{cmd} --kubeconfig=/dev/null"));
        let re: String = re
            .lines()
            .filter(|l| !l.contains("memcache.go"))
            .map(|l| format!("{l}\n"))
            .collect();
        let (o, e, s) = kubelab(&cmd);
        assert_eq!(format!("{o}{e}"), format!("{ro}{re}"), "{cmd}");
        assert_eq!(s, rs, "{cmd}");
    }
}
