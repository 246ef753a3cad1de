//! The syntax tree of a lab file.

/// A Rhai block: its source and where its first character is in the lab file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The code between the braces.
    pub source: String,
    /// 1-based line of the first character after `{`.
    pub line: usize,
    /// 1-based column of that character.
    pub col: usize,
}

/// `check POINTS "WHAT" { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Points it is worth.
    pub points: u32,
    /// What it checks (shown to the student).
    pub what: String,
    /// The Rhai expression.
    pub block: Block,
    /// Line of the `check` keyword.
    pub line: usize,
    /// The task it belongs to (None: after the last task).
    pub task: Option<usize>,
}

/// `assert "WHAT" { ... }`: checked while the reference solution runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assert {
    /// What it asserts.
    pub what: String,
    /// The Rhai code.
    pub block: Block,
    /// Line of the `assert` keyword.
    pub line: usize,
}

/// A command step of the reference solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The command as typed, heredoc bodies and continuations included (no final newline).
    pub command: String,
    /// The expected output lines (None: not compared).
    pub expected: Option<Vec<String>>,
    /// Line of the `$`.
    pub line: usize,
    /// Line of the first expected-output line.
    pub expected_line: usize,
    /// The step's indentation (kept by `--bless`).
    pub indent: String,
}

/// What a task holds, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A command step.
    Step(Step),
    /// An assert.
    Assert(Assert),
}

/// `task "TITLE" { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The title.
    pub title: String,
    /// Hints, in order.
    pub hints: Vec<String>,
    /// Steps and asserts, in order.
    pub items: Vec<Item>,
    /// Line of the `task` keyword.
    pub line: usize,
}

/// A parsed lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lab {
    /// The file it came from.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// `lab "TITLE"`.
    pub title: String,
    /// `intro`.
    pub intro: Option<String>,
    /// `prompt "TEMPLATE"`: the student's prompt ([`super::prompt`]).
    pub prompt: Option<String>,
    /// `world "kubernetes"` / `world "openshift"`: the cluster the lab runs on (None: kubelab's
    /// default world, a kubeadm cluster that also serves OpenShift's API).
    pub world: Option<String>,
    /// `setup` blocks, in order.
    pub setups: Vec<Block>,
    /// Tasks, in order.
    pub tasks: Vec<Task>,
    /// Every check (in tasks and after them), in file order.
    pub checks: Vec<Check>,
    /// Asserts after the last task.
    pub final_asserts: Vec<Assert>,
}

/// The worlds a lab may name with `world "NAME"`.
pub const WORLDS: &[&str] = &["kubernetes", "openshift"];

impl Lab {
    /// The total points of the checks.
    pub fn total_points(&self) -> u32 {
        self.checks.iter().map(|c| c.points).sum()
    }

    /// Every step, in order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.tasks
            .iter()
            .flat_map(|t| t.items.iter())
            .filter_map(|i| match i {
                Item::Step(s) => Some(s),
                _ => None,
            })
    }
}
