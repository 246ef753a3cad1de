//! Query filters as mongod matches them, for what kubelab reads: equality on a field (a dotted
//! path reaches into embedded documents; an array field matches when one of its elements is
//! equal; `null` matches a missing field), and the comparison operators `$eq`, `$ne`, `$gt`,
//! `$gte`, `$lt`, `$lte`, `$in`, `$nin`, `$exists`. Other operators are named as what kubelab
//! does not simulate.

use std::cmp::Ordering;

use super::value::{Bson, Doc, equal, get, order};

/// A filter kubelab cannot evaluate: the operator it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// Whether `doc` matches `filter`.
pub fn matches(doc: &Doc, filter: &Doc) -> Result<bool, Unsupported> {
    for (k, cond) in filter {
        if k.starts_with('$') {
            return Err(Unsupported(format!("the query operator {k}")));
        }
        let values = lookup(doc, k);
        let ok = match cond {
            Bson::Doc(ops) if ops.first().is_some_and(|(o, _)| o.starts_with('$')) => {
                let mut all = true;
                for (op, arg) in ops {
                    all &= operator(&values, op, arg)?;
                }
                all
            }
            v => eq_any(&values, v),
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The values a dotted path reaches (several through arrays); empty when the field is missing.
fn lookup<'d>(doc: &'d Doc, path: &str) -> Vec<&'d Bson> {
    let mut cur: Vec<&Bson> = Vec::new();
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return cur;
    };
    cur.extend(get(doc, first));
    for p in parts {
        let mut next = Vec::new();
        for v in cur {
            match v {
                Bson::Doc(d) => next.extend(get(d, p)),
                Bson::Array(items) => {
                    for it in items {
                        if let Bson::Doc(d) = it {
                            next.extend(get(d, p));
                        }
                    }
                }
                _ => {}
            }
        }
        cur = next;
    }
    cur
}

/// Equality as a query means it: the value itself, or an element of an array value; `null`
/// also matches a missing field.
fn eq_any(values: &[&Bson], v: &Bson) -> bool {
    if values.is_empty() {
        return *v == Bson::Null;
    }
    values.iter().any(|x| {
        equal(x, v) || matches!(x, Bson::Array(items) if items.iter().any(|i| equal(i, v)))
    })
}

fn cmp_any(values: &[&Bson], v: &Bson, want: fn(Ordering) -> bool) -> bool {
    values.iter().any(|x| {
        let one = |a: &Bson| order(a, v).is_some_and(want);
        one(x) || matches!(x, Bson::Array(items) if items.iter().any(one))
    })
}

fn operator(values: &[&Bson], op: &str, arg: &Bson) -> Result<bool, Unsupported> {
    Ok(match op {
        "$eq" => eq_any(values, arg),
        "$ne" => !eq_any(values, arg),
        "$gt" => cmp_any(values, arg, |o| o == Ordering::Greater),
        "$gte" => cmp_any(values, arg, |o| o != Ordering::Less),
        "$lt" => cmp_any(values, arg, |o| o == Ordering::Less),
        "$lte" => cmp_any(values, arg, |o| o != Ordering::Greater),
        "$in" | "$nin" => {
            let Bson::Array(items) = arg else {
                return Err(Unsupported(format!("{op} without an array")));
            };
            let any = items.iter().any(|i| eq_any(values, i));
            if op == "$in" { any } else { !any }
        }
        "$exists" => {
            let want = !matches!(arg, Bson::Bool(false) | Bson::Null) && *arg != Bson::Double(0.0);
            values.is_empty() != want
        }
        other => return Err(Unsupported(format!("the query operator {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(fields: &[(&str, Bson)]) -> Doc {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn filters_match_as_mongod_does() {
        let doc = d(&[
            ("name", Bson::Str("foo".into())),
            ("n", Bson::Double(3.0)),
            (
                "tags",
                Bson::Array(vec![Bson::Str("a".into()), Bson::Str("b".into())]),
            ),
            ("sub", Bson::Doc(d(&[("x", Bson::Double(1.0))]))),
        ]);
        let m = |f: Doc| matches(&doc, &f).unwrap();
        assert!(m(d(&[])));
        assert!(m(d(&[("name", Bson::Str("foo".into()))])));
        assert!(!m(d(&[("name", Bson::Str("bar".into()))])));
        assert!(m(d(&[("tags", Bson::Str("b".into()))])));
        assert!(m(d(&[("sub.x", Bson::Double(1.0))])));
        assert!(m(d(&[("missing", Bson::Null)])));
        assert!(m(d(&[(
            "n",
            Bson::Doc(d(&[
                ("$gt", Bson::Double(2.0)),
                ("$lte", Bson::Double(3.0))
            ]))
        )])));
        assert!(!m(d(&[(
            "n",
            Bson::Doc(d(&[("$gt", Bson::Str("2".into()))]))
        )])));
        assert!(m(d(&[(
            "missing",
            Bson::Doc(d(&[("$exists", Bson::Bool(false))]))
        )])));
        assert!(matches(&doc, &d(&[("$where", Bson::Str("x".into()))])).is_err());
        assert!(matches(&doc, &d(&[("n", Bson::Doc(d(&[("$regex", Bson::Null)])))])).is_err());
    }
}
