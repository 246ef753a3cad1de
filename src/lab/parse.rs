//! From lab text to [`Lab`]: the pest grammar (`grammar/lab.pest`) for the structure, the
//! shell's own parser to tell where a multi-line command ends, the Rhai compiler to check each
//! block's syntax, and friendly errors for everything that can go wrong.

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast::*;
use super::diagnostics::Diagnostic;
use super::explain::{explain, stray};
use super::lang::{Alternates, Lang};
use super::positions::Lines;

#[derive(Parser)]
#[grammar = "../grammar/lab.pest"]
pub(super) struct LabParser;

pub(super) const KEYWORDS: &[&str] = &[
    "lab", "intro", "prompt", "setup", "task", "hint", "check", "assert",
];

/// The file being parsed: its name, text and line index.
pub(super) struct Src<'a> {
    /// The file's name (in messages).
    pub path: &'a str,
    /// Its text.
    pub text: &'a str,
    /// Its line starts.
    pub lines: Lines<'a>,
    /// Whether the steps are lines of an interactive program (`program_steps.rs`).
    pub program: std::cell::Cell<bool>,
}

impl Src<'_> {
    /// Where a span starts: (line, column), both from 1, columns in characters.
    pub fn line_col(&self, span: &pest::Span<'_>) -> (usize, usize) {
        self.lines.line_col(span.start())
    }

    /// A diagnostic at line `line`, column `col`.
    pub fn at_line(&self, line: usize, col: usize, msg: impl Into<String>) -> Diagnostic {
        Diagnostic::at_line(self.path, self.lines.line(line), line, col, msg)
    }

    /// A diagnostic at the start of `p`.
    pub fn at(&self, p: &Pair<'_, Rule>, msg: &str) -> Diagnostic {
        let (l, c) = self.line_col(&p.as_span());
        self.at_line(l, c, msg)
    }
}

