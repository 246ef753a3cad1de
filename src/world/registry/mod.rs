//! The simulated image registries: repositories with tags that move, manifests by digest, and
//! manifest lists. Every registry host lives in one [`Registry`]; a host not listed in
//! [`Registry::hosts`] does not resolve (like an unknown DNS name).

pub mod defaults;
pub mod image;
pub mod reference;
pub mod rootfs;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

pub use image::{Behavior, Image, ImageConfig, ImageSpec, ManifestList};
pub use reference::ImageRef;

/// What a tag or digest points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// A single-platform image.
    Image(Box<Image>),
    /// A multi-platform index.
    List(ManifestList),
}

impl Manifest {
    /// The manifest's digest.
    pub fn digest(&self) -> &str {
        match self {
            Manifest::Image(i) => &i.digest,
            Manifest::List(l) => &l.digest,
        }
    }
}

/// Why a pull failed, with the container runtime's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PullError {
    /// The reference does not parse.
    InvalidName(String),
    /// The registry host does not exist.
    UnknownHost(String),
    /// The repository or tag/digest is not there.
    NotFound(String),
}

impl PullError {
    /// The runtime's error text (containerd's, as the kubelet reports it).
    pub fn message(&self) -> &str {
        match self {
            PullError::InvalidName(m) | PullError::UnknownHost(m) | PullError::NotFound(m) => m,
        }
    }
}

/// Where a pull landed: the platform image and the digest the reference resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The parsed reference.
    pub reference: ImageRef,
    /// The digest the tag (or digest) resolved to; a manifest list digest for multi-arch tags.
    pub repo_digest: String,
    /// The platform image (linux/amd64) that is run.
    pub image: Image,
}

/// All registries of the world, shared between copies of the world until one of them changes
/// (a snapshot of the workstation copies a pointer, not every manifest).
#[derive(Debug, Clone, Default)]
pub struct Registry {
    data: Rc<Registries>,
}

impl std::ops::Deref for Registry {
    type Target = Registries;
    fn deref(&self) -> &Registries {
        &self.data
    }
}

impl std::ops::DerefMut for Registry {
    fn deref_mut(&mut self) -> &mut Registries {
        Rc::make_mut(&mut self.data)
    }
}

impl Registry {
    /// An empty registry set serving the given hosts.
    pub fn new(hosts: &[&str]) -> Self {
        Registry {
            data: Rc::new(Registries {
                hosts: hosts.iter().map(|h| h.to_string()).collect(),
                ..Default::default()
            }),
        }
    }
}

/// What the registries hold: hosts, tags, manifests.
#[derive(Debug, Clone, Default)]
pub struct Registries {
    hosts: BTreeSet<String>,
    /// repository (`docker.io/library/mongo`) → tag → digest.
    tags: BTreeMap<String, BTreeMap<String, String>>,
    /// digest → manifest; shared across repositories.
    manifests: BTreeMap<String, Manifest>,
    /// repository → digests pushed into it (a digest is pullable only from a repository holding it).
    repo_digests: BTreeMap<String, BTreeSet<String>>,
}

