//! `kubelab lint`: every check must fail on the world right after setup and pass after the
//! reference solution (a check that cannot fail grades nothing). The reference solution must
//! not use commands kubelab does not have.

use super::run::run_lab;
use super::session::LabSession;
use crate::lab::Lab;

/// The problems found in a lab (empty: clean).
pub fn lint(lab: &Lab, seed: u64) -> Vec<String> {
    let mut problems = Vec::new();
    let before = match LabSession::start(lab, seed) {
        Ok(mut s) => lab.checks.iter().map(|c| s.check(c)).collect::<Vec<_>>(),
        Err(e) => return vec![format!("{}: {e}", lab.path)],
    };
    // The reference solution exactly as `kubelab run` plays it (steps and asserts in order: an
    // assert may change the world, e.g. re-push a tag).
    let report = run_lab(lab, seed, false);
    if let Some(e) = report.setup_error {
        return vec![format!("{}: {e}", lab.path)];
    }
    if let Some(why) = &report.stopped {
        problems.push(why.clone());
    }
    for (line, text) in &report.outputs {
        for l in text.lines() {
            if l.contains("kubelab: command not found")
                || l.contains("kubelab does not support")
                || l.contains("not available in the kubelab shell")
            {
                problems.push(format!(
                    "{}:{line}: the reference solution uses what kubelab does not have: {l}",
                    lab.path
                ));
            }
        }
    }
    let after = report.checks;
    for ((c, b), a) in lab.checks.iter().zip(&before).zip(&after) {
        if b.earned == b.points && b.points > 0 {
            problems.push(format!(
                "{}:{}: check \"{}\" already passes after setup alone: it cannot fail",
                lab.path, c.line, c.what
            ));
        }
        if a.earned != a.points {
            let why = a
                .reason
                .clone()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            let at = a
                .reason
                .as_deref()
                .filter(|_| a.error)
                .and_then(|r| super::rhai_errors::render(lab, r, "    "))
                .map(|d| format!("\n{}", d.trim_end()))
                .unwrap_or_default();
            problems.push(format!(
                "{}:{}: check \"{}\" fails after the reference solution{why}{at}",
                lab.path, c.line, c.what
            ));
        }
    }
    for t in &lab.tasks {
        if t.hints.iter().any(|h| h.trim().is_empty()) {
            problems.push(format!(
                "{}:{}: task \"{}\" has an empty hint",
                lab.path, t.line, t.title
            ));
        }
    }
    problems
}
