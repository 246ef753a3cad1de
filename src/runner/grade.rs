//! `kubelab grade`: replays a student's session (a file of command lines, as `kubelab shell
//! LAB --record` writes it) on a fresh lab world and scores the checks. A session is bounded:
//! at most [`MAX_INPUTS`] inputs, [`MAX_BYTES`] of text and [`MAX_VIRTUAL_MS`] of virtual
//! time; the shell bounds each loop. Whatever it holds, it gets a score.

use serde::{Deserialize, Serialize};

use super::session::{CheckOutcome, LabSession};
use super::student::Mark;
use crate::lab::Lab;
use crate::workstation::guard;

/// Inputs replayed at most.
pub const MAX_INPUTS: usize = 2_000;
/// Session text read at most.
pub const MAX_BYTES: usize = 1 << 20;
/// Virtual time a session may take.
pub const MAX_VIRTUAL_MS: i64 = 8 * 3600 * 1000;
/// Internal errors named in a session's note at most.
const MAX_INCIDENTS_SHOWN: usize = 3;
/// The line `kubelab shell --record` writes when the student typed `reset`.
pub const RESET_MARK: &str = "# kubelab: reset";

/// One graded session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grade {
    /// The session's name (its file).
    pub session: String,
    /// The lab's title.
    pub lab: String,
    /// Each check.
    pub checks: Vec<CheckOutcome>,
    /// Points earned.
    pub earned: u32,
    /// Points possible.
    pub total: u32,
    /// Why replaying stopped early, if it did.
    pub note: Option<String>,
    /// How long the session lasted on the simulated cluster's clock (from the start, or the
    /// last reset, to the end), in milliseconds.
    #[serde(default)]
    pub virtual_ms: i64,
}

impl Grade {
    /// A session kubelab could not grade: every check fails, and the note says why.
    pub fn not_graded(lab: &Lab, name: &str, why: String) -> Grade {
        Grade {
            session: name.into(),
            lab: lab.title.clone(),
            checks: lab
                .checks
                .iter()
                .map(|c| CheckOutcome {
                    what: c.what.clone(),
                    points: c.points,
                    earned: 0,
                    reason: None,
                    task: c.task.map(|t| t + 1),
                    error: false,
                })
                .collect(),
            earned: 0,
            total: lab.total_points(),
            note: Some(why),
            virtual_ms: 0,
        }
    }
}

/// A session's record replayed on a fresh lab world.
pub struct Replayed {
    /// The session as the record left it.
    pub session: LabSession,
    /// Commands replayed (marks are not commands).
    pub commands: usize,
    /// Why replaying stopped early, and what else a grader should know.
    pub notes: Vec<String>,
    /// The session's length on the simulated clock (since the start or the last reset).
    pub virtual_ms: i64,
}

