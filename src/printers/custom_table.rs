//! `kubectl get` tables of custom resources: the apiserver's table convertor for CRDs'
//! `additionalPrinterColumns` (`apiextensions-apiserver pkg/registry/customresource/
//! tableconvertor`): `NAME`, then each column (upper-cased), priority > 0 only with `-o wide`;
//! `NAME AGE` when none are declared. Cells: the first JSONPath result; `string` columns as the
//! JSONPath printer prints it, `integer` (floats truncated), `number`, `boolean` typed, `date`
//! as an age; anything else (or nothing found) an empty cell.

use serde_json::Value;

use super::age::age;
use super::jsonpath::{JsonPath, text_of};
use super::table::{TableOptions, table_of};
use crate::world::api::meta;
use crate::world::clock::Millis;
use crate::world::crd::Column;
use crate::world::crd::values::go_float;

/// The table of custom resources whose version declares `columns`.
pub fn table<V: std::borrow::Borrow<Value>>(
    columns: &[Column],
    objs: &[V],
    opts: &TableOptions,
    now: Millis,
) -> Vec<Vec<String>> {
    if columns.is_empty() {
        let base = vec!["NAME".to_string(), "AGE".to_string()];
        return table_of(&base, &[], objs, opts, true, &|o: &Value, _| {
            vec![
                meta::name(o).to_string(),
                age(meta::str_at(o, &["metadata", "creationTimestamp"]), now),
            ]
        });
    }
    let paths: Vec<Option<JsonPath>> = columns
        .iter()
        .map(|c| JsonPath::parse(&format!("{{{}}}", c.json_path)).ok())
        .collect();
    // Columns keep the CRD's order; priority > 0 ones only with `-o wide`.
    let shown = |c: &Column| c.priority == 0 || opts.wide;
    let mut base = vec!["NAME".to_string()];
    base.extend(
        columns
            .iter()
            .filter(|c| shown(c))
            .map(|c| c.name.to_uppercase()),
    );
    let row = |o: &Value, _: bool| -> Vec<String> {
        let mut row = vec![meta::name(o).to_string()];
        for (c, p) in columns.iter().zip(&paths) {
            if !shown(c) {
                continue;
            }
            let value = p
                .as_ref()
                .and_then(|p| p.find(o).ok())
                .and_then(|r| r.into_iter().next())
                .and_then(|r| r.into_iter().next());
            row.push(value.map(|v| cell(&c.kind, &v, now)).unwrap_or_default());
        }
        row
    };
    table_of(&base, &[], objs, opts, true, &row)
}

/// `cellForJSONValue`, printed as kubectl prints a cell.
fn cell(kind: &str, v: &Value, now: Millis) -> String {
    match (kind, v) {
        (_, Value::Null) => String::new(),
        ("string", v) => text_of(v),
        ("integer", Value::Number(n)) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => (n.as_f64().unwrap_or(0.0) as i64).to_string(),
        },
        ("number", Value::Number(n)) => go_float(n.as_f64().unwrap_or(0.0)),
        ("boolean", Value::Bool(b)) => b.to_string(),
        ("date", Value::String(s)) => match crate::world::clock::parse_rfc3339(s) {
            Some(_) => age(Some(s), now),
            None => "<invalid>".into(),
        },
        _ => String::new(),
    }
}
