//! A chart in memory (`pkg/chart/loader`): loaded from a directory of the workstation (with
//! `.helmignore`) or from an archive's bytes; its metadata (Chart.yaml), values.yaml text,
//! templates and other files, and the archive `helm package` writes of it.

use serde_json::{Map, Value};

use crate::kubectl::context::Workstation;

/// At most this many files in a chart (kubelab's limit).
pub const MAX_FILES: usize = 1000;

/// A loaded chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Chart.yaml as JSON (sigs.k8s.io/yaml reading).
    pub metadata: Value,
    /// values.yaml's text ("" when absent).
    pub values_yaml: String,
    /// Whether the chart has a values.yaml.
    pub has_values: bool,
    /// `templates/...` files, in load order.
    pub templates: Vec<(String, Vec<u8>)>,
    /// Other files (README.md, .helmignore, NOTES...), in load order.
    pub files: Vec<(String, Vec<u8>)>,
    /// values.schema.json.
    pub schema: Option<Vec<u8>>,
    /// Chart.lock as JSON (`helm dependency update` writes it).
    pub lock: Option<Value>,
    /// The charts in `charts/` (archives and directories), by name: Helm's
    /// `chart.Dependencies()` (Go's map order there; sorted here).
    pub dependencies: Vec<Chart>,
}

fn meta_str<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

impl Chart {
    /// `metadata.name`.
    pub fn name(&self) -> &str {
        meta_str(&self.metadata, "name")
    }

    /// `metadata.version`.
    pub fn version(&self) -> &str {
        meta_str(&self.metadata, "version")
    }

    /// `metadata.appVersion`.
    pub fn app_version(&self) -> &str {
        meta_str(&self.metadata, "appVersion")
    }

    /// `metadata.description`.
    pub fn description(&self) -> &str {
        meta_str(&self.metadata, "description")
    }

    /// `metadata.apiVersion`.
    pub fn api_version(&self) -> &str {
        meta_str(&self.metadata, "apiVersion")
    }

    /// Builds a chart from (path relative to the chart root, bytes).
    pub fn from_files(files: Vec<(String, Vec<u8>)>) -> Result<Chart, String> {
        if files.len() > MAX_FILES {
            return Err(format!(
                "more than {MAX_FILES} files in a chart (kubelab's limit)"
            ));
        }
        let mut metadata = None;
        let mut c = Chart {
            metadata: Value::Null,
            values_yaml: String::new(),
            has_values: false,
            templates: vec![],
            files: vec![],
            schema: None,
            lock: None,
            dependencies: vec![],
        };
        // Files under charts/, by the subchart's name (its first path component).
        let mut subcharts: std::collections::BTreeMap<String, Vec<(String, Vec<u8>)>> =
            std::collections::BTreeMap::new();
        for (name, data) in files {
            if let Some(rest) = name.strip_prefix("charts/")
                && !name.ends_with(".prov")
            {
                let cname = rest.split('/').next().unwrap_or(rest).to_string();
                subcharts
                    .entry(cname)
                    .or_default()
                    .push((rest.to_string(), data));
                continue;
            }
            match name.as_str() {
                "Chart.yaml" => {
                    let text = String::from_utf8_lossy(&data);
                    let v = crate::kubectl::manifest_yaml::yaml_document_to_json(&text)
                        .map_err(|e| {
                            format!("cannot load Chart.yaml: error converting YAML to JSON: {e}")
                        })?
                        .unwrap_or(Value::Object(Map::new()));
                    metadata = Some(v);
                }
                "values.yaml" => {
                    c.values_yaml = String::from_utf8_lossy(&data).into_owned();
                    c.has_values = true;
                }
                "values.schema.json" => c.schema = Some(data),
                "Chart.lock" => {
                    let text = String::from_utf8_lossy(&data);
                    let v = crate::kubectl::manifest_yaml::yaml_document_to_json(&text)
                        .map_err(|e| format!("cannot load Chart.lock: {e}"))?;
                    c.lock = v;
                }
                n if n.starts_with("templates/") => c.templates.push((name, data)),
                _ => c.files.push((name, data)),
            }
        }
        let Some(mut m) = metadata else {
            return Err("Chart.yaml file is missing".into());
        };
        if let Value::Object(o) = &mut m
            && !o.contains_key("apiVersion")
        {
            o.insert("apiVersion".into(), Value::String("v1".into()));
        }
        c.metadata = m;
        for (n, files) in subcharts {
            if n.starts_with('_') || n.starts_with('.') {
                continue;
            }
            let sub = if n.ends_with(".tgz") {
                let (fname, data) = &files[0];
                if *fname != n {
                    return Err(format!(
                        "error unpacking subchart tar in {}: expected {n}, got {fname}",
                        c.name()
                    ));
                }
                load_archive(data)
            } else {
                let inner: Vec<(String, Vec<u8>)> = files
                    .into_iter()
                    .filter_map(|(f, d)| f.split_once('/').map(|(_, r)| (r.to_string(), d)))
                    .collect();
                Chart::from_files(inner)
            };
            let sub =
                sub.map_err(|e| format!("error unpacking subchart {n} in {}: {e}", c.name()))?;
            c.dependencies.push(sub);
        }
        Ok(c)
    }

