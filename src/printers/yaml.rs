//! `kubectl ... -o yaml`, byte for byte.
//!
//! kubectl's YAML printer (`cli-runtime pkg/printers/yaml.go`) calls `sigs.k8s.io/yaml.Marshal`:
//! the object is first encoded as JSON by Go, that JSON is read back by go-yaml v2 into
//! `interface{}` values, and go-yaml writes them. kubelab reproduces the whole path:
//!
//! - **Keys** are sorted with go-yaml's `keyList.Less` (`sorter.go`), not byte order: runs of
//!   digits compare as numbers (`a9` < `a10`, `k1` < `k01`), and a non-letter sorts before a letter
//!   (`A_B` < `AB`). So YAML is sorted for every object, including the ones kubectl builds
//!   client-side whose JSON is in struct order (see [`crate::printers::json`]).
//! - **Numbers** take Go's JSON spelling and are then re-resolved by go-yaml: `-0.0` becomes `0`,
//!   `1e6` (a float) becomes `1000000`, `1e-7` prints as `1e-07`, `1234567.5` as
//!   `1.2345675e+06`, integers above `u64` as floats.
//! - **Strings** are plain unless go-yaml would read them back as something else (`"yes"`, `"y"`,
//!   `"on"`, `"1e3"`, `"0x1F"`, `"2001-12-14"`, `"1:20"`, `"~"`, `""`) or the emitter forbids
//!   plain (`': '`, leading indicators, leading/trailing spaces) — then single or double quotes;
//!   strings with a newline become literal blocks (`|`, `|-`, `|+`, `|2-`) unless they also have
//!   trailing spaces, spaces before a newline or non-printable characters (then double-quoted with
//!   escapes). Long plain and quoted scalars are folded at spaces past column 80 (go-yaml v2.4's
//!   default width; kubectl does not change it).
//! - **Round-trip effects of the JSON step**: a raw U+0085 (NEL) is a line break inside the
//!   double-quoted JSON string go-yaml reads, so it is folded (`x\u{85}y` prints as `x y`); DEL,
//!   C1 controls other than NEL, U+FFFE and U+FFFF make go-yaml's reader fail, and kubectl
//!   prints `error: yaml: control characters are not allowed` ([`try_to_yaml`] returns that
//!   error; [`to_yaml`] prints the value with those characters escaped instead).
//!
//! Not reproduced: Go's `unicode.IsLetter` is approximated by `char::is_alphabetic` and
//! `unicode.IsDigit` by ASCII digits in the key sorter (they differ only for exotic scripts).
//! For key sets on which go-yaml's order is inconsistent kubectl's own output is random; see
//! `go_sort.rs` for the deterministic choice made here.

use std::fmt;

use serde_json::{Map, Value};

use super::go_number::{format_float_g, go_json_number};
use super::go_sort::go_sort;
use super::yaml_emitter::{Node, Style, emit_document};
use super::yaml_resolve::{Resolved, is_base60_float, resolve};

/// kubectl cannot print the object as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    message: String,
}

