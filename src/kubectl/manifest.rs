//! Reading `-f` manifests as kubectl does (`cli-runtime` `StreamVisitor`, apimachinery
//! `YAMLOrJSONDecoder`, `sigs.k8s.io/yaml`).
//!
//! - **JSON or YAML**: a file whose first non-space character is `{` is a stream of JSON values
//!   (several may follow each other); anything else is YAML.
//! - **YAML documents** are split on lines that start with `---` (kubectl's line reader, not
//!   the YAML parser); the rest of such a line must be empty or a comment, else
//!   `invalid Yaml document separator: <rest>`. CRLF line ends are read as LF. Each chunk is
//!   parsed on its own, so error line numbers count from the chunk's first line, as kubectl's
//!   do. Only the first YAML document of a chunk is read (like go-yaml `Unmarshal`).
//! - Empty documents, comment-only documents and `null` are skipped.
//! - Values follow go-yaml v2 + `sigs.k8s.io/yaml` semantics (see
//!   `manifest_yaml.rs`): YAML 1.1 booleans, merge keys, anchors, duplicate keys
//!   (last wins, **no error**: kubectl v1.32 uses go-yaml v2's non-strict decoder; the text
//!   `mapping key "x" already defined` belongs to go-yaml v3 and is never printed), non-string
//!   keys turned into strings.
//! - `kind: List` documents are returned as they are; [`flatten_lists`] expands them.
//!
//! ## Error texts (what kubectl prints after `error: `)
//! Exact (verified with kubectl v1.32 `create -f F --dry-run=client`):
//! - `error parsing F: invalid Yaml document separator: foo`
//! - `error parsing F: error converting YAML to JSON: yaml: line N: mapping values are not
//!   allowed in this context`, `... did not find expected key`, `... did not find expected ','
//!   or '}'`, `... found unexpected end of stream`, `... found character that cannot start any
//!   token` (a tab in indentation), `... did not find expected '-' indicator`,
//!   `yaml: unknown anchor 'x' referenced`, ``yaml: cannot decode !!str `abc` as a !!int``,
//!   `yaml: map merge requires map or sequence of maps as the value`,
//!   `json: unsupported value: +Inf`, `unsupported map key of type: %!s(<nil>), key: <nil>, ...`
//!   — the message kinds are go-yaml's; the line numbers follow go-yaml's conventions (scanner
//!   errors 1-based, parser errors 0-based, none on the first line) applied to yaml-rust2's
//!   error position, which agrees with go-yaml for the cases in `tests/inputs/yaml/manifests/`.
//! - `error parsing F: json: offset N: invalid character 'x' looking for beginning of value`,
//!   `error parsing F: unexpected EOF` for JSON files.
//! - [`validate_object`]: `error validating "F": error validating data: kind not set; if you
//!   choose to ignore these errors, turn validation off with --validate=false` (also
//!   `apiVersion not set`, both as `[apiVersion not set, kind not set]`, `kind isn't string
//!   type`, `invalid object to validate`).
//!
//! Approximate: rarer syntax errors keep yaml-rust2's problem text (with go-yaml's `while ...,`
//! context dropped), and its position may differ from go-yaml's; yaml-rust2 is a YAML 1.2
//! parser, so a few inputs go-yaml v2 rejects may be accepted or the reverse (exotic
//! directives, tabs in odd places). Go's `%#v` in `invalid map key` / `unsupported map key`
//! messages is imitated for simple values only. JSON syntax errors other than the common ones
//! get the closest Go wording for serde_json's error kind.

use std::fmt;

use serde_json::Value;

use super::manifest_yaml::{json_number, yaml_document_to_json};

/// A manifest kubectl cannot read; displays as the text after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    message: String,
}

