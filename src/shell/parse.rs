//! Parsing a shell input: the scanner ([`super::scan`]) cuts heredoc bodies out first (bash
//! reads them line by line after the command line that opens them) and measures the nesting,
//! then `grammar/shell.pest` parses the rest into [`super::ast`].

use std::cell::RefCell;
use std::collections::HashMap;

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast::*;
use super::scan::{MAX_NESTING, Scanner};

#[derive(Parser)]
#[grammar = "../grammar/shell.pest"]
struct ShellParser;

/// Why an input cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// More lines are needed (open quote, heredoc, loop, trailing `|` or `\`).
    Incomplete,
    /// A syntax error, as bash words it (without the `bash: ` prefix).
    Syntax(String),
    /// A construct kubelab's shell does not have.
    Unsupported(String),
}

/// Whether more lines are needed before `src` can run (the REPL's and stdin mode's `> ` prompt).
pub fn incomplete(src: &str) -> bool {
    matches!(parse(src), Err(ParseError::Incomplete))
}

/// What bash says when its input ends inside `src` (an incomplete input run as it is).
pub fn eof_message(src: &str) -> String {
    match Scanner::scan(src).awaiting {
        Some(c) => format!("unexpected EOF while looking for matching `{c}'"),
        None => "syntax error: unexpected end of file".into(),
    }
}

/// Parses a complete input.
pub fn parse(src: &str) -> Result<List, ParseError> {
    thread_local! {
        /// Inputs parsed lately: an input is usually looked at (`incomplete`, a lab's lint of
        /// its steps) before it runs, and labs replay the same lines in every session.
        static SEEN: RefCell<HashMap<String, Result<List, ParseError>>> =
            RefCell::new(HashMap::new());
    }
    remembered(&SEEN, src, |s| parse_uncached(s, false))
}

/// What a shell that cannot run background jobs says of `&` (nothing of the input runs).
pub const NO_JOBS: &str =
    "background jobs (`&`) here: only a container's main process and its shells run them";

/// Parses a complete input of a shell that runs background jobs (`a &`): a container's main
/// process ([`parse`] refuses them).
pub fn parse_jobs(src: &str) -> Result<List, ParseError> {
    thread_local! {
        static SEEN: RefCell<HashMap<String, Result<List, ParseError>>> =
            RefCell::new(HashMap::new());
    }
    remembered(&SEEN, src, |s| parse_uncached(s, true))
}

/// Parses the word of `${x:-word}` (or the text of `$(( ))`) on its own: its quotes and
/// expansions as in any word, every other character as it is.
pub fn parse_word(src: &str) -> Result<Word, ParseError> {
    thread_local! {
        static SEEN: RefCell<HashMap<String, Result<Word, ParseError>>> =
            RefCell::new(HashMap::new());
    }
    remembered(&SEEN, src, parse_word_uncached)
}

type Memo<T> = RefCell<HashMap<String, Result<T, ParseError>>>;

/// A small per-thread memo of parses of short texts.
fn remembered<T: Clone>(
    seen: &'static std::thread::LocalKey<Memo<T>>,
    src: &str,
    f: fn(&str) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    const KEEP: usize = 512;
    if let Some(hit) = seen.with_borrow(|seen| seen.get(src).cloned()) {
        return hit;
    }
    let result = f(src);
    if src.len() <= 4096 {
        seen.with_borrow_mut(|seen| {
            if seen.len() >= KEEP {
                seen.clear();
            }
            seen.insert(src.to_string(), result.clone());
        });
    }
    result
}

/// The message for input nested past [`MAX_NESTING`].
fn too_deep() -> ParseError {
    ParseError::Unsupported(format!("nesting deeper than {MAX_NESTING} levels"))
}