    /// `chart.Validate` (`validation: ...`).
    pub fn validate(&self) -> Result<(), String> {
        if self.name().is_empty() {
            return Err("validation: chart.metadata.name is required".into());
        }
        if self.name().contains('/') || self.name().contains('\\') {
            return Err(format!(
                "validation: chart.metadata.name \"{}\" is invalid",
                self.name()
            ));
        }
        if self.version().is_empty() {
            return Err("validation: chart.metadata.version is required".into());
        }
        if crate::printers::gotemplate::semver::Version::parse(self.version()).is_err() {
            return Err(format!(
                "validation: chart.metadata.version \"{}\" is invalid",
                self.version()
            ));
        }
        if !matches!(
            meta_str(&self.metadata, "type"),
            "" | "application" | "library"
        ) {
            return Err("validation: chart.metadata.type must be application or library".into());
        }
        Ok(())
    }

    /// Chart.yaml as `yaml.Marshal(chart.Metadata)` writes it (sorted keys, comments gone).
    pub fn chart_yaml(&self) -> String {
        const FIELDS: &[&str] = &[
            "name",
            "home",
            "sources",
            "version",
            "description",
            "keywords",
            "maintainers",
            "icon",
            "apiVersion",
            "condition",
            "tags",
            "appVersion",
            "deprecated",
            "annotations",
            "kubeVersion",
            "dependencies",
            "type",
        ];
        let mut m = Map::new();
        if let Value::Object(o) = &self.metadata {
            for (k, v) in o {
                let empty = match v {
                    Value::Null => true,
                    Value::String(s) => s.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    Value::Object(x) => x.is_empty(),
                    Value::Bool(b) => !b,
                    _ => false,
                };
                if FIELDS.contains(&k.as_str()) && !empty {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        crate::printers::yaml::to_yaml(&Value::Object(m))
    }

    /// The files of the archive `helm package` writes, under `NAME/`, in helm's order.
    pub fn archive_files(&self) -> Vec<(String, Vec<u8>)> {
        let base = self.name().to_string();
        let mut out = vec![(format!("{base}/Chart.yaml"), self.chart_yaml().into_bytes())];
        if self.api_version() == "v2"
            && let Some(lock) = &self.lock
        {
            out.push((
                format!("{base}/Chart.lock"),
                crate::printers::yaml::to_yaml(lock).into_bytes(),
            ));
        }
        if self.has_values {
            out.push((
                format!("{base}/values.yaml"),
                self.values_yaml.clone().into_bytes(),
            ));
        }
        if let Some(s) = &self.schema {
            out.push((format!("{base}/values.schema.json"), s.clone()));
        }
        for (n, d) in self.templates.iter().chain(self.files.iter()) {
            out.push((format!("{base}/{n}"), d.clone()));
        }
        // Subcharts are written unpacked under charts/NAME/, as `writeTarContents` does.
        for dep in &self.dependencies {
            for (n, d) in dep.archive_files() {
                out.push((format!("{base}/charts/{n}"), d));
            }
        }
        out
    }

    /// The `.tgz` of the chart, files stamped with `mtime` (unix seconds).
    pub fn package(&self, mtime: i64) -> Vec<u8> {
        let t = super::archive::tar(&self.archive_files(), mtime);
        super::archive::gzip(&t, mtime)
    }
}

/// Loads an archive (`loader.LoadArchive`): the files under its top directory.
pub fn load_archive(bytes: &[u8]) -> Result<Chart, String> {
    if bytes.len() < 512 && !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err("file 'archive' does not appear to be a gzipped archive; got 'application/octet-stream'".into());
    }
    let tar = super::archive::gunzip(bytes)?;
    let entries = super::archive::untar(&tar)?;
    let mut files = Vec::new();
    for (name, data) in entries {
        let Some((_, rest)) = name.split_once('/') else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        files.push((rest.to_string(), data));
    }
    Chart::from_files(files)
}

/// A `.helmignore` rule.
struct Rule {
    pattern: String,
    negate: bool,
    dir_only: bool,
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob(&p[1..], s) || (!s.is_empty() && s[0] != b'/' && glob(p, &s[1..])),
        (Some(b'?'), Some(c)) if *c != b'/' => glob(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob(&p[1..], &s[1..]),
        _ => false,
    }
}

fn rules(text: &str) -> Vec<Rule> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (negate, l) = match l.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, l),
            };
            let (dir_only, l) = match l.strip_suffix('/') {
                Some(r) => (true, r),
                None => (false, l),
            };
            Rule {
                pattern: l.trim_start_matches('/').to_string(),
                negate,
                dir_only,
            }
        })
        .collect()
}

