//! `helm search repo [KEYWORD]` (`cmd/helm/search_repo.go`, `cmd/helm/search/search.go`): every
//! version of every cached index as a line `name \v repo/name \v description \v keywords`, the
//! score being the field where the keyword matches, sorted by score, name, then newest version,
//! filtered by the version constraint (`>0.0.0` by default) keeping the newest per name.

use serde_json::Value;

use super::output::{arr, js, obj, yaml_of};
use super::repo_file::RepoFile;
use super::repo_index::{IndexFile, field};
use super::{Helm, Res};
use crate::printers::gotemplate::semver::{Constraint, Version};

const MAX_SCORE: usize = 25;

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub name: String,
    pub score: usize,
    pub chart: Value,
}

fn score(index: usize, line: &str) -> usize {
    let splits: Vec<usize> = line.match_indices('\u{b}').map(|(i, _)| i).collect();
    splits
        .iter()
        .position(|&p| index <= p)
        .unwrap_or(splits.len())
}

fn line(repo: &str, c: &Value) -> String {
    let keywords: Vec<&str> = c
        .get("keywords")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!(
        "{n}\u{b}{repo}/{n}\u{b}{}\u{b}{}",
        field(c, "description"),
        keywords.join(" "),
        n = field(c, "name")
    )
}

/// `helm search repo`.
pub fn search_repo(h: &mut Helm<'_, '_>) -> Res {
    let version = match h.p.get("version") {
        Some(v) if !v.is_empty() => v.to_string(),
        _ if h.p.bool("devel") => ">0.0.0-0".into(),
        _ => ">0.0.0".into(),
    };
    let path = h.paths.repo_config.clone();
    let rf = match RepoFile::load(&*h.ctx.files, &path) {
        Ok(Some(f)) if !f.repositories.is_empty() => f,
        _ => return Err("no repositories configured".into()),
    };
    let mut all: Vec<(String, String, Value)> = Vec::new();
    for e in &rf.repositories {
        let f = h.paths.index_cache(&e.name);
        let loaded = match h.ctx.files.read_file(&f) {
            Err(_) => Err(format!("open {f}: no such file or directory")),
            Ok(b) => IndexFile::load(&b).map_err(|err| format!("error loading {f}: {err}")),
        };
        match loaded {
            Ok(ind) => {
                for (name, versions) in &ind.entries {
                    for c in versions {
                        all.push((format!("{}/{name}", e.name), line(&e.name, c), c.clone()));
                    }
                }
            }
            Err(err) => {
                h.err(&format!(
                    "WARNING: Repo {} is corrupt or missing. Try 'helm repo update'.\nWARNING: {err}\n",
                    js(&e.name)
                ));
            }
        }
    }
    let mut hits: Vec<Hit> = Vec::new();
    if h.p.args.is_empty() {
        hits = all
            .into_iter()
            .map(|(name, _, chart)| Hit {
                name,
                score: 0,
                chart,
            })
            .collect();
    } else {
        let q = h.p.args.join(" ");
        if h.p.bool("regexp") {
            let re = regex::Regex::new(&q).map_err(|e| go_regexp_error(&q, &e))?;
            for (name, l, chart) in all {
                if let Some(m) = re.find(&l) {
                    let s = score(m.start(), &l);
                    if s < MAX_SCORE {
                        hits.push(Hit {
                            name,
                            score: s,
                            chart,
                        });
                    }
                }
            }
        } else {
            let term = q.to_lowercase();
            for (name, l, chart) in all {
                let lv = l.to_lowercase();
                if let Some(i) = lv.find(&term) {
                    let s = score(i, &lv);
                    if s < MAX_SCORE {
                        hits.push(Hit {
                            name,
                            score: s,
                            chart,
                        });
                    }
                }
            }
        }
    }
    hits.sort_by(|a, b| {
        a.score
            .cmp(&b.score)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| {
                let v = |h: &Hit| Version::parse(field(&h.chart, "version")).ok();
                v(b).cmp(&v(a))
            })
    });
    let constraint = Constraint::parse(&version).map_err(|_| {
        format!("an invalid version/constraint format: improper constraint: {version}")
    })?;
    let versions = h.p.bool("versions");
    let mut data: Vec<Hit> = Vec::new();
    for hit in hits {
        if !versions && data.iter().any(|d| d.name == hit.name) {
            continue;
        }
        let Some(v) = Version::parse(field(&hit.chart, "version")).ok() else {
            continue;
        };
        if constraint.matches(&v) {
            data.push(hit);
        }
    }
    let fail = h.p.bool("fail-on-no-result");
    let format = super::output::format(&h.p).to_string();
    if data.is_empty() && fail {
        return Err("no results found".into());
    }
    let json = arr(&data
        .iter()
        .map(|d| {
            obj(&[
                ("name", js(&d.name)),
                ("version", js(field(&d.chart, "version"))),
                ("app_version", js(field(&d.chart, "appVersion"))),
                ("description", js(field(&d.chart, "description"))),
            ])
        })
        .collect::<Vec<_>>());
    let text = match format.as_str() {
        "json" => format!("{json}\n"),
        "yaml" => yaml_of(&json),
        _ if data.is_empty() => "No results found\n".to_string(),
        _ => {
            let width = h.p.int("max-col-width").unwrap_or(50).max(0) as usize;
            let mut rows = vec![vec![
                "NAME".to_string(),
                "CHART VERSION".to_string(),
                "APP VERSION".to_string(),
                "DESCRIPTION".to_string(),
            ]];
            for d in &data {
                rows.push(vec![
                    d.name.clone(),
                    field(&d.chart, "version").to_string(),
                    field(&d.chart, "appVersion").to_string(),
                    field(&d.chart, "description").to_string(),
                ]);
            }
            super::uitable::render(&rows, width)
        }
    };
    h.out(&text);
    Ok(())
}

/// Go's `regexp.Compile` error for the common cases.
fn go_regexp_error(q: &str, e: &regex::Error) -> String {
    let msg = e.to_string();
    let what = if msg.contains("unclosed group") {
        format!("missing closing ): `{q}`")
    } else if msg.contains("unclosed character class") {
        format!("missing closing ]: `{}`", &q[q.rfind('[').unwrap_or(0)..])
    } else if msg.contains("repetition operator missing expression") {
        format!(
            "missing argument to repetition operator: `{}`",
            q.chars().find(|c| "*+?".contains(*c)).unwrap_or('*')
        )
    } else {
        return format!(
            "kubelab: the regular expression {q:?} does not compile ({})",
            msg.lines().last().unwrap_or("")
        );
    };
    format!("error parsing regexp: {what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_is_the_field_of_the_match() {
        let l = "mychart\u{b}gasbugs/mychart\u{b}A Helm chart\u{b}web";
        assert_eq!(score(0, l), 0);
        assert_eq!(score(l.find("gasbugs").unwrap(), l), 1);
        assert_eq!(score(l.find("Helm").unwrap(), l), 2);
        assert_eq!(score(l.find("web").unwrap(), l), 3);
    }
}
