//! POSIX regular expressions (basic and extended, with GNU's extensions) for `grep` and `sed`.
//!
//! A pattern is translated into the `regex` crate's syntax, which matches in linear time. Only a
//! pattern with back-references (`\(a\)\1`, `(a)\1`), which no linear engine can match, goes to
//! `fancy-regex`'s backtracking engine, with a step limit: a line that needs more steps than
//! [`BACKTRACK_LIMIT`] stops the command with [`Exhausted`] instead of running for ever.
//!
//! Matches are POSIX's leftmost-longest, as GNU's matchers find them: the regex crate finds
//! where the leftmost match starts (the same for every semantics), then a lazy DFA of the same
//! pattern, anchored there and reporting every match state, finds where the longest match ends
//! (`a|ab` on `ab` is `ab`, where Perl's leftmost-first gives `a`). Groups within that span are
//! the leftmost-first engine's. Back-reference patterns stay leftmost-first.

/// Backtracking steps one search may take before it gives up.
pub(crate) const BACKTRACK_LIMIT: usize = 1_000_000;

/// The largest repetition count POSIX allows (`RE_DUP_MAX`).
const DUP_MAX: u32 = 32_767;

/// Which POSIX syntax a pattern is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    /// BRE (`grep`, `sed`): `\(`, `\{`, `\|`, `\+`, `\?` are operators.
    Basic,
    /// ERE (`grep -E`, `sed -E`): `(`, `{`, `|`, `+`, `?` are operators.
    Extended,
}

/// A pattern translated into the `regex` crate's syntax.
#[derive(Debug, Clone)]
pub(crate) struct Translated {
    /// The pattern in Rust syntax.
    pub rust: String,
    /// Capturing groups it has.
    pub groups: usize,
    /// Whether it uses back-references (and so needs the backtracking engine).
    pub backrefs: bool,
    /// GNU grep's warnings (`* at start of expression`).
    pub warnings: Vec<String>,
}

/// A search that took more than [`BACKTRACK_LIMIT`] steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exhausted;

impl Exhausted {
    /// What kubelab says when a command stops on it.
    pub(crate) fn message(cmd: &str) -> String {
        format!(
            "kubelab: {cmd}: a back-reference pattern needed more than {BACKTRACK_LIMIT} backtracking steps on one line; kubelab stops there\n"
        )
    }
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub(crate) enum Pattern {
    Linear(Box<Linear>),
    Backtrack(fancy_regex::Regex),
}

/// A pattern without back-references: linear-time engines for each question.
#[derive(Debug, Clone)]
pub(crate) struct Linear {
    /// Leftmost-first: whether and where a match starts, and groups.
    first: regex::Regex,
    /// The same pattern wrapped as `^(?:...)$`, for groups of a span the first engine ends
    /// elsewhere.
    whole: regex::Regex,
    /// Every match state (`MatchKind::All`): an anchored search ends at the longest match.
    longest: regex_automata::hybrid::dfa::DFA,
    cache: std::cell::RefCell<regex_automata::hybrid::dfa::Cache>,
}

impl Linear {
    fn build(rust: &str, icase: bool) -> Option<Linear> {
        use regex_automata::hybrid::dfa::DFA;
        use regex_automata::util::syntax;
        let first = regex::RegexBuilder::new(rust)
            .case_insensitive(icase)
            .size_limit(1 << 20)
            .build()
            .ok()?;
        let whole = regex::RegexBuilder::new(&format!("^(?:{rust})$"))
            .case_insensitive(icase)
            .size_limit(1 << 20)
            .build()
            .ok()?;
        let longest = DFA::builder()
            .syntax(syntax::Config::new().case_insensitive(icase))
            .configure(
                DFA::config()
                    .match_kind(regex_automata::MatchKind::All)
                    .cache_capacity(2 << 20),
            )
            .thompson(regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(1 << 20)))
            .build(rust)
            .ok()?;
        let cache = std::cell::RefCell::new(longest.create_cache());
        Some(Linear {
            first,
            whole,
            longest,
            cache,
        })
    }

    /// Capturing groups, the whole match not counted.
    pub(crate) fn groups(&self) -> usize {
        self.first.captures_len() - 1
    }

    /// Where the longest match starting at `start` ends.
    fn longest_end(&self, text: &str, start: usize) -> Option<usize> {
        let input = regex_automata::Input::new(text)
            .range(start..)
            .anchored(regex_automata::Anchored::Yes);
        let mut cache = self.cache.borrow_mut();
        self.longest
            .try_search_fwd(&mut cache, &input)
            .ok()
            .flatten()
            .map(|m| m.offset())
    }

