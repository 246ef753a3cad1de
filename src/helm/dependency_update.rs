//! `helm dependency update [CHART]` and `helm dependency build [CHART]`
//! (`pkg/downloader/manager.go`, `internal/resolver`): Chart.yaml's dependencies resolved
//! against the configured repositories' cached indexes (refreshed first, unless
//! `--skip-refresh`), local `file://` charts packaged, the archives saved into `charts/`
//! (outdated ones deleted), and Chart.lock written with its digest. `build` downloads what
//! Chart.lock pins (and runs `update` when there is no lock).
//!
//! Helm refreshes repositories in parallel (its lines come in any order); kubelab refreshes them
//! in repositories.yaml's order. `oci://` repositories are refused plainly.

use serde_json::Value;

use super::chart::{Chart, load_archive, load_dir};
use super::lock;
use super::output::js;
use super::pull::{clean, join};
use super::repo::download_index;
use super::repo_file::{Entry, RepoFile};
use super::repo_index::{IndexFile, field};
use super::subcharts::requested;
use super::{Helm, HelmError, Res};
use crate::printers::gotemplate::semver::{Constraint, Version};

/// Unmanaged repositories' cache names (`managerKeyPrefix`).
const MANAGER_PREFIX: &str = "helm-manager-";

fn chart_path(h: &Helm<'_, '_>) -> String {
    clean(h.p.args.first().map(String::as_str).unwrap_or("."))
}

/// `loadChartDir`.
fn load_chart_dir(h: &Helm<'_, '_>, path: &str) -> Result<Chart, String> {
    if h.ctx.files.is_dir(path) {
        return load_dir(&*h.ctx.files, path);
    }
    if h.ctx.files.read_file(path).is_ok() {
        return Err("only unpacked charts can be updated".into());
    }
    Err(format!(
        "could not find {path}: stat {path}: no such file or directory"
    ))
}

fn repo_file(h: &Helm<'_, '_>) -> Result<RepoFile, String> {
    Ok(RepoFile::load(&*h.ctx.files, &h.paths.repo_config)?.unwrap_or_default())
}

/// `urlutil.Equal`: the same URL once paths are cleaned (`/` for none).
fn url_equal(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        match u.split_once("://") {
            Some((scheme, rest)) => {
                let (host, path) = match rest.find('/') {
                    Some(i) => (&rest[..i], &rest[i..]),
                    None => (rest, "/"),
                };
                format!("{scheme}://{host}{}", clean(path))
            }
            None => clean(u),
        }
    }
    norm(a) == norm(b)
}

fn s(d: &Value, k: &str) -> String {
    d.get(k).and_then(Value::as_str).unwrap_or("").to_string()
}

fn set(d: &mut Value, k: &str, v: &str) {
    if let Value::Object(m) = d {
        m.insert(k.into(), Value::String(v.into()));
    }
}

/// `resolver.GetLocalPath`.
fn local_path(h: &Helm<'_, '_>, repo: &str, chart: &str) -> Result<String, String> {
    let p = repo.strip_prefix("file://").unwrap_or(repo);
    let path = join(chart, p);
    if h.ctx.files.is_dir(&path) || h.ctx.files.read_file(&path).is_ok() {
        Ok(path)
    } else {
        Err(format!("directory {path} not found"))
    }
}

