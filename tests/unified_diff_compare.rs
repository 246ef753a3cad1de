//! kubelab's unified diff (`kubectl diff`'s text) against GNU diff's `diff -u` on the host, over
//! deterministic edits of a Deployment's YAML: changed, added and removed lines, near and far
//! apart, at the start and the end. Skipped, with a message, when the host has no `diff`.

use kubelab::kubectl::unified_diff::hunks;

fn have_diff() -> bool {
    std::process::Command::new("diff")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// GNU diff's hunks (its two header lines left out).
fn gnu(old: &str, new: &str, dir: &std::path::Path) -> Option<String> {
    let (a, b) = (dir.join("a"), dir.join("b"));
    std::fs::write(&a, old).unwrap();
    std::fs::write(&b, new).unwrap();
    let o = std::process::Command::new("diff")
        .arg("-u")
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    let text = String::from_utf8(o.stdout).unwrap();
    if text.is_empty() {
        return None;
    }
    Some(text.splitn(3, '\n').nth(2).unwrap_or("").to_string())
}

const BASE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: \"1\"
  creationTimestamp: \"2025-03-03T09:00:06Z\"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
spec:
  progressDeadlineSeconds: 600
  replicas: 2
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 25%
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.25
        imagePullPolicy: IfNotPresent
        name: nginx
        resources: {}
      dnsPolicy: ClusterFirst
      restartPolicy: Always
status: {}
";

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `edits` random line edits of BASE: replace, insert (sometimes a copy of a nearby line, which
/// makes the alignment ambiguous), delete.
fn edited(rng: &mut Rng, edits: usize) -> String {
    let mut lines: Vec<String> = BASE.lines().map(str::to_string).collect();
    for k in 0..edits {
        let at = rng.below(lines.len());
        match rng.below(4) {
            0 => lines[at] = format!("  changed{k}: {}", rng.below(100)),
            1 => lines.insert(at, format!("  added{k}: true")),
            2 => {
                let copy = lines[at.saturating_sub(1)].clone();
                lines.insert(at, copy);
            }
            _ if lines.len() > 2 => {
                lines.remove(at);
            }
            _ => {}
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn unified_hunks_match_gnu_diff() {
    if !have_diff() {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: diff not found; no comparison with GNU diff"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("kubelab-udiff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut failures = Vec::new();
    let mut cases = 0;
    for round in 0..1000 {
        let edits = 1 + round % 12;
        let (old, new) = if round % 5 == 0 {
            (BASE.to_string(), edited(&mut rng, edits))
        } else {
            (edited(&mut rng, edits), edited(&mut rng, edits))
        };
        cases += 1;
        let ours = hunks(&old, &new);
        let theirs = gnu(&old, &new, &dir);
        if ours != theirs {
            failures.push(format!(
                "--- old\n{old}--- new\n{new}--- gnu\n{}--- kubelab\n{}",
                theirs.unwrap_or_default(),
                ours.unwrap_or_default()
            ));
        }
    }
    // New and removed files (diff -N): one side empty.
    for (old, new) in [("", BASE), (BASE, "")] {
        cases += 1;
        if hunks(old, new) != gnu(old, new, &dir) {
            failures.push(format!("empty side: {:?}", old.is_empty()));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {cases} differ; first:\n{}",
        failures.len(),
        failures[0]
    );
}
