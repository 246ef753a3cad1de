//! kubelab against answers recorded from the real kubectl v1.32 (tests/inputs/kubectl_cmds/,
//! recorded by its record.sh) for `events`, `logs`, `cluster-info`, `port-forward` and `exec`: flag and validation
//! errors and help texts, which kubectl gives without a cluster. Byte-identical output (stdout
//! and stderr together, as the recording captures them, without the trailing newlines a
//! shell's `$(...)` drops) and the same exit status. Needs no kubectl.

mod common;

use common::recorded::{assert_combined_matches, read_combined};

#[test]
fn events_logs_cluster_info_match_recorded_kubectl() {
    let cases = read_combined(include_str!("inputs/kubectl_cmds/recorded.txt"));
    assert_combined_matches(&cases, 25);
}
