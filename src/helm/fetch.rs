//! helm's HTTP getter against the lab's world: files a lab put on the world's web hosts
//! (`world/web_hosts.rs`) first, then kubelab's built-in sites (`sites.rs`: the seed's chart
//! repository as it was in 2021). A path missing on a host that exists is a 404, with helm's
//! text; a host that nothing serves is not reachable from the lab's world, said in kubelab's
//! own words (a real helm's DNS or TCP error cannot be reproduced honestly).

use crate::world::World;

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The host answered 404: helm's `failed to fetch URL : 404 Not Found`.
    NotFound(String),
    /// No host of the lab's world answers at that address.
    Unreachable(String),
}

impl FetchError {
    /// The text helm (or kubelab, for an unreachable host) prints.
    pub fn message(&self) -> String {
        match self {
            FetchError::NotFound(url) => format!("failed to fetch {url} : 404 Not Found"),
            FetchError::Unreachable(url) => format!(
                "kubelab: {url} is not reachable from the lab's world (no web host of the lab serves {})",
                crate::world::web_hosts::origin(url).unwrap_or(url)
            ),
        }
    }

    /// Whether it is kubelab's own notice (printed without helm's wrapping).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, FetchError::Unreachable(_))
    }
}

/// GETs a URL.
pub fn get(world: &World, url: &str) -> Result<Vec<u8>, FetchError> {
    if let Some(b) = world.web_hosts.get(url) {
        return Ok(b.to_vec());
    }
    if let Some(b) = super::sites::get(url) {
        return Ok(b);
    }
    if world.web_hosts.reachable(url) || super::sites::reachable(url) {
        return Err(FetchError::NotFound(url.to_string()));
    }
    Err(FetchError::Unreachable(url.to_string()))
}

/// `repo.ResolveReferenceURL(base, ref)` for a relative `ref`: the base with any trailing `/`
/// removed, then `/ref`. An absolute `ref` is returned as it is.
pub fn resolve_reference(base: &str, reference: &str) -> String {
    if reference.starts_with("http://") || reference.starts_with("https://") {
        return reference.to_string();
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        reference.trim_start_matches("./")
    )
}
