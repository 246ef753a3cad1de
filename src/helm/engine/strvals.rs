//! `--set` / `--set-string` (Helm's `pkg/strvals`): `name=value` pairs separated by commas,
//! dotted paths (`a.b.c=1`), list indexes (`a[0]=x`, `a[1].b=y`), lists in braces
//! (`a={x,y}`), backslash escapes (`a\.b=1`, `x=a\,b`). With `--set`, `true`/`false` become
//! booleans, `null` deletes, decimal integers without a leading zero become int64; with
//! `--set-string` every value is a string.

use serde_json::{Map, Value};

/// Index limit Helm applies (`MaxIndex`).
const MAX_INDEX: usize = 65536;

/// Parses one `--set` argument into `dst`.
pub fn parse_into(arg: &str, dst: &mut Map<String, Value>, strings: bool) -> Result<(), String> {
    for pair in split_top(arg, ',') {
        if pair.is_empty() {
            continue;
        }
        let Some(eq) = find_unescaped(&pair, '=') else {
            return Err(format!("key {:?} has no value", unescape(&pair)));
        };
        let (key, raw) = (&pair[..eq], &pair[eq + 1..]);
        let value = if raw.starts_with('{') && raw.ends_with('}') && raw.len() >= 2 {
            Value::Array(
                split_top(&raw[1..raw.len() - 1], ',')
                    .iter()
                    .map(|v| typed(&unescape(v), strings))
                    .collect(),
            )
        } else {
            typed(&unescape(raw), strings)
        };
        let path = parse_path(key)?;
        set_path(dst, &path, value)?;
    }
    Ok(())
}

/// `--set-json` (`strvals.ParseJSON`): `key=JSON` pairs; each value is read as one JSON
/// document (numbers float64, as `json.Decoder` gives them), then blanks and a comma; an empty
/// value sets `null`. Any failure is Helm's `failed parsing --set-json data ARG`.
pub fn parse_json_into(arg: &str, dst: &mut Map<String, Value>) -> Result<(), String> {
    let fail = || format!("failed parsing --set-json data {arg}");
    let mut rest = arg;
    while !rest.is_empty() {
        let Some(eq) = find_unescaped(rest, '=') else {
            return Err(fail());
        };
        let key = &rest[..eq];
        let path = parse_path(key).map_err(|_| fail())?;
        rest = &rest[eq + 1..];
        let (empty, after) = empty_val(rest);
        if empty {
            set_path(dst, &path, Value::Null)?;
            rest = after;
            continue;
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let value = match stream.next() {
            Some(Ok(v)) => v,
            _ => return Err(fail()),
        };
        let used = stream.byte_offset();
        set_path(dst, &path, super::values::floats(value))?;
        rest = empty_val(&rest[used..]).1;
    }
    Ok(())
}

/// strvals' `emptyVal`: skips blanks; a comma or the end means an empty value (consumed).
fn empty_val(s: &str) -> (bool, &str) {
    let t = s.trim_start_matches(char::is_whitespace);
    if t.is_empty() {
        return (true, t);
    }
    if let Some(after) = t.strip_prefix(',') {
        return (true, after);
    }
    (false, t)
}

/// `--set-literal` (`strvals.ParseLiteralInto`): one `key=value` whose value is everything
/// after the first `=`, kept as a string (commas, braces and backslashes included).
pub fn parse_literal_into(arg: &str, dst: &mut Map<String, Value>) -> Result<(), String> {
    let Some(eq) = find_unescaped(arg, '=') else {
        return Err(format!("key {:?} has no value", unescape(arg)));
    };
    let path = parse_path(&arg[..eq])?;
    set_path(dst, &path, Value::String(arg[eq + 1..].to_string()))
}

/// `--set-file` before its files are read: each `key=path` pair (the path unescaped).
pub fn file_pairs(arg: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in split_top(arg, ',') {
        if pair.is_empty() {
            continue;
        }
        let Some(eq) = find_unescaped(&pair, '=') else {
            return Err(format!("key {:?} has no value", unescape(&pair)));
        };
        out.push((pair[..eq].to_string(), unescape(&pair[eq + 1..])));
    }
    Ok(out)
}

/// Sets `key` (a `--set` path) to a string: a `--set-file` file's content.
pub fn set_string(key: &str, value: &str, dst: &mut Map<String, Value>) -> Result<(), String> {
    let path = parse_path(key)?;
    set_path(dst, &path, Value::String(value.to_string()))
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(key: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let mut cur = String::new();
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '.' => {
                if !cur.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut cur)));
                }
            }
            '[' => {
                if !cur.is_empty() {
                    steps.push(Step::Key(std::mem::take(&mut cur)));
                }
                let mut num = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    num.push(d);
                }
                let i: usize = num.parse().map_err(|_| {
                    format!(
                        "failed to parse index: strconv.Atoi: parsing {:?}: invalid syntax",
                        num
                    )
                })?;
                if i > MAX_INDEX {
                    return Err(format!(
                        "index of {i} is greater than maximum supported index value of {MAX_INDEX}"
                    ));
                }
                steps.push(Step::Index(i));
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        steps.push(Step::Key(cur));
    }
    if steps.is_empty() {
        return Err(format!("key {key:?} has no value"));
    }
    Ok(steps)
}

