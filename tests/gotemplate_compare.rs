//! kubectl's `-o go-template` (and `--template`, `-o template`, `go-template-file`) against the
//! real kubectl v1.32: tests/inputs/kubectl_gotemplate/recorded.txt holds kubectl's answers
//! (recorded by record.sh in that folder from cases.txt); kubelab must give the same stdout,
//! stderr and exit status. When kubectl is on PATH the cases also run live (else the test says
//! "skipped").

mod common;

use common::recorded::{
    Recorded, assert_kubelab_matches, assert_recording_is_fresh, read_recorded,
};

fn recorded() -> Vec<Recorded> {
    read_recorded(include_str!("inputs/kubectl_gotemplate/recorded.txt"))
}

#[test]
fn go_templates_match_recorded_kubectl() {
    assert_kubelab_matches(&recorded(), 25);
}

#[test]
fn go_templates_match_live_kubectl() {
    assert_recording_is_fresh(&recorded(), "tests/inputs/kubectl_gotemplate/record.sh");
}
