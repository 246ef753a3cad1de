//! Sprig's list and dict functions (`list.go`, `dict.go`).
//!
//! Known difference: template values are immutable here, so `set`, `unset`, `merge` and
//! `mergeOverwrite` return the changed dict but do not change the dict passed in (Go mutates
//! it). Templates that use the returned value (`$d := merge $a $b`) behave as in Helm; ones
//! that rely on the side effect (`$_ := set $d "k" "v"` and then read `$d.k`) do not — see
//! docs/helm.md.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{FuncMap, Value};

use super::sprig_util::{
    add, empty, err, go_type, int_arg, list, list_items, map, s, string_arg, strval, want,
    want_at_least,
};

/// Registers the list and dict functions.
pub fn register(m: &mut FuncMap) {
    add(m, "list", |a| Ok(list(a.to_vec())));
    add(m, "tuple", |a| Ok(list(a.to_vec())));
    add(m, "first", |a| {
        want("first", a, 1)?;
        let l = list_items("find first", &a[0])?;
        Ok(l.first().cloned().unwrap_or(Value::Nil))
    });
    add(m, "last", |a| {
        want("last", a, 1)?;
        let l = list_items("find last", &a[0])?;
        Ok(l.last().cloned().unwrap_or(Value::Nil))
    });
    add(m, "rest", |a| {
        want("rest", a, 1)?;
        let l = list_items("find rest", &a[0])?;
        Ok(if l.is_empty() {
            Value::Nil
        } else {
            list(l[1..].to_vec())
        })
    });
    add(m, "initial", |a| {
        want("initial", a, 1)?;
        let l = list_items("find initial", &a[0])?;
        Ok(if l.is_empty() {
            Value::Nil
        } else {
            list(l[..l.len() - 1].to_vec())
        })
    });
    for name in ["append", "push"] {
        add(m, name, |a| {
            want("append", a, 2)?;
            let mut l = list_items("push", &a[0])?;
            l.push(a[1].clone());
            Ok(list(l))
        });
    }
    add(m, "prepend", |a| {
        want("prepend", a, 2)?;
        let mut l = list_items("prepend", &a[0])?;
        l.insert(0, a[1].clone());
        Ok(list(l))
    });
    add(m, "concat", |a| {
        let mut out = Vec::new();
        for l in a {
            out.extend(list_items("concat", l)?);
        }
        Ok(list(out))
    });
    add(m, "reverse", |a| {
        want("reverse", a, 1)?;
        let mut l = list_items("find reverse", &a[0])?;
        l.reverse();
        Ok(list(l))
    });
    add(m, "uniq", |a| {
        want("uniq", a, 1)?;
        let mut out: Vec<Value> = Vec::new();
        for v in list_items("find uniq", &a[0])? {
            if !out.iter().any(|o| deep_equal(o, &v)) {
                out.push(v);
            }
        }
        Ok(list(out))
    });
    add(m, "compact", |a| {
        want("compact", a, 1)?;
        Ok(list(
            list_items("compact", &a[0])?
                .into_iter()
                .filter(|v| !empty(v))
                .collect(),
        ))
    });
    add(m, "without", |a| {
        want_at_least("without", a, 1)?;
        let l = list_items("find without", &a[0])?;
        Ok(list(
            l.into_iter()
                .filter(|v| !a[1..].iter().any(|o| deep_equal(o, v)))
                .collect(),
        ))
    });
    add(m, "has", |a| {
        want("has", a, 2)?;
        let l = match &a[1] {
            Value::Nil => return Ok(Value::Bool(false)),
            other => list_items("find has", other)?,
        };
        Ok(Value::Bool(l.iter().any(|v| deep_equal(v, &a[0]))))
    });
    add(m, "sortAlpha", |a| {
        want("sortAlpha", a, 1)?;
        let mut l = super::sprig_util::strslice(&a[0]);
        l.sort();
        Ok(list(l.into_iter().map(s).collect()))
    });
    add(m, "until", |a| {
        want("until", a, 1)?;
        let n = int_arg(&a[0])?;
        Ok(list(step_range(0, n, if n < 0 { -1 } else { 1 })?))
    });
    add(m, "untilStep", |a| {
        want("untilStep", a, 3)?;
        Ok(list(step_range(
            int_arg(&a[0])?,
            int_arg(&a[1])?,
            int_arg(&a[2])?,
        )?))
    });
    add(m, "dict", |a| {
        let mut out = BTreeMap::new();
        for pair in a.chunks(2) {
            let k = strval(&pair[0]);
            let v = pair.get(1).cloned().unwrap_or_else(|| s(""));
            out.insert(Arc::from(k.as_str()), v);
        }
        Ok(map(out))
    });
    add(m, "get", |a| {
        want("get", a, 2)?;
        let key = string_arg(&a[1])?;
        Ok(dict_of(&a[0])?
            .get(key.as_str())
            .cloned()
            .unwrap_or_else(|| s("")))
    });
    add(m, "hasKey", |a| {
        want("hasKey", a, 2)?;
        let key = string_arg(&a[1])?;
        Ok(Value::Bool(dict_of(&a[0])?.contains_key(key.as_str())))
    });
    add(m, "set", |a| {
        want("set", a, 3)?;
        let mut d = dict_of(&a[0])?;
        d.insert(Arc::from(string_arg(&a[1])?.as_str()), a[2].clone());
        Ok(map(d))
    });
    add(m, "unset", |a| {
        want("unset", a, 2)?;
        let mut d = dict_of(&a[0])?;
        d.remove(string_arg(&a[1])?.as_str());
        Ok(map(d))
    });
    add(m, "keys", |a| {
        let mut out = Vec::new();
        for d in a {
            out.extend(dict_of(d)?.keys().map(s));
        }
        Ok(list(out))
    });
    add(m, "values", |a| {
        want("values", a, 1)?;
        Ok(list(dict_of(&a[0])?.values().cloned().collect()))
    });
    add(m, "pluck", |a| {
        want_at_least("pluck", a, 1)?;
        let key = string_arg(&a[0])?;
        let mut out = Vec::new();
        for d in &a[1..] {
            if let Some(v) = dict_of(d)?.get(key.as_str()) {
                out.push(v.clone());
            }
        }
        Ok(list(out))
    });
    add(m, "pick", |a| {
        want_at_least("pick", a, 1)?;
        let d = dict_of(&a[0])?;
        let keys: Vec<String> = a[1..].iter().map(strval).collect();
        Ok(map(d
            .into_iter()
            .filter(|(k, _)| keys.iter().any(|x| **x == **k))
            .collect()))
    });
    add(m, "omit", |a| {
        want_at_least("omit", a, 1)?;
        let d = dict_of(&a[0])?;
        let keys: Vec<String> = a[1..].iter().map(strval).collect();
        Ok(map(d
            .into_iter()
            .filter(|(k, _)| !keys.iter().any(|x| **x == **k))
            .collect()))
    });
    add(m, "merge", |a| {
        want_at_least("merge", a, 1)?;
        let mut dst = dict_of(&a[0])?;
        for src in &a[1..] {
            merge_into(&mut dst, &dict_of(src)?, false);
        }
        Ok(map(dst))
    });
    add(m, "mergeOverwrite", |a| {
        want_at_least("mergeOverwrite", a, 1)?;
        let mut dst = dict_of(&a[0])?;
        for src in &a[1..] {
            merge_into(&mut dst, &dict_of(src)?, true);
        }
        Ok(map(dst))
    });
    add(m, "deepCopy", |a| {
        want("deepCopy", a, 1)?;
        Ok(a[0].clone())
    });
    add(m, "dig", |a| {
        want_at_least("dig", a, 3)?;
        let d = &a[a.len() - 1];
        let default = a[a.len() - 2].clone();
        let mut cur = d.clone();
        for k in &a[..a.len() - 2] {
            let key = string_arg(k)?;
            match dict_of(&cur)?.get(key.as_str()) {
                Some(v) => cur = v.clone(),
                None => return Ok(default),
            }
        }
        Ok(cur)
    });
}