    /// The leftmost-longest matches, without overlap, at most `limit`.
    fn matches(&self, text: &str, limit: usize, out: &mut Vec<Groups>) {
        let mut at = 0;
        let mut last_end = None;
        let mut locs = self.first.capture_locations();
        while out.len() < limit && at <= text.len() {
            let Some(m) = self.first.captures_read_at(&mut locs, text, at) else {
                break;
            };
            let (s, e) = (m.start(), m.end());
            if s == e && last_end == Some(s) {
                // No empty match right where the previous match ended (GNU's rule too).
                match text[s..].chars().next() {
                    Some(c) => {
                        at = s + c.len_utf8();
                        continue;
                    }
                    None => break,
                }
            }
            let end = self.longest_end(text, s).filter(|l| *l > e).unwrap_or(e);
            let mut groups: Groups = (0..locs.len()).map(|i| locs.get(i)).collect();
            if end != e {
                groups = match self.whole.captures(&text[s..end]) {
                    Some(c) => c
                        .iter()
                        .map(|g| g.map(|g| (s + g.start(), s + g.end())))
                        .collect(),
                    None => {
                        let mut g = vec![None; locs.len()];
                        g[0] = Some((s, end));
                        g
                    }
                };
            }
            out.push(groups);
            last_end = Some(end);
            // The next search starts after this match (after one character for an empty one,
            // which the regex crate's iterator does too).
            at = if end > s {
                end
            } else {
                match text[end..].chars().next() {
                    Some(c) => end + c.len_utf8(),
                    None => break,
                }
            };
        }
    }
}

/// One match: the whole match and each group's span.
pub(crate) type Groups = Vec<Option<(usize, usize)>>;

impl Pattern {
    /// Compiles a translated pattern; the error is GNU's message.
    pub(crate) fn build(t: &Translated, icase: bool) -> Result<Pattern, String> {
        if t.backrefs {
            fancy_regex::RegexBuilder::new(&t.rust)
                .case_insensitive(icase)
                .backtrack_limit(BACKTRACK_LIMIT)
                .delegate_size_limit(1 << 20)
                .build()
                .map(Pattern::Backtrack)
                .map_err(|_| "Regular expression too big".to_string())
        } else {
            Linear::build(&t.rust, icase)
                .map(|l| Pattern::Linear(Box::new(l)))
                .ok_or_else(|| "Regular expression too big".to_string())
        }
    }

    /// Translates and compiles.
    #[cfg(test)]
    pub(crate) fn new(src: &str, syntax: Syntax, icase: bool) -> Result<Pattern, String> {
        Pattern::build(&translate(src, syntax, 0)?, icase)
    }

    /// Whether the pattern matches somewhere in `text`.
    pub(crate) fn is_match(&self, text: &str) -> Result<bool, Exhausted> {
        match self {
            Pattern::Linear(r) => Ok(r.first.is_match(text)),
            Pattern::Backtrack(r) => r.is_match(text).map_err(|_| Exhausted),
        }
    }

    /// The matches in `text`, left to right, without overlap, at most `limit` of them.
    pub(crate) fn matches(&self, text: &str, limit: usize) -> Result<Vec<Groups>, Exhausted> {
        let mut out = Vec::new();
        match self {
            Pattern::Linear(r) => r.matches(text, limit, &mut out),
            Pattern::Backtrack(r) => {
                for c in r.captures_iter(text).take(limit) {
                    let c = c.map_err(|_| Exhausted)?;
                    out.push(c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect());
                }
            }
        }
        Ok(out)
    }
}

/// Translates a POSIX pattern into Rust syntax. `group_offset` is added to back-reference
/// numbers (for patterns joined into one alternation). The error is GNU's message.
pub(crate) fn translate(
    src: &str,
    syntax: Syntax,
    group_offset: usize,
) -> Result<Translated, String> {
    Translator {
        chars: src.chars().collect(),
        pos: 0,
        syntax,
        out: String::new(),
        open: Vec::new(),
        groups: 0,
        closed: Vec::new(),
        backrefs: false,
        atom: None,
        quantified: false,
        warnings: Vec::new(),
        group_offset,
    }
    .run()
}

struct Translator {
    chars: Vec<char>,
    pos: usize,
    syntax: Syntax,
    out: String,
    /// Open groups: their number and where their `(` is in `out`.
    open: Vec<(usize, usize)>,
    groups: usize,
    closed: Vec<bool>,
    backrefs: bool,
    /// Where the last atom starts in `out` (None at the start of an expression).
    atom: Option<usize>,
    /// Whether the last atom already carries a repetition.
    quantified: bool,
    warnings: Vec<String>,
    group_offset: usize,
}