fn parse_uncached(src: &str, jobs: bool) -> Result<List, ParseError> {
    let scanned = Scanner::scan(src);
    if scanned.depth > MAX_NESTING {
        return Err(too_deep());
    }
    if scanned.incomplete {
        return Err(ParseError::Incomplete);
    }
    let mut text = scanned.text;
    if !text.ends_with('\n') {
        // A line typed or read always ends in a newline; so does the last one of a script.
        text.push('\n');
    }
    let mut pairs = match ShellParser::parse(Rule::program, &text) {
        Ok(p) => p,
        Err(e) => return Err(explain(&text, e)),
    };
    let program = pairs.next().expect("program");
    let mut b = Builder {
        bodies: scanned.bodies.into_iter(),
        jobs,
        unsupported: None,
        body_lines: 0,
        newlines: text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect(),
    };
    let mut list = List::default();
    for p in program.into_inner() {
        if p.as_rule() == Rule::list {
            list = b.list(p);
        }
    }
    match b.unsupported {
        Some(what) => Err(ParseError::Unsupported(what)),
        None => Ok(list),
    }
}

fn parse_word_uncached(src: &str) -> Result<Word, ParseError> {
    let mut pairs = match ShellParser::parse(Rule::param_word, src) {
        Ok(p) => p,
        Err(e) => return Err(explain(src, e)),
    };
    let mut b = Builder {
        bodies: Vec::new().into_iter(),
        jobs: false,
        unsupported: None,
        body_lines: 0,
        newlines: Vec::new(),
    };
    let mut parts: Vec<Part> = Vec::new();
    for x in pairs.next().expect("param_word").into_inner() {
        match (x.as_rule(), parts.last_mut()) {
            (Rule::param_char, Some(Part::Literal(s))) => s.push_str(x.as_str()),
            (Rule::param_char, _) => parts.push(Part::Literal(x.as_str().to_string())),
            (Rule::EOI, _) => {}
            _ => parts.push(b.part(x)),
        }
    }
    match b.unsupported {
        Some(what) => Err(ParseError::Unsupported(what)),
        None => Ok(Word(parts)),
    }
}

/// Where the first input of a script ends (see `first_input` in the grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FirstInput {
    /// It is complete at this byte of the text.
    Complete(usize),
    /// A syntax error at this byte.
    Error(usize),
    /// The text ends before the input does.
    Incomplete,
}

/// Reads the first input of `text` (scanned, heredoc bodies cut out).
pub(crate) fn first_input(text: &str) -> FirstInput {
    match ShellParser::parse(Rule::first_input, text) {
        Ok(mut pairs) => FirstInput::Complete(pairs.next().map_or(0, |p| p.as_span().end())),
        Err(e) => {
            let pos = error_pos(&e);
            if matches!(e.variant, pest::error::ErrorVariant::ParsingError { .. })
                && at_end(&text[pos.min(text.len())..])
            {
                FirstInput::Incomplete
            } else {
                FirstInput::Error(pos)
            }
        }
    }
}

fn error_pos(e: &pest::error::Error<Rule>) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

/// Whether a parse that stopped before `rest` stopped because the input ended: only blanks
/// follow (a newline there is what was unexpected, as bash reports it).
fn at_end(rest: &str) -> bool {
    rest.bytes().all(|c| c == b' ' || c == b'\t')
}

