//! kubectl's `-o go-template` (and `--template`, `-o template`, `go-template-file`) against the
//! real kubectl v1.32: tests/inputs/kubectl_gotemplate/recorded.txt holds kubectl's answers
//! (recorded by record.sh in that folder from cases.txt); kubelab must give the same stdout,
//! stderr and exit status. When kubectl is on PATH the cases also run live (else the test says
//! "skipped").

mod common;

use common::{have_kubectl, kubelab, real};

struct Recorded {
    line: String,
    stdout: String,
    stderr: String,
    status: i32,
}

fn recorded() -> Vec<Recorded> {
    let text = include_str!("inputs/kubectl_gotemplate/recorded.txt");
    let mut out = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(l) = lines.next() {
        let Some(cmd) = l.strip_prefix("$ ") else {
            continue;
        };
        let mut section = 0;
        let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
        for l in lines.by_ref() {
            if let Some(code) = l.strip_prefix("--- exit ") {
                status = code.trim().parse().unwrap();
                break;
            }
            if l == "--- stdout\n" {
                section = 1;
                continue;
            }
            // "--- stderr" may follow output without a final newline
            if let Some(before) = l.strip_suffix("--- stderr\n") {
                stdout.push_str(before);
                section = 2;
                continue;
            }
            match section {
                1 => stdout.push_str(l),
                _ => stderr.push_str(l),
            }
        }
        out.push(Recorded {
            line: cmd.trim_end().to_string(),
            stdout,
            stderr,
            status,
        });
    }
    out
}

#[test]
fn go_templates_match_recorded_kubectl() {
    let cases = recorded();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for c in &cases {
        let got = kubelab(&c.line);
        if (got.0.as_str(), got.1.as_str(), got.2)
            != (c.stdout.as_str(), c.stderr.as_str(), c.status)
        {
            failures.push(format!(
                "$ {}\n--- kubectl (status {})\n{}{}--- kubelab (status {})\n{}{}",
                c.line, c.status, c.stdout, c.stderr, got.2, got.0, got.1
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn go_templates_match_live_kubectl() {
    if !have_kubectl() {
        common::skipped("kubectl not found; compared with the recorded answers only");
        return;
    }
    for c in recorded() {
        let live = real(&c.line);
        assert_eq!(
            (live.0.as_str(), live.1.as_str(), live.2),
            (c.stdout.as_str(), c.stderr.as_str(), c.status),
            "the recording of `{}` is stale: run tests/inputs/kubectl_gotemplate/record.sh",
            c.line
        );
    }
}
