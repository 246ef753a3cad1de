//! kubelab against the real kubectl v1.32's recorded answers for `kubectl run`, `expose`, the
//! `set` commands and `--local` (tests/inputs/kubectl_run/: cases.txt, recorded.txt and the
//! script that recorded them against a discovery-only fake API server). Every line must print
//! the same bytes (stdout then stderr, as `2>&1` of a command that writes one after the other)
//! and end with the same exit status. The manifests the lines name (files/) are written into
//! the workstation first. No kubectl is needed to run this test.

mod common;

use common::kubelab;
use common::recorded::read_combined;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inputs/kubectl_run");

/// (command line, expected output, expected status) from recorded.txt.
fn recorded() -> Vec<(String, String, i32)> {
    let text = std::fs::read_to_string(format!("{DIR}/recorded.txt")).expect("recorded.txt");
    read_combined(&text)
}

/// A shell script writing the fixture manifests, then the command line.
fn script(line: &str) -> String {
    let mut s = String::new();
    let mut names: Vec<_> = std::fs::read_dir(format!("{DIR}/files"))
        .expect("files")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    names.sort();
    for n in names {
        let body = std::fs::read_to_string(format!("{DIR}/files/{n}")).expect("fixture");
        s.push_str(&format!("cat > {n} <<'FIXTURE'\n{body}FIXTURE\n"));
    }
    s.push_str(line);
    s.push('\n');
    s
}

#[test]
fn recorded_corpus_is_byte_identical() {
    let cases = recorded();
    assert!(cases.len() > 100, "the corpus has {} cases", cases.len());
    let only = std::env::var("KUBECTL_RUN_CASE").ok();
    let mut failures = Vec::new();
    for (line, expected, status) in &cases {
        if only.as_deref().is_some_and(|o| !line.contains(o)) {
            continue;
        }
        let (o, e, s) = kubelab(&script(line));
        // recorded.txt keeps `$(...)`'s text: trailing newlines dropped, then one added.
        let got = format!("{}\n", format!("{o}{e}").trim_end_matches('\n'));
        if common::without_klog_header(&got) != common::without_klog_header(expected)
            || s != *status
        {
            failures.push(format!(
                "$ {line}\n--- kubectl (exit {status})\n{expected}--- kubelab (exit {s})\n{got}"
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
