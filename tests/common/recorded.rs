//! The recorded answers of the real kubectl (`record.sh` in a `tests/inputs/kubectl_*` folder):
//! each case is `$ LINE`, then `--- stdout`, `--- stderr` and `--- exit N` blocks.

/// One recorded command line and what kubectl answered.
pub struct Recorded {
    pub line: String,
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Reads a recording.
pub fn read_recorded(text: &str) -> Vec<Recorded> {
    let mut out = Vec::new();
    let mut lines = text.split_inclusive('\n').peekable();
    while let Some(l) = lines.next() {
        let Some(cmd) = l.strip_prefix("$ ") else {
            continue;
        };
        let mut section = 0;
        let (mut stdout, mut stderr, mut status) = (String::new(), String::new(), 0);
        for l in lines.by_ref() {
            if let Some(code) = l.strip_prefix("--- exit ") {
                status = code.trim().parse().unwrap();
                break;
            }
            if l == "--- stdout\n" {
                section = 1;
                continue;
            }
            // "--- stderr" may follow output without a final newline
            if let Some(before) = l.strip_suffix("--- stderr\n") {
                stdout.push_str(before);
                section = 2;
                continue;
            }
            match section {
                1 => stdout.push_str(l),
                _ => stderr.push_str(l),
            }
        }
        out.push(Recorded {
            line: cmd.trim_end().to_string(),
            stdout,
            stderr,
            status,
        });
    }
    out
}

/// Runs every recorded line in kubelab and requires kubectl's stdout, stderr and exit status.
pub fn assert_kubelab_matches(cases: &[Recorded], at_least: usize) {
    assert!(cases.len() >= at_least, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in cases {
        let got = super::kubelab(&c.line);
        if (got.0.as_str(), got.1.as_str(), got.2)
            != (c.stdout.as_str(), c.stderr.as_str(), c.status)
        {
            failures.push(format!(
                "$ {}\n--- kubectl (status {})\n{}{}--- kubelab (status {})\n{}{}",
                c.line, c.status, c.stdout, c.stderr, got.2, got.0, got.1
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

/// Runs every recorded line in the real kubectl when one is on PATH (else says "skipped"):
/// the recording must still be what kubectl answers (`record` names the script to run again).
pub fn assert_recording_is_fresh(cases: &[Recorded], record: &str) {
    if !super::have_kubectl() {
        super::skipped("kubectl not found; compared with the recorded answers only");
        return;
    }
    for c in cases {
        let live = super::real(&c.line);
        assert_eq!(
            (live.0.as_str(), live.1.as_str(), live.2),
            (c.stdout.as_str(), c.stderr.as_str(), c.status),
            "the recording of `{}` is stale: run {record}",
            c.line
        );
    }
}

/// A recording of `$ LINE`, the combined stdout+stderr, then `[exit N]` (the record.sh scripts
/// of kubectl_run, kubectl_cmds and kubectl_validate): (line, output, status).
pub fn read_combined(text: &str) -> Vec<(String, String, i32)> {
    let mut out = Vec::new();
    let mut cur: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(cmd) = line.strip_prefix("$ ")
            && cur.is_none()
        {
            cur = Some((cmd.trim_end_matches('\n').to_string(), String::new()));
            continue;
        }
        if let Some(rest) = line.strip_prefix("[exit ")
            && let Some((c, body)) = cur.take()
        {
            let status: i32 = rest
                .trim_end()
                .trim_end_matches(']')
                .parse()
                .expect("status");
            out.push((c, body, status));
            continue;
        }
        if let Some((_, body)) = cur.as_mut() {
            body.push_str(line);
        }
    }
    out
}

/// Runs each `read_combined` case through kubelab and asserts the same combined output (without
/// the trailing newlines a shell's `$(...)` drops) and exit status, naming every case that
/// differs; at least `at_least` cases must have been recorded.
#[allow(dead_code)]
pub fn assert_combined_matches(cases: &[(String, String, i32)], at_least: usize) {
    assert!(cases.len() >= at_least, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (cmd, want, code) in cases {
        let (out, err, status) = super::kubelab(cmd);
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