/// `resolveRepoNames`: each dependency's repository name (`@name` and `alias:name` replaced by
/// the repository's URL in `deps`); a URL Helm is not configured for is keyed by itself.
fn resolve_repo_names(
    h: &Helm<'_, '_>,
    chart: &str,
    deps: &mut [Value],
) -> Result<Vec<(String, String)>, String> {
    let rf = repo_file(h)?;
    let mut names = Vec::new();
    let mut missing = Vec::new();
    for d in deps.iter_mut() {
        let repo = s(d, "repository");
        if repo.is_empty() {
            continue;
        }
        if repo.starts_with("oci://") {
            return Err(
                "kubelab does not support OCI registries for charts (oci:// references)".into(),
            );
        }
        if repo.starts_with("file://") {
            local_path(h, &repo, chart)?;
            names.push((s(d, "name"), repo));
            continue;
        }
        let alias = repo
            .strip_prefix('@')
            .or_else(|| repo.strip_prefix("alias:"));
        let found = rf.repositories.iter().find(|e| match alias {
            Some(a) => a == e.name,
            None => url_equal(&e.url, &repo),
        });
        match found {
            Some(e) => {
                if alias.is_some() {
                    set(d, "repository", &e.url);
                }
                names.push((s(d, "name"), e.name.clone()));
            }
            // `url.ParseRequestURI` accepts an absolute URL (or path).
            None if repo.contains("://") || repo.starts_with('/') => {
                names.push((repo.clone(), repo.clone()));
            }
            None => missing.push(repo),
        }
    }
    if !missing.is_empty() {
        let mut msg = format!(
            "no repository definition for {}. Please add them via 'helm repo add'",
            missing.join(", ")
        );
        if missing
            .iter()
            .any(|r| !r.contains("//") && !r.starts_with('@') && !r.starts_with("alias:"))
        {
            msg.push_str("\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\nrepository, use \"https://charts.example.com/\" or \"@example\" instead of\n\"example\". Don't forget to add the repo, too ('helm repo add').");
        }
        return Err(msg);
    }
    Ok(names)
}

fn lookup<'a>(names: &'a [(String, String)], k: &str) -> Option<&'a str> {
    names.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// `ensureMissingRepos`: a repository URL Helm has no entry for is fetched under the name
/// `helm-manager-<sha256 of the URL>`.
fn ensure_missing_repos(
    h: &mut Helm<'_, '_>,
    names: &mut Vec<(String, String)>,
    deps: &[Value],
) -> Res {
    let mut unmanaged = Vec::new();
    for d in deps {
        let repo = s(d, "repository");
        if repo.is_empty() || lookup(names, &s(d, "name")).is_some() {
            continue;
        }
        let name = format!(
            "{MANAGER_PREFIX}{}",
            super::repo_index::digest(repo.as_bytes())
        );
        names.push((s(d, "name"), name.clone()));
        unmanaged.push(Entry {
            name,
            url: repo,
            ..Entry::default()
        });
    }
    if !h.p.bool("skip-refresh") && !unmanaged.is_empty() {
        h.out("Getting updates for unmanaged Helm repositories...\n");
        refresh(h, &unmanaged);
    }
    Ok(())
}

/// `parallelRepoUpdate`: each repository's index downloaded into the cache.
fn refresh(h: &mut Helm<'_, '_>, repos: &[Entry]) {
    for e in repos {
        let managed = !e.name.starts_with(MANAGER_PREFIX);
        let line = match (download_index(h, e), managed) {
            (Ok(()), true) => format!(
                "...Successfully got an update from the {} chart repository\n",
                js(&e.name)
            ),
            (Ok(()), false) => format!(
                "...Successfully got an update from the {} chart repository\n",
                js(&e.url)
            ),
            (Err(err), true) => format!(
                "...Unable to get an update from the {} chart repository ({}):\n\t{}\n",
                js(&e.name),
                e.url,
                err.message()
            ),
            (Err(err), false) => format!(
                "...Unable to get an update from the {} chart repository:\n\t{}\n",
                js(&e.url),
                err.message()
            ),
        };
        h.out(&line);
    }
}

/// `UpdateRepositories`.
fn update_repositories(h: &mut Helm<'_, '_>) -> Res {
    let rf = repo_file(h)?;
    if !rf.repositories.is_empty() {
        h.out("Hang tight while we grab the latest from your chart repositories...\n");
        refresh(h, &rf.repositories);
        h.out("Update Complete. ⎈Happy Helming!⎈\n");
    }
    Ok(())
}

fn constraint(d: &Value) -> Result<Constraint, String> {
    Constraint::parse(&s(d, "version"))
}