/// A dict argument's entries (`map[string]interface{}`), or Go's argument type error.
pub fn dict_of(v: &Value) -> Result<BTreeMap<Arc<str>, Value>, gotmpl::TemplateError> {
    match v {
        Value::Map(m) => Ok((**m).clone()),
        other => Err(gotmpl::TemplateError::Exec(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            go_type(other)
        ))),
    }
}

/// mergo's `Merge` (keep `dst`'s non-empty values, recurse into maps) or, with `overwrite`,
/// `WithOverride` (a non-empty `src` value replaces `dst`'s).
fn merge_into(
    dst: &mut BTreeMap<Arc<str>, Value>,
    src: &BTreeMap<Arc<str>, Value>,
    overwrite: bool,
) {
    for (k, sv) in src {
        match dst.get_mut(k) {
            Some(Value::Map(dm)) if matches!(sv, Value::Map(_)) => {
                let Value::Map(sm) = sv else { continue };
                let mut inner = (**dm).clone();
                merge_into(&mut inner, sm, overwrite);
                *dm = Arc::new(inner);
            }
            Some(dv) => {
                if (overwrite && !empty(sv)) || empty(dv) {
                    *dv = sv.clone();
                }
            }
            None => {
                dst.insert(k.clone(), sv.clone());
            }
        }
    }
}

fn step_range(start: i64, stop: i64, step: i64) -> Result<Vec<Value>, gotmpl::TemplateError> {
    let mut out = Vec::new();
    if step == 0 {
        return Ok(out);
    }
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if out.len() >= 1 << 20 {
            return Err(err(
                "kubelab does not support lists over 1048576 items from until",
            ));
        }
        out.push(Value::Int(i));
        i += step;
    }
    Ok(out)
}

/// Go's `reflect.DeepEqual` on template data (types must match).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_destination_values() {
        let mut d = BTreeMap::new();
        d.insert(Arc::from("a"), s("1"));
        let mut src = BTreeMap::new();
        src.insert(Arc::from("a"), s("2"));
        src.insert(Arc::from("b"), s("3"));
        let mut keep = d.clone();
        merge_into(&mut keep, &src, false);
        assert_eq!(keep[&Arc::from("a")], s("1"));
        assert_eq!(keep[&Arc::from("b")], s("3"));
        merge_into(&mut d, &src, true);
        assert_eq!(d[&Arc::from("a")], s("2"));
    }
}
