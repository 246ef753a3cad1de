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
        let before: String = shown
            .chars()
            .take(self.col - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        writeln!(f, "{pad} | {before}{}", "^".repeat(self.width))?;
        if let Some(h) = &self.help {
            writeln!(f, "{pad} = help: {h}")?;
        }
        Ok(())
    }
}
