//! Git hosts of the lab's world: repositories served at https URLs for `git clone` on the
//! workstation (`workstation/git.rs`). Labs publish a branch from Rhai
//! (`cluster.git_repo(url, branch, #{path: text})`); every world also serves
//! `https://github.com/rook/rook.git` at branch `release-1.7` with the rook 1.7 example
//! manifests seed 004 installs (`world/rook/`), built in so the default world stays small.
//! A host none of whose repositories is served is not reachable from the lab's world.

use std::collections::BTreeMap;
use std::rc::Rc;

/// At most this many files in one branch (kubelab's limit).
pub const MAX_FILES: usize = 256;
/// At most this many bytes per file (kubelab's limit).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// At most this many repositories published by labs (kubelab's limit).
pub const MAX_REPOS: usize = 32;

/// A file's content: built into kubelab or published by a lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Built in (the rook manifests).
    Static(&'static str),
    /// Published by a lab.
    Owned(Rc<Vec<u8>>),
}

impl Content {
    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Content::Static(s) => s.as_bytes(),
            Content::Owned(b) => b,
        }
    }
}

/// A branch: its files by path (relative, `/`-separated).
pub type Branch = Rc<BTreeMap<String, Content>>;

/// A repository: its branches and the one HEAD names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// Branches by name.
    pub branches: BTreeMap<String, Branch>,
    /// The branch a clone without `--branch` checks out.
    pub head: String,
}

/// The repositories labs published, by [`key`].
#[derive(Debug, Clone, Default)]
pub struct GitHosts {
    repos: BTreeMap<String, Repo>,
}

/// What a URL names: `host/path` without the scheme, a trailing `/` or `.git`
/// (`https://github.com/rook/rook.git` and `https://github.com/rook/rook` are one repository, as
/// GitHub serves them). None: not an http(s) URL with a path.
pub fn key(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.trim_end_matches('/');
    let rest = rest
        .strip_suffix(".git")
        .unwrap_or(rest)
        .trim_end_matches('/');
    let (host, path) = rest.split_once('/')?;
    if host.is_empty() || path.is_empty() {
        return None;
    }
    Some(rest.to_string())
}

/// The host of a URL's key.
pub fn host_of(key: &str) -> &str {
    key.split('/').next().unwrap_or("")
}

/// The repositories every world serves.
fn builtin(key: &str) -> Option<Repo> {
    match key {
        "github.com/rook/rook" => {
            let files: BTreeMap<String, Content> = super::rook::FILES
                .iter()
                .map(|(p, t)| (p.to_string(), Content::Static(t)))
                .collect();
            let mut branches = BTreeMap::new();
            branches.insert("release-1.7".to_string(), Rc::new(files));
            Some(Repo {
                branches,
                head: "master".into(),
            })
        }
        _ => None,
    }
}

impl GitHosts {
    /// Publishes `files` as branch `branch` of the repository at `url` (replacing that branch;
    /// the first branch published is the repository's HEAD).
    pub fn publish(
        &mut self,
        url: &str,
        branch: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<(), String> {
        let k = key(url).ok_or_else(|| {
            format!("\"{url}\" is not an http:// or https:// URL of a repository")
        })?;
        if branch.is_empty()
            || branch.starts_with('-')
            || branch.contains(['~', '^', ':', ' ', '\\', '?', '*', '['])
            || branch.contains("..")
        {
            return Err(format!("\"{branch}\" is not a valid branch name"));
        }
        if files.len() > MAX_FILES {
            return Err(format!(
                "more than {MAX_FILES} files in one branch (kubelab's limit)"
            ));
        }
        let mut tree = BTreeMap::new();
        for (path, bytes) in files {
            let clean = path.trim_start_matches('/');
            if clean.is_empty()
                || clean
                    .split('/')
                    .any(|c| c.is_empty() || c == "." || c == "..")
                || clean == ".git"
                || clean.starts_with(".git/")
            {
                return Err(format!("\"{path}\" is not a file path inside a repository"));
            }
            if bytes.len() > MAX_FILE_BYTES {
                return Err(format!(
                    "\"{path}\": more than {} MiB (kubelab's limit)",
                    MAX_FILE_BYTES >> 20
                ));
            }
            tree.insert(clean.to_string(), Content::Owned(Rc::new(bytes)));
        }
        if !self.repos.contains_key(&k) && self.repos.len() >= MAX_REPOS {
            return Err(format!(
                "more than {MAX_REPOS} git repositories (kubelab's limit)"
            ));
        }
        let repo = self.repos.entry(k.clone()).or_insert_with(|| {
            builtin(&k).unwrap_or(Repo {
                branches: BTreeMap::new(),
                head: branch.to_string(),
            })
        });
        if repo.branches.is_empty() {
            repo.head = branch.to_string();
        }
        repo.branches.insert(branch.to_string(), Rc::new(tree));
        Ok(())
    }

    /// The repository at `url`: one a lab published, else a built-in one.
    pub fn repo(&self, url: &str) -> Option<Repo> {
        let k = key(url)?;
        self.repos.get(&k).cloned().or_else(|| builtin(&k))
    }

    /// Whether the world has the URL's host (it serves some repository there).
    pub fn host_served(&self, url: &str) -> bool {
        let Some(k) = key(url) else { return false };
        let host = host_of(&k);
        host == "github.com" || self.repos.keys().any(|r| host_of(r) == host)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_repositories_as_github_does() {
        assert_eq!(
            key("https://github.com/rook/rook.git").as_deref(),
            Some("github.com/rook/rook")
        );
        assert_eq!(
            key("https://github.com/rook/rook/").as_deref(),
            Some("github.com/rook/rook")
        );
        assert_eq!(key("git@github.com:rook/rook.git"), None);
        assert_eq!(key("https://github.com"), None);
    }

    #[test]
    fn rook_is_served_and_labs_publish_more() {
        let mut g = GitHosts::default();
        let rook = g.repo("https://github.com/rook/rook.git").expect("rook");
        assert!(
            rook.branches["release-1.7"].contains_key("cluster/examples/kubernetes/ceph/crds.yaml")
        );
        assert!(g.host_served("https://github.com/nobody/x.git"));
        assert!(!g.host_served("https://git.example.com/x.git"));
        g.publish(
            "https://git.example.com/team/app.git",
            "main",
            vec![("k8s/app.yaml".into(), b"kind: Pod\n".to_vec())],
        )
        .unwrap();
        let r = g
            .repo("https://git.example.com/team/app")
            .expect("published");
        assert_eq!(r.head, "main");
        assert!(g.host_served("https://git.example.com/other.git"));
        assert!(
            g.publish(
                "https://git.example.com/a.git",
                "main",
                vec![("../x".into(), vec![])]
            )
            .is_err()
        );
        assert!(
            g.publish("https://git.example.com/a.git", "a..b", vec![])
                .is_err()
        );
    }
}
