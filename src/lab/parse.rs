//! From lab text to [`Lab`]: the pest grammar (`grammar/lab.pest`) for the structure, the
//! shell's own parser to tell where a multi-line command ends, the Rhai compiler to check each
//! block's syntax, and friendly errors for everything that can go wrong.

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast::*;
use super::diagnostics::Diagnostic;

#[derive(Parser)]
#[grammar = "../grammar/lab.pest"]
struct LabParser;

const KEYWORDS: &[&str] = &["lab", "intro", "setup", "task", "hint", "check", "assert"];

/// Parses a lab file's text; `path` is used in messages.
pub fn parse(path: &str, text: &str) -> Result<Lab, Diagnostic> {
    let pairs = match LabParser::parse(Rule::file, text) {
        Ok(p) => p,
        Err(e) => return Err(explain(path, text, e)),
    };
    let mut lab = Lab {
        path: path.to_string(),
        text: text.to_string(),
        title: String::new(),
        intro: None,
        setups: Vec::new(),
        tasks: Vec::new(),
        checks: Vec::new(),
        final_asserts: Vec::new(),
    };
    let file = pairs.into_iter().next().expect("file");
    for p in file.into_inner() {
        match p.as_rule() {
            Rule::lab_decl => lab.title = string_of(p.into_inner().next().expect("string")),
            Rule::intro => {
                if lab.intro.is_some() {
                    return Err(at(path, text, &p, "a lab has one `intro`")
                        .help("merge the two intro texts into one"));
                }
                lab.intro = Some(text_of(p.into_inner().next().expect("text")));
            }
            Rule::setup => lab
                .setups
                .push(block_of(p.into_inner().next().expect("block"))),
            Rule::task => {
                let index = lab.tasks.len();
                let task = build_task(path, text, p, index, &mut lab.checks)?;
                lab.tasks.push(task);
            }
            Rule::check => lab.checks.push(build_check(p, None)),
            Rule::assert => lab.final_asserts.push(build_assert(p)),
            Rule::stray => return Err(stray(path, text, &p, false)),
            _ => {}
        }
    }
    check_rhai(&lab)?;
    Ok(lab)
}

