//! The `kubelab` binary: the README's commands and their exit statuses.

use std::io::Write;
use std::process::{Command, Stdio};

fn kubelab(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubelab");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn run_lint_grade_and_shell() {
    let (out, _, code) = kubelab(&["run", "labs/pause-resume.lab"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("score: 3/3\n"), "{out}");

    let (out, _, code) = kubelab(&["lint", "labs/pause-resume.lab"], "");
    assert_eq!(
        (out.as_str(), code),
        (
            "labs/pause-resume.lab: ok (2 checks can fail and pass)\n",
            0
        )
    );

    let dir = std::env::temp_dir().join(format!("kubelab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let session = dir.join("s.txt");
    std::fs::write(
        &session,
        "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\n",
    )
    .unwrap();
    let (out, _, code) = kubelab(
        &[
            "grade",
            "labs/pause-resume.lab",
            session.to_str().unwrap(),
            "--format",
            "junit",
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("<testsuites") && out.contains("failures=\"2\""),
        "{out}"
    );

    // Scripted shell: stdout and stderr apart, the last command's status.
    let (out, err, code) = kubelab(&["shell"], "echo hi\nkubectl get nope\n");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "hi\n",
            "error: the server doesn't have a resource type \"nope\"\n",
            1
        )
    );
    let (out, _, code) = kubelab(&["shell", "--echo"], "echo -n x\nexit 3\n");
    assert_eq!((out.as_str(), code), ("$ echo -n x\nx\n$ exit 3\n", 3));

    // A malformed lab: the diagnostic on stderr, exit 1.
    let bad = dir.join("bad.lab");
    std::fs::write(&bad, "lab \"x\"\ncheck \"no points\" { true }\n").unwrap();
    let (_, err, code) = kubelab(&["run", bad.to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: a check needs its points\n"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
