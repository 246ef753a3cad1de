//! Labs in several languages (docs/lab-language.md, "Texts in several languages"): the
//! grammar of translated texts, the fallback to English, `--lang` and the locale on `kubelab
//! run | shell | grade | lint`, and the grade reports' stable English identifiers.

use std::io::Write;
use std::process::{Command, Stdio};

use kubelab::lab::{self, Lang};

/// Runs the binary with `env` on top of an environment without locale variables.
fn kubelab(args: &[&str], env: &[(&str, &str)], stdin: &str) -> (String, String, i32) {
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

const LAB: &str = r#"lab "Scale web" ko "web 스케일링"

intro """
Create web and scale it.
"""

intro ko """
web을 만들고 스케일링한다.
"""

task "Create web" ko "web 생성하기" {
    hint "kubectl create deployment" ko "kubectl create deployment를 쓴다"
    hint """
two lines
of hint
""" ko """
두 줄짜리
힌트
"""

    $ kubectl create deployment web --image=nginx
    deployment.apps/web created

    check 1 "web exists" ko "web이 있다" { cluster.exists("deployment", "web") }
}

task "Scale \"web\"" {
    hint "kubectl scale"

    $ kubectl scale deployment web --replicas=3
    deployment.apps/web scaled

    check 2 "web runs 3 replicas" ko "web이 레플리카 3개로 \"실행\" 중이다" {
        cluster.get("deployment", "web").spec.replicas == 3
    }
}
"#;

#[test]
fn translations_are_parsed_and_a_missing_one_falls_back_to_english() {
    let l = lab::parse("t.lab", LAB).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(l.title, "Scale web");
    assert_eq!(l.title_alt, vec![(Lang::Ko, "web 스케일링".to_string())]);
    assert_eq!(l.intro.as_deref(), Some("Create web and scale it."));
    assert_eq!(
        l.intro_alt,
        vec![(Lang::Ko, "web을 만들고 스케일링한다.".to_string())]
    );
    assert_eq!(l.tasks[0].hints[1], "two lines\nof hint");
    assert_eq!(
        l.tasks[0].hints_alt[1],
        vec![(Lang::Ko, "두 줄짜리\n힌트".to_string())]
    );
    assert_eq!(l.tasks[1].title, "Scale \"web\"");
    assert!(l.tasks[1].title_alt.is_empty());
    assert_eq!(l.languages(), vec![Lang::Ko]);

    let ko = l.localized(Lang::Ko);
    assert_eq!(ko.shown, Lang::Ko);
    assert_eq!(ko.title, "web 스케일링");
    assert_eq!(ko.intro.as_deref(), Some("web을 만들고 스케일링한다."));
    assert_eq!(ko.tasks[0].title, "web 생성하기");
    assert_eq!(ko.tasks[0].hints[0], "kubectl create deployment를 쓴다");
    // No translation: the English text.
    assert_eq!(ko.tasks[1].title, "Scale \"web\"");
    assert_eq!(ko.tasks[1].hints[0], "kubectl scale");
    assert_eq!(ko.checks[1].what, "web이 레플리카 3개로 \"실행\" 중이다");
    // The English lab is at hand for identifiers; the rest of the lab is untouched.
    assert_eq!(ko.base().title, "Scale web");
    assert_eq!(ko.base().checks[1].what, "web runs 3 replicas");
    assert_eq!(ko.checks[1].block, l.checks[1].block);
    assert_eq!(ko.steps().count(), 2);
    // English is the lab as written.
    let en = l.localized(Lang::En);
    assert_eq!(
        (en.title.as_str(), en.checks[1].what.as_str()),
        ("Scale web", "web runs 3 replicas")
    );
    // A localized copy localizes from the English texts.
    assert_eq!(ko.localized(Lang::En).title, "Scale web");
}

#[test]
fn an_english_only_lab_parses_as_before() {
    let text = "lab \"T\"\n\nintro \"hi\"\n\ntask \"one\" {\n    hint \"h\"\n    check 1 \"a\" { true }\n}\n";
    let l = lab::parse("t.lab", text).unwrap();
    assert!(l.languages().is_empty());
    assert!(l.title_alt.is_empty() && l.intro_alt.is_empty());
    assert_eq!(l.tasks[0].hints_alt, vec![Vec::new()]);
    let ko = l.localized(Lang::Ko);
    assert_eq!(
        (
            ko.title.as_str(),
            ko.intro.as_deref(),
            ko.checks[0].what.as_str()
        ),
        ("T", Some("hi"), "a")
    );
    assert!(lab::translations::missing(&l).is_empty());
}

#[test]
fn a_word_that_only_looks_like_a_tag_stays_in_its_command_or_code() {
    // `ko` inside a step's command line or a check's code is not a translation.
    let text = "lab \"T\" ko \"티\"\n\ntask \"one\" ko \"하나\" {\n    $ echo ko \"x\"\n    ko x\n\n    check 1 \"a\" ko \"에이\" { let ko = \"x\"; ko == \"x\" }\n}\n";
    let l = lab::parse("t.lab", text).unwrap_or_else(|d| panic!("{d}"));
    let step = l.steps().next().unwrap();
    assert_eq!(step.command, "echo ko \"x\"");
    assert_eq!(step.expected, Some(vec!["ko x".to_string()]));
    assert_eq!(
        l.checks[0].block.source.trim(),
        "let ko = \"x\"; ko == \"x\""
    );
}

#[test]
fn translated_items_at_the_very_end_of_a_file() {
    // No final newline: the last item ends at the end of the file.
    let l = lab::parse("t.lab", "lab \"T\" ko \"티\"").unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(l.title_alt, vec![(Lang::Ko, "티".to_string())]);
    let l = lab::parse("t.lab", "lab \"T\"\n\ncheck 1 \"a\" ko \"에이\" { true }")
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(l.checks[0].what_alt, vec![(Lang::Ko, "에이".to_string())]);
    assert_eq!(l.checks[0].block.source.trim(), "true");
    let l = lab::parse("t.lab", "lab \"T\"\n\nintro \"a\"\nintro ko \"가\"")
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(l.localized(Lang::Ko).intro.as_deref(), Some("가"));
}

fn lab_file(dir: &tempfile::TempDir) -> String {
    let p = dir.path().join("scale.lab");
    std::fs::write(&p, LAB).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn run_in_korean_by_flag_or_locale_and_in_english_by_default() {
    let (ko, err, code) = kubelab(&["run", "--lang", "ko", "labs/mongo-rollout.lab"], &[], "");
    assert_eq!((code, err.as_str()), (0, ""), "{ko}");
    insta::assert_snapshot!("run_mongo_rollout_ko", ko);
    // kubectl's own output stays English.
    assert!(
        ko.contains("deployment \"mongo\" successfully rolled out\n"),
        "{ko}"
    );
    // The locale picks the language when --lang is not given; LC_ALL before LC_MESSAGES before LANG.
    let by_lang = kubelab(
        &["run", "labs/mongo-rollout.lab"],
        &[("LANG", "ko_KR.UTF-8")],
        "",
    );
    assert_eq!(by_lang.0, ko);
    let by_messages = kubelab(
        &["run", "labs/mongo-rollout.lab"],
        &[("LANG", "C.UTF-8"), ("LC_MESSAGES", "ko_KR.UTF-8")],
        "",
    );
    assert_eq!(by_messages.0, ko);
    let (en, _, code) = kubelab(&["run", "labs/mongo-rollout.lab"], &[], "");
    assert_eq!(code, 0);
    assert!(
        en.starts_with("== labs/mongo-rollout.lab: Rolling update and rollback of mongo\n"),
        "{en}"
    );
    let c_wins = kubelab(
        &["run", "labs/mongo-rollout.lab"],
        &[("LANG", "ko_KR.UTF-8"), ("LC_ALL", "C")],
        "",
    );
    assert_eq!(c_wins.0, en);
    let flag_wins = kubelab(
        &["run", "--lang", "en", "labs/mongo-rollout.lab"],
        &[("LC_ALL", "ko_KR.UTF-8")],
        "",
    );
    assert_eq!(flag_wins.0, en);
    // Same checks, same score: only the texts differ.
    assert_eq!(
        en.lines().filter(|l| l.starts_with("PASS ")).count(),
        ko.lines().filter(|l| l.starts_with("PASS ")).count()
    );
    assert_eq!(en.lines().count(), ko.lines().count());
}

#[test]
fn an_unknown_language_is_a_usage_error() {
    let (_, err, code) = kubelab(&["run", "--lang", "kr", "labs/mongo-rollout.lab"], &[], "");
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "error: invalid value 'kr' for '--lang <LANG>': kubelab has lab texts in: en, ko\n"
        ),
        "{err}"
    );
}