fn explain(text: &str, e: pest::error::Error<Rule>) -> ParseError {
    let pos = error_pos(&e).min(text.len());
    if let pest::error::ErrorVariant::CustomError { .. } = e.variant {
        // The parser's own stack guard: only nesting can get there.
        return too_deep();
    }
    let rest = &text[pos..];
    if at_end(rest) {
        return ParseError::Incomplete;
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    if ShellParser::parse(Rule::unsupported, rest).is_ok() {
        let what = if rest.starts_with("select") {
            "`select` loops"
        } else if rest.starts_with("[[") {
            "`[[ ... ]]` tests (use `[ ... ]`)"
        } else {
            "`(( ... ))` arithmetic commands (use `$(( ... ))`)"
        };
        return ParseError::Unsupported(what.into());
    }
    if rest.starts_with('&') && text[..pos].ends_with(';') {
        return ParseError::Unsupported("bash's `;&` and `;;&` case terminators".into());
    }
    let token = first_token(rest);
    ParseError::Syntax(format!("syntax error near unexpected token `{token}'"))
}

fn first_token(rest: &str) -> String {
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        return "newline".into();
    }
    for op in [
        ";;", "&&", "||", ">>", "<<", "&>", ";", "|", "&", "(", ")", ">", "<",
    ] {
        if rest.starts_with(op) {
            return op.into();
        }
    }
    rest.split(|c: char| c.is_whitespace() || ";|&()<>".contains(c))
        .next()
        .unwrap_or("")
        .to_string()
}

/// Builds the syntax tree from the parse, taking heredoc bodies in order.
struct Builder {
    bodies: std::vec::IntoIter<Heredoc>,
    /// Whether `&` runs background jobs (else the input is refused, [`NO_JOBS`]).
    jobs: bool,
    /// A construct met that kubelab does not run (a function definition).
    unsupported: Option<String>,
    /// Lines of the heredoc bodies taken so far (cut out of the text the grammar sees), to
    /// number commands as the source has them.
    body_lines: usize,
    /// Where the text's newlines are (a command's line is found by a binary search).
    newlines: Vec<usize>,
}

