//! kubectl-identical YAML/JSON output and manifest parsing.
//!
//! Three kinds of tests:
//! - **live**: compare with the real `kubectl` (v1.32) byte for byte; they print a message and
//!   pass when `kubectl` is not on PATH.
//! - **recorded**: `tests/inputs/yaml/typed/*.txt` hold a kubectl command and its recorded
//!   `-o json` / `-o yaml` output; kubelab must reproduce both from the JSON alone (always run).
//!   The live test re-runs each command to keep the recordings honest.
//! - **snapshots** (insta, for CI without kubectl): the outputs for every input object; they were
//!   accepted only after the live test matched kubectl on the same inputs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kubelab::printers::json::{to_json_list, to_json_sorted, to_json_typed};
use kubelab::printers::yaml::{to_yaml, to_yaml_list, try_to_yaml};
use serde_json::Value;

fn inputs(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/inputs/yaml")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: kubectl not found; no live comparison with kubectl"
        );
    }
    found
}

/// Runs kubectl; returns (stdout, stderr, success).
fn kubectl(args: &[&str]) -> (String, String, bool) {
    let out = Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("kubectl runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// A readable first-difference report, or `None` when equal.
fn difference(what: &str, ours: &str, theirs: &str) -> Option<String> {
    if ours == theirs {
        return None;
    }
    let (o, t): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    let i = o.iter().zip(&t).take_while(|(a, b)| a == b).count();
    Some(format!(
        "{what}: differs from kubectl at line {}\n kubelab: {:?}\n kubectl: {:?}",
        i + 1,
        o.get(i),
        t.get(i)
    ))
}

/// Asserts equality with a readable first-difference report.
#[track_caller]
fn assert_same(what: &str, ours: &str, theirs: &str) {
    if let Some(d) = difference(what, ours, theirs) {
        panic!("{d}");
    }
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("input readable");
    serde_json::from_str(&text).expect("input is JSON")
}

// ----- unstructured objects (kubectl get / files): sorted JSON, YAML -----

#[test]
fn objects_match_kubectl_live() {
    if !kubectl_available() {
        return;
    }
    for path in inputs("objects") {
        let p = path.to_string_lossy();
        let value = read_json(&path);
        // `annotate --local` prints the object read from the file, unchanged apart from an
        // empty `metadata.annotations`, which every input already has.
        let (yaml, err, ok) = kubectl(&["annotate", "--local", "-f", &p, "x-", "-o", "yaml"]);
        match try_to_yaml(&value) {
            Ok(ours) => {
                assert!(ok, "{p}: kubectl failed: {err}");
                assert_same(&format!("{p} -o yaml"), &ours, &yaml);
            }
            Err(e) => assert_eq!(err.trim_end(), format!("error: {e}"), "{p}"),
        }
        let (json, err, ok) = kubectl(&["annotate", "--local", "-f", &p, "x-", "-o", "json"]);
        assert!(ok, "{p}: kubectl failed: {err}");
        assert_same(&format!("{p} -o json"), &to_json_sorted(&value), &json);
    }
}

#[test]
fn objects_snapshots() {
    insta::glob!("inputs/yaml/objects/*.json", |path| {
        let value = read_json(path);
        let yaml = try_to_yaml(&value).unwrap_or_else(|e| format!("!!!ERROR!!! error: {e}\n"));
        let out = format!("--- -o yaml\n{yaml}--- -o json\n{}", to_json_sorted(&value));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        insta::with_settings!({ description => name, omit_expression => true }, {
            insta::assert_snapshot!(out);
        });
    });
}

#[test]
fn list_wrapper_matches_kubectl_get() {
    let items =
        [serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})];
    assert_eq!(
        to_yaml_list(&items),
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
    );
    assert_eq!(
        to_json_list(&[]),
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
    );
}

// ----- typed objects built by kubectl (struct order JSON) -----

/// A recording: the kubectl command (without `-o`), its `-o json` and its `-o yaml` output.
struct Recording {
    command: Vec<String>,
    json: String,
    yaml: String,
}

fn read_recording(path: &Path) -> Recording {
    let text = std::fs::read_to_string(path).expect("recording readable");
    let (head, rest) = text.split_once("\n--- json\n").expect("--- json section");
    let (json, yaml) = rest.split_once("--- yaml\n").expect("--- yaml section");
    let command = head
        .strip_prefix("kubectl ")
        .expect("first line starts with kubectl")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Recording {
        command,
        json: json.to_string(),
        yaml: yaml.to_string(),
    }
}

