//! kubelab against answers recorded from the real kubectl v1.32 (tests/inputs/kubectl_top/,
//! recorded by its record.sh) for `top pod|node` and `autoscale`: flag and validation errors
//! and help texts, which kubectl gives without a cluster. Byte-identical output (stdout and
//! stderr together) and the same exit status. Needs no kubectl.

mod common;

use common::kubelab;
use common::recorded::read_combined;

#[test]
fn top_and_autoscale_match_recorded_kubectl() {
    let cases = read_combined(include_str!("inputs/kubectl_top/recorded.txt"));
    assert!(cases.len() >= 20, "{} cases", cases.len());
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
