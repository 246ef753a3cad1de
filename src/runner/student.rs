//! `kubelab shell LAB`: the student's session on a lab. Besides shell commands it answers
//! `tasks`, `hint`, `check`, `reset` and (for instructors) `solve`, and keeps the session's
//! record for `kubelab grade` and `--resume`: every input, and marks ([`Mark`]) where the
//! student reset, where `solve` ran the reference solution, what the student's own editor
//! saved, and where a resumed session went on.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::grade::RESET_MARK;
use super::messages;
use super::run::format_checks;
use super::session::{CheckOutcome, LabSession};
use crate::lab::{Item, Lab};
use crate::shell::{RunOutput, Terminal, echo_lines};
use crate::workstation::edit::{Editor, Outcome};

/// Before the commands `solve` ran for a task: `# kubelab: solve task N`.
pub const SOLVE_MARK: &str = "# kubelab: solve task ";
/// After the commands `solve` ran.
pub const SOLVE_END_MARK: &str = "# kubelab: solve end";
/// Where `kubelab shell --resume` went on with a record (an `exit` before it ended only the
/// earlier run of the prompt, not the session).
pub const RESUMED_MARK: &str = "# kubelab: resumed";
/// The first line of a record.
pub const RECORD_HEADER: &str = "# kubelab session for ";

/// A record line that is not a command: replaying it runs nothing (and takes no think time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// The record's first line, [`RECORD_HEADER`] and the lab's path.
    Header,
    /// The student typed `reset` (and said yes): a fresh lab from here.
    Reset,
    /// `solve` ran the reference solution of task N (1-based); the commands follow.
    Solve(usize),
    /// The end of the commands `solve` ran.
    SolveEnd,
    /// What the student's own editor did in the next input (in order).
    Editor(Outcome),
    /// A resumed session goes on from here.
    Resumed,
}

impl Mark {
    /// The mark an input is, if it is one.
    pub fn parse(input: &str) -> Option<Mark> {
        let line = input.trim();
        if line.contains('\n') {
            return None;
        }
        if line.starts_with(RECORD_HEADER.trim_end()) {
            return Some(Mark::Header);
        }
        if !line.starts_with("# kubelab: ") {
            return None;
        }
        match line {
            RESET_MARK => Some(Mark::Reset),
            SOLVE_END_MARK => Some(Mark::SolveEnd),
            RESUMED_MARK => Some(Mark::Resumed),
            _ => {
                if let Some(n) = line.strip_prefix(SOLVE_MARK) {
                    return n.parse().ok().map(Mark::Solve);
                }
                Outcome::from_mark(line).map(Mark::Editor)
            }
        }
    }
}

/// The lab a record was made for (its header), if it has one.
pub fn record_lab(text: &str) -> Option<&str> {
    text.lines().next()?.strip_prefix(RECORD_HEADER)
}

/// The commands the lab shell answers itself.
pub const META_COMMANDS: &[&str] = &["tasks", "hint", "check", "reset", "solve", "help"];

