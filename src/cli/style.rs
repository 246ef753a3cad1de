//! Colour where it helps a person at a terminal: PASS and FAIL, the score, `!!` lines of a
//! run, diagnostics (`error:`, the `-->` position, the caret, `help:`), the task list and the
//! prompt. Only on a terminal, and never when `NO_COLOR` is set to anything but the empty
//! string (no-color.org) or `TERM` is `dumb`; pipes, files and the tests get plain text.
//! Colouring is applied to finished text, line by line: the text itself never changes.

use std::io::IsTerminal;

use anstyle::{AnsiColor, Style};

fn allowed() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    !no_color && !dumb
}

/// Whether standard output gets colour.
pub fn stdout() -> bool {
    allowed() && std::io::stdout().is_terminal()
}

/// Whether standard error gets colour.
pub fn stderr() -> bool {
    allowed() && std::io::stderr().is_terminal()
}

const RED: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .bold();
const GREEN: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)))
    .bold();
const YELLOW: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const BLUE: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)))
    .bold();
const CYAN: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)))
    .bold();
const BOLD: Style = Style::new().bold();

fn paint(style: Style, s: &str) -> String {
    format!("{style}{s}{style:#}")
}

/// Paints the first `n` bytes of `line` (a char boundary) with `style`.
fn head(style: Style, line: &str, n: usize) -> String {
    let (a, b) = line.split_at(n.min(line.len()));
    format!("{}{b}", paint(style, a))
}

/// One line of a report of `kubelab run`, `lint`, `grade` or the lab shell's `tasks`/`check`.
fn report_line(line: &str) -> String {
    if line.starts_with("PASS ") {
        head(GREEN, line, 4)
    } else if line.starts_with("FAIL ") {
        head(RED, line, 4)
    } else if line.starts_with("!! ") || line.starts_with("error: ") {
        paint(RED, line)
    } else if line.starts_with("score: ") || line.starts_with("== ") || line.starts_with("-- ") {
        paint(BOLD, line)
    } else if line.starts_with("[x] ") {
        head(GREEN, line, 3)
    } else if line.starts_with("note: ") {
        head(YELLOW, line, 5)
    } else if let Some(i) = line.find(": ok (") {
        // `kubelab lint`'s clean lab.
        format!("{}{}", &line[..i + 2], paint(GREEN, &line[i + 2..]))
    } else {
        line.to_string()
    }
}

fn each_line(text: &str, f: fn(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for piece in text.split_inclusive('\n') {
        let (line, end) = match piece.strip_suffix('\n') {
            Some(l) => (l, "\n"),
            None => (piece, ""),
        };
        out.push_str(&f(line));
        out.push_str(end);
    }
    out
}

/// A report, coloured when `on`.
pub fn report(text: &str, on: bool) -> String {
    if on {
        each_line(text, report_line)
    } else {
        text.to_string()
    }
}

fn diagnostic_line(line: &str) -> String {
    let trimmed = line.trim_start();
    if line.starts_with("error") {
        match line.find(':') {
            Some(i) => head(RED, line, i + 1),
            None => paint(RED, line),
        }
    } else if trimmed.starts_with("--> ") {
        let i = line.len() - trimmed.len();
        head(BLUE, line, i + 3)
    } else if let Some(i) = line
        .find(" | ")
        .or_else(|| line.strip_suffix(" |").map(str::len))
    {
        // The gutter `12 | `, and the caret line under it.
        let (gutter, rest) = line.split_at(i + 2.min(line.len() - i));
        let rest_t = rest.trim_start();
        if !rest_t.is_empty() && rest_t.chars().all(|c| c == '^') {
            format!("{}{}", paint(BLUE, gutter), paint(RED, rest))
        } else {
            format!("{}{rest}", paint(BLUE, gutter))
        }
    } else if trimmed.starts_with("= help:") || trimmed.starts_with("help:") {
        let i = line.find("help:").unwrap_or(0);
        head(CYAN, line, i + 5)
    } else {
        line.to_string()
    }
}

/// Diagnostics for standard error (a lab file's errors), coloured when stderr is a terminal.
pub fn diagnostics(text: &str) -> String {
    if stderr() {
        each_line(text, diagnostic_line)
    } else {
        text.to_string()
    }
}

/// One error line for standard error.
pub fn error(text: &str) -> String {
    if stderr() {
        paint(RED, text)
    } else {
        text.to_string()
    }
}

/// The prompt's place (namespace, user, server), coloured when `on`. rustyline measures the
/// prompt's width without its escape sequences.
pub fn place(text: &str, on: bool) -> String {
    if on {
        paint(CYAN, text)
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_marks_only_and_never_changes_the_text() {
        let text = "== s (t)\nnote: why\nPASS 2/2  a\nFAIL 0/3  b\n       because\nscore: 2/5\n";
        assert_eq!(report(text, false), text);
        let painted = report(text, true);
        assert!(
            painted.contains("\u{1b}[1m\u{1b}[32mPASS\u{1b}[0m 2/2  a\n")
                || painted.contains("PASS\u{1b}[0m 2/2  a\n"),
            "{painted:?}"
        );
        assert!(painted.contains("\n       because\n"), "{painted:?}");
        let stripped = strip(&painted);
        assert_eq!(stripped, text);
        let diag = "error: a check needs its points\n --> bad.lab:2:7\n  |\n2 | check \"no points\" { true }\n  |       ^\n  = help: write check POINTS\n";
        assert_eq!(strip(&each_line(diag, diagnostic_line)), diag);
    }

    /// The text without its ANSI escapes.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut esc = false;
        for c in s.chars() {
            match (esc, c) {
                (false, '\u{1b}') => esc = true,
                (true, 'm') => esc = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }
}