/// `Resolver.Resolve`: the exact version of each dependency.
fn resolve(
    h: &Helm<'_, '_>,
    chart: &str,
    deps: &[Value],
    names: &[(String, String)],
) -> Result<Vec<Value>, String> {
    let mut locked = Vec::new();
    let mut missing = Vec::new();
    for d in deps {
        let (name, repo, version) = (s(d, "name"), s(d, "repository"), s(d, "version"));
        let c = constraint(d).map_err(|e| {
            format!(
                "dependency {} has an invalid version/constraint format: {e}",
                js(&name)
            )
        })?;
        if repo.is_empty() {
            local_path(h, &format!("charts/{name}"), chart)?;
            locked.push(lock::locked(&name, "", &version));
            continue;
        }
        if repo.starts_with("file://") {
            let path = local_path(h, &repo, chart)?;
            let ch = load_dir(&*h.ctx.files, &path)?;
            let Ok(v) = Version::parse(ch.version()) else {
                continue;
            };
            if !c.matches(&v) {
                missing.push(format!(
                    "{} (repository {}, version {})",
                    js(&name),
                    js(&repo),
                    js(&version)
                ));
                continue;
            }
            locked.push(lock::locked(&name, &repo, ch.version()));
            continue;
        }
        let repo_name = lookup(names, &name).unwrap_or("").to_string();
        if repo_name.is_empty() {
            locked.push(lock::locked(&name, &repo, &version));
            continue;
        }
        let idx_path = h.paths.index_cache(&repo_name);
        let index = h
            .ctx
            .files
            .read_file(&idx_path)
            .map_err(|_| format!("open {idx_path}: no such file or directory"))
            .and_then(|b| IndexFile::load(&b))
            .map_err(|e| {
                format!("no cached repository for {repo_name} found. (try 'helm repo update'): {e}")
            })?;
        let Some(versions) = index.entries.get(&name) else {
            return Err(format!("{name} chart not found in repo {repo}"));
        };
        let found = versions.iter().find(|cv| {
            let has_urls = cv
                .get("urls")
                .and_then(Value::as_array)
                .is_some_and(|u| !u.is_empty());
            has_urls
                && Version::parse(field(cv, "version"))
                    .ok()
                    .is_some_and(|v| c.matches(&v))
        });
        match found {
            Some(cv) => locked.push(lock::locked(&name, &repo, field(cv, "version"))),
            None => {
                locked.push(lock::locked(&name, &repo, ""));
                missing.push(format!(
                    "{} (repository {}, version {})",
                    js(&name),
                    js(&repo),
                    js(&version)
                ));
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
            missing.len(),
            missing.join(", ")
        ));
    }
    Ok(locked)
}

/// The archive a locked dependency of a repository resolves to (`findChartURL`).
fn chart_url(h: &Helm<'_, '_>, d: &Value, repos: &[(Entry, IndexFile)]) -> Result<String, String> {
    let (name, version, repo) = (s(d, "name"), s(d, "version"), s(d, "repository"));
    let from_index = |index: &IndexFile, base: &str| -> Result<String, String> {
        let versions = index
            .entries
            .get(&name)
            .ok_or_else(|| "entry not found".to_string())?;
        let cv = versions
            .iter()
            .filter(|cv| {
                cv.get("urls")
                    .and_then(Value::as_array)
                    .is_some_and(|u| !u.is_empty())
            })
            .find(|cv| version.is_empty() || version_equals(&version, field(cv, "version")))
            .ok_or_else(|| "no matching version".to_string())?;
        let first = cv["urls"][0].as_str().unwrap_or("");
        Ok(super::fetch::resolve_reference(base, first))
    };
    if let Some((e, index)) = repos.iter().find(|(e, _)| url_equal(&repo, &e.url)) {
        return from_index(index, &e.url);
    }
    // `repo.FindChartInRepoURL`: the repository's index fetched for the occasion.
    let found = super::fetch::get(
        h.ctx.world,
        &super::fetch::resolve_reference(&repo, "index.yaml"),
    )
    .map_err(|e| e.message())
    .and_then(|b| IndexFile::load(&b))
    .and_then(|i| from_index(&i, &repo));
    found.map_err(|e| format!("chart {name} not found in {repo}: {e}"))
}

/// `versionEquals`.
fn version_equals(a: &str, b: &str) -> bool {
    match (Version::parse(a), Version::parse(b)) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), _) => a == b,
        _ => false,
    }
}

