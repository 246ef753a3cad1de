//! kubelab against the real kubectl v1.32's recorded answers for `kubectl config`
//! (tests/inputs/kubectl_config/: cases.txt, recorded.txt, the starting kubeconfig and the
//! script that recorded them). The lines run one after the other in one session, each on the
//! kubeconfig the previous ones left (kubelab's workstation file `~/.kube/config`); every line
//! must print the same bytes (as `2>&1`) and end with the same exit status. No kubectl is
//! needed to run this test.

mod common;

use kubelab::workstation::Workstation;
use kubelab::world::default_world;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inputs/kubectl_config");

/// (command line, expected output, expected status) from recorded.txt.
fn recorded() -> Vec<(String, String, i32)> {
    let text = std::fs::read_to_string(format!("{DIR}/recorded.txt")).expect("recorded.txt");
    common::recorded::read_combined(&text)
}

#[test]
fn the_default_kubeconfig_is_the_recorded_ones_start() {
    let start = std::fs::read_to_string(format!("{DIR}/kubeconfig.yaml")).expect("kubeconfig");
    let conf = kubelab::kubectl::context::ClientConfig::default();
    assert_eq!(kubelab::printers::yaml::to_yaml(&conf.kubeconfig), start);
}

#[test]
fn recorded_session_is_byte_identical() {
    let cases = recorded();
    assert!(cases.len() > 30, "the corpus has {} cases", cases.len());
    let mut ws = Workstation::new(default_world::build(1));
    let mut failures = Vec::new();
    for (line, expected, status) in &cases {
        let r = ws.run(line);
        let got = String::from_utf8(r.combined).expect("utf-8");
        // recorded.txt keeps `$(...)`'s text: trailing newlines dropped, then one added.
        let got = format!("{}\n", got.trim_end_matches('\n'));
        if got != *expected || r.status != *status {
            failures.push(format!(
                "$ {line}\n--- kubectl (exit {status})\n{expected}--- kubelab (exit {})\n{got}",
                r.status
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} lines differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
