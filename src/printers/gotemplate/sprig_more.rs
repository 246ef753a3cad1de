//! More of Sprig: the `must*` twins of implemented functions (same results; kubelab's versions
//! already fail instead of panicking), JSON variants, paths, and the Sprig/Helm functions
//! kubelab does not implement, which refuse plainly instead of Go's `function "x" not
//! defined` (which would wrongly suggest Helm lacks them).

use gotmpl::{FuncMap, Value};

use super::sprig_util::{R, add, err, s, string_arg, to_f64, to_i64, want, want_at_least};

/// Implemented functions and their `must*` names.
const MUST_ALIASES: &[(&str, &str)] = &[
    ("mustFirst", "first"),
    ("mustLast", "last"),
    ("mustRest", "rest"),
    ("mustInitial", "initial"),
    ("mustAppend", "append"),
    ("mustPush", "push"),
    ("mustPrepend", "prepend"),
    ("mustReverse", "reverse"),
    ("mustUniq", "uniq"),
    ("mustWithout", "without"),
    ("mustHas", "has"),
    ("mustCompact", "compact"),
    ("mustMerge", "merge"),
    ("mustMergeOverwrite", "mergeOverwrite"),
    ("mustDeepCopy", "deepCopy"),
    ("mustRegexMatch", "regexMatch"),
    ("mustRegexFind", "regexFind"),
    ("mustRegexFindAll", "regexFindAll"),
    ("mustRegexReplaceAll", "regexReplaceAll"),
    ("mustRegexReplaceAllLiteral", "regexReplaceAllLiteral"),
    ("mustRegexSplit", "regexSplit"),
    ("biggest", "max"),
    ("trimall", "trimAll"),
];

/// Sprig and Helm functions kubelab does not implement.
pub const NOT_IMPLEMENTED: &[&str] = &[
    "hello",
    "abbrevboth",
    "wrap",
    "wrapWith",
    "seq",
    "toDecimal",
    "splitn",
    "add1f",
    "b32enc",
    "b32dec",
    "typeIsLike",
    "chunk",
    "mustChunk",
    "mustSlice",
    "semver",
    "urlParse",
    "urlJoin",
    "osBase",
    "osClean",
    "osDir",
    "osExt",
    "osIsAbs",
    "mustToDate",
    "must_date_modify",
    "mustDateModify",
    "mustFromJson",
    "mustFromYaml",
    "mustToPrettyJson",
    "mustToRawJson",
];

/// Registers the aliases, JSON variants, path functions and plain refusals.
pub fn register(m: &mut FuncMap) {
    for (alias, name) in MUST_ALIASES {
        if let Some(f) = m.get(*name).cloned() {
            m.insert((*alias).to_string(), f);
        }
    }
    add(m, "toPrettyJson", |a| {
        want("toPrettyJson", a, 1)?;
        Ok(s(pretty_json(&super::convert::to_json(&a[0]))))
    });
    add(m, "toRawJson", |a| {
        want("toRawJson", a, 1)?;
        let j = crate::printers::json::to_json_compact(&super::convert::to_json(&a[0]));
        Ok(s(j
            .replace("\\u003c", "<")
            .replace("\\u003e", ">")
            .replace("\\u0026", "&")))
    });
    add(m, "round", |a| {
        want_at_least("round", a, 2)?;
        let p = to_i64(&a[1]).clamp(0, 15) as i32;
        let f = 10f64.powi(p);
        Ok(Value::Float((to_f64(&a[0]) * f).round() / f))
    });
    add(m, "swapcase", |a| {
        want("swapcase", a, 1)?;
        Ok(s(string_arg(&a[0])?
            .chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect::<Vec<_>>()
                }
            })
            .collect::<String>()))
    });
    add(m, "initials", |a| {
        want("initials", a, 1)?;
        Ok(s(string_arg(&a[0])?
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect::<String>()))
    });
    add(m, "base", |a| path_fn(a, "base", path_base));
    add(m, "dir", |a| path_fn(a, "dir", path_dir));
    add(m, "ext", |a| {
        path_fn(a, "ext", |p| {
            let b = path_base(p);
            b.rfind('.').map(|i| b[i..].to_string()).unwrap_or_default()
        })
    });
    add(m, "isAbs", |a| {
        want("isAbs", a, 1)?;
        Ok(Value::Bool(string_arg(&a[0])?.starts_with('/')))
    });
    for &name in NOT_IMPLEMENTED {
        add(m, name, move |_a| -> R {
            Err(err(format!(
                "kubelab does not support the Sprig function {name}"
            )))
        });
    }
}

fn path_fn(a: &[Value], name: &str, f: impl Fn(&str) -> String) -> R {
    want(name, a, 1)?;
    Ok(s(f(&string_arg(&a[0])?)))
}

/// Go's `path.Base`.
fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir` (without `Clean`'s `..` handling).
fn path_dir(p: &str) -> String {
    match p.rfind('/') {
        None => ".".into(),
        Some(0) => "/".into(),
        Some(i) => {
            let d = p[..i].trim_end_matches('/');
            if d.is_empty() {
                "/".into()
            } else {
                d.to_string()
            }
        }
    }
}

/// `json.MarshalIndent(v, "", "  ")`.
fn pretty_json(v: &serde_json::Value) -> String {
    fn go(v: &serde_json::Value, depth: usize, out: &mut String) {
        let pad = |d: usize| "  ".repeat(d);
        match v {
            serde_json::Value::Array(a) if !a.is_empty() => {
                out.push_str("[\n");
                for (i, x) in a.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    go(x, depth + 1, out);
                    if i + 1 < a.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&pad(depth));
                out.push(']');
            }
            serde_json::Value::Object(m) if !m.is_empty() => {
                out.push_str("{\n");
                for (i, (k, x)) in m.iter().enumerate() {
                    out.push_str(&pad(depth + 1));
                    crate::printers::json::write_string(out, k);
                    out.push_str(": ");
                    go(x, depth + 1, out);
                    if i + 1 < m.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&pad(depth));
                out.push('}');
            }
            other => out.push_str(&crate::printers::json::to_json_compact(other)),
        }
    }
    let mut out = String::new();
    go(v, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unimplemented_functions_refuse_plainly() {
        let t = gotmpl::Template::new("t")
            .funcs(crate::printers::gotemplate::sprig())
            .parse("{{ wrap 5 \"a b c\" }}")
            .unwrap();
        let e = t.execute_to_string(&Value::Nil).unwrap_err().to_string();
        assert!(
            e.ends_with("error calling wrap: kubelab does not support the Sprig function wrap"),
            "{e}"
        );
    }

    #[test]
    fn paths() {
        assert_eq!(path_base("/a/b/"), "b");
        assert_eq!(path_dir("a"), ".");
        assert_eq!(path_dir("/a"), "/");
    }
}
