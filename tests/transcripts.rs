//! Whole shell sessions, as `kubelab shell --echo < FILE` prints them: one input in
//! `tests/inputs/transcripts/`, one snapshot. Review changes with `cargo insta review`.

mod common;

#[test]
fn transcripts() {
    insta::glob!("inputs/transcripts/*.txt", |path| {
        let script = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(common::transcript(&script));
    });
}