#[test]
fn the_lab_shell_speaks_the_labs_language() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab_file(&dir);
    let (out, _, code) = kubelab(
        &["shell", "--lang", "ko", &lab],
        &[],
        "tasks\nhint\nhint\nhint\nkubectl create deployment web --image=nginx\nhint\ncheck\n",
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out,
        "[ ] 1. web 생성하기 (0/1)\n[ ] 2. Scale \"web\" (0/2)\n\
과제 1의 힌트 (1/2): kubectl create deployment를 쓴다\n\
과제 1의 힌트 (2/2): 두 줄짜리\n힌트\n\
과제 1의 힌트 (2/2): 두 줄짜리\n힌트\n\
deployment.apps/web created\n\
과제 2의 힌트 (1/1): kubectl scale\n\
[x] 1. web 생성하기 (1/1)\n[ ] 2. Scale \"web\" (0/2)\n\
PASS 1/1  web이 있다\nFAIL 0/2  web이 레플리카 3개로 \"실행\" 중이다\nscore: 1/3\n"
    );
    let (out, _, _) = kubelab(&["shell", &lab], &[("LANG", "ko_KR.UTF-8")], "tasks\n");
    assert_eq!(
        out,
        "[ ] 1. web 생성하기 (0/1)\n[ ] 2. Scale \"web\" (0/2)\n"
    );
    let (out, _, _) = kubelab(&["shell", &lab], &[], "tasks\nhint\n");
    assert_eq!(
        out,
        "[ ] 1. Create web (0/1)\n[ ] 2. Scale \"web\" (0/2)\nhint (1/2) for task 1: kubectl create deployment\n"
    );
}

