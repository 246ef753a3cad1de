//! A chart's subcharts at install, upgrade and template time: `action.CheckDependencies`
//! (every Chart.yaml dependency present in `charts/`), `chartutil.ProcessDependenciesWithMerge`
//! (aliases, `tags`, `condition`, disabled subcharts dropped, `enabled: true` recorded on the
//! others, each chart's values merged with its subcharts' defaults), and the chart tree the
//! template engine renders.
//!
//! Not simulated: `import-values` (refused plainly), and the `log.Printf` warnings Helm prints for
//! a condition or tag whose value is not a boolean (the value is skipped, as Helm skips it).

use serde_json::Value;

use super::chart::Chart;
use super::engine::{self, RenderChart, UserValues};
use crate::printers::gotemplate::semver::{Constraint, Version};

/// Chart.yaml's `dependencies`.
pub fn requested(c: &Chart) -> Vec<Value> {
    c.metadata
        .get("dependencies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn name_of(d: &Value) -> &str {
    d.get("name").and_then(Value::as_str).unwrap_or("")
}

/// `action.CheckDependencies`: the error when a declared dependency is not in `charts/`.
pub fn check(c: &Chart) -> Result<(), String> {
    let missing: Vec<&str> = requested_names(c)
        .into_iter()
        .filter(|n| !c.dependencies.iter().any(|d| d.name() == *n))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "found in Chart.yaml, but missing in charts/ directory: {}",
        missing.join(", ")
    ))
}

fn requested_names(c: &Chart) -> Vec<&str> {
    c.metadata
        .get("dependencies")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(name_of).collect())
        .unwrap_or_default()
}

/// The text install, upgrade and template print for a missing dependency.
pub fn check_for_install(c: &Chart) -> Result<(), String> {
    check(c).map_err(|e| {
        format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: {e}"
        )
    })
}

/// `IsCompatibleRange`: the version satisfies the constraint (both must parse).
fn compatible(constraint: &str, version: &str) -> bool {
    match (Constraint::parse(constraint), Version::parse(version)) {
        (Ok(c), Ok(v)) => c.matches(&v),
        _ => false,
    }
}

/// `Values.PathValue`: the value at a dotted path, when its last key exists.
fn path_value<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for k in path.split('.') {
        cur = cur.as_object()?.get(k)?;
    }
    Some(cur)
}

/// `ProcessDependenciesWithMerge(chart, user values)`.
pub fn process(c: &mut Chart, user: &[UserValues]) -> Result<(), String> {
    let top = engine::coalesce_values(&c.values_yaml, user)?;
    enable(c, &top, "", 0)?;
    merge_values(c, 0)
}

/// How deep charts may nest (kubelab's bound).
const MAX_DEPTH: usize = 16;

