//! kubelab against answers recorded from the real kubectl v1.32 (tests/inputs/kubectl_cmds/,
//! recorded by its record.sh) for `events`, `logs` and `cluster-info`: flag and validation
//! errors and help texts, which kubectl gives without a cluster. Byte-identical output (stdout
//! and stderr together, as the recording captures them, without the trailing newlines a
//! shell's `$(...)` drops) and the same exit status. Needs no kubectl.

mod common;

use common::kubelab;
use common::recorded::read_combined;

#[test]
fn events_logs_cluster_info_match_recorded_kubectl() {
    let cases = read_combined(include_str!("inputs/kubectl_cmds/recorded.txt"));
    assert!(cases.len() >= 25, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (cmd, want, code) in &cases {
        let (out, err, status) = kubelab(cmd);
        let got = format!("{out}{err}");
        let (got, want) = (got.trim_end_matches('\n'), want.trim_end_matches('\n'));
        if got != want || status != *code {
            failures.push(format!(
                "$ {cmd}\n--- kubectl (status {code})\n{want}\n--- kubelab (status {status})\n{got}"
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
