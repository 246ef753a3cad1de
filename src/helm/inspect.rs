//! The commands that read releases: `helm list`, `status`, `history`, `get
//! values|manifest|notes|hooks|all` (`cmd/helm/list.go`, `status.go`, `history.go`, `get_*.go`,
//! `pkg/action/list.go`).

use serde_json::Value;

use super::output::{arr, js, obj, yaml_of};
use super::release::Release;
use super::times::{ansic, go_string, rfc3339_nano};
use super::{Helm, HelmError, Res, storage};

const NOT_FOUND: &str = "release: not found";

/// The release status block (`statusPrinter.WriteTable`).
pub fn status_text(
    r: &Release,
    debug: bool,
    show_desc: bool,
    show_metadata: bool,
    hide_notes: bool,
) -> String {
    let mut out = format!("NAME: {}\n", r.name);
    if let Some(t) = r.info.last_deployed {
        out.push_str(&format!("LAST DEPLOYED: {}\n", ansic(t)));
    }
    out.push_str(&format!(
        "NAMESPACE: {}\nSTATUS: {}\nREVISION: {}\n",
        r.namespace, r.info.status, r.version
    ));
    if show_metadata {
        out.push_str(&format!(
            "CHART: {}\nVERSION: {}\nAPP_VERSION: {}\n",
            r.chart.name(),
            r.chart.version(),
            r.chart.app_version()
        ));
    }
    if show_desc {
        out.push_str(&format!("DESCRIPTION: {}\n", r.info.description));
    }
    let tests: Vec<_> = r
        .hooks
        .iter()
        .filter(|h| h.events.iter().any(|e| e == "test"))
        .collect();
    if tests.is_empty() {
        out.push_str("TEST SUITE: None\n");
    } else {
        for h in tests {
            let Some(started) = h.last_run_started else {
                continue;
            };
            out.push_str(&format!(
                "TEST SUITE:     {}\nLast Started:   {}\nLast Completed: {}\nPhase:          {}\n",
                h.name,
                ansic(started),
                h.last_run_completed
                    .map(ansic)
                    .unwrap_or_else(|| "Mon Jan  1 00:00:00 0001".into()),
                h.last_run_phase
            ));
        }
    }
    if debug {
        out.push_str("USER-SUPPLIED VALUES:\n");
        out.push_str(&values_yaml(&r.config));
        out.push('\n');
        out.push_str("COMPUTED VALUES:\n");
        out.push_str(&values_yaml(&super::render::computed_values(r)));
        out.push('\n');
    }
    if r.info.description.eq_ignore_ascii_case("Dry run complete") || debug {
        out.push_str("HOOKS:\n");
        for h in &r.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
        }
        out.push_str(&format!("MANIFEST:\n{}\n", r.manifest));
    }
    if !hide_notes && !r.info.notes.is_empty() {
        out.push_str(&format!("NOTES:\n{}\n", r.info.notes.trim()));
    }
    out
}

/// `output.EncodeYAML` of a values map (`null` for none).
pub fn values_yaml(v: &Value) -> String {
    match v {
        Value::Null => "null\n".into(),
        Value::Object(o) if o.is_empty() => "{}\n".into(),
        v => crate::printers::yaml::to_yaml(v),
    }
}

/// Prints a release in the `-o` format (`status`, `install`, `upgrade`).
pub fn print_release(h: &mut Helm<'_, '_>, r: &Release, show_desc: bool, hide_notes: bool) {
    let text = match super::output::format(&h.p) {
        "json" => format!("{}\n", r.to_json_opts(h.p.path != "status")),
        "yaml" => yaml_of(&r.to_json_opts(h.p.path != "status")),
        _ => status_text(r, h.paths.debug, show_desc, false, hide_notes),
    };
    h.out(&text);
}

/// The newest revision of a release (`Releases.Last`), or revision `version`.
pub fn release_content(
    h: &mut Helm<'_, '_>,
    name: &str,
    version: i64,
) -> Result<Release, HelmError> {
    let ns = h.namespace();
    if version > 0 {
        return storage::get(h.ctx.world, &ns, name, version as u32)
            .ok_or_else(|| NOT_FOUND.into());
    }
    storage::history(h.ctx.world, &ns, name)
        .pop()
        .ok_or_else(|| NOT_FOUND.into())
}

/// `helm status NAME`.
pub fn status(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let r = release_content(h, &name, h.p.int("revision").unwrap_or(0))?;
    let desc = h.p.bool("show-desc");
    print_release(h, &r, desc, false);
    Ok(())
}

