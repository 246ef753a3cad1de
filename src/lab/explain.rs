//! Friendly errors for a lab file that does not parse: what is wrong, where, and what to
//! write instead (a misspelt keyword, a malformed item, an unclosed block or string).

use pest::iterators::Pair;

use super::diagnostics::Diagnostic;
use super::parse::{KEYWORDS, Rule, Src};

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

pub(super) fn stray(src: &Src<'_>, p: &Pair<'_, Rule>, in_task: bool) -> Diagnostic {
    let s = p.as_str().trim_end();
    let word: String = s
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if KEYWORDS.contains(&word.as_str()) {
        return malformed(src, p, &word);
    }
    let d = src.at(p, "").width(word.chars().count().max(1));
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
fn malformed(file: &Src<'_>, p: &Pair<'_, Rule>, word: &str) -> Diagnostic {
    if let Some(d) = structural_problem(file) {
        return d;
    }
    let (line, col) = file.line_col(&p.as_span());
    let src = p.as_str().trim_end();
    let after_kw = &src[word.len()..];
    let rest = after_kw.trim_start();
    let rest_col = col + word.len() + (after_kw.len() - rest.len());
    let end_col = col + src.chars().count();
    let d = |c: usize, msg: &str| file.at_line(line, c, msg).help(usage(word));
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
            if let Some((at, msg)) = translation_problem(src, src.len() - after.len()) {
                return d(col + src[..at].chars().count(), &msg);
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
            if let Some((at, msg)) = translation_problem(src, word.len()) {
                return d(col + src[..at].chars().count(), &msg);
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

/// After an item's first quoted text (which starts at or after byte `from` of `line`): a
/// language tag without its text in quotes. The byte where the text should be, and what to say.
fn translation_problem(line: &str, from: usize) -> Option<(usize, String)> {
    let b = line.as_bytes();
    let mut i = from + line.get(from..)?.find('"')?;
    let skip_string = |mut i: usize| -> Option<usize> {
        i += 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    i = skip_string(i)?;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        if i == start {
            return None;
        }
        let tag = &line[start..i];
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if b.get(i) != Some(&b'"') {
            return Some((
                i,
                format!("expected the `{tag}` text in double quotes after its language tag"),
            ));
        }
        i = skip_string(i)?;
    }
}

fn usage(keyword: &str) -> String {
    match keyword {
        "check" => "write `check POINTS \"WHAT IT CHECKS\" { RHAI EXPRESSION }`, e.g. `check 2 \"mongo runs\" { cluster.exists(\"deployment\", \"mongo\") }`".into(),
        "assert" => "write `assert \"WHAT\" { RHAI EXPRESSION }`".into(),
        "hint" => "write `hint \"TEXT\"`, and any translation after it: `hint \"TEXT\" ko \"번역\"`".into(),
        "task" => "write `task \"TITLE\" {` on its own line, the task's items, then `}`".into(),
        "setup" => "write `setup {`, Rhai code, then `}`".into(),
        "intro" => "write `intro \"\"\"` text `\"\"\"`".into(),
        "prompt" => "write `prompt \"TEMPLATE\"`, e.g. `prompt \"[{user}@{project}]$ \"`".into(),
        _ => "a lab file starts with `lab \"TITLE\"`".into(),
    }
}

/// Turns a pest error into a diagnostic with a suggestion.
pub(super) fn explain(src: &Src<'_>, e: pest::error::Error<Rule>) -> Diagnostic {
    let (line, col) = match e.line_col {
        pest::error::LineColLocation::Pos(p) => p,
        pest::error::LineColLocation::Span(s, _) => s,
    };
    let positives: Vec<Rule> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        _ => vec![],
    };
    let src_line = src.lines.line(line);
    let rest: String = src_line.chars().skip(col - 1).collect();
    let d = src.at_line(line, col, "");
    if positives.contains(&Rule::lab_decl) {
        return Diagnostic { message: "a lab file must start with `lab \"TITLE\"`".into(), ..d }.help("add a first line such as `lab \"Rolling update of mongo\"` (comments starting with `#` may come before it)");
    }
    if let Some(d) = structural_problem(src) {
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
fn structural_problem(src: &Src<'_>) -> Option<Diagnostic> {
    if let Some((l, c, what)) = unclosed_block(src.text) {
        return Some(
            src.at_line(l, c, format!("the `{{` opening {what} is never closed"))
                .help("add the matching `}` on its own line at the end of the block"),
        );
    }
    let (l, c, triple) = unterminated_string(src.text)?;
    let d = src.at_line(
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
