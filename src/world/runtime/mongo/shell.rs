//! The legacy `mongo` shell's read-eval-print step (mongo 4.x, `src/mongo/shell/`): shell
//! helpers (`use`, `show dbs`, `show collections`, `it`, `exit`), then the line as JavaScript
//! over `db`: its collections' `insert`, `insertOne`, `insertMany`, `find`, `findOne`,
//! `count`, `countDocuments`, `remove`, `deleteOne`, `deleteMany`, `drop`, cursors'
//! `count`, `pretty`, `limit`, `skip`, `toArray`, `size`, and `print`, `printjson`,
//! `ObjectId()`. The value of the line is printed as `shellPrintHelper` does. What kubelab
//! does not read says so plainly. The data is the server's `/data/db` (`storage.rs`), given
//! as a file system for each input.
//!
//! Here: the shell's state, its helpers and the line's steps; `eval.rs` evaluates the
//! JavaScript, `collection.rs` runs the collections' methods, `print.rs` prints the value.

use crate::shell::Vfs;

use super::parse::{self, Expr};
use super::query;
use super::storage::{self, Catalog};
use super::value::{Bson, Doc};

mod collection;
mod eval;
mod print;

/// What the shell keeps between inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Shell {
    /// The current database (`use`).
    pub db: String,
    /// The shell process's ObjectId parts: 5 random bytes and a counter.
    oid_rand: [u8; 5],
    oid_counter: u32,
    /// The cursor `it` goes on with.
    cursor: Option<Cursor>,
    /// mongosh (mongo 5.0+) rather than the legacy shell: its printing (`inspect.rs`,
    /// `mongosh.rs`) and its results of the legacy helpers.
    pub mongosh: bool,
    /// The deprecation warnings mongosh has printed (each once a shell).
    warned: Vec<&'static str>,
}

/// A query's cursor: the documents it will still print.
#[derive(Debug, Clone, PartialEq)]
struct Cursor {
    ns: String,
    filter: Doc,
    skip: usize,
    limit: usize,
    pretty: bool,
    /// Documents printed so far.
    shown: usize,
}

/// A value while a line is evaluated.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Bson(Bson),
    Undefined,
    Db(String),
    Coll(String),
    Cursor(Cursor),
    /// A result that prints itself (`WriteResult(...)`).
    Printed(String),
    /// A function of the shell, not called (`db.foo.find`).
    Method(Box<Val>, String),
}

/// What ended an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The shell reads on.
    Continue,
    /// The shell exited with this status.
    Exit(i32),
}

/// A line's output: what it printed, and kubelab's notices.
#[derive(Debug, Default)]
pub struct Output {
    /// Printed by the shell (its standard output).
    pub out: String,
    /// kubelab's notices (standard error).
    pub err: String,
    /// Whether the line failed (a notice).
    pub failed: bool,
}

/// kubelab's notice for what it does not read.
fn notice(mongosh: bool, what: &str) -> String {
    let shell = if mongosh {
        "mongosh"
    } else {
        "the mongo shell"
    };
    format!("kubelab does not simulate {what} in {shell}\n")
}

/// Storage and evaluation errors become kubelab's notices.
struct Fail(String);

impl From<parse::Unsupported> for Fail {
    fn from(u: parse::Unsupported) -> Fail {
        Fail(u.0)
    }
}

impl From<query::Unsupported> for Fail {
    fn from(u: query::Unsupported) -> Fail {
        Fail(u.0)
    }
}

impl From<storage::StorageError> for Fail {
    fn from(e: storage::StorageError) -> Fail {
        Fail(format!("kubelab: {}", e.0))
    }
}

/// The time an ObjectId carries and the world's clock.
pub struct Env<'a> {
    /// Unix seconds now.
    pub now: i64,
    /// The server's data directory.
    pub vfs: &'a mut Vfs,
}