/// Parses a lab file's text; `path` is used in messages.
pub fn parse(path: &str, text: &str) -> Result<Lab, Diagnostic> {
    let src = Src {
        path,
        text,
        lines: Lines::new(text),
        program: std::cell::Cell::new(false),
    };
    let pairs = match LabParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => return Err(explain(&src, e)),
    };
    let mut lab = Lab {
        path: path.to_string(),
        text: text.to_string(),
        title: String::new(),
        title_alt: Vec::new(),
        intro: None,
        intro_alt: Vec::new(),
        prompt: None,
        world: None,
        setups: Vec::new(),
        tasks: Vec::new(),
        checks: Vec::new(),
        final_asserts: Vec::new(),
        shown: Lang::En,
        base: None,
    };
    let file = pairs.into_iter().next().expect("file");
    // Where the first `intro LANG` is (for an error when the English intro is missing).
    let mut first_translated_intro = (1, 1);
    for p in file.into_inner() {
        match p.as_rule() {
            Rule::lab_decl => {
                let mut inner = p.into_inner();
                lab.title = string_of(inner.next().expect("string"));
                lab.title_alt = alternates(&src, inner)?;
            }
            Rule::intro => {
                let mut inner = p.clone().into_inner();
                let first = inner.next().expect("text");
                if first.as_rule() == Rule::lang_tag {
                    let lang = lang_of(&src, &first)?;
                    if lab.intro_alt.iter().any(|(l, _)| *l == lang) {
                        return Err(src
                            .at(&p, &format!("a lab has one `intro {lang}`"))
                            .width(6 + lang.code().len())
                            .help("merge the two intro texts into one"));
                    }
                    let text = text_of(inner.next().expect("text"));
                    if lab.intro_alt.is_empty() {
                        first_translated_intro = src.line_col(&p.as_span());
                    }
                    lab.intro_alt.push((lang, text));
                    continue;
                }
                if lab.intro.is_some() {
                    return Err(src
                        .at(&p, "a lab has one `intro`")
                        .help("merge the two intro texts into one"));
                }
                lab.intro = Some(text_of(first));
            }
            Rule::prompt => {
                if lab.prompt.is_some() {
                    return Err(src
                        .at(&p, "a lab has one `prompt`")
                        .help("keep one `prompt \"TEMPLATE\"` line"));
                }
                let s = p.into_inner().next().expect("string");
                let (line, col) = src.line_col(&s.as_span());
                let template = string_of(s);
                if let Err((at, msg)) = super::prompt::check(&template) {
                    let col = col + 1 + template[..at].chars().count();
                    return Err(src.at_line(line, col, msg).help(
                        "e.g. `prompt \"[{user}@{project}]$ \"`; docs/lab-language.md, \"The prompt\"",
                    ));
                }
                lab.prompt = Some(template);
            }
            Rule::world => {
                if lab.world.is_some() {
                    return Err(src
                        .at(&p, "a lab has one `world`")
                        .help("keep one `world \"kubernetes\"` or `world \"openshift\"` line"));
                }
                let s = p.into_inner().next().expect("string");
                let name = string_of(s.clone());
                if !super::ast::WORLDS.contains(&name.as_str()) {
                    return Err(src
                        .at(&s, &format!("unknown world \"{name}\""))
                        .help("`world \"kubernetes\"` (a plain kubeadm cluster) or `world \"openshift\"`; without a `world` line a lab runs on kubelab's default world"));
                }
                lab.world = Some(name);
            }
            Rule::setup => lab
                .setups
                .push(block_of(&src, p.into_inner().next().expect("block"))),
            Rule::task => {
                let index = lab.tasks.len();
                let task = build_task(&src, p, index, &mut lab.checks)?;
                lab.tasks.push(task);
            }
            Rule::check => lab.checks.push(build_check(&src, p, None)?),
            Rule::assert => lab.final_asserts.push(build_assert(&src, p)),
            Rule::stray => return Err(stray(&src, &p, false)),
            _ => {}
        }
    }
    if let (None, Some((lang, _))) = (&lab.intro, lab.intro_alt.first()) {
        let (line, col) = first_translated_intro;
        return Err(src
            .at_line(
                line,
                col,
                format!("`intro {lang}` translates an intro the lab does not have"),
            )
            .width(6 + lang.code().len())
            .help(
                "write the English `intro \"\"\"...\"\"\"` too: it is shown when no translation is",
            ));
    }
    check_total(&src, &lab.checks)?;
    check_rhai(&lab)?;
    Ok(lab)
}

fn string_of(p: Pair<'_, Rule>) -> String {
    let inner = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
    let mut out = String::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The language of a tag, or an error at the tag.
fn lang_of(src: &Src<'_>, tag: &Pair<'_, Rule>) -> Result<Lang, Diagnostic> {
    let code = tag.as_str();
    match Lang::from_code(code) {
        Some(Lang::En) => Err(src
            .at(tag, "`en` cannot tag a translation: a lab's untagged texts are English")
            .width(code.len())
            .help("write the English text first, untagged, then its translations, e.g. `task \"Roll out\" ko \"롤아웃하기\" {`")),
        Some(l) => Ok(l),
        None => {
            let known: Vec<&str> = super::lang::ALL[1..].iter().map(|l| l.code()).collect();
            let hint = if code == "kr" || code == "kor" {
                "Korean's tag is `ko` (ISO 639-1)".to_string()
            } else {
                format!("kubelab has texts for: {}", known.join(", "))
            };
            Err(src
                .at(tag, &format!("unknown language `{code}`"))
                .width(code.len())
                .help(hint))
        }
    }
}

/// The translations after a text: `(alternate | alternate_text)*` pairs.
fn alternates<'a>(
    src: &Src<'_>,
    pairs: impl Iterator<Item = Pair<'a, Rule>>,
) -> Result<Alternates, Diagnostic> {
    let mut out: Alternates = Vec::new();
    // An item at the end of the file ends with an EOI token.
    for p in pairs.filter(|p| matches!(p.as_rule(), Rule::alternate | Rule::alternate_text)) {
        let mut inner = p.into_inner();
        let tag = inner.next().expect("lang_tag");
        let lang = lang_of(src, &tag)?;
        if out.iter().any(|(l, _)| *l == lang) {
            return Err(src
                .at(&tag, &format!("a second `{lang}` text"))
                .width(tag.as_str().len())
                .help("keep one translation per language"));
        }
        out.push((lang, text_of(inner.next().expect("text"))));
    }
    Ok(out)
}

