//! The workstation's `jq` is bounded in stack, steps, memory, value depth and output, stops on
//! Ctrl-C, and says which of kubelab's limits stopped it. Every session in
//! `tests/inputs/regressions/jq-*.txt` once crashed the process (stack overflow), grew without
//! limit or never ended.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const STEPS: &str = "jq: error: kubelab stopped the filter: it took more than 10000000 steps (kubelab's limit for one jq command)\n";
const MEMORY: &str = "jq: error: kubelab stopped the filter: it needed more than 64 MiB of memory (kubelab's limit for one jq command)\n";
const STACK: &str = "jq: error: kubelab stopped the filter: its recursion went deeper than 40 MiB of stack (kubelab's limit for one jq command)\n";
const DEPTH: &str = "jq: error: kubelab stopped the filter: it built a value nested more than 10000 levels deep (kubelab's limit)\n";
const OUTPUT: &str = "jq: error: kubelab stopped the filter: its output reached the 4194304 bytes one command line may print (kubelab's limit)\n";

/// (file, stdout, stderr, status)
const CASES: &[(&str, &str, &str, i32)] = &[
    (
        "jq-deep-array-input.txt",
        "",
        "parse error: Exceeds depth limit for parsing at line 1, column 257\n",
        4,
    ),
    (
        "jq-deep-object-input.txt",
        "",
        "parse error: Exceeds depth limit for parsing at line 1, column 641\n",
        4,
    ),
    ("jq-nested-parens-filter.txt", "1\n", "", 0),
    (
        "jq-too-deeply-nested-filter.txt",
        "",
        "jq: error: kubelab's jq does not take a filter nested this deeply (at most about 1000 nested brackets or 2000 operators in a row)\njq: 1 compile error\n",
        3,
    ),
    ("jq-recursion-without-end.txt", "", STACK, 5),
    ("jq-reduce-builds-a-deep-value.txt", "", DEPTH, 5),
    ("jq-collect-repeat.txt", "", STEPS, 5),
    ("jq-collect-range.txt", "", MEMORY, 5),
    ("jq-limit-repeat.txt", "1\n", STEPS, 0),
    ("jq-string-doubling.txt", "", MEMORY, 5),
    ("jq-string-repeat.txt", "", MEMORY, 5),
    ("jq-closure-chain.txt", "", MEMORY, 5),
    ("jq-path-chain.txt", "", MEMORY, 5),
    ("jq-tail-call-loop.txt", "", STEPS, 5),
    ("jq-until-false.txt", "", STEPS, 5),
    (
        "jq-halt.txt",
        "still here\n",
        "jq: error (at <unknown>): kubelab's jq does not support halt\n",
        0,
    ),
];

fn session(file: &str) -> String {
    std::fs::read_to_string(format!("tests/inputs/regressions/{file}")).unwrap()
}

/// Runs the cases whose file name passes `pick` on a thread with `kubelab grade`'s 2 MiB stack;
/// `twice`, to see the same bytes again.
fn check(pick: impl Fn(&str) -> bool, twice: bool) {
    let picked: Vec<_> = CASES.iter().filter(|c| pick(c.0)).collect();
    assert!(!picked.is_empty());
    let failures = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let mut failures = Vec::new();
            for (file, stdout, stderr, status) in picked {
                let script = session(file);
                let got = common::kubelab(&script);
                if got != (stdout.to_string(), stderr.to_string(), *status) {
                    failures.push(format!("{file}: {got:?}"));
                } else if twice && common::kubelab(&script) != got {
                    failures.push(format!("{file}: a second run printed other bytes"));
                }
            }
            failures
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn deep_input_and_deep_filters_are_refused_with_an_error() {
    check(
        |f| f.contains("deep") || f.contains("nested") || f.contains("recursion"),
        true,
    );
}

#[test]
fn memory_and_output_are_bounded() {
    check(|f| f.contains("range") || f.contains("string"), true);
    check(|f| f.contains("repeat"), false);
}

#[test]
fn filters_that_never_end_are_stopped() {
    check(|f| f.contains("tail-call") || f.contains("until"), false);
}

#[test]
fn long_chains_of_closures_and_paths_are_dropped_without_overflow() {
    check(|f| f.contains("chain"), false);
}

#[test]
fn halt_does_not_end_the_session() {
    check(|f| f.contains("halt"), true);
}

#[test]
fn output_stops_at_the_shells_limit() {
    let (out, err, status) = common::kubelab("jq -n 'range(1e7)' | wc -c\n");
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("4193792\n", OUTPUT, 0)
    );
}

#[test]
fn a_string_multiplied_beyond_memory_is_refused_before_it_is_allocated() {
    // A petabyte: were it allocated, the process would abort.
    let got = common::kubelab("jq -n '\"xx\" * 1e15'\n");
    assert_eq!(got, (String::new(), MEMORY.to_string(), 5));
}

#[test]
fn values_deeper_than_jq_prints_are_stripped_as_jq_does() {
    let (out, err, status) = common::kubelab("jq -nc 'reduce range(9000) as $i (0; [.])'\n");
    assert_eq!((err.as_str(), status), ("", 0));
    assert_eq!(
        out,
        format!(
            "{}<stripped: exceeds max depth>{}\n",
            "[".repeat(257),
            "]".repeat(257)
        )
    );
}

#[test]
fn ctrl_c_stops_a_running_filter_and_the_rest_of_the_input() {
    let mut ws = kubelab::workstation::Workstation::new(kubelab::world::default_world::build(1));
    let flag = Arc::new(AtomicBool::new(false));
    ws.shell.set_interrupt(flag.clone());
    let setter = {
        let flag = flag.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            flag.store(true, Ordering::SeqCst);
        })
    };
    let out = ws.run("jq -n 'def f: f; f'; echo after\n");
    setter.join().unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "");
    // The terminal echoed `^C` itself; the prompt adds the new line.
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    assert_eq!(out.status, 130);
}

#[test]
fn everyday_filters_on_kubectl_json_still_work() {
    let (out, err, status) = common::kubelab(
        "kubectl create deployment web --image=nginx --replicas=3 >/dev/null\n\
         kubectl get pods -o json | jq -r '.items[] | select(.metadata.labels.app == \"web\") | .metadata.name' | wc -l\n\
         kubectl get deploy web -o json | jq '.spec.replicas, (.spec.template.spec.containers | map(.image))' -c\n",
    );
    assert_eq!(
        (out.as_str(), err.as_str(), status),
        ("3\n3\n[\"nginx\"]\n", "", 0)
    );
}
