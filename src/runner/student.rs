//! `kubelab shell LAB`: the student's session on a lab. Besides shell commands it answers
//! `tasks`, `hint`, `check`, `reset` and (for instructors) `solve`, and keeps the session's
//! record for `kubelab grade`: every input, and a reset mark where the student reset.

use super::grade::RESET_MARK;
use super::run::format_checks;
use super::session::{CheckOutcome, LabSession};
use crate::lab::{Item, Lab};
use crate::shell::{RunOutput, echo_lines};

/// The commands the lab shell answers itself.
pub const META_COMMANDS: &[&str] = &["tasks", "hint", "check", "reset", "solve", "help"];

/// A student working on a lab.
pub struct StudentSession {
    /// The lab.
    pub lab: Lab,
    /// The running session.
    pub session: LabSession,
    /// Every input, as `kubelab grade` replays it.
    pub record: Vec<String>,
    seed: u64,
    instructor: bool,
    hints_shown: Vec<usize>,
}

impl StudentSession {
    /// Starts the lab.
    pub fn start(lab: Lab, seed: u64, instructor: bool) -> Result<StudentSession, String> {
        let session = LabSession::start(&lab, seed)?;
        let hints_shown = vec![0; lab.tasks.len()];
        Ok(StudentSession {
            lab,
            session,
            record: Vec::new(),
            seed,
            instructor,
            hints_shown,
        })
    }

    /// The lab's title and intro, and the task list.
    pub fn welcome(&mut self) -> String {
        let mut out = format!("{}\n\n", self.lab.title);
        if let Some(i) = &self.lab.intro {
            out.push_str(i);
            out.push_str("\n\n");
        }
        let o = self.outcomes();
        out.push_str(&self.tasks_text(&o));
        out.push_str("Type `tasks`, `hint`, `check` or `reset` at any time.\n");
        out
    }

    fn outcomes(&mut self) -> Vec<CheckOutcome> {
        let checks = self.lab.checks.clone();
        checks.iter().map(|c| self.session.check(c)).collect()
    }

    /// The first task with a check not met (tasks without checks count as done).
    fn current_task(&self, outcomes: &[CheckOutcome]) -> Option<usize> {
        (0..self.lab.tasks.len()).find(|t| {
            outcomes
                .iter()
                .any(|o| o.task == Some(t + 1) && o.earned < o.points)
        })
    }

    fn tasks_text(&self, outcomes: &[CheckOutcome]) -> String {
        let mut out = String::new();
        for (i, t) in self.lab.tasks.iter().enumerate() {
            let mine: Vec<&CheckOutcome> =
                outcomes.iter().filter(|o| o.task == Some(i + 1)).collect();
            let earned: u32 = mine.iter().map(|o| o.earned).sum();
            let total: u32 = mine.iter().map(|o| o.points).sum();
            let mark = if total > 0 && earned == total {
                "x"
            } else {
                " "
            };
            out.push_str(&format!(
                "[{mark}] {}. {} ({earned}/{total})\n",
                i + 1,
                t.title
            ));
        }
        out
    }

    /// Handles one input: a meta-command or a shell command.
    pub fn input(&mut self, input: &str) -> RunOutput {
        let word = input.trim();
        let text = |s: String| RunOutput {
            stdout: s.clone().into_bytes(),
            combined: s.into_bytes(),
            ..Default::default()
        };
        match word {
            "tasks" => {
                let o = self.outcomes();
                text(self.tasks_text(&o))
            }
            "check" => {
                let o = self.outcomes();
                let mut s = self.tasks_text(&o);
                s.push_str(&format_checks(&o));
                text(s)
            }
            "hint" => {
                let o = self.outcomes();
                let Some(t) = self.current_task(&o) else { return text("Every task is done.\n".into()) };
                let hints = &self.lab.tasks[t].hints;
                if hints.is_empty() {
                    return text(format!("No hint for task {}.\n", t + 1));
                }
                let n = self.hints_shown[t].min(hints.len() - 1);
                self.hints_shown[t] = (n + 1).min(hints.len());
                text(format!("hint ({}/{}) for task {}: {}\n", n + 1, hints.len(), t + 1, hints[n]))
            }
            "reset" => match LabSession::start(&self.lab, self.seed) {
                Ok(s) => {
                    self.session = s;
                    self.record.push(RESET_MARK.into());
                    text("The lab was reset: a fresh cluster and workstation.\n".into())
                }
                Err(e) => text(format!("reset failed: {e}\n")),
            },
            "solve" if self.instructor => {
                let o = self.outcomes();
                let Some(t) = self.current_task(&o) else { return text("Every task is done.\n".into()) };
                let mut out = RunOutput::default();
                let steps: Vec<String> = self.lab.tasks[t]
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Step(s) => Some(s.command.clone()),
                        _ => None,
                    })
                    .collect();
                for cmd in steps {
                    out.combined.extend(echo_lines(&cmd).as_bytes());
                    out.stdout.extend(echo_lines(&cmd).as_bytes());
                    self.record.push(cmd.clone());
                    let r = self.session.run(&cmd);
                    out.stdout.extend(&r.stdout);
                    out.stderr.extend(&r.stderr);
                    out.combined.extend(&r.combined);
                    out.status = r.status;
                }
                out
            }
            "help" => text("Lab commands: tasks (progress), hint (next hint), check (score so far), reset (start over).\nEverything else runs in the workstation shell.\n".into()),
            _ => {
                self.record.push(input.trim_end_matches('\n').to_string());
                self.session.run(input)
            }
        }
    }

    /// The record as a session file.
    pub fn record_text(&self) -> String {
        let mut s = format!("# kubelab session for {}\n", self.lab.path);
        for r in &self.record {
            s.push_str(r);
            s.push('\n');
        }
        s
    }
}
