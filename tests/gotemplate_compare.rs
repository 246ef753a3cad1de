//! kubectl's `-o go-template` (and `--template`, `-o template`, `go-template-file`) against the
//! real kubectl v1.32: tests/inputs/kubectl_gotemplate/recorded.txt holds kubectl's answers
//! (recorded by record.sh in that folder from cases.txt); kubelab must give the same stdout,
//! stderr and exit status. When kubectl is on PATH the cases also run live (else the test says
//! "skipped").

mod common;

use common::recorded::{Recorded, read_recorded};
use common::{have_kubectl, kubelab, real};

fn recorded() -> Vec<Recorded> {
    read_recorded(include_str!("inputs/kubectl_gotemplate/recorded.txt"))
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
        println!("skipped: kubectl is not on PATH; compared with the recorded answers only");
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
