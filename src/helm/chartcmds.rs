//! The chart commands: `helm create` (the v3.21.4 scaffold, `chartutil.Create`), `helm package`
//! (`chartutil.Save`: a deterministic archive stamped with the virtual clock), `helm lint` (the
//! checks listed in docs/helm.md) and `helm show chart|values|readme|all|crds`.

use super::chart::Chart;
use super::{Helm, HelmError, Res};

/// The order `chartutil.Create` writes the scaffold in.
const CREATE_ORDER: &[&str] = &[
    "Chart.yaml",
    "values.yaml",
    ".helmignore",
    "templates/ingress.yaml",
    "templates/httproute.yaml",
    "templates/deployment.yaml",
    "templates/service.yaml",
    "templates/serviceaccount.yaml",
    "templates/hpa.yaml",
    "templates/NOTES.txt",
    "templates/_helpers.tpl",
    "templates/tests/test-connection.yaml",
];

/// The working directory as an absolute path (`filepath.Abs`).
pub fn abs(h: &Helm<'_, '_>, p: &str) -> String {
    let joined = if p.starts_with('/') {
        p.to_string()
    } else {
        let cwd = h
            .ctx
            .files
            .env("PWD")
            .unwrap_or_else(|| "/home/student".into());
        format!("{}/{p}", cwd.trim_end_matches('/'))
    };
    // filepath.Clean.
    let mut parts: Vec<&str> = Vec::new();
    for c in joined.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    format!("/{}", parts.join("/"))
}

fn dir_of(p: &str) -> String {
    match p.trim_end_matches('/').rsplit_once('/') {
        Some(("", _)) => "/".into(),
        Some((d, _)) => d.into(),
        None => ".".into(),
    }
}