fn text_of(p: Pair<'_, Rule>) -> String {
    match p.as_rule() {
        Rule::triple_string => {
            let raw = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
            raw.strip_prefix('\n').unwrap_or(raw).trim_end().to_string()
        }
        _ => string_of(p),
    }
}

fn block_of(src: &Src<'_>, p: Pair<'_, Rule>) -> Block {
    let body = p.into_inner().next().expect("rhai_body");
    let (line, col) = src.line_col(&body.as_span());
    Block {
        source: body.as_str().to_string(),
        line,
        col,
    }
}

fn build_check(src: &Src<'_>, p: Pair<'_, Rule>, task: Option<usize>) -> Result<Check, Diagnostic> {
    let line = src.line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let digits = inner.next().expect("points");
    let points = digits.as_str().parse::<u32>().map_err(|_| {
        src.at(
            &digits,
            &format!(
                "{} points do not fit: a check is worth at most {} points",
                digits.as_str(),
                u32::MAX
            ),
        )
        .width(digits.as_str().chars().count())
        .help("give the check a smaller number of points")
    })?;
    let what = string_of(inner.next().expect("what"));
    let rest: Vec<Pair<'_, Rule>> = inner.filter(|p| p.as_rule() != Rule::EOI).collect();
    let (alt, block) = rest.split_at(rest.len().saturating_sub(1));
    let what_alt = alternates(src, alt.iter().cloned())?;
    let block = block_of(src, block.first().cloned().expect("block"));
    Ok(Check {
        points,
        what,
        what_alt,
        block,
        line,
        task,
    })
}

/// The points of all checks must add up to a number kubelab can count.
fn check_total(src: &Src<'_>, checks: &[Check]) -> Result<(), Diagnostic> {
    let mut total: u32 = 0;
    for c in checks {
        total = match total.checked_add(c.points) {
            Some(t) => t,
            None => {
                let text = src.lines.line(c.line);
                let digits = c.points.to_string();
                let col = text
                    .find(&format!(" {digits}"))
                    .map_or(1, |i| text[..i + 1].chars().count() + 1);
                return Err(src
                    .at_line(
                        c.line,
                        col,
                        format!(
                            "the checks' points add up to more than {}, which kubelab cannot count",
                            u32::MAX
                        ),
                    )
                    .width(digits.len())
                    .help("give the checks smaller numbers of points"));
            }
        };
    }
    Ok(())
}

fn build_assert(src: &Src<'_>, p: Pair<'_, Rule>) -> Assert {
    let line = src.line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let what = string_of(inner.next().expect("what"));
    let block = block_of(src, inner.next().expect("block"));
    Assert { what, block, line }
}

fn build_task(
    src: &Src<'_>,
    p: Pair<'_, Rule>,
    index: usize,
    checks: &mut Vec<Check>,
) -> Result<Task, Diagnostic> {
    let line = src.line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let title = string_of(inner.next().expect("title"));
    let rest: Vec<Pair<'_, Rule>> = inner.collect();
    let n_alt = rest
        .iter()
        .take_while(|x| x.as_rule() == Rule::alternate)
        .count();
    let title_alt = alternates(src, rest[..n_alt].iter().cloned())?;
    let body = rest.get(n_alt).cloned();
    let mut task = Task {
        title,
        title_alt,
        hints: Vec::new(),
        hints_alt: Vec::new(),
        items: Vec::new(),
        line,
    };
    let Some(body) = body else {
        return Ok(task);
    };
    for x in body.into_inner() {
        match x.as_rule() {
            Rule::hint => {
                let mut inner = x.into_inner();
                task.hints.push(text_of(inner.next().expect("hint")));
                task.hints_alt.push(alternates(src, inner)?);
            }
            Rule::check => checks.push(build_check(src, x, Some(index))?),
            Rule::assert => task.items.push(Item::Assert(build_assert(src, x))),
            Rule::step_indented | Rule::step_flush => {
                task.items.push(Item::Step(build_step(src, x)?))
            }
            Rule::stray_in_task => return Err(stray(src, &x, true)),
            _ => {}
        }
    }
    Ok(task)
}