impl Registries {
    /// The registry hosts that exist.
    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.hosts.iter().map(String::as_str)
    }

    /// Adds a registry host.
    pub fn add_host(&mut self, host: &str) {
        self.hosts.insert(host.to_string());
    }

    /// Pushes an image under `reference` (which must carry a tag); returns its digest.
    /// Pushing the same content again keeps the digest; new content moves the tag.
    pub fn push(&mut self, reference: &str, spec: ImageSpec) -> Result<String, String> {
        let r = ImageRef::parse(reference)?;
        let tag = r
            .tag
            .clone()
            .ok_or_else(|| format!("cannot push {reference}: a tag is required"))?;
        self.hosts.insert(r.domain.clone());
        let image = Image::build(spec);
        let digest = image.digest.clone();
        self.manifests
            .insert(digest.clone(), Manifest::Image(Box::new(image)));
        let repo = r.repository();
        self.repo_digests
            .entry(repo.clone())
            .or_default()
            .insert(digest.clone());
        self.tags
            .entry(repo)
            .or_default()
            .insert(tag, digest.clone());
        Ok(digest)
    }

    /// Pushes a multi-arch tag: one image per spec, then a manifest list over them.
    pub fn push_list(&mut self, reference: &str, specs: Vec<ImageSpec>) -> Result<String, String> {
        let r = ImageRef::parse(reference)?;
        let tag = r
            .tag
            .clone()
            .ok_or_else(|| format!("cannot push {reference}: a tag is required"))?;
        self.hosts.insert(r.domain.clone());
        let images: Vec<Image> = specs.into_iter().map(Image::build).collect();
        let list = ManifestList::build(&images.iter().collect::<Vec<_>>());
        let repo = r.repository();
        let set = self.repo_digests.entry(repo.clone()).or_default();
        for i in &images {
            set.insert(i.digest.clone());
        }
        set.insert(list.digest.clone());
        for i in images {
            self.manifests
                .insert(i.digest.clone(), Manifest::Image(Box::new(i)));
        }
        let digest = list.digest.clone();
        self.manifests.insert(digest.clone(), Manifest::List(list));
        self.tags
            .entry(repo)
            .or_default()
            .insert(tag, digest.clone());
        Ok(digest)
    }

    /// Points `dst` at what `src` points at (a developer re-pushing a floating tag).
    pub fn tag(&mut self, src: &str, dst: &str) -> Result<String, String> {
        let digest = self
            .digest(src)
            .ok_or_else(|| format!("{src}: not found"))?;
        let d = ImageRef::parse(dst)?;
        let tag = d
            .tag
            .clone()
            .ok_or_else(|| format!("cannot tag {dst}: a tag is required"))?;
        self.hosts.insert(d.domain.clone());
        let repo = d.repository();
        let set = self.repo_digests.entry(repo.clone()).or_default();
        set.insert(digest.clone());
        if let Some(Manifest::List(l)) = self.manifests.get(&digest) {
            for (_, _, d) in &l.entries {
                set.insert(d.clone());
            }
        }
        self.tags
            .entry(repo)
            .or_default()
            .insert(tag, digest.clone());
        Ok(digest)
    }

    /// Makes a digest already stored anywhere pullable from `repository` (and tags it), as the
    /// integrated registry does for imported images (pull-through).
    pub fn link(&mut self, repository: &str, digest: &str, tag: Option<&str>) {
        if !self.manifests.contains_key(digest) {
            return;
        }
        if let Some((host, _)) = repository.split_once('/') {
            self.hosts.insert(host.to_string());
        }
        let set = self.repo_digests.entry(repository.to_string()).or_default();
        set.insert(digest.to_string());
        if let Some(Manifest::List(l)) = self.manifests.get(digest) {
            for (_, _, d) in &l.entries {
                set.insert(d.clone());
            }
        }
        if let Some(t) = tag {
            self.tags
                .entry(repository.to_string())
                .or_default()
                .insert(t.to_string(), digest.to_string());
        }
    }

    /// Removes a tag (or every tag of a digest reference). True if something was removed.
    pub fn delete(&mut self, reference: &str) -> bool {
        let Ok(r) = ImageRef::parse(reference) else {
            return false;
        };
        let repo = r.repository();
        let Some(tags) = self.tags.get_mut(&repo) else {
            return false;
        };
        match (&r.digest, &r.tag) {
            (Some(d), _) => {
                let before = tags.len();
                tags.retain(|_, v| v != d);
                let removed_digest = self
                    .repo_digests
                    .get_mut(&repo)
                    .is_some_and(|s| s.remove(d));
                before != tags.len() || removed_digest
            }
            (None, Some(t)) => tags.remove(t).is_some(),
            (None, None) => false,
        }
    }

    /// The digest a reference resolves to now (the manifest list digest for multi-arch tags).
    pub fn digest(&self, reference: &str) -> Option<String> {
        let r = ImageRef::parse(reference).ok()?;
        self.resolve_digest(&r)
    }

    fn resolve_digest(&self, r: &ImageRef) -> Option<String> {
        let repo = r.repository();
        match (&r.digest, &r.tag) {
            (Some(d), _) => self.repo_digests.get(&repo)?.contains(d).then(|| d.clone()),
            (None, Some(t)) => self.tags.get(&repo)?.get(t).cloned(),
            (None, None) => None,
        }
    }

    /// The manifest stored under a digest.
    pub fn manifest(&self, digest: &str) -> Option<&Manifest> {
        self.manifests.get(digest)
    }

    /// Resolves a reference for a pull on a linux/amd64 node, with containerd's error texts.
    pub fn resolve(&self, reference: &str) -> Result<Resolved, PullError> {
        let r = ImageRef::parse(reference).map_err(PullError::InvalidName)?;
        let full = r.full();
        if !self.hosts.contains(&r.domain) {
            return Err(PullError::UnknownHost(format!(
                "rpc error: code = Unknown desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": failed to do request: Head \"https://{}/v2/{}/manifests/{}\": dial tcp: lookup {} on {}:53: no such host",
                r.domain,
                r.path,
                r.digest.as_deref().or(r.tag.as_deref()).unwrap_or("latest"),
                r.domain.split(':').next().unwrap_or(&r.domain),
                crate::world::dns::CLUSTER_DNS_IP
            )));
        }
        let not_found = || {
            PullError::NotFound(format!(
                "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found"
            ))
        };
        let digest = self.resolve_digest(&r).ok_or_else(not_found)?;
        let image = match self.manifests.get(&digest).ok_or_else(not_found)? {
            Manifest::Image(i) => (**i).clone(),
            Manifest::List(l) => {
                let entry = l.entries.iter().find(|(os, arch, _)| os == "linux" && arch == "amd64").ok_or_else(|| {
                    PullError::NotFound(format!(
                        "rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": no match for platform in manifest: not found"
                    ))
                })?;
                match self.manifests.get(&entry.2) {
                    Some(Manifest::Image(i)) => (**i).clone(),
                    _ => return Err(not_found()),
                }
            }
        };
        Ok(Resolved {
            reference: r,
            repo_digest: digest,
            image,
        })
    }

    /// The root file system a new push to `reference`'s repository starts from when the push
    /// names none: that of the repository's newest image (a new build of the same software;
    /// ties go to the later tag), else the default family (busybox).
    pub fn rootfs_for_push(&self, reference: &str) -> rootfs::RootFsSource {
        let Ok(r) = ImageRef::parse(reference) else {
            return rootfs::RootFsSource::default();
        };
        let mut best: Option<(i64, &Image)> = None;
        for digest in self
            .tags
            .get(&r.repository())
            .into_iter()
            .flat_map(|t| t.values())
        {
            let image = match self.manifests.get(digest) {
                Some(Manifest::Image(i)) => Some(&**i),
                Some(Manifest::List(l)) => l
                    .entries
                    .iter()
                    .find(|(os, arch, _)| os == "linux" && arch == "amd64")
                    .and_then(|(_, _, d)| match self.manifests.get(d) {
                        Some(Manifest::Image(i)) => Some(&**i),
                        _ => None,
                    }),
                None => None,
            };
            if let Some(i) = image
                && best.is_none_or(|(t, _)| i.spec.created >= t)
            {
                best = Some((i.spec.created, i));
            }
        }
        best.map(|(_, i)| i.spec.rootfs.clone()).unwrap_or_default()
    }

    /// Every (repository:tag, digest) pair, sorted.
    pub fn images(&self) -> Vec<(String, String)> {
        self.tags
            .iter()
            .flat_map(|(repo, tags)| {
                tags.iter()
                    .map(move |(t, d)| (format!("{repo}:{t}"), d.clone()))
            })
            .collect()
    }

    /// Tags of one repository (`docker.io/library/mongo`), sorted.
    pub fn tags_of(&self, repository: &str) -> Vec<(String, String)> {
        self.tags
            .get(repository)
            .map(|t| t.iter().map(|(a, b)| (a.clone(), b.clone())).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_move_digests_stay() {
        let mut r = Registry::new(&["docker.io"]);
        let d1 = r
            .push("nginx:1.25", ImageSpec::new("nginx-1.25", 10, 0))
            .unwrap();
        let d2 = r
            .push("nginx:1.26", ImageSpec::new("nginx-1.26", 10, 0))
            .unwrap();
        r.tag("nginx:1.25", "nginx:latest").unwrap();
        assert_eq!(r.digest("nginx").as_deref(), Some(d1.as_str()));
        r.tag("nginx:1.26", "nginx:latest").unwrap();
        assert_eq!(
            r.digest("docker.io/library/nginx:latest").as_deref(),
            Some(d2.as_str())
        );
        assert_eq!(r.resolve(&format!("nginx@{d1}")).unwrap().image.digest, d1);
        assert!(matches!(r.resolve("nginx:9"), Err(PullError::NotFound(_))));
        assert!(matches!(
            r.resolve("ghcr.io/x/y:1"),
            Err(PullError::UnknownHost(_))
        ));
        assert!(r.delete("nginx:1.25"));
        assert!(r.digest("nginx:1.25").is_none());
    }

    #[test]
    fn manifest_lists_resolve_to_amd64() {
        let mut r = Registry::new(&[]);
        let mut arm = ImageSpec::new("x-arm", 5, 0);
        arm.architecture = "arm64".into();
        let list = r
            .push_list("quay.io/a/b:1", vec![ImageSpec::new("x-amd", 5, 0), arm])
            .unwrap();
        let res = r.resolve("quay.io/a/b:1").unwrap();
        assert_eq!(res.repo_digest, list);
        assert_eq!(res.image.spec.architecture, "amd64");
    }
}