impl Translator {
    fn peek(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }

    fn ere(&self) -> bool {
        self.syntax == Syntax::Extended
    }

    fn literal(&mut self, c: char) {
        self.atom = Some(self.out.len());
        self.quantified = false;
        let mut b = [0u8; 4];
        self.out.push_str(&regex::escape(c.encode_utf8(&mut b)));
    }

    fn emit_atom(&mut self, s: &str) {
        self.atom = Some(self.out.len());
        self.quantified = false;
        self.out.push_str(s);
    }

    /// Starts a new expression (after `(`, `|` or at the start).
    fn expression_start(&mut self) {
        self.atom = None;
        self.quantified = false;
    }

    /// Applies a repetition operator to the last atom.
    fn repeat(&mut self, op: &str) {
        let Some(start) = self.atom else { return };
        if self.quantified {
            // POSIX `a*?` is `(a*)?`, never Rust's lazy `*?`.
            self.out.insert_str(start, "(?:");
            self.out.push(')');
        }
        self.out.push_str(op);
        self.quantified = true;
    }

    fn run(mut self) -> Result<Translated, String> {
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            match c {
                '\\' => self.escape()?,
                '[' => self.bracket()?,
                '.' => self.emit_atom("."),
                '*' => {
                    if self.atom.is_none() {
                        if self.ere() {
                            self.warnings.push("* at start of expression".into());
                        } else {
                            self.literal('*');
                        }
                    } else {
                        self.repeat("*");
                    }
                }
                '^' => {
                    if self.ere() || self.atom.is_none() && self.at_expression_start() {
                        self.out.push('^');
                        // `^*` in a BRE: the star is literal.
                        self.expression_start();
                    } else {
                        self.literal('^');
                    }
                }
                '$' => {
                    if self.ere() || self.at_expression_end() {
                        self.out.push('$');
                        self.expression_start();
                    } else {
                        self.literal('$');
                    }
                }
                '(' if self.ere() => self.open_group(),
                ')' if self.ere() => {
                    if self.open.is_empty() {
                        self.literal(')');
                    } else {
                        self.close_group();
                    }
                }
                '|' if self.ere() => self.alternation(),
                '+' | '?' if self.ere() => {
                    if self.atom.is_none() {
                        self.warnings.push(format!("{c} at start of expression"));
                    } else {
                        self.repeat(&c.to_string());
                    }
                }
                '{' if self.ere() => {
                    if self.atom.is_none() || !self.valid_interval_ahead(false) {
                        self.literal('{');
                    } else {
                        self.interval(false)?;
                    }
                }
                c => self.literal(c),
            }
        }
        if !self.open.is_empty() {
            return Err("Unmatched ( or \\(".into());
        }
        Ok(Translated {
            rust: self.out,
            groups: self.groups,
            backrefs: self.backrefs,
            warnings: self.warnings,
        })
    }

    /// Whether a BRE `^` just read (at `pos - 1`) opens an expression.
    fn at_expression_start(&self) -> bool {
        let p = self.pos - 1;
        p == 0
            || (p >= 2
                && self.chars[p - 2] == '\\'
                && matches!(self.chars[p - 1], '(' | '|')
                && (p < 3 || self.chars[p - 3] != '\\'))
    }

    /// Whether a BRE `$` just read closes an expression.
    fn at_expression_end(&self) -> bool {
        matches!(
            (self.peek(0), self.peek(1)),
            (None, _) | (Some('\\'), Some(')' | '|'))
        )
    }

    fn open_group(&mut self) {
        self.groups += 1;
        self.closed.push(false);
        self.open.push((self.groups, self.out.len()));
        self.out.push('(');
        self.expression_start();
    }

    fn close_group(&mut self) {
        let (n, at) = self.open.pop().expect("an open group");
        self.out.push(')');
        self.closed[n - 1] = true;
        self.atom = Some(at);
        self.quantified = false;
    }

    fn alternation(&mut self) {
        self.out.push('|');
        self.expression_start();
    }

    fn escape(&mut self) -> Result<(), String> {
        let Some(c) = self.peek(0) else {
            return Err("Trailing backslash".into());
        };
        self.pos += 1;
        let bre = !self.ere();
        match c {
            '(' if bre => self.open_group(),
            ')' if bre => {
                if self.open.is_empty() {
                    return Err("Unmatched ) or \\)".into());
                }
                self.close_group();
            }
            '|' if bre => self.alternation(),
            '+' | '?' if bre => {
                if self.atom.is_none() {
                    self.literal(c);
                } else {
                    self.repeat(&c.to_string());
                }
            }
            '{' if bre => {
                if self.atom.is_none() {
                    self.literal('{');
                } else {
                    self.interval(true)?;
                }
            }
            '1'..='9' => {
                let n = c as usize - '0' as usize;
                if !self.closed.get(n - 1).copied().unwrap_or(false) {
                    return Err("Invalid back reference".into());
                }
                self.backrefs = true;
                let s = format!("\\{}", n + self.group_offset);
                self.emit_atom(&s);
            }
            'w' | 'W' | 's' | 'S' => self.emit_atom(&format!("\\{c}")),
            'b' | 'B' | '<' | '>' | '`' | '\'' => {
                self.out.push_str(match c {
                    'b' => "\\b",
                    'B' => "\\B",
                    '<' => "\\b{start}",
                    '>' => "\\b{end}",
                    '`' => "\\A",
                    _ => "\\z",
                });
                self.expression_start();
            }
            'n' => self.literal('\n'),
            c => self.literal(c),
        }
        Ok(())
    }

    /// Whether `{` (just read) starts a valid ERE interval `{m}`, `{m,}`, `{,n}`, `{m,n}`.
    fn valid_interval_ahead(&self, bre: bool) -> bool {
        let rest: String = self.chars[self.pos..].iter().take(24).collect();
        let close = if bre { "\\}" } else { "}" };
        let Some(end) = rest.find(close) else {
            return false;
        };
        let body = &rest[..end];
        !body.is_empty()
            && body.chars().all(|c| c.is_ascii_digit() || c == ',')
            && body.matches(',').count() <= 1
    }

    /// Reads `m,n}` (or `m,n\}`) after the opening brace.
    fn interval(&mut self, bre: bool) -> Result<(), String> {
        let mut body = String::new();
        loop {
            match self.peek(0) {
                None => return Err("Unmatched \\{".into()),
                Some('\\') if bre && self.peek(1) == Some('}') => {
                    self.pos += 2;
                    break;
                }
                Some('}') if !bre => {
                    self.pos += 1;
                    break;
                }
                Some(c) if c.is_ascii_digit() || c == ',' => {
                    body.push(c);
                    self.pos += 1;
                }
                Some(_) => return Err("Invalid content of \\{\\}".into()),
            }
        }
        let num = |s: &str| -> Result<Option<u32>, String> {
            if s.is_empty() {
                return Ok(None);
            }
            match s.parse::<u32>() {
                Ok(n) if n <= DUP_MAX => Ok(Some(n)),
                _ => Err("Regular expression too big".into()),
            }
        };
        let (lo, hi) = match body.split_once(',') {
            None => {
                let n = num(&body)?.ok_or("Invalid content of \\{\\}")?;
                (n, Some(n))
            }
            Some((a, b)) => {
                if b.contains(',') {
                    return Err("Invalid content of \\{\\}".into());
                }
                (num(a)?.unwrap_or(0), num(b)?)
            }
        };
        if hi.is_some_and(|h| h < lo) {
            return Err("Invalid content of \\{\\}".into());
        }
        let op = match hi {
            Some(h) if h == lo => format!("{{{lo}}}"),
            Some(h) => format!("{{{lo},{h}}}"),
            None => format!("{{{lo},}}"),
        };
        self.repeat(&op);
        Ok(())
    }

    /// A bracket expression `[...]`, read after its `[`.
    fn bracket(&mut self) -> Result<(), String> {
        const UNMATCHED: &str = "Unmatched [, [^, [:, [., or [=";
        let mut class = String::from("[");
        if self.peek(0) == Some('^') {
            class.push('^');
            self.pos += 1;
        }
        let mut first = true;
        let mut prev: Option<char> = None;
        loop {
            let Some(c) = self.peek(0) else {
                // GNU: a `[` (or `[^`) that ends the pattern is not even a bracket.
                return Err(if first {
                    "Invalid regular expression".into()
                } else {
                    UNMATCHED.into()
                });
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            self.pos += 1;
            if c == '[' && matches!(self.peek(0), Some(':' | '=' | '.')) {
                let kind = self.peek(0).expect("peeked");
                self.pos += 1;
                let mut name = String::new();
                loop {
                    match (self.peek(0), self.peek(1)) {
                        (Some(k), Some(']')) if k == kind => {
                            self.pos += 2;
                            break;
                        }
                        (Some(ch), _) => {
                            name.push(ch);
                            self.pos += 1;
                        }
                        (None, _) => return Err(UNMATCHED.into()),
                    }
                }
                if kind == ':' {
                    const CLASSES: &[&str] = &[
                        "alpha", "upper", "lower", "digit", "xdigit", "space", "print", "punct",
                        "graph", "cntrl", "blank", "alnum",
                    ];
                    if !CLASSES.contains(&name.as_str()) {
                        return Err("Invalid character class name".into());
                    }
                    class.push_str(&format!("[:{name}:]"));
                    prev = None;
                } else {
                    let mut it = name.chars();
                    match (it.next(), it.next()) {
                        (Some(ch), None) => {
                            push_class_char(&mut class, ch);
                            prev = Some(ch);
                        }
                        _ => return Err("Invalid collation character".into()),
                    }
                }
                continue;
            }
            if c == '-' && prev.is_some() && self.peek(0).is_some_and(|n| n != ']') {
                let lo = prev.take().expect("checked");
                let hi = self.peek(0).expect("checked");
                self.pos += 1;
                if hi < lo {
                    return Err("Invalid range end".into());
                }
                class.push('-');
                push_class_char(&mut class, hi);
                continue;
            }
            push_class_char(&mut class, c);
            prev = Some(c);
        }
        class.push(']');
        self.emit_atom(&class);
        Ok(())
    }
}