impl ManifestError {
    fn new(message: String) -> Self {
        Self { message }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ManifestError {}

/// The objects read before a failure, and the failure. kubectl handles documents one by one,
/// so objects before a broken document are still created; callers that mimic that use this.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedManifests {
    /// Objects (and other non-null values) in file order, up to the first error.
    pub objects: Vec<Value>,
    /// The error that stopped reading, if any.
    pub error: Option<ManifestError>,
}

/// Parses every document of a manifest file. `source_name` is the path as the user gave it
/// (it appears in error texts: `error parsing deploy.yaml: ...`).
pub fn parse_manifests(source_name: &str, text: &str) -> Result<Vec<Value>, ManifestError> {
    let parsed = parse_manifests_partial(source_name, text);
    match parsed.error {
        Some(e) => Err(e),
        None => Ok(parsed.objects),
    }
}

/// Like [`parse_manifests`], but keeps the objects read before an error.
pub fn parse_manifests_partial(source_name: &str, text: &str) -> ParsedManifests {
    let mut objects = Vec::new();
    let result = if is_json_stream(text) {
        parse_json_stream(text, &mut objects)
    } else {
        parse_yaml_stream(text, &mut objects)
    };
    ParsedManifests {
        objects,
        error: result
            .err()
            .map(|e| ManifestError::new(format!("error parsing {source_name}: {e}"))),
    }
}

/// Expands list objects into their items, as kubectl's unstructured decoder and
/// `FlattenListVisitor` do: **any** object with an `items` key is a list (a `ConfigMap` with an
/// `items` field too; `items: null` gives nothing), items that have neither `kind` nor
/// `apiVersion` get the list's kind without its `List` suffix and the list's apiVersion, and
/// lists inside lists are not expanded further. An `items` value that is neither an array nor
/// null leaves the object as it is.
pub fn flatten_lists(objects: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for obj in objects {
        let Value::Object(mut map) = obj else {
            out.push(obj);
            continue;
        };
        let items = match map.remove("items") {
            None => {
                out.push(Value::Object(map));
                continue;
            }
            Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items,
            Some(other) => {
                map.insert("items".into(), other);
                out.push(Value::Object(map));
                continue;
            }
        };
        let text = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let item_kind = text("kind")
            .strip_suffix("List")
            .map(str::to_string)
            .unwrap_or_else(|| text("kind"));
        let api_version = text("apiVersion");
        for mut item in items {
            if let Some(m) = item.as_object_mut() {
                let empty = |k: &str| m.get(k).and_then(Value::as_str).is_none_or(str::is_empty);
                if empty("kind") && empty("apiVersion") {
                    m.insert("kind".into(), Value::String(item_kind.clone()));
                    m.insert("apiVersion".into(), Value::String(api_version.clone()));
                }
            }
            out.push(item);
        }
    }
    out
}

/// kubectl's client-side check of `apiVersion` and `kind` (`pkg/validation` `getObjectKind`),
/// with its default `--validate` wording.
pub fn validate_object(source_name: &str, object: &Value) -> Result<(), ManifestError> {
    let mut errors: Vec<String> = Vec::new();
    match object {
        Value::Object(map) => {
            match map.get("apiVersion") {
                None | Some(Value::Null) => errors.push("apiVersion not set".into()),
                Some(Value::String(gv)) => {
                    if gv.matches('/').count() > 1 {
                        errors.push(format!("unexpected GroupVersion string: {gv}"));
                    }
                }
                Some(_) => errors.push("apiVersion isn't string type".into()),
            }
            match map.get("kind") {
                None | Some(Value::Null) => errors.push("kind not set".into()),
                Some(Value::String(_)) => {}
                Some(_) => errors.push("kind isn't string type".into()),
            }
        }
        _ => errors.push("invalid object to validate".into()),
    }
    if errors.is_empty() {
        return Ok(());
    }
    let joined = if errors.len() == 1 {
        errors.remove(0)
    } else {
        format!("[{}]", errors.join(", "))
    };
    Err(ManifestError::new(format!(
        "error validating \"{source_name}\": error validating data: {joined}; if you choose to ignore these errors, turn validation off with --validate=false"
    )))
}

/// apimachinery `hasJSONPrefix`: the first non-space character is `{`.
fn is_json_stream(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// kubectl's `YAMLReader`: documents separated by `---` lines. A bad separator line ends the
/// reading with an error; the document being collected at that point is dropped, as in kubectl.
fn split_yaml_documents(text: &str) -> (Vec<String>, Option<String>) {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    for line in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return (
                    docs,
                    Some(format!("invalid Yaml document separator: {trimmed}")),
                );
            }
            if !buffer.is_empty() {
                docs.push(std::mem::take(&mut buffer));
            }
            continue;
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push(buffer);
    }
    (docs, None)
}

