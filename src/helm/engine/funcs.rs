//! Helm's own template functions (`pkg/engine/funcs.go`, `engine.go` `initFunMap`) and the
//! method-carrying values (`.Files`, `.Capabilities.APIVersions`).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, Weak};

use gotmpl::{FuncMap, Template, Value};

use crate::printers::gotemplate::convert::{from_json, from_json_typed, to_json};
use crate::printers::gotemplate::sprig_util::{add, err, list, s, string_arg, want};

/// Helm wraps `required`/`fail` messages in these markers and cuts them out of the final error.
pub const ERR_START: &str = "HELM_ERR_START";
/// See [`ERR_START`].
pub const ERR_END: &str = "HELM_ERR_END";

/// `include` recursion limit (Helm's `recursionMaxNums`).
const MAX_INCLUDE_DEPTH: usize = 1000;

/// Helm's functions. `slot` receives the parsed template set once all files are parsed
/// (`include` and `tpl` run templates of it).
pub fn helm_funcs(slot: &Arc<OnceLock<Template>>, lookup: super::Lookup) -> FuncMap {
    let mut m = FuncMap::new();
    let weak: Weak<OnceLock<Template>> = Arc::downgrade(slot);
    let depth = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    {
        let weak = weak.clone();
        add(&mut m, "include", move |a| {
            want("include", a, 2)?;
            let name = string_arg(&a[0])?;
            let set = weak.upgrade().ok_or_else(|| err("template set is gone"))?;
            let set = set
                .get()
                .ok_or_else(|| err("templates are not parsed yet"))?;
            let d = depth.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let result = if d > MAX_INCLUDE_DEPTH {
                Err(err(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                )))
            } else if !set.has_template(&name) {
                Err(err(format!(
                    "template: no template {} associated with template \"gotpl\"",
                    gotmpl::go_quote(&name)
                )))
            } else {
                set.execute_template_to_string(&name, &a[1])
                    .map(|t| Value::String(Arc::from(t.as_str())))
            };
            depth.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            result
        });
    }
    {
        let weak = weak.clone();
        add(&mut m, "tpl", move |a| {
            want("tpl", a, 2)?;
            let text = string_arg(&a[0])?;
            let set = weak.upgrade().ok_or_else(|| err("template set is gone"))?;
            let set = set
                .get()
                .ok_or_else(|| err("templates are not parsed yet"))?;
            let name = a[1]
                .field("Template")
                .and_then(|t| t.field("Name"))
                .and_then(|n| n.as_str().map(String::from))
                .ok_or_else(|| {
                    err(format!(
                        "cannot retrieve Template.Name from values inside tpl function: {text}"
                    ))
                })?;
            let t = set.clone().parse_named(&name, &text).map_err(|e| {
                err(format!(
                    "cannot parse template {}: {e}",
                    gotmpl::go_quote(&text)
                ))
            })?;
            let out = t.execute_template_to_string(&name, &a[1]).map_err(|e| {
                err(format!(
                    "error during tpl function execution for {}: {e}",
                    gotmpl::go_quote(&text)
                ))
            })?;
            Ok(s(out.replace("<no value>", "")))
        });
    }
    add(&mut m, "required", |a| {
        want("required", a, 2)?;
        let warn = string_arg(&a[0])?;
        match &a[1] {
            Value::Nil => Err(err(format!("{ERR_START}{warn}{ERR_END}"))),
            Value::String(x) if x.is_empty() => Err(err(format!("{ERR_START}{warn}{ERR_END}"))),
            v => Ok(v.clone()),
        }
    });
    add(&mut m, "fail", |a| {
        want("fail", a, 1)?;
        Err(err(format!("{ERR_START}{}{ERR_END}", string_arg(&a[0])?)))
    });
    add(&mut m, "toYaml", |a| {
        want("toYaml", a, 1)?;
        let y = crate::printers::yaml::to_yaml(&to_json(&a[0]));
        Ok(s(y.strip_suffix('\n').unwrap_or(&y)))
    });
    add(&mut m, "mustToYaml", |a| {
        want("mustToYaml", a, 1)?;
        let y = crate::printers::yaml::to_yaml(&to_json(&a[0]));
        Ok(s(y.strip_suffix('\n').unwrap_or(&y)))
    });
    add(&mut m, "toJson", |a| {
        want("toJson", a, 1)?;
        Ok(s(crate::printers::json::to_json_compact(&to_json(&a[0]))))
    });
    add(&mut m, "mustToJson", |a| {
        want("mustToJson", a, 1)?;
        Ok(s(crate::printers::json::to_json_compact(&to_json(&a[0]))))
    });
    add(&mut m, "fromYaml", |a| {
        want("fromYaml", a, 1)?;
        let text = string_arg(&a[0])?;
        Ok(match super::values::parse_values_yaml(&text) {
            Ok(m) => from_json(&serde_json::Value::Object(m)),
            Err(e) => error_map(&e),
        })
    });
    add(&mut m, "fromJson", |a| {
        want("fromJson", a, 1)?;
        let text = string_arg(&a[0])?;
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(m)) => from_json(&serde_json::Value::Object(m)),
            Ok(other) => error_map(&format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            )),
            Err(e) => error_map(&e.to_string()),
        })
    });
    add(&mut m, "fromJsonArray", |a| {
        want("fromJsonArray", a, 1)?;
        let text = string_arg(&a[0])?;
        Ok(match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v @ serde_json::Value::Array(_)) => from_json(&v),
            Ok(other) => list(vec![s(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&other)
            ))]),
            Err(e) => list(vec![s(e.to_string())]),
        })
    });
    for name in ["toToml", "fromToml", "toYamlPretty", "fromYamlArray"] {
        add(&mut m, name, move |_a| {
            Err(err(format!(
                "kubelab does not support the Helm function {name}"
            )))
        });
    }
    add(&mut m, "lookup", move |a| {
        want("lookup", a, 4)?;
        let args: Vec<String> = a.iter().map(string_arg).collect::<Result<_, _>>()?;
        Ok(match lookup(&args[0], &args[1], &args[2], &args[3]) {
            Some(obj) => from_json_typed(&obj),
            None => Value::Map(Arc::new(BTreeMap::new())),
        })
    });
    m
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Array(_) => "array",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// Helm's `fromYaml`/`fromJson` failure value: `{"Error": MESSAGE}`.
fn error_map(msg: &str) -> Value {
    let mut m = BTreeMap::new();
    m.insert(Arc::from("Error"), s(msg));
    Value::Map(Arc::new(m))
}

