//! `--sort-by` (`kubectl pkg/cmd/get/sorter.go`): objects ordered by the first value a relaxed
//! jsonpath finds; numbers numerically, strings in natural order (`sortorder.NaturalLess`),
//! objects without the field first. The sort is stable.

use std::cmp::Ordering;

use serde_json::Value;

use super::outcome::Failure;
use crate::printers::jsonpath::{JsonPath, relaxed};

/// Sorts `objs` in place by the field `expr` names.
pub fn sort_by<V: Clone + std::borrow::Borrow<Value>>(
    objs: &mut [V],
    expr: &str,
) -> Result<(), Failure> {
    let t = relaxed(expr).map_err(Failure::Message)?;
    let jp = JsonPath::parse(&t).map_err(Failure::Message)?;
    if !objs.is_empty() {
        let any = objs.iter().any(|o| {
            jp.find(o.borrow())
                .map(|r| r.iter().any(|x| !x.is_empty()))
                .unwrap_or(false)
        });
        if !any {
            return Err(Failure::Message(format!(
                "couldn't find any field with path \"{t}\" in the list of objects"
            )));
        }
    }
    let mut keyed: Vec<(Option<Value>, V)> = objs
        .iter()
        .map(|o| {
            let k = jp
                .find(o.borrow())
                .ok()
                .and_then(|r| r.into_iter().flatten().next());
            (k, o.clone())
        })
        .collect();
    keyed.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => compare(x, y),
    });
    for (slot, (_, o)) in objs.iter_mut().zip(keyed) {
        *slot = o;
    }
    Ok(())
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .partial_cmp(&y.as_f64().unwrap_or(0.0))
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => natural(x, y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => crate::printers::jsonpath::compact_json(a)
            .cmp(&crate::printers::jsonpath::compact_json(b)),
    }
}

/// Natural order: runs of digits compare as numbers.
pub fn natural(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            let x = std::str::from_utf8(&a[si..i])
                .unwrap_or("0")
                .trim_start_matches('0');
            let y = std::str::from_utf8(&b[sj..j])
                .unwrap_or("0")
                .trim_start_matches('0');
            let o = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
            if o != Ordering::Equal {
                return o;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_and_natural_strings() {
        let mut v = vec![
            json!({"n": "web-10", "r": 3}),
            json!({"n": "web-2", "r": 1}),
            json!({"x": 1}),
        ];
        sort_by(&mut v, ".n").unwrap();
        assert_eq!(v[0], json!({"x": 1}));
        assert_eq!(v[1]["n"], "web-2");
        sort_by(&mut v, "{.r}").unwrap();
        assert_eq!(v[1]["r"], 1);
    }
}
