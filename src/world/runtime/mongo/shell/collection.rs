//! A collection's methods (`insert*`, `find*`, `count*`, `remove`, `delete*`, `drop`) over
//! the server's files (`storage.rs`), with mongosh's results and deprecation warnings where
//! they differ from the legacy shell's.

use super::super::query;
use super::super::storage::{self, Catalog, MAX_DOC_BYTES, MAX_DOCS};
use super::super::value::{Bson, Doc, tojson};
use super::{Cursor, Env, Fail, Output, Shell, Val};

/// mongosh 2.5.10's `packages/shell-api/src/collection.ts` deprecation messages.
const INSERT_DEPRECATED: &str =
    "Collection.insert() is deprecated. Use insertOne, insertMany, or bulkWrite.";
const COUNT_DEPRECATED: &str =
    "Collection.count() is deprecated. Use countDocuments or estimatedDocumentCount.";
const REMOVE_DEPRECATED: &str =
    "Collection.remove() is deprecated. Use deleteOne, deleteMany, findOneAndDelete, or bulkWrite.";

impl Shell {
    pub(super) fn coll_method(
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
                Ok(Val::Bson(super::super::mongosh::insert_many_result(ids)))
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
                    return Ok(Val::Bson(super::super::mongosh::insert_many_result(ids)));
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

    pub(super) fn run_query(&self, c: &Cursor, env: &mut Env<'_>) -> Result<Vec<Doc>, Fail> {
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

    /// Inserts documents (an `_id` ObjectId put first where there is none); their `_id`s.
    pub(super) fn insert(
        &mut self,
        ns: &str,
        docs: Vec<Doc>,
        env: &mut Env<'_>,
    ) -> Result<Vec<Bson>, Fail> {
        let mut cat: Catalog = storage::load(env.vfs)?;
        let e = storage::create(env.vfs, &mut cat, ns)?;
        let mut all = storage::read_docs(env.vfs, &e);
        let mut ids = Vec::new();
        for mut d in docs {
            if !d.iter().any(|(k, _)| k == "_id") {
                d.insert(0, ("_id".into(), self.new_oid(env.now)));
            }
            let id = super::super::value::get(&d, "_id")
                .cloned()
                .unwrap_or(Bson::Null);
            if all
                .iter()
                .any(|x| super::super::value::get(x, "_id") == Some(&id))
            {
                return Err(Fail(format!(
                    "a duplicate _id ({})",
                    tojson(&id, "", Some(true))
                )));
            }
            if super::super::value::size(&d) > MAX_DOC_BYTES {
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

    pub(super) fn remove(
        &mut self,
        ns: &str,
        f: &Doc,
        one: bool,
        env: &mut Env<'_>,
    ) -> Result<usize, Fail> {
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

/// The names `db.C.NAME` reads as the collection's methods.
pub(super) const COLL_METHODS: &[&str] = &[
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