impl Builder {
    fn list(&mut self, p: Pair<'_, Rule>) -> List {
        let mut list: Vec<AndOr> = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::and_or => list.push(self.and_or(x)),
                Rule::amp => {
                    if let Some(last) = list.last_mut() {
                        last.background = true;
                    }
                    if !self.jobs && self.unsupported.is_none() {
                        self.unsupported = Some(NO_JOBS.into());
                    }
                }
                _ => {}
            }
        }
        List(list)
    }

    fn and_or(&mut self, p: Pair<'_, Rule>) -> AndOr {
        let mut inner = p.into_inner();
        let first = self.pipeline(inner.next().expect("pipeline"));
        let mut rest = Vec::new();
        while let Some(op) = inner.next() {
            let and = op.as_str() == "&&";
            let pl = self.pipeline(inner.next().expect("pipeline"));
            rest.push((and, pl));
        }
        AndOr {
            first,
            rest,
            background: false,
        }
    }

    fn pipeline(&mut self, p: Pair<'_, Rule>) -> Pipeline {
        let mut bang = false;
        let mut commands = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::bang => bang = true,
                Rule::command => commands.push(self.command(x)),
                _ => {}
            }
        }
        Pipeline { bang, commands }
    }

    fn command(&mut self, p: Pair<'_, Rule>) -> Command {
        let mut inner = p.into_inner();
        let first = inner.next().expect("command");
        match first.as_rule() {
            Rule::simple => return Command::Simple(self.simple(first)),
            Rule::function_def | Rule::function_kw => return self.function(first),
            _ => {}
        }
        let compound = self.compound(first);
        let redirects = inner
            .filter(|x| x.as_rule() == Rule::redirect)
            .map(|x| self.redirect(x))
            .collect();
        Command::Compound(compound, redirects)
    }

    /// `NAME() BODY` or `function NAME [()] BODY`.
    fn function(&mut self, p: Pair<'_, Rule>) -> Command {
        let keyword = p.as_rule() == Rule::function_kw;
        let mut name = String::new();
        let mut compound = None;
        let mut redirects = Vec::new();
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::word if name.is_empty() => name = x.as_str().to_string(),
                Rule::redirect => redirects.push(self.redirect(x)),
                Rule::kw_function | Rule::rparen | Rule::word => {}
                _ => compound = Some(self.compound(x)),
            }
        }
        Command::Function(Function {
            name,
            body: std::sync::Arc::new(Command::Compound(
                compound.unwrap_or(Compound::Group(List::default())),
                redirects,
            )),
            keyword,
        })
    }

    fn lists(&mut self, p: Pair<'_, Rule>) -> Vec<List> {
        p.into_inner()
            .filter(|x| x.as_rule() == Rule::list)
            .map(|x| self.list(x))
            .collect()
    }

    fn compound(&mut self, p: Pair<'_, Rule>) -> Compound {
        match p.as_rule() {
            Rule::while_loop | Rule::until_loop => {
                let until = p.as_rule() == Rule::until_loop;
                let mut l = self.lists(p).into_iter();
                Compound::While {
                    cond: l.next().unwrap_or_default(),
                    body: l.next().unwrap_or_default(),
                    until,
                }
            }
            Rule::for_loop => {
                let mut var = String::new();
                let mut words: Option<Vec<Word>> = None;
                let mut body = List::default();
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::for_var => var = x.as_str().to_string(),
                        Rule::kw_in => words = Some(Vec::new()),
                        Rule::word => {
                            let w = self.word(x);
                            words.get_or_insert_with(Vec::new).push(w);
                        }
                        Rule::list => body = self.list(x),
                        _ => {}
                    }
                }
                Compound::For { var, words, body }
            }
            Rule::if_clause => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                let mut pending: Vec<List> = Vec::new();
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::list => pending.push(self.list(x)),
                        Rule::elif_part => {
                            let mut l = self.lists(x).into_iter();
                            branches
                                .push((l.next().unwrap_or_default(), l.next().unwrap_or_default()));
                        }
                        Rule::else_part => otherwise = self.lists(x).into_iter().next(),
                        _ => {}
                    }
                    if pending.len() == 2 {
                        let body = pending.pop().unwrap_or_default();
                        let cond = pending.pop().unwrap_or_default();
                        branches.insert(0, (cond, body));
                    }
                }
                Compound::If {
                    branches,
                    otherwise,
                }
            }
            Rule::case_clause => {
                let mut word = Word::default();
                let mut items = Vec::new();
                for x in p.into_inner() {
                    match x.as_rule() {
                        Rule::word => word = self.word(x),
                        Rule::case_item => {
                            let mut item = CaseItem {
                                patterns: Vec::new(),
                                body: List::default(),
                            };
                            for y in x.into_inner() {
                                match y.as_rule() {
                                    Rule::word => item.patterns.push(self.word(y)),
                                    Rule::list => item.body = self.list(y),
                                    _ => {}
                                }
                            }
                            items.push(item);
                        }
                        _ => {}
                    }
                }
                Compound::Case { word, items }
            }
            Rule::brace_group => {
                Compound::Group(self.lists(p).into_iter().next().unwrap_or_default())
            }
            _ => Compound::Subshell(self.lists(p).into_iter().next().unwrap_or_default()),
        }
    }

    fn simple(&mut self, p: Pair<'_, Rule>) -> Simple {
        let mut s = Simple {
            line: self.newlines.partition_point(|&n| n < p.as_span().start()) + 1 + self.body_lines,
            ..Simple::default()
        };
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::assignment => {
                    let mut inner = x.into_inner();
                    let name = inner
                        .next()
                        .map(|n| n.as_str().to_string())
                        .unwrap_or_default();
                    let value = inner.next().map(|w| self.word(w)).unwrap_or_default();
                    s.assignments.push((name, value));
                }
                Rule::redirect => s.redirects.push(self.redirect(x)),
                Rule::word => s.words.push(self.word(x)),
                _ => {}
            }
        }
        s
    }

    fn redirect(&mut self, p: Pair<'_, Rule>) -> Redirect {
        let mut fd = None;
        let mut op = RedirOp::Out;
        let mut target = Word::default();
        let mut heredoc = None;
        for x in p.into_inner() {
            match x.as_rule() {
                Rule::fd => fd = x.as_str().parse().ok(),
                Rule::redir_op => {
                    op = match x.as_str() {
                        ">>" => RedirOp::Append,
                        "<" => RedirOp::In,
                        ">&" => RedirOp::DupOut,
                        "<&" => RedirOp::DupIn,
                        "&>" => RedirOp::OutErr,
                        "&>>" => RedirOp::AppendErr,
                        "<<" | "<<-" => RedirOp::HereDoc,
                        "<<<" => RedirOp::HereString,
                        _ => RedirOp::Out,
                    }
                }
                Rule::heredoc_word => {
                    heredoc = self.bodies.next();
                    if let Some(h) = &heredoc {
                        // The body's lines and its delimiter's.
                        self.body_lines += h.body.lines().count() + 1;
                    }
                }
                Rule::word => target = self.word(x),
                _ => {}
            }
        }
        Redirect {
            fd,
            op,
            target,
            heredoc,
        }
    }

    fn word(&mut self, p: Pair<'_, Rule>) -> Word {
        Word(p.into_inner().map(|x| self.part(x)).collect())
    }

    fn part(&mut self, x: Pair<'_, Rule>) -> Part {
        let inner_text = |x: Pair<'_, Rule>| {
            x.into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default()
        };
        match x.as_rule() {
            Rule::single_quoted => Part::Quoted(inner_text(x)),
            Rule::ansi_c => Part::Quoted(ansi_c(&inner_text(x))),
            Rule::double_quoted => Part::Double(x.into_inner().map(|y| self.part(y)).collect()),
            Rule::dq_escape => Part::Quoted(match &x.as_str()[1..] {
                "\n" | "\r\n" => String::new(),
                s => s.to_string(),
            }),
            Rule::dq_text => Part::Quoted(x.as_str().to_string()),
            Rule::arith => Part::Arith(inner_text(x)),
            Rule::cmd_sub => Part::CommandSub(
                x.into_inner()
                    .find(|l| l.as_rule() == Rule::list)
                    .map(|l| self.list(l))
                    .unwrap_or_default(),
            ),
            Rule::backtick => {
                let text = inner_text(x);
                let list = if self.jobs {
                    parse_jobs(&text)
                } else {
                    parse(&text)
                };
                if let Err(ParseError::Unsupported(what)) = &list
                    && what == NO_JOBS
                    && self.unsupported.is_none()
                {
                    self.unsupported = Some(what.clone());
                }
                Part::CommandSub(list.unwrap_or_default())
            }
            Rule::param => Part::Param(inner_text(x)),
            Rule::var => Part::Var(x.as_str()[1..].to_string()),
            Rule::escaped => Part::Quoted(x.as_str()[1..].to_string()),
            _ => Part::Literal(x.as_str().to_string()),
        }
    }
}

