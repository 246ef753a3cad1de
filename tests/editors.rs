//! The editor support in editors/: the TextMate grammar is valid JSON, every regular expression
//! in it compiles (fancy-regex, which like Oniguruma has look-around; the regex crate too where
//! a pattern has none, and both agree on what it matches), and its rules mark the parts of the
//! shipped labs they are for. The VS Code package names the grammar.

use std::collections::BTreeMap;

const GRAMMAR: &str = "editors/vscode/syntaxes/kubelab.tmLanguage.json";

fn grammar() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(GRAMMAR).unwrap()).expect("valid JSON")
}

/// Every regex in the grammar, with where it is.
fn regexes(v: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{at}/{k}");
                match (k.as_str(), x) {
                    ("match" | "begin" | "end" | "while", serde_json::Value::String(s)) => {
                        out.push((here, s.clone()))
                    }
                    _ => regexes(x, &here, out),
                }
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                regexes(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn rule(g: &serde_json::Value, name: &str, key: &str) -> fancy_regex::Regex {
    let s = g["repository"][name][key]
        .as_str()
        .unwrap_or_else(|| panic!("{name}.{key}"));
    fancy_regex::Regex::new(s).unwrap()
}

#[test]
fn every_regex_compiles_and_the_engines_agree() {
    let g = grammar();
    assert_eq!(g["scopeName"], "source.kubelab");
    let mut all = Vec::new();
    regexes(&g, "", &mut all);
    assert!(all.len() > 20, "{}", all.len());
    let samples: Vec<String> = std::fs::read_dir("labs")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "lab"))
        .flat_map(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for (at, src) in &all {
        if let Err(e) = fancy_regex::Regex::new(src) {
            panic!("{at}: {src:?} does not compile: {e}");
        }
        // Where the regex crate can take it (no look-around), it matches the same.
        if let Ok(plain) = regex::Regex::new(&format!("(?m){src}")) {
            let fancy = fancy_regex::Regex::new(&format!("(?m){src}")).unwrap();
            for line in &samples {
                assert_eq!(
                    plain.find(line).map(|m| m.range()),
                    fancy.find(line).ok().flatten().map(|m| m.range()),
                    "{at}: {src:?} on {line:?}"
                );
            }
        } else {
            assert!(
                src.contains("(?<") || src.contains("(?="),
                "{at}: {src:?}: only look-around may be beyond the regex crate"
            );
        }
    }
}

#[test]
fn the_rules_mark_what_they_are_for() {
    let g = grammar();
    let cap = |name: &str, key: &str, line: &str| -> BTreeMap<usize, String> {
        let r = rule(&g, name, key);
        let c = r
            .captures(line)
            .unwrap()
            .unwrap_or_else(|| panic!("{name} on {line:?}"));
        (1..c.len())
            .filter_map(|i| c.get(i).map(|m| (i, m.as_str().to_string())))
            .collect()
    };
    assert_eq!(
        cap("lab", "match", "lab \"Pause and resume a rollout\""),
        BTreeMap::from([
            (1, "lab".into()),
            (2, "\"Pause and resume a rollout\"".into()),
            (3, "".into())
        ])
    );
    assert_eq!(
        cap(
            "check",
            "begin",
            "    check 2 \"http-go runs \\\"v2\\\"\" {"
        ),
        BTreeMap::from([
            (1, "check".into()),
            (2, "2".into()),
            (3, "\"http-go runs \\\"v2\\\"\"".into()),
            (4, "".into()),
            (5, "{".into())
        ])
    );
    // A translated text (docs/lab-language.md, "Texts in several languages").
    assert_eq!(
        cap(
            "check",
            "begin",
            "    check 2 \"web runs\" ko \"web이 \\\"실행\\\" 중\" {"
        ),
        BTreeMap::from([
            (1, "check".into()),
            (2, "2".into()),
            (3, "\"web runs\"".into()),
            (4, " ko \"web이 \\\"실행\\\" 중\"".into()),
            (5, "{".into())
        ])
    );
    assert_eq!(
        cap("task", "match", "task \"Resume\" ko \"재개하기\" {"),
        BTreeMap::from([
            (1, "task".into()),
            (2, "\"Resume\"".into()),
            (3, " ko \"재개하기\"".into()),
            (4, "{".into())
        ])
    );
    assert_eq!(
        cap("translation", "match", "ko \"재개하기\""),
        BTreeMap::from([(1, "ko".into()), (2, "\"재개하기\"".into())])
    );
    assert_eq!(
        cap("language-tag", "match", "intro ko \"\"\""),
        BTreeMap::from([(1, "ko".into())])
    );
    assert_eq!(
        cap("task", "match", "task \"Deploy and pause\" {"),
        BTreeMap::from([
            (1, "task".into()),
            (2, "\"Deploy and pause\"".into()),
            (3, "".into()),
            (4, "{".into())
        ])
    );
    assert_eq!(
        cap(
            "command",
            "begin",
            "    $ kubectl rollout status deployment http-go"
        ),
        BTreeMap::from([(1, "$".into())])
    );
    assert_eq!(
        cap("prompt", "match", "prompt \"[{user}@{project}]$ \""),
        BTreeMap::from([(1, "prompt".into()), (2, "\"[{user}@{project}]$ \"".into())])
    );
    let setup = rule(&g, "setup", "begin");
    assert!(setup.is_match("setup { registry.push(\"x\"); }").unwrap());
    let comment = rule(&g, "comment", "match");
    assert!(comment.is_match("# labs/pause-resume.lab").unwrap());
    // Expected output is not a command, a keyword or a comment.
    for rule_name in ["command", "check", "task", "lab"] {
        let key = if rule_name == "command" || rule_name == "check" {
            "begin"
        } else {
            "match"
        };
        assert!(
            !rule(&g, rule_name, key)
                .is_match("    deployment.apps/http-go created")
                .unwrap(),
            "{rule_name}"
        );
    }
}

#[test]
fn the_vscode_package_names_the_grammar() {
    let p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("editors/vscode/package.json").unwrap())
            .unwrap();
    let grammar = &p["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.kubelab");
    assert_eq!(grammar["path"], "./syntaxes/kubelab.tmLanguage.json");
    assert_eq!(p["contributes"]["languages"][0]["extensions"][0], ".lab");
    let conf: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("editors/vscode/language-configuration.json").unwrap(),
    )
    .unwrap();
    assert_eq!(conf["comments"]["lineComment"], "#");
}
