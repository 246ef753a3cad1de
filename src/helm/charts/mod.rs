//! The chart texts kubelab ships, written in kubelab's own words with the shapes (and so the
//! rendered output) of Helm's scaffolds:
//! - `create/`: what `helm create NAME` writes in Helm v3.21.4 ([`scaffold_files`]);
//! - `gasbugs/`: the seed's 2021 `gasbugs-charts` repository charts `mychart` and `mychart2`
//!   (0.1.0, appVersion 1.16.0), in the Helm ≤3.12 scaffold shape ([`gasbugs_charts`]).
//!
//! In the texts `<CHARTNAME>` stands for the chart name; the functions here substitute it
//! (exactly as Helm's `chartutil.Create` replaces `<CHARTNAME>`).

/// A chart's files: `(path relative to the chart directory, text)`.
pub type ChartFiles = Vec<(String, String)>;

const PLACEHOLDER: &str = "<CHARTNAME>";

const CREATE: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("create/Chart.yaml")),
    ("values.yaml", include_str!("create/values.yaml")),
    (".helmignore", include_str!("create/helmignore")),
    (
        "templates/NOTES.txt",
        include_str!("create/templates/NOTES.txt"),
    ),
    (
        "templates/_helpers.tpl",
        include_str!("create/templates/_helpers.tpl"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("create/templates/deployment.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("create/templates/hpa.yaml"),
    ),
    (
        "templates/httproute.yaml",
        include_str!("create/templates/httproute.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("create/templates/ingress.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("create/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("create/templates/serviceaccount.yaml"),
    ),
    (
        "templates/tests/test-connection.yaml",
        include_str!("create/templates/tests/test-connection.yaml"),
    ),
];

const GASBUGS: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("gasbugs/Chart.yaml")),
    ("values.yaml", include_str!("gasbugs/values.yaml")),
    (".helmignore", include_str!("gasbugs/helmignore")),
    (
        "templates/NOTES.txt",
        include_str!("gasbugs/templates/NOTES.txt"),
    ),
    (
        "templates/_helpers.tpl",
        include_str!("gasbugs/templates/_helpers.tpl"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("gasbugs/templates/deployment.yaml"),
    ),
    (
        "templates/hpa.yaml",
        include_str!("gasbugs/templates/hpa.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("gasbugs/templates/ingress.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("gasbugs/templates/service.yaml"),
    ),
    (
        "templates/serviceaccount.yaml",
        include_str!("gasbugs/templates/serviceaccount.yaml"),
    ),
    (
        "templates/tests/test-connection.yaml",
        include_str!("gasbugs/templates/tests/test-connection.yaml"),
    ),
];

fn substitute(files: &[(&str, &str)], name: &str) -> ChartFiles {
    files
        .iter()
        .map(|(p, t)| (p.to_string(), t.replace(PLACEHOLDER, name)))
        .collect()
}

/// Every file `helm create NAME` writes (v3.21.4), in the order Helm writes them, with the
/// chart name substituted. The empty `charts/` directory is not a file: the caller creates it.
pub fn scaffold_files(name: &str) -> ChartFiles {
    substitute(CREATE, name)
}

/// The seed's repository charts: `[("mychart", files), ("mychart2", files)]`.
pub fn gasbugs_charts() -> Vec<(String, ChartFiles)> {
    ["mychart", "mychart2"]
        .iter()
        .map(|n| (n.to_string(), substitute(GASBUGS, n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_substituted() {
        let f = scaffold_files("web");
        let chart = &f.iter().find(|(p, _)| p == "Chart.yaml").unwrap().1;
        assert!(chart.contains("name: web\n"));
        assert!(f.iter().all(|(_, t)| !t.contains(PLACEHOLDER)));
        let g = gasbugs_charts();
        assert_eq!(g[1].0, "mychart2");
        assert!(
            g[1].1
                .iter()
                .any(|(_, t)| t.contains("\"mychart2.fullname\""))
        );
    }
}
