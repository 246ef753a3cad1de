//! RFC 6902 JSON patch, with the error texts of evanphx/json-patch (what the API server uses).

use serde_json::Value;

use super::PatchError;

fn unescape(tok: &str) -> String {
    tok.replace("~1", "/").replace("~0", "~")
}

fn split(path: &str) -> Result<Vec<String>, PatchError> {
    if path.is_empty() {
        return Ok(vec![]);
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PatchError(format!(
            "json patch path must start with '/': {path}"
        )));
    };
    Ok(rest.split('/').map(unescape).collect())
}

fn parent_mut<'a>(
    doc: &'a mut Value,
    toks: &[String],
    path: &str,
    op: &str,
) -> Result<&'a mut Value, PatchError> {
    let mut cur = doc;
    for t in toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(move |i| a.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| {
            PatchError(format!(
                "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
            ))
        })?;
    }
    Ok(cur)
}

fn get<'a>(doc: &'a Value, path: &str) -> Result<&'a Value, PatchError> {
    let mut cur = doc;
    for t in split(path)? {
        cur = match cur {
            Value::Object(m) => m.get(&t),
            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        }
        .ok_or_else(|| PatchError(format!("doc is missing path: \"{path}\": missing value")))?;
    }
    Ok(cur)
}

fn add(doc: &mut Value, path: &str, value: Value, op: &str) -> Result<(), PatchError> {
    let toks = split(path)?;
    let Some((last, parent)) = toks.split_last() else {
        *doc = value;
        return Ok(());
    };
    match parent_mut(doc, parent, path, op)? {
        Value::Object(m) => {
            m.insert(last.clone(), value);
            Ok(())
        }
        Value::Array(a) => {
            let i = if last == "-" {
                a.len()
            } else {
                last.parse::<usize>().map_err(|_| PatchError(format!("{op} operation does not apply: doc is missing path: \"{path}\": missing value")))?
            };
            if i > a.len() {
                return Err(PatchError(format!(
                    "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
                )));
            }
            a.insert(i, value);
            Ok(())
        }
        _ => Err(PatchError(format!(
            "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
        ))),
    }
}

fn remove(doc: &mut Value, path: &str, op: &str) -> Result<Value, PatchError> {
    let toks = split(path)?;
    let Some((last, parent)) = toks.split_last() else {
        return Err(PatchError(format!(
            "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
        )));
    };
    let missing = || {
        PatchError(format!(
            "{op} operation does not apply: doc is missing path: \"{path}\": missing value"
        ))
    };
    match parent_mut(doc, parent, path, op)? {
        Value::Object(m) => m.remove(last).ok_or_else(missing),
        Value::Array(a) => {
            let i = last.parse::<usize>().map_err(|_| missing())?;
            if i >= a.len() {
                return Err(missing());
            }
            Ok(a.remove(i))
        }
        _ => Err(missing()),
    }
}

/// Applies an RFC 6902 patch (an array of operations).
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, PatchError> {
    let Some(list) = ops.as_array() else {
        return Err(PatchError(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
        ));
    };
    let mut doc = target.clone();
    for o in list {
        let op = o.get("op").and_then(Value::as_str).unwrap_or("");
        let path = o.get("path").and_then(Value::as_str).unwrap_or("");
        match op {
            "add" => add(
                &mut doc,
                path,
                o.get("value").cloned().unwrap_or(Value::Null),
                "add",
            )?,
            "remove" => {
                remove(&mut doc, path, "remove")?;
            }
            "replace" => {
                remove(&mut doc, path, "replace")?;
                add(
                    &mut doc,
                    path,
                    o.get("value").cloned().unwrap_or(Value::Null),
                    "replace",
                )?;
            }
            "move" => {
                let from = o.get("from").and_then(Value::as_str).unwrap_or("");
                let v = remove(&mut doc, from, "move")?;
                add(&mut doc, path, v, "move")?;
            }
            "copy" => {
                let from = o.get("from").and_then(Value::as_str).unwrap_or("");
                let v = get(&doc, from)?.clone();
                add(&mut doc, path, v, "copy")?;
            }
            "test" => {
                let v = get(&doc, path)?;
                if Some(v) != o.get("value") {
                    return Err(PatchError(format!(
                        "testing value {path} failed: test failed"
                    )));
                }
            }
            other => return Err(PatchError(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ops() {
        let d =
            json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "x"}]}}}});
        let p = json!([{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "y"}, {"op": "add", "path": "/spec/replicas", "value": 3}]);
        let r = json_patch(&d, &p).unwrap();
        assert_eq!(r["spec"]["template"]["spec"]["containers"][0]["image"], "y");
        assert_eq!(r["spec"]["replicas"], 3);
        assert!(json_patch(&d, &json!([{"op": "remove", "path": "/nope"}])).is_err());
    }
}
