//! kubelab's built-in web sites: chart repositories of the course that every world can reach,
//! as they were when the course was written (the seed's `gasbugs-charts` repository of
//! September 2021). A lab's own web hosts (`world/web_hosts.rs`) are looked at first, so a lab
//! can replace a file. The archives are built from the chart texts at first use, stamped with
//! the repository's fixed time, so their bytes and digests are the same in every run.

use std::sync::OnceLock;

use super::chart::Chart;
use super::repo_index::{IndexFile, digest};

/// A chart's files (paths relative to its root).
type ChartFiles = Vec<(String, Vec<u8>)>;

/// One site: a base URL, the time its files carry, and its charts' files.
struct Site {
    base: &'static str,
    /// Unix seconds of the archives and RFC 3339 of the index (kubelab's choice: the real
    /// repository's times are not recorded in the course).
    mtime: i64,
    created: &'static str,
    charts: fn() -> Vec<ChartFiles>,
}

const SITES: &[Site] = &[Site {
    base: "https://raw.githubusercontent.com/gasbugs/helm-charts/main",
    mtime: 1_631_430_000,
    created: "2021-09-12T07:00:00Z",
    charts: gasbugs,
}];

fn gasbugs() -> Vec<ChartFiles> {
    super::charts::gasbugs_charts()
        .into_iter()
        .map(|(_, files)| {
            files
                .into_iter()
                .map(|(p, t)| (p, t.into_bytes()))
                .collect()
        })
        .collect()
}

/// Every (URL, bytes) the built-in sites serve.
fn files() -> &'static Vec<(String, Vec<u8>)> {
    static FILES: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out = Vec::new();
        for site in SITES {
            let mut index = IndexFile {
                api_version: "v1".into(),
                generated: site.created.into(),
                entries: Default::default(),
            };
            for files in (site.charts)() {
                let Ok(chart) = Chart::from_files(files) else {
                    continue;
                };
                let tgz = chart.package(site.mtime);
                let name = format!("{}-{}.tgz", chart.name(), chart.version());
                // `helm repo index .` without --url: a URL relative to the repository.
                index.add(&chart, name.clone(), digest(&tgz), site.created);
                out.push((format!("{}/{name}", site.base), tgz));
            }
            index.sort();
            out.push((
                format!("{}/index.yaml", site.base),
                index.to_yaml().into_bytes(),
            ));
        }
        out.sort();
        out
    })
}

/// The file at `url`, if a built-in site serves it.
pub fn get(url: &str) -> Option<Vec<u8>> {
    files()
        .iter()
        .find(|(u, _)| u == url)
        .map(|(_, b)| b.clone())
}

/// Whether a built-in site lives on the URL's host.
pub fn reachable(url: &str) -> bool {
    let Some(o) = crate::world::web_hosts::origin(url) else {
        return false;
    };
    SITES
        .iter()
        .any(|s| crate::world::web_hosts::origin(s.base) == Some(o))
}
