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
    // Input nested deeper than jq's parser stack (256 arrays, objects and keys).
    r#"echo '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]' | jq .; echo "status $?""#,
    r#"printf '1\n2\n[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' | jq -c .; echo "status $?""#,
    r#"jq -n '"{\"a\":" * 200 | fromjson'; echo "status $?""#,
    r#"echo '[{"a":[{"a":[{"a":[{"a":1}]}]}]}]' | jq -c '.[0].a[0].a'"#,
    // Values deeper than jq's printer goes are stripped.
    r#"jq -nc 'reduce range(300) as $i (0; [.])'"#,
    r#"jq -n 'reduce range(258) as $i (0; {a: .}) | tojson | length'"#,
    // Errors in jq's words; an error ends its input, the next input is read; the status is the
    // last input's.
    r#"printf '1\n2\n\n"a"\n3' | jq '. + 1'; echo "status $?""#,
    r#"printf '"a" 1' | jq '. + 1'; echo "status $?""#,
    r#"printf 'null 2' | jq -e 'if . == 2 then empty else . end'; echo "status $?""#,
    r#"jq -n '1, error(null), 2'"#,
    r#"jq -n '{a: 1} | error'; echo "status $?""#,
    r#"jq -n '"x" | error'"#,
    r#"jq -n '1 | .[]'"#,
    r#"jq -n 'null | .[]'"#,
    r#"jq -n '{} | .[0]'"#,
    r#"jq -n '1 | .a'"#,
    r#"jq -n '{} + []'"#,
    r#"jq -n '[] - 1'"#,
    r#"jq -n '{} * 2'"#,
    r#"jq -n '"a" / 1'"#,
    r#"jq -n '"a" as $x | -$x'"#,
    r#"jq -n '1 as $x | $x / 0'"#,
    r#"jq -n 'true | length'"#,
    r#"jq -n '1 | keys'"#,
    r#"jq -n '"a" | has(0)'"#,
    r#"jq -n '[("a" * 20)] as $k | {($k): 1}'"#,
    r#"jq -n '[1] | contains("a")'"#,
    // jq creates what an update needs.
    r#"jq -nc '.a = 1'"#,
    r#"jq -nc '.[2] = 1'"#,
    r#"jq -nc '[1] | .[3] = 1'"#,
    r#"jq -nc '[1,2,3] | .[-5] = 1'"#,
    r#"jq -nc '[{"key": 1, "value": 2}, {"k": "b", "v": 3}] | from_entries'"#,
    r#"jq -nc '[{"name": "a", "value": 2}, {"Key": "b", "Value": 3}, {"key": "c", "v": 4}] | from_entries'"#,
    r#"jq -nc '[{"k": "b", "v": 3}] | from_entries'"#,
    r#"jq -nc '{"a": 1} | with_entries(.value += 1)'"#,
    r#"jq -nc '"ab" * 0, "ab" * 2.5, "ab" * 0.5'"#,
];

#[test]
fn jq_matches_the_real_jq() {
    let have = std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        common::skipped("jq not found; no comparison with the real jq");
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
