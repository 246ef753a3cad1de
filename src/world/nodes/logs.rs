//! A container's log: the lines its processes wrote, in order. A long stretch a program writes
//! at once and that depends only on a few facts (mongod's start log) is kept as those facts and
//! written out when someone reads the log: starting a container costs what it changes, and a
//! log nobody reads is never formatted. Reading gives the same lines either way.

use std::fmt;
use std::rc::Rc;

use crate::world::clock::Millis;

/// Lines kept as the facts they are made of, written out on reading.
pub trait LogSource {
    /// The lines, in order (the same every time).
    fn lines(&self) -> Vec<String>;
}

#[derive(Clone)]
enum Chunk {
    Lines(Vec<String>),
    Later(Rc<dyn LogSource>),
}

/// A container instance's log. Every line carries the virtual time it was written at (what
/// `kubectl logs --timestamps` and `--since` read): the time set last with [`Logs::at`].
#[derive(Clone, Default)]
pub struct Logs {
    chunks: Vec<(Millis, Chunk)>,
    /// The time of the lines written next.
    now: Millis,
}

impl Logs {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lines written from now on are written at `t` (virtual time).
    pub fn at(&mut self, t: Millis) -> &mut Self {
        self.now = t;
        self
    }

    /// Appends one line.
    pub fn push(&mut self, line: String) {
        match self.chunks.last_mut() {
            Some((t, Chunk::Lines(v))) if *t == self.now => v.push(line),
            _ => self.chunks.push((self.now, Chunk::Lines(vec![line]))),
        }
    }

    /// Appends lines.
    pub fn extend<I: IntoIterator<Item = String>>(&mut self, lines: I) {
        for l in lines {
            self.push(l);
        }
    }

    /// Appends another log's lines, written now (its deferred parts stay deferred).
    pub fn append(&mut self, other: Logs) {
        for (_, c) in other.chunks {
            match c {
                Chunk::Lines(v) => self.extend(v),
                later => self.chunks.push((self.now, later)),
            }
        }
    }

    /// Appends lines that are written out only when the log is read.
    pub fn later(&mut self, source: Rc<dyn LogSource>) {
        self.chunks.push((self.now, Chunk::Later(source)));
    }

    /// Every line, in order.
    pub fn lines(&self) -> Vec<String> {
        self.stamped().into_iter().map(|(_, l)| l).collect()
    }

    /// Every line with the time it was written at, in order.
    pub fn stamped(&self) -> Vec<(Millis, String)> {
        let mut out = Vec::new();
        for (t, c) in &self.chunks {
            match c {
                Chunk::Lines(v) => out.extend(v.iter().map(|l| (*t, l.clone()))),
                Chunk::Later(s) => out.extend(s.lines().into_iter().map(|l| (*t, l))),
            }
        }
        out
    }

    /// The number of lines (writes out deferred parts to count them).
    pub fn len(&self) -> usize {
        self.chunks
            .iter()
            .map(|(_, c)| match c {
                Chunk::Lines(v) => v.len(),
                Chunk::Later(s) => s.lines().len(),
            })
            .sum()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.chunks.iter().all(|(_, c)| match c {
            Chunk::Lines(v) => v.is_empty(),
            Chunk::Later(s) => s.lines().is_empty(),
        })
    }
}

impl From<Vec<String>> for Logs {
    fn from(lines: Vec<String>) -> Self {
        let mut l = Logs::new();
        l.extend(lines);
        l
    }
}

impl PartialEq for Logs {
    fn eq(&self, other: &Self) -> bool {
        let same_chunks = self.chunks.len() == other.chunks.len()
            && self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|((_, a), (_, b))| match (a, b) {
                    (Chunk::Lines(x), Chunk::Lines(y)) => x == y,
                    (Chunk::Later(x), Chunk::Later(y)) => Rc::ptr_eq(x, y),
                    _ => false,
                });
        same_chunks || self.lines() == other.lines()
    }
}

impl Eq for Logs {}

impl fmt::Debug for Logs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.lines()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Three;
    impl LogSource for Three {
        fn lines(&self) -> Vec<String> {
            vec!["a".into(), "b".into(), "c".into()]
        }
    }

    #[test]
    fn deferred_lines_read_in_place() {
        let mut l = Logs::new();
        l.push("first".into());
        l.later(Rc::new(Three));
        l.extend(["last".to_string()]);
        assert_eq!(l.lines(), ["first", "a", "b", "c", "last"]);
        assert_eq!(l.len(), 5);
        assert!(!l.is_empty());
        assert!(Logs::new().is_empty());
        let plain = Logs::from(["first", "a", "b", "c", "last"].map(String::from).to_vec());
        assert_eq!(l, plain);
        assert_eq!(l.clone(), l);
    }

    #[test]
    fn lines_keep_the_time_they_were_written_at() {
        let mut l = Logs::new();
        l.at(1000).push("one".into());
        l.push("two".into());
        l.at(2500).later(Rc::new(Three));
        l.at(4000).push("last".into());
        let stamps: Vec<Millis> = l.stamped().iter().map(|(t, _)| *t).collect();
        assert_eq!(stamps, [1000, 1000, 2500, 2500, 2500, 4000]);
        assert_eq!(l.lines(), ["one", "two", "a", "b", "c", "last"]);
    }
}
