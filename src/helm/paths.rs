//! Where helm keeps its files in the virtual home (`pkg/helmpath`: `HELM_*_HOME`, then XDG,
//! then `~/.config/helm`, `~/.cache/helm`, `~/.local/share/helm`), `helm env` and
//! `helm version`.

use super::cli::Parsed;
use super::{Helm, Res};
use crate::kubectl::context::Workstation;

/// Helm v3.21.4's version and the commit of its tag.
pub const VERSION: &str = "v3.21.4";
pub const GIT_COMMIT: &str = "813176c51bb5c181dbbd7901298ddcc104cd3417";

/// The client's paths.
#[derive(Debug, Clone)]
pub struct Paths {
    pub cache_home: String,
    pub config_home: String,
    pub data_home: String,
    pub repo_config: String,
    pub repo_cache: String,
    pub registry_config: String,
    pub plugins: String,
    /// `--debug` or `HELM_DEBUG`.
    pub debug: bool,
}

fn env(files: &dyn Workstation, name: &str) -> Option<String> {
    files.env(name).filter(|v| !v.is_empty())
}

fn lazy(files: &dyn Workstation, helm_var: &str, xdg_var: &str, default: &str) -> String {
    if let Some(p) = env(files, helm_var) {
        return p;
    }
    let home = env(files, "HOME").unwrap_or_else(|| "/home/student".to_string());
    let base = env(files, xdg_var).unwrap_or_else(|| format!("{home}/{default}"));
    format!("{}/helm", base.trim_end_matches('/'))
}

impl Paths {
    /// The paths for this command line and the shell's environment.
    pub fn new(files: &dyn Workstation, p: &Parsed) -> Paths {
        let config_home = lazy(files, "HELM_CONFIG_HOME", "XDG_CONFIG_HOME", ".config");
        let cache_home = lazy(files, "HELM_CACHE_HOME", "XDG_CACHE_HOME", ".cache");
        let data_home = lazy(files, "HELM_DATA_HOME", "XDG_DATA_HOME", ".local/share");
        let repo_config = p
            .get("repository-config")
            .map(str::to_string)
            .or_else(|| env(files, "HELM_REPOSITORY_CONFIG"))
            .unwrap_or_else(|| format!("{config_home}/repositories.yaml"));
        let repo_cache = p
            .get("repository-cache")
            .map(str::to_string)
            .or_else(|| env(files, "HELM_REPOSITORY_CACHE"))
            .unwrap_or_else(|| format!("{cache_home}/repository"));
        let registry_config = env(files, "HELM_REGISTRY_CONFIG")
            .unwrap_or_else(|| format!("{config_home}/registry/config.json"));
        let plugins = env(files, "HELM_PLUGINS").unwrap_or_else(|| format!("{data_home}/plugins"));
        let debug = p.bool("debug")
            || env(files, "HELM_DEBUG")
                .is_some_and(|v| matches!(v.as_str(), "1" | "t" | "T" | "true" | "TRUE" | "True"));
        Paths {
            cache_home,
            config_home,
            data_home,
            repo_config,
            repo_cache,
            registry_config,
            plugins,
            debug,
        }
    }

    /// The cached index of a repository.
    pub fn index_cache(&self, repo: &str) -> String {
        format!("{}/{repo}-index.yaml", self.repo_cache)
    }

    /// The cached chart names of a repository.
    pub fn charts_cache(&self, repo: &str) -> String {
        format!("{}/{repo}-charts.txt", self.repo_cache)
    }
}

/// The parent directory of a path.
pub fn dir_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => ".",
    }
}

/// `helm env [NAME]`.
pub fn env_cmd(h: &mut Helm<'_, '_>) -> Res {
    let ns = h.namespace();
    let max_history = env(&*h.ctx.files, "HELM_MAX_HISTORY")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(10);
    let burst = env(&*h.ctx.files, "HELM_BURST_LIMIT")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(100);
    let g = |n: &str| env(&*h.ctx.files, n).unwrap_or_default();
    let pa = &h.paths;
    let mut vars: Vec<(&str, String)> = vec![
        ("HELM_BIN", "helm".into()),
        ("HELM_BURST_LIMIT", burst.to_string()),
        ("HELM_CACHE_HOME", pa.cache_home.clone()),
        ("HELM_CONFIG_HOME", pa.config_home.clone()),
        ("HELM_DATA_HOME", pa.data_home.clone()),
        ("HELM_DEBUG", pa.debug.to_string()),
        ("HELM_KUBEAPISERVER", g("HELM_KUBEAPISERVER")),
        ("HELM_KUBEASGROUPS", g("HELM_KUBEASGROUPS")),
        ("HELM_KUBEASUSER", g("HELM_KUBEASUSER")),
        ("HELM_KUBECAFILE", g("HELM_KUBECAFILE")),
        ("HELM_KUBECONTEXT", g("HELM_KUBECONTEXT")),
        ("HELM_KUBEINSECURE_SKIP_TLS_VERIFY", "false".into()),
        ("HELM_KUBETLS_SERVER_NAME", g("HELM_KUBETLS_SERVER_NAME")),
        ("HELM_KUBETOKEN", g("HELM_KUBETOKEN")),
        ("HELM_MAX_HISTORY", max_history.to_string()),
        ("HELM_NAMESPACE", ns),
        ("HELM_PLUGINS", pa.plugins.clone()),
        ("HELM_QPS", "0.00".into()),
        ("HELM_REGISTRY_CONFIG", pa.registry_config.clone()),
        ("HELM_REPOSITORY_CACHE", pa.repo_cache.clone()),
        ("HELM_REPOSITORY_CONFIG", pa.repo_config.clone()),
    ];
    vars.sort_by(|a, b| a.0.cmp(b.0));
    let text = match h.p.args.first() {
        Some(name) => {
            let v = vars
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            format!("{v}\n")
        }
        None => vars.iter().map(|(k, v)| format!("{k}=\"{v}\"\n")).collect(),
    };
    h.out(&text);
    Ok(())
}

/// `helm version [--short]`.
pub fn version(h: &mut Helm<'_, '_>) -> Res {
    if h.p.bool("short") {
        let s = format!("{VERSION}+g{}\n", &GIT_COMMIT[..7]);
        h.out(&s);
        return Ok(());
    }
    let s = format!(
        "version.BuildInfo{{Version:\"{VERSION}\", GitCommit:\"{GIT_COMMIT}\", GitTreeState:\"clean\", GoVersion:\"{}\"}}\n",
        GO_VERSION
    );
    h.out(&s);
    Ok(())
}

/// The Go release the v3.21.4 binaries were built with: its release workflow asks for Go
/// `1.26` (the newest patch at build time, not recorded in the tag), so kubelab prints the
/// minor version only (docs/helm.md).
pub const GO_VERSION: &str = "go1.26";
