//! kubelab's own command line as a finished tool: help, version, errors with suggestions,
//! completions, `kubelab new`, and `kubelab grade`'s errors, exit statuses and reports (the JSON
//! report validated against docs/grade-report.schema.json).

use std::process::{Command, Stdio};

fn kubelab_env(args: &[&str], env: &[(&str, &str)]) -> (String, String, i32) {
    // Lab texts in English unless `env` says otherwise, whatever the machine's locale.
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubelab"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kubelab");
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

fn kubelab(args: &[&str]) -> (String, String, i32) {
    kubelab_env(args, &[])
}

#[test]
fn version_help_and_errors() {
    let (out, _, code) = kubelab(&["--version"]);
    assert_eq!(
        (out.as_str(), code),
        (
            format!("kubelab {}\n", env!("CARGO_PKG_VERSION")).as_str(),
            0
        )
    );
    let (out, _, code) = kubelab(&["help"]);
    assert_eq!(code, 0);
    for sub in ["shell", "run", "grade", "lint", "new", "completions"] {
        assert!(out.contains(&format!("\n  {sub} ")), "{sub}: {out}");
    }
    assert!(out.contains("Examples:\n  kubelab shell"), "{out}");
    let (out, _, code) = kubelab(&["help", "grade"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Usage: kubelab grade [OPTIONS] <LAB> <SESSION>...")
            && out.contains("--fail-under 80%"),
        "{out}"
    );
    // No colour through a pipe, even in help.
    assert!(!out.contains('\u{1b}'), "{out:?}");

    let (out, err, code) = kubelab(&["grdae"]);
    assert_eq!((out.as_str(), code), ("", 2));
    assert!(
        err.starts_with(
            "error: unrecognized subcommand 'grdae'\n\n  tip: a similar subcommand exists: 'grade'\n"
        ),
        "{err}"
    );
    let (_, err, code) = kubelab(&["run", "--blessed", "x.lab"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("unexpected argument '--blessed'") && err.contains("'--bless'"),
        "{err}"
    );
    let (_, err, code) = kubelab(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("Usage: kubelab <COMMAND>"), "{err}");
}

#[test]
fn completion_scripts() {
    for (shell, marker) in [
        ("bash", "complete -F _kubelab"),
        ("zsh", "#compdef kubelab"),
        ("fish", "complete -c kubelab"),
    ] {
        let (out, err, code) = kubelab(&["completions", shell]);
        assert_eq!((err.as_str(), code), ("", 0), "{shell}");
        assert!(out.contains(marker), "{shell}: {out}");
        assert!(out.contains("fail-under"), "{shell}");
    }
    let (_, err, code) = kubelab(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("[possible values: bash, elvish, fish, powershell, zsh]"),
        "{err}"
    );
}

#[test]
fn new_writes_a_lab_that_runs_and_lints_and_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("scale-web");
    let name = name.to_str().unwrap();
    let path = format!("{name}.lab");
    let (out, err, code) = kubelab(&["new", name]);
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(
        out,
        format!(
            "Created {path}: a lab with two tasks that passes `kubelab lint` as it is.\nNext: kubelab run {path}; edit it (docs/authoring.md); kubelab lint {path}.\n"
        )
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("lab \"Scale web\"\n"), "{text}");
    let (out, _, code) = kubelab(&["run", &path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("score: 3/3\n"), "{out}");
    let (out, _, code) = kubelab(&["lint", &path]);
    assert_eq!(
        (out.as_str(), code),
        (
            format!("{path}: ok (2 checks can fail and pass)\n").as_str(),
            0
        )
    );
    std::fs::write(&path, "mine").unwrap();
    let (_, err, code) = kubelab(&["new", &path]);
    assert_eq!(
        (err.as_str(), code),
        (
            format!("kubelab new: {path} already exists; kubelab new never overwrites a file\n")
                .as_str(),
            1
        )
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}

const LAB: &str = "labs/pause-resume.lab";
const PARTIAL: &str = "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\nkubectl rollout pause deployment http-go\n";

#[test]
fn grade_errors_and_exit_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.session");
    std::fs::write(&s, PARTIAL).unwrap();
    let s = s.to_str().unwrap();
    let missing = dir.path().join("missing.session");
    let missing = missing.to_str().unwrap();

    // A missing session file is an error, and nothing is graded.
    let (out, err, code) = kubelab(&["grade", LAB, s, missing]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            format!("kubelab grade: cannot read the session {missing}: No such file or directory (os error 2)\nkubelab grade: nothing was graded\n").as_str(),
            1
        )
    );
    let d = dir.path().to_str().unwrap();
    let (_, err, code) = kubelab(&["grade", LAB, d]);
    assert_eq!(code, 1);
    assert!(err.contains("Is a directory"), "{err}");

    // The partial session earns 1 of 3 points.
    let (out, _, code) = kubelab(&["grade", LAB, s]);
    assert_eq!(code, 0);
    assert!(out.ends_with("score: 1/3\n"), "{out}");
    for (bar, want) in [
        ("1", 0),
        ("2", 1),
        ("33%", 0),
        ("34%", 1),
        ("100%", 1),
        ("0%", 0),
    ] {
        let (_, _, code) = kubelab(&["grade", LAB, s, "--fail-under", bar]);
        assert_eq!(code, want, "--fail-under {bar}");
    }
    for bad in [
        &["--fail-under", "101%"][..],
        &["--fail-under", "x"],
        &["--seed", "-1"],
        &["--seed", "abc"],
        &["--jobs", "0"],
        &["-j", "many"],
        &["--session-timeout", "0"],
        &["--format", "xml"],
    ] {
        let mut args = vec!["grade", LAB, s];
        args.extend_from_slice(bad);
        let (out, err, code) = kubelab(&args);
        assert_eq!((out.as_str(), code), ("", 2), "{bad:?}: {err}");
        assert!(err.starts_with("error: "), "{bad:?}: {err}");
    }
}

/// Validates a JUnit report against the common schema's rules (`docs/junit.xsd`) with xmllint
/// (Debian's libxml2-utils), saying visibly when xmllint is not there.
fn assert_valid_junit(report: &str) {
    use std::io::Write as _;
    if Command::new("xmllint").arg("--version").output().is_err() {
        let _ = writeln!(
            std::io::stderr(),
            "skipped: xmllint not found; the JUnit report was not validated against docs/junit.xsd"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.xml");
    std::fs::write(&file, report).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", "docs/junit.xsd"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{report}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn junit_schema_rejects_what_the_common_schema_rejects() {
    use std::io::Write as _;
    if Command::new("xmllint").arg("--version").output().is_err() {
        let _ = writeln!(std::io::stderr(), "skipped: xmllint not found");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ok = "<testsuites name=\"x\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"1.5\"><testsuite name=\"s\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"1.500\"><properties><property name=\"a\" value=\"b\"/></properties><testcase name=\"t\" classname=\"c\" time=\"0\"><failure message=\"m\" type=\"t\">why</failure></testcase><system-err>n</system-err></testsuite></testsuites>";
    let bad = [
        // `skipped` is not an attribute of <testsuites>.
        ok.replacen("time=\"1.5\"", "time=\"1.5\" skipped=\"0\"", 1),
        // No properties inside a test case.
        ok.replace("<failure", "<properties/><failure"),
        // A suite needs its counts.
        ok.replace(" failures=\"1\" errors=\"0\" time=\"1.500\"", ""),
        // A time is a number of seconds.
        ok.replace("time=\"1.500\"", "time=\"1.5s\""),
        // A property has a value.
        ok.replace(" value=\"b\"", ""),
    ];
    let check = |xml: &str| {
        let file = dir.path().join("r.xml");
        std::fs::write(&file, xml).unwrap();
        Command::new("xmllint")
            .args(["--noout", "--schema", "docs/junit.xsd"])
            .arg(&file)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(check(ok), "{ok}");
    for b in &bad {
        assert!(!check(b), "{b}");
    }
}

#[test]
fn grade_reports_json_against_the_schema_junit_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path().join("s.session");
    std::fs::write(&s, PARTIAL).unwrap();
    let s = s.to_str().unwrap();
    let bad_lab = dir.path().join("err.lab");
    std::fs::write(
        &bad_lab,
        "lab \"E\"\n\ntask \"t\" {\n    $ echo hi\n    hi\n\n    check 1 \"errs\" { cluster.get(\"deployment\", \"nope\").spec.replicas == 1 }\n}\n",
    )
    .unwrap();
    let bad_lab = bad_lab.to_str().unwrap();

    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/grade-report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for lab in [LAB, bad_lab] {
        let (out, _, code) = kubelab(&["grade", lab, s, s, "--format", "json"]);
        assert_eq!(code, 0);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{out}");
    }
    let (out, _, _) = kubelab(&["grade", LAB, s, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(v["sessions"][0]["earned"], 1);
    assert_eq!(
        v["sessions"][0]["checks"][1]["task"],
        serde_json::json!({"index": 2, "title": "Resume", "display_title": "Resume"})
    );
    // Not a valid report: the schema says so.
    let mut broken = v.clone();
    broken["sessions"][0]["checks"][0]["status"] = "maybe".into();
    assert!(!validator.is_valid(&broken));

    // JUnit: a failure with its reason in the body, a Rhai error as <error>, points as
    // properties, time, and no `skipped` on <testsuites>.
    let (out, _, _) = kubelab(&["grade", bad_lab, s, "--format", "junit"]);
    assert!(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kubelab\" tests=\"1\" failures=\"0\" errors=\"1\" time=\""), "{out}");
    assert!(
        out.contains("<error message=\"the check could not be evaluated\" type=\"lab error\">"),
        "{out}"
    );
    assert!(
        out.contains("cluster.get: no deployment &quot;nope&quot;"),
        "{out}"
    );
    assert_valid_junit(&out);
    let (out, _, _) = kubelab(&["grade", LAB, s, s, "--format", "junit"]);
    assert!(
        out.contains("<property name=\"check.2.points\" value=\"2\"/>"),
        "{out}"
    );
    assert!(
        out.contains("<property name=\"check.1.points.earned\" value=\"1\"/>"),
        "{out}"
    );
    assert!(out.contains("type=\"check failed\">"), "{out}");
    assert_valid_junit(&out);
    let (out, _, _) = kubelab(&["grade", LAB, s, s, "--format", "csv"]);
    let rows: Vec<&str> = out.split_terminator("\r\n").collect();
    assert_eq!(
        rows,
        vec![
            "session,earned,total,1. the deployment was paused (1 point),2. http-go runs v2 after one rollout (2 points),note",
            &format!("{s},1,3,1,0,"),
            &format!("{s},1,3,1,0,"),
        ]
    );
}

#[test]
fn no_colour_when_no_color_is_set_or_through_pipes() {
    let (out, err, _) = kubelab_env(&["run", LAB], &[("NO_COLOR", "1")]);
    assert!(!out.contains('\u{1b}') && !err.contains('\u{1b}'));
    let (out, _, _) = kubelab(&["grade", "--help"]);
    assert!(!out.contains('\u{1b}'));
}

/// The cookbook of docs/authoring.md: each check passes on the world it is written for.
#[test]
fn the_authoring_cookbook_runs_with_full_marks() {
    let (out, _, code) = kubelab(&["run", "tests/inputs/cookbook.lab"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("score: 9/9\n"), "{out}");
}

/// A Rhai error in a check or an assert: `kubelab run` and `kubelab lint` show it at its place
/// in the lab file with a caret, as a parse error is shown; a student's grade keeps one line.
#[test]
fn rhai_runtime_errors_get_a_caret() {
    let dir = tempfile::tempdir().unwrap();
    let lab = dir.path().join("e.lab");
    std::fs::write(
        &lab,
        "lab \"E\"\n\ntask \"t\" {\n    $ echo hi\n    hi\n\n    assert \"a\" { cluster.get(\"pod\", \"x\") == 1 }\n\n    check 1 \"errs\" {\n        let d = cluster.get(\"deployment\", \"nope\");\n        d.spec.replicas == 1\n    }\n}\n",
    )
    .unwrap();
    let l = lab.to_str().unwrap();
    let (out, _, code) = kubelab(&["run", l]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "== {l}: E\n-- task 1: t\n$ echo hi\nhi\n!! assert a: FAILED ({l}:7:26: Runtime error: cluster.get: no pod \"x\" in namespace \"default\")\n\
             !! error: Runtime error: cluster.get: no pod \"x\" in namespace \"default\"\n!!  --> {l}:7:26\n!!   |\n!! 7 |     assert \"a\" {{ cluster.get(\"pod\", \"x\") == 1 }}\n!!   |                          ^\n\
             -- checks\nFAIL 0/1  errs\n       {l}:10:25: Runtime error: cluster.get: no deployment \"nope\" in namespace \"default\"\n\
             \x20      error: Runtime error: cluster.get: no deployment \"nope\" in namespace \"default\"\n         --> {l}:10:25\n          |\n       10 |         let d = cluster.get(\"deployment\", \"nope\");\n          |                         ^\nscore: 0/1\n"
        )
    );
    let (out, _, code) = kubelab(&["lint", l]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "(cluster.get: no deployment \"nope\" in namespace \"default\")\n        --> {l}:10:25\n"
        )) || out.contains("    10 |         let d = cluster.get(\"deployment\", \"nope\");\n"),
        "{out}"
    );
    let s = dir.path().join("s");
    std::fs::write(&s, "echo hi\n").unwrap();
    let (out, _, _) = kubelab(&["grade", l, s.to_str().unwrap()]);
    assert!(!out.contains('^'), "{out}");
}
