//! Inputs that once crashed, hung or grew without bound in the workstation's builtins
//! (`tests/inputs/regressions/builtins-*.txt`, one session each), and the long `test` chains that
//! overflowed the stack. Each runs on a 2 MiB thread (as `kubelab grade` runs sessions), twice,
//! and must print the same bytes both times.

mod common;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

fn session(name: &str) -> String {
    let path = format!(
        "{}/tests/inputs/regressions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let script = std::fs::read_to_string(path).expect("regression input");
    let (a, b) = on_small_stack(move || (common::transcript(&script), common::transcript(&script)));
    assert_eq!(a, b, "{name} is not deterministic");
    a
}

#[test]
fn tail_with_negative_counts_prints_the_last_lines() {
    let t = session("builtins-tail-negative-count.txt");
    assert!(t.contains("EOF\nb\n$ tail -1 -n -1"), "{t}");
    assert!(
        t.contains("tail: option used in invalid context -- 1\n"),
        "{t}"
    );
    assert!(t.contains(
        "tail: invalid number of lines: ‘99999999999999999999999’: Value too large for defined data type\n"
    ), "{t}");
}

#[test]
fn printf_widths_stay_within_the_output_cap() {
    let t = session("builtins-printf-huge-width.txt");
    // bash prints nothing for a field past INT_MAX; kubelab pads no further than its output cap.
    assert!(t.contains("$ printf \"%99999999999d\\n\" 1\n\n$"), "{t}");
    // The field fills what a pipe holds (as much as the terminal may show), said plainly;
    // `wc` counts what it was given.
    assert!(
        t.contains(
            "$ printf \"%999999999d\" 1 | wc -c\nkubelab: output truncated after 4194304 bytes\n4194304\n$"
        ),
        "{t}"
    );
    assert!(t.len() < 1 << 20, "the transcript holds only the counts");
}

#[test]
fn seq_counts_exactly_past_64_bits_and_stops_at_the_cap() {
    let t = session("builtins-seq-64-bit.txt");
    assert!(
        t.contains("9223372036854775806\n9223372036854775807\n$"),
        "{t}"
    );
    assert!(
        t.contains("18446744073709551614\n18446744073709551615\n$"),
        "{t}"
    );
    assert!(!t.contains("-9223372036854775808"), "{t}");
    assert!(
        t.contains("kubelab: output truncated after 4194304 bytes\n"),
        "{t}"
    );
}

#[test]
fn rm_keeps_the_root_and_dev_null_reads_empty() {
    let t = session("builtins-rm-root-dev-null.txt");
    assert!(t.contains("$ cat < /dev/null\n$ rm -rf /\nrm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n"), "{t}");
    assert!(t.contains("$ ls /\ndev\nhome\ntmp\n"), "{t}");
    assert!(
        t.contains("kubelab: rm: --no-preserve-root is not supported\n$ ls /home\nstudent\n"),
        "{t}"
    );
}

#[test]
fn back_references_give_up_with_a_message() {
    let t = session("builtins-backreference-backtracking.txt");
    assert!(t.contains("kubelab: grep: a back-reference pattern needed more than 1000000 backtracking steps on one line; kubelab stops there\n$ echo $?\n2\n"), "{t}");
    assert!(t.contains("kubelab: sed: a back-reference pattern needed more than 1000000 backtracking steps on one line; kubelab stops there\n$ echo $?\n4\n"), "{t}");
}

#[test]
fn long_test_chains_run_without_deep_recursion() {
    let bangs = format!("[ {}1 -eq 1 ]; echo $?\n", "! ".repeat(100_000));
    let odd = format!("[ {}1 -eq 1 ]; echo $?\n", "! ".repeat(99_999));
    let ands = format!("[ {}1 ]; echo $?\n", "1 -a ".repeat(50_000));
    let ors = format!("[ {}1 ]; echo $?\n", "'' -o ".repeat(50_000));
    let parens = format!(
        "[ {}1 {}]; echo $?\n",
        "'(' ".repeat(100_000),
        "')' ".repeat(100_000)
    );
    let shallow = format!(
        "[ {}1 {}]; echo $?\n",
        "'(' ".repeat(500),
        "')' ".repeat(500)
    );
    let out = on_small_stack(move || {
        [bangs, odd, ands, ors, parens, shallow]
            .iter()
            .map(|s| common::kubelab(s))
            .collect::<Vec<_>>()
    });
    assert_eq!(out[0].0, "0\n");
    assert_eq!(out[1].0, "1\n");
    assert_eq!(out[2].0, "0\n");
    assert_eq!(out[3].0, "0\n");
    assert_eq!(out[4].0, "2\n");
    assert_eq!(
        out[4].1,
        "kubelab: [: parentheses nested more than 1000 deep (a kubelab limit)\n"
    );
    assert_eq!(out[5].0, "0\n");
}
