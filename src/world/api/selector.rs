//! Label selectors: the `metav1.LabelSelector` of objects (matchLabels/matchExpressions) and the
//! string form of list requests (`app=web,tier!=db,env in (a,b),!legacy`), as
//! `apimachinery pkg/labels` parses and formats them.

use crate::world::api::meta::Field;
use serde_json::Value;
use std::collections::BTreeMap;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    /// `key=value` / `key==value` / matchLabels.
    Equals(String, String),
    /// `key!=value`.
    NotEquals(String, String),
    /// `key in (a,b)`.
    In(String, Vec<String>),
    /// `key notin (a,b)`.
    NotIn(String, Vec<String>),
    /// `key`.
    Exists(String),
    /// `!key`.
    DoesNotExist(String),
}

impl Requirement {
    fn matches_with<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        match self {
            Requirement::Equals(k, v) => get(k) == Some(v.as_str()),
            Requirement::NotEquals(k, v) => get(k) != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|l| !vs.iter().any(|v| v == l)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::DoesNotExist(k) => get(k).is_none(),
        }
    }
}

/// A parsed selector: all requirements must hold. An empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// The requirements, ANDed.
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// Whether the labels satisfy every requirement.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements
            .iter()
            .all(|r| r.matches_with(|k| labels.get(k).map(String::as_str)))
    }

    /// Whether an object's `metadata.labels` satisfy every requirement (without copying them).
    pub fn matches_object(&self, obj: &Value) -> bool {
        let labels = obj
            .field("metadata")
            .and_then(|m| m.field("labels"))
            .and_then(Value::as_object);
        self.requirements
            .iter()
            .all(|r| r.matches_with(|k| labels.and_then(|m| m.get(k)).and_then(Value::as_str)))
    }

    /// Whether this selects everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// A selector from a `metav1.LabelSelector` value. Unknown operators make it match nothing,
    /// as `LabelSelectorAsSelector` errors do.
    pub fn from_label_selector(sel: &Value) -> Selector {
        let mut requirements = Vec::new();
        if let Some(m) = sel.field("matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                requirements.push(Requirement::Equals(
                    k.clone(),
                    v.as_str().unwrap_or("").to_string(),
                ));
            }
        }
        if let Some(exprs) = sel.field("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let key = e
                    .field("key")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                let values: Vec<String> = e
                    .field("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let req = match e.field("operator").and_then(Value::as_str).unwrap_or("") {
                    "In" => Requirement::In(key, values),
                    "NotIn" => Requirement::NotIn(key, values),
                    "Exists" => Requirement::Exists(key),
                    "DoesNotExist" => Requirement::DoesNotExist(key),
                    _ => Requirement::In(key, vec![]),
                };
                requirements.push(req);
            }
        }
        Selector { requirements }
    }

    /// A selector equal to a plain label map.
    pub fn from_map(m: &BTreeMap<String, String>) -> Selector {
        Selector {
            requirements: m
                .iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        }
    }

    /// Parses the string form (`labels.Parse`). The error text is apimachinery's.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        let is_ident = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/');
        loop {
            skip_ws(&mut i);
            if i >= chars.len() {
                break;
            }
            let negated = chars[i] == '!';
            if negated {
                i += 1;
                skip_ws(&mut i);
            }
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let key: String = chars[start..i].iter().collect();
            if key.is_empty() {
                return Err(format!(
                    "unable to parse requirement: found '{}', expected: identifier",
                    rest(&chars, i)
                ));
            }
            skip_ws(&mut i);
            if negated {
                requirements.push(Requirement::DoesNotExist(key));
            } else if i >= chars.len() || chars[i] == ',' {
                requirements.push(Requirement::Exists(key));
            } else if chars[i] == '=' || chars[i] == '!' {
                let op_ne = chars[i] == '!';
                i += 1;
                if i < chars.len() && chars[i] == '=' {
                    i += 1;
                } else if op_ne {
                    return Err(format!(
                        "found '{}', expected: '=', '!=', '==', 'in', notin'",
                        rest(&chars, i - 1)
                    ));
                }
                skip_ws(&mut i);
                let vs = i;
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
                let value: String = chars[vs..i].iter().collect();
                requirements.push(if op_ne {
                    Requirement::NotEquals(key, value)
                } else {
                    Requirement::Equals(key, value)
                });
            } else {
                let ws = i;
                while i < chars.len() && chars[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let word: String = chars[ws..i].iter().collect();
                let notin = match word.as_str() {
                    "in" => false,
                    "notin" => true,
                    _ => {
                        return Err(format!(
                            "unable to parse requirement: found '{word}', expected: in, notin, =, ==, !=, gt, lt"
                        ));
                    }
                };
                skip_ws(&mut i);
                if i >= chars.len() || chars[i] != '(' {
                    return Err(format!("found '{}', expected: '('", rest(&chars, i)));
                }
                i += 1;
                let mut values = Vec::new();
                loop {
                    skip_ws(&mut i);
                    let vs = i;
                    while i < chars.len() && is_ident(chars[i]) {
                        i += 1;
                    }
                    values.push(chars[vs..i].iter().collect::<String>());
                    skip_ws(&mut i);
                    match chars.get(i) {
                        Some(',') => i += 1,
                        Some(')') => {
                            i += 1;
                            break;
                        }
                        _ => {
                            return Err(format!(
                                "found '{}', expected: ',', or ')'",
                                rest(&chars, i)
                            ));
                        }
                    }
                }
                requirements.push(if notin {
                    Requirement::NotIn(key, values)
                } else {
                    Requirement::In(key, values)
                });
            }
            skip_ws(&mut i);
            match chars.get(i) {
                None => break,
                Some(',') => i += 1,
                Some(_) => {
                    return Err(format!(
                        "found '{}', expected: ',' or 'end of string'",
                        rest(&chars, i)
                    ));
                }
            }
        }
        Ok(Selector { requirements })
    }
}