/// A student working on a lab.
pub struct StudentSession {
    /// The lab.
    pub lab: Lab,
    /// The running session.
    pub session: LabSession,
    /// Every input and mark since the start (or the resume), as `kubelab grade` replays it.
    pub record: Vec<String>,
    /// The record this session resumed, word for word (empty: a new record).
    resumed: String,
    seed: u64,
    instructor: bool,
    hints_shown: Vec<usize>,
    /// At the interactive prompt: Ctrl-C's flag and the terminal that shows output as it is
    /// written (the student's own editor may run).
    interactive: Option<(Arc<AtomicBool>, Terminal)>,
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
            resumed: String::new(),
            seed,
            instructor,
            hints_shown,
            interactive: None,
        })
    }

    /// Starts the lab and replays a record (as `kubelab grade` does) to restore its world;
    /// new inputs are recorded after it. Returns the session and the number of commands
    /// replayed.
    pub fn resume(
        lab: Lab,
        seed: u64,
        instructor: bool,
        record: &str,
    ) -> Result<(StudentSession, usize), String> {
        let replayed = super::grade::replay(&lab, record, seed)?;
        let mut s = StudentSession::start(lab, seed, instructor)?;
        s.session = replayed.session;
        let replayed = replayed.commands;
        s.resumed = record.to_string();
        if !s.resumed.is_empty() && !s.resumed.ends_with('\n') {
            s.resumed.push('\n');
        }
        s.record.push(RESUMED_MARK.into());
        Ok((s, replayed))
    }

    /// At the interactive prompt: Ctrl-C sets `interrupt`, and `kubectl edit` or `vi FILE`
    /// may open the student's own editor. Kept across `reset`.
    pub fn set_interactive(&mut self, interrupt: Arc<AtomicBool>, terminal: Terminal) {
        self.interactive = Some((interrupt, terminal));
        self.apply_interactive();
    }

    fn apply_interactive(&mut self) {
        if let Some((flag, terminal)) = &self.interactive {
            self.session.ws.editor = Editor::interactive();
            self.session.ws.shell.set_interrupt(flag.clone());
            self.session.ws.shell.set_terminal(terminal.clone());
        }
    }

    /// Runs one command line and records it, after the marks of what the student's own
    /// editor did in it.
    fn run_recorded(&mut self, input: &str) -> RunOutput {
        let out = self.session.run(input);
        for o in self.session.ws.editor.take_outcomes() {
            self.record.push(o.to_mark());
        }
        self.record.push(input.trim_end_matches('\n').to_string());
        out
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
        out.push_str(messages::welcome_footer(self.lab.shown));
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
        let lang = self.lab.shown;
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
                let Some(t) = self.current_task(&o) else {
                    return text(messages::all_done(lang).into());
                };
                let hints = &self.lab.tasks[t].hints;
                if hints.is_empty() {
                    return text(messages::no_hint(lang, t + 1));
                }
                let n = self.hints_shown[t].min(hints.len() - 1);
                self.hints_shown[t] = (n + 1).min(hints.len());
                text(messages::hint(lang, n + 1, hints.len(), t + 1, &hints[n]))
            }
            "reset" => match LabSession::start(&self.lab, self.seed) {
                Ok(s) => {
                    self.session = s;
                    self.apply_interactive();
                    self.record.push(RESET_MARK.into());
                    text(messages::reset_done(lang).into())
                }
                Err(e) => text(messages::reset_failed(lang, &e)),
            },
            "solve" if self.instructor => {
                let o = self.outcomes();
                let Some(t) = self.current_task(&o) else {
                    return text(messages::all_done(lang).into());
                };
                let mut out = RunOutput::default();
                let steps: Vec<String> = self.lab.tasks[t]
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Step(s) => Some(s.command.clone()),
                        _ => None,
                    })
                    .collect();
                // Recorded between marks: grading replays them (the world is what the
                // instructor saw) and can tell they were not typed.
                self.record.push(format!("{SOLVE_MARK}{}", t + 1));
                for cmd in steps {
                    // Shown at once like the commands' own output, at the interactive prompt.
                    self.session
                        .ws
                        .shell
                        .to_terminal(echo_lines(&cmd).as_bytes());
                    out.combined.extend(echo_lines(&cmd).as_bytes());
                    out.stdout.extend(echo_lines(&cmd).as_bytes());
                    let r = self.run_recorded(&cmd);
                    out.stdout.extend(&r.stdout);
                    out.stderr.extend(&r.stderr);
                    out.combined.extend(&r.combined);
                    out.status = r.status;
                }
                self.record.push(SOLVE_END_MARK.into());
                out
            }
            "help" => text(messages::help(lang).into()),
            _ => self.run_recorded(input),
        }
    }

    /// The record as a session file: the resumed record word for word, then what followed.
    pub fn record_text(&self) -> String {
        let mut s = if self.resumed.is_empty() {
            format!("{RECORD_HEADER}{}\n", self.lab.path)
        } else {
            self.resumed.clone()
        };
        for r in &self.record {
            s.push_str(r);
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        crate::lab::load("labs/pause-resume.lab").unwrap()
    }

    fn world_text(s: &mut StudentSession) -> (i64, String) {
        let out = s.session.run("kubectl get all,events -o yaml\n");
        (
            s.session.ws.world.now(),
            String::from_utf8_lossy(&out.combined).into_owned(),
        )
    }

    #[test]
    fn marks_are_told_from_commands() {
        assert_eq!(Mark::parse("# kubelab: reset\n"), Some(Mark::Reset));
        assert_eq!(Mark::parse("# kubelab: solve task 2"), Some(Mark::Solve(2)));
        assert_eq!(Mark::parse("# kubelab: solve end"), Some(Mark::SolveEnd));
        assert_eq!(Mark::parse("# kubelab: resumed"), Some(Mark::Resumed));
        assert_eq!(
            Mark::parse("# kubelab session for labs/a.lab\n"),
            Some(Mark::Header)
        );
        assert_eq!(
            Mark::parse("# kubelab: editor 1 no-file"),
            Some(Mark::Editor(Outcome::Ran {
                status: 1,
                content: None
            }))
        );
        for not in [
            "# kubelab: my own note",
            "# kubelab: solve task x",
            "echo '# kubelab: reset'",
            "# kubelab: reset\necho x",
        ] {
            assert_eq!(Mark::parse(not), None, "{not}");
        }
    }

    #[test]
    fn solve_is_recorded_between_marks() {
        let mut s = StudentSession::start(lab(), 1, true).unwrap();
        s.input("solve\n");
        let rec = s.record_text();
        assert!(
            rec.starts_with(
                "# kubelab session for labs/pause-resume.lab\n# kubelab: solve task 1\nkubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\n"
            ),
            "{rec}"
        );
        assert!(rec.ends_with("sleep 20\n# kubelab: solve end\n"), "{rec}");
    }

    #[test]
    fn a_resumed_record_restores_the_live_world() {
        let mut live = StudentSession::start(lab(), 1, true).unwrap();
        live.set_interactive(
            Arc::new(AtomicBool::new(false)),
            Terminal(std::rc::Rc::new(|_: &[u8]| {})),
        );
        for i in [
            "kubectl create deployment x --image=nginx\n",
            "tasks\n",
            "reset\n",
            "kubectl create deployment http-go --image=gasbugs/http-go:v1 --replicas=3\n",
            // The host's `true` as the editor: it saves the copy unchanged.
            "KUBE_EDITOR=true kubectl edit deployment http-go\n",
            "solve\n",
            "hint\n",
            "sleep 5\n",
            "exit\n",
        ] {
            live.input(i);
        }
        assert!(
            live.session.ws.editor.is_interactive(),
            "still interactive after reset"
        );
        let rec = live.record_text();
        assert!(rec.contains("# kubelab: reset\n"), "{rec}");
        assert!(
            rec.contains("# kubelab: editor 0 file:")
                || rec.contains("# kubelab: editor not-found"),
            "{rec}"
        );
        // Grading replays the record as resuming does, and says what `solve` did.
        let g = super::super::grade::grade(&lab(), "s", &rec, 1);
        assert!(
            g.note.as_deref().is_some_and(|n| n
                .contains("the reference solution of task 1 was run by `solve` (instructor mode)")),
            "{:?}",
            g.note
        );
        let (mut resumed, n) = StudentSession::resume(lab(), 1, true, &rec).unwrap();
        assert_eq!(n, 10, "{rec}");
        assert_eq!(world_text(&mut resumed), world_text(&mut live));
        // New inputs go after the old record, word for word.
        resumed.input("echo more\n");
        assert_eq!(
            resumed.record_text(),
            format!("{rec}# kubelab: resumed\necho more\n")
        );
    }
}
