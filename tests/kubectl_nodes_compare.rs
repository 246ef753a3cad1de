//! kubectl cordon|uncordon|drain|taint usage, flag and taint-spec errors against what kubectl
//! v1.32 prints offline: `tests/inputs/kubectl_nodes/recorded.txt` (recorded by its
//! `record.sh`), and a live kubectl when one is on PATH (skipped with a message otherwise).

mod common;

use common::{have_kubectl, kubelab, real};

/// The recorded cases: (command line, expected output, exit status).
fn recorded() -> Vec<(String, String, i32)> {
    let text = include_str!("inputs/kubectl_nodes/recorded.txt");
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(cmd) = line.strip_prefix("$ ") {
            cur = Some((cmd.to_string(), String::new()));
        } else if let Some(code) = line
            .strip_prefix("[exit ")
            .and_then(|r| r.strip_suffix(']'))
        {
            let (cmd, body) = cur.take().expect("a command before its exit status");
            out.push((cmd, body, code.parse().expect("exit status")));
        } else if let Some((_, body)) = cur.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
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
        eprintln!("skipped: kubectl is not on PATH");
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