fn rest(chars: &[char], i: usize) -> String {
    chars
        .get(i..)
        .map(|r| {
            r.iter()
                .take_while(|c| !c.is_whitespace() && **c != ',')
                .collect()
        })
        .unwrap_or_default()
}

/// `metav1.FormatLabelSelector`: `app=mongo,pod-template-hash=abc`, `<none>` when empty,
/// expressions as `key in (a,b)`, `key notin (a)`, `key`, `!key`.
pub fn format_label_selector(sel: &Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = sel.field("matchLabels").and_then(Value::as_object) {
        for (k, v) in m {
            parts.push(format!("{k}={}", v.as_str().unwrap_or("")));
        }
    }
    if let Some(exprs) = sel.field("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.field("key").and_then(Value::as_str).unwrap_or("");
            let mut values: Vec<&str> = e
                .field("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            values.sort();
            let p = match e.field("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => format!("{key} in ({})", values.join(",")),
                "NotIn" => format!("{key} notin ({})", values.join(",")),
                "Exists" => key.to_string(),
                "DoesNotExist" => format!("!{key}"),
                op => format!("{key} {op} ({})", values.join(",")),
            };
            parts.push(p);
        }
    }
    if parts.is_empty() {
        "<none>".to_string()
    } else {
        parts.join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_matches() {
        let s = Selector::parse("app=web, tier!=db,env in (a, b),!legacy").unwrap();
        assert!(s.matches(&labels(&[("app", "web"), ("env", "a")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "c")])));
        assert!(!s.matches(&labels(&[("app", "web"), ("env", "a"), ("legacy", "")])));
        assert!(Selector::parse("").unwrap().is_empty());
        assert!(
            Selector::parse("app")
                .unwrap()
                .matches(&labels(&[("app", "x")]))
        );
        assert!(Selector::parse("a b").is_err());
    }

    #[test]
    fn formats_like_kubectl() {
        let sel = json!({"matchLabels": {"app": "mongo", "pod-template-hash": "abc"}});
        assert_eq!(
            format_label_selector(&sel),
            "app=mongo,pod-template-hash=abc"
        );
        assert_eq!(format_label_selector(&json!({})), "<none>");
        let s = Selector::from_label_selector(&sel);
        assert!(s.matches(&labels(&[
            ("app", "mongo"),
            ("pod-template-hash", "abc"),
            ("x", "y")
        ])));
    }
}
