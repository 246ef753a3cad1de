//! How the shell prints a line's value: the legacy shell's `shellPrintHelper` and
//! `DBQuery.prototype.shellPrint`, mongosh's `formatOutput` (through `inspect.rs`).

use super::super::value::{Bson, tojson};
use super::{Cursor, Env, Fail, Output, Shell, Val};

/// `DBQuery.shellBatchSize`; mongosh's `displayBatchSize`.
const BATCH: usize = 20;

/// An array kubelab does not print as mongosh would (a grid of short entries).
fn grid(_: super::super::inspect::Grid) -> Fail {
    Fail("printing an array of more than six short entries (Node's grid layout)".into())
}

impl Shell {
    /// `shellPrintHelper`; mongosh's `formatOutput`.
    pub(super) fn print(&mut self, v: Val, env: &mut Env<'_>, o: &mut Output) -> Result<(), Fail> {
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
    pub(super) fn print_cursor(
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
    pub(super) fn print_mongosh(
        &mut self,
        v: Val,
        env: &mut Env<'_>,
        o: &mut Output,
    ) -> Result<(), Fail> {
        let text = match v {
            Val::Undefined => return Ok(()),
            Val::Bson(Bson::Str(s)) => s,
            Val::Bson(b) => super::super::inspect::inspect(&b, Some(6)).map_err(grid)?,
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
                let mut s = super::super::inspect::inspect(&batch, None).map_err(grid)?;
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
}
