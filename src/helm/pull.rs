//! `helm pull CHART...` (alias `fetch`; `cmd/helm/pull.go`, `pkg/action/pull.go`): downloads a
//! chart archive from a repository (`REPO/CHART`) or a URL into `-d` (default `.`), and with
//! `--untar` expands it as `chartutil.ExpandFile` does instead (into `--untardir`, joined to
//! `-d` when relative). Helm prints nothing on success.

use super::chart::load_archive;
use super::locate::download;
use super::{Helm, HelmError, Res};

/// Two paths joined and cleaned; an absolute `b` stands for itself (a path given on the
/// command line, resolved against a directory).
pub(super) fn join(a: &str, b: &str) -> String {
    if b.starts_with('/') {
        return clean(b);
    }
    clean(&format!("{a}/{b}"))
}

/// `filepath.Clean`.
pub(super) fn clean(p: &str) -> String {
    let abs = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            ".." if abs => {}
            c => parts.push(c),
        }
    }
    let s = parts.join("/");
    match (abs, s.is_empty()) {
        (true, _) => format!("/{s}"),
        (false, true) => ".".into(),
        (false, false) => s,
    }
}

/// `filepath.Split(p)`'s file part.
fn base_of(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

/// `helm pull`.
pub fn pull(h: &mut Helm<'_, '_>) -> Res {
    let args = h.p.args.clone();
    for a in &args {
        pull_one(h, a)?;
    }
    Ok(())
}

fn exists(h: &Helm<'_, '_>, path: &str) -> bool {
    h.ctx.files.is_dir(path) || h.ctx.files.read_file(path).is_ok()
}

fn pull_one(h: &mut Helm<'_, '_>, chart_ref: &str) -> Res {
    let mut version = h.p.get("version").unwrap_or("").to_string();
    if version.is_empty() && h.p.bool("devel") {
        version = ">0.0.0-0".into();
    }
    let dest = h.p.get("destination").unwrap_or(".").to_string();
    let untar = h.p.bool("untar");
    let (url, bytes) = download(h, chart_ref, &version).map_err(HelmError)?;
    if !untar {
        // `DownloadTo`: the URL path's last element, in the destination directory.
        let path = url.split(['?', '#']).next().unwrap_or(&url);
        let name = base_of(path);
        let file = join(&dest, name);
        if !h.ctx.files.is_dir(&dest) {
            return Err(HelmError(format!(
                "kubelab: the destination directory {dest} does not exist (helm's error here names the random temporary file it tried to create in it)"
            )));
        }
        h.ctx.files.create_file(&file, &bytes).map_err(HelmError)?;
        return Ok(());
    }
    let untar_dir = h.p.get("untardir").unwrap_or(".").to_string();
    let ud = if untar_dir.starts_with('/') {
        untar_dir.clone()
    } else {
        join(&dest, &untar_dir)
    };
    let ud_check = if ud == "." {
        base_of(chart_ref).to_string()
    } else {
        join(&ud, base_of(chart_ref))
    };
    if exists(h, &ud_check) {
        return Err(HelmError(format!(
            "failed to untar: a file or directory with the name {ud_check} already exists"
        )));
    }
    h.ctx
        .files
        .mkdir_all(&ud_check)
        .map_err(|e| HelmError(format!("failed to untar (mkdir): {e}")))?;
    expand(h, &ud, &bytes)
}

/// `chartutil.Expand`: the archive's files, verbatim, under `DIR/<Chart.yaml's name>/`.
fn expand(h: &mut Helm<'_, '_>, dir: &str, bytes: &[u8]) -> Res {
    let chart = load_archive(bytes).map_err(HelmError)?;
    let name = chart.name().to_string();
    if name.is_empty() {
        return Err("chart name not specified".into());
    }
    let chart_dir = join(dir, &name);
    let files = super::archive::untar(&super::archive::gunzip(bytes).map_err(HelmError)?)
        .map_err(HelmError)?;
    for (path, data) in files {
        // The archive's first path element is the chart's directory (`LoadArchiveFiles`).
        let Some((_, rel)) = path.split_once('/') else {
            continue;
        };
        let rel = clean(rel);
        if rel == "." || rel.starts_with("..") {
            continue;
        }
        let out = join(&chart_dir, &rel);
        let parent = match out.rsplit_once('/') {
            Some((p, _)) if !p.is_empty() => p.to_string(),
            _ => ".".into(),
        };
        h.ctx.files.mkdir_all(&parent).map_err(HelmError)?;
        h.ctx.files.create_file(&out, &data).map_err(HelmError)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_as_filepath_join() {
        assert_eq!(join(".", "signtest"), "signtest");
        assert_eq!(join("dist", "./x/../y"), "dist/y");
        assert_eq!(join("dist", "/abs"), "/abs");
        assert_eq!(clean("./"), ".");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(base_of("repo/chart"), "chart");
    }
}