fn parse_yaml_stream(text: &str, objects: &mut Vec<Value>) -> Result<(), String> {
    let (docs, split_error) = split_yaml_documents(text);
    for doc in docs {
        if let Some(value) = yaml_document_to_json(&doc)? {
            objects.push(value);
        }
    }
    split_error.map_or(Ok(()), Err)
}

fn parse_json_stream(text: &str, objects: &mut Vec<Value>) -> Result<(), String> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        match stream.next() {
            None => return Ok(()),
            Some(Ok(value)) => {
                let value = unstructured_numbers(value);
                if !value.is_null() {
                    objects.push(value);
                }
            }
            Some(Err(e)) => return Err(go_json_error(text, &e)),
        }
    }
}

/// kubectl's unstructured decoding of numbers: `int64` if the number is one, else `float64`.
fn unstructured_numbers(value: Value) -> Value {
    match value {
        Value::Number(n) if n.as_i64().is_none() => json_number(&n.to_string()),
        Value::Array(items) => Value::Array(items.into_iter().map(unstructured_numbers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, unstructured_numbers(v)))
                .collect(),
        ),
        v => v,
    }
}

/// Go `encoding/json` Decoder wording for a serde_json syntax error.
fn go_json_error(text: &str, e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "unexpected EOF".into();
    }
    // serde_json reports 1-based line and column (bytes) of the offending character.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let index = line_start + e.column().saturating_sub(1);
    let Some(c) = text.get(index..).and_then(|s| s.chars().next()) else {
        return "unexpected EOF".into();
    };
    let msg = e.to_string();
    let context = if msg.starts_with("key must be a string")
        || msg.starts_with("trailing comma") && c == '}'
    {
        "looking for beginning of object key string"
    } else if msg.starts_with("expected `:`") {
        "after object key"
    } else if msg.starts_with("expected `,` or `}`") {
        "after object key:value pair"
    } else if msg.starts_with("expected `,` or `]`") {
        "after array element"
    } else if msg.starts_with("invalid escape") {
        "in string escape code"
    } else if msg.starts_with("control character") {
        "in string literal"
    } else if msg.starts_with("invalid number") {
        "in numeric literal"
    } else {
        "looking for beginning of value"
    };
    format!(
        "json: offset {}: invalid character {} {context}",
        index + 1,
        go_quote_char(c)
    )
}

/// Go `encoding/json` `quoteChar`.
fn go_quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => format!("{c:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn splits_documents_like_kubectl() {
        let text = "---\na: 1\n--- # c\n\n---\nb: [x]\r\n";
        let objs = parse_manifests("f.yaml", text).unwrap_or_default();
        assert_eq!(objs, vec![json!({"a": 1}), json!({"b": ["x"]})]);
        let err = parse_manifests("f.yaml", "a: 1\n--- foo\nb: 2\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "error parsing f.yaml: invalid Yaml document separator: foo"
        );
    }

    #[test]
    fn flattens_lists() {
        let list = json!({"apiVersion": "v1", "kind": "ConfigMapList", "items": [
            {"metadata": {"name": "a"}}, {"kind": "Secret"}, {"kind": "BList", "items": []}]});
        assert_eq!(
            flatten_lists(vec![
                list,
                json!({"kind": "List", "items": null}),
                json!({"kind": "X"})
            ]),
            vec![
                json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}),
                json!({"kind": "Secret"}),
                json!({"kind": "BList", "items": []}),
                json!({"kind": "X"}),
            ]
        );
    }
}
