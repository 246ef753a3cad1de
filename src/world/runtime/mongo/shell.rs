//! The legacy `mongo` shell's read-eval-print step (mongo 4.x, `src/mongo/shell/`): shell
//! helpers (`use`, `show dbs`, `show collections`, `it`, `exit`), then the line as JavaScript
//! over `db`: its collections' `insert`, `insertOne`, `insertMany`, `find`, `findOne`,
//! `count`, `countDocuments`, `remove`, `deleteOne`, `deleteMany`, `drop`, cursors'
//! `count`, `pretty`, `limit`, `skip`, `toArray`, `size`, and `print`, `printjson`,
//! `ObjectId()`. The value of the line is printed as `shellPrintHelper` does. What kubelab
//! does not read says so plainly. The data is the server's `/data/db` (`storage.rs`), given
//! as a file system for each input.

use crate::shell::Vfs;

use super::parse::{self, Expr};
use super::query;
use super::storage::{self, Catalog, MAX_DOC_BYTES, MAX_DOCS};
use super::value::{Bson, Doc, js_number, tojson};

/// `DBQuery.shellBatchSize`; mongosh's `displayBatchSize`.
const BATCH: usize = 20;

/// mongosh 2.5.10's `packages/shell-api/src/collection.ts` deprecation messages.
const INSERT_DEPRECATED: &str =
    "Collection.insert() is deprecated. Use insertOne, insertMany, or bulkWrite.";
const COUNT_DEPRECATED: &str =
    "Collection.count() is deprecated. Use countDocuments or estimatedDocumentCount.";
const REMOVE_DEPRECATED: &str =
    "Collection.remove() is deprecated. Use deleteOne, deleteMany, findOneAndDelete, or bulkWrite.";

