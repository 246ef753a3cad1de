//! Shell patterns, as bash matches them in pathname expansion, `${x#pat}`, `${x%pat}` and
//! `${x/pat/rep}`: `*`, `?`, `[...]` (ranges, `[!...]`/`[^...]`, `[:class:]`, a `]` first is
//! literal, no closing `]` makes `[` literal) and `\x`.
//!
//! A pattern is a row of one-character matchers and stars, run as a set of positions (one bit
//! each) over the text: every character costs a few word operations, whatever the pattern,
//! so `*a*a*a*a*b` against a long run of `a`s takes linear time instead of backtracking.
//! Long matches are metered ([`Meter`]): they stop on Ctrl-C or past a step budget.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// One element of a pattern.
#[derive(Clone, Debug, PartialEq)]
enum Elem {
    /// A character.
    Char(char),
    /// `?`.
    Any,
    /// `*` (consecutive stars are one).
    Star,
    /// `[...]`.
    Class { negate: bool, items: Vec<Item> },
}

#[derive(Clone, Debug, PartialEq)]
enum Item {
    Char(char),
    Range(char, char),
    Named(NamedClass),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum NamedClass {
    Alnum,
    Alpha,
    Blank,
    Cntrl,
    Digit,
    Graph,
    Lower,
    Print,
    Punct,
    Space,
    Upper,
    Xdigit,
}

impl NamedClass {
    fn from_name(s: &str) -> Option<NamedClass> {
        Some(match s {
            "alnum" => NamedClass::Alnum,
            "alpha" => NamedClass::Alpha,
            "blank" => NamedClass::Blank,
            "cntrl" => NamedClass::Cntrl,
            "digit" => NamedClass::Digit,
            "graph" => NamedClass::Graph,
            "lower" => NamedClass::Lower,
            "print" => NamedClass::Print,
            "punct" => NamedClass::Punct,
            "space" => NamedClass::Space,
            "upper" => NamedClass::Upper,
            "xdigit" => NamedClass::Xdigit,
            _ => return None,
        })
    }

    fn has(self, c: char) -> bool {
        match self {
            NamedClass::Alnum => c.is_alphanumeric(),
            NamedClass::Alpha => c.is_alphabetic(),
            NamedClass::Blank => c == ' ' || c == '\t',
            NamedClass::Cntrl => c.is_control(),
            NamedClass::Digit => c.is_ascii_digit(),
            NamedClass::Graph => !c.is_control() && !c.is_whitespace(),
            NamedClass::Lower => c.is_lowercase(),
            NamedClass::Print => !c.is_control(),
            NamedClass::Punct => c.is_ascii_punctuation(),
            NamedClass::Space => c.is_whitespace(),
            NamedClass::Upper => c.is_uppercase(),
            NamedClass::Xdigit => c.is_ascii_hexdigit(),
        }
    }
}

impl Elem {
    /// Whether this one-character element takes `c` (never for a star).
    fn takes(&self, c: char) -> bool {
        match self {
            Elem::Char(x) => *x == c,
            Elem::Any => true,
            Elem::Star => false,
            Elem::Class { negate, items } => {
                let hit = items.iter().any(|it| match it {
                    Item::Char(x) => *x == c,
                    Item::Range(a, b) => *a <= c && c <= *b,
                    Item::Named(n) => n.has(c),
                });
                hit != *negate
            }
        }
    }
}

/// Why matching stopped before its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Halt {
    /// Ctrl-C.
    Interrupted,
    /// More steps than the budget.
    Budget(u64),
}

/// Counts matching work; stops it on Ctrl-C or past its budget.
pub struct Meter {
    steps: u64,
    limit: u64,
    interrupt: Option<Arc<AtomicBool>>,
}

impl Meter {
    /// A meter of `limit` steps (a step is one character against up to 64 pattern elements).
    pub fn new(limit: u64, interrupt: Option<Arc<AtomicBool>>) -> Meter {
        Meter {
            steps: 0,
            limit,
            interrupt,
        }
    }

    /// A meter without limit (tests).
    #[cfg(test)]
    pub fn unlimited() -> Meter {
        Meter::new(u64::MAX, None)
    }

