//! A line's JavaScript evaluated over `db`: names, literals, `new ObjectId()`, the shell's
//! functions (`print`, `printjson`, `ObjectId()`), the database's and cursors' methods; the
//! collections' methods are `collection.rs`.

use super::super::parse::{self, Expr};
use super::super::storage;
use super::super::value::{Bson, Doc, js_number, tojson};
use super::collection::COLL_METHODS;
use super::{Cursor, Env, Fail, Output, Shell, Val, collection_names};

impl Shell {
    pub(super) fn eval(
        &mut self,
        e: &Expr,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Val, Fail> {
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
    pub(super) fn value(
        &mut self,
        e: &Expr,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<Bson, Fail> {
        match self.eval(e, env, o)? {
            Val::Bson(b) => Ok(b),
            Val::Db(d) => Ok(Bson::Str(d)),
            _ => Err(Fail("this value as an argument".into())),
        }
    }

    pub(super) fn function(
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

    pub(super) fn method(
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

    pub(super) fn db_method(
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

    pub(super) fn cursor_method(
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
