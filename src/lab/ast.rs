//! The syntax tree of a lab file.

use super::lang::{Alternates, Lang, pick};

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
    /// What it checks (shown to the student), in English.
    pub what: String,
    /// Its translations.
    pub what_alt: Alternates,
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
    /// The title, in English.
    pub title: String,
    /// Its translations.
    pub title_alt: Alternates,
    /// Hints, in order, in English.
    pub hints: Vec<String>,
    /// Each hint's translations (as many as hints).
    pub hints_alt: Vec<Alternates>,
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
    /// `lab "TITLE"`, in English.
    pub title: String,
    /// Its translations.
    pub title_alt: Alternates,
    /// `intro`, in English.
    pub intro: Option<String>,
    /// `intro LANG """..."""`: the intro's translations.
    pub intro_alt: Alternates,
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
    /// The language its texts are shown in ([`Lab::localized`]).
    pub shown: Lang,
    /// The lab as written, when this is a [`Lab::localized`] copy.
    pub base: Option<Box<Lab>>,
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

    /// The lab with its texts (title, intro, task titles, hints, check descriptions) in
    /// `lang`; a text without a translation stays English. The translations are kept, so the
    /// English texts (stable identifiers for reports) are still at hand through [`Lab::base`].
    pub fn localized(&self, lang: Lang) -> Lab {
        let b = self.base();
        let mut l = b.clone();
        l.shown = lang;
        l.title = pick(&b.title, &b.title_alt, lang).to_string();
        l.intro = b
            .intro
            .as_deref()
            .map(|i| pick(i, &b.intro_alt, lang).to_string());
        for (t, base) in l.tasks.iter_mut().zip(&b.tasks) {
            t.title = pick(&base.title, &base.title_alt, lang).to_string();
            for (h, (b, alt)) in t
                .hints
                .iter_mut()
                .zip(base.hints.iter().zip(&base.hints_alt))
            {
                *h = pick(b, alt, lang).to_string();
            }
        }
        for (c, base) in l.checks.iter_mut().zip(&b.checks) {
            c.what = pick(&base.what, &base.what_alt, lang).to_string();
        }
        l.base = Some(Box::new(b.clone()));
        l
    }

    /// The lab with its English texts (itself unless it was [`Lab::localized`]).
    pub fn base(&self) -> &Lab {
        self.base.as_deref().unwrap_or(self)
    }

    /// The languages its texts are written in besides English, in [`super::lang::ALL`]'s order.
    pub fn languages(&self) -> Vec<Lang> {
        let b = self.base();
        let mut used: Vec<Lang> = Vec::new();
        let mut add = |alt: &Alternates| used.extend(alt.iter().map(|(l, _)| *l));
        add(&b.title_alt);
        add(&b.intro_alt);
        for t in &b.tasks {
            add(&t.title_alt);
            t.hints_alt.iter().for_each(&mut add);
        }
        b.checks.iter().for_each(|c| add(&c.what_alt));
        used.sort();
        used.dedup();
        used
    }
}
