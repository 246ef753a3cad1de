//! `helm repo add|update|list|remove` (`cmd/helm/repo_*.go`): the repositories file and the
//! per-repository index cache in the virtual home.

use super::fetch::{self, FetchError};
use super::output::{arr, js, obj, yaml_of};
use super::repo_file::{Entry, RepoFile};
use super::repo_index::IndexFile;
use super::{Helm, HelmError, Res};

/// Repository URLs that were shut down (`deprecatedRepos` in repo_add.go).
const DEPRECATED: &[(&str, &str)] = &[
    (
        "//kubernetes-charts.storage.googleapis.com",
        "https://charts.helm.sh/stable",
    ),
    (
        "//kubernetes-charts-incubator.storage.googleapis.com",
        "https://charts.helm.sh/incubator",
    ),
];

/// Downloads a repository's index into the cache (`ChartRepository.DownloadIndexFile`).
pub fn download_index(h: &mut Helm<'_, '_>, e: &Entry) -> Result<(), FetchError2> {
    let url = fetch::resolve_reference(&e.url, "index.yaml");
    let bytes = fetch::get(h.ctx.world, &url).map_err(FetchError2::Fetch)?;
    let index = IndexFile::load(&bytes).map_err(FetchError2::Index)?;
    let charts: String = index.entries.keys().map(|n| format!("{n}\n")).collect();
    let cache = h.paths.repo_cache.clone();
    let files = &mut *h.ctx.files;
    let w = |files: &mut dyn crate::kubectl::context::Workstation, p: &str, b: &[u8]| {
        files
            .mkdir_all(&cache)
            .and_then(|_| files.create_file(p, b))
    };
    w(files, &h.paths.charts_cache(&e.name), charts.as_bytes()).map_err(FetchError2::Index)?;
    w(files, &h.paths.index_cache(&e.name), &bytes).map_err(FetchError2::Index)?;
    Ok(())
}

/// A failed index download.
#[derive(Debug, Clone)]
pub enum FetchError2 {
    Fetch(FetchError),
    Index(String),
}

impl FetchError2 {
    pub(super) fn message(&self) -> String {
        match self {
            FetchError2::Fetch(f) => f.message(),
            FetchError2::Index(s) => s.clone(),
        }
    }

    fn unreachable(&self) -> bool {
        matches!(self, FetchError2::Fetch(f) if f.is_unreachable())
    }
}

/// `helm repo add NAME URL`.
pub fn add(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let url = h.p.args[1].clone();
    if !h.p.bool("allow-deprecated-repos") {
        for (old, new) in DEPRECATED {
            if url.contains(old) {
                return Err(format!(
                    "repo \"{url}\" is no longer available; try \"{new}\" instead"
                )
                .into());
            }
        }
    }
    let path = h.paths.repo_config.clone();
    let mut f = RepoFile::load(&*h.ctx.files, &path)?
        .unwrap_or_else(|| RepoFile::parse("").unwrap_or_default());
    let c = Entry {
        name: name.clone(),
        url: url.clone(),
        ..Entry::default()
    };
    if name.contains('/') {
        return Err(format!(
            "repository name ({name}) contains '/', please specify a different name without '/'"
        )
        .into());
    }
    if !h.p.bool("force-update")
        && let Some(existing) = f.get(&name)
    {
        if *existing != c {
            return Err(format!(
                "repository name ({name}) already exists, please specify a different name"
            )
            .into());
        }
        h.out(&format!(
            "{} already exists with the same configuration, skipping\n",
            js(&name)
        ));
        return Ok(());
    }
    if let Err(e) = download_index(h, &c) {
        if e.unreachable() {
            return Err(HelmError(e.message()));
        }
        return Err(format!(
            "looks like {} is not a valid chart repository or cannot be reached: {}",
            js(&url),
            e.message()
        )
        .into());
    }
    f.update(c);
    f.save(h.ctx.files, &path)?;
    h.out(&format!(
        "{} has been added to your repositories\n",
        js(&name)
    ));
    Ok(())
}