impl Shell {
    /// A shell on database `db`; `seed` gives its ObjectIds' random part and first counter.
    pub fn new(db: &str, seed: u64) -> Shell {
        let b = seed.to_be_bytes();
        Shell {
            db: db.to_string(),
            oid_rand: [b[0], b[1], b[2], b[3], b[4]],
            oid_counter: u32::from_be_bytes([0, b[5], b[6], b[7]]),
            cursor: None,
            mongosh: false,
            warned: Vec::new(),
        }
    }

    /// mongosh on database `db`.
    pub fn new_mongosh(db: &str, seed: u64) -> Shell {
        Shell {
            mongosh: true,
            ..Shell::new(db, seed)
        }
    }

    /// `printDeprecationWarning` (shell-instance-state.ts): `DeprecationWarning: MESSAGE`
    /// through `print`, once a shell for each message.
    fn deprecated(&mut self, message: &'static str, o: &mut Output) {
        if self.mongosh && !self.warned.contains(&message) {
            self.warned.push(message);
            o.out.push_str(&format!("DeprecationWarning: {message}\n"));
        }
    }

    fn new_oid(&mut self, now: i64) -> Bson {
        let mut o = [0u8; 12];
        o[..4].copy_from_slice(&(now as u32).to_be_bytes());
        o[4..9].copy_from_slice(&self.oid_rand);
        o[9..].copy_from_slice(&self.oid_counter.to_be_bytes()[1..]);
        self.oid_counter = (self.oid_counter + 1) & 0xff_ffff;
        Bson::Oid(o)
    }

    /// Runs one line: the shell's helpers when `helpers` (typed input, not `--eval`), else
    /// JavaScript.
    pub fn line(&mut self, line: &str, helpers: bool, env: &mut Env<'_>) -> (Output, Flow) {
        let mut o = Output::default();
        let t = line.trim();
        if helpers {
            let words: Vec<&str> = t.trim_end_matches(';').split_whitespace().collect();
            match words.as_slice() {
                [] => return (o, Flow::Continue),
                ["exit"] => {
                    // mongosh's `exit` ends the process without a word.
                    if !self.mongosh {
                        o.out.push_str("bye\n");
                    }
                    return (o, Flow::Exit(0));
                }
                ["use", name] => {
                    self.db = name.to_string();
                    o.out.push_str(&format!("switched to db {name}\n"));
                    return (o, Flow::Continue);
                }
                ["show", what] => {
                    self.show(what, env, &mut o);
                    return (o, Flow::Continue);
                }
                ["it"] => {
                    match self.cursor.take() {
                        Some(c) => {
                            let r = if self.mongosh {
                                self.print_mongosh(Val::Cursor(c), env, &mut o)
                            } else {
                                self.print_cursor(c, env, &mut o)
                            };
                            if let Err(Fail(m)) = r {
                                o.err.push_str(&notice(self.mongosh, &m));
                                o.failed = true;
                            }
                        }
                        None => o.out.push_str("no cursor\n"),
                    }
                    return (o, Flow::Continue);
                }
                ["help", ..] | ["show"] | ["use"] | ["use", ..] | ["show", ..] => {
                    o.err.push_str(&notice(self.mongosh, &format!("`{t}`")));
                    o.failed = true;
                    return (o, Flow::Continue);
                }
                _ => {}
            }
        }
        match self.eval_line(t, env, &mut o) {
            Ok(Some(flow)) => (o, flow),
            Ok(None) => (o, Flow::Continue),
            Err(Fail(m)) => {
                o.err.push_str(&notice(self.mongosh, &m));
                o.failed = true;
                (o, Flow::Continue)
            }
        }
    }

