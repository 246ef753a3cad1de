//! `helm dependency list [CHART]` (`pkg/action/dependency.go`): the dependencies Chart.yaml
//! declares, each with its status against what `charts/` holds (an archive `NAME-*.tgz`: `ok`,
//! `wrong version`, `misnamed`, `corrupt`, `too many matches`; an unpacked chart: `unpacked`,
//! `wrong version`; nothing: `missing`), then a warning for each chart in `charts/` that
//! Chart.yaml does not declare. `dependency build|update` are `dependency_update.rs`.

use serde_json::Value;

use super::chart::{Chart, load_archive, load_dir};
use super::pull::{clean, join};
use super::{Helm, HelmError, Res};
use crate::printers::gotemplate::semver::{Constraint, Version};

fn load(h: &Helm<'_, '_>, path: &str) -> Result<Chart, String> {
    if h.ctx.files.is_dir(path) {
        return load_dir(&*h.ctx.files, path);
    }
    match h.ctx.files.read_file(path) {
        Ok(b) => load_archive(&b),
        Err(_) => Err(format!("stat {path}: no such file or directory")),
    }
}

/// A `dependencies` entry's field.
fn field<'a>(d: &'a Value, k: &str) -> &'a str {
    d.get(k).and_then(Value::as_str).unwrap_or("")
}

/// Whether `version` satisfies the dependency's version (equal, or within its constraint);
/// `None` when either does not parse (`invalid version`).
fn version_ok(want: &str, got: &str) -> Option<bool> {
    if want == got {
        return Some(true);
    }
    let c = Constraint::parse(want).ok()?;
    let v = Version::parse(got).ok()?;
    Some(c.matches(&v))
}

fn version_status(want: &str, got: &str) -> Option<&'static str> {
    match version_ok(want, got) {
        None => Some("invalid version"),
        Some(false) => Some("wrong version"),
        Some(true) => None,
    }
}

/// `semver.StrictNewVersion` accepts it: `MAJOR.MINOR.PATCH` (no leading zeros, no `v`), then
/// an optional `-prerelease` and `+metadata`.
fn strict_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
        && Version::parse(v).is_ok()
}

/// `statArchiveForStatus`.
fn archive_status(h: &Helm<'_, '_>, archive: &str, name: &str, version: &str) -> &'static str {
    let Ok(c) = load(h, archive) else {
        return "corrupt";
    };
    if c.name() != name {
        return "misnamed";
    }
    version_status(version, c.version()).unwrap_or("ok")
}

/// `dependencyStatus`.
fn status(h: &Helm<'_, '_>, chart_path: &str, dep: &Value, subcharts: &[Chart]) -> &'static str {
    let (name, version) = (field(dep, "name"), field(dep, "version"));
    let charts_dir = join(chart_path, "charts");
    let archives: Vec<String> = h
        .ctx
        .files
        .list_dir(&charts_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f.starts_with(&format!("{name}-")) && f.ends_with(".tgz"))
        .map(|f| join(&charts_dir, &f))
        .filter(|p| !h.ctx.files.is_dir(p))
        .collect();
    match archives.len() {
        0 => {}
        1 => return archive_status(h, &archives[0], name, version),
        _ => {
            let found: Vec<&String> = archives
                .iter()
                .filter(|a| {
                    let base = a.rsplit('/').next().unwrap_or(a);
                    let v = base
                        .trim_end_matches(".tgz")
                        .trim_start_matches(&format!("{name}-"));
                    strict_semver(v)
                })
                .collect();
            match found.len() {
                1 => return archive_status(h, found[0], name, version),
                0 => {}
                _ => return "too many matches",
            }
        }
    }
    // The last loaded subchart of that name, as Helm's loop keeps the last match.
    let Some(sub) = subcharts.iter().rev().find(|c| c.name() == name) else {
        return "missing";
    };
    version_status(version, sub.version()).unwrap_or("unpacked")
}

/// The charts in `CHART/charts/` as `loader.Load` takes them (directories and archives).
fn subcharts(h: &Helm<'_, '_>, chart_path: &str) -> Vec<(String, Result<Chart, String>)> {
    let dir = join(chart_path, "charts");
    let mut out = Vec::new();
    for f in h.ctx.files.list_dir(&dir).unwrap_or_default() {
        let p = join(&dir, &f);
        if !h.ctx.files.is_dir(&p) && !f.ends_with(".tgz") {
            continue;
        }
        out.push((p.clone(), load(h, &p)));
    }
    out
}

/// `helm dependency list [CHART]`.
pub fn list(h: &mut Helm<'_, '_>) -> Res {
    let chart_path = clean(h.p.args.first().map_or(".", String::as_str));
    let c = load(h, &chart_path).map_err(HelmError)?;
    let Some(deps) = c.metadata.get("dependencies").filter(|d| !d.is_null()) else {
        h.out(&format!(
            "WARNING: no dependencies at {}\n",
            join(&chart_path, "charts")
        ));
        return Ok(());
    };
    let deps: Vec<Value> = deps.as_array().cloned().unwrap_or_default();
    let subs = subcharts(h, &chart_path);
    let loaded: Vec<Chart> = subs.iter().filter_map(|(_, c)| c.clone().ok()).collect();
    let mut rows = vec![vec![
        "NAME".to_string(),
        "VERSION".into(),
        "REPOSITORY".into(),
        "STATUS".into(),
    ]];
    for d in &deps {
        rows.push(vec![
            field(d, "name").to_string(),
            field(d, "version").to_string(),
            field(d, "repository").to_string(),
            status(h, &chart_path, d, &loaded).to_string(),
        ]);
    }
    let width =
        h.p.get("max-col-width")
            .and_then(|w| w.parse().ok())
            .unwrap_or(80);
    let mut text = super::uitable::render(&rows, width);
    text.push('\n');
    for (path, loaded) in &subs {
        match loaded {
            Err(_) => text.push_str(&format!("WARNING: {path:?} is not a chart.\n")),
            Ok(sub) if !deps.iter().any(|d| field(d, "name") == sub.name()) => {
                text.push_str(&format!("WARNING: {path:?} is not in Chart.yaml.\n"));
            }
            Ok(_) => {}
        }
    }
    h.out(&text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_match_exactly_or_by_constraint() {
        assert_eq!(version_status("1.2.3", "1.2.3"), None);
        assert_eq!(version_status("~1.2.0", "1.2.9"), None);
        assert_eq!(version_status("^2.0.0", "1.2.9"), Some("wrong version"));
        assert_eq!(version_status("1.x", "nope"), Some("invalid version"));
        assert_eq!(join("mychart", "charts"), "mychart/charts");
        assert!(strict_semver("1.2.3-rc.1+b"));
        assert!(!strict_semver("v1.2.3"));
        assert!(!strict_semver("1.2"));
        assert_eq!(clean("./mychart/"), "mychart");
    }
}