impl fmt::Display for YamlError {
    /// The text kubectl prints after `error: `, e.g. `yaml: control characters are not allowed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

/// The object as `kubectl -o yaml` prints it (ends with a newline).
///
/// Strings that kubectl refuses to print (see [`try_to_yaml`]) are printed here with the
/// offending characters escaped in double quotes, so this never fails.
pub fn to_yaml(value: &Value) -> String {
    emit_document(&to_node(value))
}

/// Like [`to_yaml`], but fails as kubectl does when a string holds a character go-yaml's reader
/// rejects (DEL, U+0080–U+009F except U+0085, U+FFFE, U+FFFF): the error displays as
/// `yaml: control characters are not allowed`.
///
/// Two more reader failures of kubectl are reproduced: a map key whose JSON spelling (with
/// quotes) is longer than 1024 characters, or that holds a raw U+0085, is not accepted as a
/// simple key, giving `yaml: did not find expected ',' or '}'`, prefixed with `line N: ` where N
/// counts the U+0085 line breaks before it. N and the choice between several problems assume
/// the sorted key order of `kubectl get`; for typed objects (struct order) they are approximate.
pub fn try_to_yaml(value: &Value) -> Result<String, YamlError> {
    check_readable(value, &mut 0)?;
    Ok(emit_document(&to_node(value)))
}

/// Walks the value in Go JSON order (sorted keys) as go-yaml's reader would meet it.
fn check_readable(value: &Value, nels: &mut usize) -> Result<(), YamlError> {
    match value {
        Value::String(s) => check_string(s, nels),
        Value::Array(items) => items.iter().try_for_each(|v| check_readable(v, nels)),
        Value::Object(map) => {
            for (k, v) in map {
                check_string(k, nels)?;
                let quoted_len: usize = 2 + k.chars().map(json_escaped_len).sum::<usize>();
                if k.contains('\u{85}') || quoted_len > 1024 {
                    let line = if *nels > 0 {
                        format!("line {nels}: ")
                    } else {
                        String::new()
                    };
                    return Err(YamlError {
                        message: format!("yaml: {line}did not find expected ',' or '}}'"),
                    });
                }
                check_readable(v, nels)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_string(s: &str, nels: &mut usize) -> Result<(), YamlError> {
    if s.chars().any(is_unreadable) {
        return Err(YamlError {
            message: "yaml: control characters are not allowed".into(),
        });
    }
    *nels += s.chars().filter(|&c| c == '\u{85}').count();
    Ok(())
}

/// Characters Go's JSON encoder spends on `c`.
fn json_escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
        '<' | '>' | '&' | '\u{0}'..='\u{1f}' | '\u{2028}' | '\u{2029}' => 6,
        _ => 1,
    }
}

/// `kubectl get -o yaml` for several objects: a `v1` `List` with `metadata.resourceVersion: ""`.
pub fn to_yaml_list(items: &[Value]) -> String {
    to_yaml(&super::json::list_object(items))
}

/// Builds the emitter tree.
fn to_node(value: &Value) -> Node {
    match value {
        Value::Null => Node::Scalar("null".into(), Style::Plain),
        Value::Bool(b) => Node::Scalar(b.to_string(), Style::Plain),
        Value::Number(n) => Node::Scalar(number_text(n), Style::Plain),
        Value::String(s) => string_node(&json_roundtrip(s)),
        Value::Array(items) => Node::Seq(items.iter().map(to_node).collect()),
        Value::Object(map) => Node::Map(map_entries(map)),
    }
}

/// Map entries in go-yaml's key order.
fn map_entries(map: &Map<String, Value>) -> Vec<(Node, Node)> {
    // go-yaml reads Go's JSON, whose keys are in byte order, then `sort.Sort`s them.
    let mut entries: Vec<(String, &Value)> =
        map.iter().map(|(k, v)| (json_roundtrip(k), v)).collect();
    go_sort(
        &mut entries,
        &|a: &(String, &Value), b: &(String, &Value)| go_yaml_key_less(&a.0, &b.0),
    );
    entries
        .into_iter()
        .map(|(k, v)| (string_node(&k), to_node(v)))
        .collect()
}

/// A number as go-yaml prints it after reading Go's JSON spelling of it.
fn number_text(n: &serde_json::Number) -> String {
    let json = go_json_number(n);
    match resolve(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(f) => format_float_g(f),
        _ => json,
    }
}

/// `encode.go` `stringv`: literal if multi-line, plain if it reads back as a string, else
/// double-quoted (the emitter may still pick single quotes or double quotes).
fn string_node(s: &str) -> Node {
    let can_use_plain = resolve(s) == Resolved::Str && !is_base60_float(s);
    let style = if s.contains('\n') {
        Style::Literal
    } else if can_use_plain {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    Node::Scalar(s.to_string(), style)
}

/// Characters Go's JSON writes raw that go-yaml's reader rejects.
fn is_unreadable(c: char) -> bool {
    let v = c as u32;
    v == 0x7F || ((0x80..=0x9F).contains(&v) && v != 0x85) || v == 0xFFFE || v == 0xFFFF
}

/// What go-yaml reads back from Go's JSON spelling of `s` (a double-quoted scalar): raw NEL
/// characters are line breaks and are folded with the blanks around them.
fn json_roundtrip(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_string();
    }
    // yaml_parser_scan_flow_scalar: blanks are raw spaces (Go escapes tabs), breaks are NELs.
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i] != ' ' && chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let (mut whitespaces, mut leading_blanks, mut trailing_breaks) = (String::new(), false, 0);
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if !leading_blanks {
                    whitespaces.push(' ');
                }
            } else if !leading_blanks {
                whitespaces.clear();
                leading_blanks = true;
            } else {
                trailing_breaks += 1;
            }
            i += 1;
        }
        if leading_blanks {
            if trailing_breaks == 0 {
                out.push(' ');
            } else {
                out.push_str(&"\n".repeat(trailing_breaks));
            }
        } else {
            out.push_str(&whitespaces);
        }
    }
    out
}

/// go-yaml v2 `keyList.Less` for two string keys.
pub fn go_yaml_key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let digit = |c: char| c.is_ascii_digit();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && digit(ar[ai]) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && digit(br[bi]) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_like_go_yaml() {
        let mut keys = vec!["a10", "a9", "AB", "A_B", "k001", "k01", "k1", "x00", "x0"];
        go_sort(&mut keys, &|a: &&str, b: &&str| go_yaml_key_less(a, b));
        assert_eq!(
            keys,
            ["A_B", "AB", "a9", "a10", "k1", "k01", "k001", "x0", "x00"]
        );
    }

    #[test]
    fn prints_a_deployment() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "creationTimestamp": null},
            "spec": {"replicas": 1, "strategy": {}, "template": {"spec": {"containers": [
                {"name": "nginx", "image": "nginx", "resources": {}, "args": ["a\nb", ""]}]}}},
            "status": {}});
        let expected = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 1\n  strategy: {}\n  template:\n    spec:\n      containers:\n      - args:\n        - |-\n          a\n          b\n        - \"\"\n        image: nginx\n        name: nginx\n        resources: {}\nstatus: {}\n";
        assert_eq!(to_yaml(&d), expected);
    }

    #[test]
    fn rejects_control_characters_like_kubectl() {
        let v = json!({"a": "x\u{7f}"});
        assert_eq!(
            try_to_yaml(&v).unwrap_err().to_string(),
            "yaml: control characters are not allowed"
        );
        assert_eq!(to_yaml(&v), "a: \"x\\x7F\"\n");
        assert_eq!(to_yaml(&json!({"h": "x\u{85}y"})), "h: x y\n");
    }
}