    fn tick(&mut self, n: u64) -> Result<(), Halt> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n);
        if self.steps > self.limit {
            return Err(Halt::Budget(self.limit));
        }
        // The flag is looked at every 64K steps.
        if before >> 16 != self.steps >> 16
            && self
                .interrupt
                .as_ref()
                .is_some_and(|f| f.load(Ordering::SeqCst))
        {
            return Err(Halt::Interrupted);
        }
        Ok(())
    }
}

/// A compiled pattern, and the same read backwards (for suffixes and match starts).
#[derive(Debug, Clone)]
pub struct Pattern {
    fwd: Nfa,
    rev: Nfa,
}

/// The positions of a pattern and, per character, where each may go.
#[derive(Debug, Clone)]
struct Nfa {
    elems: Vec<Elem>,
    /// Words of the position sets (positions 0..=elems.len()).
    words: usize,
    /// Positions holding a star.
    stars: Vec<u64>,
    /// For each ASCII character, the positions whose element takes it.
    ascii: Vec<u64>,
}

impl Pattern {
    /// Compiles a pattern.
    pub fn new(pat: &str) -> Pattern {
        let elems = parse(pat);
        Pattern {
            rev: Nfa::new(elems.iter().rev().cloned().collect()),
            fwd: Nfa::new(elems),
        }
    }

    /// Whether the whole of `s` matches.
    pub fn matches(&self, s: &str, meter: &mut Meter) -> Result<bool, Halt> {
        self.fwd.matches(s, meter)
    }

    /// The byte length of the shortest (or longest) prefix of `s` that matches.
    pub fn prefix(&self, s: &str, longest: bool, meter: &mut Meter) -> Result<Option<usize>, Halt> {
        self.fwd
            .anchored(
                s.char_indices().map(|(i, c)| (i + c.len_utf8(), c)),
                0,
                longest,
                meter,
            )
            .map(|e| e.map(|(_, len)| len))
    }

    /// Where the shortest (or longest) suffix of `s` that matches starts.
    pub fn suffix(&self, s: &str, longest: bool, meter: &mut Meter) -> Result<Option<usize>, Halt> {
        self.rev
            .anchored(s.char_indices().rev(), s.len(), longest, meter)
            .map(|e| e.map(|(start, _)| start))
    }

    /// The leftmost match in `s` at or after byte `from`, the longest one starting there
    /// (what `${x/pat/rep}` replaces): its byte range.
    pub fn find(
        &self,
        s: &str,
        from: usize,
        meter: &mut Meter,
    ) -> Result<Option<(usize, usize)>, Halt> {
        let f = &self.fwd;
        // The first end of any match: threads start at every position.
        let start = f.start();
        let mut d = start.clone();
        let mut cache = HashMap::new();
        let mut first_end = f.accepts(&d).then_some(from);
        if first_end.is_none() {
            for (i, c) in s[from..].char_indices() {
                meter.tick(f.words as u64)?;
                f.step(&mut d, c, &mut cache);
                for (x, y) in d.iter_mut().zip(&start) {
                    *x |= *y;
                }
                if f.accepts(&d) {
                    first_end = Some(from + i + c.len_utf8());
                    break;
                }
            }
        }
        let Some(end) = first_end else {
            return Ok(None);
        };
        // The earliest start of a match ending there is the leftmost start of all (a later
        // match that ends later would, through its stars, also match from that start)...
        let back = self.rev.anchored(
            s[from..end]
                .char_indices()
                .rev()
                .map(|(i, c)| (from + i, c)),
            end,
            true,
            meter,
        )?;
        let begin = back.map_or(end, |(b, _)| b);
        // ... and from it, the longest match.
        let forward = f.anchored(
            s[begin..]
                .char_indices()
                .map(|(i, c)| (begin + i + c.len_utf8(), c)),
            begin,
            true,
            meter,
        )?;
        Ok(Some((begin, forward.map_or(end, |(e, _)| e))))
    }
}

