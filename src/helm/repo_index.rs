//! A repository's `index.yaml` (`pkg/repo/index.go`): loading as helm does (apiVersion
//! required, invalid entries skipped, versions sorted newest first) and `helm repo index DIR`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::chart::load_archive;
use super::{Helm, Res};
use crate::printers::gotemplate::semver::Version;

/// A loaded index: chart name → versions (each the JSON of a `ChartVersion`), newest first.
#[derive(Debug, Clone, Default)]
pub struct IndexFile {
    pub api_version: String,
    pub generated: String,
    pub entries: BTreeMap<String, Vec<Value>>,
}

/// A string field of a chart version.
pub fn field<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn sort_versions(list: &mut [Value]) {
    // sort.Sort(sort.Reverse(ChartVersions)): unparsable versions go last.
    list.sort_by(|a, b| {
        let (x, y) = (
            Version::parse(field(a, "version")).ok(),
            Version::parse(field(b, "version")).ok(),
        );
        match (x, y) {
            (Some(x), Some(y)) => y.cmp(&x),
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, None) => std::cmp::Ordering::Equal,
        }
    });
}

impl IndexFile {
    /// `loadIndex`: errors as helm words them.
    pub fn load(bytes: &[u8]) -> Result<IndexFile, String> {
        if bytes.is_empty() {
            return Err("empty index.yaml file".into());
        }
        let text = String::from_utf8_lossy(bytes);
        let v = crate::kubectl::manifest_yaml::yaml_document_to_json(&text)
            .map_err(|e| format!("error converting YAML to JSON: {e}"))?
            .unwrap_or(Value::Null);
        let mut entries = BTreeMap::new();
        if let Some(Value::Object(m)) = v.get("entries") {
            for (name, list) in m {
                let mut versions: Vec<Value> = list
                    .as_array()
                    .map(|l| {
                        l.iter()
                            .filter(|e| e.is_object())
                            .filter(|e| {
                                !field(e, "name").is_empty()
                                    && Version::parse(field(e, "version")).is_ok()
                            })
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                for e in &mut versions {
                    if field(e, "apiVersion").is_empty()
                        && let Value::Object(o) = e
                    {
                        o.insert("apiVersion".into(), Value::String("v1".into()));
                    }
                }
                sort_versions(&mut versions);
                entries.insert(name.clone(), versions);
            }
        }
        let api_version = field(&v, "apiVersion").to_string();
        if api_version.is_empty() {
            return Err("no API version specified".into());
        }
        Ok(IndexFile {
            api_version,
            generated: field(&v, "generated").to_string(),
            entries,
        })
    }

    /// The index's YAML as `IndexFile.WriteFile` writes it.
    pub fn to_yaml(&self) -> String {
        let mut entries = Map::new();
        for (k, v) in &self.entries {
            entries.insert(k.clone(), Value::Array(v.clone()));
        }
        crate::printers::yaml::to_yaml(&json!({
            "apiVersion": self.api_version,
            "entries": entries,
            "generated": self.generated,
        }))
    }

    /// The index entry for a chart archive (`IndexFile.MustAdd`).
    pub fn add(&mut self, chart: &super::chart::Chart, url: String, digest: String, created: &str) {
        let mut m = match &chart.metadata {
            Value::Object(o) => o.clone(),
            _ => Map::new(),
        };
        m.retain(|_, v| match v {
            Value::Null => false,
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            Value::Bool(b) => *b,
            _ => true,
        });
        m.insert("urls".into(), json!([url]));
        m.insert("created".into(), Value::String(created.to_string()));
        m.insert("digest".into(), Value::String(digest));
        self.entries
            .entry(chart.name().to_string())
            .or_default()
            .push(Value::Object(m));
    }

    /// Sorts each chart's versions newest first.
    pub fn sort(&mut self) {
        for v in self.entries.values_mut() {
            sort_versions(v);
        }
    }
}

/// sha256 hex of bytes (`provenance.DigestFile`).
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `helm repo index DIR [--url URL]`: indexes `DIR/*.tgz` and `DIR/*/*.tgz` into `DIR/index.yaml`.
pub fn index_cmd(h: &mut Helm<'_, '_>) -> Res {
    let dir = h.p.args[0].trim_end_matches('/').to_string();
    let dir = if dir.is_empty() { "/".to_string() } else { dir };
    let base_url = h.p.get("url").unwrap_or("").to_string();
    let names = h
        .ctx
        .files
        .list_dir(&dir)
        .map_err(|_| format!("lstat {dir}: no such file or directory"))?;
    let mut archives = Vec::new();
    for n in &names {
        let p = format!("{dir}/{n}");
        if n.ends_with(".tgz") && !h.ctx.files.is_dir(&p) {
            archives.push((String::new(), n.clone()));
        }
    }
    for n in &names {
        let p = format!("{dir}/{n}");
        if h.ctx.files.is_dir(&p) {
            for m in h.ctx.files.list_dir(&p).unwrap_or_default() {
                if m.ends_with(".tgz") && !h.ctx.files.is_dir(&format!("{p}/{m}")) {
                    archives.push((n.clone(), m));
                }
            }
        }
    }
    let created = super::times::rfc3339_nano(h.ctx.world.now());
    let mut index = IndexFile {
        api_version: "v1".into(),
        generated: created.clone(),
        entries: BTreeMap::new(),
    };
    for (parent, file) in archives {
        let path = if parent.is_empty() {
            format!("{dir}/{file}")
        } else {
            format!("{dir}/{parent}/{file}")
        };
        let Ok(bytes) = h.ctx.files.read_file(&path) else {
            continue;
        };
        let Ok(chart) = load_archive(&bytes) else {
            continue;
        };
        if chart.validate().is_err() {
            return Err(format!(
                "failed adding to {file} to index: validate failed for {file}: {}",
                chart.validate().err().unwrap_or_default()
            )
            .into());
        }
        let parent_url = join_url(&base_url, &parent);
        let url = if parent_url.is_empty() {
            file.clone()
        } else {
            join_url(&parent_url, &file)
        };
        index.add(&chart, url, digest(&bytes), &created);
    }
    index.sort();
    let out = index.to_yaml();
    h.ctx
        .files
        .create_file(&format!("{dir}/index.yaml"), out.as_bytes())?;
    Ok(())
}

/// `urlutil.URLJoin`: the base's path with `/part` added (no part: the base as it is).
fn join_url(base: &str, part: &str) -> String {
    if base.is_empty() {
        return part.to_string();
    }
    if part.is_empty() {
        return base.to_string();
    }
    format!("{}/{}", base.trim_end_matches('/'), part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_sorts_and_requires_api_version() {
        let i = IndexFile::load(b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 0.1.0\n  - name: a\n    version: 0.2.0\n").unwrap();
        assert_eq!(field(&i.entries["a"][0], "version"), "0.2.0");
        assert_eq!(field(&i.entries["a"][0], "apiVersion"), "v1");
        assert_eq!(
            IndexFile::load(b"entries: {}\n").unwrap_err(),
            "no API version specified"
        );
    }
}