fn build_step(src: &Src<'_>, p: Pair<'_, Rule>) -> Result<Step, Diagnostic> {
    let (line, col) = src.line_col(&p.as_span());
    let indent: String = src.lines.line(line).chars().take(col - 1).collect();
    let mut inner = p.into_inner();
    let first = inner.next().expect("line_text");
    let mut command = first.as_str().trim_end().to_string();
    let lines: Vec<(usize, String)> = inner
        .map(|l| {
            let ln = src.line_col(&l.as_span()).0;
            let t = l.into_inner().next().map(|t| t.as_str()).unwrap_or("");
            // The grammar matched the step's indentation before the text.
            (ln, t.to_string())
        })
        .collect();
    let mut used = 0;
    // A line typed to an interactive program is complete as it is.
    let program_line = src.program.get();
    if program_line {
        src.program
            .set(!super::program_steps::ends_program(&command));
    } else {
        src.program
            .set(super::program_steps::opens_program(&command));
    }
    while !program_line && crate::shell::incomplete(&command) {
        match lines.get(used) {
            Some((_, l)) => {
                command.push('\n');
                command.push_str(l);
                used += 1;
            }
            None => {
                return Err(src.at_line(line, col, "this command does not end")
                    .width(first.as_str().chars().count() + 2)
                    .help("close its heredoc with the delimiter line (e.g. `EOF`), its quotes, or its `\\` continuation before the next blank line"));
            }
        }
    }
    let rest = &lines[used..];
    let expected = if rest.is_empty() {
        None
    } else {
        Some(rest.iter().map(|(_, l)| l.clone()).collect())
    };
    let expected_line = rest.first().map(|(l, _)| *l).unwrap_or(line + used + 1);
    Ok(Step {
        command,
        expected,
        line,
        expected_line,
        indent,
    })
}

/// Compiles every Rhai block; a syntax error is reported at its place in the lab file.
fn check_rhai(lab: &Lab) -> Result<(), Diagnostic> {
    let engine = crate::script::engine::build(
        &crate::script::engine::Limits::default(),
        Default::default(),
    );
    let mut blocks: Vec<(&Block, String)> = lab
        .setups
        .iter()
        .map(|b| (b, "setup".to_string()))
        .collect();
    blocks.extend(
        lab.checks
            .iter()
            .map(|c| (&c.block, format!("check \"{}\"", c.what))),
    );
    for t in &lab.tasks {
        for i in &t.items {
            if let Item::Assert(a) = i {
                blocks.push((&a.block, format!("assert \"{}\"", a.what)));
            }
        }
    }
    blocks.extend(
        lab.final_asserts
            .iter()
            .map(|a| (&a.block, format!("assert \"{}\"", a.what))),
    );
    // Names the host provides (strict variables): only their existence matters to the compiler.
    let mut scope = rhai::Scope::new();
    scope.push_constant("cluster", ());
    scope.push_constant("registry", ());
    for (b, what) in blocks {
        if let Err(e) = engine.compile_with_scope(&scope, &b.source) {
            let (l, c) = rhai_position(b, e.1);
            let msg = e.0.to_string();
            return Err(Diagnostic::at(&lab.path, &lab.text, l, c, format!("Rhai syntax error in {what}: {msg}")).help("fix the Rhai code; docs/rhai-api.md lists what `cluster`, `registry` and `node` offer"));
        }
    }
    Ok(())
}

/// Maps a position inside a block to the lab file.
pub fn rhai_position(b: &Block, pos: rhai::Position) -> (usize, usize) {
    match (pos.line(), pos.position()) {
        (Some(1), Some(c)) => (b.line, b.col + c - 1),
        (Some(1), None) => (b.line, b.col),
        (Some(l), c) => (b.line + l - 1, c.unwrap_or(1)),
        _ => (b.line, b.col),
    }
}
