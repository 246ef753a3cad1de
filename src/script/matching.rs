//! Partial object matching in the style of kuttl/Chainsaw asserts: fields the expectation does
//! not write are ignored; a list matches when each expected item matches some actual item (in
//! any order); `null` expects the field to be absent. A failure explains where and what.

use serde_json::Value;

/// Checks `actual` against `expected`; `Err` carries an "expected / found" explanation.
pub fn matches(actual: &Value, expected: &Value) -> Result<(), String> {
    check(actual, expected, "")
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "the object".to_string()
    } else {
        format!("`{path}`")
    }
}

fn show(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 200 {
        format!("{}…", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn check(actual: &Value, expected: &Value, path: &str) -> Result<(), String> {
    match (expected, actual) {
        (Value::Null, Value::Null) => Ok(()),
        (Value::Null, a) => Err(format!(
            "at {}: expected no value, found {}",
            at(path),
            show(a)
        )),
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = join(path, k);
                match a.get(k) {
                    None if ev.is_null() => {}
                    None => {
                        return Err(format!(
                            "at {}: expected {}, found nothing",
                            at(&p),
                            show(ev)
                        ));
                    }
                    Some(av) => check(av, ev, &p)?,
                }
            }
            Ok(())
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.is_empty() && !a.is_empty() {
                return Err(format!(
                    "at {}: expected an empty list, found {} items",
                    at(path),
                    a.len()
                ));
            }
            for (i, ev) in e.iter().enumerate() {
                if !a.iter().any(|av| check(av, ev, "").is_ok()) {
                    let closest = a
                        .iter()
                        .filter_map(|av| check(av, ev, &format!("{path}[*]")).err())
                        .next();
                    return Err(match closest {
                        Some(why) if a.len() == 1 => why,
                        _ => format!(
                            "at {}: no item matches expected item {} ({}); found {}",
                            at(path),
                            i,
                            show(ev),
                            show(&Value::Array(a.clone()))
                        ),
                    });
                }
            }
            Ok(())
        }
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() == a.as_f64() {
                Ok(())
            } else {
                Err(format!("at {}: expected {e}, found {a}", at(path)))
            }
        }
        (e, a) if e == a => Ok(()),
        (e, Value::Null) => Err(format!(
            "at {}: expected {}, found nothing",
            at(path),
            show(e)
        )),
        (e, a) => Err(format!(
            "at {}: expected {}, found {}",
            at(path),
            show(e),
            show(a)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ignores_unwritten_fields_and_list_order() {
        let actual = json!({"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "mongo:4.4"}]}}}});
        assert!(matches(&actual, &json!({"spec": {"replicas": 3}})).is_ok());
        assert!(
            matches(
                &actual,
                &json!({"spec": {"template": {"spec": {"containers": [{"image": "mongo:4.4"}]}}}})
            )
            .is_ok()
        );
        assert_eq!(
            matches(&actual, &json!({"spec": {"replicas": 4}})).unwrap_err(),
            "at `spec.replicas`: expected 4, found 3"
        );
        assert!(matches(&actual, &json!({"spec": {"paused": null}})).is_ok());
        let err = matches(
            &actual,
            &json!({"spec": {"template": {"spec": {"containers": [{"image": "nginx"}]}}}}),
        )
        .unwrap_err();
        assert!(err.contains("no item matches"), "{err}");
    }
}