/// `.Capabilities.APIVersions`: a map holding the `Has` method (kubelab's template values
/// cannot be a list and have a method, so `range .Capabilities.APIVersions` is not supported).
pub fn api_versions_value(versions: &[String]) -> Value {
    let versions: Arc<[String]> = versions.to_vec().into();
    let mut m = BTreeMap::new();
    m.insert(
        Arc::from("Has"),
        Value::Function(Arc::new(move |a: &[Value]| {
            want("Has", a, 1)?;
            let v = string_arg(&a[0])?;
            Ok(Value::Bool(versions.contains(&v)))
        })),
    );
    Value::Map(Arc::new(m))
}

/// `.Files`: `Get`, `GetBytes`, `Glob`, `Lines` (chart files other than templates and values).
pub fn files_value(files: &[(String, Vec<u8>)]) -> Value {
    let files: Arc<Vec<(String, Vec<u8>)>> = Arc::new(files.to_vec());
    let mut m = BTreeMap::new();
    let f = files.clone();
    m.insert(
        Arc::from("Get"),
        Value::Function(Arc::new(move |a: &[Value]| {
            want("Get", a, 1)?;
            let name = string_arg(&a[0])?;
            Ok(s(f
                .iter()
                .find(|(p, _)| *p == name)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default()))
        })),
    );
    let f = files.clone();
    m.insert(
        Arc::from("GetBytes"),
        Value::Function(Arc::new(move |a: &[Value]| {
            want("GetBytes", a, 1)?;
            let name = string_arg(&a[0])?;
            Ok(list(
                f.iter()
                    .find(|(p, _)| *p == name)
                    .map(|(_, b)| b.iter().map(|x| Value::Int(i64::from(*x))).collect())
                    .unwrap_or_default(),
            ))
        })),
    );
    let f = files.clone();
    m.insert(
        Arc::from("Lines"),
        Value::Function(Arc::new(move |a: &[Value]| {
            want("Lines", a, 1)?;
            let name = string_arg(&a[0])?;
            let text = f
                .iter()
                .find(|(p, _)| *p == name)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            if text.is_empty() {
                return Ok(list(Vec::new()));
            }
            Ok(list(text.split('\n').map(s).collect()))
        })),
    );
    let f = files;
    m.insert(
        Arc::from("Glob"),
        Value::Function(Arc::new(move |a: &[Value]| {
            want("Glob", a, 1)?;
            let pattern = string_arg(&a[0])?;
            let mut out = BTreeMap::new();
            for (p, b) in f.iter() {
                if glob_match(&pattern, p) {
                    out.insert(Arc::from(p.as_str()), s(String::from_utf8_lossy(b)));
                }
            }
            Ok(Value::Map(Arc::new(out)))
        })),
    );
    Value::Map(Arc::new(m))
}

/// `gobwas/glob` with `/` as separator: `*` within a segment, `**` across, `?` one character.
fn glob_match(pattern: &str, path: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) if rest.first() == Some(&'*') => {
                (0..=t.len()).any(|i| go(&rest[1..], &t[i..]))
            }
            Some(('*', rest)) => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != '/')
                .any(|i| go(rest, &t[i..])),
            Some(('?', rest)) => t.first().is_some_and(|c| *c != '/') && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = path.chars().collect();
    p.len() <= 256 && t.len() <= 4096 && go(&p, &t)
}
