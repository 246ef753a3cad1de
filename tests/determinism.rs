//! Same lab, same bytes: every shipped lab run twice in one process (the per-thread caches of
//! parses, compiled checks and the default world warm up in between), on another thread, and
//! in two processes gives the same transcript, and grading its own solution the same report.

use kubelab::lab;
use kubelab::runner::{grade, report, run};

fn labs() -> Vec<(String, lab::Lab)> {
    let mut names: Vec<String> = std::fs::read_dir("labs")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".lab"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let path = format!("labs/{n}");
            let text = std::fs::read_to_string(&path).unwrap();
            let lab = lab::parse(&path, &text).unwrap_or_else(|d| panic!("{d}"));
            (path, lab)
        })
        .collect()
}

/// The lab's reference solution as a student session (its `$` lines).
fn solution(path: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("$ "))
        .map(|l| format!("{l}\n"))
        .collect()
}

fn everything(labs: &[(String, lab::Lab)]) -> Vec<(String, String)> {
    labs.iter()
        .map(|(path, lab)| {
            let report = run::run_lab(lab, 1, false);
            let g = grade::grade(lab, "solution", &solution(path), 1);
            (report.text, report::to_json(lab, &[g]))
        })
        .collect()
}

#[test]
fn every_lab_gives_the_same_bytes_twice_in_one_process_and_on_another_thread() {
    let labs = labs();
    let first = everything(&labs);
    let second = everything(&labs);
    let threaded = std::thread::scope(|s| s.spawn(|| everything(&labs)).join().unwrap());
    for (i, (path, _)) in labs.iter().enumerate() {
        assert_eq!(first[i], second[i], "{path}: the second run differs");
        assert_eq!(
            first[i], threaded[i],
            "{path}: the run on another thread differs"
        );
    }
}

#[test]
fn every_lab_gives_the_same_bytes_in_two_processes() {
    let labs: Vec<String> = labs().into_iter().map(|(p, _)| p).collect();
    let run = || {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_kubelab"))
            .arg("run")
            .args(["--lang", "en"])
            .args(&labs)
            .output()
            .expect("kubelab runs");
        (o.status.code(), o.stdout, o.stderr)
    };
    let (a, b) = (run(), run());
    assert_eq!(a.0, Some(0), "{}", String::from_utf8_lossy(&a.2));
    assert!(!a.1.is_empty());
    assert!(a == b, "two processes printed different bytes");
}