fn set_path(dst: &mut Map<String, Value>, path: &[Step], value: Value) -> Result<(), String> {
    let mut holder = Value::Object(std::mem::take(dst));
    set_in(&mut holder, path, value);
    if let Value::Object(m) = holder {
        *dst = m;
    }
    Ok(())
}

fn set_in(cur: &mut Value, path: &[Step], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        *cur = value;
        return;
    };
    match first {
        Step::Key(k) => {
            if !cur.is_object() {
                *cur = Value::Object(Map::new());
            }
            let Value::Object(m) = cur else { return };
            if rest.is_empty() {
                m.insert(k.clone(), value);
                return;
            }
            let slot = m.entry(k.clone()).or_insert(Value::Null);
            set_in(slot, rest, value);
        }
        Step::Index(i) => {
            if !cur.is_array() {
                *cur = Value::Array(Vec::new());
            }
            let Value::Array(a) = cur else { return };
            while a.len() <= *i {
                a.push(Value::Null);
            }
            set_in(&mut a[*i], rest, value);
        }
    }
}

/// strvals' `typedVal`.
fn typed(v: &str, strings: bool) -> Value {
    if strings {
        return Value::String(v.to_string());
    }
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if v == "0" {
        return Value::from(0i64);
    }
    if !v.is_empty()
        && !v.starts_with('0')
        && let Ok(i) = v.parse::<i64>()
    {
        return Value::from(i);
    }
    Value::String(v.to_string())
}

/// Splits on `sep` outside braces and not escaped (escapes kept for later).
fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            c if c == sep && depth == 0 => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn find_unescaped(s: &str, target: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == target {
            return Some(i);
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(arg: &str) -> Value {
        let mut m = Map::new();
        parse_into(arg, &mut m, false).unwrap();
        Value::Object(m)
    }

    #[test]
    fn json_literal_and_file_values() {
        let mut m = Map::new();
        parse_json_into(r#"a.b={"x":[1,"y"]}, c=[true] ,d="s,t",e="#, &mut m).unwrap();
        assert_eq!(
            Value::Object(m),
            // The blank after a comma belongs to the next key, as in Go.
            serde_json::json!({"a": {"b": {"x": [1.0, "y"]}}, " c": [true], "d": "s,t", "e": null})
        );
        let mut m = Map::new();
        assert_eq!(
            parse_json_into("a={bad", &mut m).unwrap_err(),
            "failed parsing --set-json data a={bad"
        );
        let mut m = Map::new();
        parse_literal_into("a.b=x,{y}\\z", &mut m).unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"a": {"b": "x,{y}\\z"}})
        );
        assert_eq!(
            file_pairs("a=f.txt,b\\.c=x\\,y").unwrap(),
            [
                ("a".to_string(), "f.txt".to_string()),
                ("b\\.c".to_string(), "x,y".to_string())
            ]
        );
    }

    #[test]
    fn paths_lists_and_types() {
        assert_eq!(
            set("a.b=1,c=true,d=x"),
            serde_json::json!({"a": {"b": 1}, "c": true, "d": "x"})
        );
        assert_eq!(set("l={x,y}"), serde_json::json!({"l": ["x", "y"]}));
        assert_eq!(
            set("l[1].n=007"),
            serde_json::json!({"l": [null, {"n": "007"}]})
        );
        assert_eq!(set("a\\.b=c\\,d"), serde_json::json!({"a.b": "c,d"}));
    }
}