/// `loadChartRepositories`: every configured repository with its cached index.
fn chart_repositories(h: &Helm<'_, '_>) -> Result<Vec<(Entry, IndexFile)>, String> {
    let mut out = Vec::new();
    for e in repo_file(h)?.repositories {
        let p = h.paths.index_cache(&e.name);
        let bytes = h
            .ctx
            .files
            .read_file(&p)
            .map_err(|_| format!("open {p}: no such file or directory"))?;
        let index = IndexFile::load(&bytes)?;
        out.push((e, index));
    }
    Ok(out)
}

/// `downloadAll`: the dependencies' archives into `charts/`; `deps` get the versions of local
/// charts packaged.
fn download_all(h: &mut Helm<'_, '_>, chart: &str, deps: &mut [Value]) -> Res {
    let repos = chart_repositories(h)?;
    let dest = join(chart, "charts");
    if h.ctx.files.read_file(&dest).is_ok() && !h.ctx.files.is_dir(&dest) {
        return Err(format!("{} is not a directory", js(&dest)).into());
    }
    h.ctx.files.mkdir_all(&dest)?;
    h.out(&format!("Saving {} charts\n", deps.len()));
    // What would be the temporary directory's files: (file name, bytes).
    let mut saved: Vec<(String, Vec<u8>)> = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    let mut save_error = None;
    for d in deps.iter_mut() {
        let (name, repo, version) = (s(d, "name"), s(d, "repository"), s(d, "version"));
        if repo.is_empty() {
            h.out(&format!("Dependency {name} did not declare a repository. Assuming it exists in the charts directory\n"));
            let path = join(&dest, &name);
            let ch = load_dir(&*h.ctx.files, &path)
                .map_err(|e| HelmError(format!("unable to load chart '{path}': {e}")))?;
            let c = Constraint::parse(&version).map_err(|e| {
                HelmError(format!(
                    "dependency {name} has an invalid version/constraint format: {e}"
                ))
            })?;
            let v = Version::parse(ch.version()).map_err(|e| {
                HelmError(format!(
                    "invalid version {version} for dependency {name}: {e}"
                ))
            })?;
            if !c.matches(&v) {
                save_error = Some(format!(
                    "dependency {name} at version {} does not satisfy the constraint {version}",
                    ch.version()
                ));
                break;
            }
            continue;
        }
        if repo.starts_with("file://") {
            match package_local(h, chart, &name, &repo, &version) {
                Ok((file, bytes, v)) => {
                    saved.push((file, bytes));
                    set(d, "version", &v);
                }
                Err(e) => {
                    save_error = Some(e);
                    break;
                }
            }
            continue;
        }
        let url = match chart_url(h, d, &repos) {
            Ok(u) => u,
            Err(e) => {
                save_error = Some(format!("could not find : {e}"));
                break;
            }
        };
        if urls.contains(&url) {
            h.out(&format!("Already downloaded {name} from repo {repo}\n"));
            continue;
        }
        h.out(&format!("Downloading {name} from repo {repo}\n"));
        match super::fetch::get(h.ctx.world, &url) {
            Ok(bytes) => {
                let file = url.rsplit('/').next().unwrap_or("chart.tgz").to_string();
                saved.retain(|(f, _)| *f != file);
                saved.push((file, bytes));
                urls.push(url);
            }
            Err(e) => {
                save_error = Some(format!("could not download {url}: {}", e.message()));
                break;
            }
        }
    }
    if let Some(e) = save_error {
        h.out(&format!("Save error occurred:  {e}\n"));
        return Err(e.into());
    }
    safe_move(h, deps, &saved, &dest)
}

/// `tarFromLocalDir`: a `file://` chart packaged as `NAME-VERSION.tgz`.
fn package_local(
    h: &Helm<'_, '_>,
    chart: &str,
    name: &str,
    repo: &str,
    version: &str,
) -> Result<(String, Vec<u8>, String), String> {
    let path = local_path(h, repo, chart)?;
    let ch = load_dir(&*h.ctx.files, &path)?;
    let c = Constraint::parse(version)
        .map_err(|e| format!("dependency {name} has an invalid version/constraint format: {e}"))?;
    let v = Version::parse(ch.version())?;
    if !c.matches(&v) {
        return Err(format!("can't get a valid version for dependency {name}"));
    }
    let bytes = ch.package(h.ctx.world.now().div_euclid(1000));
    Ok((
        format!("{}-{}.tgz", ch.name(), ch.version()),
        bytes,
        ch.version().to_string(),
    ))
}

