//! The `kubelab` binary: the README's commands and their exit statuses.

use std::io::Write;
use std::process::{Command, Stdio};

fn kubelab(args: &[&str], stdin: &str) -> (String, String, i32) {
    // Lab texts in English, whatever the machine's locale.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
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

#[test]
fn a_record_is_never_overwritten_and_resume_goes_on_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("me.session");
    let r = rec.to_str().unwrap();
    let lab = "labs/pause-resume.lab";
    let (_, err, code) = kubelab(
        &["shell", lab, "--record", r],
        "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\n",
    );
    assert_eq!((err.as_str(), code), ("", 0));
    let first = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(
        first,
        "# kubelab session for labs/pause-resume.lab\nkubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\n"
    );

    // A second --record to the same file: refused before anything runs, the record kept.
    let (out, err, code) = kubelab(&["shell", lab, "--record", r], "kubectl get deployment\n");
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            format!(
                "kubelab shell: {r} already holds a session record; to go on with it: kubelab shell {lab} --record {r} --resume (or record to another file)\n"
            )
            .as_str(),
            2
        )
    );
    assert_eq!(std::fs::read_to_string(&rec).unwrap(), first);

    // --resume replays it (the deployment is back) and adds the new inputs after it.
    let (out, err, code) = kubelab(
        &["shell", lab, "--record", r, "--resume"],
        "kubectl get deployment -o name\n",
    );
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "deployment.apps/http-go\n",
            format!("kubelab: resumed {r}: 1 commands replayed; new ones are added to it.\n")
                .as_str(),
            0
        )
    );
    assert_eq!(
        std::fs::read_to_string(&rec).unwrap(),
        format!("{first}# kubelab: resumed\nkubectl get deployment -o name\n")
    );

    // Another lab's record, and --resume without a record: plain errors.
    let (_, err, code) = kubelab(
        &["shell", "labs/mongo-rollout.lab", "--record", r, "--resume"],
        "",
    );
    assert_eq!(
        (err.as_str(), code),
        (
            format!("kubelab shell: {r} is a session of {lab}, not of labs/mongo-rollout.lab\n")
                .as_str(),
            2
        )
    );
    let (_, err, code) = kubelab(&["shell", lab, "--resume"], "");
    assert_eq!(
        (err.as_str(), code),
        (
            "kubelab shell: --resume needs the record to go on with (kubelab shell LAB --record FILE --resume)\n",
            2
        )
    );
    let (out, _, code) = kubelab(&["shell", "--help"], "");
    assert_eq!(code, 0);
    assert!(
        out.contains("Usage: kubelab shell [OPTIONS] [LAB]") && out.contains("--record <FILE>"),
        "{out}"
    );
}

#[test]
fn scripted_sessions_refuse_an_interactive_editor_plainly() {
    let (out, err, code) = kubelab(
        &["shell"],
        "kubectl create deployment web --image=nginx\nKUBE_EDITOR=\"sh -c 'id > /tmp/kubelab-escaped'\" kubectl edit deployment web\nkubectl edit deployment web\necho 'a: 1' > f.yaml\nvi f.yaml\nKUBE_EDITOR=\"sed -i 's/replicas: 1/replicas: 2/'\" kubectl edit deployment web\n",
    );
    assert_eq!(
        out,
        "deployment.apps/web created\ndeployment.apps/web edited\n"
    );
    assert_eq!(
        err,
        "error: kubelab runs only an editor program on the host, not \"sh\" (a shell, interpreter or launcher): set KUBE_EDITOR to your editor, e.g. KUBE_EDITOR=nano\n\
         error: kubelab opens the editor \"vi\" only at the interactive prompt (kubelab shell on a terminal); in scripts and graded sessions set KUBE_EDITOR to a sed command, e.g. KUBE_EDITOR=\"sed -i 's/replicas: 5/replicas: 10/'\" kubectl edit deployment/NAME\n\
         kubelab: vi: not available in the kubelab shell here: only the interactive prompt (kubelab shell on a terminal) opens your editor; in scripts write files with sed -i or cat > f.yaml <<'EOF'\n"
    );
    assert_eq!(code, 0);
    assert!(!std::path::Path::new("/tmp/kubelab-escaped").exists());
}