#[test]
fn typed_recordings_reproduced() {
    let files = inputs("typed");
    assert!(!files.is_empty());
    for path in files {
        let rec = read_recording(&path);
        let value: Value = serde_json::from_str(&rec.json)
            .unwrap_or_else(|e| panic!("{}: recorded JSON: {e}", path.display()));
        let p = path.display().to_string();
        assert_same(&format!("{p} -o json"), &to_json_typed(&value), &rec.json);
        assert_same(&format!("{p} -o yaml"), &to_yaml(&value), &rec.yaml);
    }
}

#[test]
fn typed_recordings_match_kubectl_live() {
    if !kubectl_available() {
        return;
    }
    for path in inputs("typed") {
        let rec = read_recording(&path);
        let p = path.display().to_string();
        for (format, recorded) in [("json", &rec.json), ("yaml", &rec.yaml)] {
            // `-o` goes before a `--` that starts the container command.
            let mut args: Vec<&str> = rec.command.iter().map(String::as_str).collect();
            let at = args.iter().position(|a| *a == "--").unwrap_or(args.len());
            args.splice(at..at, ["-o", format]);
            let (out, err, ok) = kubectl(&args);
            assert!(ok, "{p}: kubectl failed: {err}");
            assert_same(
                &format!("{p}: recording of -o {format} is stale"),
                recorded,
                &out,
            );
        }
    }
}

// ----- manifests (-f files) -----

use kubelab::kubectl::manifest::{flatten_lists, parse_manifests_partial};

/// What `kubectl annotate --local -f FILE x- -o json` prints: every object (lists flattened)
/// with `metadata.annotations` defaulted to `{}`, then the error if reading stopped early.
fn annotate_local_output(name: &str, text: &str) -> (String, String) {
    let parsed = parse_manifests_partial(name, text);
    let mut out = String::new();
    for mut obj in flatten_lists(parsed.objects) {
        if let Some(map) = obj.as_object_mut() {
            let meta = map
                .entry("metadata")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(meta) = meta.as_object_mut() {
                meta.entry("annotations")
                    .or_insert_with(|| Value::Object(Default::default()));
            }
        }
        out.push_str(&to_json_sorted(&obj));
    }
    let err = parsed
        .error
        .map(|e| format!("error: {e}\n"))
        .unwrap_or_default();
    (out, err)
}

#[test]
fn manifests_match_kubectl_live() {
    if !kubectl_available() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/yaml/manifests");
    let mut failures = Vec::new();
    for path in inputs("manifests") {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("manifest readable");
        let out = Command::new("kubectl")
            .args(["annotate", "--local", "-f", &name, "x-", "-o", "json"])
            .current_dir(&dir)
            .output()
            .expect("kubectl runs");
        let (ours_out, ours_err) = annotate_local_output(&name, &text);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        failures.extend(difference(&format!("{name} (stdout)"), &ours_out, &stdout));
        failures.extend(difference(&format!("{name} (stderr)"), &ours_err, &stderr));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn manifests_snapshots() {
    insta::glob!("inputs/yaml/manifests/*", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("manifest readable");
        let parsed = parse_manifests_partial(&name, &text);
        let mut out = String::new();
        for obj in &parsed.objects {
            out.push_str(&to_json_sorted(obj));
        }
        if let Some(e) = parsed.error {
            out.push_str(&format!("!!!ERROR!!! error: {e}\n"));
        }
        insta::with_settings!({ description => name, omit_expression => true }, {
            insta::assert_snapshot!(out);
        });
    });
}

// ----- client-side validation of apiVersion/kind -----

use kubelab::kubectl::manifest::{parse_manifests, validate_object};

/// The first validation error kubelab reports for a file, as kubectl prints it.
fn first_validation_error(name: &str, text: &str) -> String {
    match parse_manifests(name, text) {
        Err(e) => format!("error: {e}\n"),
        Ok(objects) => objects
            .iter()
            .find_map(|o| validate_object(name, o).err())
            .map(|e| format!("error: {e}\n"))
            .unwrap_or_default(),
    }
}

#[test]
fn validation_matches_kubectl_live() {
    if !kubectl_available() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inputs/yaml/validation");
    let mut failures = Vec::new();
    for path in inputs("validation") {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path).expect("manifest readable");
        let out = Command::new("kubectl")
            .args(["create", "-f", &name, "--dry-run=client", "-o", "yaml"])
            .current_dir(&dir)
            .output()
            .expect("kubectl runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        failures.extend(difference(
            &name,
            &first_validation_error(&name, &text),
            &stderr,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn validation_snapshots() {
    insta::glob!("inputs/yaml/validation/*", |path| {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("manifest readable");
        insta::with_settings!({ description => name.clone(), omit_expression => true }, {
            insta::assert_snapshot!(first_validation_error(&name, &text));
        });
    });
}
