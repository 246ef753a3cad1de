//! The ConfigMap and Secret `kubectl create configmap|secret generic` build
//! (`kubectl pkg/cmd/create/create_configmap.go`, `create_secret.go`): `--from-literal`,
//! `--from-file` (a file, `key=file`, or a directory's regular files), `--from-env-file`,
//! `--append-hash`, `--type`, with kubectl's validation and error texts. Files are the
//! workstation's.

use crate::world::api::kinds;
use base64::Engine;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::context::Workstation;

/// Which object is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataKind {
    /// A ConfigMap: text in `data`, other bytes in `binaryData`.
    ConfigMap,
    /// A Secret: everything in `data`, base64.
    Secret,
}

/// The sources given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// `--from-literal`.
    pub literals: Vec<String>,
    /// `--from-file`.
    pub files: Vec<String>,
    /// `--from-env-file`.
    pub env_files: Vec<String>,
}

const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
pub(crate) const ENV_NAME_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

fn config_key_ok(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && k != "."
        && k != ".."
        && !k.starts_with("..")
}

pub(crate) fn env_name_ok(k: &str) -> bool {
    let mut it = k.chars();
    match it.next() {
        Some(c) if c.is_ascii_alphabetic() || matches!(c, '-' | '_' | '.') => {}
        _ => return false,
    }
    it.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

struct Builder {
    kind: DataKind,
    name: String,
    data: Map<String, Value>,
    binary: Map<String, Value>,
}

impl Builder {
    fn add(&mut self, key: &str, bytes: &[u8]) -> Result<(), String> {
        let b64 = || base64::engine::general_purpose::STANDARD.encode(bytes);
        match self.kind {
            DataKind::ConfigMap => {
                if !config_key_ok(key) {
                    return Err(format!(
                        "{key:?} is not a valid key name for a ConfigMap: {CONFIG_KEY_MSG}"
                    ));
                }
                if self.data.contains_key(key) {
                    return Err(format!(
                        "cannot add key {key:?}, another key by that name already exists in Data for ConfigMap {:?}",
                        self.name
                    ));
                }
                if self.binary.contains_key(key) {
                    return Err(format!(
                        "cannot add key {key:?}, another key by that name already exists in BinaryData for ConfigMap {:?}",
                        self.name
                    ));
                }
                match std::str::from_utf8(bytes) {
                    Ok(s) => self
                        .data
                        .insert(key.to_string(), Value::String(s.to_string())),
                    Err(_) => self.binary.insert(key.to_string(), Value::String(b64())),
                };
            }
            DataKind::Secret => {
                if !config_key_ok(key) {
                    return Err(format!(
                        "{key:?} is not valid key name for a Secret {CONFIG_KEY_MSG}"
                    ));
                }
                if self.data.contains_key(key) {
                    return Err(format!(
                        "cannot add key {key}, another key by that name already exists"
                    ));
                }
                self.data.insert(key.to_string(), Value::String(b64()));
            }
        }
        Ok(())
    }
}

fn file_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// Builds the object.
pub fn build(
    kind: DataKind,
    name: &str,
    sources: &Sources,
    secret_type: Option<&str>,
    append_hash: bool,
    files: &dyn Workstation,
) -> Result<Value, String> {
    if !sources.env_files.is_empty() && (!sources.files.is_empty() || !sources.literals.is_empty())
    {
        return Err("from-env-file cannot be combined with from-file or from-literal".into());
    }
    let mut b = Builder {
        kind,
        name: name.to_string(),
        data: Map::new(),
        binary: Map::new(),
    };
    for src in &sources.files {
        let (key, path) = match src.split_once('=') {
            Some((k, p)) => {
                if p.contains('=') {
                    return Err("key names or file paths cannot contain '='".into());
                }
                if k.is_empty() || p.is_empty() {
                    return Err(format!(
                        "source {src} key name or file path cannot be empty"
                    ));
                }
                (Some(k.to_string()), p.to_string())
            }
            None => (None, src.clone()),
        };
        if files.is_dir(&path) {
            if key.is_some() {
                return Err("cannot give a key name for a directory path".into());
            }
            for entry in files
                .list_dir(&path)
                .map_err(|_| format!("error reading {path}: no such file or directory"))?
            {
                let item = format!("{}/{entry}", path.trim_end_matches('/'));
                if files.is_dir(&item) {
                    continue;
                }
                let bytes = files
                    .read_file(&item)
                    .map_err(|_| format!("error reading {item}: no such file or directory"))?;
                b.add(&entry, &bytes)?;
            }
        } else {
            let bytes = files
                .read_file(&path)
                .map_err(|_| format!("error reading {path}: no such file or directory"))?;
            let k = key.unwrap_or_else(|| file_name(&path).to_string());
            b.add(&k, &bytes)?;
        }
    }
    for lit in &sources.literals {
        let mut parts = lit.split('=');
        let key = parts.next().unwrap_or("");
        let rest: Vec<&str> = parts.collect();
        if rest.is_empty() {
            return Err(format!("invalid literal source {lit}, expected key=value"));
        }
        b.add(key, rest.join("=").as_bytes())?;
    }
    for path in &sources.env_files {
        let bytes = files
            .read_file(path)
            .map_err(|_| format!("error reading {path}: no such file or directory"))?;
        let text = String::from_utf8_lossy(&bytes);
        for (i, raw) in text.split('\n').enumerate() {
            let mut line = raw.strip_suffix('\r').unwrap_or(raw);
            if i == 0 {
                line = line.strip_prefix('\u{feff}').unwrap_or(line);
            }
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = match line.split_once('=') {
                Some((k, v)) => (k, v.to_string()),
                None => (line, files.env(line).unwrap_or_default()),
            };
            if !env_name_ok(key) {
                return Err(format!("{key:?} is not a valid key name: {ENV_NAME_MSG}"));
            }
            b.add(key, value.as_bytes())?;
        }
    }
    let mut obj = match kind {
        DataKind::ConfigMap => {
            json!({"apiVersion": "v1", "kind": kinds::CONFIG_MAP, "metadata": {"creationTimestamp": null, "name": name}})
        }
        DataKind::Secret => {
            json!({"apiVersion": "v1", "kind": kinds::SECRET, "metadata": {"creationTimestamp": null, "name": name}})
        }
    };
    if !b.data.is_empty() {
        obj["data"] = Value::Object(b.data);
    }
    if !b.binary.is_empty() {
        obj["binaryData"] = Value::Object(b.binary);
    }
    if let Some(t) = secret_type.filter(|t| !t.is_empty()) {
        obj["type"] = json!(t);
    }
    if append_hash {
        let h = hash(kind, &obj);
        obj["metadata"]["name"] = json!(format!("{name}-{h}"));
    }
    Ok(obj)
}

/// A Secret of `secret_type` holding `pairs` (`create secret tls|docker-registry`), with
/// `--append-hash`'s name suffix when asked.
pub fn secret_of(
    name: &str,
    pairs: &[(&str, &[u8])],
    secret_type: &str,
    append_hash: bool,
) -> Value {
    let data: Map<String, Value> = pairs
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                json!(base64::engine::general_purpose::STANDARD.encode(v)),
            )
        })
        .collect();
    let mut obj = json!({"apiVersion": "v1", "data": data, "kind": kinds::SECRET,
        "metadata": {"creationTimestamp": null, "name": name}, "type": secret_type});
    if append_hash {
        let h = hash(DataKind::Secret, &obj);
        obj["metadata"]["name"] = json!(format!("{name}-{h}"));
    }
    obj
}

/// `hash.ConfigMapHash` / `hash.SecretHash`: sha256 of a small JSON encoding, its first ten
/// hex digits with `0 1 3 a e` replaced by `g h k m t`.
fn hash(kind: DataKind, obj: &Value) -> String {
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let mut m = Map::new();
    match kind {
        DataKind::ConfigMap => {
            m.insert("kind".into(), json!("ConfigMap"));
            m.insert("name".into(), json!(name));
            m.insert("data".into(), obj.get("data").cloned().unwrap_or(json!({})));
            if let Some(bd) = obj.get("binaryData") {
                m.insert("binaryData".into(), bd.clone());
            }
        }
        DataKind::Secret => {
            m.insert("kind".into(), json!("Secret"));
            m.insert(
                "type".into(),
                json!(obj.get("type").and_then(Value::as_str).unwrap_or("")),
            );
            m.insert("name".into(), json!(name));
            m.insert("data".into(), obj.get("data").cloned().unwrap_or(json!({})));
        }
    }
    let encoded = crate::printers::json::to_json_compact(&Value::Object(m));
    let digest = Sha256::digest(encoded.as_bytes());
    let hex = crate::world::seed::hex(&digest);
    hex[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            o => o,
        })
        .collect()
}