/// An array kubelab does not print as mongosh would (a grid of short entries).
fn grid(_: super::inspect::Grid) -> Fail {
    Fail("printing an array of more than six short entries (Node's grid layout)".into())
}

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

    /// `shellPrintHelper`; mongosh's `formatOutput`.
    fn print(&mut self, v: Val, env: &mut Env<'_>, o: &mut Output) -> Result<(), Fail> {
        if self.mongosh {
            return self.print_mongosh(v, env, o);
        }
        match v {
            Val::Undefined => {}
            Val::Bson(Bson::Str(s)) => {
                o.out.push_str(&s);
                o.out.push('\n');
            }
            Val::Bson(b) => {
                o.out.push_str(&tojson(&b, "", None));
                o.out.push('\n');
            }
            Val::Db(name) => o.out.push_str(&format!("{name}\n")),
            Val::Coll(ns) => o.out.push_str(&format!("{ns}\n")),
            Val::Printed(s) => {
                o.out.push_str(&s);
                o.out.push('\n');
            }
            Val::Cursor(c) => self.print_cursor(c, env, o)?,
            Val::Method(_, name) => return Err(Fail(format!("printing the function {name}"))),
        }
        Ok(())
    }

    /// `DBQuery.prototype.shellPrint`: up to 20 documents, then `Type "it" for more`.
    fn print_cursor(
        &mut self,
        mut c: Cursor,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<(), Fail> {
        let docs = self.run_query(&c, env)?;
        let rest = &docs[c.shown.min(docs.len())..];
        for d in rest.iter().take(BATCH) {
            let b = Bson::Doc(d.clone());
            let s = if c.pretty {
                tojson(&b, "", None)
            } else {
                tojson(&b, "", Some(true))
            };
            o.out.push_str(&s);
            o.out.push('\n');
        }
        c.shown += rest.len().min(BATCH);
        if rest.len() > BATCH {
            o.out.push_str("Type \"it\" for more\n");
            self.cursor = Some(c);
        } else {
            self.cursor = None;
        }
        Ok(())
    }

    /// mongosh's `formatOutput`: a value through `inspect` (depth 6), a cursor's next 20
    /// documents as an array at full depth, then `Type "it" for more`.
    fn print_mongosh(&mut self, v: Val, env: &mut Env<'_>, o: &mut Output) -> Result<(), Fail> {
        let text = match v {
            Val::Undefined => return Ok(()),
            Val::Bson(Bson::Str(s)) => s,
            Val::Bson(b) => super::inspect::inspect(&b, Some(6)).map_err(grid)?,
            Val::Db(name) => name,
            Val::Coll(ns) => ns,
            Val::Printed(s) => s,
            Val::Cursor(mut c) => {
                let docs = self.run_query(&c, env)?;
                let rest = &docs[c.shown.min(docs.len())..];
                if rest.is_empty() {
                    // formatCursor: nothing for a cursor without documents.
                    self.cursor = None;
                    return Ok(());
                }
                let batch = Bson::Array(rest.iter().take(BATCH).cloned().map(Bson::Doc).collect());
                let mut s = super::inspect::inspect(&batch, None).map_err(grid)?;
                c.shown += rest.len().min(BATCH);
                if rest.len() > BATCH {
                    s.push_str("\nType \"it\" for more");
                    self.cursor = Some(c);
                } else {
                    self.cursor = None;
                }
                s
            }
            Val::Method(_, name) => return Err(Fail(format!("printing the function {name}"))),
        };
        o.out.push_str(&text);
        o.out.push('\n');
        Ok(())
    }

    fn run_query(&self, c: &Cursor, env: &mut Env<'_>) -> Result<Vec<Doc>, Fail> {
        let cat = storage::load(env.vfs)?;
        let Some(e) = cat.find(&c.ns) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        let mut skipped = 0;
        for d in storage::read_docs(env.vfs, e) {
            if query::matches(&d, &c.filter)? {
                if skipped < c.skip {
                    skipped += 1;
                    continue;
                }
                out.push(d);
                if c.limit > 0 && out.len() >= c.limit {
                    break;
                }
            }
        }
        Ok(out)
    }

    fn eval(&mut self, e: &Expr, env: &mut Env<'_>, o: &mut Output) -> Result<Val, Fail> {
        if let Some(b) = parse::literal(e) {
            return Ok(Val::Bson(b));
        }
        match e {
            Expr::Name(n) if n == "db" => Ok(Val::Db(self.db.clone())),
            Expr::Name(n) => Err(Fail(format!("the JavaScript name `{n}`"))),
            Expr::Object(fields) => {
                let mut d = Doc::new();
                for (k, v) in fields {
                    d.push((k.clone(), self.value(v, env, o)?));
                }
                Ok(Val::Bson(Bson::Doc(d)))
            }
            Expr::Array(items) => {
                let mut a = Vec::new();
                for v in items {
                    a.push(self.value(v, env, o)?);
                }
                Ok(Val::Bson(Bson::Array(a)))
            }
            Expr::New(class, args) if class == "ObjectId" && args.is_empty() => {
                Ok(Val::Bson(self.new_oid(env.now)))
            }
            Expr::New(class, _) => Err(Fail(format!("`new {class}`"))),
            Expr::Lit(_) => Ok(Val::Undefined),
            Expr::Member(base, name) => {
                let b = self.eval(base, env, o)?;
                match b {
                    Val::Db(db) if !DB_METHODS.contains(&name.as_str()) => {
                        Ok(Val::Coll(format!("{db}.{name}")))
                    }
                    // `db.foo.bar` is the collection `foo.bar`.
                    Val::Coll(ns) if !COLL_METHODS.contains(&name.as_str()) => {
                        Ok(Val::Coll(format!("{ns}.{name}")))
                    }
                    Val::Db(_) | Val::Coll(_) | Val::Cursor(_) => {
                        Ok(Val::Method(Box::new(b), name.clone()))
                    }
                    _ => Err(Fail(format!("the property `{name}` here"))),
                }
            }
            Expr::Call(f, args) => {
                if let Expr::Name(n) = &**f {
                    return self.function(n, args, env, o);
                }
                let callee = self.eval(f, env, o)?;
                let Val::Method(this, name) = callee else {
                    return Err(Fail("calling this value".into()));
                };
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.value(a, env, o)?);
                }
                self.method(*this, &name, vals, env, o)
            }
        }
    }

    /// An argument: a plain value.
    fn value(&mut self, e: &Expr, env: &mut Env<'_>, o: &mut Output) -> Result<Bson, Fail> {
        match self.eval(e, env, o)? {
            Val::Bson(b) => Ok(b),
            Val::Db(d) => Ok(Bson::Str(d)),
            _ => Err(Fail("this value as an argument".into())),
        }
    }

    fn function(
        &mut self,
        name: &str,
        args: &[Expr],
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Val, Fail> {
        let mut vals = Vec::new();
        for a in args {
            vals.push(self.value(a, env, o)?);
        }
        match (name, vals.as_slice()) {
            ("ObjectId", []) => Ok(Val::Bson(self.new_oid(env.now))),
            ("printjson" | "printjsononeline", _) if self.mongosh => Err(Fail(format!("{name}()"))),
            ("print", vals)
                if vals.iter().all(|v| {
                    matches!(
                        v,
                        Bson::Str(_) | Bson::Double(_) | Bson::Bool(_) | Bson::Null
                    )
                }) =>
            {
                let words: Vec<String> = vals
                    .iter()
                    .map(|v| match v {
                        Bson::Str(s) => s.clone(),
                        Bson::Double(d) => js_number(*d),
                        other => tojson(other, "", None),
                    })
                    .collect();
                o.out.push_str(&words.join(" "));
                o.out.push('\n');
                Ok(Val::Undefined)
            }
            ("printjson", [v]) => {
                o.out.push_str(&tojson(v, "", None));
                o.out.push('\n');
                Ok(Val::Undefined)
            }
            ("printjsononeline", [v]) => {
                o.out.push_str(&tojson(v, " ", Some(true)));
                o.out.push('\n');
                Ok(Val::Undefined)
            }
            (n, _) => Err(Fail(format!("the function {n}()"))),
        }
    }

    fn method(
        &mut self,
        this: Val,
        name: &str,
        args: Vec<Bson>,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Val, Fail> {
        match this {
            Val::Db(db) => self.db_method(&db, name, args, env),
            Val::Coll(ns) => self.coll_method(&ns, name, args, env, o),
            Val::Cursor(c) => self.cursor_method(c, name, args, env, o),
            _ => Err(Fail(format!("{name}()"))),
        }
    }

    fn db_method(
        &mut self,
        db: &str,
        name: &str,
        args: Vec<Bson>,
        env: &mut Env<'_>,
    ) -> Result<Val, Fail> {
        match (name, args.as_slice()) {
            ("getName", []) => Ok(Val::Bson(Bson::Str(db.to_string()))),
            ("getCollection", [Bson::Str(c)]) => Ok(Val::Coll(format!("{db}.{c}"))),
            ("getSiblingDB", [Bson::Str(d)]) => Ok(Val::Db(d.clone())),
            ("getCollectionNames", []) => {
                let cat = storage::load(env.vfs)?;
                Ok(Val::Bson(Bson::Array(
                    collection_names(&cat, db)
                        .into_iter()
                        .map(Bson::Str)
                        .collect(),
                )))
            }
            _ => Err(Fail(format!("db.{name}() with these arguments"))),
        }
    }

    fn coll_method(
        &mut self,
        ns: &str,
        name: &str,
        args: Vec<Bson>,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Val, Fail> {
        let cursor = |filter: Doc| Cursor {
            ns: ns.to_string(),
            filter,
            skip: 0,
            limit: 0,
            pretty: false,
            shown: 0,
        };
        match (name, args.as_slice()) {
            ("insert", [Bson::Doc(_)] | [Bson::Array(_)]) if self.mongosh => {
                let docs = match &args[0] {
                    Bson::Doc(d) => vec![d.clone()],
                    Bson::Array(items) if !items.is_empty() => docs_of(items)?,
                    _ => return Err(Fail("insert([])".into())),
                };
                self.deprecated(INSERT_DEPRECATED, o);
                let ids = self.insert(ns, docs, env)?;
                Ok(Val::Bson(super::mongosh::insert_many_result(ids)))
            }
            ("insert", [Bson::Doc(d)]) => {
                self.insert(ns, vec![d.clone()], env)?;
                Ok(Val::Printed("WriteResult({ \"nInserted\" : 1 })".into()))
            }
            ("insert", [Bson::Array(items)]) if !items.is_empty() => {
                let docs = docs_of(items)?;
                let n = docs.len();
                self.insert(ns, docs, env)?;
                // bulk_api.js `BulkWriteResult.tojson`: the whole bulk result.
                let r: Doc = vec![
                    ("writeErrors".into(), Bson::Array(vec![])),
                    ("writeConcernErrors".into(), Bson::Array(vec![])),
                    ("nInserted".into(), Bson::Double(n as f64)),
                    ("nUpserted".into(), Bson::Double(0.0)),
                    ("nMatched".into(), Bson::Double(0.0)),
                    ("nModified".into(), Bson::Double(0.0)),
                    ("nRemoved".into(), Bson::Double(0.0)),
                    ("upserted".into(), Bson::Array(vec![])),
                ];
                Ok(Val::Printed(format!(
                    "BulkWriteResult({})",
                    tojson(&Bson::Doc(r), "", None)
                )))
            }
            ("insertOne", [Bson::Doc(d)]) => {
                let ids = self.insert(ns, vec![d.clone()], env)?;
                Ok(Val::Bson(Bson::Doc(vec![
                    ("acknowledged".into(), Bson::Bool(true)),
                    ("insertedId".into(), ids[0].clone()),
                ])))
            }
            ("insertMany", [Bson::Array(items)]) if !items.is_empty() => {
                let ids = self.insert(ns, docs_of(items)?, env)?;
                if self.mongosh {
                    return Ok(Val::Bson(super::mongosh::insert_many_result(ids)));
                }
                Ok(Val::Bson(Bson::Doc(vec![
                    ("acknowledged".into(), Bson::Bool(true)),
                    ("insertedIds".into(), Bson::Array(ids)),
                ])))
            }
            ("find", []) => Ok(Val::Cursor(cursor(Doc::new()))),
            ("find", [Bson::Doc(f)]) => Ok(Val::Cursor(cursor(f.clone()))),
            ("findOne", []) | ("findOne", [Bson::Doc(_)]) => {
                let f = match args.first() {
                    Some(Bson::Doc(f)) => f.clone(),
                    _ => Doc::new(),
                };
                let mut c = cursor(f);
                c.limit = 1;
                let docs = self.run_query(&c, env)?;
                Ok(Val::Bson(
                    docs.into_iter().next().map_or(Bson::Null, Bson::Doc),
                ))
            }
            ("count", []) | ("count", [Bson::Doc(_)]) if self.mongosh => {
                self.deprecated(COUNT_DEPRECATED, o);
                let f = match args.first() {
                    Some(Bson::Doc(f)) => f.clone(),
                    _ => Doc::new(),
                };
                let docs = self.run_query(&cursor(f), env)?;
                Ok(Val::Bson(Bson::Double(docs.len() as f64)))
            }
            ("count" | "countDocuments", []) | ("estimatedDocumentCount", []) => {
                let docs = self.run_query(&cursor(Doc::new()), env)?;
                Ok(Val::Bson(Bson::Double(docs.len() as f64)))
            }
            ("count" | "countDocuments", [Bson::Doc(f)]) => {
                let docs = self.run_query(&cursor(f.clone()), env)?;
                Ok(Val::Bson(Bson::Double(docs.len() as f64)))
            }
            ("remove", [Bson::Doc(f)]) if self.mongosh => {
                self.deprecated(REMOVE_DEPRECATED, o);
                let n = self.remove(ns, f, false, env)?;
                Ok(Val::Bson(Bson::Doc(vec![
                    ("acknowledged".into(), Bson::Bool(true)),
                    ("deletedCount".into(), Bson::Double(n as f64)),
                ])))
            }
            ("remove", [Bson::Doc(f)]) => {
                let n = self.remove(ns, f, false, env)?;
                Ok(Val::Printed(format!(
                    "WriteResult({})",
                    tojson(
                        &Bson::Doc(vec![("nRemoved".into(), Bson::Double(n as f64))]),
                        "",
                        None
                    )
                )))
            }
            ("deleteOne" | "deleteMany", [Bson::Doc(f)]) => {
                let n = self.remove(ns, f, name == "deleteOne", env)?;
                Ok(Val::Bson(Bson::Doc(vec![
                    ("acknowledged".into(), Bson::Bool(true)),
                    ("deletedCount".into(), Bson::Double(n as f64)),
                ])))
            }
            ("drop", []) => {
                let mut cat = storage::load(env.vfs)?;
                let existed = storage::drop(env.vfs, &mut cat, ns);
                if existed {
                    storage::save(env.vfs, &cat)?;
                }
                Ok(Val::Bson(Bson::Bool(existed)))
            }
            ("getName", []) => Ok(Val::Bson(Bson::Str(
                ns.split_once('.').map(|(_, c)| c).unwrap_or("").to_string(),
            ))),
            ("getFullName", []) => Ok(Val::Bson(Bson::Str(ns.to_string()))),
            _ => Err(Fail(format!(
                "{}.{name}() with these arguments",
                ns.split_once('.').map(|(_, c)| c).unwrap_or(ns)
            ))),
        }
    }

    fn cursor_method(
        &mut self,
        mut c: Cursor,
        name: &str,
        args: Vec<Bson>,
        env: &mut Env<'_>,
        _o: &mut Output,
    ) -> Result<Val, Fail> {
        match (name, args.as_slice()) {
            ("pretty", []) => {
                c.pretty = true;
                Ok(Val::Cursor(c))
            }
            ("limit", [Bson::Double(n)]) if *n >= 0.0 => {
                c.limit = *n as usize;
                Ok(Val::Cursor(c))
            }
            ("skip", [Bson::Double(n)]) if *n >= 0.0 => {
                c.skip = *n as usize;
                Ok(Val::Cursor(c))
            }
            // `count()` ignores skip and limit unless asked; `size()` applies them.
            ("count", []) => {
                c.skip = 0;
                c.limit = 0;
                Ok(Val::Bson(Bson::Double(
                    self.run_query(&c, env)?.len() as f64
                )))
            }
            ("size", []) => Ok(Val::Bson(Bson::Double(
                self.run_query(&c, env)?.len() as f64
            ))),
            ("toArray", []) => Ok(Val::Bson(Bson::Array(
                self.run_query(&c, env)?
                    .into_iter()
                    .map(Bson::Doc)
                    .collect(),
            ))),
            _ => Err(Fail(format!("the cursor's {name}() with these arguments"))),
        }
    }

    /// Inserts documents (an `_id` ObjectId put first where there is none); their `_id`s.
    fn insert(&mut self, ns: &str, docs: Vec<Doc>, env: &mut Env<'_>) -> Result<Vec<Bson>, Fail> {
        let mut cat: Catalog = storage::load(env.vfs)?;
        let e = storage::create(env.vfs, &mut cat, ns)?;
        let mut all = storage::read_docs(env.vfs, &e);
        let mut ids = Vec::new();
        for mut d in docs {
            if !d.iter().any(|(k, _)| k == "_id") {
                d.insert(0, ("_id".into(), self.new_oid(env.now)));
            }
            let id = super::value::get(&d, "_id").cloned().unwrap_or(Bson::Null);
            if all.iter().any(|x| super::value::get(x, "_id") == Some(&id)) {
                return Err(Fail(format!(
                    "a duplicate _id ({})",
                    tojson(&id, "", Some(true))
                )));
            }
            if super::value::size(&d) > MAX_DOC_BYTES {
                return Err(Fail(format!(
                    "documents over {MAX_DOC_BYTES} bytes (kubelab's limit)"
                )));
            }
            if all.len() >= MAX_DOCS {
                return Err(Fail(format!(
                    "more than {MAX_DOCS} documents in a collection (kubelab's limit)"
                )));
            }
            ids.push(id);
            all.push(d);
        }
        storage::write_docs(env.vfs, &e, &all)?;
        storage::save(env.vfs, &cat)?;
        Ok(ids)
    }

    fn remove(&mut self, ns: &str, f: &Doc, one: bool, env: &mut Env<'_>) -> Result<usize, Fail> {
        let cat = storage::load(env.vfs)?;
        let Some(e) = cat.find(ns).cloned() else {
            return Ok(0);
        };
        let docs = storage::read_docs(env.vfs, &e);
        let mut keep = Vec::new();
        let mut n = 0;
        for d in docs {
            if (!one || n == 0) && query::matches(&d, f)? {
                n += 1;
            } else {
                keep.push(d);
            }
        }
        if n > 0 {
            storage::write_docs(env.vfs, &e, &keep)?;
        }
        Ok(n)
    }
}

/// The names `db.NAME` reads as the database's methods rather than collections.
const DB_METHODS: &[&str] = &[
    "getName",
    "getCollection",
    "getCollectionNames",
    "getSiblingDB",
    "dropDatabase",
    "stats",
    "createCollection",
    "runCommand",
    "adminCommand",
    "getMongo",
    "help",
];

/// The names `db.C.NAME` reads as the collection's methods.
const COLL_METHODS: &[&str] = &[
    "insert",
    "insertOne",
    "insertMany",
    "find",
    "findOne",
    "count",
    "countDocuments",
    "estimatedDocumentCount",
    "remove",
    "deleteOne",
    "deleteMany",
    "drop",
    "getName",
    "getFullName",
    "update",
    "updateOne",
    "updateMany",
    "replaceOne",
    "aggregate",
    "createIndex",
    "getIndexes",
    "distinct",
    "stats",
    "help",
];

fn docs_of(items: &[Bson]) -> Result<Vec<Doc>, Fail> {
    items
        .iter()
        .map(|i| match i {
            Bson::Doc(d) => Ok(d.clone()),
            _ => Err(Fail("inserting a value that is not a document".into())),
        })
        .collect()
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
