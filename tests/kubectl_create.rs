//! kubelab against the real kubectl v1.32's `kubectl create <generator>` answers recorded
//! offline (tests/inputs/kubectl_create/: cases.txt, record.sh, recorded.txt, and the
//! certificates in files/): `--dry-run=client -o yaml|json|name|jsonpath` output and the usage
//! and validation errors, byte for byte, with the same exit status. Runs without kubectl.

mod common;

use std::path::Path;

struct Case {
    line: String,
    stdout: String,
    stderr: String,
    status: i32,
}

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/kubectl_create")
}

/// Reads recorded.txt (see record.sh for the format).
fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("recorded.txt")).expect("recorded.txt");
    let mut out = Vec::new();
    for block in text.split("=== $ ").skip(1) {
        let (line, rest) = block.split_once('\n').expect("a command line");
        // (stream text, whether it lacks its final newline) for stdout and stderr.
        let mut streams = [(String::new(), false), (String::new(), false)];
        let mut which = 0;
        let mut status = -1;
        for l in rest.lines() {
            if let Some(h) = l.strip_prefix("--- ") {
                match h.strip_prefix("exit ") {
                    Some(code) => status = code.parse().expect("an exit status"),
                    None => {
                        which = usize::from(!h.starts_with("stdout"));
                        streams[which].1 = h.ends_with("(no final newline)");
                    }
                }
                continue;
            }
            streams[which].0.push_str(l);
            streams[which].0.push('\n');
        }
        let [(mut stdout, trim_out), (mut stderr, trim_err)] = streams;
        if trim_out {
            stdout.pop();
        }
        if trim_err {
            stderr.pop();
        }
        out.push(Case {
            line: line.to_string(),
            stdout,
            stderr,
            status,
        });
    }
    out
}

/// The shell lines that write files/ into kubelab's workstation.
fn setup() -> String {
    let mut names: Vec<_> = std::fs::read_dir(dir().join("files"))
        .expect("files/")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .collect();
    names.sort();
    let mut s = String::new();
    for n in names {
        let content = std::fs::read_to_string(dir().join("files").join(&n)).expect("a file");
        s.push_str(&format!(
            "cat > {n} <<'KUBELAB_EOF'\n{content}KUBELAB_EOF\n"
        ));
    }
    s
}

#[test]
fn create_generators_match_recorded_kubectl() {
    let all = cases();
    assert!(all.len() >= 100, "{} cases", all.len());
    let setup = setup();
    let mut failures = Vec::new();
    for c in &all {
        let (out, err, status) = common::kubelab(&format!("{setup}{}\n", c.line));
        if out != c.stdout
            || common::without_klog_header(&err) != common::without_klog_header(&c.stderr)
            || status != c.status
        {
            failures.push(format!(
                "$ {}\n--- kubectl (status {})\n{}{}--- kubelab (status {status})\n{out}{err}",
                c.line, c.status, c.stdout, c.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}