    fn show(&mut self, what: &str, env: &mut Env<'_>, o: &mut Output) {
        let cat = match storage::load(env.vfs) {
            Ok(c) => c,
            Err(e) => {
                o.err.push_str(&format!("kubelab: {}\n", e.0));
                o.failed = true;
                return;
            }
        };
        match what {
            // utils.js `shellHelper.show`: names padded to the longest, sizes in GB with
            // three decimals aligned on the point.
            "dbs" | "databases" if self.mongosh => {
                let rows: Vec<(String, u64)> = storage::databases(&cat)
                    .into_iter()
                    .map(|d| {
                        let size = storage::size_on_disk(env.vfs, &cat, &d);
                        (d, size)
                    })
                    .collect();
                o.out.push_str(&super::mongosh::show_dbs(&rows));
            }
            "dbs" | "databases" => {
                let rows: Vec<(String, u64, String)> = storage::databases(&cat)
                    .into_iter()
                    .map(|d| {
                        let size = storage::size_on_disk(env.vfs, &cat, &d);
                        let gb = format!("{:.3}", size as f64 / 1024.0 / 1024.0 / 1024.0);
                        (d, size, gb)
                    })
                    .collect();
                let name_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
                let digits_w = rows
                    .iter()
                    .map(|r| r.2.find('.').unwrap_or(0))
                    .max()
                    .unwrap_or(0);
                for (name, size, gb) in rows {
                    let pad =
                        name_w - name.chars().count() + digits_w - gb.find('.').unwrap_or(0) + 2;
                    if size > 1 {
                        o.out
                            .push_str(&format!("{name}{}{gb}GB\n", " ".repeat(pad)));
                    } else {
                        o.out
                            .push_str(&format!("{name}{}(empty)\n", " ".repeat(pad)));
                    }
                }
            }
            "collections" | "tables" => {
                for c in collection_names(&cat, &self.db) {
                    o.out.push_str(&c);
                    o.out.push('\n');
                }
            }
            other => {
                o.err
                    .push_str(&notice(self.mongosh, &format!("`show {other}`")));
                o.failed = true;
            }
        }
    }

    fn eval_line(
        &mut self,
        t: &str,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Option<Flow>, Fail> {
        let stmts = parse::statements(t)?;
        let mut last = Val::Undefined;
        for s in &stmts {
            // `quit()` ends the shell where it stands.
            if let Expr::Call(f, _) = s
                && matches!(&**f, Expr::Name(n) if n == "quit")
            {
                return Ok(Some(Flow::Exit(0)));
            }
            last = self.eval(s, env, o)?;
        }
        self.print(last, env, o)?;
        Ok(None)
    }
}

/// `db.getCollectionNames()`: the database's collections by name.
fn collection_names(cat: &Catalog, db: &str) -> Vec<String> {
    let mut names: Vec<String> = cat
        .entries
        .iter()
        .filter(|e| e.db() == db)
        .map(|e| e.coll().to_string())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sh: &mut Shell, vfs: &mut Vfs, line: &str) -> String {
        let mut env = Env {
            now: 1_765_080_000,
            vfs,
        };
        let (o, _) = sh.line(line, true, &mut env);
        format!("{}{}", o.out, o.err)
    }

    #[test]
    fn the_seeds_session() {
        let mut vfs = Vfs::new();
        storage::start(&mut vfs, "4.4.29", 5).unwrap();
        let mut sh = Shell::new("test", 0x0102_0304_0506_0708);
        assert_eq!(
            run(&mut sh, &mut vfs, "use mystore"),
            "switched to db mystore\n"
        );
        assert_eq!(
            run(&mut sh, &mut vfs, "db.foo.insert({name:'foo'})"),
            "WriteResult({ \"nInserted\" : 1 })\n"
        );
        assert_eq!(
            run(&mut sh, &mut vfs, "db.foo.find()"),
            "{ \"_id\" : ObjectId(\"6934fbc00102030405060708\"), \"name\" : \"foo\" }\n"
        );
        assert_eq!(run(&mut sh, &mut vfs, "db.foo.count()"), "1\n");
        assert_eq!(run(&mut sh, &mut vfs, "db"), "mystore\n");
        assert_eq!(run(&mut sh, &mut vfs, "show collections"), "foo\n");
        assert_eq!(
            run(&mut sh, &mut vfs, "show dbs"),
            "admin    0.000GB\nconfig   0.000GB\nlocal    0.000GB\nmystore  0.000GB\n"
        );
        assert_eq!(
            run(&mut sh, &mut vfs, "db.foo.insertOne({a: 1})"),
            "{\n\t\"acknowledged\" : true,\n\t\"insertedId\" : ObjectId(\"6934fbc00102030405060709\")\n}\n"
        );
        assert_eq!(run(&mut sh, &mut vfs, "db.foo.find({a: 1}).count()"), "1\n");
        assert_eq!(
            run(&mut sh, &mut vfs, "db.foo.findOne({name: 'nobody'})"),
            "null\n"
        );
        assert!(run(&mut sh, &mut vfs, "var x = 1").starts_with("kubelab does not simulate"));
        assert_eq!(run(&mut sh, &mut vfs, "db.foo.drop()"), "true\n");
        assert_eq!(run(&mut sh, &mut vfs, "db.foo.drop()"), "false\n");
        assert_eq!(run(&mut sh, &mut vfs, "show collections"), "");
    }

