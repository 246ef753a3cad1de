//! `repositories.yaml` (`pkg/repo/repo.go` `File`): read with sigs.k8s.io/yaml rules, written as
//! helm writes it (JSON field names, sorted keys, go-yaml v2 text).

use serde_json::{Map, Value, json};

use super::paths::dir_of;
use crate::kubectl::context::Workstation;

/// One configured repository (`repo.Entry`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub name: String,
    pub url: String,
    pub username: String,
    pub password: String,
    pub cert_file: String,
    pub key_file: String,
    pub ca_file: String,
    pub insecure_skip_tls_verify: bool,
    pub pass_credentials_all: bool,
}

/// The file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RepoFile {
    pub api_version: String,
    /// As read (RFC 3339), or Go's zero time for a new file.
    pub generated: String,
    pub repositories: Vec<Entry>,
    /// Whether `repositories:` was null or absent (JSON output prints `null`).
    pub null_list: bool,
}

const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

fn s(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn b(v: &Value, k: &str) -> bool {
    v.get(k).and_then(Value::as_bool).unwrap_or(false)
}

impl Entry {
    fn to_json(&self) -> Value {
        json!({
            "name": self.name, "url": self.url, "username": self.username,
            "password": self.password, "certFile": self.cert_file, "keyFile": self.key_file,
            "caFile": self.ca_file, "insecure_skip_tls_verify": self.insecure_skip_tls_verify,
            "pass_credentials_all": self.pass_credentials_all,
        })
    }
}

impl RepoFile {
    /// Reads the file; `Ok(None)` when it does not exist.
    pub fn load(files: &dyn Workstation, path: &str) -> Result<Option<RepoFile>, String> {
        let Ok(bytes) = files.read_file(path) else {
            return Ok(None);
        };
        Self::parse(&String::from_utf8_lossy(&bytes)).map(Some)
    }

    /// Parses the text.
    pub fn parse(text: &str) -> Result<RepoFile, String> {
        let v = crate::kubectl::manifest_yaml::yaml_document_to_json(text)?.unwrap_or(Value::Null);
        let list = v.get("repositories").and_then(Value::as_array);
        let repositories = list
            .map(|l| {
                l.iter()
                    .map(|e| Entry {
                        name: s(e, "name"),
                        url: s(e, "url"),
                        username: s(e, "username"),
                        password: s(e, "password"),
                        cert_file: s(e, "certFile"),
                        key_file: s(e, "keyFile"),
                        ca_file: s(e, "caFile"),
                        insecure_skip_tls_verify: b(e, "insecure_skip_tls_verify"),
                        pass_credentials_all: b(e, "pass_credentials_all"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let generated = match v.get("generated").and_then(Value::as_str) {
            Some(g) => g.to_string(),
            None => ZERO_TIME.to_string(),
        };
        Ok(RepoFile {
            api_version: s(&v, "apiVersion"),
            generated,
            repositories,
            null_list: list.is_none(),
        })
    }

    /// The text helm writes.
    pub fn to_yaml(&self) -> String {
        let mut m = Map::new();
        m.insert("apiVersion".into(), Value::String(self.api_version.clone()));
        m.insert("generated".into(), Value::String(self.generated.clone()));
        m.insert(
            "repositories".into(),
            if self.repositories.is_empty() && self.null_list {
                Value::Null
            } else {
                Value::Array(self.repositories.iter().map(Entry::to_json).collect())
            },
        );
        crate::printers::yaml::to_yaml(&Value::Object(m))
    }

    /// Writes it (with the lock file helm's flock leaves beside it).
    pub fn save(&self, files: &mut dyn Workstation, path: &str) -> Result<(), String> {
        files.mkdir_all(dir_of(path))?;
        let lock = match path.strip_suffix(".yaml") {
            Some(stem) => format!("{stem}.lock"),
            None => format!("{path}.lock"),
        };
        if files.read_file(&lock).is_err() {
            files.create_file(&lock, b"")?;
        }
        files.create_file(path, self.to_yaml().as_bytes())
    }

    /// The entry named `name`.
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.repositories.iter().find(|e| e.name == name)
    }

    /// Adds or replaces by name (`File.Update`).
    pub fn update(&mut self, e: Entry) {
        match self.repositories.iter_mut().find(|x| x.name == e.name) {
            Some(x) => *x = e,
            None => {
                self.repositories.push(e);
                self.null_list = false;
            }
        }
    }

    /// Removes by name; whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.repositories.len();
        self.repositories.retain(|e| e.name != name);
        before != self.repositories.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_helm_writes() {
        let mut f = RepoFile::parse("").unwrap();
        f.update(Entry {
            name: "gasbugs-charts".into(),
            url: "https://raw.githubusercontent.com/gasbugs/helm-charts/main".into(),
            ..Entry::default()
        });
        assert_eq!(
            f.to_yaml(),
            "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n  certFile: \"\"\n  insecure_skip_tls_verify: false\n  keyFile: \"\"\n  name: gasbugs-charts\n  pass_credentials_all: false\n  password: \"\"\n  url: https://raw.githubusercontent.com/gasbugs/helm-charts/main\n  username: \"\"\n"
        );
        let back = RepoFile::parse(&f.to_yaml()).unwrap();
        assert_eq!(back.repositories, f.repositories);
    }
}
