//! Errors in a lab file, printed the way `just` and rustc do: what is wrong, `file:line:col`,
//! the line, a caret under the spot, and what to do.

use std::fmt;

/// One error in a lab file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// The source line.
    pub source_line: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
}

impl Diagnostic {
    /// A diagnostic at `line:col` of `text`.
    pub fn at(
        path: &str,
        text: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        let source_line = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        Diagnostic::at_line(path, source_line, line, col, message)
    }

    /// A diagnostic at `line:col`, whose text is `source_line`.
    pub fn at_line(
        path: &str,
        source_line: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            path: path.to_string(),
            line,
            col: col.max(1),
            source_line: source_line.to_string(),
            message: message.into(),
            help: None,
            width: 1,
        }
    }

    /// Adds what to do.
    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Underlines `width` characters.
    pub fn width(mut self, width: usize) -> Diagnostic {
        self.width = width.max(1);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        writeln!(f, "error: {}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.path, self.line, self.col)?;
        writeln!(f, "{pad} |")?;
        let shown = self.source_line.replace('\t', " ");
        writeln!(f, "{num} | {shown}")?;
        // Columns count characters; the caret goes under them as a terminal shows them (a
        // Korean syllable is two columns wide).
        let cols = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        let before: usize = shown.chars().take(self.col - 1).map(cols).sum();
        let under: Vec<char> = shown.chars().skip(self.col - 1).take(self.width).collect();
        let carets =
            under.iter().map(|c| cols(*c)).sum::<usize>() + self.width.saturating_sub(under.len());
        writeln!(
            f,
            "{pad} | {}{}",
            " ".repeat(before),
            "^".repeat(carets.max(1))
        )?;
        if let Some(h) = &self.help {
            writeln!(f, "{pad} = help: {h}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_is_under_wide_text_as_a_terminal_shows_it() {
        let d = Diagnostic::at_line(
            "x.lab",
            "task \"롤아웃\" kr \"x\" {",
            1,
            12,
            "unknown language `kr`",
        )
        .width(2);
        let text = d.to_string();
        assert!(
            text.ends_with("1 | task \"롤아웃\" kr \"x\" {\n  |               ^^\n"),
            "{text}"
        );
        let d = Diagnostic::at_line("x.lab", "hint \"롤아웃\"", 1, 7, "m").width(3);
        assert!(d.to_string().ends_with("  |       ^^^^^^\n"), "{d}");
    }
}
