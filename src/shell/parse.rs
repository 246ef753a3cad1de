//! Parsing a shell input: heredoc bodies are cut out first (bash reads them line by line after
//! the command line that opens them), then `grammar/shell.pest` parses the rest into [`ast`].

use pest::Parser;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast::*;

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

struct Prescanned {
    text: String,
    open_quote: bool,
    bodies: Vec<Heredoc>,
    unterminated: bool,
}

/// Cuts heredoc bodies out of `src`, leaving `<<` followed by a NUL where each delimiter was.
fn prescan(src: &str) -> Prescanned {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut bodies = Vec::new();
    let mut pending: Vec<(String, bool, bool)> = Vec::new();
    let mut unterminated = false;
    let (mut sq, mut dq) = (false, false);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if sq {
            out.push(c);
            if c == '\'' {
                sq = false;
            }
            i += 1;
            continue;
        }
        match c {
            '\\' => {
                out.push(c);
                if let Some(&n) = chars.get(i + 1) {
                    out.push(n);
                }
                i += 2;
                continue;
            }
            '$' if !dq && chars.get(i + 1) == Some(&'\'') => {
                // `$'...'`: backslash escapes, including `\'`.
                out.push_str("$'");
                i += 2;
                let mut closed = false;
                while i < chars.len() {
                    let d = chars[i];
                    out.push(d);
                    i += 1;
                    if d == '\\' {
                        if let Some(&n) = chars.get(i) {
                            out.push(n);
                            i += 1;
                        }
                    } else if d == '\'' {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    sq = true;
                }
                continue;
            }
            '\'' if !dq => sq = true,
            '"' => dq = !dq,
            '#' if !dq
                && (i == 0
                    || chars[i - 1].is_whitespace()
                    || matches!(chars[i - 1], ';' | '|' | '&' | '(')) =>
            {
                while i < chars.len() && chars[i] != '\n' {
                    out.push(chars[i]);
                    i += 1;
                }
                continue;
            }
            '<' if !dq && chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                out.push_str("<<");
                i += 2;
                let strip = chars.get(i) == Some(&'-');
                if strip {
                    out.push('-');
                    i += 1;
                }
                while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                    i += 1;
                }
                let mut delim = String::new();
                let mut quoted = false;
                let mut q: Option<char> = None;
                while i < chars.len() {
                    let d = chars[i];
                    match q {
                        Some(qc) if d == qc => q = None,
                        Some(_) => delim.push(d),
                        None => {
                            if d.is_whitespace()
                                || matches!(d, ';' | '|' | '&' | '<' | '>' | '(' | ')')
                            {
                                break;
                            }
                            if d == '\'' || d == '"' {
                                q = Some(d);
                                quoted = true;
                            } else if d == '\\' {
                                quoted = true;
                                if let Some(&n) = chars.get(i + 1) {
                                    delim.push(n);
                                }
                                i += 1;
                            } else {
                                delim.push(d);
                            }
                        }
                    }
                    i += 1;
                }
                if delim.is_empty() {
                    // `<<` without a word: leave it for the parser to reject.
                    continue;
                }
                out.push('\u{0}');
                pending.push((delim, quoted, strip));
                continue;
            }
            '\n' if !dq && !pending.is_empty() => {
                out.push('\n');
                i += 1;
                for (delim, quoted, strip) in pending.drain(..) {
                    let mut body = String::new();
                    let mut found = false;
                    while i < chars.len() {
                        let start = i;
                        while i < chars.len() && chars[i] != '\n' {
                            i += 1;
                        }
                        let mut line: String = chars[start..i].iter().collect();
                        let had_newline = i < chars.len();
                        if had_newline {
                            i += 1;
                        }
                        if strip {
                            line = line.trim_start_matches('\t').to_string();
                        }
                        if line == delim {
                            found = true;
                            break;
                        }
                        body.push_str(&line);
                        body.push('\n');
                    }
                    if !found {
                        unterminated = true;
                    }
                    bodies.push(Heredoc { body, quoted });
                }
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    for (_, quoted, _) in pending.drain(..) {
        unterminated = true;
        bodies.push(Heredoc {
            body: String::new(),
            quoted,
        });
    }
    Prescanned {
        text: out,
        bodies,
        unterminated,
        open_quote: sq || dq,
    }
}

/// Whether more lines are needed before `src` can run (the REPL's and stdin mode's `> ` prompt).
pub fn incomplete(src: &str) -> bool {
    matches!(parse(src), Err(ParseError::Incomplete))
}

fn ends_with_continuation(s: &str) -> bool {
    let t = s.strip_suffix('\n').unwrap_or(s);
    let n = t.chars().rev().take_while(|c| *c == '\\').count();
    n % 2 == 1
}

/// Parses a complete input.
pub fn parse(src: &str) -> Result<List, ParseError> {
    thread_local! {
        /// Inputs parsed lately: an input is usually looked at (`incomplete`, a lab's lint of
        /// its steps) before it runs, and labs replay the same lines in every session.
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, Result<List, ParseError>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    const KEEP: usize = 512;
    if let Some(hit) = SEEN.with_borrow(|seen| seen.get(src).cloned()) {
        return hit;
    }
    let result = parse_uncached(src);
    if src.len() <= 4096 {
        SEEN.with_borrow_mut(|seen| {
            if seen.len() >= KEEP {
                seen.clear();
            }
            seen.insert(src.to_string(), result.clone());
        });
    }
    result
}

fn parse_uncached(src: &str) -> Result<List, ParseError> {
    let pre = prescan(src);
    if pre.unterminated || pre.open_quote || ends_with_continuation(&pre.text) {
        return Err(ParseError::Incomplete);
    }
    let mut pairs = match ShellParser::parse(Rule::program, &pre.text) {
        Ok(p) => p,
        Err(e) => return Err(explain(&pre.text, e)),
    };
    let program = pairs.next().expect("program");
    let mut bodies = pre.bodies.into_iter();
    let mut list = List::default();
    for p in program.into_inner() {
        if p.as_rule() == Rule::list {
            list = build_list(p, &mut bodies);
        }
    }
    Ok(list)
}

fn explain(text: &str, e: pest::error::Error<Rule>) -> ParseError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let rest = &text[pos.min(text.len())..];
    if rest.trim().is_empty() {
        return ParseError::Incomplete;
    }
    let rest = rest.trim_start_matches([' ', '\t']);
    for kw in ["case", "function", "select", "[[", "(("] {
        if rest.starts_with(kw) {
            return ParseError::Unsupported(match kw {
                "case" => "`case` statements".into(),
                "function" => "shell functions".into(),
                "select" => "`select` loops".into(),
                "[[" => "`[[ ... ]]` tests (use `[ ... ]`)".into(),
                _ => "`(( ... ))` arithmetic commands (use `$(( ... ))`)".into(),
            });
        }
    }
    if rest.starts_with("()") || rest.starts_with("( )") {
        return ParseError::Unsupported("shell functions".into());
    }
    if rest.starts_with('&') && !rest.starts_with("&&") && !rest.starts_with("&>") {
        return ParseError::Unsupported("background jobs (`&`)".into());
    }
    let token = first_token(rest);
    ParseError::Syntax(format!("syntax error near unexpected token `{token}'"))
}

fn first_token(rest: &str) -> String {
    if rest.starts_with('\n') {
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

type Bodies = std::vec::IntoIter<Heredoc>;

fn build_list(p: Pair<'_, Rule>, bodies: &mut Bodies) -> List {
    List(
        p.into_inner()
            .filter(|x| x.as_rule() == Rule::and_or)
            .map(|x| build_and_or(x, bodies))
            .collect(),
    )
}

fn build_and_or(p: Pair<'_, Rule>, bodies: &mut Bodies) -> AndOr {
    let mut inner = p.into_inner();
    let first = build_pipeline(inner.next().expect("pipeline"), bodies);
    let mut rest = Vec::new();
    while let Some(op) = inner.next() {
        let and = op.as_str() == "&&";
        let pl = build_pipeline(inner.next().expect("pipeline"), bodies);
        rest.push((and, pl));
    }
    AndOr { first, rest }
}

fn build_pipeline(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Pipeline {
    let mut bang = false;
    let mut commands = Vec::new();
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::bang => bang = true,
            Rule::command => commands.push(build_command(x, bodies)),
            _ => {}
        }
    }
    Pipeline { bang, commands }
}

fn build_command(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Command {
    let mut inner = p.into_inner();
    let first = inner.next().expect("command");
    if first.as_rule() == Rule::simple {
        return Command::Simple(build_simple(first, bodies));
    }
    let compound = build_compound(first, bodies);
    let redirects = inner
        .filter(|x| x.as_rule() == Rule::redirect)
        .map(|x| build_redirect(x, bodies))
        .collect();
    Command::Compound(compound, redirects)
}

fn lists(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Vec<List> {
    p.into_inner()
        .filter(|x| x.as_rule() == Rule::list)
        .map(|x| build_list(x, bodies))
        .collect()
}

fn build_compound(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Compound {
    match p.as_rule() {
        Rule::while_loop | Rule::until_loop => {
            let until = p.as_rule() == Rule::until_loop;
            let mut l = lists(p, bodies).into_iter();
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
                    Rule::name => var = x.as_str().to_string(),
                    Rule::kw_in => words = Some(Vec::new()),
                    Rule::word => words
                        .get_or_insert_with(Vec::new)
                        .push(build_word(x, bodies)),
                    Rule::list => body = build_list(x, bodies),
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
                    Rule::list => pending.push(build_list(x, bodies)),
                    Rule::elif_part => {
                        let mut l = lists(x, bodies).into_iter();
                        branches.push((l.next().unwrap_or_default(), l.next().unwrap_or_default()));
                    }
                    Rule::else_part => otherwise = lists(x, bodies).into_iter().next(),
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
        Rule::brace_group => {
            Compound::Group(lists(p, bodies).into_iter().next().unwrap_or_default())
        }
        _ => Compound::Subshell(lists(p, bodies).into_iter().next().unwrap_or_default()),
    }
}

fn build_simple(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Simple {
    let mut s = Simple::default();
    for x in p.into_inner() {
        match x.as_rule() {
            Rule::assignment => {
                let mut inner = x.into_inner();
                let name = inner
                    .next()
                    .map(|n| n.as_str().to_string())
                    .unwrap_or_default();
                let value = inner
                    .next()
                    .map(|w| build_word(w, bodies))
                    .unwrap_or_default();
                s.assignments.push((name, value));
            }
            Rule::redirect => s.redirects.push(build_redirect(x, bodies)),
            Rule::word => s.words.push(build_word(x, bodies)),
            _ => {}
        }
    }
    s
}

fn build_redirect(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Redirect {
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
            Rule::heredoc_word => heredoc = bodies.next(),
            Rule::word => target = build_word(x, bodies),
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

fn build_word(p: Pair<'_, Rule>, bodies: &mut Bodies) -> Word {
    Word(p.into_inner().map(|x| build_part(x, bodies)).collect())
}

fn build_part(x: Pair<'_, Rule>, bodies: &mut Bodies) -> Part {
    match x.as_rule() {
        Rule::single_quoted => Part::Quoted(
            x.into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        ),
        Rule::ansi_c => Part::Quoted(ansi_c(
            x.into_inner()
                .next()
                .map(|t| t.as_str())
                .unwrap_or_default(),
        )),
        Rule::double_quoted => {
            Part::Double(x.into_inner().map(|y| build_part(y, bodies)).collect())
        }
        Rule::dq_escape => Part::Quoted(match &x.as_str()[1..] {
            "\n" | "\r\n" => String::new(),
            s => s.to_string(),
        }),
        Rule::dq_text => Part::Quoted(x.as_str().to_string()),
        Rule::arith => Part::Arith(
            x.into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        ),
        Rule::cmd_sub => Part::CommandSub(
            x.into_inner()
                .next()
                .map(|l| build_list(l, bodies))
                .unwrap_or_default(),
        ),
        Rule::backtick => {
            let text = x
                .into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            Part::CommandSub(parse(&text).unwrap_or_default())
        }
        Rule::param => Part::Param(
            x.into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        ),
        Rule::var => Part::Var(x.as_str()[1..].to_string()),
        Rule::escaped => Part::Quoted(x.as_str()[1..].to_string()),
        _ => Part::Literal(x.as_str().to_string()),
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
                assert_eq!(parse(i), parse_uncached(i), "{i}");
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
}