/// `safeMoveDeps`: the new archives into `charts/`, then every other chart archive there
/// deleted (local dependencies' kept).
fn safe_move(h: &mut Helm<'_, '_>, deps: &[Value], saved: &[(String, Vec<u8>)], dest: &str) -> Res {
    let mut before = h.ctx.files.list_dir(dest)?;
    before.sort();
    for (file, bytes) in saved {
        let target = join(dest, file);
        if let Err(e) = load_archive(bytes) {
            h.out(&format!(
                "Could not verify {} for moving: {e} (Skipping)",
                join(&join(dest, ".."), file)
            ));
            continue;
        }
        h.ctx.files.create_file(&target, bytes)?;
    }
    h.out("Deleting outdated charts\n");
    let local: Vec<String> = deps
        .iter()
        .filter(|d| s(d, "repository").is_empty())
        .map(|d| s(d, "name"))
        .collect();
    for file in before {
        let path = join(dest, &file);
        if h.ctx.files.is_dir(&path) || saved.iter().any(|(f, _)| *f == file) {
            continue;
        }
        let ch = match h
            .ctx
            .files
            .read_file(&path)
            .map_err(|e| e.to_string())
            .and_then(|b| load_archive(&b))
        {
            Ok(c) => c,
            Err(e) => {
                h.out(&format!(
                    "Could not verify {path} for deletion: {e} (Skipping)\n"
                ));
                continue;
            }
        };
        if local.iter().any(|n| n == ch.name()) {
            continue;
        }
        h.ctx.files.remove_file(&path)?;
    }
    Ok(())
}

/// `helm dependency update`.
pub fn update(h: &mut Helm<'_, '_>) -> Res {
    let chart = chart_path(h);
    let c = load_chart_dir(h, &chart)?;
    update_chart(h, &chart, &c)
}

fn update_chart(h: &mut Helm<'_, '_>, chart: &str, c: &Chart) -> Res {
    if c.metadata.get("dependencies").is_none_or(Value::is_null) {
        return Ok(());
    }
    let mut req = requested(c);
    let mut names = resolve_repo_names(h, chart, &mut req)?;
    ensure_missing_repos(h, &mut names, &req)?;
    if !h.p.bool("skip-refresh") {
        update_repositories(h)?;
    }
    let mut locked = resolve(h, chart, &req, &names)?;
    download_all(h, chart, &mut locked)?;
    let digest = lock::hash_req(&req, &locked);
    if c.lock.as_ref().is_some_and(|l| s(l, "digest") == digest) {
        return Ok(());
    }
    let generated = super::times::rfc3339_nano(h.ctx.world.now());
    let name = if c.api_version() == "v1" {
        "requirements.lock"
    } else {
        "Chart.lock"
    };
    let text = lock::lock_yaml(&generated, &digest, &locked);
    h.ctx
        .files
        .create_file(&join(chart, name), text.as_bytes())?;
    Ok(())
}

/// `helm dependency build`.
pub fn build(h: &mut Helm<'_, '_>) -> Res {
    let chart = chart_path(h);
    let c = load_chart_dir(h, &chart)?;
    let Some(l) = c.lock.clone() else {
        return update_chart(h, &chart, &c);
    };
    let mut req = requested(&c);
    resolve_repo_names(h, &chart, &mut req)?;
    let mut locked: Vec<Value> = l
        .get("dependencies")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if lock::hash_req(&req, &locked) != s(&l, "digest") {
        return Err("the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies".into());
    }
    // `hasAllRepos`.
    let rf = repo_file(h)?;
    let missing: Vec<String> = locked
        .iter()
        .map(|d| s(d, "repository"))
        .filter(|r| !r.is_empty() && !r.starts_with("file://") && !r.starts_with("oci://"))
        .filter(|r| {
            !rf.repositories
                .iter()
                .any(|e| url_equal(&e.url, r.trim_end_matches('/')))
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!("no repository definition for {}", missing.join(", ")).into());
    }
    if !h.p.bool("skip-refresh") {
        update_repositories(h)?;
    }
    download_all(h, &chart, &mut locked)
}