fn ansi_c(s: &str) -> String {
    // `$'...'` also takes `\'` and `\"`.
    super::escape::unescape(&s.replace("\\'", "'").replace("\\\"", "\"")).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Remembered parses answer exactly what parsing again would, input by input.
    #[test]
    fn remembered_parses_equal_fresh_ones() {
        let inputs = [
            "kubectl get pods",
            "cat <<EOF\na\n",
            "echo 'open",
            "kubectl get pods | grep web",
            "case x in",
        ];
        for _ in 0..2 {
            for i in inputs {
                assert_eq!(parse(i), parse_uncached(i, false), "{i}");
            }
        }
        assert_ne!(parse("kubectl get pods"), parse("kubectl get nodes"));
    }

    #[test]
    fn heredocs_pipes_and_loops() {
        let l = parse("cat <<'EOF' | kubectl apply -f -\na: $x\nEOF\necho done").unwrap();
        assert_eq!(l.0.len(), 2);
        let Command::Simple(s) = &l.0[0].first.commands[0] else {
            panic!()
        };
        assert_eq!(s.redirects[0].heredoc.as_ref().unwrap().body, "a: $x\n");
        assert!(parse("while true; do echo x; sleep 1; done").is_ok());
        assert!(parse("for i in 1 2 3; do echo $i; done").is_ok());
        assert!(parse("if [ -f x ]; then echo y; else echo n; fi").is_ok());
        assert_eq!(parse("echo 'abc"), Err(ParseError::Incomplete));
        assert_eq!(parse("cat <<EOF\nabc"), Err(ParseError::Incomplete));
        assert_eq!(parse("kubectl get pods |"), Err(ParseError::Incomplete));
        assert_eq!(parse("echo a \\"), Err(ParseError::Incomplete));
        assert_eq!(parse("while true; do"), Err(ParseError::Incomplete));
        assert_eq!(
            parse("echo a )"),
            Err(ParseError::Syntax(
                "syntax error near unexpected token `)'".into()
            ))
        );
        assert!(parse("echo \"$(kubectl get pods -o name)\" # comment").is_ok());
        assert!(parse("kubectl get deploy x -o jsonpath='{.metadata.annotations.image\\.openshift\\.io/triggers}'").is_ok());
    }

    /// Syntax errors on the line where bash reports them, in bash's words (checked against
    /// `bash -i`, 5.2).
    #[test]
    fn syntax_errors_are_bashs() {
        let near = |t: &str| {
            Err(ParseError::Syntax(format!(
                "syntax error near unexpected token `{t}'"
            )))
        };
        for (input, token) in [
            ("echo (", "newline"),
            ("echo ( foo", "foo"),
            ("echo (;", ";"),
            ("echo (|", "|"),
            ("x=1 (", "("),
            ("x=1 echo (", "("),
            ("echo a b (", "("),
            ("echo ((", "("),
            ("! echo (", "newline"),
            ("true && echo (", "newline"),
            ("{ echo (; }", ";"),
            ("echo (\"a\")", "\"a\""),
            ("echo a;; echo b", ";;"),
            ("; echo a", ";"),
            ("echo a; ;", ";"),
            ("while; do echo; done", ";"),
            ("echo >", "newline"),
            ("cat <<", "newline"),
            ("f() echo", "echo"),
            ("echo a ) b", ")"),
        ] {
            assert_eq!(parse(input), near(token), "{input}");
        }
        let unsupported = |w: &str| Err(ParseError::Unsupported(w.into()));
        assert!(parse("f() { :; }").is_ok());
        assert!(parse("f ( )\n{\necho\n}").is_ok());
        assert!(parse("function f { :; }").is_ok());
        assert_eq!(parse("case x in"), Err(ParseError::Incomplete));
        assert_eq!(parse("case x in a) echo"), Err(ParseError::Incomplete));
        assert_eq!(parse("case x in a) echo;; esac esac"), near("esac"));
        assert_eq!(parse("case x in a) echo;; ;; esac"), near(";;"));
        assert_eq!(
            parse("((i++))"),
            unsupported("`(( ... ))` arithmetic commands (use `$(( ... ))`)")
        );
        for ok in [
            "((echo a); echo b)",
            "echo $((1<<3))",
            "cat <<< hi",
            "echo a;",
            "\n\n",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for open in [
            "echo ${",
            "echo $((",
            "f() {",
            "echo $(",
            "echo `",
            "x=\"$(echo '",
        ] {
            assert_eq!(parse(open), Err(ParseError::Incomplete), "{open}");
        }
        assert_eq!(
            eof_message("echo \"$(echo '"),
            "unexpected EOF while looking for matching `''"
        );
        assert_eq!(
            eof_message("echo $((1+(2)"),
            "unexpected EOF while looking for matching `)'"
        );
        assert_eq!(
            eof_message("echo ${x:-\""),
            "unexpected EOF while looking for matching `\"'"
        );
        assert_eq!(
            eof_message("if true"),
            "syntax error: unexpected end of file"
        );
    }
}