fn at(path: &str, text: &str, p: &Pair<'_, Rule>, msg: &str) -> Diagnostic {
    let (l, c) = line_col(&p.as_span());
    Diagnostic::at(path, text, l, c, msg)
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

fn text_of(p: Pair<'_, Rule>) -> String {
    match p.as_rule() {
        Rule::triple_string => {
            let raw = p.into_inner().next().map(|x| x.as_str()).unwrap_or("");
            raw.strip_prefix('\n').unwrap_or(raw).trim_end().to_string()
        }
        _ => string_of(p),
    }
}

fn block_of(p: Pair<'_, Rule>) -> Block {
    let body = p.into_inner().next().expect("rhai_body");
    let (line, col) = line_col(&body.as_span());
    Block {
        source: body.as_str().to_string(),
        line,
        col,
    }
}

fn build_check(p: Pair<'_, Rule>, task: Option<usize>) -> Check {
    let line = line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let points = inner
        .next()
        .map(|x| x.as_str().parse().unwrap_or(0))
        .unwrap_or(0);
    let what = string_of(inner.next().expect("what"));
    let block = block_of(inner.next().expect("block"));
    Check {
        points,
        what,
        block,
        line,
        task,
    }
}

fn build_assert(p: Pair<'_, Rule>) -> Assert {
    let line = line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let what = string_of(inner.next().expect("what"));
    let block = block_of(inner.next().expect("block"));
    Assert { what, block, line }
}

fn build_task(
    path: &str,
    text: &str,
    p: Pair<'_, Rule>,
    index: usize,
    checks: &mut Vec<Check>,
) -> Result<Task, Diagnostic> {
    let line = line_col(&p.as_span()).0;
    let mut inner = p.into_inner();
    let title = string_of(inner.next().expect("title"));
    let mut task = Task {
        title,
        hints: Vec::new(),
        items: Vec::new(),
        line,
    };
    let Some(body) = inner.next() else {
        return Ok(task);
    };
    for x in body.into_inner() {
        match x.as_rule() {
            Rule::hint => task
                .hints
                .push(text_of(x.into_inner().next().expect("hint"))),
            Rule::check => checks.push(build_check(x, Some(index))),
            Rule::assert => task.items.push(Item::Assert(build_assert(x))),
            Rule::step_indented | Rule::step_flush => {
                task.items.push(Item::Step(build_step(path, text, x)?))
            }
            Rule::stray_in_task => return Err(stray(path, text, &x, true)),
            _ => {}
        }
    }
    Ok(task)
}

fn build_step(path: &str, text: &str, p: Pair<'_, Rule>) -> Result<Step, Diagnostic> {
    let (line, col) = line_col(&p.as_span());
    let indent: String = text
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .chars()
        .take(col - 1)
        .collect();
    let mut inner = p.into_inner();
    let first = inner.next().expect("line_text");
    let mut command = first.as_str().trim_end().to_string();
    let lines: Vec<(usize, String)> = inner
        .map(|l| {
            let ln = line_col(&l.as_span()).0;
            let t = l.into_inner().next().map(|t| t.as_str()).unwrap_or("");
            // The grammar matched the step's indentation before the text.
            (ln, t.to_string())
        })
        .collect();
    let mut used = 0;
    while crate::shell::incomplete(&command) {
        match lines.get(used) {
            Some((_, l)) => {
                command.push('\n');
                command.push_str(l);
                used += 1;
            }
            None => {
                return Err(Diagnostic::at(path, text, line, col, "this command does not end")
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

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for j in 0..b.len() {
            cur[j + 1] = (prev[j + 1] + 1)
                .min(cur[j] + 1)
                .min(prev[j] + usize::from(ca != b[j]));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn stray(path: &str, text: &str, p: &Pair<'_, Rule>, in_task: bool) -> Diagnostic {
    let s = p.as_str().trim_end();
    let word: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if KEYWORDS.contains(&word.as_str()) {
        return malformed(path, text, p, &word);
    }
    let d = at(path, text, p, "").width(word.chars().count().max(1));
    if !word.is_empty() {
        let close = KEYWORDS
            .iter()
            .filter(|k| levenshtein(k, &word) <= 2)
            .min_by_key(|k| levenshtein(k, &word));
        if let Some(k) = close {
            return Diagnostic {
                message: format!("unknown keyword `{word}`"),
                ..d
            }
            .help(format!("did you mean `{k}`?"));
        }
        if KEYWORDS.contains(&word.as_str()) {
            return Diagnostic {
                message: format!("malformed `{word}`"),
                ..d
            }
            .help(usage(&word));
        }
        if matches!(word.as_str(), "kubectl" | "oc" | "echo" | "cat" | "sleep") {
            return Diagnostic {
                message: "a command step must start with `$ `".into(),
                ..d
            }
            .help(format!("write `$ {s}`"));
        }
    }
    if in_task {
        Diagnostic { message: format!("unexpected text in a task: `{s}`"), ..d }
            .help("a task holds `hint \"...\"`, command steps (`$ COMMAND` and its expected output), `check` and `assert`; expected output follows its command without a blank line")
    } else {
        Diagnostic { message: format!("unexpected text: `{s}`"), ..d }.help("after the `lab` line come `intro`, `setup { }`, `task \"TITLE\" { }`, `check` and `assert`; comments start with `#`")
    }
}

/// A line that starts with a keyword but is not the item it should be: say what is missing.
fn malformed(path: &str, text: &str, p: &Pair<'_, Rule>, word: &str) -> Diagnostic {
    if let Some(d) = structural_problem(path, text) {
        return d;
    }
    let (line, col) = line_col(&p.as_span());
    let src = p.as_str().trim_end();
    let after_kw = &src[word.len()..];
    let rest = after_kw.trim_start();
    let rest_col = col + word.len() + (after_kw.len() - rest.len());
    let end_col = col + src.chars().count();
    let d = |c: usize, msg: &str| Diagnostic::at(path, text, line, c, msg).help(usage(word));
    match word {
        "check" => {
            if !rest.starts_with(|c: char| c.is_ascii_digit()) {
                return d(rest_col, "a check needs its points");
            }
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            let after = rest[digits..].trim_start();
            let after_col = rest_col + digits + (rest[digits..].len() - after.len());
            if !after.starts_with('"') {
                return d(
                    after_col,
                    "expected the check's description in double quotes",
                );
            }
            if !src.contains('{') {
                return d(end_col, "expected `{` starting the check's Rhai expression");
            }
        }
        "task" | "lab" | "hint" | "assert" => {
            if !rest.starts_with('"') {
                let what = match word {
                    "hint" => "text",
                    "assert" => "description",
                    _ => "title",
                };
                return d(
                    rest_col,
                    &format!("expected the {word}'s {what} in double quotes"),
                );
            }
            if matches!(word, "task" | "assert") && !src.contains('{') {
                return d(end_col, "expected `{` at the end of the line");
            }
        }
        "setup" if !rest.starts_with('{') => {
            return d(rest_col, "expected `{` starting the setup's Rhai code");
        }
        _ => {}
    }
    d(col, &format!("malformed `{word}`"))
}

fn usage(keyword: &str) -> String {
    match keyword {
        "check" => "write `check POINTS \"WHAT IT CHECKS\" { RHAI EXPRESSION }`, e.g. `check 2 \"mongo runs\" { cluster.exists(\"deployment\", \"mongo\") }`".into(),
        "assert" => "write `assert \"WHAT\" { RHAI EXPRESSION }`".into(),
        "hint" => "write `hint \"TEXT\"`".into(),
        "task" => "write `task \"TITLE\" {` on its own line, the task's items, then `}`".into(),
        "setup" => "write `setup {`, Rhai code, then `}`".into(),
        "intro" => "write `intro \"\"\"` text `\"\"\"`".into(),
        _ => "a lab file starts with `lab \"TITLE\"`".into(),
    }
}

/// Turns a pest error into a diagnostic with a suggestion.
fn explain(path: &str, text: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    let (line, col) = match e.line_col {
        pest::error::LineColLocation::Pos(p) => p,
        pest::error::LineColLocation::Span(s, _) => s,
    };
    let positives: Vec<Rule> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        _ => vec![],
    };
    let src_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let rest: String = src_line.chars().skip(col - 1).collect();
    let d = Diagnostic::at(path, text, line, col, "");
    if positives.contains(&Rule::lab_decl) {
        return Diagnostic { message: "a lab file must start with `lab \"TITLE\"`".into(), ..d }.help("add a first line such as `lab \"Rolling update of mongo\"` (comments starting with `#` may come before it)");
    }
    if let Some(d) = structural_problem(path, text) {
        return d;
    }
    if positives.contains(&Rule::points) {
        return Diagnostic {
            message: "a check needs its points".into(),
            ..d
        }
        .help(usage("check"));
    }
    if positives.contains(&Rule::rhai_block) {
        return Diagnostic {
            message: "expected `{` starting a block of Rhai code".into(),
            ..d
        }
        .help("put the Rhai code between `{` and `}` on the same line as the keyword");
    }
    if positives.contains(&Rule::string) || positives.contains(&Rule::triple_string) {
        let what = if rest.trim().is_empty() {
            "nothing".to_string()
        } else {
            format!("`{}`", rest.trim())
        };
        return Diagnostic {
            message: format!("expected a quoted string, found {what}"),
            ..d
        }
        .help("titles, hints and check descriptions are written in double quotes: \"like this\"");
    }
    let near = if rest.trim().is_empty() {
        "the end of the line".to_string()
    } else {
        format!("`{}`", rest.trim())
    };
    Diagnostic {
        message: format!("unexpected {near}"),
        ..d
    }
    .help("see docs/lab-language.md for the shape of a lab file")
}

/// An unclosed block or string anywhere in the file: reported before anything else, since
/// every later error follows from it.
fn structural_problem(path: &str, text: &str) -> Option<Diagnostic> {
    if let Some((l, c, what)) = unclosed_block(text) {
        return Some(
            Diagnostic::at(
                path,
                text,
                l,
                c,
                format!("the `{{` opening {what} is never closed"),
            )
            .help("add the matching `}` on its own line at the end of the block"),
        );
    }
    let (l, c, triple) = unterminated_string(text)?;
    let d = Diagnostic::at(
        path,
        text,
        l,
        c,
        if triple {
            "this `\"\"\"` text is never closed"
        } else {
            "unterminated string"
        },
    );
    Some(if triple {
        d.help("end the text with `\"\"\"`")
    } else {
        d.help("add the closing `\"` on the same line")
    })
}

/// The last `{` opened by a `task`, `setup`, `check` or `assert` line that is never closed.
fn unclosed_block(text: &str) -> Option<(usize, usize, String)> {
    let mut stack: Vec<(usize, usize, String)> = Vec::new();
    let mut in_triple = false;
    let mut depth_rhai = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let t = raw.trim_start();
        if raw.matches("\"\"\"").count() % 2 == 1 {
            in_triple = !in_triple;
            continue;
        }
        if in_triple {
            continue;
        }
        if depth_rhai == 0 && (t.starts_with("$ ") || t.starts_with('#')) {
            continue;
        }
        let kw = KEYWORDS
            .iter()
            .find(|k| t.starts_with(*k) && t[k.len()..].starts_with([' ', '{']))
            .copied();
        let mut in_str = false;
        let mut esc = false;
        for (j, c) in raw.char_indices() {
            if in_str {
                if esc {
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                '"' => in_str = true,
                '{' if kw.is_some() || depth_rhai > 0 || !stack.is_empty() => {
                    if depth_rhai > 0 || kw.is_some_and(|k| k != "task") {
                        depth_rhai += 1;
                    }
                    let what = kw
                        .map(|k| format!("this `{k}`"))
                        .unwrap_or_else(|| "a block".into());
                    stack.push((i + 1, raw[..j].chars().count() + 1, what));
                }
                '}' if stack.pop().is_some() && depth_rhai > 0 => depth_rhai -= 1,
                _ => {}
            }
        }
    }
    stack.pop()
}

/// A `"` opened and not closed on its line (outside Rhai strings), or an open `"""`.
fn unterminated_string(text: &str) -> Option<(usize, usize, bool)> {
    let mut triple_open: Option<(usize, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        if let Some(pos) = raw.find("\"\"\"") {
            let count = raw.matches("\"\"\"").count();
            if count % 2 == 1 {
                triple_open = match triple_open {
                    Some(_) => None,
                    None => Some((i + 1, raw[..pos].chars().count() + 1)),
                };
            }
            continue;
        }
        if triple_open.is_some() {
            continue;
        }
        let t = raw.trim_start();
        let kw = ["lab ", "hint ", "task ", "check ", "assert "]
            .iter()
            .any(|k| t.starts_with(k));
        if !kw {
            continue;
        }
        let mut open: Option<usize> = None;
        let mut esc = false;
        for (j, c) in raw.char_indices() {
            if esc {
                esc = false;
                continue;
            }
            match (c, open) {
                ('\\', Some(_)) => esc = true,
                ('"', Some(_)) => open = None,
                ('"', None) => open = Some(j),
                ('{', None) => break,
                _ => {}
            }
        }
        if let Some(j) = open {
            return Some((i + 1, raw[..j].chars().count() + 1, false));
        }
    }
    triple_open.map(|(l, c)| (l, c, true))
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

/// Where a span starts: (line, column), both from 1, columns in characters, as pest's
/// `Position::line_col` counts them but by counting line ends over bytes (pest walks every
/// character from the start of the file for each call).
fn line_col(span: &pest::Span<'_>) -> (usize, usize) {
    let text = span.get_input();
    let pos = span.start();
    let before = &text.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, 1 + text[start..pos].chars().count())
}

#[cfg(test)]
mod tests {
    /// The byte-counting `line_col` agrees with pest's at every character boundary, with
    /// `\r\n`, a lone `\r` and multi-byte characters about.
    #[test]
    fn line_col_agrees_with_pest() {
        let text = "lab \"é\"\r\n\ttask \"x\" {\r\n  $ echo ü\rb\n\n}\n";
        for pos in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let span = pest::Span::new(text, pos, pos).expect("span");
            assert_eq!(
                super::line_col(&span),
                span.start_pos().line_col(),
                "at byte {pos}"
            );
        }
    }
}