impl Nfa {
    fn new(elems: Vec<Elem>) -> Nfa {
        let words = (elems.len() + 1).div_ceil(64);
        let mut stars = vec![0u64; words];
        let mut ascii = vec![0u64; 128 * words];
        for (i, e) in elems.iter().enumerate() {
            let bit = 1 << (i % 64);
            match e {
                Elem::Star => stars[i / 64] |= bit,
                Elem::Char(c) if c.is_ascii() => ascii[*c as usize * words + i / 64] |= bit,
                Elem::Char(_) => {}
                _ => {
                    for c in 0u8..128 {
                        if e.takes(c as char) {
                            ascii[c as usize * words + i / 64] |= bit;
                        }
                    }
                }
            }
        }
        Nfa {
            elems,
            words,
            stars,
            ascii,
        }
    }

    fn accepts(&self, d: &[u64]) -> bool {
        let m = self.elems.len();
        d[m / 64] >> (m % 64) & 1 == 1
    }

    /// Adds the positions reachable by skipping stars (they match nothing too).
    fn close(&self, d: &mut [u64]) {
        // Consecutive stars are merged, so one step reaches past any star.
        let mut carry = 0;
        for (w, x) in d.iter_mut().enumerate() {
            let s = *x & self.stars[w];
            let next_carry = s >> 63;
            *x |= (s << 1) | carry;
            carry = next_carry;
        }
    }

    /// The start: position 0 and what skipping stars reaches.
    fn start(&self) -> Vec<u64> {
        let mut d = vec![0u64; self.words];
        d[0] = 1;
        self.close(&mut d);
        d
    }

    /// The positions after reading `c`; false when none is left.
    fn step(&self, d: &mut [u64], c: char, cache: &mut HashMap<char, Vec<u64>>) -> bool {
        let mask: &[u64] = if (c as u32) < 128 {
            &self.ascii[c as usize * self.words..(c as usize + 1) * self.words]
        } else {
            cache.entry(c).or_insert_with(|| {
                let mut m = vec![0u64; self.words];
                for (i, e) in self.elems.iter().enumerate() {
                    if e.takes(c) {
                        m[i / 64] |= 1 << (i % 64);
                    }
                }
                m
            })
        };
        let mut carry = 0;
        let mut any = 0;
        for w in 0..self.words {
            let x = d[w];
            let moved = x & mask[w];
            let next_carry = moved >> 63;
            let v = (moved << 1) | carry | (x & self.stars[w]);
            carry = next_carry;
            d[w] = v;
            any |= v;
        }
        self.close(d);
        any != 0
    }

    fn matches(&self, s: &str, meter: &mut Meter) -> Result<bool, Halt> {
        let mut d = self.start();
        let mut cache = HashMap::new();
        for c in s.chars() {
            meter.tick(self.words as u64)?;
            if !self.step(&mut d, c, &mut cache) {
                return Ok(false);
            }
        }
        Ok(self.accepts(&d))
    }

    /// Runs the pattern from `origin` over `chars` (byte offset after each character and
    /// the character, in reading order); returns (the offset where the chosen match ends,
    /// its length in bytes).
    fn anchored(
        &self,
        chars: impl Iterator<Item = (usize, char)>,
        origin: usize,
        longest: bool,
        meter: &mut Meter,
    ) -> Result<Option<(usize, usize)>, Halt> {
        let mut d = self.start();
        let mut cache = HashMap::new();
        let mut best = self.accepts(&d).then_some((origin, 0));
        if best.is_some() && !longest {
            return Ok(best);
        }
        for (at, c) in chars {
            meter.tick(self.words as u64)?;
            if !self.step(&mut d, c, &mut cache) {
                break;
            }
            if self.accepts(&d) {
                best = Some((at, at.abs_diff(origin)));
                if !longest {
                    break;
                }
            }
        }
        Ok(best)
    }
}

/// Reads a pattern into elements.
fn parse(pat: &str) -> Vec<Elem> {
    let p: Vec<char> = pat.chars().collect();
    let mut out: Vec<Elem> = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                if out.last() != Some(&Elem::Star) {
                    out.push(Elem::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Elem::Any);
                i += 1;
            }
            '\\' if i + 1 < p.len() => {
                out.push(Elem::Char(p[i + 1]));
                i += 2;
            }
            '[' => match class(&p, i) {
                Some((e, next)) => {
                    out.push(e);
                    i = next;
                }
                None => {
                    out.push(Elem::Char('['));
                    i += 1;
                }
            },
            c => {
                out.push(Elem::Char(c));
                i += 1;
            }
        }
    }
    out
}

