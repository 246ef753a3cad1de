//! The syntax tree of a shell input.

/// Commands separated by `;` or newlines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct List(pub Vec<AndOr>);

/// `a && b || c`.
#[derive(Debug, Clone, PartialEq)]
pub struct AndOr {
    /// The first pipeline.
    pub first: Pipeline,
    /// The rest, with `true` for `&&` and `false` for `||`.
    pub rest: Vec<(bool, Pipeline)>,
    /// Followed by `&`: run as a background job.
    pub background: bool,
}

/// `a | b | c`, optionally negated with `!`.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    /// `!`.
    pub bang: bool,
    /// The commands.
    pub commands: Vec<Command>,
}

/// One command of a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `NAME=value cmd args > file`.
    Simple(Simple),
    /// A compound command with its redirections.
    Compound(Compound, Vec<Redirect>),
    /// `NAME() BODY` (or `function NAME BODY`): defines a function.
    Function(Function),
}

/// A function definition.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The function's name.
    pub name: String,
    /// Its body: a compound command with its redirections.
    pub body: std::sync::Arc<Command>,
    /// Written with bash's `function` keyword.
    pub keyword: bool,
}

/// One item of a `case`: `PATTERN[|PATTERN]...) LIST ;;`.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseItem {
    /// The patterns.
    pub patterns: Vec<Word>,
    /// The list run when one matches.
    pub body: List,
}

/// A compound command.
#[derive(Debug, Clone, PartialEq)]
pub enum Compound {
    /// `while COND; do BODY; done` (`until` when `until` is set).
    While { cond: List, body: List, until: bool },
    /// `for NAME in WORDS; do BODY; done`.
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: List,
    },
    /// `if .. then .. elif .. else .. fi`.
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    /// `case WORD in ... esac`.
    Case { word: Word, items: Vec<CaseItem> },
    /// `{ list; }`.
    Group(List),
    /// `( list )`.
    Subshell(List),
}

/// A simple command.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Simple {
    /// `NAME=value` prefixes.
    pub assignments: Vec<(String, Word)>,
    /// The command name and arguments.
    pub words: Vec<Word>,
    /// Redirections, in order.
    pub redirects: Vec<Redirect>,
    /// The line of the input it starts on, from 1 (bash's and dash's error messages).
    pub line: usize,
}

/// A redirection.
#[derive(Debug, Clone, PartialEq)]
pub struct Redirect {
    /// The file descriptor (default 0 for input, 1 for output).
    pub fd: Option<u32>,
    /// The operator.
    pub op: RedirOp,
    /// The target word (the delimiter for heredocs).
    pub target: Word,
    /// A heredoc's body.
    pub heredoc: Option<Heredoc>,
}

/// Redirection operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirOp {
    /// `>` or `>|`.
    Out,
    /// `>>`.
    Append,
    /// `<`.
    In,
    /// `>&N`.
    DupOut,
    /// `<&N`.
    DupIn,
    /// `&>`.
    OutErr,
    /// `&>>`.
    AppendErr,
    /// `<<` / `<<-`.
    HereDoc,
    /// `<<<`.
    HereString,
}

/// A heredoc body.
#[derive(Debug, Clone, PartialEq)]
pub struct Heredoc {
    /// The body text (with its final newline).
    pub body: String,
    /// Whether the delimiter was quoted (no expansion of the body).
    pub quoted: bool,
}

/// A word: parts concatenated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Word(pub Vec<Part>);

/// One part of a word.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Unquoted text (globbed, tilde-expanded at the word start).
    Literal(String),
    /// Quoted text (single quotes, `$'..'`, escapes): taken as is.
    Quoted(String),
    /// `"..."`: its parts, never split or globbed.
    Double(Vec<Part>),
    /// `$NAME`, `$?`, `$1`.
    Var(String),
    /// `${...}` (the text between the braces).
    Param(String),
    /// `$(...)` or backticks.
    CommandSub(List),
    /// `$((...))`.
    Arith(String),
}