fn ignored(rules: &[Rule], path: &str, is_dir: bool) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    let mut out = false;
    for r in rules {
        if r.dir_only && !is_dir {
            continue;
        }
        let target = if r.pattern.contains('/') { path } else { base };
        if glob(r.pattern.as_bytes(), target.as_bytes()) {
            out = !r.negate;
        }
    }
    out
}

/// Loads a chart directory of the workstation (`loader.LoadDir`), `.helmignore` applied.
pub fn load_dir(files: &dyn Workstation, dir: &str) -> Result<Chart, String> {
    let dir = dir.trim_end_matches('/');
    let dir = if dir.is_empty() { "/" } else { dir };
    let rules = files
        .read_file(&format!("{dir}/.helmignore"))
        .map(|b| super::chart::rules(&String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let full = if rel.is_empty() {
            dir.to_string()
        } else {
            format!("{dir}/{rel}")
        };
        let mut names = files.list_dir(&full)?;
        names.sort();
        let mut subdirs = Vec::new();
        for n in names {
            let r = if rel.is_empty() {
                n.clone()
            } else {
                format!("{rel}/{n}")
            };
            let p = format!("{dir}/{r}");
            if files.is_dir(&p) {
                if !ignored(&rules, &r, true) {
                    subdirs.push(r);
                }
                continue;
            }
            if ignored(&rules, &r, false) {
                continue;
            }
            if out.len() >= MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} files in a chart (kubelab's limit)"
                ));
            }
            out.push((r, files.read_file(&p)?));
        }
        // filepath.Walk order: a directory's entries in name order, depth first.
        for s in subdirs.into_iter().rev() {
            stack.push(s);
        }
    }
    // Walk visits files and directories interleaved by name; sort by path components.
    out.sort_by(|a, b| a.0.split('/').cmp(b.0.split('/')));
    Chart::from_files(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helmignore_rules() {
        let r = rules("# c\n.git/\n*.tmp\n.DS_Store\n*.orig\n");
        assert!(ignored(&r, ".git", true));
        assert!(ignored(&r, "templates/x.tmp", false));
        assert!(!ignored(&r, "templates/x.yaml", false));
    }

    #[test]
    fn archive_round_trip() {
        let c = Chart::from_files(vec![
            (
                "Chart.yaml".into(),
                b"apiVersion: v2\nname: c\nversion: 0.1.0\n# x\n".to_vec(),
            ),
            ("values.yaml".into(), b"a: 1\n".to_vec()),
            ("templates/a.yaml".into(), b"kind: A\n".to_vec()),
        ])
        .unwrap();
        assert_eq!(c.chart_yaml(), "apiVersion: v2\nname: c\nversion: 0.1.0\n");
        let back = load_archive(&c.package(100)).unwrap();
        assert_eq!(back.templates, c.templates);
        assert_eq!(back.values_yaml, "a: 1\n");
    }
}
