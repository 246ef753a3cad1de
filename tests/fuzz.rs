//! Robustness, continuously: mutated lab files into the parser and linter, mutated command
//! lines (taken from the labs and transcripts) into the workstation shell and the kubectl/oc
//! front end, mutated manifests into `kubectl apply`, mutated jsonpath and jq programs. Oracles:
//! no panic, no hang (a watchdog), the same bytes twice. Every input that ever failed lives in
//! `tests/inputs/regressions/fuzz-TARGET-*` and is replayed first. Longer runs: see `tests/common/fuzz.rs`.

mod common;

use common::fuzz::{Rng, cases, mutate, run_cases, seed};
use kubelab::kubectl::ClientConfig;
use kubelab::shell::{Shell, Vfs};
use kubelab::workstation::{Workstation, run_on};
use kubelab::world::default_world;

fn files(dir: &str, ext: &[&str]) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_else(|_| Vec::new());
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            p.extension()
                .is_some_and(|e| ext.contains(&e.to_string_lossy().as_ref()))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// Regression inputs of one target: one input per file, `tests/inputs/regressions/fuzz-TARGET-*`.
fn regressions(target: &str) -> Vec<String> {
    let prefix = format!("fuzz-{target}-");
    let mut paths: Vec<_> = std::fs::read_dir("tests/inputs/regressions")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_else(|_| Vec::new());
    paths.sort();
    paths
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The seeds, then mutations of them: `n` inputs in all after the regressions.
fn inputs(target: &str, seeds: Vec<String>, n: usize) -> impl Iterator<Item = String> {
    let mut rng = Rng::new(seed() ^ target.len() as u64);
    let mutated: Vec<String> = (0..n)
        .map(|_| {
            let a = rng.pick(&seeds).clone();
            let b = rng.pick(&seeds).clone();
            mutate(&mut rng, &a, &b)
        })
        .collect();
    regressions(target).into_iter().chain(seeds).chain(mutated)
}

/// Command lines students type: the labs' `$` lines and the transcripts' lines.
fn command_lines() -> Vec<String> {
    let mut out: Vec<String> = files("labs", &["lab"])
        .iter()
        .flat_map(|t| {
            t.lines()
                .filter_map(|l| l.trim_start().strip_prefix("$ "))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for t in files("tests/inputs/transcripts", &["txt"]) {
        out.extend(t.lines().map(str::to_string));
    }
    out.retain(|l| !l.trim().is_empty());
    out
}

fn session(text: &str) -> String {
    let mut ws = Workstation::new(default_world::build(1));
    let mut out = String::new();
    for input in kubelab::workstation::inputs(text).into_iter().take(8) {
        let o = ws.run(&input);
        out.push_str(&String::from_utf8_lossy(&o.combined));
        out.push_str(&format!("[{}]\n", o.status));
        if o.exit.is_some() {
            break;
        }
    }
    out
}

#[test]
fn fuzz_lab_files() {
    let mut seeds = files("labs", &["lab"]);
    seeds.extend(files("tests/inputs/lab_errors", &["lab"]));
    let n = cases(300);
    run_cases("lab", inputs("lab", seeds, n), |text| {
        match kubelab::lab::parse("fuzz.lab", text) {
            Err(d) => d.to_string(),
            Ok(lab) => {
                // The linter runs the lab twice: only for some labs.
                let lint = if text.len() % 40 == 0 {
                    kubelab::runner::lint::lint(&lab, 1).join("\n")
                } else {
                    String::new()
                };
                // The translated copy and the translation warnings, as `--lang ko` and lint make them.
                let ko = lab.localized(kubelab::lab::Lang::Ko);
                let missing = kubelab::lab::translations::missing(&lab).len();
                format!(
                    "{} {} {} {missing}\n{lint}",
                    ko.title,
                    lab.checks.len(),
                    lab.tasks.len()
                )
            }
        }
    });
}

#[test]
fn fuzz_command_lines() {
    let seeds = command_lines();
    let n = cases(400);
    // Sessions of one to three lines.
    let mut rng = Rng::new(seed() ^ 77);
    let joined: Vec<String> = inputs("shell", seeds.clone(), n)
        .map(|first| {
            let extra = rng.below(3);
            let mut s = first;
            for _ in 0..extra {
                s.push('\n');
                let line: &String = rng.pick(&seeds);
                s.push_str(line);
            }
            s.push('\n');
            s
        })
        .collect();
    run_cases("shell", joined.into_iter(), session);
}

#[test]
fn fuzz_manifests_into_apply() {
    let mut seeds = files("tests/inputs/yaml/manifests", &["yaml", "json"]);
    seeds.extend(files("tests/inputs/yaml/objects", &["yaml", "json"]));
    let n = cases(300);
    run_cases("apply", inputs("apply", seeds, n), |text| {
        let mut world = default_world::build(1);
        let mut shell = Shell::new(Vfs::new());
        let mut config = ClientConfig::default();
        let o = run_on(
            &mut world,
            &mut shell,
            &mut config,
            "kubectl apply -f -",
            text.as_bytes(),
            false,
        );
        format!("{}[{}]", String::from_utf8_lossy(&o.combined), o.status)
    });
}

#[test]
fn fuzz_jsonpath_and_jq_programs() {
    let seeds: Vec<String> = [
        "{.items[*].metadata.name}",
        "{range .items[*]}{.metadata.name}{\"\\n\"}{end}",
        "{.items[0].spec.containers[0].image}",
        "{.items[?(@.status.phase==\"Running\")].metadata.name}",
        "{.items[-1:].metadata.labels}",
        "{$.kind}",
        ".items[].metadata.name",
        "[.items[] | {n: .metadata.name, i: .spec.containers[0].image}]",
        ".items | map(select(.status.phase == \"Running\")) | length",
        "reduce .items[] as $p (0; . + 1)",
        "def f: .; [.items[] | f] | sort_by(.metadata.name) | .[0]",
        "to_entries | map(.key) | join(\",\")",
        ".. | numbers",
        "path(..) | length",
        "[limit(3; repeat(1))]",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let n = cases(400);
    let mut ws = Workstation::new(default_world::build(1));
    ws.run("kubectl create deployment web --image=nginx --replicas=2");
    ws.run("kubectl get pods -o json > pods.json");
    let base = ws.clone();
    run_cases("program", inputs("program", seeds, n), move |prog| {
        let mut ws = base.clone();
        let _ = ws
            .shell
            .state
            .vfs
            .write("/home/student/prog", prog.as_bytes(), false);
        let mut out = String::new();
        for line in [
            "P=$(cat prog); kubectl get pods -o \"jsonpath=$P\"",
            "P=$(cat prog); jq \"$P\" pods.json",
            "P=$(cat prog); jq -c -n \"$P\"",
        ] {
            let o = ws.run(line);
            out.push_str(&String::from_utf8_lossy(&o.combined));
            out.push_str(&format!("[{}]\n", o.status));
        }
        out
    });
}