#[test]
fn grade_reports_keep_english_identifiers_and_add_the_chosen_texts() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab_file(&dir);
    let s = dir.path().join("s.session");
    std::fs::write(&s, "kubectl create deployment web --image=nginx\n").unwrap();
    let s = s.to_str().unwrap();

    let (out, _, code) = kubelab(&["grade", "--lang", "ko", &lab, s], &[], "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "== {s} (web 스케일링)\nPASS 1/1  web이 있다\nFAIL 0/2  web이 레플리카 3개로 \"실행\" 중이다\nscore: 1/3\n"
        )
    );

    let (out, _, code) = kubelab(
        &["grade", &lab, s, "--format", "json"],
        &[("LANG", "ko_KR.UTF-8")],
        "",
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/grade-report.schema.json").unwrap())
            .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{out}");
    assert_eq!(v["version"], 2);
    assert_eq!(v["lang"], "ko");
    assert_eq!(v["lab"]["title"], "Scale web");
    assert_eq!(v["lab"]["display_title"], "web 스케일링");
    assert_eq!(
        v["lab"]["tasks"],
        serde_json::json!([
            {"index": 1, "title": "Create web", "display_title": "web 생성하기"},
            {"index": 2, "title": "Scale \"web\"", "display_title": "Scale \"web\""}
        ])
    );
    let c = &v["sessions"][0]["checks"][1];
    assert_eq!(c["what"], "web runs 3 replicas");
    assert_eq!(c["display_what"], "web이 레플리카 3개로 \"실행\" 중이다");
    assert_eq!(c["task"]["title"], "Scale \"web\"");
    assert_eq!(
        v["sessions"][0]["tasks"][0]["display_title"],
        "web 생성하기"
    );

    // In English, the display texts are the English ones.
    let (out, _, _) = kubelab(&["grade", &lab, s, "--format", "json"], &[], "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["lang"], "en");
    assert_eq!(v["lab"]["display_title"], "Scale web");

    // CSV columns and JUnit test names stay English; JUnit carries the Korean as properties.
    let (csv_ko, _, _) = kubelab(
        &["grade", "--lang", "ko", &lab, s, "--format", "csv"],
        &[],
        "",
    );
    let (csv_en, _, _) = kubelab(
        &["grade", "--lang", "en", &lab, s, "--format", "csv"],
        &[],
        "",
    );
    assert_eq!(csv_ko, csv_en);
    assert!(
        csv_ko.starts_with("session,earned,total,1. web exists (1 point),2. web runs 3 replicas (2 points),note\r\n"),
        "{csv_ko}"
    );
    let (junit, _, _) = kubelab(
        &["grade", "--lang", "ko", &lab, s, "--format", "junit"],
        &[],
        "",
    );
    assert!(junit.contains("<testcase name=\"2. web runs 3 replicas\" classname=\"Scale web / task 2: Scale &quot;web&quot;\""), "{junit}");
    assert!(
        junit.contains("<property name=\"lang\" value=\"ko\"/>"),
        "{junit}"
    );
    assert!(
        junit.contains("<property name=\"lab.display_title\" value=\"web 스케일링\"/>"),
        "{junit}"
    );
    assert!(junit.contains("<property name=\"check.2.display_what\" value=\"web이 레플리카 3개로 &quot;실행&quot; 중이다\"/>"), "{junit}");
    let (junit_en, _, _) = kubelab(&["grade", &lab, s, "--format", "junit"], &[], "");
    assert!(!junit_en.contains("display"), "{junit_en}");
}

#[test]
fn lint_warns_about_texts_left_untranslated_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let lab = lab_file(&dir);
    for lang in ["en", "ko"] {
        let (out, _, code) = kubelab(&["lint", "--lang", lang, &lab], &[], "");
        assert_eq!(code, 0, "{out}");
        assert_eq!(
            out,
            format!(
                "{lab}: ok (2 checks can fail and pass)\n\
warning: {lab}:27: task \"Scale \"web\"\" has no `ko` text (English is shown in its place)\n\
warning: {lab}:27: hint 1 of task \"Scale \"web\"\" has no `ko` text (English is shown in its place)\n"
            )
        );
    }
}
