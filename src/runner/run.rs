//! `kubelab run`: setup, the reference solution with its expected outputs and asserts, then
//! the checks and the score. `--bless` rewrites expected outputs that no longer match.

use super::expect::{comparable, diff, matches};
use super::grade::MAX_VIRTUAL_MS;
use super::session::{CheckOutcome, LabSession};
use crate::lab::{Assert, Item, Lab};
use crate::shell::echo_lines;

/// The result of running a lab.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The transcript: commands, outputs, mismatches, asserts, checks, score.
    pub text: String,
    /// Expected outputs that did not match.
    pub mismatches: usize,
    /// Asserts that failed.
    pub failed_asserts: usize,
    /// The checks.
    pub checks: Vec<CheckOutcome>,
    /// The lab text with expected outputs rewritten (when blessing changed something).
    pub blessed: Option<String>,
    /// Setup failed (message).
    pub setup_error: Option<String>,
    /// Each step played: the line of its `$` and what it printed.
    pub outputs: Vec<(usize, String)>,
    /// Why the reference solution was not played to its end (it ran past the virtual-time
    /// bound of a graded session).
    pub stopped: Option<String>,
}

impl RunReport {
    /// Points earned and possible.
    pub fn score(&self) -> (u32, u32) {
        (
            self.checks.iter().map(|c| c.earned).sum(),
            self.checks.iter().map(|c| c.points).sum(),
        )
    }

    /// Everything matched and full marks were earned.
    pub fn ok(&self) -> bool {
        let (e, t) = self.score();
        self.setup_error.is_none()
            && self.stopped.is_none()
            && self.mismatches == 0
            && self.failed_asserts == 0
            && e == t
    }
}

/// Formats check outcomes and the score.
pub fn format_checks(checks: &[CheckOutcome]) -> String {
    checks_text(checks, &|_: &CheckOutcome| None)
}

/// Check outcomes and the score, with `more` under a check's reason.
fn checks_text(checks: &[CheckOutcome], more: &dyn Fn(&CheckOutcome) -> Option<String>) -> String {
    let mut out = String::new();
    for c in checks {
        let mark = if c.earned == c.points { "PASS" } else { "FAIL" };
        out.push_str(&format!("{mark} {}/{}  {}\n", c.earned, c.points, c.what));
        if let Some(r) = &c.reason {
            out.push_str(&format!("       {r}\n"));
        }
        if let Some(m) = more(c) {
            out.push_str(&m);
        }
    }
    let e: u32 = checks.iter().map(|c| c.earned).sum();
    let t: u32 = checks.iter().map(|c| c.points).sum();
    out.push_str(&format!("score: {e}/{t}\n"));
    out
}

/// Runs a lab's reference solution.
pub fn run_lab(lab: &Lab, seed: u64, bless: bool) -> RunReport {
    let mut r = RunReport {
        text: String::new(),
        mismatches: 0,
        failed_asserts: 0,
        checks: vec![],
        blessed: None,
        setup_error: None,
        outputs: vec![],
        stopped: None,
    };
    r.text
        .push_str(&format!("== {}: {}\n", lab.path, lab.title));
    let mut s = match LabSession::start(lab, seed) {
        Ok(s) => s,
        Err(e) => {
            r.text.push_str(&format!("error: {e}\n"));
            r.setup_error = Some(e);
            return r;
        }
    };
    // (first expected line, old length, new lines, indent) of steps to rewrite.
    let mut rewrites: Vec<(usize, usize, Vec<String>, String)> = Vec::new();
    let start = s.ws.world.now();
    'tasks: for (ti, t) in lab.tasks.iter().enumerate() {
        r.text
            .push_str(&format!("-- task {}: {}\n", ti + 1, t.title));
        for item in &t.items {
            match item {
                Item::Step(step) => {
                    r.text.push_str(&echo_lines(&step.command));
                    let out = s.run(&step.command);
                    let text = String::from_utf8_lossy(&out.combined).into_owned();
                    r.text.push_str(&text);
                    if !text.is_empty() && !text.ends_with('\n') {
                        r.text.push('\n');
                    }
                    r.outputs.push((step.line, text.clone()));
                    if s.ws.world.now() - start > MAX_VIRTUAL_MS {
                        let why = format!(
                            "{}:{}: the reference solution ran past 8 hours of virtual time (a graded session's bound); the rest was not played",
                            lab.path, step.line
                        );
                        r.text.push_str(&format!("!! {why}\n"));
                        r.stopped = Some(why);
                        break 'tasks;
                    }
                    if let Some(exp) = &step.expected {
                        let actual = comparable(&text);
                        if !matches(exp, &actual) {
                            r.mismatches += 1;
                            r.text.push_str(&format!("!! {}:{}: the output differs from the expected output (- expected, + actual):\n", lab.path, step.expected_line));
                            r.text.push_str(&diff(exp, &actual));
                            rewrites.push((
                                step.expected_line,
                                exp.len(),
                                actual,
                                step.indent.clone(),
                            ));
                        }
                    }
                }
                Item::Assert(a) => {
                    let line = assert_line(lab, &mut s, a, &mut r.failed_asserts);
                    r.text.push_str(&line);
                }
            }
        }
    }
    for a in &lab.final_asserts {
        let line = assert_line(lab, &mut s, a, &mut r.failed_asserts);
        r.text.push_str(&line);
    }
    r.text.push_str("-- checks\n");
    r.checks = lab.checks.iter().map(|c| s.check(c)).collect();
    // The lab's own errors at their place in the file, for its author.
    r.text
        .push_str(&checks_text(&r.checks, &|c: &CheckOutcome| {
            c.reason
                .as_deref()
                .filter(|_| c.error)
                .and_then(|why| super::rhai_errors::render(lab, why, "       "))
        }));
    if bless && !rewrites.is_empty() {
        let mut lines: Vec<String> = lab.text.lines().map(str::to_string).collect();
        rewrites.sort_by_key(|r| std::cmp::Reverse(r.0));
        for (first, old_len, new, indent) in rewrites {
            let start = first - 1;
            let replacement: Vec<String> = new.iter().map(|l| format!("{indent}{l}")).collect();
            lines.splice(start..(start + old_len).min(lines.len()), replacement);
        }
        let mut text = lines.join("\n");
        if lab.text.ends_with('\n') {
            text.push('\n');
        }
        r.blessed = Some(text);
    }
    r
}

/// The transcript line of one assert (in a task or after the last one), counting failures.
fn assert_line(lab: &Lab, s: &mut LabSession, a: &Assert, failed: &mut usize) -> String {
    match s.eval(&a.block) {
        Ok(v) if v.as_bool().unwrap_or(false) => format!("assert {}: ok\n", a.what),
        Ok(v) => {
            *failed += 1;
            let why = if v.is_string() {
                v.into_string().unwrap_or_default()
            } else {
                format!("got {v}")
            };
            format!("!! assert {}: FAILED ({why})\n", a.what)
        }
        Err(e) => {
            *failed += 1;
            let at = super::rhai_errors::render(lab, &e, "!! ").unwrap_or_default();
            format!("!! assert {}: FAILED ({e})\n{at}", a.what)
        }
    }
}