/// Replays a record (or a plain file of command lines) on a fresh lab world, as the student's
/// prompt ran it: the record's marks run nothing and take no think time (a reset starts the
/// lab over, an editor mark hands the next edit its recorded outcome, `solve` is noted), and
/// after `exit` only a resumed record goes on. Bounded by [`MAX_INPUTS`], [`MAX_BYTES`] and
/// [`MAX_VIRTUAL_MS`]; a command that hits kubelab's bug is undone and noted.
pub fn replay(lab: &Lab, text: &str, seed: u64) -> Result<Replayed, String> {
    let mut notes: Vec<String> = Vec::new();
    let text = if text.len() > MAX_BYTES {
        notes.push(format!(
            "only the first {MAX_BYTES} bytes of the session were replayed"
        ));
        let mut end = MAX_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        &text[..end]
    } else {
        text
    };
    let mut s = LabSession::start(lab, seed)?;
    let start = s.ws.world.now();
    // Where the session's clock started (a reset starts it over).
    let mut since = start;
    guard::take_incidents();
    let mut incidents = Vec::new();
    let mut commands = 0;
    // After `exit` ended a run of the prompt, only a resumed record goes on.
    let mut exited = false;
    let mut solved = Vec::new();
    let mut all = crate::workstation::Inputs::new(text);
    let mut count = 0;
    while let Some(input) = all.next(s.ws.reads_lines()) {
        let n = count;
        count += 1;
        if n >= MAX_INPUTS {
            notes.push(format!(
                "only the first {MAX_INPUTS} commands were replayed"
            ));
            break;
        }
        match Mark::parse(&input) {
            Some(Mark::Resumed) => exited = false,
            _ if exited => {}
            Some(Mark::Reset) => {
                match LabSession::start(lab, seed) {
                    Ok(fresh) => {
                        s = fresh;
                        since = s.ws.world.now();
                    }
                    Err(e) => notes.push(e),
                }
                guard::take_incidents();
            }
            Some(Mark::Editor(o)) => s.ws.editor.replay(o),
            Some(Mark::Solve(task)) => solved.push(task),
            Some(Mark::Header | Mark::SolveEnd) => {}
            None => {
                let out = s.run(&input);
                commands += 1;
                if let Some(i) = guard::take_incidents().into_iter().next() {
                    let first = input.lines().next().unwrap_or("").trim();
                    incidents.push(format!("command {} (`{first}`): {i}", n + 1));
                }
                exited = out.exit.is_some();
                if s.ws.world.now() - start > MAX_VIRTUAL_MS {
                    notes.push(
                        "the session ran past 8 hours of virtual time; the rest was not replayed"
                            .into(),
                    );
                    break;
                }
            }
        }
    }
    if !solved.is_empty() {
        let tasks: Vec<String> = solved.iter().map(|t| t.to_string()).collect();
        notes.push(format!(
            "the reference solution of task {} was run by `solve` (instructor mode)",
            tasks.join(", ")
        ));
    }
    if !incidents.is_empty() {
        let more = incidents.len().saturating_sub(MAX_INCIDENTS_SHOWN);
        incidents.truncate(MAX_INCIDENTS_SHOWN);
        notes.push(format!(
            "kubelab hit an internal error in {}{}; each such command was undone and the session went on (please report this kubelab bug)",
            incidents.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    // Outcomes the record kept but no command took are not for later commands.
    s.ws.editor.clear_replays();
    let virtual_ms = s.ws.world.now() - since;
    Ok(Replayed {
        session: s,
        commands,
        notes,
        virtual_ms,
    })
}

/// Grades one session's text.
pub fn grade(lab: &Lab, name: &str, text: &str, seed: u64) -> Grade {
    let total = lab.total_points();
    let Replayed {
        session: mut s,
        notes,
        virtual_ms,
        ..
    } = match replay(lab, text, seed) {
        Ok(r) => r,
        Err(e) => {
            return Grade {
                session: name.into(),
                lab: lab.title.clone(),
                checks: vec![],
                earned: 0,
                total,
                note: Some(e),
                virtual_ms: 0,
            };
        }
    };
    let checks: Vec<CheckOutcome> = lab.checks.iter().map(|c| s.check(c)).collect();
    // An internal error in a check is said in its reason.
    guard::take_incidents();
    let earned = checks.iter().map(|c| c.earned).sum();
    Grade {
        session: name.into(),
        lab: lab.title.clone(),
        checks,
        earned,
        total,
        note: (!notes.is_empty()).then(|| notes.join("; ")),
        virtual_ms,
    }
}

/// `--format text`.
pub fn to_text(g: &Grade) -> String {
    let mut out = format!("== {} ({})\n", g.session, g.lab);
    if let Some(n) = &g.note {
        out.push_str(&format!("note: {n}\n"));
    }
    out.push_str(&super::run::format_checks(&g.checks));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic inside one command of a session: that command is undone, the session goes on,
    /// and the grade says which command hit kubelab's bug.
    #[test]
    fn an_internal_error_is_undone_and_reported() {
        let lab = crate::lab::parse(
            "t.lab",
            "lab \"t\"\n\ncheck 1 \"web exists\" { cluster.exists(\"deployment\", \"web\") }\ncheck 1 \"lost is absent\" { !cluster.exists(\"deployment\", \"lost\") }\n",
        )
        .expect("lab");
        guard::inject_panic();
        let g = grade(
            &lab,
            "s",
            "kubectl create deployment lost --image=nginx\nkubectl create deployment web --image=nginx\n",
            1,
        );
        assert_eq!((g.earned, g.total), (2, 2));
        let note = g.note.expect("a note");
        assert!(
            note.starts_with("kubelab hit an internal error in command 1 (`kubectl create deployment lost --image=nginx`): an injected test panic at src/workstation/guard.rs:"),
            "{note}"
        );
        assert!(
            note.ends_with("; each such command was undone and the session went on (please report this kubelab bug)"),
            "{note}"
        );
    }

    #[test]
    fn a_session_not_graded_fails_every_check() {
        let lab = crate::lab::parse(
            "t.lab",
            "lab \"t\"\n\ntask \"one\" {\n    check 2 \"a\" { true }\n}\ncheck 3 \"b\" { true }\n",
        )
        .expect("lab");
        let g = Grade::not_graded(&lab, "s", "why".into());
        assert_eq!((g.earned, g.total), (0, 5));
        assert_eq!(
            to_text(&g),
            "== s (t)\nnote: why\nFAIL 0/2  a\nFAIL 0/3  b\nscore: 0/5\n"
        );
    }
}