/// `[...]` starting at `p[at]`: the element and where the pattern goes on; None when it does
/// not close (then `[` is an ordinary character).
fn class(p: &[char], at: usize) -> Option<(Elem, usize)> {
    let mut i = at + 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut items = Vec::new();
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == ']' && !first {
            return Some((Elem::Class { negate, items }, i + 1));
        }
        first = false;
        // `[:name:]`
        if c == '['
            && p.get(i + 1) == Some(&':')
            && let Some(len) = p[i + 2..].windows(2).position(|w| w == [':', ']'])
        {
            let name: String = p[i + 2..i + 2 + len].iter().collect();
            if let Some(n) = NamedClass::from_name(&name) {
                items.push(Item::Named(n));
                i += len + 4;
                continue;
            }
        }
        let (lo, next) = if c == '\\' && i + 1 < p.len() {
            (p[i + 1], i + 2)
        } else {
            (c, i + 1)
        };
        if p.get(next) == Some(&'-') && p.get(next + 1).is_some_and(|c| *c != ']') {
            let (hi, after) = if p[next + 1] == '\\' && next + 2 < p.len() {
                (p[next + 2], next + 3)
            } else {
                (p[next + 1], next + 2)
            };
            items.push(Item::Range(lo, hi));
            i = after;
        } else {
            items.push(Item::Char(lo));
            i = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, s: &str) -> bool {
        Pattern::new(p).matches(s, &mut Meter::unlimited()).unwrap()
    }

    #[test]
    fn bash_pattern_semantics() {
        assert!(m("*.yaml", "a.yaml"));
        assert!(!m("*.yaml", "a.yml"));
        assert!(m("web-[0-9]", "web-3"));
        assert!(m("[!a]", "b") && !m("[!a]", "a") && m("[^a]", "b"));
        assert!(m("[]a]", "]") && m("[!]a]", "b") && !m("[!]a]", "]"));
        assert!(m("[", "[") && m("a[b", "a[b"));
        assert!(m("\\*", "*") && !m("\\*", "a"));
        assert!(m("[[:digit:]]x", "7x") && !m("[[:digit:]]x", "ax"));
        assert!(m("*", "") && m("", "") && !m("?", ""));
        assert!(m("é?", "éa"));
        assert!(m("a*b*c", "aXbYc") && !m("a*b*c", "aXbY"));
    }

    #[test]
    fn prefixes_suffixes_and_finds() {
        let mu = &mut Meter::unlimited();
        let p = Pattern::new("*/");
        assert_eq!(p.prefix("a/b/c", false, mu), Ok(Some(2)));
        assert_eq!(p.prefix("a/b/c", true, mu), Ok(Some(4)));
        let p = Pattern::new(".*");
        assert_eq!(p.suffix("deploy.yaml.bak", false, mu), Ok(Some(11)));
        assert_eq!(p.suffix("deploy.yaml.bak", true, mu), Ok(Some(6)));
        let p = Pattern::new("l*");
        assert_eq!(p.find("hello", 0, mu), Ok(Some((2, 5))));
        let p = Pattern::new("l?");
        assert_eq!(p.find("hello", 0, mu), Ok(Some((2, 4))));
        assert_eq!(p.find("hello", 4, mu), Ok(None));
    }

    /// What used to backtrack for ever is linear.
    #[test]
    fn no_exponential_backtracking() {
        let s = "a".repeat(100_000);
        let p = Pattern::new(&("*a".repeat(12) + "*b"));
        let mut meter = Meter::new(100_000_000, None);
        assert_eq!(p.matches(&s, &mut meter), Ok(false));
        assert_eq!(p.prefix(&s, true, &mut meter), Ok(None));
        assert_eq!(p.find(&s, 0, &mut meter), Ok(None));
        let mut tight = Meter::new(1000, None);
        assert_eq!(p.matches(&s, &mut tight), Err(Halt::Budget(1000)));
    }
}
