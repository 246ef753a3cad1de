//! `helm template` of kubelab's charts (the v3.21.4 `helm create` scaffold and the seed's
//! old-shape mychart2), rendered by kubelab's engine, byte-identical to the expected texts in
//! tests/inputs/helm/CASE.expected. The expected texts were recorded with the Go oracle
//! (tests/oracle: Go's text/template + Sprig + sigs.k8s.io/yaml wired as Helm's engine):
//! `KUBELAB_RECORD_HELM=1 cargo test --test helm_render` rewrites them. When Go and the Debian
//! packages are installed the oracle also runs live and must agree; otherwise the test says
//! "skipped: ..." and compares with the recorded files only.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kubelab::helm::charts::{ChartFiles, gasbugs_charts, scaffold_files};
use kubelab::helm::engine::{
    Capabilities, Lookup, RenderChart, RenderRelease, UserValues, coalesce_values, render,
};

struct Case {
    name: &'static str,
    chart: &'static str,
    files: fn() -> ChartFiles,
    values: Option<&'static str>,
    notes: bool,
}

fn create() -> ChartFiles {
    scaffold_files("mychart")
}

fn mychart2() -> ChartFiles {
    gasbugs_charts()
        .into_iter()
        .find(|(n, _)| n == "mychart2")
        .map(|(_, f)| f)
        .unwrap_or_default()
}

const CASES: &[Case] = &[
    Case {
        name: "create-default",
        chart: "mychart",
        files: create,
        values: None,
        notes: false,
    },
    Case {
        name: "create-default-notes",
        chart: "mychart",
        files: create,
        values: None,
        notes: true,
    },
    Case {
        name: "create-everything",
        chart: "mychart",
        files: create,
        values: Some("create-everything"),
        notes: false,
    },
    Case {
        name: "create-everything-notes",
        chart: "mychart",
        files: create,
        values: Some("create-everything"),
        notes: true,
    },
    Case {
        name: "mychart2-default",
        chart: "mychart2",
        files: mychart2,
        values: None,
        notes: false,
    },
    Case {
        name: "mychart2-default-notes",
        chart: "mychart2",
        files: mychart2,
        values: None,
        notes: true,
    },
    Case {
        name: "mychart2-everything",
        chart: "mychart2",
        files: mychart2,
        values: Some("mychart2-everything"),
        notes: false,
    },
    Case {
        name: "mychart2-everything-notes",
        chart: "mychart2",
        files: mychart2,
        values: Some("mychart2-everything"),
        notes: true,
    },
];

const RELEASE: &str = "mychart-test";
const KUBE_VERSION: &str = "v1.32.0";

fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/helm")
}

fn get<'a>(files: &'a ChartFiles, path: &str) -> &'a str {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
        .unwrap_or("")
}

/// kubelab's output for a case.
fn ours(case: &Case) -> String {
    let files = (case.files)();
    let templates: Vec<(String, String)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("templates/"))
        .cloned()
        .collect();
    let chart = RenderChart {
        name: case.chart,
        version: "0.1.0",
        app_version: Some("1.16.0"),
        description: Some("A Helm chart for Kubernetes"),
        api_version: "v2",
        chart_type: Some("application"),
        templates: &templates,
        files: &[],
        subcharts: vec![],
        values_yaml: get(&files, "values.yaml"),
    };
    let user: Vec<UserValues> = case
        .values
        .map(|v| {
            vec![UserValues::File(
                std::fs::read_to_string(inputs().join(format!("{v}.values.yaml"))).unwrap(),
            )]
        })
        .unwrap_or_default();
    let values = coalesce_values(chart.values_yaml, &user).unwrap();
    let release = RenderRelease {
        name: RELEASE,
        namespace: "default",
        revision: 1,
        is_install: true,
        is_upgrade: false,
        service: "Helm",
    };
    let caps = Capabilities {
        kube_version: KUBE_VERSION.into(),
        api_versions: vec!["v1".into(), "apps/v1".into()],
        helm_version: "v3.21.4".into(),
        helm_git_commit: String::new(),
        go_version: "go1.25.0".into(),
    };
    let lookup: Lookup = Arc::new(|_: &str, _: &str, _: &str, _: &str| None);
    let rendered = render(&chart, &values, &release, &caps, &lookup).unwrap();
    if case.notes {
        return rendered.notes.unwrap_or_default();
    }
    // The path `helm template` takes: the command line's sort into hooks and manifests, the
    // release's manifest text, then `helm template`'s assembly.
    let (hooks, sorted) = kubelab::helm::manifests::sort_manifests(&rendered.files).unwrap();
    let manifest = kubelab::helm::manifests::manifest_text(&sorted);
    kubelab::helm::manifests::template_text(&manifest, &hooks, false)
}

