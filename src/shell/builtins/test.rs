//! `test` and `[`, as bash's `test.c`: the POSIX rules for up to four arguments, then the
//! expression grammar (`!`, `-a`, `-o`, parentheses, unary and binary operators). Chains of `!`,
//! `-a` and `-o` are read in loops, so their length costs no stack; parentheses nest up to
//! [`MAX_NESTING`] levels, past which the command fails with a clear message.

use super::Out;
use crate::shell::exec::Exec;

/// How deep parentheses may nest.
pub(crate) const MAX_NESTING: usize = 1_000;

pub(super) fn test(name: &str, args: &[String], x: &Exec<'_>) -> Out {
    let mut t = Test {
        a: args,
        pos: 0,
        x,
        name,
        depth: 0,
    };
    match t.posix() {
        Ok(true) => Out::status(0),
        Ok(false) => Out::status(1),
        Err(e) => Out::err(
            format!(
                "{}{name}: {e}\n",
                crate::shell::dialect::prefix(&t.x.state.profile, t.x.line)
            ),
            2,
        ),
    }
}

struct Test<'a, 'x> {
    a: &'a [String],
    pos: usize,
    x: &'a Exec<'x>,
    /// `test` or `[` (bash's messages differ by one word).
    name: &'a str,
    depth: usize,
}

const UNARY: &[&str] = &[
    "-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-n", "-o", "-p", "-r", "-s", "-t", "-u",
    "-v", "-w", "-x", "-z", "-G", "-L", "-N", "-O", "-R", "-S",
];

const BINARY: &[&str] = &[
    "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef",
];

