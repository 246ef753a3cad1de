//! Helm's template engine (`pkg/engine`, v3.21): charts rendered with Go `text/template`
//! (the vendored `gotmpl`, see `printers::gotemplate`), Sprig, and Helm's own functions
//! (`include`, `tpl`, `required`, `fail`, `toYaml`, `fromYaml`, `toJson`, `fromJson`,
//! `lookup`, ...).
//!
//! The API the `helm` command line uses:
//! - [`coalesce_values`] — the chart's `values.yaml` overlaid with `-f`/`--set`/`--set-string`;
//! - [`render`] — every template of a chart (and its subcharts) rendered, in Helm's order,
//!   partials (`_*.tpl`) not emitted, `NOTES.txt` separate, errors in Helm's text;
//!
//! The rendered files are cut into documents, hooks taken out and manifests put in Helm's
//! install order by the command line (`helm::manifests`), for `template`, `install` and
//! `upgrade` alike.

pub mod funcs;
pub mod strvals;
pub mod values;

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use gotmpl::{MissingKey, Template, Value as T};

use crate::printers::gotemplate::convert::from_json;

pub use values::{UserValues, coalesce_values};

/// Values as Helm holds them (JSON data: numbers from YAML are floats, `--set` integers are
/// integers).
pub type Value = serde_json::Value;

/// `lookup APIVERSION KIND NAMESPACE NAME` against the cluster: the object, or for an empty
/// name the `List` of them; `None` when there is none (the template then gets an empty map).
pub type Lookup = Arc<dyn Fn(&str, &str, &str, &str) -> Option<serde_json::Value> + Send + Sync>;

/// A chart to render.
#[derive(Debug, Clone)]
pub struct RenderChart<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub app_version: Option<&'a str>,
    pub description: Option<&'a str>,
    pub api_version: &'a str,
    pub chart_type: Option<&'a str>,
    /// Template files, paths relative to the chart root (`templates/deployment.yaml`,
    /// `templates/_helpers.tpl`, `templates/NOTES.txt`).
    pub templates: &'a [(String, String)],
    /// Other files for `.Files` (relative paths), e.g. `README.md`.
    pub files: &'a [(String, Vec<u8>)],
    /// Subcharts, rendered with their own values (`values[subchart name]`) and `.Values.global`.
    pub subcharts: Vec<RenderChart<'a>>,
    /// The chart's own `values.yaml` (subcharts' defaults are coalesced in [`render`]).
    pub values_yaml: &'a str,
}

/// The release a chart is rendered for (`.Release`).
#[derive(Debug, Clone, Copy)]
pub struct RenderRelease<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub revision: u32,
    pub is_install: bool,
    pub is_upgrade: bool,
    /// `Helm`.
    pub service: &'a str,
}

/// `.Capabilities`.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `v1.32.0` (`.Capabilities.KubeVersion.Version` / `.GitVersion`; Major and Minor are
    /// derived from it).
    pub kube_version: String,
    /// `.Capabilities.APIVersions` (`apps/v1`, `apps/v1/Deployment`, ...), for `.Has`.
    pub api_versions: Vec<String>,
    /// `.Capabilities.HelmVersion.Version`, e.g. `v3.21.4`.
    pub helm_version: String,
    /// `.Capabilities.HelmVersion.GitCommit`.
    pub helm_git_commit: String,
    /// `.Capabilities.HelmVersion.GoVersion`.
    pub go_version: String,
}

/// What [`render`] produces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// `(path, text)` for every template that is not a partial and not a `NOTES.txt`, sorted
    /// by path (`mychart/templates/service.yaml`, `mychart/charts/sub/templates/x.yaml`);
    /// `<no value>` already removed. Files that render blank are included (blank).
    pub files: Vec<(String, String)>,
    /// The top chart's rendered `NOTES.txt`, if it has one.
    pub notes: Option<String>,
    /// Subcharts' `NOTES.txt` (`--render-subchart-notes`), by path.
    pub subchart_notes: Vec<(String, String)>,
}

/// One template to run: its full path, source, and the chart scope's data.
struct Renderable {
    path: String,
    src: String,
    scope: BTreeMap<Arc<str>, T>,
    base_path: String,
}