/// `helm history NAME`.
pub fn history(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let ns = h.namespace();
    let all = storage::history(h.ctx.world, &ns, &name);
    if all.is_empty() {
        return Err(NOT_FOUND.into());
    }
    let max = h.p.int("max").unwrap_or(256).max(0) as usize;
    let keep = &all[all.len().saturating_sub(max)..];
    let json = arr(&keep
        .iter()
        .map(|r| {
            obj(&[
                ("revision", r.version.to_string()),
                (
                    "updated",
                    r.info
                        .last_deployed
                        .map_or("\"\"".into(), |t| js(&rfc3339_nano(t))),
                ),
                ("status", js(&r.info.status)),
                ("chart", js(&r.chart_ref())),
                ("app_version", js(r.chart.app_version())),
                ("description", js(&r.info.description)),
            ])
        })
        .collect::<Vec<_>>());
    let text = match super::output::format(&h.p) {
        "json" => format!("{json}\n"),
        "yaml" => yaml_of(&json),
        _ => {
            let mut rows = vec![
                [
                    "REVISION",
                    "UPDATED",
                    "STATUS",
                    "CHART",
                    "APP VERSION",
                    "DESCRIPTION",
                ]
                .map(str::to_string)
                .to_vec(),
            ];
            for r in keep {
                rows.push(vec![
                    r.version.to_string(),
                    r.info
                        .last_deployed
                        .map(ansic)
                        .unwrap_or_else(|| "Mon Jan  1 00:00:00 0001".into()),
                    r.info.status.clone(),
                    r.chart_ref(),
                    r.chart.app_version().to_string(),
                    r.info.description.clone(),
                ]);
            }
            super::uitable::render(&rows, 0)
        }
    };
    h.out(&text);
    Ok(())
}

const STATES: &[(&str, &str)] = &[
    ("deployed", "deployed"),
    ("uninstalled", "uninstalled"),
    ("superseded", "superseded"),
    ("failed", "failed"),
    ("uninstalling", "uninstalling"),
    ("pending-install", "pending"),
    ("pending-upgrade", "pending"),
    ("pending-rollback", "pending"),
];

/// `helm list`.
pub fn list(h: &mut Helm<'_, '_>) -> Res {
    let p = h.p.clone();
    let ns = h.namespace();
    let filter = match p.get("filter") {
        Some(f) if !f.is_empty() => {
            Some(regex::Regex::new(f).map_err(|e| format!("error parsing regexp: {e}"))?)
        }
        _ => None,
    };
    let mut all = storage::list(
        h.ctx.world,
        if p.bool("all-namespaces") {
            None
        } else {
            Some(&ns)
        },
    );
    all.retain(|r| filter.as_ref().is_none_or(|f| f.is_match(&r.name)));
    // The state mask.
    let mut wanted: Vec<&str> = Vec::new();
    for (flag, _) in [
        ("deployed", 0),
        ("uninstalled", 0),
        ("uninstalling", 0),
        ("failed", 0),
        ("superseded", 0),
    ] {
        if p.bool(flag) {
            wanted.push(flag);
        }
    }
    if p.bool("pending") {
        wanted.push("pending");
    }
    let only_superseded = wanted == ["superseded"];
    if wanted.is_empty() {
        wanted = vec!["deployed", "failed"];
    }
    if !only_superseded || p.bool("all") {
        let mut latest: Vec<Release> = Vec::new();
        for r in all {
            match latest
                .iter_mut()
                .find(|l| l.name == r.name && l.namespace == r.namespace)
            {
                Some(l) if l.version > r.version => {}
                Some(l) => *l = r,
                None => latest.push(r),
            }
        }
        all = latest;
    }
    if !p.bool("all") {
        all.retain(|r| {
            STATES
                .iter()
                .find(|(s, _)| *s == r.info.status)
                .is_some_and(|(_, group)| wanted.contains(group))
        });
    }
    if let Some(sel) = p.get("selector").filter(|s| !s.is_empty()) {
        let s = crate::world::api::selector::Selector::parse(sel).map_err(HelmError)?;
        all.retain(|r| s.matches(&r.labels));
    }
    let by_date = p.bool("date");
    let reverse = p.bool("reverse");
    all.sort_by(|a, b| {
        if by_date {
            a.info
                .last_deployed
                .cmp(&b.info.last_deployed)
                .then_with(|| a.name.cmp(&b.name))
        } else {
            a.name
                .cmp(&b.name)
                .then_with(|| a.namespace.cmp(&b.namespace))
        }
    });
    if reverse {
        all.reverse();
    }
    let offset = p.int("offset").unwrap_or(0).max(0) as usize;
    let limit = p.int("max").unwrap_or(256);
    let all: Vec<Release> = all
        .into_iter()
        .skip(offset)
        .take(if limit > 0 {
            limit as usize
        } else {
            usize::MAX
        })
        .collect();
    let fmt = super::output::format(&p).to_string();
    if p.bool("short") {
        let names: Vec<String> = all.iter().map(|r| js(&r.name)).collect();
        let text = match fmt.as_str() {
            "json" => format!("{}\n", arr(&names)),
            "yaml" => yaml_of(&arr(&names)),
            _ => all.iter().map(|r| format!("{}\n", r.name)).collect(),
        };
        h.out(&text);
        return Ok(());
    }
    let time_format = p.get("time-format").unwrap_or("").to_string();
    let updated = |r: &Release| match r.info.last_deployed {
        None => "-".to_string(),
        Some(t) if !time_format.is_empty() => go_format(t, &time_format),
        Some(t) => go_string(t),
    };
    let json = arr(&all
        .iter()
        .map(|r| {
            obj(&[
                ("name", js(&r.name)),
                ("namespace", js(&r.namespace)),
                ("revision", js(&r.version.to_string())),
                ("updated", js(&updated(r))),
                ("status", js(&r.info.status)),
                ("chart", js(&r.chart_ref())),
                ("app_version", js(r.chart.app_version())),
            ])
        })
        .collect::<Vec<_>>());
    let text = match fmt.as_str() {
        "json" => format!("{json}\n"),
        "yaml" => yaml_of(&json),
        _ => {
            let mut rows = Vec::new();
            if !p.bool("no-headers") {
                rows.push(
                    [
                        "NAME",
                        "NAMESPACE",
                        "REVISION",
                        "UPDATED",
                        "STATUS",
                        "CHART",
                        "APP VERSION",
                    ]
                    .map(str::to_string)
                    .to_vec(),
                );
            }
            for r in &all {
                rows.push(vec![
                    r.name.clone(),
                    r.namespace.clone(),
                    r.version.to_string(),
                    updated(r),
                    r.info.status.clone(),
                    r.chart_ref(),
                    r.chart.app_version().to_string(),
                ]);
            }
            super::uitable::render(&rows, 0)
        }
    };
    h.out(&text);
    Ok(())
}