impl<'a> Test<'a, '_> {
    fn arg(&self, k: usize) -> &'a str {
        self.a.get(k).map(String::as_str).unwrap_or("")
    }

    /// bash's `posixtest`: 0 to 4 arguments have fixed meanings; more go to the grammar.
    fn posix(&mut self) -> Result<bool, String> {
        let n = self.a.len();
        let v = match n {
            0 => false,
            1 => !self.arg(0).is_empty(),
            2 => self.two(0)?,
            3 => self.three(0)?,
            4 => {
                if self.arg(0) == "!" {
                    !self.three(1)?
                } else if self.arg(0) == "(" && self.arg(3) == ")" {
                    self.two(1)?
                } else {
                    return self.full();
                }
            }
            _ => return self.full(),
        };
        Ok(v)
    }

    fn two(&mut self, at: usize) -> Result<bool, String> {
        if self.arg(at) == "!" {
            return Ok(self.arg(at + 1).is_empty());
        }
        if UNARY.contains(&self.arg(at)) {
            return self.unary(self.arg(at), self.arg(at + 1));
        }
        Err(format!("{}: unary operator expected", self.arg(at)))
    }

    fn three(&mut self, at: usize) -> Result<bool, String> {
        let (a, op, b) = (self.arg(at), self.arg(at + 1), self.arg(at + 2));
        if BINARY.contains(&op) {
            return self.binary(a, op, b);
        }
        if op == "-a" {
            return Ok(!a.is_empty() && !b.is_empty());
        }
        if op == "-o" {
            return Ok(!a.is_empty() || !b.is_empty());
        }
        if a == "!" {
            return self.two(at + 1).map(|v| !v);
        }
        if a == "(" && b == ")" {
            return Ok(!op.is_empty());
        }
        Err(format!("{op}: binary operator expected"))
    }

    /// The whole grammar; all the arguments must be used.
    fn full(&mut self) -> Result<bool, String> {
        let v = self.or()?;
        if self.pos < self.a.len() {
            let rest = self.arg(self.pos);
            if rest.starts_with('-') {
                return Err(format!("syntax error: `{rest}' unexpected"));
            }
            return Err("too many arguments".into());
        }
        Ok(v)
    }

    /// `and (-o and)*` (every operand is evaluated, as bash does).
    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.arg(self.pos) == "-o" && self.pos < self.a.len() {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.term()?;
        while self.arg(self.pos) == "-a" && self.pos < self.a.len() {
            self.pos += 1;
            let r = self.term()?;
            v = v && r;
        }
        Ok(v)
    }

    fn term(&mut self) -> Result<bool, String> {
        if self.pos >= self.a.len() {
            return Err("argument expected".into());
        }
        let mut negate = false;
        while self.pos < self.a.len() && self.arg(self.pos) == "!" {
            negate = !negate;
            self.pos += 1;
        }
        if self.pos >= self.a.len() {
            return Err("argument expected".into());
        }
        let v = if self.arg(self.pos) == "(" {
            if self.depth >= MAX_NESTING {
                return Err(format!(
                    "parentheses nested more than {MAX_NESTING} deep (a kubelab limit)"
                ));
            }
            self.pos += 1;
            self.depth += 1;
            let v = self.or();
            self.depth -= 1;
            let v = v?;
            if self.pos >= self.a.len() {
                // bash's `[` still sees its `]` there.
                return Err(if self.name == "[" {
                    "`)' expected, found ]".into()
                } else {
                    "`)' expected".into()
                });
            }
            if self.arg(self.pos) != ")" {
                return Err(format!("`)' expected, found {}", self.arg(self.pos)));
            }
            self.pos += 1;
            v
        } else if self.pos + 3 <= self.a.len() && BINARY.contains(&self.arg(self.pos + 1)) {
            let (a, op, b) = (
                self.arg(self.pos),
                self.arg(self.pos + 1),
                self.arg(self.pos + 2),
            );
            self.pos += 3;
            self.binary(a, op, b)?
        } else if self.pos + 2 <= self.a.len() && UNARY.contains(&self.arg(self.pos)) {
            let (op, v) = (self.arg(self.pos), self.arg(self.pos + 1));
            self.pos += 2;
            self.unary(op, v)?
        } else {
            let v = !self.arg(self.pos).is_empty();
            self.pos += 1;
            v
        };
        Ok(v != negate)
    }

    fn unary(&self, op: &str, v: &str) -> Result<bool, String> {
        let vfs = &self.x.state.vfs;
        let p = self.x.state.resolve(v);
        let st = vfs.stat(&p).ok();
        Ok(match op {
            "-z" => v.is_empty(),
            "-n" => !v.is_empty(),
            "-e" | "-a" => vfs.exists(&p),
            "-f" => vfs.is_file(&p),
            "-d" => vfs.is_dir(&p),
            "-s" => vfs.read(&p).is_ok_and(|b| !b.is_empty()),
            // Permission bits are not enforced: what exists may be read and written.
            "-r" | "-w" => vfs.exists(&p),
            "-x" => st.as_ref().is_some_and(|s| s.node.perm & 0o111 != 0),
            "-v" => self.x.state.var(v).is_some(),
            "-c" => st
                .as_ref()
                .is_some_and(|s| matches!(s.node.kind, crate::shell::vfs::Kind::CharDev(..))),
            "-h" | "-L" => vfs.is_symlink(&p),
            "-u" => st.as_ref().is_some_and(|s| s.node.perm & 0o4000 != 0),
            "-g" => st.as_ref().is_some_and(|s| s.node.perm & 0o2000 != 0),
            "-k" => st.as_ref().is_some_and(|s| s.node.perm & 0o1000 != 0),
            "-O" => st.as_ref().is_some_and(|s| s.node.uid == vfs.cred().uid),
            "-G" => st.as_ref().is_some_and(|s| s.node.gid == vfs.cred().gid),
            // No block devices, pipes, sockets or terminals in the shell's files.
            "-b" | "-p" | "-t" | "-S" => false,
            "-o" => false,
            "-N" => st.as_ref().is_some_and(|s| s.node.mtime > s.node.atime),
            _ => vfs.exists(&p),
        })
    }

    fn binary(&self, a: &str, op: &str, b: &str) -> Result<bool, String> {
        let int = |s: &str| -> Result<i64, String> {
            let t = s.trim_matches([' ', '\t', '\n']);
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(format!("{s}: integer expression expected"));
            }
            t.parse::<i64>()
                .map_err(|_| format!("{s}: integer expression expected"))
        };
        Ok(match op {
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "-eq" => int(a)? == int(b)?,
            "-ne" => int(a)? != int(b)?,
            "-lt" => int(a)? < int(b)?,
            "-le" => int(a)? <= int(b)?,
            "-gt" => int(a)? > int(b)?,
            "-ge" => int(a)? >= int(b)?,
            "-nt" | "-ot" => {
                let vfs = &self.x.state.vfs;
                let t = |s: &str| {
                    vfs.stat(&self.x.state.resolve(s))
                        .ok()
                        .map(|s| s.node.mtime)
                };
                match (t(a), t(b), op) {
                    (Some(x), Some(y), "-nt") => x > y,
                    (Some(_), None, "-nt") => true,
                    (Some(x), Some(y), _) => x < y,
                    (None, Some(_), _) => true,
                    _ => false,
                }
            }
            _ => {
                // `-ef`: the same entry, links followed.
                let vfs = &self.x.state.vfs;
                let (pa, pb) = (self.x.state.resolve(a), self.x.state.resolve(b));
                match (vfs.resolve(&pa, true), vfs.resolve(&pb, true)) {
                    (Ok(ra), Ok(rb)) => vfs.exists(&ra) && ra == rb,
                    _ => false,
                }
            }
        })
    }
}