/// `helm create NAME`.
pub fn create(h: &mut Helm<'_, '_>) -> Res {
    let arg = h.p.args[0].clone();
    h.out(&format!("Creating {arg}\n"));
    let name = arg
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_string();
    if name.is_empty() || name.len() > 250 {
        return Err("chart name must be between 1 and 250 characters".into());
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    {
        return Err("chart name must match the regular expression \"^[a-zA-Z0-9._-]+$\"".into());
    }
    let parent = abs(h, &dir_of(&arg));
    if !h.ctx.files.is_dir(&parent) {
        if h.ctx.files.read_file(&parent).is_ok() {
            return Err(format!("no such directory {parent}").into());
        }
        return Err(format!("stat {parent}: no such file or directory").into());
    }
    let cdir = format!("{}/{name}", parent.trim_end_matches('/'));
    if h.ctx.files.read_file(&cdir).is_ok() && !h.ctx.files.is_dir(&cdir) {
        return Err(format!("file {cdir} already exists and is not a directory").into());
    }
    let mut files = super::charts::scaffold_files(&name);
    files.sort_by_key(|(p, _)| {
        CREATE_ORDER
            .iter()
            .position(|o| o == p)
            .unwrap_or(usize::MAX)
    });
    for (rel, text) in files {
        let path = format!("{cdir}/{rel}");
        if h.ctx.files.read_file(&path).is_ok() {
            h.out(&format!(
                "WARNING: File \"{path}\" already exists. Overwriting.\n"
            ));
        }
        h.ctx.files.mkdir_all(&dir_of(&path))?;
        h.ctx.files.create_file(&path, text.as_bytes())?;
    }
    h.ctx.files.mkdir_all(&format!("{cdir}/charts"))?;
    Ok(())
}

/// `helm package PATH...`.
pub fn package(h: &mut Helm<'_, '_>) -> Res {
    if h.p.args.is_empty() {
        return Err("need at least one argument, the path to the chart".into());
    }
    let dest = h.p.get("destination").unwrap_or(".").to_string();
    for arg in h.p.args.clone() {
        let path = abs(h, &arg);
        if !h.ctx.files.is_dir(&arg) && h.ctx.files.read_file(&arg).is_err() {
            return Err(format!("stat {arg}: no such file or directory").into());
        }
        if !h.ctx.files.is_dir(&arg) {
            return Err(format!("failed to load {path}: not a directory").into());
        }
        let mut chart = super::chart::load_dir(&*h.ctx.files, &arg)?;
        if let Some(v) = h.p.get("version").filter(|v| !v.is_empty()) {
            chart.metadata["version"] = serde_json::Value::String(v.to_string());
        }
        if let Some(v) = h.p.get("app-version").filter(|v| !v.is_empty()) {
            chart.metadata["appVersion"] = serde_json::Value::String(v.to_string());
        }
        chart
            .validate()
            .map_err(|e| HelmError(format!("chart validation: {e}")))?;
        super::subcharts::check(&chart)?;
        let dest_abs = abs(h, &dest);
        if !h.ctx.files.is_dir(&dest_abs) {
            h.ctx.files.mkdir_all(&dest_abs)?;
        }
        let file = format!(
            "{}/{}-{}.tgz",
            dest_abs.trim_end_matches('/'),
            chart.name(),
            chart.version()
        );
        let tgz = chart.package(h.ctx.world.now().div_euclid(1000));
        h.ctx.files.create_file(&file, &tgz)?;
        h.out(&format!(
            "Successfully packaged chart and saved it to: {file}\n"
        ));
    }
    Ok(())
}

/// One lint finding.
struct Finding {
    sev: &'static str,
    path: String,
    msg: String,
}

fn lint_chart(h: &mut Helm<'_, '_>, path: &str) -> (Vec<Finding>, bool) {
    let mut out = Vec::new();
    let chart = if h.ctx.files.is_dir(path) {
        super::chart::load_dir(&*h.ctx.files, path)
    } else {
        match h.ctx.files.read_file(path) {
            Ok(b) => super::chart::load_archive(&b),
            Err(_) => Err(format!("stat {path}: no such file or directory")),
        }
    };
    let chart: Chart = match chart {
        Ok(c) => c,
        Err(e) => {
            out.push(Finding {
                sev: "ERROR",
                path: "Chart.yaml".into(),
                msg: e,
            });
            return (out, true);
        }
    };
    let m = &chart.metadata;
    let s = |k: &str| m.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
    if s("name").is_empty() {
        out.push(Finding {
            sev: "ERROR",
            path: "Chart.yaml".into(),
            msg: "name is required".into(),
        });
    }
    if s("apiVersion").is_empty() {
        out.push(Finding {
            sev: "ERROR",
            path: "Chart.yaml".into(),
            msg: "apiVersion is required. The value must be either \"v1\" or \"v2\"".into(),
        });
    }
    if s("version").is_empty() {
        out.push(Finding {
            sev: "ERROR",
            path: "Chart.yaml".into(),
            msg: "version is required".into(),
        });
    } else if crate::printers::gotemplate::semver::Version::parse(&s("version")).is_err() {
        out.push(Finding {
            sev: "ERROR",
            path: "Chart.yaml".into(),
            msg: format!("version '{}' is not a valid SemVer", s("version")),
        });
    }
    if s("icon").is_empty() {
        out.push(Finding {
            sev: "INFO",
            path: "Chart.yaml".into(),
            msg: "icon is recommended".into(),
        });
    }
    if !chart.has_values {
        out.push(Finding {
            sev: "INFO",
            path: "values.yaml".into(),
            msg: "file does not exist".into(),
        });
    }
    if out.iter().all(|f| f.sev != "ERROR") {
        let user = super::render::user_values(h).unwrap_or_default();
        match super::engine::coalesce_values(&chart.values_yaml, &user) {
            Err(e) => out.push(Finding {
                sev: "ERROR",
                path: "values.yaml".into(),
                msg: e,
            }),
            Ok(values) => {
                let ns = h.namespace();
                let skip = h.p.bool("skip-schema-validation");
                // The values rule: values.yaml and the overrides against values.schema.json.
                if let (true, false, Some(schema)) = (chart.has_values, skip, &chart.schema) {
                    match super::schema::validate_single(&values, schema) {
                        Ok(None) => {}
                        Ok(Some(e)) | Err(e) => out.push(Finding {
                            sev: "ERROR",
                            path: "values.yaml".into(),
                            msg: e,
                        }),
                    }
                }
                // The templates rule validates the values it renders with first.
                let checked = if skip {
                    Ok(())
                } else {
                    super::subcharts::with_texts(&chart, |rc| {
                        super::engine::coalesce_deps(rc, &values)
                    })
                    .and_then(|all| super::schema::check_values(&chart, &all))
                };
                if let Err(e) = checked {
                    out.push(Finding {
                        sev: "ERROR",
                        path: "templates/".into(),
                        msg: e,
                    });
                } else if let Err(e) =
                    super::render::render(&chart, &values, "test-release", &ns, 1, false, None)
                {
                    out.push(Finding {
                        sev: "ERROR",
                        path: "templates/".into(),
                        msg: e,
                    });
                }
            }
        }
    }
    let failed = out.iter().any(|f| f.sev == "ERROR");
    (out, failed)
}

/// `helm lint [PATH...]`.
pub fn lint(h: &mut Helm<'_, '_>) -> Res {
    let paths = if h.p.args.is_empty() {
        vec![".".to_string()]
    } else {
        h.p.args.clone()
    };
    let quiet = h.p.bool("quiet");
    let strict = h.p.bool("strict");
    let mut message = String::new();
    let mut failed = 0;
    let mut noisy = 0;
    for p in &paths {
        let (findings, mut fail) = lint_chart(h, p);
        let warn = findings.iter().any(|f| f.sev != "INFO");
        if strict && findings.iter().any(|f| f.sev == "WARNING") {
            fail = true;
        }
        if warn {
            noisy += 1;
        }
        if quiet && !warn {
            continue;
        }
        message.push_str(&format!("==> Linting {p}\n"));
        for f in &findings {
            if !quiet || f.sev != "INFO" {
                message.push_str(&format!("[{}] {}: {}\n", f.sev, f.path, f.msg));
            }
        }
        if fail {
            failed += 1;
        }
        message.push('\n');
    }
    h.out(&message);
    let summary = format!("{} chart(s) linted, {failed} chart(s) failed", paths.len());
    if failed > 0 {
        return Err(HelmError(summary));
    }
    if !quiet || noisy > 0 {
        h.out(&format!("{summary}\n"));
    }
    Ok(())
}

/// `helm show chart|values|readme|crds|all CHART`.
pub fn show(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let version = h.p.get("version").unwrap_or("").to_string();
    let chart = super::locate::locate(h, &name, &version)?;
    let what = h.p.path.trim_start_matches("show ");
    let mut out = String::new();
    if matches!(what, "chart" | "all") {
        out.push_str(&format!("{}\n", chart.chart_yaml()));
    }
    if matches!(what, "values" | "all") && chart.has_values {
        if what == "all" {
            out.push_str("---\n");
        }
        out.push_str(&format!("{}\n", chart.values_yaml));
    }
    if matches!(what, "readme" | "all") {
        let names = ["readme.md", "readme.txt", "readme"];
        if let Some((_, d)) = chart
            .files
            .iter()
            .find(|(n, _)| names.contains(&n.to_lowercase().as_str()))
        {
            if what == "all" {
                out.push_str("---\n");
            }
            out.push_str(&format!("{}\n", String::from_utf8_lossy(d)));
        }
    }
    if matches!(what, "crds" | "all") {
        let crds: Vec<&(String, Vec<u8>)> = chart
            .files
            .iter()
            .filter(|(n, _)| n.starts_with("crds/"))
            .collect();
        for (i, (_, d)) in crds.iter().enumerate() {
            if i == 0 && what == "all" && !d.starts_with(b"---") {
                out.push_str("---\n");
            }
            out.push_str(&format!("{}\n", String::from_utf8_lossy(d)));
        }
    }
    h.out(&out);
    Ok(())
}
