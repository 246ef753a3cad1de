//! A release (`pkg/release`): its JSON as helm marshals it (Go struct field order, omitempty as
//! the struct tags say, `<`, `>`, `&` escaped, times RFC 3339 with nanoseconds, helm's zero
//! time as `""`), and read back from that JSON.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;

use super::chart::Chart;
use super::output::{arr, js, obj};
use super::times::{parse_rfc3339, rfc3339_nano};

/// A release status (`release.Status`).
pub const STATUSES: &[&str] = &[
    "unknown",
    "deployed",
    "uninstalled",
    "superseded",
    "failed",
    "uninstalling",
    "pending-install",
    "pending-upgrade",
    "pending-rollback",
];

/// `release.Info`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Info {
    /// Milliseconds of the virtual clock; None is Go's zero time.
    pub first_deployed: Option<i64>,
    pub last_deployed: Option<i64>,
    pub deleted: Option<i64>,
    pub description: String,
    pub status: String,
    pub notes: String,
}

/// `release.Hook`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    pub path: String,
    pub manifest: String,
    pub events: Vec<String>,
    pub last_run_started: Option<i64>,
    pub last_run_completed: Option<i64>,
    pub last_run_phase: String,
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

/// A release.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    pub name: String,
    pub info: Info,
    pub chart: Chart,
    /// The user-supplied values (`config`); an empty map is omitted from the JSON.
    pub config: Value,
    pub manifest: String,
    pub hooks: Vec<Hook>,
    pub version: u32,
    pub namespace: String,
    /// The storage object's labels (`release.Labels`, read from the Secret).
    pub labels: BTreeMap<String, String>,
}

fn time_json(t: Option<i64>) -> String {
    match t {
        Some(ms) => js(&rfc3339_nano(ms)),
        None => "\"\"".into(),
    }
}

