//! kubelab against answers recorded from the real kubectl v1.32 (tests/inputs/kubectl_top/,
//! recorded by its record.sh) for `top pod|node` and `autoscale`: flag and validation errors
//! and help texts, which kubectl gives without a cluster. Byte-identical output (stdout and
//! stderr together) and the same exit status. Needs no kubectl.

mod common;

use common::recorded::{assert_combined_matches, read_combined};

#[test]
fn top_and_autoscale_match_recorded_kubectl() {
    let cases = read_combined(include_str!("inputs/kubectl_top/recorded.txt"));
    assert_combined_matches(&cases, 20);
}