/// `processDependencyEnabled`.
fn enable(c: &mut Chart, v: &Value, path: &str, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("kubelab does not support subcharts nested more than 16 deep".into());
    }
    let Some(Value::Array(mut reqs)) = c.metadata.get("dependencies").cloned() else {
        return Ok(());
    };
    if reqs.iter().any(|r| {
        r.get("import-values")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
    }) {
        return Err("kubelab does not support import-values in Chart.yaml's dependencies".into());
    }
    let field = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    // Charts no request names (at a compatible version) stay as they are.
    let existing = std::mem::take(&mut c.dependencies);
    let mut charts: Vec<Chart> = existing
        .iter()
        .filter(|e| {
            !reqs.iter().any(|r| {
                e.name() == field(r, "name") && compatible(&field(r, "version"), e.version())
            })
        })
        .cloned()
        .collect();
    for r in reqs.iter_mut() {
        let (name, version, alias) = (field(r, "name"), field(r, "version"), field(r, "alias"));
        if let Some(found) = existing
            .iter()
            .find(|e| e.name() == name && compatible(&version, e.version()))
        {
            let mut copy = found.clone();
            if !alias.is_empty()
                && let Value::Object(m) = &mut copy.metadata
            {
                m.insert("name".into(), Value::String(alias.clone()));
            }
            charts.push(copy);
        }
        if let Value::Object(m) = r {
            if !alias.is_empty() {
                m.insert("name".into(), Value::String(alias));
            }
            m.insert("enabled".into(), Value::Bool(true));
        }
    }
    c.dependencies = charts;
    let cvals = with_texts(c, |rc| engine::coalesce_deps(rc, v))?;
    // tags
    if let Some(Value::Object(tags)) = cvals.get("tags") {
        for r in reqs.iter_mut() {
            let (mut has_true, mut has_false) = (false, false);
            for t in r
                .get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                match t.as_str().and_then(|k| tags.get(k)) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            if let Value::Object(m) = r {
                m.insert("enabled".into(), Value::Bool(has_true || !has_false));
            }
        }
    }
    // conditions: the first path that holds a boolean decides.
    for r in reqs.iter_mut() {
        let cond = field(r, "condition");
        for p in cond.trim().split(',') {
            if p.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{p}"))
                && let Value::Object(m) = r
            {
                m.insert("enabled".into(), Value::Bool(*b));
                break;
            }
        }
    }
    let disabled: Vec<String> = reqs
        .iter()
        .filter(|r| r.get("enabled").and_then(Value::as_bool) != Some(true))
        .map(|r| field(r, "name"))
        .collect();
    c.dependencies
        .retain(|d| !disabled.iter().any(|n| n == d.name()));
    reqs.retain(|r| !disabled.contains(&field(r, "name")));
    for d in c.dependencies.iter_mut() {
        let sub = format!("{path}{}.", d.name());
        enable(d, &cvals, &sub, depth + 1)?;
    }
    if let Value::Object(m) = &mut c.metadata {
        if reqs.is_empty() {
            m.remove("dependencies");
        } else {
            m.insert("dependencies".into(), Value::Array(reqs));
        }
    }
    Ok(())
}

/// `processDependencyImportValues` without imports: each chart that declares dependencies gets
/// its values merged with its subcharts' defaults (`MergeValues(c, nil)`), children first.
fn merge_values(c: &mut Chart, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    for d in c.dependencies.iter_mut() {
        merge_values(d, depth + 1)?;
    }
    if c.metadata.get("dependencies").is_none() {
        return Ok(());
    }
    let own = engine::coalesce_values(&c.values_yaml, &[])?;
    let merged = with_texts(c, |rc| engine::coalesce_deps(rc, &own))?;
    c.values_yaml = crate::printers::yaml::to_yaml(&merged);
    c.has_values = true;
    Ok(())
}

/// A chart's templates as text (the engine renders `String`s), with its subcharts'.
struct Texts {
    templates: Vec<(String, String)>,
    subs: Vec<Texts>,
}

fn texts(c: &Chart) -> Texts {
    Texts {
        templates: c
            .templates
            .iter()
            .map(|(p, d)| (p.clone(), String::from_utf8_lossy(d).into_owned()))
            .collect(),
        subs: c.dependencies.iter().map(texts).collect(),
    }
}

fn render_chart<'a>(c: &'a Chart, t: &'a Texts) -> RenderChart<'a> {
    RenderChart {
        name: c.name(),
        version: c.version(),
        app_version: Some(c.app_version()).filter(|s| !s.is_empty()),
        description: Some(c.description()).filter(|s| !s.is_empty()),
        api_version: c.api_version(),
        chart_type: c.metadata.get("type").and_then(Value::as_str),
        templates: &t.templates,
        files: &c.files,
        subcharts: c
            .dependencies
            .iter()
            .zip(&t.subs)
            .map(|(c, t)| render_chart(c, t))
            .collect(),
        values_yaml: &c.values_yaml,
    }
}

/// Runs `f` with the chart (and its subcharts) as the template engine takes it.
pub fn with_texts<R>(c: &Chart, f: impl FnOnce(&RenderChart<'_>) -> R) -> R {
    let t = texts(c);
    let rc = render_chart(c, &t);
    f(&rc)
}