fn omit_empty_str(fields: &mut Vec<(&'static str, String)>, k: &'static str, v: &str) {
    if !v.is_empty() {
        fields.push((k, js(v)));
    }
}

fn string_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `chart.Metadata` in struct order, omitempty.
pub fn metadata_json(m: &Value) -> String {
    let mut f: Vec<(&str, String)> = Vec::new();
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let raw = |k: &str| {
        m.get(k)
            .filter(|v| !v.is_null())
            .map(crate::printers::json::to_json_compact)
    };
    let nonempty = |k: &str| {
        m.get(k).filter(|v| match v {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
            Value::Null => false,
            _ => true,
        })
    };
    for k in ["name", "home"] {
        omit_empty_str(&mut f, k, &s(k));
    }
    if nonempty("sources").is_some() {
        f.push(("sources", raw("sources").unwrap_or_default()));
    }
    for k in ["version", "description"] {
        omit_empty_str(&mut f, k, &s(k));
    }
    for k in ["keywords", "maintainers"] {
        if nonempty(k).is_some() {
            f.push((k, raw(k).unwrap_or_default()));
        }
    }
    for k in ["icon", "apiVersion", "condition", "tags", "appVersion"] {
        omit_empty_str(&mut f, k, &s(k));
    }
    if m.get("deprecated").and_then(Value::as_bool) == Some(true) {
        f.push(("deprecated", "true".into()));
    }
    if nonempty("annotations").is_some() {
        f.push(("annotations", raw("annotations").unwrap_or_default()));
    }
    omit_empty_str(&mut f, "kubeVersion", &s("kubeVersion"));
    if nonempty("dependencies").is_some() {
        let deps = m
            .get("dependencies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        f.push(("dependencies", super::lock::dependencies_json(&deps)));
    }
    omit_empty_str(&mut f, "type", &s("type"));
    obj(&f)
}

fn files_json(files: &[(String, Vec<u8>)]) -> String {
    // A nil slice (nothing loaded) is `null`.
    if files.is_empty() {
        return "null".into();
    }
    arr(&files
        .iter()
        .map(|(n, d)| obj(&[("name", js(n)), ("data", js(&B64.encode(d)))]))
        .collect::<Vec<_>>())
}

/// The chart's values as helm stores them (`chart.Values`: values.yaml read as JSON).
pub fn chart_values(c: &Chart) -> Value {
    crate::kubectl::manifest_yaml::yaml_document_to_json(&c.values_yaml)
        .ok()
        .flatten()
        .unwrap_or(Value::Null)
}

impl Release {
    /// `json.Marshal(release)`.
    pub fn to_json(&self) -> String {
        self.to_json_opts(true)
    }

    /// The JSON, without the chart when `with_chart` is false (`helm status` drops it).
    pub fn to_json_opts(&self, with_chart: bool) -> String {
        let i = &self.info;
        let mut info = vec![
            ("first_deployed", time_json(i.first_deployed)),
            ("last_deployed", time_json(i.last_deployed)),
            ("deleted", time_json(i.deleted)),
        ];
        omit_empty_str(&mut info, "description", &i.description);
        omit_empty_str(&mut info, "status", &i.status);
        omit_empty_str(&mut info, "notes", &i.notes);
        let c = &self.chart;
        let values = chart_values(c);
        let chart = obj(&[
            ("metadata", metadata_json(&c.metadata)),
            (
                "lock",
                match &c.lock {
                    Some(l) => super::lock::lock_json(l),
                    None => "null".into(),
                },
            ),
            ("templates", files_json(&c.templates)),
            (
                "values",
                if values.is_null() {
                    "null".into()
                } else {
                    crate::printers::json::to_json_compact(&values)
                },
            ),
            (
                "schema",
                c.schema
                    .as_ref()
                    .map_or("null".into(), |s| js(&B64.encode(s))),
            ),
            ("files", files_json(&c.files)),
        ]);
        let mut f: Vec<(&str, String)> = Vec::new();
        omit_empty_str(&mut f, "name", &self.name);
        f.push(("info", obj(&info)));
        if with_chart {
            f.push(("chart", chart));
        }
        if self.config.as_object().is_some_and(|o| !o.is_empty()) {
            f.push((
                "config",
                crate::printers::json::to_json_compact(&self.config),
            ));
        }
        omit_empty_str(&mut f, "manifest", &self.manifest);
        if !self.hooks.is_empty() {
            f.push((
                "hooks",
                arr(&self.hooks.iter().map(hook_json).collect::<Vec<_>>()),
            ));
        }
        if self.version != 0 {
            f.push(("version", self.version.to_string()));
        }
        omit_empty_str(&mut f, "namespace", &self.namespace);
        obj(&f)
    }

    /// Reads the JSON back.
    pub fn from_json(text: &[u8]) -> Result<Release, String> {
        let v: Value = serde_json::from_slice(text).map_err(|e| e.to_string())?;
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let t = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).and_then(parse_rfc3339);
        let i = &v["info"];
        let c = &v["chart"];
        let files = |k: &str| -> Vec<(String, Vec<u8>)> {
            c.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|f| (s(f, "name"), B64.decode(s(f, "data")).unwrap_or_default()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let values = c.get("values").cloned().unwrap_or(Value::Null);
        let chart = Chart {
            metadata: c.get("metadata").cloned().unwrap_or(Value::Null),
            values_yaml: if values.is_null() {
                String::new()
            } else {
                crate::printers::yaml::to_yaml(&values)
            },
            has_values: !values.is_null(),
            templates: files("templates"),
            files: files("files"),
            schema: c
                .get("schema")
                .and_then(Value::as_str)
                .and_then(|x| B64.decode(x).ok()),
            lock: c.get("lock").filter(|l| !l.is_null()).cloned(),
            dependencies: vec![],
        };
        let hooks = v
            .get("hooks")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|h| Hook {
                        name: s(h, "name"),
                        kind: s(h, "kind"),
                        path: s(h, "path"),
                        manifest: s(h, "manifest"),
                        events: string_list(&h["events"]),
                        last_run_started: t(&h["last_run"], "started_at"),
                        last_run_completed: t(&h["last_run"], "completed_at"),
                        last_run_phase: s(&h["last_run"], "phase"),
                        weight: h.get("weight").and_then(Value::as_i64).unwrap_or(0),
                        delete_policies: string_list(&h["delete_policies"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Release {
            name: s(&v, "name"),
            info: Info {
                first_deployed: t(i, "first_deployed"),
                last_deployed: t(i, "last_deployed"),
                deleted: t(i, "deleted"),
                description: s(i, "description"),
                status: s(i, "status"),
                notes: s(i, "notes"),
            },
            chart,
            config: v.get("config").cloned().unwrap_or(Value::Null),
            manifest: s(&v, "manifest"),
            hooks,
            version: v.get("version").and_then(Value::as_u64).unwrap_or(0) as u32,
            namespace: s(&v, "namespace"),
            labels: BTreeMap::new(),
        })
    }

    /// `CHART` column: `name-version`.
    pub fn chart_ref(&self) -> String {
        format!("{}-{}", self.chart.name(), self.chart.version())
    }
}

fn hook_json(h: &Hook) -> String {
    let mut f: Vec<(&str, String)> = Vec::new();
    omit_empty_str(&mut f, "name", &h.name);
    omit_empty_str(&mut f, "kind", &h.kind);
    omit_empty_str(&mut f, "path", &h.path);
    omit_empty_str(&mut f, "manifest", &h.manifest);
    if !h.events.is_empty() {
        f.push((
            "events",
            arr(&h.events.iter().map(|e| js(e)).collect::<Vec<_>>()),
        ));
    }
    f.push((
        "last_run",
        obj(&[
            ("started_at", time_json(h.last_run_started)),
            ("completed_at", time_json(h.last_run_completed)),
            ("phase", js(&h.last_run_phase)),
        ]),
    ));
    if h.weight != 0 {
        f.push(("weight", h.weight.to_string()));
    }
    if !h.delete_policies.is_empty() {
        f.push((
            "delete_policies",
            arr(&h.delete_policies.iter().map(|e| js(e)).collect::<Vec<_>>()),
        ));
    }
    obj(&f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trip_in_go_order() {
        let chart = Chart::from_files(vec![
            (
                "Chart.yaml".into(),
                b"apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: 1.16.0\n".to_vec(),
            ),
            ("values.yaml".into(), b"replicaCount: 1\n".to_vec()),
            ("templates/a.yaml".into(), b"a: <b>\n".to_vec()),
        ])
        .unwrap();
        let r = Release {
            name: "x".into(),
            info: Info {
                first_deployed: Some(1000),
                last_deployed: Some(1500),
                status: "deployed".into(),
                description: "Install complete".into(),
                ..Info::default()
            },
            chart,
            config: Value::Null,
            manifest: "---\n# Source: c/templates/a.yaml\na: <b>\n".into(),
            hooks: vec![],
            version: 1,
            namespace: "default".into(),
            labels: BTreeMap::new(),
        };
        let j = r.to_json();
        assert!(j.starts_with("{\"name\":\"x\",\"info\":{\"first_deployed\":\"1970-01-01T00:00:01Z\",\"last_deployed\":\"1970-01-01T00:00:01.5Z\",\"deleted\":\"\",\"description\":\"Install complete\",\"status\":\"deployed\"},\"chart\":{\"metadata\":{\"name\":\"c\",\"version\":\"0.1.0\",\"apiVersion\":\"v2\",\"appVersion\":\"1.16.0\"},\"lock\":null,\"templates\":[{\"name\":\"templates/a.yaml\",\"data\":\"YTogPGI+Cg==\"}],\"values\":{\"replicaCount\":1},\"schema\":null,\"files\":null},"), "{j}");
        assert!(j.ends_with("\"manifest\":\"---\\n# Source: c/templates/a.yaml\\na: \\u003cb\\u003e\\n\",\"version\":1,\"namespace\":\"default\"}"), "{j}");
        let back = Release::from_json(j.as_bytes()).unwrap();
        assert_eq!(back.manifest, r.manifest);
        assert_eq!(back.info, r.info);
        assert_eq!(back.chart.templates, r.chart.templates);
    }
}