/// Go's `time.Format` for the common layout elements (`--time-format`).
fn go_format(ms: i64, layout: &str) -> String {
    let (y, mo, d, hh, mi, s, wd) = crate::calendar::civil(ms);
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    let tokens: &[(&str, String)] = &[
        ("2006", format!("{y:04}")),
        ("January", MONTHS[mo as usize - 1].to_string()),
        ("Jan", MONTHS[mo as usize - 1][..3].to_string()),
        ("Monday", DAYS[wd as usize].to_string()),
        ("Mon", DAYS[wd as usize][..3].to_string()),
        ("MST", "UTC".into()),
        ("Z07:00", "Z".into()),
        ("Z0700", "Z".into()),
        ("-07:00", "+00:00".into()),
        ("-0700", "+0000".into()),
        ("01", format!("{mo:02}")),
        ("02", format!("{d:02}")),
        ("_2", format!("{d:>2}")),
        ("15", format!("{hh:02}")),
        (
            "03",
            format!("{:02}", if hh % 12 == 0 { 12 } else { hh % 12 }),
        ),
        ("04", format!("{mi:02}")),
        ("05", format!("{s:02}")),
        ("06", format!("{:02}", y % 100)),
        ("PM", if hh >= 12 { "PM".into() } else { "AM".into() }),
        (".000", format!(".{:03}", ms.rem_euclid(1000))),
    ];
    let mut out = String::new();
    let mut rest = layout;
    'outer: while !rest.is_empty() {
        for (t, v) in tokens {
            if let Some(r) = rest.strip_prefix(t) {
                out.push_str(v);
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `helm get values|manifest|notes|hooks|all NAME`.
pub fn get(h: &mut Helm<'_, '_>) -> Res {
    let name = h.p.args[0].clone();
    let r = release_content(h, &name, h.p.int("revision").unwrap_or(0))?;
    let text = match h.p.path {
        "get values" => {
            let all = h.p.bool("all");
            let vals = if all {
                super::render::computed_values(&r)
            } else {
                r.config.clone()
            };
            match super::output::format(&h.p) {
                "json" => format!("{}\n", crate::printers::json::to_json_compact(&vals)),
                "yaml" => values_yaml(&vals),
                _ => format!(
                    "{}\n{}",
                    if all {
                        "COMPUTED VALUES:"
                    } else {
                        "USER-SUPPLIED VALUES:"
                    },
                    values_yaml(&vals)
                ),
            }
        }
        "get manifest" => format!("{}\n", r.manifest),
        "get notes" if r.info.notes.is_empty() => String::new(),
        "get notes" => format!("NOTES:\n{}\n", r.info.notes),
        "get hooks" => r
            .hooks
            .iter()
            .map(|k| format!("---\n# Source: {}\n{}\n", k.path, k.manifest))
            .collect(),
        _ => get_all_text(&r),
    };
    h.out(&text);
    Ok(())
}

/// `helm get all`: the status block with debug and chart details.
fn get_all_text(r: &Release) -> String {
    status_text(r, true, false, true, false)
}
