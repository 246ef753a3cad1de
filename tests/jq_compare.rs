//! The workstation's `jq` (on the jaq crates) against the real jq when it is on PATH.

mod common;

const LINES: &[&str] = &[
    r#"echo '{"b":1,"a":[1,2,{"c":"x"}],"e":{},"f":[],"g":null,"h":1.5,"i":"s\"q<&>"}' | jq ."#,
    r#"echo '{"b":1,"a":[1,2]}' | jq -c ."#,
    r#"echo '{"b":1,"a":[1,2]}' | jq -S ."#,
    r#"echo '{"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}' | jq -r '.items[].metadata.name'"#,
    r#"echo '[{"from":{"kind":"ImageStreamTag","name":"keycloak:20"},"fieldPath":"x","paused":true}]' | jq ."#,
    r#"echo '{"a":1}' | jq --arg x hi '{v: $x, a}'"#,
    r#"echo '[3,1,2]' | jq 'sort | map(. * 2)'"#,
    r#"echo '{"a":1}' | jq '.b.c'"#,
    r#"echo '1 2 3' | jq -s 'add'"#,
    r#"echo '{"a":[1,2,3]}' | jq '.a | length'"#,
    r#"echo '{"a":{"x":1,"y":2}}' | jq '.a | keys'"#,
    r#"echo '{"a":[{"n":"x","v":1},{"n":"y","v":2}]}' | jq '.a[] | select(.v > 1) | .n'"#,
    r#"echo '{"a":[1]}' | jq '.a.b'"#,
    r#"echo '"text"' | jq -r ."#,
    r#"echo '{"a":1}' | jq -e '.missing'; echo "status $?""#,
];

#[test]
fn jq_matches_the_real_jq() {
    let have = std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        eprintln!("jq is not on PATH: skipping the comparison with the real jq");
        return;
    }
    let mut failures = Vec::new();
    for line in LINES {
        let want = common::real(line);
        let got = common::kubelab(&format!("{line}\n"));
        if want != got {
            failures.push(format!(
                "$ {line}\n--- jq\n{}{}--- kubelab\n{}{}",
                want.0, want.1, got.0, got.1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
