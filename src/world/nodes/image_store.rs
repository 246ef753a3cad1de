//! A node's image store (containerd's, as `crictl images` lists it): images by digest with the
//! tags and repo digests that point at them. A tag names one image at a time on a node; pulling a
//! moved tag re-points it and leaves the old image untagged until garbage collection.

use std::collections::BTreeSet;

use super::NodeRuntime;
use crate::world::clock::Millis;
use crate::world::registry::{ImageRef, Resolved};

/// An image present on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedImage {
    /// The platform image digest (what `crictl images --digests` calls IMAGE ID's source).
    pub digest: String,
    /// Tags pointing at it, fully qualified (`docker.io/library/mongo:4.2`).
    pub repo_tags: BTreeSet<String>,
    /// Repo digests (`docker.io/library/mongo@sha256:…`, the tag's manifest or list digest).
    pub repo_digests: BTreeSet<String>,
    /// Bytes on disk.
    pub size: u64,
    /// When it was pulled.
    pub pulled_at: Millis,
    /// When a container last started from it.
    pub last_used: Millis,
}

/// One pull attempt on a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PullRecord {
    /// The reference as written in the pod spec.
    pub reference: String,
    /// The digest it resolved to (empty when the pull failed).
    pub digest: String,
    /// When the pull finished.
    pub time: Millis,
    /// Whether it succeeded.
    pub ok: bool,
}

impl NodeRuntime {
    /// The local image a reference names, by tag or by digest.
    pub fn find_image(&self, r: &ImageRef) -> Option<&CachedImage> {
        let repo = r.repository();
        match (&r.digest, &r.tag) {
            (Some(d), _) => self
                .images
                .values()
                .find(|i| i.repo_digests.contains(&format!("{repo}@{d}")) || (i.digest == *d)),
            (None, Some(_)) => {
                let full = r.full();
                self.images.values().find(|i| i.repo_tags.contains(&full))
            }
            (None, None) => None,
        }
    }

    /// Stores a pulled image, moving the tag from any other image.
    pub fn store_image(&mut self, resolved: &Resolved, now: Millis) -> String {
        let r = &resolved.reference;
        let tag = r.tagged();
        if let Some(t) = &tag {
            for img in self.images.values_mut() {
                img.repo_tags.remove(t);
            }
        }
        let digest = resolved.image.digest.clone();
        let entry = self
            .images
            .entry(digest.clone())
            .or_insert_with(|| CachedImage {
                digest: digest.clone(),
                repo_tags: BTreeSet::new(),
                repo_digests: BTreeSet::new(),
                size: resolved.image.spec.size,
                pulled_at: now,
                last_used: now,
            });
        if let Some(t) = tag {
            entry.repo_tags.insert(t);
        }
        entry
            .repo_digests
            .insert(r.with_digest(&resolved.repo_digest));
        entry.pulled_at = now;
        digest
    }

    /// Marks an image as used by a container start.
    pub fn touch_image(&mut self, digest: &str, now: Millis) {
        if let Some(i) = self.images.get_mut(digest) {
            i.last_used = now;
        }
    }
}