const NO_REPOS_UPDATE: &str = "no repositories found. You must add one before updating";

/// `helm repo update [NAME...]`: repositories in the file's order (real helm's order varies).
pub fn update(h: &mut Helm<'_, '_>) -> Res {
    let path = h.paths.repo_config.clone();
    let f = match RepoFile::load(&*h.ctx.files, &path)? {
        Some(f) if !f.repositories.is_empty() => f,
        _ => return Err(NO_REPOS_UPDATE.into()),
    };
    let names = h.p.args.clone();
    for n in &names {
        if f.get(n).is_none() {
            return Err(
                format!("no repositories found matching '{n}'.  Nothing will be updated").into(),
            );
        }
    }
    h.out("Hang tight while we grab the latest from your chart repositories...\n");
    let mut failed = Vec::new();
    for e in &f.repositories {
        if !names.is_empty() && !names.contains(&e.name) {
            continue;
        }
        match download_index(h, e) {
            Ok(()) => h.out(&format!(
                "...Successfully got an update from the {} chart repository\n",
                js(&e.name)
            )),
            Err(err) => {
                h.out(&format!(
                    "...Unable to get an update from the {} chart repository ({}):\n\t{}\n",
                    js(&e.name),
                    e.url,
                    err.message()
                ));
                failed.push(e.url.clone());
            }
        }
    }
    if !failed.is_empty() && h.p.bool("fail-on-repo-update-fail") {
        return Err(format!(
            "Failed to update the following repositories: [{}]",
            failed.join(" ")
        )
        .into());
    }
    h.out("Update Complete. ⎈Happy Helming!⎈\n");
    Ok(())
}

/// `helm repo list`.
pub fn list(h: &mut Helm<'_, '_>) -> Res {
    let path = h.paths.repo_config.clone();
    let f = RepoFile::load(&*h.ctx.files, &path)
        .ok()
        .flatten()
        .unwrap_or_default();
    let fmt = super::output::format(&h.p).to_string();
    if f.repositories.is_empty() && fmt == "table" {
        return Err("no repositories to show".into());
    }
    let json = if f.repositories.is_empty() {
        "null".to_string()
    } else {
        arr(&f
            .repositories
            .iter()
            .map(|e| obj(&[("name", js(&e.name)), ("url", js(&e.url))]))
            .collect::<Vec<_>>())
    };
    let text = match fmt.as_str() {
        "json" => format!("{json}\n"),
        "yaml" => yaml_of(&json),
        _ => {
            let mut rows = vec![vec!["NAME".to_string(), "URL".to_string()]];
            rows.extend(
                f.repositories
                    .iter()
                    .map(|e| vec![e.name.clone(), e.url.clone()]),
            );
            super::uitable::render(&rows, 0)
        }
    };
    h.out(&text);
    Ok(())
}

/// `helm repo remove NAME...`.
pub fn remove(h: &mut Helm<'_, '_>) -> Res {
    let path = h.paths.repo_config.clone();
    let mut f = match RepoFile::load(&*h.ctx.files, &path) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        _ => return Err("no repositories configured".into()),
    };
    for name in h.p.args.clone() {
        if !f.remove(&name) {
            return Err(format!("no repo named {} found", js(&name)).into());
        }
        f.save(h.ctx.files, &path)?;
        for p in [h.paths.charts_cache(&name), h.paths.index_cache(&name)] {
            remove_file(h, &p);
        }
        h.out(&format!(
            "{} has been removed from your repositories\n",
            js(&name)
        ));
    }
    Ok(())
}

/// Removes a workstation file if it is there (through the shell's `rm`, the only remover the
/// workstation offers kubectl's view).
fn remove_file(h: &mut Helm<'_, '_>, path: &str) {
    if h.ctx.files.read_file(path).is_ok() {
        let _ = h.ctx.files.remove_file(path);
    }
}