/// A literal character inside a Rust class, escaped where Rust gives it a meaning.
fn push_class_char(class: &mut String, c: char) {
    if matches!(c, '\\' | '[' | ']' | '^' | '-' | '&' | '~') {
        class.push('\\');
    }
    class.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust(p: &str, s: Syntax) -> String {
        translate(p, s, 0).unwrap().rust
    }

    #[test]
    fn basic_and_extended_syntax() {
        use Syntax::*;
        assert_eq!(rust(r"\(a\)\1", Basic), r"(a)\1");
        assert_eq!(rust(r"a+b?c|d", Basic), r"a\+b\?c\|d");
        assert_eq!(rust(r"a\{2,3\}", Basic), "a{2,3}");
        assert_eq!(rust("*a", Basic), r"\*a");
        assert_eq!(rust("x^y$z$", Basic), r"x\^y\$z$");
        assert_eq!(rust("a{b", Extended), r"a\{b");
        assert_eq!(rust("a**", Extended), "(?:a*)*");
        assert_eq!(rust("[]a&-]", Basic), r"[\]a\&\-]");
        assert_eq!(rust(r"[\n]", Basic), r"[\\n]");
        assert_eq!(rust("[[:alpha:]_]", Basic), "[[:alpha:]_]");
        assert_eq!(rust(r"\<a\>", Basic), r"\b{start}a\b{end}");
        assert!(translate(r"\(a\)\1", Basic, 0).unwrap().backrefs);
        assert!(!translate(r"(a)", Extended, 0).unwrap().backrefs);
    }

    #[test]
    fn gnu_errors() {
        use Syntax::*;
        let e = |p, s| translate(p, s, 0).unwrap_err();
        assert_eq!(e(r"\1", Basic), "Invalid back reference");
        assert_eq!(e(r"(a)\2", Extended), "Invalid back reference");
        assert_eq!(e(r"\(a", Basic), r"Unmatched ( or \(");
        assert_eq!(e("(", Extended), r"Unmatched ( or \(");
        assert_eq!(e("[a", Basic), "Unmatched [, [^, [:, [., or [=");
        assert_eq!(e(r"a\{1,2", Basic), r"Unmatched \{");
        assert_eq!(e("a{2,1}", Extended), r"Invalid content of \{\}");
        assert_eq!(e("a{99999}", Extended), "Regular expression too big");
        assert_eq!(e("a\\", Basic), "Trailing backslash");
        assert_eq!(e("[z-a]", Basic), "Invalid range end");
        assert_eq!(e("[[:foo:]]", Basic), "Invalid character class name");
    }

    #[test]
    fn backtracking_is_bounded() {
        let p = Pattern::new(r"^\(a*\)*b\1$", Syntax::Basic, false).unwrap();
        assert_eq!(p.is_match(&"a".repeat(40)), Err(Exhausted));
        let q = Pattern::new(r"\(ab\)\1", Syntax::Basic, false).unwrap();
        assert_eq!(q.is_match("xababy"), Ok(true));
        assert_eq!(q.is_match("xaby"), Ok(false));
    }
}