/// Renders a chart as Helm's `engine.Render` does, with `values` from [`coalesce_values`].
/// Errors are the texts Helm prints after `Error: ` (`parse error at (...)`,
/// `execution error at (...)`, `template: ...: executing ...`).
pub fn render(
    chart: &RenderChart,
    values: &Value,
    release: &RenderRelease,
    caps: &Capabilities,
    lookup: &Lookup,
) -> Result<Rendered, String> {
    let release_v = release_value(release);
    let caps_v = capabilities_value(caps);
    let mut all = Vec::new();
    let top_values = match values {
        Value::Object(m) => {
            let mut m = m.clone();
            coalesce_subcharts(chart, &mut m)?;
            Value::Object(m)
        }
        _ => Value::Object(Default::default()),
    };
    collect(
        chart,
        chart.name,
        &top_values,
        &release_v,
        &caps_v,
        &mut all,
    );

    // Parse every file in Helm's order (deeper paths first, then reverse lexical), all into
    // one set, so the top chart's `define`s win.
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| by_path_len(&all[b].path, &all[a].path));
    let slot: Arc<OnceLock<Template>> = Arc::new(OnceLock::new());
    let mut set = Template::new("gotpl")
        .missing_key(MissingKey::ZeroValue)
        .funcs(crate::printers::gotemplate::sprig())
        .funcs(funcs::helm_funcs(&slot, lookup.clone()));
    for &i in &order {
        let r = &all[i];
        set = set
            .parse_named(&r.path, &r.src)
            .map_err(|e| cleanup_parse_error(&r.path, &e.to_string()))?;
    }
    let _ = slot.set(set.clone());

    let mut files = Vec::new();
    let mut notes = None;
    let mut subchart_notes = Vec::new();
    for &i in &order {
        let r = &all[i];
        let base = r.path.rsplit('/').next().unwrap_or("");
        if base.starts_with('_') {
            continue;
        }
        let mut scope = r.scope.clone();
        let mut tmpl = BTreeMap::new();
        tmpl.insert(Arc::from("Name"), T::String(Arc::from(r.path.as_str())));
        tmpl.insert(
            Arc::from("BasePath"),
            T::String(Arc::from(r.base_path.as_str())),
        );
        scope.insert(Arc::from("Template"), T::Map(Arc::new(tmpl)));
        let data = T::Map(Arc::new(scope));
        let text = if set.has_template(&r.path) {
            set.execute_template_to_string(&r.path, &data)
                .map_err(|e| cleanup_exec_error(&e.to_string()))?
        } else {
            String::new()
        };
        let text = text.replace("<no value>", "");
        if base == "NOTES.txt" {
            if r.path == format!("{}/templates/NOTES.txt", chart.name) {
                notes = Some(text);
            } else {
                subchart_notes.push((r.path.clone(), text));
            }
        } else {
            files.push((r.path.clone(), text));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    subchart_notes.sort();
    Ok(Rendered {
        files,
        notes,
        subchart_notes,
    })
}

/// Go's `sort.Reverse(byPathLen)` order as a comparator: more `/` first, then reverse lexical.
fn by_path_len(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    if ca == cb { a.cmp(b) } else { ca.cmp(&cb) }
}

/// `values` with every subchart's defaults and the parent's globals filled in (`coalesceDeps`):
/// what `chartutil.MergeValues(chart, values)` gives.
pub fn coalesce_deps(chart: &RenderChart, values: &Value) -> Result<Value, String> {
    let mut m = values.as_object().cloned().unwrap_or_default();
    coalesce_subcharts(chart, &mut m)?;
    Ok(Value::Object(m))
}

/// Fills each subchart's values (`values[name]`) with its defaults and the parent's globals.
fn coalesce_subcharts(
    chart: &RenderChart,
    vals: &mut serde_json::Map<String, Value>,
) -> Result<(), String> {
    let parent_global = vals.get("global").cloned();
    for sub in &chart.subcharts {
        let mut mine = match vals.remove(sub.name) {
            Some(Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        };
        // `coalesceGlobals` gives every subchart a `global` map, empty when nobody set one.
        let g = mine
            .entry("global".to_string())
            .or_insert_with(|| Value::Object(Default::default()));
        if let (Some(Value::Object(pg)), Value::Object(gm)) = (&parent_global, g) {
            for (k, v) in pg {
                match (gm.get_mut(k), v) {
                    (Some(Value::Object(d)), Value::Object(s)) => {
                        values::merge_maps(d, s.clone());
                    }
                    _ => {
                        gm.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        let defaults = values::parse_values_yaml(sub.values_yaml)?;
        values::coalesce_into(&mut mine, &defaults);
        coalesce_subcharts(sub, &mut mine)?;
        vals.insert(sub.name.to_string(), Value::Object(mine));
    }
    Ok(())
}

/// Gathers the chart's and its subcharts' templates with each scope's data (`recAllTpls`).
fn collect(
    chart: &RenderChart,
    full_path: &str,
    values: &Value,
    release: &T,
    caps: &T,
    out: &mut Vec<Renderable>,
) {
    let mut scope = BTreeMap::new();
    scope.insert(Arc::from("Chart"), chart_value(chart));
    scope.insert(Arc::from("Files"), funcs::files_value(chart.files));
    scope.insert(Arc::from("Release"), release.clone());
    scope.insert(Arc::from("Capabilities"), caps.clone());
    scope.insert(Arc::from("Values"), from_json(values));
    for sub in &chart.subcharts {
        let sub_values = values
            .get(sub.name)
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default()));
        let sub_path = format!("{full_path}/charts/{}", sub.name);
        collect(sub, &sub_path, &sub_values, release, caps, out);
    }
    let library = chart
        .chart_type
        .is_some_and(|t| t.eq_ignore_ascii_case("library"));
    for (path, src) in chart.templates {
        let base = path.rsplit('/').next().unwrap_or("");
        if library && !base.starts_with('_') {
            continue;
        }
        out.push(Renderable {
            path: format!("{full_path}/{path}"),
            src: src.clone(),
            scope: scope.clone(),
            base_path: format!("{full_path}/templates"),
        });
    }
}

fn s(x: &str) -> T {
    T::String(Arc::from(x))
}

/// `.Chart` (`chart.Metadata`, Go field names; unset strings are "").
fn chart_value(c: &RenderChart) -> T {
    let mut m = BTreeMap::new();
    m.insert(Arc::from("Name"), s(c.name));
    m.insert(Arc::from("Version"), s(c.version));
    m.insert(Arc::from("AppVersion"), s(c.app_version.unwrap_or("")));
    m.insert(Arc::from("Description"), s(c.description.unwrap_or("")));
    m.insert(Arc::from("APIVersion"), s(c.api_version));
    m.insert(Arc::from("Type"), s(c.chart_type.unwrap_or("")));
    for k in ["Home", "Icon", "Condition", "Tags", "KubeVersion"] {
        m.insert(Arc::from(k), s(""));
    }
    m.insert(Arc::from("Deprecated"), T::Bool(false));
    for k in [
        "Sources",
        "Keywords",
        "Maintainers",
        "Annotations",
        "Dependencies",
    ] {
        m.insert(Arc::from(k), T::Nil);
    }
    T::Map(Arc::new(m))
}

/// `.Release`.
fn release_value(r: &RenderRelease) -> T {
    let mut m = BTreeMap::new();
    m.insert(Arc::from("Name"), s(r.name));
    m.insert(Arc::from("Namespace"), s(r.namespace));
    m.insert(Arc::from("Revision"), T::Int(i64::from(r.revision)));
    m.insert(Arc::from("IsInstall"), T::Bool(r.is_install));
    m.insert(Arc::from("IsUpgrade"), T::Bool(r.is_upgrade));
    m.insert(Arc::from("Service"), s(r.service));
    T::Map(Arc::new(m))
}

/// `.Capabilities`: `KubeVersion` (Version, Major, Minor, GitVersion), `APIVersions` (with
/// `Has`), `HelmVersion`.
fn capabilities_value(c: &Capabilities) -> T {
    let v = c.kube_version.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next().unwrap_or("");
    let minor = parts.next().unwrap_or("");
    let mut kv = BTreeMap::new();
    kv.insert(Arc::from("Version"), s(&c.kube_version));
    kv.insert(Arc::from("GitVersion"), s(&c.kube_version));
    kv.insert(Arc::from("Major"), s(major));
    kv.insert(Arc::from("Minor"), s(minor));
    let mut hv = BTreeMap::new();
    hv.insert(Arc::from("Version"), s(&c.helm_version));
    hv.insert(Arc::from("GitCommit"), s(&c.helm_git_commit));
    hv.insert(Arc::from("GitTreeState"), s("clean"));
    hv.insert(Arc::from("GoVersion"), s(&c.go_version));
    let mut m = BTreeMap::new();
    m.insert(Arc::from("KubeVersion"), T::Map(Arc::new(kv)));
    m.insert(
        Arc::from("APIVersions"),
        funcs::api_versions_value(&c.api_versions),
    );
    m.insert(Arc::from("HelmVersion"), T::Map(Arc::new(hv)));
    T::Map(Arc::new(m))
}

/// `cleanupParseError`: `parse error at (FILE:LINE): MESSAGE`.
fn cleanup_parse_error(filename: &str, err: &str) -> String {
    let tokens: Vec<&str> = err.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {err}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// `cleanupExecError`: `required`/`fail` messages become `execution error at (LOCATION):
/// MESSAGE`; other errors keep Go's text.
fn cleanup_exec_error(err: &str) -> String {
    let tokens: Vec<&str> = err.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return err.to_string();
    }
    if let Some(start) = tokens[2].find(funcs::ERR_START) {
        let rest = &tokens[2][start + funcs::ERR_START.len()..];
        if let Some(end) = rest.rfind(funcs::ERR_END) {
            return format!("execution error at ({}): {}", tokens[1], &rest[..end]);
        }
    }
    err.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps() -> Capabilities {
        Capabilities {
            kube_version: "v1.32.0".into(),
            api_versions: vec!["v1".into(), "apps/v1".into()],
            helm_version: "v3.21.4".into(),
            helm_git_commit: String::new(),
            go_version: "go1.25.0".into(),
        }
    }

    fn release() -> RenderRelease<'static> {
        RenderRelease {
            name: "r",
            namespace: "ns",
            revision: 2,
            is_install: false,
            is_upgrade: true,
            service: "Helm",
        }
    }

    fn chart<'a>(
        name: &'a str,
        templates: &'a [(String, String)],
        files: &'a [(String, Vec<u8>)],
        subcharts: Vec<RenderChart<'a>>,
        values_yaml: &'a str,
    ) -> RenderChart<'a> {
        RenderChart {
            name,
            version: "1.0.0",
            app_version: None,
            description: None,
            api_version: "v2",
            chart_type: None,
            templates,
            files,
            subcharts,
            values_yaml,
        }
    }

    fn t(path: &str, text: &str) -> (String, String) {
        (path.to_string(), text.to_string())
    }

    fn none() -> Lookup {
        Arc::new(|_: &str, _: &str, _: &str, _: &str| None)
    }

    #[test]
    fn subcharts_get_their_values_and_globals_and_parent_defines_win() {
        let sub_t = [
            t("templates/_h.tpl", r#"{{ define "shared" }}sub{{ end }}"#),
            t(
                "templates/cm.yaml",
                "{{ .Values.color }} {{ .Values.size }} {{ .Values.global.env }} {{ .Chart.Name }} {{ .Template.Name }} {{ include \"shared\" . }}",
            ),
        ];
        let subs = vec![chart("sub", &sub_t, &[], vec![], "color: blue\nsize: 1\n")];
        let top_t = [
            t("templates/_h.tpl", r#"{{ define "shared" }}top{{ end }}"#),
            t(
                "templates/a.yaml",
                "{{ .Values.sub.color }} {{ .Release.Revision }} {{ .Release.IsUpgrade }}",
            ),
            t("templates/NOTES.txt", "notes for {{ .Release.Name }}"),
        ];
        let top = chart(
            "top",
            &top_t,
            &[],
            subs,
            "global:\n  env: prod\nsub:\n  color: red\n",
        );
        let values = coalesce_values(top.values_yaml, &[]).unwrap();
        let r = render(&top, &values, &release(), &caps(), &none()).unwrap();
        assert_eq!(
            r.files,
            vec![
                t(
                    "top/charts/sub/templates/cm.yaml",
                    "red 1 prod sub top/charts/sub/templates/cm.yaml top"
                ),
                t("top/templates/a.yaml", "red 2 true"),
            ]
        );
        assert_eq!(r.notes.as_deref(), Some("notes for r"));
    }

    #[test]
    fn methods_files_capabilities_tpl_and_lookup() {
        let files = [("config/app.conf".to_string(), b"a=1\nb=2".to_vec())];
        let tpl = [t(
            "templates/x.yaml",
            "{{ .Files.Get \"config/app.conf\" | b64enc }} {{ .Capabilities.APIVersions.Has \"apps/v1\" }} {{ .Capabilities.APIVersions.Has \"x/v9\" }} {{ .Capabilities.KubeVersion.Minor }} {{ tpl .Values.tmpl . }} {{ (lookup \"v1\" \"Namespace\" \"\" \"kube-system\").metadata.name }} {{ len (lookup \"v1\" \"Pod\" \"ns\" \"none\") }}",
        )];
        let c = chart(
            "c",
            &tpl,
            &files,
            vec![],
            "tmpl: '{{ .Release.Namespace }}-{{ .Values.num }}'\nnum: 3\n",
        );
        let values = coalesce_values(c.values_yaml, &[]).unwrap();
        let lookup: Lookup = Arc::new(|_: &str, kind: &str, _: &str, name: &str| {
            (kind == "Namespace").then(|| serde_json::json!({"metadata": {"name": name}}))
        });
        let r = render(&c, &values, &release(), &caps(), &lookup).unwrap();
        assert_eq!(
            r.files[0].1,
            "YT0xCmI9Mg== true false 32 ns-3 kube-system 0"
        );
    }

    #[test]
    fn recursive_include_stops_with_helms_error() {
        let tpl = [t(
            "templates/x.yaml",
            "{{ define \"loop\" }}{{ include \"loop\" . }}{{ end }}{{ include \"loop\" . }}",
        )];
        let c = chart("c", &tpl, &[], vec![], "");
        let values = coalesce_values("", &[]).unwrap();
        let err = render(&c, &values, &release(), &caps(), &none()).unwrap_err();
        assert!(
            err.contains(
                "rendering template has a nested reference name: loop: unable to execute template"
            ),
            "{err}"
        );
    }
}
