//! Broken pipes. Pipeline stages run one after another, each stage's output the next one's
//! input, so a reader cannot exit while its writer runs. What a reader reads before it exits
//! is known from its command line for the readers that stop early (`head`): once the pipe holds
//! that much, the reader has gone, and the writer's next write fails as it would with SIGPIPE
//! (status 141), so `while true; do curl -s web; sleep 1; done | head -3` prints three lines.

/// How much of its input a reader takes before it exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// The first N lines (`head -n N`).
    Lines(u64),
    /// The first N bytes (`head -c N`).
    Bytes(u64),
}

/// A pipe whose reader stops early: what it needs and how much it holds so far.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pipe {
    need: Need,
    lines: u64,
    bytes: u64,
}

impl Pipe {
    pub(crate) fn new(need: Need) -> Pipe {
        Pipe {
            need,
            lines: 0,
            bytes: 0,
        }
    }

    /// Whether the reader has taken what it reads and exited.
    pub(crate) fn closed(&self) -> bool {
        match self.need {
            Need::Lines(n) => self.lines >= n,
            Need::Bytes(n) => self.bytes >= n,
        }
    }

    /// How much of `data`, written next, the reader reads before it exits.
    pub(crate) fn takes(&self, data: &[u8]) -> usize {
        match self.need {
            Need::Lines(n) => {
                let wanted = n.saturating_sub(self.lines);
                data.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .nth(wanted.saturating_sub(1) as usize)
                    .filter(|_| wanted > 0)
                    .map_or(if wanted == 0 { 0 } else { data.len() }, |(i, _)| i + 1)
            }
            Need::Bytes(n) => data.len().min(n.saturating_sub(self.bytes) as usize),
        }
    }

    /// Counts a write into the pipe (the part the reader takes).
    pub(crate) fn wrote(&mut self, data: &[u8]) {
        self.bytes += data.len() as u64;
        self.lines += data.iter().filter(|b| **b == b'\n').count() as u64;
    }
}

/// Whether `name` is one of bash's own builtins (a write into a broken pipe kills the shell
/// running it), rather than a program that the workstation provides as a builtin (`cat`,
/// `grep`, ...: only that program dies).
pub(crate) fn in_bash(name: &str) -> bool {
    matches!(
        name,
        "echo"
            | "printf"
            | "pwd"
            | "type"
            | "test"
            | "["
            | "true"
            | "false"
            | ":"
            | "cd"
            | "export"
            | "unset"
            | "exit"
            | "break"
            | "continue"
    )
}

/// What the reader `argv` takes of its standard input before it exits, when that is less than
/// all of it: `head` with `-n N`, `-N`, `-c N`, `--lines=N`, `--bytes=N` (GNU head's forms)
/// reading standard input. None for every other command, and for `head -n -N` (all but the
/// last N lines) or `head FILE`.
pub(crate) fn need(argv: &[String]) -> Option<Need> {
    if argv.first().map(String::as_str) != Some("head") {
        return None;
    }
    let mut need = Need::Lines(10);
    let mut args = argv[1..].iter();
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let count = |v: Option<String>| v.and_then(|v| v.parse::<u64>().ok());
        need = match flag {
            "-n" | "--lines" => Need::Lines(count(inline.or_else(|| args.next().cloned()))?),
            "-c" | "--bytes" => Need::Bytes(count(inline.or_else(|| args.next().cloned()))?),
            "-q" | "-v" | "--quiet" | "--silent" | "--verbose" | "-" => need,
            f if f.starts_with("-n") => Need::Lines(count(Some(f[2..].to_string()))?),
            f if f.starts_with("-c") => Need::Bytes(count(Some(f[2..].to_string()))?),
            f if f.len() > 1
                && f[1..].bytes().all(|b| b.is_ascii_digit())
                && f.starts_with('-') =>
            {
                Need::Lines(count(Some(f[1..].to_string()))?)
            }
            // A file operand or a flag this does not know: the reader may read everything.
            _ => return None,
        };
    }
    Some(need)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<Need> {
        need(&s.split(' ').map(str::to_string).collect::<Vec<_>>())
    }

    #[test]
    fn head_forms() {
        assert_eq!(n("head"), Some(Need::Lines(10)));
        assert_eq!(n("head -3"), Some(Need::Lines(3)));
        assert_eq!(n("head -n 3"), Some(Need::Lines(3)));
        assert_eq!(n("head -n3"), Some(Need::Lines(3)));
        assert_eq!(n("head --lines=3"), Some(Need::Lines(3)));
        assert_eq!(n("head -c 5"), Some(Need::Bytes(5)));
        assert_eq!(n("head --bytes=5"), Some(Need::Bytes(5)));
        assert_eq!(n("head -n -3"), None);
        assert_eq!(n("head -3 file"), None);
        assert_eq!(n("tail -3"), None);
        assert_eq!(n("grep x"), None);
    }

    #[test]
    fn a_pipe_closes_once_the_reader_has_its_lines() {
        let mut p = Pipe::new(Need::Lines(2));
        assert!(!p.closed());
        p.wrote(b"a\n");
        assert!(!p.closed());
        assert_eq!(p.takes(b"b\nc\n"), 2);
        p.wrote(b"b\n");
        assert!(p.closed());
        assert_eq!(p.takes(b"x"), 0);
        let p = Pipe::new(Need::Lines(3));
        assert_eq!(p.takes(b"1\n2\n"), 4);
        assert_eq!(p.takes(b"1\n2\n3\n4\n"), 6);
        let mut p = Pipe::new(Need::Bytes(3));
        assert_eq!(p.takes(b"ab"), 2);
        p.wrote(b"ab");
        assert_eq!(p.takes(b"cd"), 1);
    }
}