/// The oracle's output, or why it cannot run.
fn oracle(case: &Case) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let chart_dir = dir.path().join(case.chart);
    for (p, t) in (case.files)() {
        let path = chart_dir.join(&p);
        std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&path, t).map_err(|e| e.to_string())?;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/run.sh");
    let mut cmd = Command::new("sh");
    cmd.arg(script)
        .arg(&chart_dir)
        .arg(RELEASE)
        .arg("default")
        .arg(KUBE_VERSION);
    if let Some(v) = case.values {
        cmd.arg(inputs().join(format!("{v}.values.yaml")));
    }
    if case.notes {
        cmd.arg("notes");
    }
    let out = cmd
        .output()
        .map_err(|e| format!("skipped: cannot run sh: {e}"))?;
    match out.status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&out.stdout).into_owned()),
        Some(3) => Err(String::from_utf8_lossy(&out.stderr).trim().to_string()),
        _ => panic!("oracle failed: {}", String::from_utf8_lossy(&out.stderr)),
    }
}

#[test]
fn charts_render_as_helm_does() {
    let record = std::env::var_os("KUBELAB_RECORD_HELM").is_some();
    let mut failures = Vec::new();
    for case in CASES {
        let expected_path = inputs().join(format!("{}.expected", case.name));
        let live = oracle(case);
        if record {
            let text = live.as_ref().expect("recording needs the oracle");
            std::fs::write(&expected_path, text).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap();
        let got = ours(case);
        if got != expected {
            failures.push(format!(
                "{}: differs from {}\n--- got ---\n{got}",
                case.name,
                expected_path.display()
            ));
        }
        match live {
            Ok(text) => {
                if text != expected {
                    failures.push(format!(
                        "{}: the live oracle differs from the recorded text",
                        case.name
                    ));
                }
            }
            Err(why) => {
                use std::io::Write as _;
                let _ = writeln!(std::io::stderr(), "{}: live oracle {why}", case.name);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// kubelab's answer for one snippet: the rendered text or `ERROR: ` and Helm's error.
fn snippet(body: &str, helpers: &str, values_yaml: &str) -> String {
    let templates = vec![
        ("templates/t.yaml".to_string(), body.to_string()),
        ("templates/_helpers.tpl".to_string(), helpers.to_string()),
    ];
    let chart = RenderChart {
        name: "mychart",
        version: "0.1.0",
        app_version: Some("1.16.0"),
        description: None,
        api_version: "v2",
        chart_type: None,
        templates: &templates,
        files: &[],
        subcharts: vec![],
        values_yaml,
    };
    let values = coalesce_values(values_yaml, &[]).unwrap();
    let release = RenderRelease {
        name: "rel",
        namespace: "default",
        revision: 1,
        is_install: true,
        is_upgrade: false,
        service: "Helm",
    };
    let caps = Capabilities {
        kube_version: KUBE_VERSION.into(),
        api_versions: vec![],
        helm_version: "v3.21.4".into(),
        helm_git_commit: String::new(),
        go_version: "go1.25.0".into(),
    };
    let lookup: Lookup = Arc::new(|_: &str, _: &str, _: &str, _: &str| None);
    match render(&chart, &values, &release, &caps, &lookup) {
        Ok(r) => r
            .files
            .into_iter()
            .find(|(p, _)| p == "mychart/templates/t.yaml")
            .map(|(_, t)| t)
            .unwrap_or_default(),
        Err(e) => format!("ERROR: {e}"),
    }
}

/// Sprig and Helm functions, values semantics and Helm's error texts, case by case
/// (tests/inputs/helm/snippets.txt), against the oracle's answers in snippets.expected.
#[test]
fn snippets_render_as_helm_does() {
    let dir = inputs();
    let cases = std::fs::read_to_string(dir.join("snippets.txt")).unwrap();
    let helpers = std::fs::read_to_string(dir.join("snippets.helpers.tpl")).unwrap();
    let values = std::fs::read_to_string(dir.join("snippets.values.yaml")).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/run.sh");
    let live = Command::new("sh")
        .arg(&script)
        .arg("snippets")
        .arg(dir.join("snippets.txt"))
        .arg(dir.join("snippets.values.yaml"))
        .arg(dir.join("snippets.helpers.tpl"))
        .output()
        .ok();
    let expected_path = dir.join("snippets.expected");
    if let Some(o) = &live {
        match o.status.code() {
            Some(0) => {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                if std::env::var_os("KUBELAB_RECORD_HELM").is_some() {
                    std::fs::write(&expected_path, &text).unwrap();
                }
                assert_eq!(
                    text,
                    std::fs::read_to_string(&expected_path).unwrap(),
                    "the live oracle differs from snippets.expected"
                );
            }
            _ => println!(
                "snippets: live oracle {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
        }
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    let mut ours = String::new();
    for c in cases.split("=== ").skip(1) {
        let (name, body) = c.split_once('\n').unwrap();
        ours.push_str(&format!(
            "=== {name}\n{}\n",
            snippet(body, &helpers, &values)
        ));
    }
    let mut diffs = Vec::new();
    for (e, o) in expected.split("=== ").zip(ours.split("=== ")) {
        if e != o {
            diffs.push(format!("--- helm:\n{e}--- kubelab:\n{o}"));
        }
    }
    assert!(
        diffs.is_empty() && expected == ours,
        "{} snippets differ:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
