//! A Rhai error raised while a block runs (`path:line:col: message`, as
//! [`super::LabSession::eval`] says it), shown to the lab's author like a parse error: the
//! message, `--> file:line:col`, the line of the lab file and a caret under the spot. Only
//! `kubelab run` and `kubelab lint` show it this way: a student's `check` and the grade reports
//! keep the one-line reason (they must not show the check's code).

use crate::lab::{Diagnostic, Lab};

/// The error as a diagnostic, if `reason` is one of `lab`'s block errors.
pub fn diagnostic(lab: &Lab, reason: &str) -> Option<Diagnostic> {
    let rest = reason.strip_prefix(lab.path.as_str())?.strip_prefix(':')?;
    let (line, rest) = rest.split_once(':')?;
    let (col, msg) = rest.split_once(": ")?;
    let line: usize = line.parse().ok()?;
    let col: usize = col.parse().ok()?;
    if line == 0 || line > lab.text.lines().count() {
        return None;
    }
    Some(Diagnostic::at(&lab.path, &lab.text, line, col, msg))
}

/// The diagnostic's text, each line indented by `indent`.
pub fn render(lab: &Lab, reason: &str, indent: &str) -> Option<String> {
    let d = diagnostic(lab, reason)?;
    Some(
        d.to_string()
            .lines()
            .map(|l| format!("{indent}{l}\n"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_runtime_error_gets_a_caret_under_its_spot() {
        let lab = crate::lab::parse(
            "t.lab",
            "lab \"t\"\n\ncheck 1 \"web\" {\n    cluster.get(\"deployment\", \"web\").spec.replicas == 3\n}\n",
        )
        .expect("lab");
        let mut s = crate::runner::LabSession::start(&lab, 1).expect("start");
        let outcome = s.check(&lab.checks[0]);
        assert!(outcome.error);
        let reason = outcome.reason.expect("a reason");
        assert_eq!(
            render(&lab, &reason, "  ").expect("a diagnostic"),
            "  error: Runtime error: cluster.get: no deployment \"web\" in namespace \"default\"\n   --> t.lab:4:13\n    |\n  4 |     cluster.get(\"deployment\", \"web\").spec.replicas == 3\n    |             ^\n"
        );
        assert_eq!(render(&lab, "a reason the check returned", ""), None);
        assert_eq!(render(&lab, "t.lab:99:1: beyond the file", ""), None);
    }
}
