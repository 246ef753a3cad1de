//! Finding and loading the chart a command names (`ChartPathOptions.LocateChart`,
//! `ChartDownloader.ResolveChartVersion`, `loader.Load`): a local directory or archive of the
//! workstation, `REPO/CHART` through the cached index (the archive downloaded into the
//! repository cache, as helm leaves it there), or an http(s) URL of an archive.

use super::Helm;
use super::chart::{Chart, load_archive, load_dir};
use super::fetch;
use super::repo_file::RepoFile;
use super::repo_index::{IndexFile, field};
use crate::printers::gotemplate::semver::{Constraint, Version};

/// `IndexFile.Get(name, version)`: the chart version, or helm's error.
pub fn index_get(i: &IndexFile, name: &str, version: &str) -> Result<serde_json::Value, String> {
    let Some(vs) = i.entries.get(name) else {
        return Err("no chart name found".into());
    };
    if vs.is_empty() {
        return Err("no chart version found".into());
    }
    let constraint = if version.is_empty() {
        Constraint::parse("*").ok()
    } else {
        Some(Constraint::parse(version).map_err(|_| format!("improper constraint: {version}"))?)
    };
    if !version.is_empty()
        && let Some(v) = vs.iter().find(|v| field(v, "version") == version)
    {
        return Ok(v.clone());
    }
    for v in vs {
        let Some(parsed) = Version::parse(field(v, "version")).ok() else {
            continue;
        };
        if constraint.as_ref().is_some_and(|c| c.matches(&parsed)) {
            return Ok(v.clone());
        }
    }
    Err(format!("no chart version found for {name}-{version}"))
}

/// Loads a chart from a workstation path (directory or archive).
pub fn load_path(h: &Helm<'_, '_>, path: &str) -> Result<Chart, String> {
    if h.ctx.files.is_dir(path) {
        return load_dir(&*h.ctx.files, path);
    }
    let bytes = h.ctx.files.read_file(path)?;
    load_archive(&bytes)
}

/// Whether a workstation path exists.
fn exists(h: &Helm<'_, '_>, path: &str) -> bool {
    h.ctx.files.is_dir(path) || h.ctx.files.read_file(path).is_ok()
}

/// Locates and loads `name` at `version` ("" for the newest stable).
pub fn locate(h: &mut Helm<'_, '_>, name: &str, version: &str) -> Result<Chart, String> {
    let name = name.trim();
    let version = version.trim();
    if exists(h, name) {
        return load_path(h, name);
    }
    if name.starts_with('/') || name.starts_with('.') {
        return Err(format!("path \"{name}\" not found"));
    }
    let (url, bytes) = download(h, name, version)?;
    let file = url.rsplit('/').next().unwrap_or("chart.tgz").to_string();
    let cache = h.paths.repo_cache.clone();
    h.ctx.files.mkdir_all(&cache)?;
    h.ctx
        .files
        .create_file(&format!("{cache}/{file}"), &bytes)?;
    load_archive(&bytes)
}

/// `ChartDownloader.ResolveChartVersion` and the getter: an `oci://` reference refused, an
/// http(s) URL fetched as it is, `REPO/CHART` through the repository's cached index; the URL
/// and the archive's bytes.
pub fn download(
    h: &mut Helm<'_, '_>,
    name: &str,
    version: &str,
) -> Result<(String, Vec<u8>), String> {
    let repo_path = h.paths.repo_config.clone();
    let rf = RepoFile::load(&*h.ctx.files, &repo_path)?.unwrap_or_default();
    if name.starts_with("http://") || name.starts_with("https://") {
        let bytes = fetch::get(h.ctx.world, name).map_err(|e| e.message())?;
        return Ok((name.to_string(), bytes));
    }
    if name.starts_with("oci://") {
        return Err(
            "kubelab does not support OCI registries for charts (oci:// references)".into(),
        );
    }
    let Some((repo_name, chart_name)) = name.split_once('/') else {
        return Err(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
        ));
    };
    let Some(rc) = rf.get(repo_name).cloned() else {
        return Err(format!("repo {repo_name} not found"));
    };
    let idx_file = h.paths.index_cache(repo_name);
    let index = match h.ctx.files.read_file(&idx_file) {
        Err(_) => {
            return Err(format!(
                "no cached repo found. (try 'helm repo update'): open {idx_file}: no such file or directory"
            ));
        }
        Ok(b) => IndexFile::load(&b).map_err(|e| {
            format!("no cached repo found. (try 'helm repo update'): error loading {idx_file}: {e}")
        })?,
    };
    let cv = index_get(&index, chart_name, version).map_err(|e| {
        format!(
            "chart \"{chart_name}\" matching {version} not found in {} index. (try 'helm repo update'): {e}",
            rc.name
        )
    })?;
    let urls = cv
        .get("urls")
        .and_then(|u| u.as_array())
        .cloned()
        .unwrap_or_default();
    let Some(first) = urls.first().and_then(|u| u.as_str()) else {
        return Err(format!("chart \"{name}\" has no downloadable URLs"));
    };
    let url = fetch::resolve_reference(&rc.url, first);
    let bytes = fetch::get(h.ctx.world, &url).map_err(|e| e.message())?;
    Ok((url, bytes))
}