    #[test]
    fn a_long_result_pages_by_twenty() {
        let mut vfs = Vfs::new();
        storage::start(&mut vfs, "4.4.29", 5).unwrap();
        let mut sh = Shell::new("test", 1);
        let docs: Vec<String> = (0..25).map(|i| format!("{{_id: {i}}}")).collect();
        let out = run(
            &mut sh,
            &mut vfs,
            &format!("db.c.insert([{}])", docs.join(",")),
        );
        assert!(
            out.starts_with("BulkWriteResult({\n\t\"writeErrors\" : [ ],\n"),
            "{out}"
        );
        let out = run(&mut sh, &mut vfs, "db.c.find()");
        assert_eq!(out.lines().count(), 21);
        assert!(out.ends_with("{ \"_id\" : 19 }\nType \"it\" for more\n"));
        assert_eq!(run(&mut sh, &mut vfs, "it").lines().count(), 5);
        assert_eq!(run(&mut sh, &mut vfs, "it"), "no cursor\n");
    }

    #[test]
    fn mongosh_pages_an_array_of_twenty_and_warns_once() {
        let mut vfs = Vfs::new();
        storage::start(&mut vfs, "7.0.28", 5).unwrap();
        let mut sh = Shell::new_mongosh("test", 1);
        // Entries long enough that Node does not lay them out as a grid.
        let docs: Vec<String> = (0..21)
            .map(|i| format!("{{_id: {i}, name: 'a student with a long name'}}"))
            .collect();
        let out = run(
            &mut sh,
            &mut vfs,
            &format!("db.c.insertMany([{}])", docs.join(",")),
        );
        assert!(
            out.starts_with("{\n  acknowledged: true,\n  insertedIds: {\n    '0': 0,\n"),
            "{out}"
        );
        let out = run(&mut sh, &mut vfs, "db.c.find()");
        assert!(
            out.starts_with("[\n  { _id: 0, name: 'a student with a long name' },\n"),
            "{out}"
        );
        assert!(
            out.ends_with(
                "  { _id: 19, name: 'a student with a long name' }\n]\nType \"it\" for more\n"
            ),
            "{out}"
        );
        assert_eq!(
            run(&mut sh, &mut vfs, "it"),
            "[ { _id: 20, name: 'a student with a long name' } ]\n"
        );
        assert_eq!(run(&mut sh, &mut vfs, "it"), "no cursor\n");
        let warning = "DeprecationWarning: Collection.count() is deprecated. Use countDocuments or estimatedDocumentCount.\n";
        assert_eq!(
            run(&mut sh, &mut vfs, "db.c.count()"),
            format!("{warning}21\n")
        );
        assert_eq!(run(&mut sh, &mut vfs, "db.c.count()"), "21\n");
        let (o, flow) = sh.line(
            "exit",
            true,
            &mut Env {
                now: 0,
                vfs: &mut vfs,
            },
        );
        assert_eq!((o.out.as_str(), flow), ("", Flow::Exit(0)));
    }
}
